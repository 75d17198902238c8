"""The issues' bars on the project's own real pages (tests/cases/real), each set scored as the issue
counts it: issue 9 — the own batches it counted (A–G) pooled into one set, facts F1 ≥ 0.95; issue 11 — the
real 自评表 sets (selfeval*) pooled, indicator rows read correctly ≥ 95 %, and the two
self-evaluation facts (budget.execution_rate, score.self) over every real page, F1 ≥ 0.95.
These are the issues' own thresholds, not a floor set to today's result."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "cases" / "real"
SCORER = ROOT / "tests" / "fixtures" / "shared" / "eval" / "score.py"
ROWS_SCORER = ROOT / "tests" / "cases" / "score_indicators.py"
SELF_EVALUATION = ("budget.execution_rate", "score.self")

pytestmark = pytest.mark.slow


def _pooled(tmp_path: Path, folders: list[Path]) -> tuple[Path, Path]:
    """One database of every page of ``folders`` and one folder of their keys."""
    assert folders
    keys = tmp_path / "gold"
    keys.mkdir()
    for folder in folders:
        for key in (folder / "gold").iterdir():
            shutil.copy(key, keys / key.name)
    db = tmp_path / "pooled.duckdb"
    summary = run([folder / "docs" for folder in folders], db, quiet=True)
    assert not summary.failed, summary.failed
    return db, keys


def _scored(db: Path, keys: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, str(SCORER), "--db", str(db), "--gold", str(keys), *args],
                          capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return done.stdout


# The own batches issue 9 counted when its bar was met (stop 25). Batches that arrived later (H, I, J: round 26)
# are scored at first sight and held above the rules before this work by tests/test_seeds_golden.py; pooled with
# them the score is lower (README "Quality, measured"): that is what fresh pages cost, not a regression of this set.
ISSUE9_BATCHES = ("batchA", "batchB", "batchC", "batchD", "batchE", "batchF", "batchG")


def test_when_the_own_real_batches_are_pooled_then_facts_f1_reaches_the_issue_bar(tmp_path):
    assert all((REAL / name / "docs").is_dir() for name in ISSUE9_BATCHES)
    db, keys = _pooled(tmp_path, [REAL / name for name in ISSUE9_BATCHES])
    out = _scored(db, keys, "--min-f1", "0.95")
    last = out.strip().splitlines()[-1]
    assert float(last.split("F1=")[1].split()[0]) >= 0.95, last


def test_when_the_real_self_evaluation_tables_are_pooled_then_their_rows_are_read_at_the_issue_bar(tmp_path):
    db, keys = _pooled(tmp_path, sorted(REAL.glob("selfeval*")))
    done = subprocess.run([sys.executable, str(ROWS_SCORER), "--db", str(db), "--gold", str(keys)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    correct, keyed = (int(n) for n in re.search(r"correctly (\d+)/(\d+)", last).groups())
    assert keyed > 0 and correct / keyed >= 0.95, last


def test_when_every_real_page_is_read_then_execution_rates_and_self_scores_reach_the_issue_bar(tmp_path):
    db, keys = _pooled(tmp_path, sorted(p for p in REAL.iterdir() if (p / "docs").is_dir()))
    table = _scored(db, keys, "--show", "0")
    counts = [0, 0, 0]  # true positives, false positives, misses
    for line in table.splitlines():
        cells = line.split()
        if cells and cells[0] in SELF_EVALUATION:
            counts = [total + int(n) for total, n in zip(counts, cells[1:4])]
    tp, fp, fn = counts
    assert tp > 0, table[-2000:]
    assert 2 * tp / (2 * tp + fp + fn) >= 0.95, counts
