"""Instructions a report for ``process_file``, counted by callgrind: the measure that does not drift
with a shared machine's neighbours (wall and CPU time do, ±15 %). Only the loop over the files is
counted (rules, jieba and one warm-up file are not).

Usage (valgrind installed; PYTHONPATH picks the code measured):

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        python bench/count_instructions.py full /tmp/c200 60
    callgrind_annotate /tmp/cg.out | grep "PROGRAM TOTALS"      # ÷ 60 = instructions a report

Modes: ``full`` (process_file), ``noselfeval`` (process_file with the self-evaluation reader
switched off: what the stages older than it cost), ``selfeval`` (that reader alone, its inputs read
outside the count). bench/RESULTS.md, rounds 22 and 23, used the first 60 files of
``bench/make_corpus.py --count 200 --mix txt=1`` and every page of tests/cases/real.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _instrument(on: bool) -> None:
    subprocess.run(["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
                   stdout=subprocess.DEVNULL, check=False)


def main(mode: str, folder: Path, count: int) -> None:
    try:
        from pipeline.process import process_file
    except ImportError:  # before process.py existed (e.g. 57881f0)
        from pipeline.run import process_file
    from pipeline.rules import load_rules
    from pipeline.workers import warm_up

    ruleset = load_rules()
    warm_up(ruleset)
    files = sorted(p for p in folder.iterdir() if p.is_file())[:count]
    process_file(files[0], ruleset)
    if mode == "noselfeval":
        from pipeline import process

        process.self_evaluation = lambda *args, **kwargs: ((), None)
    if mode in ("full", "noselfeval"):
        _instrument(True)
        for path in files:
            process_file(path, ruleset)
        _instrument(False)
        return
    from pipeline.ingest import read_document
    from pipeline.reading import read_text, readable_document
    from pipeline.selfeval.read import self_evaluation

    inputs = []
    for path in files:
        document = read_document(path)
        reading = read_text(document.text, ruleset.reading)
        inputs.append((document, readable_document(document, reading), reading))
    _instrument(True)
    for document, readable, reading in inputs:
        self_evaluation(document, readable, reading, ruleset)
    _instrument(False)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("full", "noselfeval", "selfeval"):
        sys.exit(__doc__)
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))
