"""CPU per report of `process_file` alone, best of three passes, over each folder given.

Usage:

    python bench/process_cpu.py FOLDER [FOLDER ...]

To compare two commits, run it alternately from two checkouts (``PYTHONPATH=<checkout>``): CPU
time, not wall time, so a machine shared with other jobs still gives comparable numbers.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.process import process_file
from pipeline.rules import load_rules

SUFFIXES = {".txt", ".docx", ".pdf"}


def cpu_ms_per_report(files: list[Path], passes: int = 3) -> float:
    ruleset = load_rules()
    best = float("inf")
    for _ in range(passes):
        began = time.process_time()
        for path in files:
            try:
                process_file(path, ruleset, None)
            except IngestError:
                pass  # a file that cannot be read costs what it costs
        best = min(best, (time.process_time() - began) / len(files) * 1000)
    return best


def main(argv: list[str]) -> int:
    for folder in argv:
        files = sorted(p for p in Path(folder).iterdir() if p.suffix in SUFFIXES)
        print(f"{folder}\t{len(files)} reports\t{cpu_ms_per_report(files):.2f} CPU ms/report", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
