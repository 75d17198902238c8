#!/usr/bin/env python3
"""Score every answer-keyed set with the rules as they stand: the seeds, the written dev sets
(tests/cases/reports*) and the real public pages (tests/cases/real/*), one summary line each.

Usage:

    python scripts/score_sets.py [--rules DIR] [--only real]

Each set is read into a fresh DuckDB file in a temporary folder and scored by the vendored shared
scorer (tests/fixtures/shared/eval/score.py). Nothing in the repository is written.
"""
from __future__ import annotations

import argparse
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


def score(reports: Path, gold: Path, rules: Path | None) -> str:
    """The scorer's summary line for one set."""
    from pipeline.run import run

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "set.duckdb"
        run([reports], db, quiet=True, rules=rules)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
