"""jixiao sql / compare / export on a real database built from small reports of one unit in two years.

The fixture writes three short reports and a catalog.csv into a temporary folder: the 开福
征地拆迁 office in 2018 and 2020 (linked by catalog ``unit_key``; the 2020 report states its
编制数 twice, differently) and another 开福 unit in 2020, then runs the pipeline on them.
"""
from __future__ import annotations

import csv
import io
import json

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

KAIFU = "长沙市开福区征地拆迁事务中心"
HOUSING = "长沙市开福区住房保障服务中心"
REPORTS = {
    "kf2018.txt": f"""{KAIFU}2018年度部门整体支出绩效自评报告

一、部门基本情况
本部门编制数9人，在职人数8人。

二、部门支出情况
2018年决算基本支出285.6万元。项目支出决算数118.79万元。
""",
    "kf2020.txt": f"""{KAIFU}2020年度部门整体支出绩效自评报告

一、部门基本情况
本部门编制数9人，在职人数10人。

二、部门支出情况
2020年决算基本支出375.23万元，比上年增加89.63万元。项目支出决算数157.23万元。

三、其他
单位核定编制12名。
""",
    "kfzf2020.txt": f"""{HOUSING}2020年度部门整体支出绩效自评报告

一、部门基本情况
本部门编制数20人，在职人数18人。

二、部门支出情况
2020年决算基本支出500万元。
""",
}
CATALOG = [
    ("kf2018.txt", KAIFU, 2018, "整体支出", "changsha-kaifu-zhengchai"),
    ("kf2020.txt", KAIFU, 2020, "整体支出", "changsha-kaifu-zhengchai"),
    ("kfzf2020.txt", HOUSING, 2020, "整体支出", "changsha-kaifu-zhufang"),
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A database built by `jixiao run` from the reports above."""
    root = tmp_path_factory.mktemp("analyst")
    raw = root / "raw"
    raw.mkdir()
    for name, text in REPORTS.items():
        (raw / name).write_text(text, encoding="utf-8")
    with open(raw / "catalog.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "unit", "year", "report_type", "unit_key"])
        writer.writerows(CATALOG)
    path = root / "jixiao.duckdb"
    result = CliRunner().invoke(cli, ["run", str(raw), "--db", str(path), "--quiet"])
    assert result.exit_code == 0, result.output
    return path


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- the views ------------------------------------------------------------------------------

def test_when_reports_of_two_years_share_a_unit_key_then_yoy_pairs_them(db):
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT prev_year, year, prev_value, value, change FROM yoy "
                           "WHERE metric = 'spend.basic' AND basis = 'actual'").fetchall()
    assert [(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows] == [(2018, 2020, 2856000, 3752300, 896300)]


def test_when_statements_disagree_then_value_is_null_and_all_values_are_listed(db):
    with duckdb.connect(str(db), read_only=True) as con:
        value, agree, stated, wide, disagreeing = con.execute(
            "SELECT m.value, m.agree, m.stated_values, w.staff_authorized, w.disagreeing "
            "FROM metric_values m JOIN unit_year_wide w USING (unit_key, year) "
            "WHERE m.unit_key = 'changsha-kaifu-zhengchai' AND m.year = 2020 AND m.metric = 'staff.authorized'"
        ).fetchall()[0]
    assert (value, agree, [int(v) for v in stated]) == (None, False, [9, 12])
    assert wide is None and disagreeing == ["staff.authorized"]


def test_when_a_fact_is_not_a_level_then_it_stays_out_of_the_value_views(db):
    with duckdb.connect(str(db), read_only=True) as con:
        kinds = con.execute("SELECT DISTINCT f.kind FROM metric_values m, UNNEST(m.fact_ids) AS u(id) "
                            "JOIN facts f ON f.id = u.id").fetchall()
        changes = con.execute("SELECT count(*) FROM facts WHERE kind = 'change'").fetchall()[0][0]
        leaked = con.execute("SELECT count(*) FROM metric_values WHERE list_contains(stated_values, 896300)"
                             ).fetchall()[0][0]
    assert kinds == [("level",)]
    assert changes >= 1 and leaked == 0


# --- jixiao compare -------------------------------------------------------------------------

def test_when_comparing_a_unit_then_its_years_stand_side_by_side(db):
    result = invoke("compare", "--unit", "开福", "--metric", "spend.basic", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(ln for ln in lines if ln.startswith("metric"))
    assert header.split()[-2:] == ["2018", "2020"]
    row = next(ln for ln in lines if ln.startswith("spend.basic") and "285.6万元" in ln)
    assert row.index("285.6万元") < row.index("375.23万元")


def test_when_several_units_match_then_each_gets_its_own_table(db):
    result = invoke("compare", "--unit", "开福", "--db", db)
    assert result.exit_code == 0, result.output
    assert KAIFU in result.output and HOUSING in result.output
    assert result.output.index(KAIFU) < result.output.index(HOUSING)
    assert "500万元" in result.output.split(HOUSING)[1]


def test_when_statements_disagree_then_compare_marks_the_cell(db):
    result = invoke("compare", "--unit", "changsha-kaifu-zhengchai", "--metric", "staff", "--db", db)
    assert result.exit_code == 0, result.output
    assert "9人 / 12人 *" in result.output
    assert HOUSING not in result.output


def test_when_years_are_given_then_compare_shows_only_those(db):
    result = invoke("compare", "--unit", "KAIFU-ZHENGCHAI", "--years", "2020", "--db", db)
    assert result.exit_code == 0, result.output
    assert "2020" in result.output and "2018" not in result.output


def test_when_no_unit_matches_then_compare_gives_one_error_line(db):
    result = invoke("compare", "--unit", "望城", "--db", db)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_when_the_unit_name_has_sql_in_it_then_it_is_only_a_name(db):
    result = invoke("compare", "--unit", "' OR 1=1 --", "--db", db)
    assert result.exit_code == 1 and result.output.startswith("Error: ")


# --- jixiao sql -----------------------------------------------------------------------------

def test_when_counting_facts_then_sql_prints_a_table(db):
    result = invoke("sql", "select count(*) as n from facts", "--db", db)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].strip() == "n" and int(lines[2]) > 0


def test_when_cells_are_chinese_then_columns_still_align(db):
    result = invoke("sql", "select unit, year from reports order by doc", "--db", db)
    lines = result.output.splitlines()
    from pipeline.cli_analyst import display_width

    ends = {display_width(ln[: ln.rindex(ln.split()[-1])]) for ln in lines[2:]}
    assert len(ends) == 1, result.output


def test_when_csv_is_asked_then_the_output_parses(db):
    result = invoke("sql", "select doc, unit, year from reports order by doc", "--csv", "--db", db)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["doc"] for r in rows] == ["kf2018.txt", "kf2020.txt", "kfzf2020.txt"]
    assert rows[0]["unit"] == KAIFU and rows[0]["year"] == "2018"


def test_when_json_is_asked_then_the_output_parses_with_numbers(db):
    result = invoke("sql", "select year, spend_basic, docs from unit_year_wide where unit_key = $k order by year",
                    "-p", "k", "changsha-kaifu-zhengchai", "--json", "--db", db)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"year": 2018, "spend_basic": 2856000, "docs": ["kf2018.txt"]},
        {"year": 2020, "spend_basic": 3752300, "docs": ["kf2020.txt"]},
    ]


def test_when_the_sql_is_bad_then_one_error_line_and_exit_1(db):
    result = invoke("sql", "select * from no_such_table", "--db", db)
    assert result.exit_code == 1
    assert result.output.startswith("Error: Catalog Error:") and result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_when_the_sql_writes_then_the_read_only_database_refuses(db):
    result = invoke("sql", "delete from facts", "--db", db)
    assert result.exit_code == 1 and result.output.startswith("Error: ")


def test_when_the_database_has_no_views_then_compare_gives_one_error_line(tmp_path):
    old = tmp_path / "old.duckdb"
    with duckdb.connect(str(old)) as con:
        con.execute("CREATE TABLE facts (id VARCHAR)")
    result = invoke("compare", "--unit", "开福", "--db", old)
    assert result.exit_code == 1 and result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_when_the_out_folder_cannot_be_made_then_export_gives_one_error_line(db, tmp_path):
    (tmp_path / "file").write_text("x")
    result = invoke("export", "--format", "csv", "--out", tmp_path / "file" / "sub", "--db", db)
    assert result.exit_code == 1 and result.output.startswith("Error: ") and result.output.count("\n") == 1


def test_when_the_database_is_missing_then_one_error_line(tmp_path):
    result = invoke("sql", "select 1", "--db", tmp_path / "none.duckdb")
    assert result.exit_code == 1 and result.output.startswith("Error: ") and result.output.count("\n") == 1


# --- jixiao export --------------------------------------------------------------------------

def test_when_exporting_xlsx_then_every_relation_is_a_sheet(db, tmp_path):
    from openpyxl import load_workbook

    result = invoke("export", "--format", "xlsx", "--out", tmp_path / "x", "--db", db)
    assert result.exit_code == 0, result.output
    assert "text" in result.output.split("documents:")[1].splitlines()[0]  # says the text is left out
    book = load_workbook(tmp_path / "x" / "jixiao.xlsx", read_only=True)
    with duckdb.connect(str(db), read_only=True) as con:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                           "WHERE table_schema = 'main'").fetchall()}
    assert set(book.sheetnames) == names and all(len(s) <= 31 for s in book.sheetnames)
    documents = list(book["documents"].iter_rows(values_only=True))
    assert "text" not in documents[0] and "doc" in documents[0]
    wide = list(book["unit_year_wide"].iter_rows(values_only=True))
    header = wide[0]
    row = next(r for r in wide[1:] if r[header.index("year")] == 2018)
    assert row[header.index("unit")] == KAIFU  # CJK preserved
    assert row[header.index("spend_basic")] == 2856000


def test_when_exporting_parquet_then_duckdb_reads_it_back(db, tmp_path):
    out = tmp_path / "pq"
    result = invoke("export", "--format", "parquet", "--out", out, "--db", db)
    assert result.exit_code == 0, result.output
    con = duckdb.connect()
    (value,) = con.execute("SELECT value FROM read_parquet($p) WHERE metric = 'spend.basic' AND year = 2018 "
                           "AND basis = 'actual'", {"p": str(out / "metric_values.parquet")}).fetchall()[0]
    assert int(value) == 2856000
    columns = [r[0] for r in con.execute("DESCRIBE SELECT * FROM read_parquet($p)",
                                         {"p": str(out / "documents.parquet")}).fetchall()]
    assert "text" not in columns and "unit_key" in columns
    assert (out / "yoy.parquet").exists() and (out / "facts.parquet").exists()


def test_when_exporting_csv_then_files_open_with_chinese(db, tmp_path):
    out = tmp_path / "csv"
    assert invoke("export", "--format", "csv", "--out", out, "--db", db).exit_code == 0
    with open(out / "reports.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["unit"] for r in rows} == {KAIFU, HOUSING}


# --- help -----------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["sql", "compare", "export"])
def test_when_asking_for_help_then_every_analyst_command_shows_an_example(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output and "--db" in result.output


def test_when_listing_commands_then_every_command_has_an_example():
    for name, command in cli.commands.items():
        assert "Example:" in (command.help or ""), f"jixiao {name} has no Example: in its help"
