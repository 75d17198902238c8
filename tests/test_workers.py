"""The worker pool: every path comes back exactly once, as an Extraction or a FileError saying why.

Hostile behaviour comes from tests/worker_hooks.py (a marker at the start of a file makes the
worker hang, eat memory or be killed), installed in the workers through JIXIAO_WORKER_HOOK.
One pool serves the module: that it keeps working after each mishap is part of the test.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.model import Extraction, FileError
from pipeline.run import _in_process
from pipeline.workers import HOOK_ENV, Limits, WorkerPool, WorkerStartError
from worker_hooks import EXPLODE, HANG, KILL

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # subprocesses: `pytest -m "not slow"` leaves them out
SAMPLES = sorted(p for p in (ROOT / "data" / "raw").iterdir() if p.suffix in {".txt", ".docx", ".pdf"})
LIMITS = Limits(timeout=3, max_memory_mb=768)


@pytest.fixture(scope="module")
def pool():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(HOOK_ENV, "worker_hooks:install")
        mp.setenv("PYTHONPATH", str(Path(__file__).parent))
        with WorkerPool(2, LIMITS) as pool:
            yield pool


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> list[Path]:
    """The sample reports, and one file per hostile behaviour."""
    folder = tmp_path_factory.mktemp("corpus")
    for p in SAMPLES:
        shutil.copy(p, folder / p.name)
    for marker in (HANG, EXPLODE, KILL):
        (folder / (marker.decode().split(":")[1] + ".txt")).write_bytes(marker + b"\n")
    return sorted(folder.iterdir())


def _map(pool: WorkerPool, paths: list[Path]) -> dict[str, Extraction | FileError]:
    results = list(pool.map((p, None) for p in paths))
    assert sorted(p.name for p, _ in results) == sorted(p.name for p in paths)  # each exactly once
    return {p.name: r for p, r in results}


def _good(corpus):
    return [p for p in corpus if p.suffix != ".txt" or not p.read_bytes().startswith(b"JIXIAO-TEST")]


def test_when_files_are_good_then_each_comes_back_once_as_in_process(pool, corpus):
    good = _good(corpus) * 2  # more files than workers × prefetch
    results = list(pool.map((p, None) for p in good))
    assert len(results) == len(good)
    expected = {p.name: r for p, r in _in_process(((p, None) for p in _good(corpus)), None)}
    for path, result in results:
        assert isinstance(result, Extraction), result
        assert result.facts == expected[path.name].facts


def test_when_a_file_hangs_then_timeout_and_the_rest_is_read(pool, corpus):
    results = _map(pool, [corpus[0], *[p for p in corpus if p.name == "hang.txt"], *_good(corpus)])
    error = results.pop("hang.txt")
    assert (error.stage, error.code, error.message) == ("worker", "timeout", "处理超时（3 秒）")
    assert all(isinstance(r, Extraction) for r in results.values())


def test_when_a_file_exhausts_memory_then_memory_error_and_the_rest_is_read(pool, corpus):
    results = _map(pool, [p for p in corpus if p.name == "explode.txt"] + _good(corpus))
    error = results.pop("explode.txt")
    assert (error.code, error.message) == ("memory", "内存超过上限（768 MB）")
    assert all(isinstance(r, Extraction) for r in results.values())


def test_when_a_worker_is_killed_then_crash_error_and_the_rest_is_read(pool, corpus):
    results = _map(pool, _good(corpus)[:2] + [p for p in corpus if p.name == "kill.txt"] + _good(corpus)[2:])
    error = results.pop("kill.txt")
    assert (error.code, error.message) == ("crash", "处理进程意外退出（信号 9）")
    assert all(isinstance(r, Extraction) for r in results.values())


def test_when_every_mishap_at_once_then_one_error_each(pool, corpus):
    results = _map(pool, corpus)
    codes = {name: r.code for name, r in results.items() if isinstance(r, FileError)}
    assert codes == {"hang.txt": "timeout", "explode.txt": "memory", "kill.txt": "crash"}
    assert len(results) - len(codes) == len(SAMPLES)


def test_when_a_worker_cannot_start_then_start_error(monkeypatch):
    monkeypatch.setenv(HOOK_ENV, "no_such_module:install")
    with pytest.raises(WorkerStartError, match="处理进程无法启动：ModuleNotFoundError"):
        with WorkerPool(1, LIMITS) as pool:
            list(pool.map((p, None) for p in SAMPLES))
