"""How figures and metric names are shown to auditors (finding messages, reports)."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import yaml

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


def metric_name(metric: str, metrics: dict | None = None, names: dict[str, str] | None = None) -> str:
    """A metric's Chinese name: the first label labels.yaml gives it (``names``: the RuleSet's
    ``metric_names``; without it, the packaged labels), else its metrics.yaml ``zh``.

    >>> metric_name("staff.authorized")
    '编制数'
    >>> metric_name("projects.count")
    '项目个数'
    """
    return (_names() if names is None else names).get(metric) or ((metrics or {}).get(metric) or {}).get("zh", metric).split("/")[0].strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    from .resources import packaged_rules_dir

    data = yaml.safe_load((packaged_rules_dir() / "labels.yaml").read_text(encoding="utf-8")) or {}
    return {metric: str(labels[0]) for metric, labels in data.items() if labels}
