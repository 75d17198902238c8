"""``jixiao run --engine ray`` where Ray is not installed: one line saying how to install it,
exit status 1, and the database untouched. Ray is made unimportable for this one test
(``sys.modules["ray"] = None`` is what Python itself does for a module that failed to import),
so the test runs whether or not the ``ray`` extra is installed."""
from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"


def test_when_ray_is_not_installed_then_engine_ray_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)
    db = tmp_path / "jixiao.duckdb"
    result = CliRunner().invoke(cli, ["run", str(RAW), "--db", str(db), "--engine", "ray", "--quiet"])
    assert (result.exit_code, result.output) == (1, "Error: 未安装 Ray：pip install 'jixiao[ray]'\n")
    assert not db.exists()
