"""Make a page's text readable, keeping every offset into the original.

Real pages are copied and converted: traditional script (畝, 戶, 項目), pinyin glosses inside
words (項(xiàng)目), spaces between a figure and its unit or label (2018 年, 人员编制 42人).
``read_text`` converts the script (OpenCC, character for character), drops the glosses and joins
the split figures, as rules/reading.yaml says, and keeps a map from every character of the
readable text back to the original; ``restore`` moves facts found in the readable text back
onto the original, so that quotes stay verbatim and spans point where the auditor reads.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from .model import Cell, Document, Fact, Table
from .prescan import spans
from .rebuild import moved
from .scriptgate import load_marks

FUND_ROW_RULE = "table.fund_row"  # pipeline/extraction/fundrows.py RULE_ID (imported there: no cycle)


@dataclass(frozen=True)
class ReadingRules:
    """rules/reading.yaml, compiled."""

    convert: str | None
    cut: regex.Pattern | None  # one alternation of every drop and join pattern
    drop: regex.Pattern | None = None  # the drop patterns alone (a table's cells are never joined)
    marks: re.Pattern | None = None  # a page with none is not changed by ``convert`` (pipeline/scriptgate.py)


@dataclass(frozen=True, slots=True)
class Reading:
    """The readable text and, when characters were removed, where each came from.

    ``origin[i]`` is the offset in the original text of readable character ``i``; ``origin`` is
    ``None`` when no character was removed (offsets are the same in both texts).
    """

    text: str
    origin: Sequence[int] | None = None  # a tuple, or Runs (read_text)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """A readable span → the original span that covers the same characters.

        >>> r = Reading("人员编制42人", (0, 1, 2, 3, 5, 6, 7))
        >>> r.to_original(4, 7)
        (5, 8)
        """
        origin = self.origin
        if origin is None:
            return start, end
        if end <= start:
            at = origin[start] if start < len(origin) else origin[-1] + 1
            return at, at
        if type(origin) is Runs:
            return origin.span(start, end)
        return origin[start], origin[end - 1] + 1

    def from_original(self, offset: int) -> int:
        """An original offset → the readable offset of the first character at or after it."""
        if self.origin is None:
            return offset
        if isinstance(self.origin, Runs):
            return self.origin.index_at_or_after(offset)
        return bisect_left(self.origin, offset)


class Runs(Sequence):
    """``origin`` as the runs of kept characters (a readable run [r, r + n) came from the original
    [o, o + n)): the same offsets as the tuple of every character's origin, without an int per
    character (a 4 MB part of a volume holds ≈ 1.3 million).

    >>> r = Runs([(0, 0, 4), (4, 5, 3)])
    >>> list(r), r[-1], r.index_at_or_after(4), r.index_at_or_after(5), r.index_at_or_after(9)
    ([0, 1, 2, 3, 5, 6, 7], 7, 4, 4, 7)
    """

    __slots__ = ("_r", "_o", "_n", "_len")

    def __init__(self, runs: list[tuple[int, int, int]]):
        runs = [run for run in runs if run[2] > 0]
        self._r = [r for r, _, _ in runs]
        self._o = [o for _, o, _ in runs]
        self._n = [n for _, _, n in runs]
        self._len = sum(self._n)

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._len))]
        if i < 0:
            i += self._len
        if not 0 <= i < self._len:
            raise IndexError(i)
        k = bisect_right(self._r, i) - 1
        return self._o[k] + i - self._r[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """``(self[start], self[end - 1] + 1)``, one bisection where both ends stand in one run.

        >>> Runs([(0, 0, 4), (4, 5, 3)]).span(1, 6)
        (1, 7)
        """
        if not 0 <= start < end <= self._len:
            return self[start], self[end - 1] + 1
        r, o = self._r, self._o
        k = bisect_right(r, start) - 1
        last = end - 1
        if k + 1 < len(r) and last >= r[k + 1]:
            j = bisect_right(r, last) - 1
            return o[k] + start - r[k], o[j] + last - r[j] + 1
        return o[k] + start - r[k], o[k] + last - r[k] + 1

    def index_at_or_after(self, offset: int) -> int:
        """``bisect_left(self, offset)``: how many characters came from before ``offset``."""
        k = bisect_right(self._o, offset) - 1
        if k < 0:
            return 0
        return self._r[k] + min(offset - self._o[k], self._n[k])

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and len(other) == self._len and list(self) == list(other)

    __hash__ = None


def load_reading(directory: str | Path) -> ReadingRules:
    """Read ``reading.yaml`` of a rules folder."""
    path = Path(directory) / "reading.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    patterns = [str(p) for p in (data.get("drop") or []) + (data.get("join") or [])]
    cut = regex.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None
    drops = [str(p) for p in data.get("drop") or []]
    drop = regex.compile("|".join(f"(?:{p})" for p in drops)) if drops else None
    convert = data.get("convert") or None
    if convert:
        # the converter built with the rules (≈ 21 M instructions, once a process), as the first page
        # used to build it: now that a page without marks skips it, the first page to need it may come
        # anywhere in a run, and would pay for it there
        _converter(convert)
    return ReadingRules(convert=convert, cut=cut, drop=drop, marks=load_marks(convert))


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def convert_script(text: str, config: str | None) -> str:
    """Convert the script character for character (the length never changes).

    >>> convert_script("完成征收土地8272畝，簽約1326戶", "t2s")
    '完成征收土地8272亩，签约1326户'
    """
    if not config or not text:
        return text
    if _LAST[0] is text and _LAST[1] == config:
        return _LAST[2]  # the same text again (self-evaluation reads a page's cells apart)
    out = _convert(text, config)
    _LAST[:] = [text, config, out]
    return out


_LAST: list = [None, None, None]  # the last text converted (held, so its identity stays its own), config, result


def _convert(text: str, config: str) -> str:
    converter = _converter(config)
    out = converter.convert(text)
    if len(out) == len(text):
        return out
    # a phrase converted to a different length: fall back to one character at a time
    return "".join(c if len(c2 := converter.convert(c)) != 1 else c2 for c in text)


def read_text(text: str, rules: ReadingRules, join: bool = True) -> Reading:
    """The readable text of ``text`` and its offset map.

    >>> from pipeline.rules import load_rules
    >>> rules = load_rules().reading
    >>> read_text("39個(gè)重點(diǎn)項(xiàng)目", rules).text
    '39个重点项目'
    >>> r = read_text("本部门2019年人员编制 42人", rules)
    >>> r.text, r.to_original(12, 15)
    ('本部门2019年人员编制42人', (13, 16))
    >>> read_text("plain text 2024年", rules).origin is None
    True

    ``join=False`` converts and drops only (a table's cells, split by spaces, stay apart):

    >>> read_text("指標(biāo) 800篇 8", rules, join=False).text
    '指标 800篇 8'
    """
    marks = rules.marks
    # a page with no character the conversion needs comes out of it unchanged: not converted
    converted = text if marks is not None and marks.search(text) is None else convert_script(text, rules.convert)
    cut = rules.cut if join else rules.drop
    cuts = spans(cut, converted) if cut is not None else []  # cut.finditer's, asked only where one may start
    cuts = [(a, b) for a, b in cuts if b > a]
    if not cuts:
        return Reading(converted)
    pieces, runs, at, kept = [], [], 0, 0
    for a, b in cuts:
        pieces.append(converted[at:a])
        runs.append((kept, at, a - at))
        kept += a - at
        at = b
    pieces.append(converted[at:])
    runs.append((kept, at, len(converted) - at))
    return Reading("".join(pieces), Runs(runs))


def readable_document(document: Document, reading: Reading) -> Document:
    """The document with its readable text; table cells moved onto it."""
    if reading.text == document.text:
        return document
    if reading.origin is None or not document.tables:
        return replace(document, text=reading.text)
    to = reading.from_original
    tables = tuple(
        Table(to(t.start), to(t.end), tuple(tuple(Cell(to(c.start), to(c.end)) for c in row) for row in t.rows))
        for t in document.tables
    )
    return replace(document, text=reading.text, tables=tables)


def restore(facts: list[Fact], reading: Reading, original: str) -> list[Fact]:
    """Facts found in the readable text, with spans and quotes in the original text."""
    if reading.text == original:
        return facts
    to_original = _mover(reading)
    text = reading.text
    out = []
    for f in facts:
        start, end = to_original(f.start, f.end)
        quote = f.quote
        q_at = text.find(quote, max(0, f.end - len(quote)))
        if 0 <= q_at <= f.start:
            q_start, q_end = to_original(q_at, q_at + len(quote))
            quote = original[q_start:q_end]
        else:  # not found around the figure: the original text of the figure itself
            quote = original[start:end]
        # a funds row's part names its total by the total's start: moved with it. (Other parts keep
        # their readable-text group, as before: moving theirs too links lists that parts.py
        # over-collects — a false sum finding on tests/cases/real/batchC c005 — to be fixed there first.)
        group = to_original(f.group, f.group + 1)[0] \
            if getattr(f, "group", None) is not None and getattr(f, "rule_id", "") == FUND_ROW_RULE else None
        raw = original[start:end]
        if group is None and start == f.start and end == f.end and quote == f.quote and raw == f.raw:
            out.append(f)  # before the first dropped character nothing moves: no copy
        else:
            out.append(moved(f, start=start, end=end, quote=quote, raw=raw)
                       if group is None else moved(f, start=start, end=end, quote=quote, raw=raw, group=group))
    return out


def _mover(reading: Reading):
    """``reading.to_original`` as one function of (start, end): over ``Runs``, the run holding both
    ends (the usual span) found by one bisection and shifted by its offset, without the two method
    calls a span costs otherwise; anything else (an empty span, one out of range, two runs) as
    ``to_original`` says.

    >>> r = Reading("人员编制42人", Runs([(0, 0, 4), (4, 5, 3)]))
    >>> to = _mover(r)
    >>> [to(a, b) for a, b in [(0, 2), (4, 7), (3, 5), (7, 7), (2, 2)]]
    [(0, 2), (5, 8), (3, 6), (8, 8), (2, 2)]
    >>> [to(a, b) for a, b in [(0, 2), (4, 7), (3, 5), (7, 7), (2, 2)]] == [r.to_original(a, b) for a, b in [(0, 2), (4, 7), (3, 5), (7, 7), (2, 2)]]
    True
    """
    origin = reading.origin
    if type(origin) is not Runs:
        return reading.to_original
    slow = reading.to_original
    r, o, size = origin._r, origin._o, origin._len
    ends = [at + n for at, n in zip(r, origin._n)]  # where each run ends in the readable text

    def to(start: int, end: int) -> tuple[int, int]:
        if 0 <= start < end <= size:
            k = bisect_right(r, start) - 1
            if end <= ends[k]:
                shift = o[k] - r[k]
                return start + shift, end + shift
        return slow(start, end)
    return to
