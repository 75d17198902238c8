"""``--engine ray``: the same database as the local engine, the same per-file limits, no file twice.

A real local Ray (2 CPUs, a small object store, no dashboard) serves the module; each run
writes a real DuckDB file, and two databases are compared table by table on their content
(not when a row was written). Hostile files come from tests/worker_hooks.py, installed in
the Ray actors through JIXIAO_WORKER_HOOK as in the local workers. Without Ray installed
(``pip install -e '.[ray]'``; CI installs it with ``.[test]``) the module skips.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.run import run
from pipeline.workers import HOOK_ENV, Limits
from worker_hooks import EXPLODE, HANG, KILL, KILL_ONCE

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow  # a Ray cluster is processes: `pytest -m "not slow"` leaves it out
ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
LIMITS = Limits(timeout=5, max_memory_mb=768)
TABLES = {  # what a run writes, minus when it wrote it
    "documents": "SELECT * EXCLUDE (loaded_at) FROM documents",
    "facts": "SELECT * FROM facts",
    "quantities": "SELECT * FROM quantities",
    "indicators": "SELECT * FROM indicators",
    "ingest_errors": "SELECT * EXCLUDE (recorded_at) FROM ingest_errors",
    "audit_findings": "SELECT * FROM audit_findings",
    "finding_evidence": "SELECT * FROM finding_evidence",
}


@pytest.fixture(scope="module")
def cluster():
    """A local Ray whose workers can import tests/worker_hooks.py and install it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(HOOK_ENV, "worker_hooks:install")
        mp.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]))
        ray.init(num_cpus=2, object_store_memory=300 * 2**20, include_dashboard=False, log_to_driver=False)
        try:
            yield
        finally:
            ray.shutdown()


def snapshot(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in TABLES.items()}


def both_engines(folder: Path, tmp_path: Path, workers: int = 0) -> tuple[dict, dict]:
    """The same folder through the local engine and the Ray engine, each into its own database."""
    local = run([folder], tmp_path / "local.duckdb", workers=workers, limits=LIMITS)
    ticks: list[tuple[int, int]] = []
    remote = run([folder], tmp_path / "ray.duckdb", engine="ray", limits=LIMITS,
                 progress=lambda done, total, name: ticks.append((done, total)))
    assert (remote.read, len(remote.failed), remote.facts) == (local.read, len(local.failed), local.facts)
    assert [done for done, _ in ticks] == list(range(local.seen + 1))  # the progress bar: every file once
    assert {total for _, total in ticks} == {local.seen}
    return snapshot(tmp_path / "local.duckdb"), snapshot(tmp_path / "ray.duckdb")


def test_when_the_cli_runs_with_engine_ray_then_it_starts_and_stops_its_own_ray(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    db = tmp_path / "cli.duckdb"
    jixiao = Path(sys.executable).parent / "jixiao"
    done = subprocess.run([str(jixiao), "run", str(folder), "--db", str(db), "--engine", "ray", "--workers", "1"],
                          capture_output=True, text=True, timeout=600)
    reports = len([p for p in folder.iterdir() if p.suffix in {".txt", ".docx", ".pdf"}])
    assert done.returncode == 0, done.stderr
    assert f"读取 {reports} 个文件" in done.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == reports


def test_when_the_samples_run_on_ray_then_the_database_equals_the_local_one(cluster, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    local, remote = both_engines(folder, tmp_path)
    assert local["documents"] and local["facts"] and local["audit_findings"]
    assert remote == local


def test_when_files_hang_explode_or_kill_their_worker_then_each_is_one_error_and_the_rest_loads(cluster, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    for marker in (HANG, EXPLODE, KILL, KILL_ONCE):
        (folder / (marker.decode().split(":")[1] + ".txt")).write_bytes(marker + b"\n")
    db = tmp_path / "ray.duckdb"
    summary = run([folder], db, engine="ray", limits=LIMITS)
    errors = {Path(e.path).name: (e.stage, e.code, e.message) for e in summary.failed}
    assert errors == {
        "hang.txt": ("worker", "timeout", "处理超时（5 秒）"),
        "explode.txt": ("worker", "memory", "内存超过上限（768 MB）"),
        "kill.txt": ("worker", "crash", "处理进程意外退出（重试一次后仍然退出）"),
    }
    assert (folder / "once.txt.killed").exists(), "the first worker to read once.txt must have died"
    with duckdb.connect(str(db), read_only=True) as con:
        docs = [d for (d,) in con.execute("SELECT doc FROM documents ORDER BY doc").fetchall()]
        logged = [d for (d,) in con.execute("SELECT doc FROM ingest_errors ORDER BY doc").fetchall()]
    assert "once.txt" in docs, "a file whose worker died once is read again on a fresh worker"
    assert len(docs) == len(set(docs)) == summary.read and len(logged) == len(set(logged)) == 3
    assert not set(docs) & set(logged)


def test_when_run_again_on_ray_then_nothing_is_read_twice(cluster, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(RAW, folder)
    db = tmp_path / "ray.duckdb"
    first = run([folder], db, engine="ray", limits=LIMITS)
    once = snapshot(db)
    again = run([folder], db, engine="ray", limits=LIMITS)
    assert first.read > 0 and (again.read, again.skipped) == (0, first.read)
    assert snapshot(db) == once


@pytest.mark.slow
def test_when_1000_generated_reports_run_on_ray_then_the_database_equals_the_local_one(cluster, tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path / "corpus"
    make_corpus(folder, 1000, mix="txt=6,docx=3,pdf=1")
    local, remote = both_engines(folder, tmp_path, workers=2)
    assert len(local["documents"]) == 1000 and local["facts"] and local["audit_findings"]
    assert remote == local


def test_when_a_long_file_is_read_in_parts_on_ray_then_it_loads_as_the_local_engine_loads_it(cluster, tmp_path, monkeypatch):
    """A compiled volume split into parts (pipeline/volumes.py): the parts travel as Ray calls and
    the file lands once, as the local engine lands it."""
    import pipeline.volumes as volumes
    from pipeline.ingest import read_document

    folder = tmp_path / "in"
    folder.mkdir()
    texts = [read_document(p).text for p in sorted(RAW.glob("*.txt"))]
    volume = folder / "汇编.txt"
    volume.write_text("\n\n".join(texts * 3), encoding="utf-8")
    monkeypatch.setattr(volumes, "PART_BYTES", volume.stat().st_size // 3)
    local, remote = both_engines(folder, tmp_path, workers=2)
    assert len(local["documents"]) == 1 and local["facts"]
    assert remote == local


@pytest.mark.parametrize("ocr", ["auto", "off"])
def test_when_a_scan_runs_on_ray_then_the_ocr_mode_reaches_the_actors(cluster, tmp_path, ocr):
    """``--ocr`` travels to the Ray actors: a scan is read (auto) or recorded unread (off), as locally."""
    from builders import SCAN_VARIANTS, make_scan_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    make_scan_pdf(folder / "scan.pdf", ["一、部门基本情况", "2023年基本支出285.6万元。"], SCAN_VARIANTS["clean150"])
    limits = Limits(timeout=120, max_memory_mb=3072)  # OCR's models need ≈ 1.5 GB (bench/RESULTS.md)
    local = run([folder], tmp_path / "local.duckdb", workers=1, limits=limits, ocr=ocr)
    remote = run([folder], tmp_path / "ray.duckdb", engine="ray", limits=limits, ocr=ocr)
    assert (remote.read, len(remote.failed)) == (local.read, len(local.failed)) == ((1, 0) if ocr == "auto" else (0, 1))
    assert snapshot(tmp_path / "ray.duckdb") == snapshot(tmp_path / "local.duckdb")


def test_when_a_scan_takes_longer_than_the_time_limit_on_ray_then_its_ocr_pages_buy_it_time(cluster, tmp_path):
    """A file's deadline moves by ``ocr_page_seconds`` for each page it announced it will OCR, on
    Ray as in the local workers: a scan that takes seconds loads under a 1 s limit."""
    from builders import SCAN_VARIANTS, make_scan_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    make_scan_pdf(folder / "scan.pdf", ["一、部门基本情况", "2023年基本支出285.6万元。"], SCAN_VARIANTS["clean150"])
    summary = run([folder], tmp_path / "ray.duckdb", engine="ray", ocr="auto",
                  limits=Limits(timeout=1, max_memory_mb=3072, ocr_page_seconds=300))
    assert (summary.read, summary.failed) == (1, []) and summary.facts > 0
