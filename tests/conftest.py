"""Shared fixtures: the rules loaded once, a fresh DuckDB file per test, the vendored shared data."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def ruleset():
    from pipeline.rules import load_rules

    return load_rules()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """tests/fixtures/shared: a copy of ../shared (metrics, gold, scorer) so tests run on a fresh clone."""
    return FIXTURES / "shared"


@pytest.fixture
def db_path(tmp_path) -> Path:
    """A fresh DuckDB file path for one test."""
    return tmp_path / "jixiao.duckdb"


@pytest.fixture(scope="session")
def documents(ruleset):
    """The real pages and the seed reports, readable (tests/real_db.py): for the tests that hold a
    fast path to the plain code on every real text."""
    from real_db import readable_documents

    return readable_documents(ruleset)
