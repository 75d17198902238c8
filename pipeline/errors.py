"""Named exceptions of the library. Only ``cli.py`` turns them into one ``Error: …`` line."""
from __future__ import annotations


class JixiaoError(Exception):
    """Base class of every error jixiao raises on purpose."""


class IngestError(JixiaoError):
    """A file could not be read. ``code`` is stable (for scripts); ``message`` is for auditors (中文)."""

    def __init__(self, code: str, message: str):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class RuleError(JixiaoError):
    """A rule file is invalid; the message names the file and the rule id."""


class DatabaseInUse(JixiaoError):
    """Another process holds the DuckDB file open for writing."""


class OutOfMemory(JixiaoError):
    """DuckDB ran out of its memory limit (``JIXIAO_DB_MEMORY``); what is committed stays."""
