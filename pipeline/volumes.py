"""A long document read in parts: a compiled volume (汇编) of many reports in one file.

A 30 MB .txt takes ≈ 40 CPU seconds to extract (bench/RESULTS.md): past the per-file time limit
in one worker, and on one core while the others wait. ``run`` splits such a file into parts
(``part_count``: one per ``PART_BYTES`` of file), each worker extracts one part as if it were a
document of its own (``part_document``: the text between two cut points, which fall on a blank
line, else a line break, else a sentence end), and the parent merges the parts back into the
file's one Extraction (``merge_parts``). Every span is shifted back by the part's start
(``shift_extraction``): facts, quantities, indicator rows and the grade point into the original
text, quotes stay verbatim.

What a part cannot see: text across a cut (a cut falls on a paragraph break, where no fact
spans), and the rest of the volume — its unit, year and report type are read from the first
part (the volume's title and opening), which every part reads again for that purpose. A fact's
``sentence_index`` is made unique across parts by adding the part's start offset (sentences of
one part keep their order and stay apart from the next part's).
"""
from __future__ import annotations

import os
from dataclasses import replace

from .model import Cell, Document, Extraction, Table
from .rebuild import moved

PART_BYTES = int(float(os.environ.get("JIXIAO_PART_MB", "4")) * 2**20)  # a file over this is read in parts
SPLIT_SUFFIXES = (".txt", ".text")  # formats whose reading is cheap enough to repeat for every part
CUT_REACH = 64 * 1024  # characters after the ideal cut point searched for a good place to cut


def part_count(size: int, suffix: str, part_bytes: int | None = None) -> int:
    """How many parts a file of ``size`` bytes is read in (1: whole); ``part_bytes`` default:
    ``PART_BYTES`` (environment ``JIXIAO_PART_MB``, 4 MB).

    >>> part_count(30 * 2**20, ".txt", 4 * 2**20), part_count(30 * 2**20, ".docx", 4 * 2**20)
    (8, 1)
    >>> part_count(4 * 2**20, ".TXT", 4 * 2**20)
    1
    """
    part_bytes = part_bytes or PART_BYTES
    if suffix.lower() not in SPLIT_SUFFIXES or size <= part_bytes:
        return 1
    return -(-size // part_bytes)


def cut_points(text: str, count: int, tables: tuple[Table, ...] = (), title_words: tuple[str, ...] = ()) -> list[int]:
    """``count + 1`` offsets from 0 to ``len(text)``: part ``k`` is ``text[cuts[k]:cuts[k + 1]]``.

    Each inner cut is placed at or after ``k * len / count``, at the first of these within
    reach: the start of a report's title line (a short line after a blank line, holding one of
    ``title_words``, rules/document.yaml: the next report of the volume), after a blank line, after a line
    break, after a sentence end (。); else right there. Never inside a table.

    >>> cut_points("第一段。\\n第二段。\\n\\n第三段。", 2)
    [0, 11, 15]
    >>> cut_points("甲报告\\n一段。\\n\\n二段。\\n\\n乙报告\\n三段。", 2, title_words=("报告",))
    [0, 14, 21]
    """
    n = len(text)
    cuts = [0]
    for k in range(1, count):
        at = max(cuts[-1], k * n // count)
        for table in tables:
            if table.start < at < table.end:
                at = table.end
        at = _title_line(text, at, min(n, at + CUT_REACH), title_words) or _after_break(text, at, min(n, at + CUT_REACH))
        if cuts[-1] < at < n:
            cuts.append(at)
    cuts.append(n)
    return cuts


TITLE_LINE = 60  # characters: a longer line naming a report is a sentence about it, not its title


def _title_line(text: str, lo: int, hi: int, title_words: tuple[str, ...]) -> int | None:
    """The start of the first short line in [lo, hi) that follows a blank line and holds a title
    word (a section heading such as 五、绩效自评结果 holds one too, but follows its paragraph)."""
    if not title_words:
        return None
    at = text.find("\n\n", lo, hi)
    while at >= 0:
        start = at + 2
        while start < hi and text[start] in "\n\r\f \t\u3000":
            start += 1
        end = text.find("\n", start, hi)
        line = text[start:end if end >= 0 else hi]
        if len(line.strip()) <= TITLE_LINE and any(w in line for w in title_words):
            return start
        at = text.find("\n\n", start, hi)
    return None


def _after_break(text: str, lo: int, hi: int) -> int:
    """Just after the first blank line in [lo, hi), else line break, else sentence end; else ``lo``."""
    for mark in ("\n\n", "\n", "。"):
        found = text.find(mark, lo, hi)
        if found >= 0:
            return found + len(mark)
    return lo


def part_document(document: Document, start: int, end: int) -> Document:
    """The text between two cut points as a document of its own (its tables shifted with it)."""
    tables = tuple(
        Table(t.start - start, t.end - start, tuple(tuple(Cell(c.start - start, c.end - start) for c in row)
                                                    for row in t.rows))
        for t in document.tables if start <= t.start and t.end <= end
    )
    return replace(document, text=document.text[start:end], tables=tables)


def shift_extraction(ex: Extraction, offset: int) -> Extraction:
    """A part's extraction with every span moved by ``offset`` (into the whole file's text)."""
    if offset == 0:
        return ex
    facts = tuple(moved(f, start=f.start + offset, end=f.end + offset,
                         sentence_index=f.sentence_index + offset if f.sentence_index >= 0 else f.sentence_index,
                         group=f.group + offset if f.group is not None else None) for f in ex.facts)
    mentions = tuple(moved(m, start=m.start + offset, end=m.end + offset) for m in ex.mentions)
    indicators = tuple(replace(x, start=x.start + offset, end=x.end + offset,
                               cells=tuple(replace(c, start=c.start + offset, end=c.end + offset) for c in x.cells))
                       for x in ex.indicators)
    grade = replace(ex.grade, start=ex.grade.start + offset, end=ex.grade.end + offset) if ex.grade else None
    return replace(ex, facts=facts, mentions=mentions, indicators=indicators, grade=grade)


def merge_parts(parts: list[Extraction]) -> Extraction:
    """One file's Extraction from its parts (each already shifted; the first carries the whole document)."""
    parts = sorted(parts, key=lambda ex: ex.part[0] if ex.part else 0)
    whole = parts[0]
    indicators = tuple(replace(x, position=i) for i, x in enumerate(x for ex in parts for x in ex.indicators))
    return Extraction(
        document=whole.document, meta=whole.meta,
        facts=tuple(f for ex in parts for f in ex.facts),
        mentions=tuple(m for ex in parts for m in ex.mentions),
        indicators=indicators,
        grade=next((ex.grade for ex in parts if ex.grade is not None), None),
    )
