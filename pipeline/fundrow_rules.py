"""rules/fundrows.yaml, compiled: the row labels and column order of a self-evaluation table's
funds row. Loaded with the rest of the rules (pipeline/rules.py); read by
pipeline/extraction/fundrows.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex
import yaml


@dataclass(frozen=True)
class FundRows:
    """rules/fundrows.yaml, compiled."""

    label: regex.Pattern
    columns: tuple[str, ...]
    unit: str
    metric: str
    project_metric: str


def load_fundrows(directory: str | Path) -> FundRows | None:
    """Read ``fundrows.yaml`` of a rules folder (None when the folder has none)."""
    path = Path(directory) / "fundrows.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = sorted((str(w) for w in data.get("labels") or ()), key=len, reverse=True)
    label = regex.compile(r"(?:^|(?<=[\n|｜]))[ \t]*(?:" + "|".join(map(regex.escape, labels)) + r")[ \t]*[:：]?[ \t]*(?=[\n|｜ \t])")
    return FundRows(label, tuple(str(c) for c in data.get("columns") or ()), str(data.get("unit") or ""),
                    str(data["metric"]), str(data.get("project_metric") or data["metric"]))
