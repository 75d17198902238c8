"""Loading into a real DuckDB file: idempotent re-runs, changed files, per-file errors."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("documents", "facts", "ingest_errors", "audit_findings", "finding_evidence")


def _rows(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    out = {}
    for table in TABLES:
        cols = "*" if table != "documents" else "doc, sha256, format, unit, year, report_type, chars"
        if table == "ingest_errors":
            cols = "path, doc, stage, code, message"
        out[table] = sorted(con.execute(f"SELECT {cols} FROM {table}").fetchall(), key=repr)
    con.close()
    return out


def test_when_run_twice_then_rows_are_identical(tmp_path):
    db = tmp_path / "j.duckdb"
    run([ROOT / "data" / "raw"], db, quiet=True)
    first = _rows(db)
    run([ROOT / "data" / "raw"], db, quiet=True, force=True)
    assert _rows(db) == first
    summary = run([ROOT / "data" / "raw"], db, quiet=True)
    assert summary.skipped == summary.seen and summary.read == 0
    assert _rows(db) == first
    assert first["facts"] and first["documents"]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) = count(DISTINCT id) FROM facts").fetchone()[0]
    con.close()


def test_when_a_file_changes_then_only_its_rows_are_replaced(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("2021年度甲县征地服务中心部门整体支出绩效自评报告\n人员编制17名，在职人数15人。\n", encoding="utf-8")
    (folder / "b.txt").write_text("2021年度乙县征地服务中心部门整体支出绩效自评报告\n全年征地面积300亩。\n", encoding="utf-8")
    db = tmp_path / "j.duckdb"
    run([folder], db, quiet=True)
    (folder / "a.txt").write_text("2021年度甲县征地服务中心部门整体支出绩效自评报告\n人员编制18名，在职人数15人。\n", encoding="utf-8")
    run([folder], db, quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    facts = sorted(con.execute("SELECT doc, metric, CAST(value AS INTEGER) FROM facts").fetchall())
    con.close()
    assert facts == [("a.txt", "staff.actual", 15), ("a.txt", "staff.authorized", 18), ("b.txt", "land.acquired", 300)]


def test_when_files_are_bad_then_errors_are_recorded_and_the_rest_loads(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "data" / "raw", folder)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip at all")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 20)
    db = tmp_path / "j.duckdb"
    summary = run([folder], db, quiet=True)
    assert {Path(e.path).name for e in summary.failed} == {"broken.docx", "garbage.txt"}
    con = duckdb.connect(str(db), read_only=True)
    errors = dict(con.execute("SELECT doc, code FROM ingest_errors").fetchall())
    docs = {r[0] for r in con.execute("SELECT doc FROM documents").fetchall()}
    con.close()
    assert errors["broken.docx"] == "corrupt"
    assert errors["garbage.txt"] in {"binary", "encoding"}
    assert len(docs) == 5


def test_when_duckdb_runs_out_of_memory_then_one_clear_error_and_loaded_rows_stay(tmp_path):
    """A DuckDB out-of-memory error (its memory_limit) becomes one Chinese line that says what
    to do; the facts committed before it are still there."""
    from pipeline.errors import OutOfMemory
    from pipeline.load import database_memory

    db = tmp_path / "m.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE t AS SELECT range AS i FROM range(10)")
    con.execute("SET memory_limit = '2MB'")
    with pytest.raises(OutOfMemory) as info, database_memory():
        con.execute("SELECT string_agg(repeat('x', 1000), ',') FROM range(100000)").fetchall()
    assert "JIXIAO_DB_MEMORY" in str(info.value) and "jixiao check" in str(info.value)
    assert con.execute("SELECT count(*) FROM t").fetchone()[0] == 10
    con.close()


def test_when_findings_are_written_in_small_chunks_then_the_rows_are_the_same(tmp_path):
    from pipeline.checks import run_checks
    from pipeline.load import Store

    db = tmp_path / "j.duckdb"
    run([ROOT / "data" / "raw"], db, quiet=True)
    whole = _rows(db)
    assert len(whole["audit_findings"]) >= 3
    with Store(db) as store:
        assert store.replace_findings(run_checks(store.con), chunk=2) == len(whole["audit_findings"])
        staging = store.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'staging_%'")
        assert staging.fetchone()[0] == 0
    assert _rows(db) == whole


def test_when_the_checks_fail_midway_then_the_previous_findings_stay_whole(tmp_path):
    from pipeline.checks import run_checks
    from pipeline.load import Store

    db = tmp_path / "j.duckdb"
    run([ROOT / "data" / "raw"], db, quiet=True)
    whole = _rows(db)

    def broken():
        findings = list(run_checks(store.con))
        yield from findings[:3]
        raise RuntimeError("checks died")

    with Store(db) as store:
        with pytest.raises(RuntimeError):
            store.replace_findings(broken(), chunk=2)
    assert _rows(db) == whole
