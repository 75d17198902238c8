"""Small reports with known contradictions (each check, in prose and in tables) and reports
with none, through the whole pipeline into a real DuckDB file."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from builders import make_docx
from pipeline.run import run

HEAD = "{year}年度{unit}部门整体支出绩效自评报告\n一、部门概况\n"


def findings_of(tmp_path: Path, reports: dict[str, object], catalog: str | None = None) -> set[tuple]:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, content in reports.items():
        if name.endswith(".docx"):
            make_docx(folder / name, content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    if catalog:
        (folder / "catalog.csv").write_text(catalog, encoding="utf-8")
    db = tmp_path / "j.duckdb"
    run([folder], db, quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute('SELECT doc, "check", metrics FROM audit_findings WHERE severity <> \'info\'').fetchall()
    con.close()
    return {(doc, check, tuple(sorted(metrics))) for doc, check, metrics in rows}


def report(body: str, unit: str = "甲县征地服务中心", year: int = 2022) -> str:
    return HEAD.format(year=year, unit=unit) + body


CLEAN = report(
    "单位核定编制25名，在职人员23人，退休人员5人。\n"
    "二、支出情况\n"
    "2022年实际支出600万元，其中基本支出400万元，占66.67%；项目支出200万元，占33.33%。\n"
    "基本支出中人员经费350万元，占基本支出的87.5%；公用经费50万元，占基本支出的12.5%。\n"
    "“三公”经费支出合计3万元，其中公务接待费1万元，公务用车运行维护费2万元，因公出国（境）费0万元，"
    "比上年减少1万元，下降25%。\n"
    "三、业务情况\n全年征地面积1200亩，签约户数356户，拆除房屋210栋，共实施征拆项目12个，其中新启动项目7个、扫尾项目5个。\n"
)


def test_when_report_is_consistent_then_no_finding(tmp_path):
    assert findings_of(tmp_path, {"clean.txt": CLEAN}) == set()


@pytest.mark.parametrize("old, new, expected", [
    ("单位核定编制25名，在职人员23人", "单位核定编制25名，在职人员27人", ("staffing", ("staff.actual", "staff.authorized"))),
    ("其中基本支出400万元", "其中基本支出420万元", ("sum", ("spend.basic", "spend.project", "spend.total"))),
    ("公用经费50万元", "公用经费40万元", ("sum", ("spend.basic", "spend.operating", "spend.personnel"))),
    ("公务接待费1万元", "公务接待费1.5万元", ("sum", ("spend.overseas", "spend.reception", "spend.three_public", "spend.vehicle"))),
    ("占基本支出的87.5%", "占基本支出的85.5%", ("ratio", ("spend.basic", "spend.personnel"))),
    ("下降25%", "下降20%", ("ratio", ("spend.three_public",))),
    ("扫尾项目5个", "扫尾项目6个", ("sum", ("projects.count",))),
    ("2022年实际支出600万元", "2022年实际支出0万元", ("zero", ("spend.basic", "spend.project", "spend.total"))),
])
def test_when_prose_contradicts_itself_then_the_finding_names_it(tmp_path, old, new, expected):
    """One changed figure can break several statements (a sum and the shares computed from
    it): the expected finding is there, and every finding involves a metric of it."""
    assert old in CLEAN
    found = findings_of(tmp_path, {"r.txt": CLEAN.replace(old, new)})
    assert ("r.txt", *expected) in found
    assert all(set(metrics) & set(expected[1]) for _doc, _check, metrics in found)


def test_when_a_figure_is_stated_twice_differently_then_conflict(tmp_path):
    text = CLEAN + "四、其他\n截至年末，单位核定编制23名。\n"
    assert findings_of(tmp_path, {"r.txt": text}) == {("r.txt", "conflict", ("staff.authorized",))}


def test_when_approximate_figure_is_within_range_then_no_conflict(tmp_path):
    text = CLEAN + "四、其他\n全年实际支出近600万元。\n"
    assert findings_of(tmp_path, {"r.txt": text}) == set()


TABLE_REPORT = [
    "2022年度乙县房屋征收办公室部门整体支出绩效自评报告",
    "一、基本情况",
    [["人员编制", "12", "在职人数", "14"]],
    "二、收支情况（金额单位：万元）",
    [["项目", "年初预算数", "决算数"],
     ["基本支出", "300", "310"],
     ["其中：人员经费", "260", "270"],
     ["公用经费", "40", "40"],
     ["项目支出", "100", "120"],
     ["支出合计", "400", "440"]],
]


def test_when_table_contradicts_itself_then_findings(tmp_path):
    found = findings_of(tmp_path, {"t.docx": TABLE_REPORT})
    assert found == {
        ("t.docx", "staffing", ("staff.actual", "staff.authorized")),
        ("t.docx", "sum", ("spend.basic", "spend.project", "spend.total")),
    }


def test_when_table_is_consistent_then_no_finding(tmp_path):
    table = [row if isinstance(row, str) else [list(r) for r in row] for row in TABLE_REPORT]
    table[2] = [["人员编制", "15", "在职人数", "14"]]
    table[4][-1] = ["支出合计", "400", "430"]
    assert findings_of(tmp_path, {"t.docx": table}) == set()


YOY_2021 = report("二、支出情况\n2021年基本支出400万元。\n", unit="丙区征地拆迁安置服务中心", year=2021)
YOY_2022 = report("二、支出情况\n2022年基本支出450万元，比上年增加{delta}万元。\n", unit="丙区征地办", year=2022)
CATALOG = "file,unit,year,report_type,unit_key\na.txt,丙区征地拆迁安置服务中心,2021,整体支出,丙区征地\nb.txt,丙区征地办,2022,整体支出,丙区征地\n"


def test_when_stated_change_disagrees_with_last_years_report_then_yoy(tmp_path):
    found = findings_of(tmp_path, {"a.txt": YOY_2021, "b.txt": YOY_2022.format(delta=80)}, CATALOG)
    assert found == {("b.txt", "yoy", ("spend.basic",))}


def test_when_stated_change_agrees_with_last_years_report_then_no_finding(tmp_path):
    assert findings_of(tmp_path, {"a.txt": YOY_2021, "b.txt": YOY_2022.format(delta=50)}, CATALOG) == set()


def test_when_units_are_read_in_small_ranges_then_groups_and_findings_are_the_same(tmp_path):
    """unit_groups reads a range of units at a time: a range never splits a unit (its years
    stay together for year-on-year checks) and the findings do not depend on the range size."""
    from pipeline.checks import Checker, unit_groups

    reports = {"a.txt": YOY_2021, "b.txt": YOY_2022.format(delta=80), "c.txt": CLEAN,
               "d.txt": report("单位核定编制10名，在职人员12人。\n", unit="乙县征地服务中心")}
    findings_of(tmp_path, reports, CATALOG)
    con = duckdb.connect(str(tmp_path / "j.duckdb"), read_only=True)

    def groups(chunk):
        return [(sorted(docs), len(facts)) for facts, docs in unit_groups(con, chunk=chunk)]

    def findings(chunk):
        checker = Checker()
        return sorted((f.doc, f.check, f.metrics) for facts, docs in unit_groups(con, chunk=chunk)
                      for f in checker.run(facts, docs))

    whole = groups(10**9)
    assert len(whole) == 3 and ["a.txt", "b.txt"] in [g[0] for g in whole]
    assert groups(1) == whole and groups(5) == whole
    assert findings(1) == findings(10**9) and any(f[1] == "yoy" for f in findings(1))
    con.close()


def test_when_the_years_total_of_a_count_is_stated_twice_differently_then_conflict(tmp_path):
    body = ("一、工作完成情况\n全年共完成征收土地２４１６亩，涉及２１个村。\n"
            "二、绩效目标完成情况\n从年度目标完成情况看，全年完成征地2461亩，超额完成年度目标。\n")
    assert findings_of(tmp_path, {"a.txt": report(body)}) == {("a.txt", "conflict", ("land.acquired",))}


def test_when_a_years_total_is_listed_with_its_parts_then_no_conflict(tmp_path):
    body = ("一、工作完成情况\n全年签约1,637户，其中国有土地上房屋征收签约412户、集体土地上房屋征收签约1,225户。\n"
            "全年安置1,205户（其中货币安置788户、实物安置417户）。\n")
    assert findings_of(tmp_path, {"a.txt": report(body)}) == set()


def test_when_one_years_report_is_loaded_twice_then_findings_do_not_depend_on_load_order(tmp_path):
    """Two copies of last year's report (a resubmission) are equal evidence: which one a finding cites
    must not depend on the order the workers finished in, nor on a set's order in this process."""
    from pipeline.checks import Checker, unit_groups

    reports = {"a.txt": YOY_2021, "a2.txt": YOY_2021, "b.txt": YOY_2022.format(delta=80)}
    catalog = CATALOG + "a2.txt,丙区征地拆迁安置服务中心,2021,整体支出,丙区征地\n"
    findings_of(tmp_path, reports, catalog)
    con = duckdb.connect(str(tmp_path / "j.duckdb"), read_only=True)
    (facts, docs), = list(unit_groups(con))
    con.close()

    def shown(order):
        found = Checker().run(facts, dict(order))
        return [(f.doc, f.check, f.message, [(e.doc, e.start) for e in f.evidence]) for f in found]

    forward = shown(sorted(docs.items()))
    assert any(check == "yoy" for _, check, _, _ in forward)
    assert shown(sorted(docs.items(), reverse=True)) == forward
