"""The auditors' decisions, in their own file beside the database: ``<db>.review.sqlite``.

Why a file of its own: DuckDB lets one process write a database, and ``jixiao run`` holds the
main database for the whole run. ``jixiao serve`` therefore only ever *reads* the main database
(read-only, one connection per request) and writes decisions here, a SQLite file (stdlib, WAL
mode) that ``jixiao run`` never touches. A run cannot lose a decision, and a decision can be
taken while a run writes.

The table is append-only: every confirm / dismiss / note / reset is a new row, so the file is
also the review's history. A finding's decision is its latest confirm, dismiss or reset row,
found by the finding's stable key (pipeline/review_key.py), else by its content key (a renamed
copy of a reviewed report). Each row keeps the evidence hash it was taken on: when the finding's
evidence changes, the decision stays and the finding "needs another look".
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

SCHEMA_VERSION = "1"
ACTIONS = ("confirm", "dismiss", "note", "reset")
DECIDING = ("confirm", "dismiss", "reset")  # actions that set a finding's status; a note does not
STATUSES = ("new", "confirmed", "dismissed", "recheck")
_STATUS_OF = {"confirm": "confirmed", "dismiss": "dismissed", "reset": "new"}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    content_key TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('confirm', 'dismiss', 'note', 'reset')),
    reason TEXT,
    comment TEXT,
    reviewer TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    evidence_hash TEXT NOT NULL,
    doc TEXT,
    doc_sha256 TEXT,
    unit TEXT,
    year INTEGER,
    "check" TEXT,
    message TEXT
);
CREATE INDEX IF NOT EXISTS decisions_key ON decisions (key);
CREATE INDEX IF NOT EXISTS decisions_content_key ON decisions (content_key);
"""


@dataclass(frozen=True)
class Decision:
    """One row of the decision file."""

    id: int
    key: str
    content_key: str
    action: str
    reason: str | None
    comment: str | None
    reviewer: str
    decided_at: str  # ISO 8601, UTC, seconds
    evidence_hash: str
    doc: str | None = None
    doc_sha256: str | None = None
    unit: str | None = None
    year: int | None = None
    check: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Review:
    """A finding's review: its status, the decision behind it and its notes (oldest first)."""

    status: str
    decision: Decision | None
    notes: tuple[Decision, ...] = ()
    history: tuple[Decision, ...] = ()


def review_path(db: Path | str) -> Path:
    """The decision file of a database.

    >>> review_path("data/out/jixiao.duckdb").name
    'jixiao.duckdb.review.sqlite'
    """
    db = Path(db)
    return db.with_name(db.name + ".review.sqlite")


def status_of(decision: Decision | None, current_hash: str) -> str:
    """new (no decision, or reset) · confirmed · dismissed · recheck (taken on other evidence).

    >>> d = Decision(1, "k", "c", "dismiss", "scope", None, "张三", "2024-01-01T00:00:00", "h1")
    >>> status_of(None, "h1"), status_of(d, "h1"), status_of(d, "h2")
    ('new', 'dismissed', 'recheck')
    """
    if decision is None or decision.action == "reset":
        return "new"
    if decision.evidence_hash != current_hash:
        return "recheck"
    return _STATUS_OF[decision.action]


class DecisionStore:
    """The decision file; each call opens its own short SQLite connection (threads, processes)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        if not create and not self.path.exists():
            return None
        con = sqlite3.connect(str(self.path), timeout=10)
        con.row_factory = sqlite3.Row
        if create:
            con.execute("PRAGMA journal_mode = WAL")
            con.executescript(SCHEMA)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
            con.commit()
        return con

    def record(self, *, key: str, content_key: str, action: str, reviewer: str, evidence_hash: str,
               reason: str | None = None, comment: str | None = None, doc: str | None = None,
               doc_sha256: str | None = None, unit: str | None = None, year: int | None = None,
               check: str | None = None, message: str | None = None) -> Decision:
        """Append one decision (its time: now, UTC) and return it."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        decided_at = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat()
        with closing(self._connect(create=True)) as con, con:
            cur = con.execute(
                "INSERT INTO decisions (key, content_key, action, reason, comment, reviewer, decided_at, evidence_hash, "
                'doc, doc_sha256, unit, year, "check", message) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
                [key, content_key, action, reason, comment, reviewer, decided_at, evidence_hash, doc, doc_sha256,
                 unit, year, check, message])
            row_id = cur.lastrowid
        return Decision(row_id, key, content_key, action, reason, comment, reviewer, decided_at, evidence_hash,
                        doc, doc_sha256, unit, year, check, message)

    def all(self) -> list[Decision]:
        """Every row, oldest first ([] when the file does not exist yet)."""
        con = self._connect(create=False)
        if con is None:
            return []
        with closing(con):
            try:
                rows = con.execute(
                    "SELECT id, key, content_key, action, reason, comment, reviewer, decided_at, evidence_hash, "
                    'doc, doc_sha256, unit, year, "check", message FROM decisions ORDER BY id').fetchall()
            except sqlite3.OperationalError:  # an empty file, not yet given its table
                return []
        return [Decision(*r) for r in rows]

    def reviews(self, findings: Iterable[tuple[str, str, str]]) -> dict[str, Review]:
        """key → Review for each (key, content_key, evidence_hash) of the current findings."""
        by_key: dict[str, list[Decision]] = {}
        by_content: dict[str, list[Decision]] = {}
        for d in self.all():
            by_key.setdefault(d.key, []).append(d)
            by_content.setdefault(d.content_key, []).append(d)
        out = {}
        for key, content, current in findings:
            rows = by_key.get(key) or by_content.get(content) or []
            deciding = [d for d in rows if d.action in DECIDING]
            decision = deciding[-1] if deciding else None
            out[key] = Review(status=status_of(decision, current), decision=decision,
                              notes=tuple(d for d in rows if d.action == "note"), history=tuple(rows))
        return out
