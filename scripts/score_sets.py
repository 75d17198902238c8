#!/usr/bin/env python3
"""Score every answer-keyed set with the rules as they stand: the seeds, the written dev sets
(tests/cases/reports*) and the real public pages (tests/cases/real/*), one summary line each.

Usage:

    python scripts/score_sets.py [--rules DIR] [--only real]

Each set is read into a fresh DuckDB file in a temporary folder and scored by the vendored shared
scorer (tests/fixtures/shared/eval/score.py). Nothing in the repository is written. The last line,
`own-pooled`, scores the project's own real batches (tests/cases/real/batch*) as one set: issue 9's
acceptance counts them together.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT / "tests" / "fixtures" / "shared" / "eval" / "score.py"


def sets() -> list[tuple[str, str, Path, Path]]:
    """(group, name, folder of reports, folder of keys) of every keyed set."""
    out = [("seeds", "samples", ROOT / "data" / "raw", ROOT / "tests" / "fixtures" / "shared" / "gold")]
    for folder in sorted((ROOT / "tests" / "cases").glob("reports*")):
        out.append(("written", folder.name, folder, folder / "gold"))
    for folder in sorted((ROOT / "tests" / "cases" / "real").iterdir()):
        if (folder / "docs").is_dir():
            out.append(("real", folder.name, folder / "docs", folder / "gold"))
    return out


def pooled() -> list[tuple[Path, Path]]:
    """(reports, keys) of the project's own real batches (tests/cases/real/batch*): issue 9 scores
    them as one set."""
    return [(reports, gold) for group, name, reports, gold in sets() if group == "real" and name.startswith("batch")]


def score(reports: Path | list[Path], gold: Path | list[Path], rules: Path | None) -> str:
    """The scorer's summary line for one set (or several folders scored as one)."""
    from pipeline.run import run

    with tempfile.TemporaryDirectory() as tmp:
        if isinstance(gold, list):
            keys = Path(tmp) / "gold"
            keys.mkdir()
            for folder in gold:
                for key in folder.iterdir():
                    shutil.copy(key, keys / key.name)
            gold = keys
        db = Path(tmp) / "set.duckdb"
        run(reports if isinstance(reports, list) else [reports], db, quiet=True, rules=rules)
        done = subprocess.run([sys.executable, str(SCORER), "--db", str(db), "--gold", str(gold)],
                              capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", type=Path, help="a rules folder (default: the packaged rules)")
    ap.add_argument("--only", choices=["seeds", "written", "real"])
    args = ap.parse_args(argv)
    for group, name, reports, gold in sets():
        if args.only and group != args.only:
            continue
        print(f"{group:8} {name:10} {score(reports, gold, args.rules)}", flush=True)
    if args.only in (None, "real"):
        own = pooled()
        line = score([r for r, _ in own], [g for _, g in own], args.rules)
        print(f"{'real':8} {'own-pooled':10} {line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
