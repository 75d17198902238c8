"""The pipeline, file by file: ingest → segment → extract → load; then the checks.

``process_file`` (pipeline/process.py) is a pure function of (path, RuleSet, catalog entry):
it can run in a worker process or on another machine. ``run`` loads the rules once (``rules``:
a folder, default the packaged rules), walks the inputs, hands them to worker processes
(pipeline/workers.py: a time and memory limit per file), loads the results in batches
(several whole files per transaction; only this process writes the database) and records
every failure as a per-file error.
"""
from __future__ import annotations

import csv
import hashlib
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path

from .checks import run_checks
from .doc_checks import checked_rows
from .ingest import DEFAULT_MAX_BYTES, IMAGE_SUFFIXES
from .linking import link_units
from .load import (
    LOAD_MEMORY_LIMIT,
    LOAD_MEMORY_VARIABLE,
    READ_MEMORY_LIMIT,
    READ_MEMORY_VARIABLE,
    Store,
)
from .model import Extraction, FileError
from .process import CatalogEntry, apply_catalog, process_file, safe_process  # noqa: F401 - the public API
from .rows import Rows, merge_rows
from .rules import RuleSet, load_rules
from .volumes import merge_parts, part_count
from .workers import Limits, WorkerPool
from .writer import BatchWriter

log = logging.getLogger(__name__)
SUFFIXES = {".txt", ".docx", ".pdf", ".doc", ".wps", ".rtf", ".text"}
CATALOG = "catalog.csv"
BATCH = 100  # whole files per transaction (env JIXIAO_BATCH overrides)


@dataclass
class RunSummary:
    """What a run did: shown to the user and stored in ``runs``."""

    db: Path
    seen: int = 0
    read: int = 0
    skipped: int = 0
    failed: list[FileError] = field(default_factory=list)
    facts: int = 0
    findings: int = 0
    claimed: int = 0  # domain quantities of the database a metric was found for …
    quantities: int = 0  # … of all of them (coverage = claimed / quantities)

    def as_stats(self) -> dict:
        """The counters, for the runs table."""
        return {"seen": self.seen, "read": self.read, "skipped": self.skipped, "failed": len(self.failed),
                "facts": self.facts, "findings": self.findings}


def discover(paths: Iterable[Path]) -> list[Path]:
    """Report files under the given paths, sorted; explicit files are taken whatever their suffix."""
    return [Path(p) for p in discovered(paths)]


def discovered(paths: Iterable[Path]) -> list[str]:
    """:func:`discover`'s files as strings, in the same order: a run holds them until each is
    read, and 100,000 Path objects were ≈ 125 MB of the parent (1.3 KB a file), their strings
    ≈ 20 MB (bench/mem_trace.py)."""
    found: list[str] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found += _files_under(p)
        else:
            found.append(str(p))
    return found


def _files_under(folder: Path) -> Iterator[str]:
    """The report files ``sorted(folder.rglob("*"))`` holds, in its order, without holding every
    Path at once: each folder's entries sorted by name, a subfolder's files where its name sorts
    (a path sorts by its parts: those under ``a`` come before ``a.txt`` and ``b``). As rglob, it
    goes into no symlinked folder and skips a folder it may not read."""
    try:
        with os.scandir(folder) as entries:
            ordered = sorted(entries, key=lambda e: e.name)
    except PermissionError:
        return
    for entry in ordered:
        child = folder / entry.name
        if child.is_file() and child.suffix.lower() in SUFFIXES | IMAGE_SUFFIXES and not entry.name.startswith("."):
            yield str(child)
        try:
            inside = entry.is_dir(follow_symlinks=False)
        except OSError:
            inside = False
        if inside:
            yield from _files_under(child)


def read_catalogs(paths: Iterable[Path], extra: Path | None = None) -> dict[str, CatalogEntry]:
    """file name → catalog entry, from catalog.csv beside the inputs (and ``extra``)."""
    files = []
    for p in paths:
        p = Path(p)
        folder = p if p.is_dir() else p.parent
        files += sorted(folder.rglob(CATALOG)) if p.is_dir() else ([folder / CATALOG] if (folder / CATALOG).exists() else [])
    if extra:
        files.append(Path(extra))
    out: dict[str, CatalogEntry] = {}
    for path in files:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.DictReader(fh):
                name = (row.get("file") or "").strip()
                if not name:
                    continue
                year = (row.get("year") or "").strip()
                out[Path(name).name] = CatalogEntry(
                    unit=(row.get("unit") or "").strip() or None,
                    year=int(year) if year.isdigit() else None,
                    report_type=report_type_of((row.get("report_type") or "").strip()),
                    unit_key=(row.get("unit_key") or "").strip() or None,
                )
    return out


_REPORT_TYPES = {"整体支出": "整体支出", "部门整体支出": "整体支出", "部门": "整体支出", "整体": "整体支出",
                 "department": "整体支出", "项目支出": "项目支出", "项目": "项目支出", "project": "项目支出"}


def report_type_of(value: str) -> str | None:
    """A catalog's report type in jixiao's words (整体支出 / 项目支出); English works too.

    >>> report_type_of("project"), report_type_of("部门整体支出"), report_type_of("")
    ('项目支出', '整体支出', None)
    """
    return _REPORT_TYPES.get(value.strip().lower(), value.strip() or None) if value else None


def _in_process(tasks: Iterable[tuple[Path, CatalogEntry | None]], password: str | None,
                ruleset: RuleSet | None = None, ocr: str = "auto", checks: bool = False):
    """(path, result) for each task, in this process: no time or memory limit (``--workers 0``).
    ``checks``: a file's rows with its own findings, as the workers send them (pipeline/doc_checks.py)."""
    ruleset = ruleset or load_rules()
    for path, entry, *part in tasks:
        try:
            result = safe_process(path, ruleset, entry, password, *part, ocr=ocr)
            if checks and isinstance(result, Extraction):
                result = checked_rows(result, ruleset)
            yield path, result
        except MemoryError:
            yield path, FileError(str(path), "worker", "memory", "内存不足")


def run(paths: Iterable[Path], db: Path, *, quiet: bool = False, force: bool = False,
        catalog: Path | None = None, password: str | None = None,
        progress: Callable[[int, int, str], None] | None = None, checks: bool = True,
        workers: int = 0, limits: Limits = Limits(), batch_size: int | None = None,
        rules: Path | str | None = None, engine: str = "local", address: str | None = None,
        ocr: str = "auto") -> RunSummary:
    """Process every report under ``paths`` into the database at ``db``.

    ``workers=0`` reads the files in this process (no time or memory limit: for tests and
    profiling); ``workers=N`` reads them in N worker processes under ``limits``
    (pipeline/workers.py). Only this process writes the database: ``batch_size`` whole files
    per transaction (default ``$JIXIAO_BATCH`` or 100), so a killed run loses at most the
    batch in flight, and the next run skips every file already loaded (same sha256)
    unless ``force``. ``rules`` is the rules folder to read with (default: the packaged rules);
    the run records which (folder and fingerprint) in the ``runs`` table. ``engine="ray"``
    reads the files on a Ray cluster instead (pipeline/engine_ray.py; ``address`` as for
    ``ray.init``, ``workers`` actors, default one per core of the cluster), under the same limits.
    ``ocr``: auto | off | force, how scanned pages and images are read (pipeline/readers/scan.py),
    on either engine.
    """
    ruleset = load_rules(rules)  # a bad rule stops the run here, before any file is read
    paths = [Path(p) for p in paths]
    files = discovered(paths)  # strings, each dropped once handed out (_to_read)
    total = len(files)
    entries = read_catalogs(paths, catalog)
    batch_size = batch_size or int(os.environ.get("JIXIAO_BATCH") or BATCH)
    summary = RunSummary(db=Path(db), seen=total)
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    done = 0

    def tick(name: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, name)

    with Store(db, metrics=ruleset.metrics) as store:
        if progress and files:
            progress(0, total, "")  # the bar shows while the workers start
        todo = _to_read(files, store.known(), force, summary, tick)
        first = next(todo, None)  # start no worker when every file is unchanged
        parts: dict[Path, int] = {}  # a long file → the number of parts it is read in
        tasks = split_tasks(chain([first] if first else [], todo), entries, parts)
        if engine == "ray" and first:
            from .engine_ray import RayPool

            pool = RayPool(ruleset, workers or None, limits, password, address, ocr)
        else:
            # the workers send each file's rows for the loader, built where the file was read
            pool = (WorkerPool(workers, limits, password, rules_dir=str(ruleset.directory), ocr=ocr, rows=True,
                               checks=checks) if workers and first else None)
        if checks:  # each file's own findings go to the staging tables as its rows are written
            store.stage_findings()
        batch: list[Extraction | Rows | FileError] = []

        def write(files: list[Extraction | Rows | FileError]) -> int:
            return store.write_batch([r for r in files if not isinstance(r, FileError)],
                                     [r for r in files if isinstance(r, FileError)])

        # the batches are written by a thread of their own while the workers read on (pipeline/writer.py),
        # DuckDB under its smallest cap meanwhile (the workers hold the rest of the memory: load.py)
        with (store.capped(READ_MEMORY_LIMIT, READ_MEMORY_VARIABLE) if pool else nullcontext(),
              BatchWriter(write) as writer):
            try:
                results = pool.map(tasks) if pool else _in_process(tasks, password, ruleset, ocr, checks)
                for path, result in gather_parts(results, parts):
                    tick(path.name)
                    if isinstance(result, FileError):
                        result = replace(result, sha256=result.sha256 or file_sha256(path, limit=DEFAULT_MAX_BYTES))
                        summary.failed.append(result)
                    else:
                        summary.read += 1
                    batch.append(result)
                    if len(batch) >= batch_size:
                        writer.submit(batch)
                        batch = []
            finally:
                if pool:  # before the last batch: the workers' memory is not held while it is written
                    pool.close()
            writer.submit(batch)
            summary.facts += writer.close()
        summary.failed.sort(key=lambda e: e.path)
        # the end under the run's cap too: the checks read a range of units at a time (load.py)
        with store.capped(LOAD_MEMORY_LIMIT, LOAD_MEMORY_VARIABLE):
            link_units(store.con, ruleset)
            if checks:
                summary.findings = store.replace_findings(run_checks(store.con, ruleset, store.checked), staged=True)
        summary.claimed, summary.quantities = store.coverage()
        store.record_run(uuid.uuid4().hex[:12], started, summary.as_stats(),
                         rules_dir=str(ruleset.directory), rules_hash=ruleset.fingerprint)
    return summary


def split_tasks(paths: Iterable[Path], entries: dict[str, CatalogEntry],
                parts: dict[Path, int]) -> Iterator[tuple]:
    """A task per file, or per part of a long file (pipeline/volumes.py), whose count goes in ``parts``."""
    for path in paths:
        entry = entries.get(path.name)
        try:
            count = part_count(path.stat().st_size, path.suffix)
        except OSError:  # the reader will say what is wrong with it
            count = 1
        if count == 1:
            yield path, entry
            continue
        parts[path] = count
        for index in range(count):
            yield path, entry, (index, count)


def gather_parts(results: Iterable[tuple[Path, Extraction | Rows | FileError]],
                 parts: dict[Path, int]) -> Iterator[tuple[Path, Extraction | Rows | FileError]]:
    """(path, result) once per file: a long file's parts merged into one Extraction (or Rows, as
    the workers send them), or its first error (a part that timed out, crashed or could not be
    read fails the whole file)."""
    done: dict[Path, list] = {}  # results received so far of each long file still in flight
    for path, result in results:
        count = parts.get(path)
        if count is None:
            yield path, result
            continue
        got = done.setdefault(path, [])
        if isinstance(result, FileError) and not any(isinstance(r, FileError) for r in got):
            yield path, result  # at once: the other parts' results will be dropped
        got.append(result)
        if len(got) < count:
            continue
        del done[path], parts[path]
        if not any(isinstance(r, FileError) for r in got):
            yield path, merge_rows(got) if isinstance(got[0], Rows) else merge_parts(got)


def _to_read(files: list[str], known: dict[str, str], force: bool, summary: RunSummary,
             tick: Callable[[str], None]) -> Iterator[Path]:
    """The files to read: not a second file of the same name, not already loaded unchanged.
    ``files`` is emptied as they are handed out, and the names are compared before the first is
    handed out: a long run holds neither its list nor every name while the files are read and
    checked."""
    again = _names_again(files)
    files.reverse()
    for at in range(len(files)):
        path = Path(files.pop())
        if at in again:
            summary.failed.append(FileError(str(path), "ingest", "duplicate_name",
                                            f"与本批次中另一个文件同名（{path.name}），文件名是报告的唯一标识，已跳过"))
            tick(path.name)
            continue
        if not force and path.name in known and known[path.name] == file_sha256(path):
            summary.skipped += 1
            tick(path.name)
            continue
        yield path


def _names_again(files: list[str]) -> set[int]:
    """The places in ``files`` (strings of Paths) whose file name an earlier file has."""
    names: set[str] = set()
    again: set[int] = set()
    for at, path in enumerate(files):
        name = os.path.basename(path)  # Path(path).name, for the string of a Path
        if name in names:
            again.add(at)
        names.add(name)
    return again


def file_sha256(path: Path, limit: int | None = None) -> str | None:
    """sha256 of a file's bytes, streamed; None when it cannot be read (or is over ``limit`` bytes)."""
    digest = hashlib.sha256()
    try:
        if limit is not None and Path(path).stat().st_size > limit:
            return None
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()
