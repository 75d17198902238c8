"""A `jixiao run` (one process) on one report's text, and queries on its database: the shared
helpers of the real-text tests."""
from __future__ import annotations

from pathlib import Path

import duckdb
from click.testing import CliRunner

from pipeline.cli import cli


def run_text(tmp_path: Path, text: str) -> Path:
    """The database of `jixiao run --workers 0` on a folder holding one report, ``text``."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(cli, ["run", str(folder), "--db", str(db), "--workers", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
