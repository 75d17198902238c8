"""A target or actual cell of an indicator table → comparator, value and unit.

``≥95%`` → (ge, 0.95, ratio); ``≤90万元`` → (le, 900000, yuan); ``不低于98%`` → (ge, 0.98, ratio);
``95%以上`` → (ge, 0.95, ratio); ``50个`` → (None, 50, item); ``达成预期指标`` → qualitative (value
None, the text kept). Values are in canonical units where units.yaml knows the unit (万元 → yuan),
else in the surface unit itself (天, 所 …), so two cells compare in the same unit or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

from ..groups import numbers
from ..memo import per_object
from ..normalize import Units, plain
from .vocab import IndicatorVocab

_NUMBER = regex.compile(r"^[ \t]*(?P<num>[-+]?[0-9０-９]+(?:[,，][0-9]{3})*(?:[.．][0-9０-９]+)?)[ \t]*(?P<unit>\S{0,6}?)[ \t]*$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")


@dataclass(frozen=True, slots=True)
class Measure:
    """A cell read as a comparison: ``value`` None when it states no single figure (qualitative)."""

    text: str
    op: str | None  # ge gt le lt eq, or None (no comparator stated)
    value: Decimal | None
    unit: str  # canonical (ratio, yuan, item …), a surface unit, or "" (a bare number)
    step: Decimal = Decimal(0)  # one unit of the last stated digit, in ``unit``

    @property
    def qualitative(self) -> bool:
        return self.value is None


def parse_measure(text: str, vocab: IndicatorVocab, units: Units | None, unit_cell: str = "",
                  nature: str = "") -> Measure:
    """Read a target or actual cell; ``unit_cell`` is the 度量单位 column, ``nature`` the 指标性质 one.

    >>> from pipeline.rules import load_rules
    >>> r = load_rules()
    >>> v, u = r.indicators, r.units
    >>> m = parse_measure("≥95%", v, u); (m.op, m.value, m.unit)
    ('ge', Decimal('0.95'), 'ratio')
    >>> m = parse_measure("≤90万元", v, u); (m.op, m.value, m.unit)
    ('le', Decimal('900000'), 'yuan')
    >>> m = parse_measure("不低于98%", v, u); (m.op, m.value, m.unit)
    ('ge', Decimal('0.98'), 'ratio')
    >>> m = parse_measure("1", v, u, unit_cell="次", nature="≥"); (m.op, m.value, m.unit)
    ('ge', Decimal('1'), 'item')
    >>> parse_measure("达成预期指标", v, u).qualitative
    True
    """
    raw = (text or "").strip()
    body = raw.translate(_FULLWIDTH).replace(" ", "")
    op = None
    if body.startswith(op_words(vocab.prefix_ops)):  # else no word of the loop's matches
        for word, o in vocab.prefix_ops:
            if body.startswith(word):
                op, body = o, body[len(word):]
                break
    if body.endswith(op_words(vocab.suffix_ops)):
        for word, o in vocab.suffix_ops:
            if body.endswith(word):
                op, body = op or o, body[: -len(word)]
                break
    if op is None and nature:
        op = _nature_op(nature, vocab)
    m = _NUMBER.match(body, None, None, False)
    if not m:
        return Measure(raw, op, None, "")
    num = m.group(_NUM)
    surface = m.group(_UNIT) or (unit_cell or "").strip().translate(_FULLWIDTH)
    surface = surface.strip("（）()")
    try:
        value = Decimal(num.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return Measure(raw, op, None, "")
    decimals = len(num.partition(".")[2])
    step = Decimal(1).scaleb(-decimals)
    if surface and not _is_unit(surface, vocab.unit_chars):
        return Measure(raw, op, None, "")  # a figure inside words (3天内完成审核, ≥360天服务读者): qualitative
    if vocab.date is not None and vocab.date.fullmatch(num + surface[:1], None, None, False) and len(surface) > 1:
        return Measure(raw, op, None, "")  # a year and words after it (2022年全年, 2021年底前): a date, qualitative
    unit = surface
    if surface in ("%", "％"):
        value, unit, step = value / 100, "ratio", step / 100
    elif surface and units is not None:
        canonical = units.lookup(surface)
        if canonical is not None:
            unit, factor = canonical[0], Decimal(str(canonical[1]))
            value, step = value * factor, step * factor
    return Measure(raw, op, plain(value), unit, plain(step))


_NUM, _UNIT = numbers(_NUMBER)["num"], numbers(_NUMBER)["unit"]  # read by number (pipeline/groups.py)
_UNIT_TEXT = regex.compile(r"^[\p{Han}%㎡a-zA-Z²³/]+$")


def _is_unit(surface: str, chars: int) -> bool:
    """A unit after a figure: a few letters (rules/indicators.yaml ``unit_chars``); more are words."""
    return len(surface) <= chars and bool(_UNIT_TEXT.match(surface, None, None, False))


def _nature_op(nature: str, vocab: IndicatorVocab) -> str | None:
    text = nature.strip().translate(_FULLWIDTH).replace(" ", "")
    for word, o in vocab.prefix_ops:
        if text == word or text.startswith(word):
            return o
    for word, o in vocab.suffix_ops:
        if text == word:
            return o
    return None


def is_comparator(cell: str, vocab: IndicatorVocab) -> bool:
    """A cell holding only a comparator (the 指标性质 column: ≥, =, ≤, 正向指标)."""
    text = (cell or "").strip().replace(" ", "")
    return bool(text) and (text in _comparators(vocab) or text in vocab.natures)


@per_object()  # by identity: the vocabulary's tuple, not hashed word by word on every cell
def op_words(ops: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The comparators' words, in order (one ``startswith``/``endswith``/``in`` a cell, not one a word)."""
    return tuple(w for w, _ in ops)


@per_object()
def _comparators(vocab: IndicatorVocab) -> frozenset[str]:
    """Every comparator word, prefix or suffix (one set lookup a cell, not one comparison a word)."""
    return frozenset(w for w, _ in vocab.prefix_ops + vocab.suffix_ops)


def plain_number(cell: str, points: tuple[str, ...] = ()) -> Decimal | None:
    """A weight or score cell: a bare number (8, 9.5), or one with a points word (10分, ``points``:
    rules/indicators.yaml), else None.

    >>> plain_number("9.5"), plain_number("10分", ("分",)), plain_number("≥50个")
    (Decimal('9.5'), Decimal('10'), None)
    """
    text = (cell or "").strip()
    if text[:1] not in _DIGITS:  # (an empty cell too) the figure opens the cell: no translating a cell of words
        return None
    text = text.translate(_FULLWIDTH)
    for word in points:
        if text.endswith(word):
            text = text[: -len(word)].rstrip()
            break
    m = _PLAIN.fullmatch(text, None, None, False)
    return Decimal(m.group(1)) if m else None


_PLAIN = regex.compile(r"([0-9]+(?:\.[0-9]+)?)")
_DIGITS = frozenset("0123456789０１２３４５６７８９")  # what a plain number's first character reads as a digit from


def missed(target: Measure, actual: Measure, vocab: IndicatorVocab) -> bool | None:
    """Whether an actual misses its target: None when they cannot be compared (qualitative, no
    comparator to go by, or not in the same unit).

    >>> from pipeline.rules import load_rules
    >>> r = load_rules(); v, u = r.indicators, r.units
    >>> missed(parse_measure("≥95%", v, u), parse_measure("93%", v, u), v)
    True
    >>> missed(parse_measure("≤90万元", v, u), parse_measure("92万元", v, u), v)
    True
    >>> missed(parse_measure("≥95%", v, u), parse_measure("98%", v, u), v)
    False
    >>> missed(parse_measure("效果明显", v, u), parse_measure("效果明显", v, u), v) is None
    True
    """
    if target.qualitative or actual.qualitative:
        return None
    t_unit, a_unit = target.unit, actual.unit
    if t_unit != a_unit and "" not in (t_unit, a_unit):
        return None
    op = target.op
    if op is None:
        if (t_unit or a_unit) in vocab.implicit_skip_units:
            return None
        op = vocab.implicit_op
    if op is None:
        return None
    t, a = target.value, actual.value
    if t_unit != a_unit:  # one side bare (≥50个 | 50): read it in the other side's unit
        unit = t_unit or a_unit
        if unit == "ratio":  # a bare 93 beside ≥95%: a percentage
            t, a = (t / 100 if not t_unit else t), (a / 100 if not a_unit else a)
        elif unit in vocab.implicit_skip_units:
            return None  # 90 beside ≤90万元: the factor is not known
    return {"ge": a < t, "gt": a <= t, "le": a > t, "lt": a >= t, "eq": a != t}[op]
