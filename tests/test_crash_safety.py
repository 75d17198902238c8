"""Crash safety: ``jixiao run`` killed with SIGKILL mid-run, then run again, gives the database a
clean run gives; a second writer on the same database gets one clear line and changes nothing.

Real processes on real DuckDB files: small batches (``--batch-size 5``) so that the kill lands
between commits, and the test checks that it did (some files committed, some not).
"""
from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
JIXIAO = Path(sys.executable).parent / "jixiao"
COPIES = 16  # × the sample reports: enough files for a run to take a few seconds
TABLES = {  # what a run writes, minus when it wrote it
    "documents": "SELECT * EXCLUDE (loaded_at) FROM documents",
    "facts": "SELECT * FROM facts",
    "ingest_errors": "SELECT * EXCLUDE (recorded_at) FROM ingest_errors",
    "audit_findings": "SELECT * FROM audit_findings",
    "finding_evidence": "SELECT * FROM finding_evidence",
}


def command(corpus: Path, db: Path) -> list[str]:
    return [str(JIXIAO), "run", str(corpus), "--db", str(db), "--quiet", "--workers", "2", "--batch-size", "5"]


def snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in TABLES.items()}


def wal_size(db: Path) -> int:
    wal = db.with_name(db.name + ".wal")
    return wal.stat().st_size if wal.exists() else 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for children in Path(f"/proc/{todo.pop()}/task").glob("*/children"):
            try:
                pids = [int(c) for c in children.read_text().split()]
            except OSError:
                continue
            found += pids
            todo += pids
    return found


def alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def wait_for_commits(proc: subprocess.Popen, db: Path, size: int = 200_000) -> None:
    """Until a few batches are committed (the WAL grows with each commit)."""
    deadline = time.monotonic() + 60
    while wal_size(db) < size:
        assert proc.poll() is None, "the run ended before any batch was seen committed"
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    samples = [p for p in sorted(RAW.iterdir()) if p.suffix in {".txt", ".docx", ".pdf"}]
    for i in range(COPIES):
        for p in samples:
            shutil.copy(p, folder / f"{i:02d}_{p.name}")
    (folder / "empty.txt").write_bytes(b"")  # one failure: ingest_errors is compared too
    return folder


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory) -> dict:
    """A run nobody interrupted, and what a second writer got meanwhile."""
    db = tmp_path_factory.mktemp("clean") / "jixiao.duckdb"
    first = subprocess.Popen(command(corpus, db), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_commits(first, db, size=1)
    second = subprocess.run(command(corpus, db), capture_output=True, text=True, timeout=60)
    first.communicate(timeout=120)
    assert first.returncode == 3, first.stderr  # empty.txt
    return {"db": db, "second": second, "tables": snapshot(db)}


@pytest.mark.slow
def test_when_a_second_writer_starts_then_one_line_error_and_exit_1(clean):
    second = clean["second"]
    assert second.returncode == 1
    assert second.stderr.splitlines() == [f"Error: 数据库正被另一个进程使用：{clean['db']}（请等它结束后再试）"]
    assert clean["tables"]["documents"] and len(clean["tables"]["documents"]) == COPIES * 5


@pytest.mark.slow
def test_when_killed_mid_run_and_run_again_then_same_rows_as_a_clean_run(corpus, clean, tmp_path):
    db = tmp_path / "jixiao.duckdb"
    run = subprocess.Popen(command(corpus, db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_commits(run, db)
    workers = descendants(run.pid)
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10  # the workers die with it
    while any(alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "workers outlived the killed run"
        time.sleep(0.05)

    again = subprocess.run(command(corpus, db), capture_output=True, text=True, timeout=120)
    assert again.returncode == 3, again.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        runs = con.execute("SELECT files_read, files_skipped FROM runs").fetchall()
    assert len(runs) == 1, "the killed run must not have finished"
    (read, skipped), = runs
    assert skipped > 0 and read > 0, "the kill must land mid-run: some files committed, some not"
    assert snapshot(db) == clean["tables"]


def test_when_run_twice_or_forced_then_rows_are_replaced_not_doubled(tmp_path):
    from pipeline.run import run

    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    db = tmp_path / "jixiao.duckdb"
    first = run([folder], db, workers=0)
    once = snapshot(db)
    again = run([folder], db, workers=0)
    assert (again.read, again.skipped) == (0, first.read)
    forced = run([folder], db, workers=0, force=True)
    assert (forced.read, forced.skipped) == (first.read, 0)
    assert snapshot(db) == once
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) = count(DISTINCT doc) FROM documents").fetchone() == (True,)
