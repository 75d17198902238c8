"""A funds row whose cells the page printed with nothing between them (an OCR'd or dumped form:
年度资金总额 … 64.864.864.8100% for 64.8 | 64.8 | 64.8 | 100%): the one way to cut the run of digits
into the row's columns that the figures themselves confirm.

A cut is a reading of a column order (a layout of rules/fundrows.yaml) where every piece is a
plain figure (no leading zero, at most ``_DECIMALS`` decimals), the rate piece is the only one
with a % (a bare rate is a percentage or a fraction), the weight is a whole number of points, the
score is within the weight, and the rate is the actual over the adjusted budget (the budget where
the layout has no adjusted column) to its printed precision. A run with no such cut, or with
more than one, is not read.

>>> unglue("64.864.864.8100%", [("budget", "adjusted", "actual", "rate", "weight", "score")])
(('budget', 'adjusted', 'actual', 'rate'), ('64.8', '64.8', '64.8', '100%'))
>>> unglue("1.561.56120", [("adjusted", "actual", "rate", "score")])
(('adjusted', 'actual', 'rate', 'score'), ('1.56', '1.56', '1', '20'))
>>> unglue("12345", [("adjusted", "actual", "rate")]) is None
True
"""
from __future__ import annotations

from decimal import Decimal

import regex

_DECIMALS = 2  # a glued money cell has at most this many decimals (more make the cut ambiguous)
_PIECE = regex.compile(rf"(?:0|[1-9][0-9]*)(?:\.[0-9]{{1,{_DECIMALS}}})?%?")
_MAX_RUN = 40  # a longer run of digits is not a row's cells
_FULL_MARKS = 100


def unglue(run: str, layouts) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The columns and pieces of the one cut of ``run`` the first layout that has any allows."""
    if len(run) > _MAX_RUN:
        return None
    for layout in layouts:
        if "rate" not in layout:
            continue
        least = layout.index("rate") + 1
        cuts = [(layout[:len(pieces)], pieces) for n in range(least, len(layout) + 1)
                for pieces in _cuts(run, n) if _confirmed(dict(zip(layout, pieces)))]
        if len(cuts) == 1:
            return cuts[0]
        if cuts:
            return None  # more than one reading: read nothing rather than guess
    return None


def _cuts(run: str, n: int):
    """Every way to cut ``run`` into ``n`` plain figures (which one carries the %, ``_confirmed`` checks)."""
    if n == 1:
        if _PIECE.fullmatch(run):
            yield (run,)
        return
    for m in _prefixes(run):
        for rest in _cuts(run[m:], n - 1):
            yield (run[:m],) + rest


def _prefixes(run: str):
    for end in range(1, len(run)):
        if _PIECE.fullmatch(run, 0, end, False):
            yield end


def _confirmed(row: dict) -> bool:
    """The pieces read in their columns agree with one another (see the module's docstring)."""
    percents = [c for c, p in row.items() if p.endswith("%")]
    if percents not in ([], ["rate"]):
        return False
    values = {c: Decimal(p.rstrip("%")) for c, p in row.items()}
    weight, score = values.get("weight"), values.get("score")
    if weight is not None and (weight != weight.to_integral_value() or not 0 < weight <= _FULL_MARKS):
        return False
    if score is not None and score > (weight if weight is not None else _FULL_MARKS):
        return False
    base = values.get("adjusted", values.get("budget"))
    actual, rate = values.get("actual"), values["rate"]
    if not base or actual is None:
        return False
    digits = row["rate"].rstrip("%")
    step = Decimal(1).scaleb(-len(digits.split(".")[1]) if "." in digits else 0)
    ratio = actual / base * 100
    if abs(ratio - rate) <= step / 2:
        return True
    # a bare rate of at most 1 is a fraction (0.98, 1), confirmed to half a point at most
    return not row["rate"].endswith("%") and rate <= 1 and abs(ratio - rate * 100) <= min(step * 50, _HALF_POINT)


_HALF_POINT = Decimal("0.5")
