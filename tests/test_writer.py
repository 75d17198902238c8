"""The batch writer (pipeline/writer.py): batches written in order by a thread of their own,
bounded, with a failed write stopping the run — and a run through it gives, on a real DuckDB
file, the rows a run of the same files gives one file per batch."""
from __future__ import annotations

import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from pipeline.writer import BatchWriter

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


def test_when_batches_are_submitted_then_each_is_written_once_in_order_and_counted():
    written: list[list[int]] = []

    def write(batch: list[int]) -> int:
        written.append(batch)
        return len(batch)

    batches = [list(range(i, i + i % 4)) for i in range(40)]
    with BatchWriter(write, depth=2) as writer:
        for batch in batches:
            writer.submit(batch)
        total = writer.close()
    assert written == batches
    assert total == sum(len(b) for b in batches) > 0


def test_when_the_writer_is_busy_then_at_most_depth_batches_wait():
    """A hand-over waits while ``depth`` batches are queued: memory stays bounded."""
    release = threading.Event()
    started: list[int] = []

    def write(batch: int) -> int:
        started.append(batch)
        release.wait(10)
        return 1

    writer = BatchWriter(write, depth=1)
    writer.submit(0)  # taken by the thread, which blocks in write
    while not started:
        threading.Event().wait(0.01)
    writer.submit(1)  # waits in the queue
    third = threading.Thread(target=writer.submit, args=(2,))
    third.start()
    third.join(0.3)
    assert third.is_alive(), "a third batch must wait while one is written and one is queued"
    release.set()
    third.join(10)
    assert writer.close() == 3
    assert started == [0, 1, 2]


def test_when_a_write_fails_then_the_next_hand_over_raises_and_later_batches_are_not_written():
    written: list[int] = []

    def write(batch: int) -> int:
        if batch == 2:
            raise OSError("disk full")
        written.append(batch)
        return 1

    with pytest.raises(OSError, match="disk full"):
        with BatchWriter(write, depth=1) as writer:
            for batch in range(10):
                writer.submit(batch)
            writer.close()
    assert written == [0, 1]


def test_when_the_run_fails_then_the_queued_batches_are_still_written_and_its_error_propagates():
    written: list[int] = []

    def write(batch: int) -> int:
        written.append(batch)
        return 1

    with pytest.raises(KeyError):
        with BatchWriter(write, depth=4) as writer:
            for batch in range(3):
                writer.submit(batch)
            raise KeyError("the run's own error")
    assert written == [0, 1, 2]


def _rows(db: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            "documents": sorted(con.execute("SELECT * EXCLUDE (loaded_at) FROM documents").fetchall(), key=repr),
            "facts": sorted(con.execute("SELECT * FROM facts").fetchall(), key=repr),
            "findings": sorted(con.execute("SELECT * FROM audit_findings").fetchall(), key=repr),
        }


def test_when_a_run_writes_through_the_thread_then_batches_of_one_and_of_all_give_the_same_database(tmp_path):
    from pipeline.run import run

    folder = tmp_path / "in"
    folder.mkdir()
    for copy in range(3):
        for p in sorted(RAW.iterdir()):
            if p.suffix in {".txt", ".docx"}:
                shutil.copy(p, folder / f"{copy}_{p.name}")
    one, whole = tmp_path / "one.duckdb", tmp_path / "whole.duckdb"
    a = run([folder], one, workers=2, batch_size=1)
    b = run([folder], whole, workers=2, batch_size=1000)
    assert a.read == b.read == len(list(folder.iterdir())) > 0
    assert a.facts == b.facts > 0
    assert _rows(one) == _rows(whole)
    assert _rows(one)["facts"]


def test_when_workers_read_then_duckdb_has_its_smaller_cap_and_gets_its_own_back_after(tmp_path):
    from pipeline.load import MEMORY_LIMIT, Store

    def cap(store) -> str:
        return store.con.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    with Store(tmp_path / "jixiao.duckdb") as store:
        own = cap(store)
        with store.memory_limit("64MB"):
            smaller = cap(store)
        assert cap(store) == own
        store.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        assert cap(store) == own  # "its own" is the configured cap
        assert smaller != own and smaller.startswith("61.0")  # 64 MB = 61.0 MiB
        with pytest.raises(ValueError):
            with store.memory_limit("1GB'; DROP TABLE facts; --"):
                pass
        assert cap(store) == own
