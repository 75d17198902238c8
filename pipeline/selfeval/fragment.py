"""A table fragment a page cut below its header and ran together (产出指标数量指标足额保障率=100% 22.5
科目调整次数≤10次 22.5 时效指标按时发放率=100% 22.5 …): each row its level names where they change,
its name and its target with nothing between them, then a space and its weight.

Read only where no other layout gave a row, and only a run of such rows (two at least, a level name
among them). A row is found at its target — a comparator (rules/indicators.yaml ``comparators``),
a figure and its unit, then a blank and the weight — so the text is searched for the comparators'
literal words, never scanned character by character; the name is the words back to the blank before.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from ..groups import numbers
from ..holding import least_once
from ..model import Indicator
from ..normalize import Units
from .rows import Carry, RawRow, Tok, to_indicator
from .vocab import IndicatorVocab

_MIN_ROWS = 2  # rows a fragment holds at least
_NAME_LIMIT = 60  # characters a row's names hold at most (level names included)
_NAME = regex.compile(r"[^\s0-9]*\p{Han}[^\s0-9]*$")  # a row's words: no figure, no blank


def fragment_rows(doc: str, text: str, vocab: IndicatorVocab, units: Units | None) -> list[Indicator]:
    """The rows of every headerless run-on fragment of ``text``."""
    pattern = _pattern(vocab)
    if pattern is None or vocab.run_on_levels is None or not any(w in text for w in least_once(_marks(vocab.prefix_ops))):
        return []  # a row is found at its comparator's mark: the pattern tries every position, only where one stands
    runs: list[list[tuple[int, regex.Match]]] = []
    for m in pattern.finditer(text, None, None, False, False):
        back = text.rfind(" ", max(0, m.start() - _NAME_LIMIT), m.start())
        line = max(text.rfind("\n", 0, m.start()), text.rfind("\t", 0, m.start()))
        start = max(back, line) + 1
        if start >= m.start() or not _NAME.match(text, start, m.start(), False):
            continue
        if runs and runs[-1][-1][1].end() == start - 1:
            runs[-1].append((start, m))
        else:
            runs.append([(start, m)])
    out: list[Indicator] = []
    for run in runs:
        rows = [_split(text, start, m, vocab) for start, m in run]
        if len(rows) < _MIN_ROWS or not any(levels for levels, _, _ in rows):
            continue
        carry = Carry()
        for levels, name, m in rows:
            target, weight = numbers(m.re)["target"], numbers(m.re)["weight"]
            cells = {"level3": name, "target": Tok(m.group(target), *m.span(target)),
                     "weight": Tok(m.group(weight), *m.span(weight))}
            x = to_indicator(doc, 0, RawRow(cells, levels), [], text, "runon", carry, vocab, units)
            if x is not None:
                out.append(x)
    return out


def _split(text: str, start: int, m: regex.Match, vocab: IndicatorVocab) -> tuple[list[Tok], Tok, regex.Match]:
    """A row's words → its level names (those it opens with) and its name."""
    levels: list[Tok] = []
    at = start
    while True:
        level = vocab.run_on_levels.match(text, at, m.start(), False)
        if level is None or level.end() >= m.start():
            break
        levels.append(Tok(level.group(), level.start(), level.end()))
        at = level.end()
    return levels, Tok(text[at:m.start()], at, m.start()), m


def _pattern(vocab: IndicatorVocab) -> regex.Pattern | None:
    return _compiled(vocab.prefix_ops)


@lru_cache(maxsize=8)
def _marks(prefix_ops: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The comparators that are marks (≥ = <=), not words (不低于)."""
    return tuple(w for w, _ in prefix_ops if not any(c.isalpha() for c in w))


@lru_cache(maxsize=8)
def _compiled(prefix_ops: tuple[tuple[str, str], ...]) -> regex.Pattern | None:
    ops = _marks(prefix_ops)
    if not ops:
        return None
    return regex.compile(r"(?P<target>(?:" + "|".join(map(regex.escape, ops)) + r")[0-9]+(?:\.[0-9]+)?"
                         r"[%％\p{Han}]{0,4})[ \t]+(?P<weight>[0-9]+(?:\.[0-9]+)?)(?=\s|$)")
