"""How figures and metric names are shown to auditors (finding messages, reports)."""
from __future__ import annotations

from decimal import Decimal

_UNIT_ZH = {"person": "人", "household": "户", "building": "栋", "item": "个", "mu": "亩", "sqm": "平方米"}


def show(value: Decimal | float | int | None, unit: str) -> str:
    """A value in the unit a report would use.

    >>> show(Decimal("3752300"), "yuan")
    '375.23万元'
    >>> show(Decimal("900"), "yuan")
    '900元'
    >>> show(Decimal("0.4981"), "ratio")
    '49.81%'
    >>> show(Decimal("40"), "person")
    '40人'
    >>> show(Decimal("135000000"), "yuan")
    '1.35亿元'
    """
    if value is None:
        return "—"
    value = Decimal(str(value))
    if unit == "yuan":
        if abs(value) >= Decimal(100_000_000):
            return f"{_trim(value / Decimal(100_000_000), 4)}亿元"
        if abs(value) >= Decimal(10_000):
            return f"{_trim(value / Decimal(10_000), 4)}万元"
        return f"{_trim(value, 2)}元"
    if unit == "ratio":
        return f"{_trim(value * 100, 2)}%"
    return f"{_trim(value, 2)}{_UNIT_ZH.get(unit, '')}"


def _trim(value: Decimal, places: int) -> str:
    text = f"{value:.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def metric_name(metric: str, metrics: dict) -> str:
    """The first Chinese name metrics.yaml gives a metric.

    >>> metric_name("staff.authorized", {"staff.authorized": {"zh": "编制数 / 核定编制"}})
    '编制数'
    """
    zh = (metrics.get(metric) or {}).get("zh") or metric
    return zh.split("/")[0].strip()
