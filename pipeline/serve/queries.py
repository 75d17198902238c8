"""The read queries of the review pages. Every value from a request goes in as a parameter (``?``);
no SQL text is ever built from a request. Filtering by status happens in Python (the status
lives in the decision file, not in the database)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from ..formatting import metric_name, show
from ..indicator_rows import indicator_rows
from ..report import Evidence, decimal_or_none, highlight

_UNIT_KEY = "coalesce(d.unit_key, d.unit, 'doc:' || a.doc)"


@dataclass(frozen=True)
class FindingRow:
    """A finding as the list shows it."""

    id: str
    check: str
    severity: str
    doc: str
    unit: str | None  # the unit's name; None when the report names none
    unit_key: str
    year: int | None
    metrics: tuple[str, ...]
    stated: Decimal | None
    expected: Decimal | None
    message: str
    rule_id: str


@dataclass(frozen=True)
class DocText:
    """A report with its text."""

    doc: str
    path: str | None
    sha256: str | None
    unit: str | None
    unit_key: str
    year: int | None
    report_type: str | None
    format: str | None
    text: str


@dataclass(frozen=True)
class FactMark:
    """A fact shown on the report page (hover: metric, value, basis, rule)."""

    metric: str
    name: str
    kind: str
    shown: str
    basis: str | None
    rule_id: str
    raw: str


@dataclass(frozen=True)
class QuantityMark:
    """A figure with a domain unit that no rule or cue classified."""

    shown: str
    raw: str


def findings(con: duckdb.DuckDBPyConnection) -> list[FindingRow]:
    """Every finding, errors first, then by unit, year and report."""
    rows = con.execute(
        f'SELECT a.id, a."check", a.severity, a.doc, coalesce(d.unit, a.unit), {_UNIT_KEY}, a.year, a.metrics, '
        "a.stated, a.expected, a.message, a.rule_id "
        "FROM audit_findings a LEFT JOIN documents d USING (doc) "
        "ORDER BY CASE a.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, "
        f'{_UNIT_KEY}, a.year NULLS LAST, a.doc, a."check", a.message, a.id'
    ).fetchall()
    return [FindingRow(r[0], r[1] or "", r[2] or "", r[3], r[4], r[5], r[6], tuple(r[7] or ()), decimal_or_none(r[8]),
                       decimal_or_none(r[9]), r[10] or "", r[11] or "") for r in rows]


def evidence(con: duckdb.DuckDBPyConnection, finding_id: str, metrics: dict, names: dict) -> list[Evidence]:
    """The evidence of one finding, as the report's evidence cards show it (one card per span)."""
    rows = con.execute(
        'SELECT e.doc, e.metric, e.value, e.quote, e.start, e."end", f.raw, f.section, f.rule_id, f.unit, d.text '
        "FROM finding_evidence e LEFT JOIN facts f ON f.id = e.fact_id LEFT JOIN documents d ON d.doc = e.doc "
        "WHERE e.finding_id = ? ORDER BY e.position", [finding_id]).fetchall()
    out: list[Evidence] = []
    for doc, metric, value, quote, start, end, raw, section, rule_id, unit, text in rows:
        unit = unit or (metrics.get(metric) or {}).get("unit", "")
        name = metric_name(metric, metrics, names)
        same = next((i for i, e in enumerate(out) if (e.doc, e.start, e.end) == (doc, start, end)), None)
        if same is not None:
            e = out[same]
            if name not in e.metrics:
                out[same] = Evidence(e.doc, e.metrics + (name,), e.shown, e.section, e.rule_id, e.start, e.end, e.quote)
            continue
        out.append(Evidence(doc=doc, metrics=(name,), shown=show(decimal_or_none(value), unit), section=section or "",
                            rule_id=rule_id or "", start=start, end=end,
                            quote=highlight(text, quote or "", start, end, raw)))
    return out


@dataclass(frozen=True)
class IndicatorRow:
    """One row of a report's self-evaluation table (the indicators table), flagged when a `score`
    finding rests on it."""

    level1: str | None
    level2: str | None
    level3: str | None
    target: str | None
    actual: str | None
    weight: str  # shown ("" when the row gives none)
    score: str
    start: int | None
    flagged: bool


@dataclass(frozen=True)
class SelfEvaluation:
    """A report's self-evaluation: its execution rate, total score, grade and indicator rows."""

    execution_rate: str  # shown (97.6%), "" when not stated
    total_score: str
    grade: str | None
    rows: tuple[IndicatorRow, ...]


def self_evaluation(con: duckdb.DuckDBPyConnection, doc: str) -> SelfEvaluation | None:
    """The self-evaluation of one report (the self_evaluation view and its indicators), or None."""
    head = con.execute("SELECT execution_rate, total_score, grade FROM self_evaluation WHERE doc = ?", [doc]).fetchone()
    if head is None:
        return None
    flagged = set(con.execute(
        'SELECT e.start, e."end" FROM audit_findings a JOIN finding_evidence e ON e.finding_id = a.id '
        "WHERE a.doc = ? AND a.\"check\" = 'score' AND e.doc = ?", [doc, doc]).fetchall())
    def shown(value, unit: str = "") -> str:
        return show(decimal_or_none(value), unit) if value is not None else ""

    rows = indicator_rows(con, [doc]).get(doc, [])
    return SelfEvaluation(shown(head[0], "ratio"), shown(head[1], "point"), head[2], tuple(
        IndicatorRow(x.level1, x.level2, x.level3, x.target_text, x.actual_text, shown(x.weight), shown(x.score),
                     x.start, (x.start, x.end) in flagged) for x in rows))


def document(con: duckdb.DuckDBPyConnection, doc: str) -> DocText | None:
    """One report with its text, or None."""
    row = con.execute(
        "SELECT d.doc, d.path, d.sha256, d.unit, coalesce(d.unit_key, d.unit, 'doc:' || d.doc), d.year, "
        "d.report_type, d.format, d.text FROM documents d WHERE d.doc = ?", [doc]).fetchone()
    return DocText(*row[:8], row[8] or "") if row else None


def fact_marks(con: duckdb.DuckDBPyConnection, doc: str, metrics: dict, names: dict) -> list[tuple[int, int, FactMark]]:
    """(start, end, mark) of every fact of one report, in text order."""
    rows = con.execute(
        'SELECT start, "end", metric, kind, value, unit, basis, rule_id, raw FROM facts WHERE doc = ? '
        "ORDER BY start, kind, metric", [doc]).fetchall()
    return [(start, end, FactMark(metric, metric_name(metric, metrics, names), kind or "", show(decimal_or_none(value), unit or ""),
                                  basis, rule_id or "", raw or ""))
            for start, end, metric, kind, value, unit, basis, rule_id, raw in rows]


def unattributed_marks(con: duckdb.DuckDBPyConnection, doc: str) -> list[tuple[int, int, QuantityMark]]:
    """(start, end, mark) of the figures of one report that no rule or cue classified."""
    rows = con.execute('SELECT start, "end", value, unit, raw FROM quantities WHERE doc = ? AND metric IS NULL '
                       "ORDER BY start", [doc]).fetchall()
    return [(start, end, QuantityMark(show(decimal_or_none(value), unit or ""), raw or "")) for start, end, value, unit, raw in rows]


@dataclass
class FigureRow:
    """One metric and basis of a unit, across years: year → values (more than one: they differ)."""

    metric: str
    name: str
    basis: str
    cells: dict


def unit_figures(con: duckdb.DuckDBPyConnection, unit_key: str, metrics: dict, names: dict
                 ) -> tuple[str | None, list[int | None], list[FigureRow], list[tuple[int | None, str]]]:
    """A unit's name, its years, its figures by year (metric_values) and its reports (year, doc)."""
    docs = con.execute(
        "SELECT year, doc, unit FROM reports WHERE unit_key = ? ORDER BY year NULLS LAST, doc", [unit_key]).fetchall()
    rows = con.execute(
        "SELECT metric, basis, year, stated_values, unit_of_measure, agree FROM metric_values WHERE unit_key = ? "
        "ORDER BY metric, basis, year", [unit_key]).fetchall()
    order = {m: i for i, m in enumerate(metrics)}
    table: dict[tuple[str, str], FigureRow] = {}
    years = {d[0] for d in docs}
    for metric, basis, year, values, unit, agree in rows:
        row = table.setdefault((metric, basis), FigureRow(metric, metric_name(metric, metrics, names), basis, {}))
        row.cells[year] = [show(decimal_or_none(v), unit or "") for v in (values or ())]
        years.add(year)
    name = next((d[2] for d in docs if d[2]), None)
    ordered = sorted(table.values(), key=lambda r: (order.get(r.metric, len(order)), r.metric, r.basis))
    return name, sorted(years, key=lambda y: (y is None, y or 0)), ordered, [(d[0], d[1]) for d in docs]


def evidence_docs(con: duckdb.DuckDBPyConnection, finding_id: str) -> list[str]:
    """The reports a finding's evidence is in, in evidence order."""
    rows = con.execute("SELECT doc, min(position) AS p FROM finding_evidence WHERE finding_id = ? GROUP BY doc "
                       "ORDER BY p", [finding_id]).fetchall()
    return [r[0] for r in rows]


def evidence_spans(con: duckdb.DuckDBPyConnection, finding_id: str) -> dict[str, list[tuple[int, int, int]]]:
    """doc → (start, end, position) of each evidence figure of one finding."""
    out: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for doc, start, end, position in con.execute(
            'SELECT doc, start, "end", position FROM finding_evidence WHERE finding_id = ? ORDER BY position',
            [finding_id]).fetchall():
        out[doc].append((start, end, position))
    return out
