"""A pool of long-lived worker processes: paths go in, ``Extraction`` (or, with ``rows``, the
loader's ``Rows``, pipeline/rows.py) or ``FileError`` come out.

Why processes: a hostile file can hang a C parser (no Python timeout reaches it), exhaust
memory or crash the interpreter. Each worker reads and extracts one file at a time under a
memory limit (``RLIMIT_AS``); the parent kills a worker whose file runs past the time limit,
notices a worker that died, turns either into a ``FileError`` for that one file and starts a
replacement. Only the parent writes the database.

Design, in short:

- Workers are forked from a fork server (multiprocessing's ``forkserver``) that imported the
  pipeline and loaded the rules and jieba's dictionary once (pipeline/worker_preload.py):
  starting or replacing a worker takes milliseconds, not the ≈3 s that loading costs
  (bench/RESULTS.md), and the workers share those pages. The fork server is a clean,
  single-threaded process: nothing of the parent's DuckDB connection or threads is inherited.
- Each worker has its own pipe and one file at a time; results stream back in completion
  order, so the parent holds one batch at most: memory stays flat whatever the corpus size.
- A file's clock starts when it is sent. Past the limit the worker (and anything it started,
  e.g. LibreOffice) is SIGKILLed and replaced. A worker about to OCR N pages says so, and the
  file's deadline moves by N × ``Limits.ocr_page_seconds`` (pipeline/ocr/budget.py).
- A worker that hits its memory limit reports ``MemoryError`` for that file and retires
  (its heap may be fragmented); one that dies (a signal, an exit) is reported as a crash.
  Workers die with the fork server (``PR_SET_PDEATHSIG``), which dies with the parent, even
  on SIGKILL; an idle worker also exits on EOF of its pipe.

Test hook: ``JIXIAO_WORKER_HOOK=module:function`` (read when the pool starts) is imported
and called in every worker before it says it is ready, so tests can install a reader that
hangs, eats memory or crashes (tests/worker_hooks.py). It adds no power the environment does
not already give (``PYTHONPATH``), and a hook that fails to import stops the run with a clear
error.
"""
from __future__ import annotations

import gc
import importlib
import logging
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .errors import JixiaoError
from .model import Document, Extraction, FileError

log = logging.getLogger(__name__)
HOOK_ENV = "JIXIAO_WORKER_HOOK"
_READY, _RESULT, _FAILED, _OCR = "ready", "result", "failed", "ocr"
_warm = False  # set by warm_up() (in the fork server, before workers are forked from it)

Task = tuple  # (path: Path, entry: CatalogEntry | None[, part: (index, count) of a long file])


class WorkerStartError(JixiaoError):
    """A worker could not start (rules failed to load, memory limit too low, bad hook)."""


@dataclass(frozen=True)
class Limits:
    """Per-file limits enforced on each worker."""

    timeout: float = 60.0  # seconds per file
    ocr_page_seconds: float = 60.0  # added to a file's deadline per page it OCRs (pipeline/ocr/budget.py)
    max_memory_mb: int | None = 2048  # address space of one worker (RLIMIT_AS); None: no limit
    # files a worker reads before it is replaced by a fresh one from the fork server (None: no
    # limit): what its heap and its copies of the shared pages grew by goes back, so a long run's
    # workers stay at a short run's size (bench/RESULTS.md, round 24)
    files_per_worker: int | None = 5000


def default_workers() -> int:
    """The cores this process may run on (respects taskset / cgroup cpusets)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


# --- the worker side ------------------------------------------------------------------------

def _worker_main(conn: Connection, limits: Limits, password: str | None, hook: str | None,
                 rules_dir: str | None = None, ocr: str = "auto", rows: bool = False, checks: bool = False) -> None:
    """Body of a worker process: set limits, load once, then one file per message. ``rows``:
    send a file's rows for the loader (pipeline/rows.py) instead of its Extraction; ``checks``:
    with the file's own findings (pipeline/doc_checks.py)."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if limits.max_memory_mb:
        cap = limits.max_memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        if hook:
            module, _, func = hook.partition(":")
            getattr(importlib.import_module(module), func)()
        from .doc_checks import checked_rows
        from .process import safe_process
        from .rows import rows_of
        from .rules import load_rules

        ruleset = load_rules(rules_dir)  # the packaged rules were loaded by the fork server: a cache hit
        if not _warm:
            warm_up(ruleset)
    except MemoryError:
        conn.send((_FAILED, f"内存上限 {limits.max_memory_mb} MB 不足以加载规则和词典"))
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        conn.send((_FAILED, f"{type(exc).__name__}: {exc}"))
        return
    from .ocr import budget

    budget.listen(lambda pages: conn.send((_OCR, pages)))  # the parent extends this file's deadline
    # what is loaded by now (modules, rules, jieba's dictionary) lives as long as the worker: out of
    # the collector's sight, a full collection no longer walks it (≈ 45 ms every few hundred files),
    # nor writes to the pages the workers share with the fork server
    gc.freeze()
    conn.send((_READY,))
    while True:
        try:
            task = conn.recv()
        except EOFError:  # the parent is gone
            return
        if task is None:
            return
        path, entry, *part = task  # (path, entry) or (path, entry, part): pipeline/volumes.py
        exhausted = False
        try:
            result = safe_process(path, ruleset, entry, password, *part, ocr=ocr)
            if rows and isinstance(result, Extraction):
                result = checked_rows(result, ruleset) if checks else rows_of(result)
        except MemoryError:
            exhausted = True
        if exhausted:  # reported outside the except block, once what the file hoarded is freed
            conn.send((_RESULT, memory_error(path, limits)))
            return  # retire: a replacement starts with a clean heap
        try:
            conn.send((_RESULT, result))
        except BrokenPipeError:
            return


def _fork_context():
    """multiprocessing's forkserver context, its server preloading the pipeline (worker_preload)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.worker_preload"])
    return ctx


def start_fork_server() -> None:
    """Start the fork server now, without waiting for it: it imports the pipeline, loads the rules
    and warms up (≈ 1 s) while the caller does its own imports and reads the rules, instead of
    after them. A ``WorkerPool`` started later finds it running (one server a process)."""
    from multiprocessing import forkserver

    _fork_context()
    forkserver.ensure_running()


def warm_up(ruleset) -> None:
    """Run every rule's own examples through segment and extract once.

    This pays the one-off costs (jieba's dictionary, regex caches) before the first file's
    clock starts; the text is the rules' data, so it exercises every rule. It only saves
    time: if it fails, the files will say why, one FileError each.
    """
    from .extract import extract
    from .segment import read_meta, segment

    text = "\n".join(str(dict(e).get("text", "")) for rule in ruleset.rules for e in rule.examples)
    document = Document(doc="warm-up", path="", kind="txt", text=text or "\n", sha256="")
    global _warm
    try:
        extract(document, segment(document, ruleset.layout), read_meta(document, ruleset.layout), ruleset)
        _warm = True
    except Exception:  # noqa: BLE001
        log.warning("warm-up failed; the first file will pay for it", exc_info=True)


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent (the fork server) dies.

    The fork server exits when the jixiao process does, even on SIGKILL; without this, a
    worker busy with a hanging file would outlive both. EOF on the pipe ends idle workers.
    """
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


def _kill_tree(process) -> None:
    """SIGKILL a worker and what it started (LibreOffice runs in its own session: not its group)."""
    pids, todo = [], [process.pid]
    while todo:  # list first: once the worker is dead its children belong to init
        pid = todo.pop()
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                found = [int(c) for c in task.read_text().split()]
            except OSError:
                continue
            pids += found
            todo += found
    process.kill()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


# --- the errors a worker's fate becomes ------------------------------------------------------

def timeout_error(path: Path, limits: Limits) -> FileError:
    """The file ran past the time limit; its worker was killed."""
    return FileError(str(path), "worker", "timeout", f"处理超时（{limits.timeout:g} 秒）")


def memory_error(path: Path, limits: Limits) -> FileError:
    """The file needed more memory than a worker may use."""
    return FileError(str(path), "worker", "memory", f"内存超过上限（{limits.max_memory_mb} MB）")


def crash_error(path: Path, exitcode: int | None) -> FileError:
    """The worker died while reading the file (a signal: the OOM killer, a crash in a C library)."""
    how = f"信号 {-exitcode}" if exitcode is not None and exitcode < 0 else f"退出码 {exitcode}"
    return FileError(str(path), "worker", "crash", f"处理进程意外退出（{how}）")


# --- the parent side ------------------------------------------------------------------------

@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False
    task: Task | None = None  # the file it is reading
    started: float = 0.0  # when it started reading it
    extra: float = 0.0  # seconds added to its deadline: pages it announced it will OCR
    retiring: bool = False  # reported a MemoryError, or read its share of files: exiting on purpose
    files: int = 0  # files it has read (Limits.files_per_worker)


class WorkerPool:
    """``workers`` long-lived processes; :meth:`map` streams results as they complete.

    Example::

        with WorkerPool(2, Limits(timeout=60)) as pool:
            for path, result in pool.map((p, None) for p in paths):
                ...  # result: Extraction | FileError
    """

    def __init__(self, workers: int, limits: Limits = Limits(), password: str | None = None,
                 rules_dir: str | None = None, ocr: str = "auto", rows: bool = False, checks: bool = False):
        self.limits = limits
        self.rows = rows  # results as the loader's rows (pipeline/rows.py), not Extractions
        self.checks = checks  # … with each file's own findings (pipeline/doc_checks.py)
        self.password = password
        self.ocr = ocr
        self.rules_dir = rules_dir  # the workers load the rules from here (default: the packaged rules)
        self.hook = os.environ.get(HOOK_ENV)
        self._ctx = _fork_context()
        self._workers = [self._start() for _ in range(max(1, workers))]

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child, self.limits, self.password, self.hook, self.rules_dir, self.ocr,
                                                               self.rows, self.checks),
                                    name="jixiao-worker", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _replace(self, w: _Worker, kill: bool) -> None:
        if kill:
            _kill_tree(w.process)
        w.process.join()
        w.conn.close()
        self._workers[self._workers.index(w)] = self._start()

    def _retire(self, w: _Worker) -> bool:
        """Ask an idle worker to exit (it is replaced once it has: ``_receive``); False if it is
        already gone (its sentinel says so)."""
        try:
            w.conn.send(None)
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Stop every worker: ask politely, then kill whoever is still busy."""
        for w in self._workers:
            self._retire(w)
        for w in self._workers:
            w.process.join(timeout=1)
            if w.process.is_alive():
                _kill_tree(w.process)
                w.process.join()
            w.conn.close()
        self._workers = []

    def map(self, tasks: Iterable[Task]) -> Iterator[tuple[Path, Extraction | FileError]]:
        """(path, entry) → (path, result), in completion order; a worker's fate becomes a FileError.

        One file per worker at a time: its clock starts when it is sent, and no file waits
        behind one that hangs (measured: queueing a second file per worker gained nothing).
        """
        tasks = iter(tasks)
        pending = next(tasks, None)
        while True:
            for w in self._workers:  # give every idle worker a file
                if pending is not None and w.ready and not w.retiring and w.task is None:
                    try:
                        w.conn.send(pending)
                    except OSError:  # it just died: its sentinel says so below
                        continue
                    w.task, w.started, w.extra, pending = pending, time.monotonic(), 0.0, next(tasks, None)
            workers = list(self._workers)
            if pending is None and all(w.task is None for w in workers):
                return
            deadlines = [w.started + self.limits.timeout + w.extra for w in workers if w.task is not None]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            ready = set(wait([x for w in workers for x in (w.conn, w.process.sentinel)], wait_for))
            now = time.monotonic()
            for w in workers:
                if w.conn in ready or w.process.sentinel in ready:
                    yield from self._receive(w)
                elif w.task is not None and now >= w.started + self.limits.timeout + w.extra:
                    path = w.task[0]
                    log.debug("worker %d: %s timed out", w.process.pid, path)
                    self._replace(w, kill=True)
                    yield path, timeout_error(path, self.limits)

    def _receive(self, w: _Worker) -> Iterator[tuple[Path, Extraction | FileError]]:
        """Everything a worker has sent; then, if it has died, what that means for its file."""
        try:
            while w.conn.poll():
                message = w.conn.recv()
                if message[0] == _READY:
                    w.ready = True
                    log.debug("worker %d ready", w.process.pid)
                elif message[0] == _OCR:
                    w.extra += message[1] * self.limits.ocr_page_seconds
                elif message[0] == _FAILED:
                    self.close()
                    raise WorkerStartError(f"处理进程无法启动：{message[1]}")
                else:
                    path, w.task = w.task[0], None
                    w.files += 1
                    w.retiring = getattr(message[1], "code", None) == "memory"
                    if not w.retiring and self.limits.files_per_worker and w.files >= self.limits.files_per_worker:
                        w.retiring = self._retire(w)
                    yield path, message[1]
        except (EOFError, ConnectionResetError):  # it closed its pipe: it is exiting
            w.process.join(timeout=1)
        if w.process.is_alive():
            return
        w.process.join()
        log.debug("worker %d exited (%s)", w.process.pid, w.process.exitcode)
        if not w.ready:
            self.close()
            raise WorkerStartError(f"处理进程无法启动（退出码 {w.process.exitcode}）")
        if w.task is not None:  # it died in the middle of a file
            yield w.task[0], crash_error(w.task[0], w.process.exitcode)
        self._replace(w, kill=False)
