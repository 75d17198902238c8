"""notebooks/compare_units.ipynb runs top to bottom, headless, on a database built from data/raw.

The kernel is ``python3`` from this interpreter (ipykernel is installed in the venv); the
database and the chart folder reach the notebook through JIXIAO_DB and JIXIAO_OUT.
"""
from __future__ import annotations

import time
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from nbclient import NotebookClient

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # subprocesses: `pytest -m "not slow"` leaves them out
NOTEBOOK = ROOT / "notebooks" / "compare_units.ipynb"
CHARTS = ("unit_across_years.png", "units_in_year.png", "findings_by_check.png")
BUDGET_SECONDS = 30


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """(the executed notebook, the chart folder, seconds the notebook took)."""
    root = tmp_path_factory.mktemp("notebook")
    db, out = root / "jixiao.duckdb", root / "out"
    result = CliRunner().invoke(cli, ["run", str(ROOT / "data" / "raw"), "--db", str(db), "--quiet"])
    assert result.exit_code in (0, 3), result.output
    mp = pytest.MonkeyPatch()
    mp.setenv("JIXIAO_DB", str(db))
    mp.setenv("JIXIAO_OUT", str(out))
    mp.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    started = time.perf_counter()
    try:
        NotebookClient(notebook, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(root)}}).execute()
    finally:
        mp.undo()
    return notebook, out, time.perf_counter() - started


def test_when_run_headless_then_every_chart_is_a_real_png(executed):
    _, out, _ = executed
    for name in CHARTS:
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        assert len(data) > 5_000, f"{name} is only {len(data)} bytes"


def test_when_run_headless_then_no_cell_warns_about_missing_glyphs(executed):
    notebook, _, _ = executed
    texts = [o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [t for t in texts if "Glyph" in t and "missing" in t]


def test_when_run_headless_then_it_shows_findings_with_their_quotes(executed):
    notebook, _, _ = executed
    printed = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", [])
                      if o.get("name") == "stdout")
    assert "「" in printed and "] " in printed


def test_when_run_headless_then_it_is_fast(executed):
    print(f"notebook executed in {executed[2]:.1f} s")
    assert executed[2] < BUDGET_SECONDS


def test_when_committed_then_the_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
