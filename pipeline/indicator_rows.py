"""Indicator rows read back from the database (table ``indicators``) as model.Indicator: the checks
and the report read them the same way."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from .model import Indicator
from .normalize import decimal_text

_COLUMNS = ("doc", "position", "block", "level1", "level2", "level3", "target_text", "target_op", "target_value",
            "target_unit", "actual_text", "actual_value", "actual_unit", "weight", "score", "note", "quote", "start",
            '"end"', "layout")
_NUMBERS = {"target_value", "actual_value", "weight", "score"}
_SELECT = ", ".join(f"CAST({c} AS VARCHAR)" if c in _NUMBERS else c for c in _COLUMNS)


def _number(text: str | None) -> Decimal | None:
    return None if text is None else decimal_text(text)


def indicator_rows(con, docs: list[str] | None = None) -> dict[str, list[Indicator]]:
    """doc → its indicator rows in order; every report's, or those of ``docs``."""
    sql = f"SELECT {_SELECT} FROM indicators"
    params: list = []
    if docs is not None:
        sql += " WHERE doc IN (SELECT UNNEST(?::VARCHAR[]))"
        params = [list(docs)]
    out: dict[str, list[Indicator]] = defaultdict(list)
    for r in con.execute(sql + " ORDER BY doc, position", params).fetchall():
        out[r[0]].append(Indicator(r[0], r[1], r[2], r[3] or "", r[4] or "", r[5] or "", r[6] or "", r[7],
                                   _number(r[8]), r[9] or "", r[10] or "", _number(r[11]), r[12] or "",
                                   _number(r[13]), _number(r[14]), r[15] or "", r[16] or "", r[17], r[18], r[19] or ""))
    return out
