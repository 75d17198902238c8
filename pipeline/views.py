"""Analyst views over the jixiao tables (documented in docs/schema.md)."""
from __future__ import annotations

import duckdb

VIEWS = """
CREATE OR REPLACE VIEW level_facts AS
    SELECT f.*, d.unit, d.unit_key, d.year, d.report_type
    FROM facts f JOIN documents d USING (doc)
    WHERE f.kind = 'level';
"""


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create or replace every analyst view."""
    con.execute(VIEWS)
