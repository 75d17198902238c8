"""Instructions of one per-file stage over a folder, counted by callgrind: every document goes through
the stages one stage at a time (all documents read, then all segmented, …) and callgrind counts only
the named stage's loop. Tells where a change of ``process_file``'s count (bench/count_instructions.py)
comes from, and what each stage costs against an older commit.

Usage (valgrind installed; PYTHONPATH picks the code measured; self-evaluation is not a stage here —
bench/count_instructions.py's ``selfeval`` mode counts it):

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        python bench/stage_instructions.py extract tests/cases/real/batchA/docs
    callgrind_annotate /tmp/cg.out | grep "PROGRAM TOTALS"

Stages: read (the file read and decoded), reading (the script converted and the text mended),
segment, meta, extract, attribute, scope, restore (spans back into the text as read). Code from
before pipeline/process.py (57881f0, issue 9's filing) has only read, segment, meta and extract.
"""
from __future__ import annotations

import sys
from pathlib import Path

from count_instructions import _instrument  # noqa: E402 - bench/ is on sys.path when this runs as a script

STAGES = ("read", "reading", "segment", "meta", "extract", "attribute", "scope", "restore")


class _Stages:
    """Runs each stage over every document, counting only ``target``'s loop."""

    def __init__(self, target: str):
        from pipeline.rules import load_rules
        from pipeline.workers import warm_up

        self.target = target
        self.ruleset = load_rules()
        warm_up(self.ruleset)

    def each(self, name: str, step, items: list) -> list:
        counted = name == self.target
        if counted:
            _instrument(True)
        out = [step(*item) for item in items]
        if counted:
            _instrument(False)
        return out

    def run(self, files: list[Path]) -> None:
        from pipeline.ingest import read_document

        documents = self.each("read", read_document, [(p,) for p in files])
        try:
            from pipeline.process import _BY_PLACE  # noqa: F401 - tells the layout of the code measured
        except ImportError:
            self._run_old(documents)
        else:
            self._run(documents)

    def _run_old(self, documents: list) -> None:
        from pipeline.extract import extract
        from pipeline.segment import read_meta, segment

        sentences = self.each("segment", segment, [(d,) for d in documents])
        metas = self.each("meta", read_meta, [(d,) for d in documents])
        self.each("extract", lambda d, s, m: extract(d, s, m, self.ruleset), list(zip(documents, sentences, metas)))

    def _run(self, documents: list) -> None:
        from pipeline.attribute import attribute
        from pipeline.extract import extract
        from pipeline.process import _BY_PLACE
        from pipeline.reading import read_text, readable_document, restore
        from pipeline.scope import scope
        from pipeline.segment import read_meta, segment

        rules = self.ruleset

        def reading_of(document):
            reading = read_text(document.text, rules.reading)
            return reading, readable_document(document, reading)

        read = self.each("reading", reading_of, [(d,) for d in documents])
        sentences = self.each("segment", lambda r: segment(r[1], rules.layout), [(r,) for r in read])
        metas = self.each("meta", lambda r: read_meta(r[1], rules.layout), [(r,) for r in read])
        facts = self.each("extract", lambda r, s, m: extract(r[1], s, m, rules), list(zip(read, sentences, metas)))
        found = self.each("attribute", lambda r, s, f, m: attribute(r[1], s, f, m, rules),
                          list(zip(read, sentences, facts, metas)))
        scoped = self.each("scope", lambda r, f, a: scope(sorted(f + a[0], key=_BY_PLACE), r[1].text, rules.scope),
                           list(zip(read, facts, found)))
        self.each("restore", lambda d, r, f, a: (tuple(restore(f, r[0], d.text)), tuple(restore(a[1], r[0], d.text))),
                  list(zip(documents, read, scoped, found)))


def main(target: str, folder: Path) -> None:
    files = sorted(p for p in folder.iterdir() if p.is_file())
    stages = _Stages(target)
    stages.run(files[:1])  # warm: first-use caches and imports are not counted
    stages.run(files)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in STAGES:
        sys.exit(__doc__)
    main(sys.argv[1], Path(sys.argv[2]))
