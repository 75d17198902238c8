"""The Ray engine: the same per-file function, on the cores of a Ray cluster (``jixiao run --engine ray``).

:class:`RayPool` has the shape of :class:`~pipeline.workers.WorkerPool` — ``map`` takes
``(path, catalog entry)`` tasks and yields ``(path, Extraction | FileError)`` in completion
order — so ``run`` keeps everything else: skipping unchanged files (sha256), one writer
(this process) loading whole files per transaction, ``ingest_errors``, the progress bar.

Design, in short:

- **Actors, not tasks.** One :class:`_Reader` actor per core; the RuleSet is put in the
  object store once and every actor deserializes it once, at start, then reads files one
  at a time with ``safe_process`` (pipeline/process.py). A plain Ray task per file would
  deserialize the RuleSet (its compiled patterns) for every file.
- **Two files per actor at a time**, one read and one waiting: a Ray call's round trip
  (6–10 ms measured on a busy 2-core machine, bench/RESULTS.md) is not lost between files,
  and no more than twice as many files as actors are in flight, so memory stays flat
  whatever the corpus. The waiting file's clock starts when the one before it is seen to finish.
- **Time limit**: enforced by this process. A file past ``limits.timeout`` has its actor
  killed (``ray.kill``) and replaced; the file becomes the same ``timeout`` error as with the
  local engine, and the file waiting behind it is sent again. (``ray.cancel`` cannot stop a
  call running inside an actor.)
- **OCR pages**: a reader about to OCR announces its pages (pipeline/ocr/budget.py); the actor
  counts them for the file it reads, and before killing a file past its deadline this process
  asks the actor (a second concurrency group, so the question is answered while the file is
  read) and moves the deadline by ``limits.ocr_page_seconds`` a page, as the local engine does.
- **Memory limit**: each actor caps its own address space (``RLIMIT_AS``) at what it uses
  once started plus ``limits.max_memory_mb``: a Ray worker maps much more than a jixiao
  worker before reading anything (Ray's own threads and buffers), so the cap is on what the
  file may add. A file that hits it is the same ``memory`` error; its actor retires.
- **A worker that dies** (the OOM killer, a crash in a C library, a lost node) is retried
  once on a fresh actor — on a cluster a death may be the machine's fault, not the file's —
  and recorded as a ``crash`` error if it dies again. Each path is yielded exactly once, and
  only this process writes the database, so a retry can never load a file twice.
- **Cluster**: ``address`` is passed to ``ray.init`` (``None``: an already initialized Ray,
  else ``$RAY_ADDRESS`` or a cluster ``ray start`` began on this machine, else a new local
  one on this machine's cores — shut down at the end; ``"auto"``: the cluster this machine
  belongs to). The actors import jixiao, so it must be installed on every node (same version); the
  RuleSet travels with the job, so ``--rules DIR`` need not exist on the other machines. The
  reports do not travel: an actor opens the path it is given, so on a cluster the inputs must
  be on a file system every node mounts at the same path (give absolute paths).

Test hook: the local engine's ``JIXIAO_WORKER_HOOK`` is passed to the actors too
(tests/worker_hooks.py); the module must be importable there (``PYTHONPATH`` of the
cluster's workers).
"""
from __future__ import annotations

import importlib
import logging
import os
import resource
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import JixiaoError
from .model import Extraction, FileError
from .workers import HOOK_ENV, Limits, Task, WorkerStartError, memory_error, timeout_error, warm_up

log = logging.getLogger(__name__)
START_TIMEOUT = 300.0  # seconds an actor may take to start (import jixiao, receive the RuleSet)
ASK_TIMEOUT = 5.0  # seconds an actor past a file's deadline may take to say how many pages it OCRs


class RayMissing(JixiaoError):
    """``--engine ray`` without Ray installed."""


def crash_error(path: Path) -> FileError:
    """The file's worker died twice while reading it (Ray tells no exit code)."""
    return FileError(str(path), "worker", "crash", "处理进程意外退出（重试一次后仍然退出）")


def import_ray():
    """The ``ray`` module, or :class:`RayMissing` saying how to install it."""
    try:
        import ray
    except ImportError as exc:
        raise RayMissing("未安装 Ray：pip install 'jixiao[ray]'") from exc
    return ray


class _Reader:
    """A Ray actor: the RuleSet once, then one file per call (decorated with ``ray.remote`` on first use)."""

    def __init__(self, ruleset, limits: Limits, password: str | None, hook: str | None, ocr: str = "auto"):
        if hook:
            module, _, func = hook.partition(":")
            getattr(importlib.import_module(module), func)()
        self.ruleset, self.limits, self.password, self.ocr = ruleset, limits, password, ocr
        self.pages = 0  # pages the file being read announced it will OCR
        from .ocr import budget

        budget.listen(self._announced)
        warm_up(ruleset)
        if limits.max_memory_mb:
            cap = _address_space() + limits.max_memory_mb * 2**20
            resource.setrlimit(resource.RLIMIT_AS, (cap, resource.getrlimit(resource.RLIMIT_AS)[1]))

    def _announced(self, pages: int) -> None:
        self.pages += pages

    def ocr_pages(self) -> int:
        """Pages the file being read said it will OCR (asked in the ``ask`` concurrency group)."""
        return self.pages

    def ready(self) -> int:
        """Answered once ``__init__`` is done: the actor's pid (for the logs)."""
        return os.getpid()

    def read(self, path: Path, entry, part: tuple[int, int] | None = None) -> Extraction | FileError:
        """``safe_process`` on one file (or one part of a long one: pipeline/volumes.py); running
        out of memory is this file's error."""
        from .process import safe_process

        self.pages, exhausted = 0, False
        try:
            return safe_process(path, self.ruleset, entry, self.password, part, self.ocr)
        except MemoryError:
            exhausted = True
        if exhausted:  # outside the except block: what the file hoarded is freed by now
            return memory_error(path, self.limits)


def _address_space() -> int:
    """Bytes of address space this process has mapped (VmSize)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0  # pragma: no cover - not Linux


@dataclass
class _Call:
    """A file sent to an actor: its task, how many times its worker died under it, Ray's handle."""

    task: Task
    attempt: int
    ref: object


@dataclass
class _Slot:
    """One actor and the files sent to it, the one it is reading first."""

    actor: object
    ready: object | None  # the ready() call until it is answered
    calls: deque[_Call] = field(default_factory=deque)
    started: float = 0.0  # when the first of calls started (as far as this process can tell)
    extra: float = 0.0  # seconds added to the first call's deadline: pages it announced it will OCR
    asked: int = 0  # those pages

    def deadline(self, limits: Limits) -> float:
        return self.started + limits.timeout + self.extra

    def restart(self, now: float) -> None:
        """Its first call's clock starts now."""
        self.started, self.extra, self.asked = now, 0.0, 0


class RayPool:
    """``workers`` reader actors on a Ray cluster; :meth:`map` streams results as they complete.

    Example::

        with RayPool(load_rules(), 4, Limits(timeout=60), address="auto") as pool:
            for path, result in pool.map((p, None) for p in paths):
                ...  # result: Extraction | FileError
    """

    retries = 1  # times a file is sent again after its worker died
    depth = 2  # files sent to an actor at a time: one read, one waiting (hides Ray's round trip)

    def __init__(self, ruleset, workers: int | None = None, limits: Limits = Limits(),
                 password: str | None = None, address: str | None = None, ocr: str = "auto"):
        ray = self.ray = import_ray()
        self._started_ray = not ray.is_initialized()
        if self._started_ray:
            local = not (address or os.environ.get("RAY_ADDRESS"))  # else Ray knows the cluster's CPUs
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False, **({"num_cpus": workers} if local else {}))
        self.limits = limits
        self._remote = ray.remote(num_cpus=1, max_restarts=0, max_task_retries=0,
                                  concurrency_groups={"ask": 1})(_Reader)
        self._args = (ray.put(ruleset), limits, password, os.environ.get(HOOK_ENV), ocr)
        count = workers or max(1, int(ray.available_resources().get("CPU", 1)))
        self._slots = [self._start() for _ in range(count)]

    def __enter__(self) -> "RayPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> _Slot:
        actor = self._remote.remote(*self._args)
        return _Slot(actor, actor.ready.remote())

    def _replace(self, slot: _Slot) -> list[_Call]:
        """Kill the slot's actor and start another; the files it had not answered."""
        self.ray.kill(slot.actor, no_restart=True)
        self._slots[self._slots.index(slot)] = self._start()
        return list(slot.calls)

    def close(self) -> None:
        """Stop every actor (and the local Ray this pool started, if it did)."""
        for slot in self._slots:
            self.ray.kill(slot.actor, no_restart=True)
        self._slots = []
        if self._started_ray:
            self.ray.shutdown()

    def map(self, tasks: Iterable[Task]) -> Iterator[tuple[Path, Extraction | FileError]]:
        """(path, entry) → (path, result), in completion order; each path exactly once.

        A file's clock starts when the file before it on the same actor is seen to finish
        (or when it is sent, to an idle actor): late by at most one turn of this loop.
        """
        tasks = iter(tasks)
        again: deque[tuple[Task, int]] = deque()  # files to send again, ahead of the rest

        def next_task() -> tuple[Task, int] | None:
            if again:
                return again.popleft()
            task = next(tasks, None)
            return None if task is None else (task, 0)

        def send_again(calls: list[_Call]) -> None:
            again.extendleft((c.task, c.attempt) for c in reversed(calls))

        pending = next_task()
        while True:
            for slot in self._slots:  # keep every started actor `depth` files deep
                while pending is not None and slot.ready is None and len(slot.calls) < self.depth:
                    if not slot.calls:
                        slot.restart(time.monotonic())
                    task, attempt = pending
                    slot.calls.append(_Call(task, attempt, slot.actor.read.remote(*task)))
                    pending = next_task()
            busy = [s for s in self._slots if s.calls]
            if pending is None and not busy:
                return
            starting = [s for s in self._slots if s.ready is not None]
            deadlines = [s.deadline(self.limits) for s in busy]
            wait_for = max(0.0, min(deadlines) - time.monotonic()) if deadlines else START_TIMEOUT
            refs = [c.ref for s in busy for c in s.calls] + [s.ready for s in starting]
            done, _ = self.ray.wait(refs, num_returns=1, timeout=wait_for)
            if done:  # collect everything that is ready, not just the first
                done, _ = self.ray.wait(refs, num_returns=len(refs), timeout=0)
            elif not busy:
                raise WorkerStartError(f"处理进程无法启动：{START_TIMEOUT:g} 秒内没有就绪")
            done = set(done)
            now = time.monotonic()
            for slot in starting:
                if slot.ready in done:
                    self._started(slot)
            for slot in busy:
                answered = False
                while slot.calls and slot.calls[0].ref in done:
                    call = slot.calls.popleft()
                    answered = True
                    result, retire = self._result(call)
                    if result is None:  # its worker died: once more, ahead of the queue
                        again.appendleft((call.task, call.attempt + 1))
                    else:
                        yield call.task[0], result
                    if retire:  # the files behind it go round again, no attempt counted
                        send_again(self._replace(slot))
                        break
                else:
                    if answered:
                        slot.restart(now)
                    elif slot.calls and now >= slot.deadline(self.limits) and not self._more_time(slot):
                        path = slot.calls.popleft().task[0]
                        log.debug("%s timed out", path)
                        send_again(self._replace(slot))
                        yield path, timeout_error(path, self.limits)
            if pending is None:
                pending = next_task()

    def _more_time(self, slot: _Slot) -> bool:
        """Whether the file past its deadline announced OCR pages not yet counted: then its
        deadline moves by ``ocr_page_seconds`` a page. An actor that cannot answer (stuck in C
        code) gets no more time."""
        try:
            pages = self.ray.get(slot.actor.ocr_pages.options(concurrency_group="ask").remote(), timeout=ASK_TIMEOUT)
        except self.ray.exceptions.RayError:
            return False
        if pages <= slot.asked:
            return False
        slot.extra += (pages - slot.asked) * self.limits.ocr_page_seconds
        slot.asked = pages
        return True

    def _started(self, slot: _Slot) -> None:
        """An actor answered ready(), or failed to start: then the run stops, as with the local engine."""
        try:
            pid = self.ray.get(slot.ready)
        except self.ray.exceptions.RayError as exc:
            self.close()
            raise WorkerStartError(f"处理进程无法启动：{_cause(exc)}") from None
        log.debug("reader actor %d ready", pid)
        slot.ready = None

    def _result(self, call: _Call) -> tuple[Extraction | FileError | None, bool]:
        """The answered call's result (None: its worker died and the file may go round again),
        and whether its actor must go."""
        path, errors = call.task[0], self.ray.exceptions
        try:
            result = self.ray.get(call.ref)
        except (errors.RayActorError, errors.ObjectLostError):  # its worker, or its machine, died
            log.debug("the worker reading %s died (attempt %d)", path, call.attempt + 1)
            return (None if call.attempt < self.retries else crash_error(path)), True
        except errors.RayError as exc:  # e.g. a result Ray could not ship: this file's error, the run goes on
            return FileError(str(path), "worker", "internal", f"处理失败（Ray）：{_cause(exc)}"), True
        return result, getattr(result, "code", None) == "memory"  # a heap that hit its cap may be fragmented


def _cause(exc: Exception) -> str:
    """The first line of what went wrong in an actor, without Ray's traceback."""
    cause = getattr(exc, "cause", None) or exc
    return f"{type(cause).__name__}: {str(cause).strip().splitlines()[-1] if str(cause).strip() else ''}"
