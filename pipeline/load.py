"""Documents, facts, findings and per-file errors → DuckDB, idempotently.

A file's rows are replaced whole inside one transaction; several files share a transaction
(measured: one transaction per file caps loading at a few hundred files/s). Every query that
carries a file name or a value is parameterized.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from datetime import datetime, timezone
from decimal import Decimal
from itertools import islice
from pathlib import Path

import duckdb

from .errors import DatabaseInUse, JixiaoError, OutOfMemory
from .model import Extraction, FileError, Finding
from .rows import DOCUMENT_COLUMNS, Columns, Rows, fact_id, indicator_id, rows_of  # noqa: F401 - ids: public here

SCHEMA_VERSION = 4  # 2: runs.rules_dir, runs.rules_hash; 3: indicators, documents.grade*; 4: documents.ocr, facts.ocr_*
FINDING_TABLES = ("audit_findings", "finding_evidence")
STAGING = "staging_"  # replace_findings writes here first; dropped when it ends
CHECKED = "jixiao_staged"  # temporary: the files whose findings are staged (stage_findings)
# DuckDB's own memory (caches, sorts); beyond it DuckDB spills to disk or, where it cannot,
# fails with OutOfMemory (see database_memory). 256 MB ran 10,000 reports (bench/RESULTS.md)
MEMORY_LIMIT = os.environ.get("JIXIAO_DB_MEMORY", "256MB")
# … and for a run (Store.memory_limit): while worker processes read, DuckDB only inserts, and what
# it fills up to its cap is a cache of the pages it wrote, while the workers hold the rest of the
# machine's budget (10,000 reports: peak of the process tree 617 → 516 MB, the same speed;
# bench/RESULTS.md, round 22); at the run's end (linking, the checks, the findings swapped in) it
# reads one range of units at a time, and what it fills beyond that is again a cache of pages
# (30,000 reports: the end's peak 440 → 319 MB; bench/mem_checks.py, round 23)
LOAD_MEMORY_VARIABLE = "JIXIAO_DB_LOAD_MEMORY"
LOAD_MEMORY_LIMIT = os.environ.get(LOAD_MEMORY_VARIABLE, "128MB")
# … and while the workers read (their batches written, nothing read back but which files are
# known): the pages DuckDB keeps are a cache it does not need, and what it holds outside its
# own count grew with it (the run's write path alone, 100 files a batch, peak RSS at 15,000
# files: 407 MB under 128 MB, 345 MB under 64 MB, the same time; bench/RESULTS.md, round 24)
READ_MEMORY_VARIABLE = "JIXIAO_DB_READ_MEMORY"
READ_MEMORY_LIMIT = os.environ.get(READ_MEMORY_VARIABLE, "64MB")
# a batch holding a long text (a compiled volume, up to ingest's 200 MB) is written under a cap of
# twice its largest text's bytes and this much more, when that is above the cap in force
BATCH_ROOM = 32 * 2**20
# seconds a writer waits for read-only connections (a `jixiao serve` request) to close
READER_WAIT = float(os.environ.get("JIXIAO_DB_WAIT", "10"))
INSERT_CHUNK = 20_000  # rows per INSERT handed to DuckDB

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    doc VARCHAR PRIMARY KEY,
    path VARCHAR,
    sha256 VARCHAR,
    format VARCHAR,
    size BIGINT,
    unit VARCHAR,
    unit_key VARCHAR,
    unit_source VARCHAR,
    year INTEGER,
    year_source VARCHAR,
    report_type VARCHAR,
    chars INTEGER,
    pages INTEGER,
    encoding VARCHAR,
    warnings VARCHAR[],
    text VARCHAR,
    loaded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS facts (
    id VARCHAR,  -- unique by construction (fact_id); no index: an index lives in memory
    doc VARCHAR,
    metric VARCHAR,
    value DECIMAL(38, 6),
    unit VARCHAR,
    kind VARCHAR,
    approx BOOLEAN,
    basis VARCHAR,
    qualifier VARCHAR,
    relative_to VARCHAR,
    period INTEGER,
    part_of VARCHAR,
    label VARCHAR,
    raw VARCHAR,
    quote VARCHAR,
    start INTEGER,
    "end" INTEGER,
    rule_id VARCHAR,
    section VARCHAR,
    sentence_index INTEGER,
    step DECIMAL(38, 6)
);
-- one row per row of a self-evaluation table (绩效自评表), the budget-execution row included
CREATE TABLE IF NOT EXISTS indicators (
    id VARCHAR,
    doc VARCHAR,
    position INTEGER,
    block VARCHAR,
    level1 VARCHAR,
    level2 VARCHAR,
    level3 VARCHAR,
    target_text VARCHAR,
    target_op VARCHAR,
    target_value DECIMAL(38, 6),
    target_unit VARCHAR,
    actual_text VARCHAR,
    actual_value DECIMAL(38, 6),
    actual_unit VARCHAR,
    weight DECIMAL(38, 6),
    score DECIMAL(38, 6),
    note VARCHAR,
    quote VARCHAR,
    start INTEGER,
    "end" INTEGER,
    layout VARCHAR,
    cells VARCHAR  -- JSON: [{role, start, end, table, row, col}]
);
-- every figure with a domain unit (亩 户 万元 人 栋 个 起 …) and the metric of the fact that
-- claims it; metric NULL: no rule or cue classified it (view unattributed)
CREATE TABLE IF NOT EXISTS quantities (
    doc VARCHAR,
    start INTEGER,
    "end" INTEGER,
    value DECIMAL(38, 6),
    unit VARCHAR,
    raw VARCHAR,
    quote VARCHAR,
    section VARCHAR,
    metric VARCHAR
);
CREATE TABLE IF NOT EXISTS ingest_errors (
    path VARCHAR,
    doc VARCHAR,
    sha256 VARCHAR,
    stage VARCHAR,
    code VARCHAR,
    message VARCHAR,
    recorded_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS audit_findings (
    id VARCHAR PRIMARY KEY,
    "check" VARCHAR,
    severity VARCHAR,
    doc VARCHAR,
    unit VARCHAR,
    year INTEGER,
    metrics VARCHAR[],
    stated DECIMAL(38, 6),
    expected DECIMAL(38, 6),
    message VARCHAR,
    rule_id VARCHAR
);
CREATE TABLE IF NOT EXISTS finding_evidence (
    finding_id VARCHAR,
    position INTEGER,
    fact_id VARCHAR,
    doc VARCHAR,
    metric VARCHAR,
    value DECIMAL(38, 6),
    quote VARCHAR,
    start INTEGER,
    "end" INTEGER
);
CREATE TABLE IF NOT EXISTS unit_links (
    doc VARCHAR PRIMARY KEY,
    unit VARCHAR,
    unit_key VARCHAR,
    how VARCHAR
);
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR,
    started TIMESTAMP,
    finished TIMESTAMP,
    files_seen INTEGER,
    files_read INTEGER,
    files_skipped INTEGER,
    files_failed INTEGER,
    facts INTEGER,
    findings INTEGER,
    rules_dir VARCHAR,
    rules_hash VARCHAR
);
-- one row per (finding, metric involved); info-level notes (large year-on-year jumps) are
-- observations, not inconsistencies, and stay in audit_findings only
-- migrations: columns added after a table was first created (a database of an older jixiao)
ALTER TABLE runs ADD COLUMN IF NOT EXISTS rules_dir VARCHAR;
ALTER TABLE runs ADD COLUMN IF NOT EXISTS rules_hash VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS grade VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS grade_quote VARCHAR;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS grade_start INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS grade_end INTEGER;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS ocr VARCHAR;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE facts ADD COLUMN IF NOT EXISTS page INTEGER;
CREATE OR REPLACE VIEW findings AS
    SELECT f.id, f."check", f.severity, f.doc, f.unit, f.year, m.metric, f.metrics, f.stated, f.expected, f.message
    FROM audit_findings f, UNNEST(f.metrics) AS m(metric)
    WHERE f.severity <> 'info';
"""


def connect(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the database, turning a lock held by another process into :class:`DatabaseInUse`.

    A writer that finds the file held by a *reader* (``jixiao serve`` opens it read-only for the
    length of one request) tries again for up to ``READER_WAIT`` seconds; a file held by another
    writer fails at once."""
    path = Path(path)
    if read_only and not path.exists():
        raise JixiaoError(f"数据库不存在：{path}（请先运行 jixiao run）")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + READER_WAIT
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": MEMORY_LIMIT})
            con.execute("SET enable_progress_bar = false")  # the CLI shows its own progress
            return con
        except duckdb.IOException as exc:
            message = str(exc).lower()
            if "lock" not in message:
                raise JixiaoError(f"无法打开数据库 {path}：{exc}") from exc
            if not read_only and _held_by_reader(message) and time.monotonic() < deadline:
                time.sleep(0.01)
                continue
            raise DatabaseInUse(f"数据库正被另一个进程使用：{path}（请等它结束后再试）") from exc


def _held_by_reader(message: str) -> bool:
    """DuckDB's lock error says "you would be able to open this database in read-only mode" when
    the holder is a read-only connection (checked with DuckDB 1.x and 2.0). Should the wording
    change, a writer fails at once, as it did before readers were waited for."""
    return "read-only mode" in message


class Store:
    """The jixiao database: one writer, parameterized statements, whole-file transactions.

    ``metrics`` (a RuleSet's metrics.yaml) fills the metric_catalog table when the database is
    opened for writing; default: the packaged rules'."""

    def __init__(self, path: Path | str, read_only: bool = False, metrics: dict | None = None):
        self.path = Path(path)
        self.staging = False  # write_batch stages the files' own findings (stage_findings)
        self._limit = MEMORY_LIMIT  # DuckDB's cap in force (memory_limit), and in bytes where jixiao reads it
        try:
            self._limit_bytes: int | None = _bytes(MEMORY_LIMIT)
        except ValueError:  # a writing DuckDB reads and jixiao does not: no room made for long texts
            self._limit_bytes = None
        self.con = connect(self.path, read_only=read_only)
        if not read_only:
            self.con.execute(SCHEMA)
            self.con.execute(
                "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)]
            )
            from .views import create_views

            if metrics is None:
                from .rules import load_rules

                metrics = load_rules().metrics
            create_views(self.con, metrics)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self.con.close()

    def known(self) -> dict[str, str]:
        """doc → sha256 of every document already loaded."""
        return dict(self.con.execute("SELECT doc, sha256 FROM documents").fetchall())

    def write_batch(self, extractions: Iterable[Extraction | Rows], errors: Iterable[FileError] = ()) -> int:
        """Replace the rows of each file in one transaction; return the number of facts written.

        A file comes as its Extraction or as the rows a worker built from it (pipeline/rows.py)."""
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        batch = Rows.empty()
        for ex in extractions:
            batch.extend(ex if isinstance(ex, Rows) else rows_of(ex))
        batch.documents.data[DOCUMENT_COLUMNS.index("loaded_at")] = [now] * len(batch.documents)
        error_rows = [(e.path, Path(e.path).name, e.sha256, e.stage, e.code, e.message, now) for e in errors]
        replaced = batch.docs + [r[1] for r in error_rows]
        con = self.con
        room = self._room_for(batch.documents.data[DOCUMENT_COLUMNS.index("text")])
        with self.memory_limit(room) if room else nullcontext(), transaction(con):
            # a file has rows in facts, quantities or indicators only beside its documents row (they
            # are written together): delete only for files the database already knows, so a batch of
            # new files does not scan the growing fact tables
            known = [r[0] for r in con.execute(
                "SELECT doc FROM documents WHERE doc IN (SELECT UNNEST(?::VARCHAR[])) "
                "UNION SELECT doc FROM ingest_errors WHERE doc IN (SELECT UNNEST(?::VARCHAR[]))",
                [replaced, replaced]).fetchall()] if replaced else []
            if known:  # one statement per table (one per file and table scanned the table each time)
                for table in ("facts", "quantities", "indicators", "documents", "ingest_errors"):
                    con.execute(f"DELETE FROM {table} WHERE doc IN (SELECT UNNEST(?::VARCHAR[]))", [known])
            for table, columns in zip(("documents", "facts", "quantities", "indicators"), batch.tables()):
                insert_columns(con, table, columns)
            insert_rows(con, "ingest_errors", error_rows)
            if self.staging:  # the files' own findings, found by the workers, and which files they are
                insert_columns(con, STAGING + "audit_findings", batch.findings)
                insert_columns(con, STAGING + "finding_evidence", batch.evidence)
                insert_rows(con, CHECKED, [(doc,) for doc in batch.checked])
        return len(batch.facts)

    def coverage(self) -> tuple[int, int]:
        """(claimed, all) domain quantities of the database: how much of what the reports state
        in 亩, 户, 万元, 人 … a metric was found for."""
        claimed, total = self.con.execute(
            "SELECT count(metric), count(*) FROM quantities").fetchone()
        return int(claimed), int(total)

    @contextmanager
    def memory_limit(self, limit: str) -> Iterator[None]:
        """DuckDB's memory cap set to ``limit`` (e.g. ``128MB``; ``_bytes`` tells what is read, and
        refuses the rest) inside the block, back to the cap in force before it after it. Not while
        another thread uses the connection."""
        before = self._limit, self._limit_bytes
        self._limit, self._limit_bytes = limit, _bytes(limit)
        self.con.execute(f"SET memory_limit = '{limit}'")
        try:
            yield
        finally:
            self._limit, self._limit_bytes = before
            self.con.execute(f"SET memory_limit = '{before[0]}'")

    @contextmanager
    def capped(self, limit: str, variable: str) -> Iterator[None]:
        """The block under DuckDB cap ``limit`` (set by the environment variable ``variable``), its
        out-of-memory error as one clear line (``database_memory``)."""
        with database_memory(limit, variable), self.memory_limit(limit):
            yield

    def _room_for(self, texts: Iterable[str]) -> str | None:
        """A cap for a batch whose largest text needs more than the cap in force (DuckDB stores a
        text in one block of its size: a 30 MB volume does not fit under 64 MB), else None."""
        largest = max((len(t) for t in texts if t), default=0) * 3  # UTF-8 bytes, at most 3 a character
        need = 2 * largest + BATCH_ROOM
        return f"{-(-need // 2**20)}MB" if self._limit_bytes is not None and need > self._limit_bytes else None

    def stage_findings(self) -> None:
        """Open the staging tables for this run's findings: from now on ``write_batch`` puts there
        the findings a worker found in a file (pipeline/doc_checks.py), and ``checked`` names those
        files; ``replace_findings(…, staged=True)`` adds the rest and swaps them all in."""
        _open_staging(self.con)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {CHECKED} (doc VARCHAR)")
        self.staging = True

    @property
    def checked(self) -> set[str] | None:
        """The files whose findings are staged (None: none are, ``stage_findings`` was not called):
        kept in a temporary table while the files are loaded, not in a set of this process
        (100,000 names were ≈ 20 MB held all along); the set is made when asked, for the checks."""
        if not self.staging:
            return None
        return {r[0] for r in self.con.execute(f"SELECT doc FROM {CHECKED}").fetchall()}

    def replace_findings(self, findings: Iterable[Finding], chunk: int = 2_000, staged: bool = False) -> int:
        """Replace every finding (findings are derived from all facts, so they are recomputed whole).

        The new findings go, ``chunk`` at a time, into staging tables, committed as they go; one
        transaction then swaps them in. Readers see the old findings or the new, never a mix, and
        memory holds one chunk: measured at 10,000 reports, writing 38,844 findings and their
        evidence inside one open transaction held ≈ 200 MB more (bench/RESULTS.md). ``staged``:
        the staging tables already hold the findings of ``checked`` files (``stage_findings``)."""
        con = self.con
        count = con.execute(f"SELECT count(*) FROM {STAGING}audit_findings").fetchone()[0] if staged else 0
        if not staged:
            _open_staging(con)
        try:
            for part in _chunks(findings, chunk):
                rows, evidence = finding_rows(part)
                with transaction(con):
                    insert_rows(con, STAGING + "audit_findings", rows)
                    insert_rows(con, STAGING + "finding_evidence", evidence)
                count += len(rows)
            with transaction(con):
                for table in FINDING_TABLES:
                    con.execute(f"DELETE FROM {table}")
                    con.execute(f"INSERT INTO {table} SELECT * FROM {STAGING}{table}")
        finally:
            self.staging = False  # write_batch stages no more
            for table in FINDING_TABLES:
                con.execute(f"DROP TABLE IF EXISTS {STAGING}{table}")
            con.execute(f"DROP TABLE IF EXISTS {CHECKED}")
        return count

    def record_run(self, run_id: str, started: datetime, stats: dict, rules_dir: str | None = None,
                   rules_hash: str | None = None) -> None:
        """One row per run, for the record: its counts and the rules it read with (folder, fingerprint)."""
        self.con.execute(
            "INSERT INTO runs (run_id, started, finished, files_seen, files_read, files_skipped, files_failed, "
            "facts, findings, rules_dir, rules_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [run_id, started, datetime.now(timezone.utc).replace(tzinfo=None), stats.get("seen", 0),
             stats.get("read", 0), stats.get("skipped", 0), stats.get("failed", 0), stats.get("facts", 0),
             stats.get("findings", 0), rules_dir, rules_hash],
        )


def _open_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Empty staging tables for the findings: temporary, so what is staged is not also written
    to the database's log only to be copied and dropped (a staging table of an older jixiao's,
    left by a killed run, is dropped)."""
    for table in FINDING_TABLES:
        con.execute(f"DROP TABLE IF EXISTS main.{STAGING}{table}")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {STAGING}{table} AS SELECT * FROM {table} LIMIT 0")


@contextmanager
def database_memory(limit: str = MEMORY_LIMIT, variable: str = "JIXIAO_DB_MEMORY"):
    """DuckDB's out-of-memory error as one clear line: the facts already committed stay.
    ``limit``: the cap in force, set by the environment variable ``variable``."""
    try:
        yield
    except duckdb.OutOfMemoryException as exc:
        raise OutOfMemory(
            f"数据库内存不足（上限 {limit}，环境变量 {variable}）：已入库的数据不受影响；"
            f"调高上限后运行 jixiao check 即可补做检查。DuckDB: {str(exc).splitlines()[0]}"
        ) from exc


# DuckDB's memory units: K/KB/KiB … T/TB/TiB, byte(s), and the words kilobyte(s) … terabyte(s)
_SIZE = re.compile(r"([0-9.]+)\s*(?:([KMGT]?)(i?)B?|(kilo|mega|giga|tera)bytes?|bytes?)", re.IGNORECASE)


def _bytes(limit: str) -> int:
    """A DuckDB memory setting in bytes, read as DuckDB reads it (``64MB`` = 64·1000², ``64MiB`` =
    64·1024²); ValueError, said in Chinese, for a setting written otherwise.

    >>> _bytes("64MB"), _bytes("1GiB"), _bytes("512 kb"), _bytes("512megabytes"), _bytes("2 Gigabytes")
    (64000000, 1073741824, 512000, 512000000, 2000000000)
    """
    m = _SIZE.fullmatch(limit.strip())
    if m is None:
        raise ValueError(f"内存上限写法不对：{limit!r}（例如 128MB）")
    number, prefix, binary, word = m.groups()
    prefix = (word or prefix or " ")[0].upper()
    return int(float(number) * (1024 if binary else 1000) ** " KMGT".index(prefix))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """BEGIN … COMMIT, or ROLLBACK when the block raises: all of it or none of it."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows (in the table's column order) column by column (``insert_columns``).

    Measured (bench/RESULTS.md): ~50 µs a row through a DataFrame, against ~3 ms with
    ``executemany``. Decimals go in as their exact decimal text, cast by the column type:
    nothing passes through a float.
    """
    for at in range(0, len(rows), INSERT_CHUNK):  # a compiled volume's 100k rows: one chunk at a time
        chunk = [[format(v, "f") if isinstance(v, Decimal) else v for v in row] for row in rows[at:at + INSERT_CHUNK]]
        _insert(con, table, {f"c{i}": list(values) for i, values in enumerate(zip(*chunk))})


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: Columns) -> None:
    """Insert a table's rows held column by column (pipeline/rows.py: Decimals already text),
    ``INSERT_CHUNK`` rows at a time."""
    for at in range(0, len(columns), INSERT_CHUNK):
        _insert(con, table, columns.slice(at, at + INSERT_CHUNK))


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list]) -> None:
    """One INSERT of columns (name → values, in the table's order) handed to DuckDB as NumPy object
    arrays: the same values as a pandas DataFrame of dtype object gives, without pandas (measured
    on a batch of 100 reports: 90 against 110 ms of CPU, and no 0.5 s pandas import)."""
    import numpy

    arrays = {name: numpy.fromiter(values, dtype=object, count=len(values)) for name, values in columns.items()}
    con.register("_jixiao_rows", arrays)
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM _jixiao_rows")
    except BaseException:
        with suppress(duckdb.Error):  # an aborted transaction refuses it: the error to raise is the first
            con.unregister("_jixiao_rows")
        raise
    con.unregister("_jixiao_rows")


def finding_rows(findings: Iterable[Finding]) -> tuple[list[tuple], list[tuple]]:
    """Findings as rows of audit_findings and of finding_evidence."""
    rows, evidence = [], []
    for f in findings:
        ids = [fact_id(e) for e in f.evidence]  # once: the finding's id is made of them too
        fid = _finding_id(f, ids)
        rows.append((fid, f.check, f.severity, f.doc, f.unit, f.year, list(f.metrics), f.stated,
                     f.expected, f.message, f.rule_id))
        for pos, (e, eid) in enumerate(zip(f.evidence, ids)):
            evidence.append((fid, pos, eid, e.doc, e.metric, e.value, e.quote, e.start, e.end))
    return rows, evidence


def finding_id(f: Finding) -> str:
    """A stable finding id from its check, document, metrics and evidence."""
    return _finding_id(f, [fact_id(e) for e in f.evidence])


def _finding_id(f: Finding, evidence_ids: list[str]) -> str:
    key = json.dumps([f.check, f.doc, list(f.metrics), sorted(evidence_ids)], ensure_ascii=False)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    """Consecutive lists of at most ``size`` items."""
    it = iter(items)
    while part := list(islice(it, size)):
        yield part
