"""An indicator stated in a sentence: ``…指标值≥95%，实际完成98%，得10分`` — its name (the words
before the target word in the clause), target, actual and score. Read only when the report has no
indicator table. Words: rules/indicators.yaml ``prose``.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import regex

from ..holding import least_once
from ..model import Indicator, IndicatorCell
from ..normalize import Units
from .measure import parse_measure
from .vocab import IndicatorVocab

_FIGURE = r"[^，,；;。\s]{1,20}"
_SENTENCE = regex.compile(r"[^。；;\n]+")


def _pattern(vocab: IndicatorVocab) -> regex.Pattern | None:
    return _compiled(vocab.prose_target, vocab.prose_actual, vocab.prose_score, vocab.links)


@lru_cache(maxsize=8)
def _compiled(target: tuple[str, ...], actual: tuple[str, ...], score: tuple[str, ...], links: str) -> regex.Pattern | None:
    if not (target and actual and score and links):
        return None
    alt = lambda words: "|".join(map(regex.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
    return regex.compile(
        r"(?P<name>[^，,；;。\s]{2,30}?)(?:" + alt(target) + r")[" + links + r"]?(?P<target>" + _FIGURE + r")"
        r"[，,]\s*(?:" + alt(actual) + r")[" + links + r"]?(?P<actual>" + _FIGURE + r")"
        r"[，,]\s*(?:" + alt(score) + r")(?P<score>[0-9]+(?:\.[0-9]+)?)")


def prose_indicators(doc: str, text: str, vocab: IndicatorVocab, units: Units | None) -> list[Indicator]:
    """Indicators stated in sentences (layout ``prose``; no weight: a sentence rarely gives it)."""
    pattern = _pattern(vocab)
    if pattern is None or not any(w in text for w in least_once(vocab.prose_target)) \
            or not any(w in text for w in least_once(vocab.prose_score)):
        return []  # the pattern tries every position: only where its words stand
    out = []
    for m in pattern.finditer(text, None, None, False, False):
        target = parse_measure(m.group("target"), vocab, units)
        actual = parse_measure(m.group("actual"), vocab, units)
        cells = tuple(IndicatorCell(role, m.start(role), m.end(role)) for role in ("target", "actual", "score"))
        out.append(Indicator(
            doc=doc, position=0, block=None, level1="", level2="", level3=m.group("name"),
            target_text=target.text, target_op=target.op, target_value=target.value, target_unit=target.unit,
            actual_text=actual.text, actual_value=actual.value, actual_unit=actual.unit,
            weight=None, score=Decimal(m.group("score")), note="", quote=m.group(), start=m.start(), end=m.end(),
            layout="prose", cells=cells))
    return out
