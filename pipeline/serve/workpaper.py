"""The reviewed findings as an Excel working paper (审核底稿): one row per finding with its
unit, year, report, evidence quotes and the decision (status, reason, note, reviewer, time).

Cells are written as the report's workbook writes them (pipeline/report.py ``_sheet``): report
text stays text, even when it starts with ``=``.
"""
from __future__ import annotations

import io

from ..formatting import show
from ..report import _sheet

WORKPAPER_NAME = "jixiao_workpaper.xlsx"


def _shown(value, metrics: dict, metric_list) -> str:
    if value is None:
        return ""
    unit = (metrics.get(metric_list[0]) or {}).get("unit", "") if metric_list else ""
    return show(value, unit)


def workpaper(findings, evidence: dict, labels: dict, metrics: dict) -> bytes:
    """The workbook's bytes: ``findings`` (app.ListedFinding), ``evidence`` (finding id → report.Evidence)."""
    from openpyxl import Workbook

    review = labels["review"]
    wb = Workbook()
    wb.remove(wb.active)
    rows = []
    for f in findings:
        r, d = f.row, f.review.decision
        quotes = []
        for i, e in enumerate(evidence.get(r.id, ()), start=1):
            q = e.quote
            text = f"{q.before}【{q.figure}】{q.after}" if q.figure else q.before
            quotes.append(f"{i}. {text}（{e.doc}）")
        decided = d is not None and d.action != "reset"
        notes = "\n".join(f"{n.reviewer} {n.decided_at}：{n.comment}" for n in f.review.notes)
        rows.append([
            f.key, r.unit or labels["unknown_unit"], r.year, r.doc, labels["check"].get(r.check, r.check),
            labels["severity"].get(r.severity, r.severity), r.message, _shown(r.stated, metrics, r.metrics),
            _shown(r.expected, metrics, r.metrics), "\n".join(quotes), review["status"][f.review.status],
            review["action"].get(d.action, d.action) if decided else "",
            review["reasons"].get(d.reason, d.reason or "") if decided and d.reason else "",
            (d.comment or "") if decided else "", notes, d.reviewer if decided else "",
            d.decided_at.replace("T", " ") if decided else "",
        ])
    columns = review["workpaper"]["columns"]
    wrapped = {columns[i] for i in (6, 9, 13, 14)}  # finding, evidence quotes, comment, notes
    _sheet(wb, review["workpaper"]["sheet"], columns, rows, wrap=wrapped)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
