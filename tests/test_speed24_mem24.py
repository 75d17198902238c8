"""Round 24 (mem24): a long run's memory at a short run's level — each change against the plain
behaviour it replaces, on real inputs."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.model import FileError
from pipeline.run import _in_process
from pipeline.workers import Limits, WorkerPool

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "data" / "raw").iterdir() if p.suffix in {".txt", ".docx", ".pdf"})
pytestmark = pytest.mark.slow  # subprocesses


def test_workers_replaced_after_their_share_of_files_give_the_same_results():
    """A worker retires after ``files_per_worker`` files and a fresh one takes its place: every
    file still comes back once, with the rows an in-process read gives, and more processes than
    workers have read them."""
    files = SAMPLES * 3
    expected = {p.name: r for p, r in _in_process(((p, None) for p in SAMPLES), None, checks=True)}
    pids: set[int] = set()
    got = []
    with WorkerPool(2, Limits(timeout=60, files_per_worker=2), rows=True, checks=True) as pool:
        for path, result in pool.map((p, None) for p in files):
            pids |= {w.process.pid for w in pool._workers}
            got.append((path, result))
    assert sorted(p.name for p, _ in got) == sorted(p.name for p in files)
    assert not any(isinstance(r, FileError) for _, r in got)
    for path, result in got:
        assert result == expected[path.name], path.name
    assert len(pids) >= len(files) // 2  # 2 files each: a worker per two files, at least


def test_workers_without_a_share_are_kept_all_run():
    """``files_per_worker=None``: the two workers that started read every file."""
    pids: set[int] = set()
    with WorkerPool(2, Limits(timeout=60, files_per_worker=None), rows=True) as pool:
        for _path, result in pool.map((p, None) for p in SAMPLES * 2):
            pids |= {w.process.pid for w in pool._workers}
            assert not isinstance(result, FileError)
    assert len(pids) == 2


def test_the_reading_is_under_its_own_duckdb_cap_and_says_so_when_it_runs_out(tmp_path):
    """While the workers read, DuckDB is under JIXIAO_DB_READ_MEMORY (default 64MB): a cap too
    small stops the run with the one-line error naming that variable; under the default the same
    run with workers loads what a run in this process loads."""
    import os
    import subprocess
    import sys

    from pipeline.run import run

    raw = ROOT / "data" / "raw"
    env = {**os.environ, "JIXIAO_DB_READ_MEMORY": "1MB", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(raw), "--db", str(tmp_path / "x.duckdb"),
                           "--workers", "2", "--quiet"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("Error:") and "JIXIAO_DB_READ_MEMORY" in done.stderr.splitlines()[0]
    with_workers = run([raw], tmp_path / "y.duckdb", workers=2)
    in_process = run([raw], tmp_path / "z.duckdb", workers=0)
    assert with_workers.read == in_process.read >= 5
    assert (with_workers.facts, with_workers.findings) == (in_process.facts, in_process.findings) and in_process.findings > 0


def test_a_long_text_loads_under_a_cap_smaller_than_it(tmp_path):
    """A batch holding a text larger than DuckDB's cap in force (a compiled volume read while the
    workers run under ``JIXIAO_DB_READ_MEMORY``) is written under a cap that holds it, and the cap in
    force comes back after it: the text and the facts are in the database, none twice."""
    from dataclasses import replace

    from pipeline.load import Store
    from pipeline.process import process_file
    from pipeline.rules import load_rules

    small = process_file(next(p for p in SAMPLES if p.suffix == ".txt"), load_rules())
    assert small.facts
    filler = "\n本段为汇编中其他报告的正文。" * 1_500_000  # ≈ 22 M characters, ≈ 66 MB of UTF-8
    long = replace(small, document=replace(small.document, text=small.document.text + filler))
    with Store(tmp_path / "long.duckdb") as store:
        before = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        with store.memory_limit("16MB"):
            small_cap = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
            written = store.write_batch([long])
            after = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        chars = store.con.execute("SELECT length(text) FROM documents").fetchall()
        facts = store.con.execute("SELECT count(*), count(DISTINCT id) FROM facts").fetchone()
        restored = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    assert written == len(small.facts)
    assert chars == [(len(long.document.text),)]
    assert facts == (len(small.facts), len(small.facts))
    assert after == small_cap != before == restored  # the cap in force again after the batch, then the default


def test_a_cap_written_in_duckdb_words_is_read_and_a_batch_still_makes_room(tmp_path):
    """Every way DuckDB reads a cap (512megabytes, 2 GiB …) is one grammar in jixiao too: the cap is
    set, a batch is written under it (its room for long texts computed from it), and a cap DuckDB
    would refuse is refused before anything is set, in one clear line."""
    import pytest

    from pipeline.load import Store
    from pipeline.process import process_file
    from pipeline.rules import load_rules

    small = process_file(next(p for p in SAMPLES if p.suffix == ".txt"), load_rules())
    with Store(tmp_path / "words.duckdb") as store:
        for cap in ("512megabytes", "2 Gigabytes", "96MiB"):
            with store.memory_limit(cap):
                assert store.write_batch([small]) == len(small.facts)
        count = store.con.execute("SELECT count(*) FROM facts").fetchone()[0]
        before = store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        with pytest.raises(ValueError, match="内存上限写法不对"):
            with store.memory_limit("lots"):
                pass
        assert store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0] == before
    assert count == len(small.facts)  # written three times, replaced whole each time: once
