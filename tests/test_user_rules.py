"""Rules are the user's data: ``--rules DIR`` reads with a copy of them, and every run records
which rules it read with (folder and fingerprint) in ``runs``; the report shows it.

Real inputs only: a copied rules folder with one wording added, a report in a .txt file, the
real ``jixiao`` command (click's runner) and a DuckDB file.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from pipeline.cli import cli
from pipeline.load import Store
from pipeline.rules import RULES_DIR, fingerprint, load_rules

SENTENCE = "全年办理市长信箱留言37件，均按时办结。"
REPORT = ("长沙市开福区征地服务中心2023年度部门整体支出绩效自评报告\n"
          "一、部门基本情况\n"
          "单位核定编制17名，在岗37人。" + SENTENCE + "\n"
          "二、部门整体支出情况\n"
          "2023年基本支出366.62万元。\n")
OWN_RULE = """# Our own wording (tests/test_user_rules.py): petitions received through the mayor's mailbox.
- id: petitions.count.mailbox
  metric: petitions.count
  pattern: '(?P<label>市长信箱留言){SEP}{PETITIONS}'
  examples:
    - {text: "全年办理市长信箱留言37件，均按时办结。", value: 37}
"""


@pytest.fixture
def own_rules(tmp_path) -> Path:
    """A copy of the packaged rules with one rule file added."""
    rules = tmp_path / "my_rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "local.yaml").write_text(OWN_RULE, encoding="utf-8")
    return rules


@pytest.fixture
def reports(tmp_path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "开福2023.txt").write_text(REPORT, encoding="utf-8")
    return folder


def jixiao(*args) -> object:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def mailbox_facts(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT metric, value, rule_id, quote FROM facts WHERE quote LIKE '%市长信箱%' "
                           "AND metric = 'petitions.count'").fetchall()
    finally:
        con.close()


def runs(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT rules_dir, rules_hash, facts FROM runs ORDER BY started").fetchall()
    finally:
        con.close()


def test_when_rules_are_copied_then_the_fingerprint_is_the_same_and_an_added_rule_changes_it(tmp_path, own_rules):
    copy = tmp_path / "copy"
    shutil.copytree(RULES_DIR, copy)
    assert fingerprint(copy) == fingerprint(RULES_DIR) == load_rules().fingerprint
    assert fingerprint(own_rules) != fingerprint(RULES_DIR)
    assert len(load_rules(own_rules).rules) == len(load_rules().rules) + 1


def test_when_run_with_own_rules_then_their_wording_is_read_and_the_run_records_them(tmp_path, own_rules, reports):
    default_db, own_db = tmp_path / "default.duckdb", tmp_path / "own.duckdb"

    assert jixiao("run", reports, "--db", default_db, "--workers", "0", "--quiet").exit_code == 0
    assert mailbox_facts(default_db) == []  # the packaged rules demonstrably miss this wording
    [(rules_dir, rules_hash, facts)] = runs(default_db)
    assert facts > 0 and Path(rules_dir) == RULES_DIR.resolve() and rules_hash == fingerprint(RULES_DIR)

    assert jixiao("run", reports, "--db", own_db, "--rules", own_rules, "--workers", "0", "--quiet").exit_code == 0
    [(metric, value, rule_id, quote)] = mailbox_facts(own_db)
    assert (metric, value, rule_id) == ("petitions.count", 37, "petitions.count.mailbox") and SENTENCE in quote
    [(rules_dir, rules_hash, facts)] = runs(own_db)
    assert Path(rules_dir) == own_rules.resolve() and rules_hash == fingerprint(own_rules) != fingerprint(RULES_DIR)


@pytest.mark.slow
def test_when_run_with_own_rules_in_worker_processes_then_the_workers_read_with_them(tmp_path, own_rules, reports):
    db = tmp_path / "workers.duckdb"
    assert jixiao("run", reports, "--db", db, "--rules", own_rules, "--workers", "1", "--quiet").exit_code == 0
    assert [r[:3] for r in mailbox_facts(db)] == [("petitions.count", 37, "petitions.count.mailbox")]


def test_when_rules_check_gets_own_rules_then_it_runs_their_examples(own_rules):
    result = jixiao("rules", "check", "--rules", own_rules)
    assert result.exit_code == 0
    assert f"{len(load_rules().rules) + 1} rules, 0 failing examples" in result.output
    assert str(own_rules.resolve()) in result.output


def test_when_the_report_is_written_then_it_shows_the_rules_of_the_run(tmp_path, own_rules, reports):
    db, out = tmp_path / "own.duckdb", tmp_path / "report"
    jixiao("run", reports, "--db", db, "--rules", own_rules, "--workers", "0", "--quiet")
    assert jixiao("report", "--db", db, "--rules", own_rules, "--out", out).exit_code == 0
    short = fingerprint(own_rules)[:12]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert str(own_rules.resolve()) in index and short in index
    sheet = load_workbook(out / "jixiao_report.xlsx")["运行记录"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(rows) == 1 and rows[0][3] == str(own_rules.resolve()) and rows[0][4] == fingerprint(own_rules)


def test_when_a_database_predates_the_rules_columns_then_the_report_reads_it_and_a_run_adds_them(tmp_path, reports):
    db, out = tmp_path / "old.duckdb", tmp_path / "report"
    jixiao("run", reports, "--db", db, "--workers", "0", "--quiet")
    con = duckdb.connect(str(db))  # as a jixiao of schema 1 left it: runs without the rules columns
    con.execute("ALTER TABLE runs DROP COLUMN rules_dir; ALTER TABLE runs DROP COLUMN rules_hash; DELETE FROM runs")
    con.execute("INSERT INTO runs VALUES ('old', TIMESTAMP '2024-01-01 10:00', TIMESTAMP '2024-01-01 10:01', 1, 1, 0, 0, 5, 0)")
    con.close()

    # read-only, as the report opens it: no column to show, no error
    assert jixiao("report", "--db", db, "--out", out).exit_code == 0
    assert (out / "index.html").exists()

    assert jixiao("run", reports, "--db", db, "--workers", "0", "--quiet", "--force").exit_code == 0
    old, new = runs(db)
    assert old == (None, None, 5) and new[:2] == (str(RULES_DIR.resolve()), fingerprint(RULES_DIR)) and new[2] > 0
    with Store(db) as store:  # opening again is idempotent
        columns = [r[0] for r in store.con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'runs'").fetchall()]
    assert columns[-2:] == ["rules_dir", "rules_hash"]
