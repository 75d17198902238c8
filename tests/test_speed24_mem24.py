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
