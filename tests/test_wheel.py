"""jixiao installs like any Python tool: a wheel (not an editable install) into a fresh venv,
``jixiao run`` from a folder that is not the repository, the same facts as a run from here.

Real everything: the wheel is built by pip from a copy of the sources, installed with its
dependencies (from the package index pip is configured with) into a venv without system site
packages, and run as a subprocess on a copy of data/raw. About a minute: marked ``slow``.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from real_db import query as rows

from pipeline.rules import RULES_DIR, fingerprint
from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "pipeline", "rules")
FACTS = 'SELECT doc, metric, value, kind, basis, start, "end", rule_id, quote FROM facts ORDER BY ALL'

pytestmark = pytest.mark.slow


def sh(*args, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with jixiao installed from its wheel; returns the venv's bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:  # a copy: building in the checkout would leave build/ behind
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "_rules"))
        else:
            shutil.copy(ROOT / name, src / name)
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", base / "dist", src, cwd=base)
    [wheel] = (base / "dist").glob("jixiao-*.whl")
    sh(sys.executable, "-m", "venv", base / "venv", cwd=base)
    sh(base / "venv" / "bin" / "python", "-m", "pip", "install", "-q", wheel, cwd=base)
    return base / "venv" / "bin"


def test_when_installed_from_a_wheel_then_run_elsewhere_reads_the_same_facts(installed, tmp_path):
    raw = tmp_path / "reports"
    shutil.copytree(ROOT / "data" / "raw", raw)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = sh(installed / "jixiao", "run", raw, "--db", "x.duckdb", cwd=elsewhere)
    assert "数据库：x.duckdb" in done.stdout

    here = tmp_path / "here.duckdb"
    run([raw], here, workers=0)
    installed_facts, expected = rows(elsewhere / "x.duckdb", FACTS), rows(here, FACTS)
    assert len(expected) > 100 and installed_facts == expected

    # the rules it read with are the ones inside the installed package, the same as rules/
    [(rules_dir, rules_hash)] = rows(elsewhere / "x.duckdb", "SELECT rules_dir, rules_hash FROM runs")
    assert Path(rules_dir).parts[-3:] == ("site-packages", "pipeline", "_rules")
    assert rules_hash == fingerprint(RULES_DIR)


def test_when_installed_from_a_wheel_then_rules_check_and_report_work_elsewhere(installed, tmp_path):
    checked = sh(installed / "jixiao", "rules", "check", cwd=tmp_path)
    assert " rules, 0 failing examples" in checked.stdout and "_rules" in checked.stdout
    raw = tmp_path / "reports"
    shutil.copytree(ROOT / "data" / "raw", raw)
    sh(installed / "jixiao", "run", raw, "--db", "x.duckdb", "--quiet", cwd=tmp_path)
    sh(installed / "jixiao", "report", "--db", "x.duckdb", "--out", "report", cwd=tmp_path)
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    assert "绩效自评报告审核结果" in index and "_rules" in index
    assert (tmp_path / "report" / "jixiao_report.xlsx").stat().st_size > 0
