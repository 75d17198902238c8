"""The floor issue 13 compares a run with: read every file of a folder and run one regex scan over
its text (no extraction, no database). Prints files, seconds and files a second; a run's wall
time divided by this one's is "the ratio to the bare read + regex scan".

Usage:

    python bench/bare_read.py bench/corpus/txt-10000
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

FIGURE = re.compile(r"\d+(?:\.\d+)?")  # one scan of the kind extraction starts with: every figure


def bare_read(folder: Path) -> tuple[int, int, float]:
    """(files, figures, seconds): every file of ``folder`` read, decoded and scanned once for figures."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    began = time.perf_counter()
    figures = 0
    for path in files:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        figures += sum(1 for _ in FIGURE.finditer(text))
    return len(files), figures, time.perf_counter() - began


def main(folder: Path) -> None:
    files, figures, seconds = bare_read(folder)
    print(f"{files} files, {figures} figures, {seconds:.2f} s, {files / seconds:.0f} files/s")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
