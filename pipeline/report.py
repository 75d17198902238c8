"""Findings + facts → the audit report: static HTML pages and an Excel workbook.

``write_report(con, out_dir)`` reads the database (read-only is enough) and writes

- ``index.html``: units × years (reports, findings by severity), every finding, the files that
  could not be read;
- ``unit-<slug>.html`` per unit: its figures by year (metrics as rows, budget and actual apart,
  a marker where statements disagree), then each finding with its evidence — the quoted
  sentences side by side, the figure marked at its exact span, file, section and rule id;
- ``jixiao_report.xlsx``: sheets 事实, 问题, 对比 (money in 万元), 绩效指标, 无法读取.

Everything shown comes from the reports and is data, never markup: the templates are rendered
with autoescape always on, and a workbook cell that starts with ``=`` stays a string. The
words the report shows live in ``templates/labels.yaml``; this module holds none.

The report is built in two steps: :func:`collect` turns the database into plain view objects
(:class:`Report`), then :func:`write_html` and :func:`write_xlsx` render them.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import duckdb
import jinja2
import yaml

from .errors import JixiaoError
from .formatting import metric_name, show
from .indicator_rows import indicator_rows
from .model import Indicator
from .resources import TEMPLATES_DIR
from .rules import RuleSet, load_rules

TEMPLATES = TEMPLATES_DIR
XLSX_NAME = "jixiao_report.xlsx"
SEVERITIES = ("error", "warning", "info")
WAN = Decimal(10_000)
ALL_YEARS = object()


class ReportError(JixiaoError):
    """The report could not be written: not a jixiao database, or the folder is not writable."""


@dataclass(frozen=True)
class ReportPaths:
    """The files one report consists of."""

    out_dir: Path
    index: Path
    units: tuple[Path, ...]
    xlsx: Path


# view objects ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocRow:
    """A report as the overview lists it."""

    doc: str
    path: str | None
    unit: str | None
    unit_key: str | None
    year: int | None
    report_type: str | None
    format: str | None
    chars: int | None
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class FactRow:
    """A fact with the year it speaks of (its own ``period`` if a level states one, else its report's)."""

    id: str
    doc: str
    metric: str
    value: Decimal | None
    unit: str
    kind: str
    approx: bool
    basis: str | None
    qualifier: str | None
    period: int | None
    raw: str
    quote: str
    start: int
    end: int
    rule_id: str | None
    section: str
    year: int | None
    ocr_confidence: float | None = None  # read by OCR from a scan: the engine's confidence


@dataclass(frozen=True)
class Highlight:
    """A quote cut around its figure: ``before + figure + after == quote``.

    ``exact`` is False when the quote could not be placed in the document text and the figure
    was found by its text instead (or not at all: then ``figure`` is empty).
    """

    before: str
    figure: str
    after: str
    exact: bool


@dataclass(frozen=True)
class Evidence:
    """One quoted statement a finding rests on."""

    doc: str
    metrics: tuple[str, ...]  # metric names (a span can stand for several metrics)
    shown: str
    section: str
    rule_id: str
    start: int
    end: int
    quote: Highlight


@dataclass
class FindingView:
    """A finding as the report shows it; ``number`` (F1, F2 …) is the same in HTML and Excel."""

    id: str
    number: str
    check: str
    check_label: str
    severity: str
    severity_label: str
    doc: str
    year: int | None
    metrics: tuple[str, ...]
    metric_names: tuple[str, ...]
    message: str
    stated: str
    expected: str
    rule_id: str
    evidence: list[Evidence]
    fact_ids: frozenset[str]
    unit_key: str = ""
    unit_name: str = ""
    unit_slug: str = ""
    review_status: str = ""  # new / confirmed / dismissed / recheck, when a decision file exists
    review_note: str = ""  # the decision's reviewer, time and reason, as one line


@dataclass(frozen=True)
class CellValue:
    """One distinct value in a comparison cell, with where it was stated."""

    value: Decimal
    shown: str
    approx: bool
    sources: tuple[str, ...]  # "file · section · 原文"
    doubtful: bool = False  # some statement of it was read by OCR with low confidence (rules/checks.yaml ocr)


@dataclass
class Cell:
    """The values of one metric in one year; ``multi`` when they differ."""

    values: list[CellValue] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)

    @property
    def multi(self) -> bool:
        """More than one distinct value."""
        return len({v.value for v in self.values}) > 1

    @property
    def flagged(self) -> bool:
        """A finding (other than an info note) rests on a statement in this cell."""
        return any(f.severity != "info" for f in self.findings)


@dataclass
class Row:
    """A metric (with its basis and qualifier) across years."""

    metric: str
    name: str
    basis: str | None
    basis_label: str
    qualifier: str | None
    unit: str
    cells: dict[int | None, Cell]


@dataclass
class IndicatorView:
    """One row of a report's self-evaluation table; ``findings``: the score findings naming it."""

    row: Indicator
    findings: list[FindingView] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """A score finding names this row."""
        return bool(self.findings)


@dataclass
class SelfEvalView:
    """A report's self-evaluation (view ``self_evaluation``) and its indicator rows."""

    doc: str
    year: int | None
    execution_rate: Decimal | None
    total_score: Decimal | None
    grade: str | None
    indicators: list[IndicatorView] = field(default_factory=list)

    @property
    def execution_shown(self) -> str:
        """The execution rate as a percentage (102.59%), or empty."""
        return show(self.execution_rate, "ratio") if self.execution_rate is not None else ""

    @property
    def flagged_count(self) -> int:
        return sum(1 for x in self.indicators if x.flagged)


@dataclass
class UnitView:
    """A budget unit; a report whose unit is unknown is a unit of its own."""

    key: str
    name: str
    identified: bool
    slug: str = ""
    docs: list[DocRow] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    years: list[int | None] = field(default_factory=list)
    self_evaluations: list[SelfEvalView] = field(default_factory=list)

    @property
    def page(self) -> str:
        """File name of the unit's page."""
        return f"unit-{self.slug}.html"

    def counts(self, year: int | None | object = ALL_YEARS) -> dict[str, int]:
        """Findings by severity (of one year, or of all years)."""
        out = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            if year is ALL_YEARS or f.year == year:
                out[f.severity] = out.get(f.severity, 0) + 1
        return out

    def docs_of(self, year: int | None) -> list[DocRow]:
        """The unit's reports of one year."""
        return [d for d in self.docs if d.year == year]


@dataclass(frozen=True)
class ErrorRow:
    """A file that could not be read."""

    doc: str | None
    path: str | None
    stage: str | None
    code: str | None
    message: str | None
    recorded_at: datetime | None


@dataclass
class Report:
    """Everything the report shows."""

    units: list[UnitView]
    years: list[int | None]
    findings: list[FindingView]
    facts: list[FactRow]
    errors: list[ErrorRow]
    labels: dict
    metrics: dict
    generated_from: str  # the database file name
    last_run: str | None  # when the last run finished (UTC)
    names: dict = field(default_factory=dict)  # metric → Chinese name (the RuleSet's labels.yaml)
    runs: list[RunRow] = field(default_factory=list)  # every run, oldest first, with the rules it read with
    self_evaluations: list[SelfEvalView] = field(default_factory=list)  # every report's, by doc

    @property
    def rules(self) -> RunRow | None:
        """The last run: which rules folder (and fingerprint) the figures were read with."""
        return self.runs[-1] if self.runs else None

    @property
    def document_count(self) -> int:
        """Reports loaded."""
        return sum(len(u.docs) for u in self.units)

    def counts(self) -> dict[str, int]:
        """Findings by severity over all units."""
        out = dict.fromkeys(SEVERITIES, 0)
        for f in self.findings:
            out[f.severity] = out.get(f.severity, 0) + 1
        return out

    def unit_of_doc(self) -> dict[str, UnitView]:
        """doc → its unit."""
        return {d.doc: u for u in self.units for d in u.docs}


# labels ------------------------------------------------------------------------------------

_LABEL_KEYS = ("severity", "check", "basis", "kind", "unit", "unknown_unit", "unknown_year", "approx",
               "flag_true", "sheets", "columns", "review")


@lru_cache(maxsize=2)
def load_labels(path: str | None = None) -> dict:
    """templates/labels.yaml, checked for the keys the report needs."""
    where = Path(path) if path else TEMPLATES / "labels.yaml"
    labels = yaml.safe_load(where.read_text(encoding="utf-8")) or {}
    missing = [k for k in _LABEL_KEYS if k not in labels]
    if missing:
        raise ReportError(f"{where}: missing keys {', '.join(missing)}")
    return labels


@dataclass(frozen=True)
class RunRow:
    """One row of the runs table, as the report shows it."""

    run_id: str
    started: object
    finished: object
    rules_dir: str | None
    rules_hash: str | None
    files_read: int | None
    facts: int | None
    findings: int | None

    @property
    def rules_short(self) -> str:
        """The fingerprint's first 12 hex digits (enough to tell rule sets apart)."""
        return (self.rules_hash or "")[:12]


def _read_runs(con) -> list[RunRow]:
    """Every run, oldest first; a database from before runs recorded their rules gives None there."""
    try:
        rows = con.execute("SELECT run_id, started, finished, rules_dir, rules_hash, files_read, facts, findings "
                           "FROM runs ORDER BY started, finished").fetchall()
    except duckdb.BinderException:
        rows = con.execute("SELECT run_id, started, finished, NULL, NULL, files_read, facts, findings "
                           "FROM runs ORDER BY started, finished").fetchall()
    return [RunRow(*r) for r in rows]


# pure helpers ------------------------------------------------------------------------------

def highlight(text: str | None, quote: str, start: int, end: int, raw: str | None = None) -> Highlight:
    """Cut ``quote`` around the figure at ``text[start:end]``.

    The quote is placed in the document text at the occurrence that contains the span, so the
    mark sits on that figure even when the same number appears twice in the sentence.

    >>> text = "编制40人。单位编制40人，在岗40人。"
    >>> h = highlight(text, "单位编制40人，在岗40人。", 16, 19)
    >>> (h.before, h.figure, h.after, h.exact)
    ('单位编制40人，在岗', '40人', '。', True)

    Without the document text, the figure is looked up by its text in the quote:

    >>> h = highlight(None, "核定编制59名。", 4, 7, raw="59名")
    >>> (h.before, h.figure, h.after, h.exact)
    ('核定编制', '59名', '。', False)
    >>> highlight(None, "无数字", 0, 1).figure
    ''
    """
    quote = quote or ""
    if text and quote and 0 <= start <= end:
        pos = text.find(quote, max(0, end - len(quote)))
        if pos != -1 and pos <= start and end <= pos + len(quote):
            a, b = start - pos, end - pos
            return Highlight(quote[:a], quote[a:b], quote[b:], True)
    figure = raw or (text[start:end] if text and 0 <= start <= end <= len(text) else "")
    i = quote.find(figure) if figure else -1
    if i == -1:
        return Highlight(quote, "", "", False)
    return Highlight(quote[:i], figure, quote[i + len(figure):], False)


def unit_slug(key: str, taken: set[str]) -> str:
    """An ASCII file-name slug for a unit: a short hash of its key, lengthened on a clash.

    >>> unit_slug("桃江县征地拆迁安置与房屋征收补偿事务中心", set())
    '85bf6d2ce7'
    >>> len(unit_slug("x", {unit_slug("x", set())}))
    11
    """
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
    for n in range(10, len(digest) + 1):
        if digest[:n] not in taken:
            return digest[:n]
    raise ReportError(f"duplicate unit key {key!r}")  # pragma: no cover - needs a sha1 collision


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: CJK characters count two.

    >>> display_width("编制40人")
    8
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def plain_number(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros.

    >>> plain_number(Decimal("157.230000")), plain_number(Decimal("4000000.000000"))
    ('157.23', '4000000')
    """
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def basis_key(metric_unit: str, basis: str | None) -> str | None:
    """Money figures are budget or actual (unstated counts as actual, as the checks count it).

    >>> basis_key("yuan", None), basis_key("yuan", "budget"), basis_key("mu", None)
    ('actual', 'budget', None)
    """
    if metric_unit != "yuan":
        return None
    return "budget" if basis == "budget" else "actual"


def _year_sort(year: int | None) -> tuple[int, int]:
    return (1, 0) if year is None else (0, year)


def decimal_or_none(value) -> Decimal | None:
    """A value from DuckDB as a Decimal, NULL as None (also the review pages' reader)."""
    return None if value is None else Decimal(value)


# collect -----------------------------------------------------------------------------------

def collect(con: duckdb.DuckDBPyConnection, ruleset: RuleSet | None = None,
            review_file: Path | str | None = None) -> Report:
    """Read everything the report shows from the database (metric names and units: ``ruleset``,
    default the packaged rules); each finding's review status from ``review_file`` (the decision
    file of ``jixiao serve``) when it exists."""
    labels = load_labels()
    ruleset = ruleset or load_rules()
    metrics, names = ruleset.metrics, ruleset.metric_names
    try:
        docs = _read_docs(con)
        facts = _read_facts(con)
        findings = _read_findings(con, labels, metrics, names)
        if review_file is not None and Path(review_file).exists():
            _add_review(con, findings, review_file, labels)
        runs = _read_runs(con)
        self_evaluations = _read_self_evaluations(con)
        errors = [ErrorRow(*r) for r in con.execute(
            "SELECT doc, path, stage, code, message, recorded_at FROM ingest_errors ORDER BY doc, path").fetchall()]
        last_run = con.execute("SELECT max(finished) FROM runs").fetchone()[0]
        generated_from = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
                                     ).fetchone()[0] or ""
    except duckdb.CatalogException as exc:
        raise ReportError(f"数据库中缺少 jixiao 的表，请先运行 jixiao run（{str(exc).splitlines()[0]}）") from exc
    except duckdb.Error as exc:
        raise ReportError(f"无法从数据库读取报告数据（结构与本版本 jixiao 不符？）：{str(exc).splitlines()[0]}") from exc

    units = _group_units(docs, labels)
    by_doc = {d.doc: u for u in units for d in u.docs}
    for f in findings:
        unit = by_doc.get(f.doc)
        if unit is None:  # a finding on a document no longer loaded
            unit = UnitView(key=f"doc:{f.doc}", name=f"{labels['unknown_unit']}（{f.doc}）", identified=False)
            unit.slug = unit_slug(unit.key, {u.slug for u in units})
            units.append(unit)
            by_doc[f.doc] = unit
        unit.findings.append(f)
    # numbered errors first, then by unit: the index lists them in this order, each unit page its share
    rank = {u.key: i for i, u in enumerate(units)}
    ordered = sorted(findings, key=lambda f: (
        SEVERITIES.index(f.severity) if f.severity in SEVERITIES else len(SEVERITIES),
        rank[by_doc[f.doc].key], _year_sort(f.year), f.doc, f.check, f.message, f.id))
    for n, f in enumerate(ordered, start=1):
        f.number = f"F{n}"
    facts_of: dict[str, list[FactRow]] = defaultdict(list)
    for x in facts:
        if x.doc in by_doc:
            facts_of[by_doc[x.doc].key].append(x)
    for unit in units:
        unit.findings.sort(key=lambda f: int(f.number[1:]))
        for f in unit.findings:
            f.unit_key, f.unit_name, f.unit_slug = unit.key, unit.name, unit.slug
        unit.rows = _comparison(unit, facts_of[unit.key], labels, metrics, names,
                                float((ruleset.checks.get("ocr") or {}).get("low_confidence", 0)))
        unit.years = sorted({d.year for d in unit.docs} | {y for r in unit.rows for y in r.cells}, key=_year_sort)
    _flag_indicators(con, self_evaluations, findings)
    for ev in self_evaluations:
        unit = by_doc.get(ev.doc)
        if unit is not None:
            unit.self_evaluations.append(ev)
    for unit in units:
        unit.self_evaluations.sort(key=lambda e: (_year_sort(e.year), e.doc))
    years = sorted({y for u in units for y in u.years}, key=_year_sort)
    return Report(units=units, years=years, findings=ordered, facts=facts, errors=errors, labels=labels,
                  metrics=metrics, generated_from=Path(generated_from).name,
                  last_run=last_run.strftime("%Y-%m-%d %H:%M") if last_run else None, names=names, runs=runs,
                  self_evaluations=self_evaluations)


def _read_docs(con) -> list[DocRow]:
    rows = con.execute(
        "SELECT doc, path, unit, unit_key, year, report_type, format, chars, warnings FROM documents ORDER BY doc"
    ).fetchall()
    return [DocRow(*r[:8], tuple(r[8] or ())) for r in rows]


def _read_facts(con) -> list[FactRow]:
    rows = con.execute(
        'SELECT f.id, f.doc, f.metric, f.value, f.unit, f.kind, f.approx, f.basis, f.qualifier, f.period, f.raw, '
        'f.quote, f.start, f."end", f.rule_id, f.section, d.year, f.ocr_confidence '
        "FROM facts f LEFT JOIN documents d USING (doc) ORDER BY f.doc, f.start, f.kind, f.metric"
    ).fetchall()
    out = []
    for r in rows:
        year = r[9] if (r[5] == "level" and r[9] is not None) else r[16]
        out.append(FactRow(r[0], r[1], r[2], decimal_or_none(r[3]), r[4] or "", r[5] or "", bool(r[6]), r[7], r[8], r[9],
                           r[10] or "", r[11] or "", r[12], r[13], r[14], r[15] or "", year, r[17]))
    return out


def _read_findings(con, labels: dict, metrics: dict, names: dict) -> list[FindingView]:
    evidence_rows = con.execute(
        'SELECT e.finding_id, e.position, e.fact_id, e.doc, e.metric, e.value, e.quote, e.start, e."end", '
        "f.raw, f.section, f.rule_id, f.unit "
        "FROM finding_evidence e LEFT JOIN facts f ON f.id = e.fact_id ORDER BY e.finding_id, e.position"
    ).fetchall()
    texts = dict(con.execute(
        "SELECT doc, text FROM documents WHERE doc IN (SELECT DISTINCT doc FROM finding_evidence)").fetchall())
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    fact_ids: dict[str, set[str]] = defaultdict(set)
    for fid, _pos, fact_id, doc, metric, value, quote, start, end, raw, section, rule_id, unit in evidence_rows:
        fact_ids[fid].add(fact_id)
        unit = unit or (metrics.get(metric) or {}).get("unit", "")
        name = metric_name(metric, metrics, names)
        same = next((e for e in evidence[fid] if (e.doc, e.start, e.end) == (doc, start, end)), None)
        if same is not None:  # one figure standing for several metrics: one quote, all the names
            if name not in same.metrics:
                evidence[fid][evidence[fid].index(same)] = Evidence(
                    same.doc, same.metrics + (name,), same.shown, same.section, same.rule_id, same.start, same.end,
                    same.quote)
            continue
        evidence[fid].append(Evidence(
            doc=doc, metrics=(name,), shown=show(decimal_or_none(value), unit), section=section or "", rule_id=rule_id or "",
            start=start, end=end, quote=highlight(texts.get(doc), quote or "", start, end, raw)))
    out = []
    for r in con.execute(
        'SELECT id, "check", severity, doc, year, metrics, stated, expected, message, rule_id FROM audit_findings'
    ).fetchall():
        fid, check, severity, doc, year, ms, stated, expected, message, rule_id = r
        ms = tuple(ms or ())
        unit = (metrics.get(ms[0]) or {}).get("unit", "") if ms else ""
        out.append(FindingView(
            id=fid, number="", check=check, check_label=labels["check"].get(check, check), severity=severity,
            severity_label=labels["severity"].get(severity, severity), doc=doc, year=year, metrics=ms,
            metric_names=tuple(metric_name(m, metrics, names) for m in ms), message=message or "",
            stated=show(decimal_or_none(stated), unit) if stated is not None else "",
            expected=show(decimal_or_none(expected), unit) if expected is not None else "", rule_id=rule_id or "",
            evidence=evidence.get(fid, []), fact_ids=frozenset(fact_ids.get(fid, ())),
        ))
    return out


def _add_review(con, findings: list[FindingView], review_file: Path | str, labels: dict) -> None:
    """Each finding's status from the decision file (pipeline/serve/decisions.py)."""
    from .serve.review import reviews_by_id

    reviews = reviews_by_id(con, review_file)
    for f in findings:
        _keys, review = reviews[f.id]
        f.review_status = review.status
        d = review.decision
        if d is not None and d.action != "reset":
            reason = labels["review"]["reasons"].get(d.reason, d.reason or "") if d.reason else ""
            f.review_note = " · ".join(p for p in (d.reviewer, d.decided_at, reason, d.comment or "") if p)


def _read_self_evaluations(con) -> list[SelfEvalView]:
    """Every report's self-evaluation with its indicator rows (the execution row included)."""
    out: dict[str, SelfEvalView] = {}
    for doc, year, rate, total, grade in con.execute(
            "SELECT doc, year, execution_rate, total_score, grade FROM self_evaluation ORDER BY doc").fetchall():
        out[doc] = SelfEvalView(doc, year, decimal_or_none(rate), decimal_or_none(total), grade)
    for doc, rows in indicator_rows(con).items():
        if doc in out:
            out[doc].indicators += [IndicatorView(x) for x in rows]
    return list(out.values())


def _flag_indicators(con, evaluations: list[SelfEvalView], findings: list[FindingView]) -> None:
    """Attach to each indicator row the score findings whose evidence names it (its span)."""
    by_id = {f.id: f for f in findings}
    named: dict[tuple[str, int, int], list[FindingView]] = defaultdict(list)
    for fid, doc, start, end in con.execute(
            'SELECT e.finding_id, e.doc, e.start, e."end" FROM finding_evidence e '
            'JOIN audit_findings a ON a.id = e.finding_id WHERE a."check" = \'score\'').fetchall():
        f = by_id.get(fid)
        if f is not None and f not in named[(doc, start, end)]:
            named[(doc, start, end)].append(f)
    for ev in evaluations:
        for x in ev.indicators:
            x.findings = sorted(named.get((x.row.doc, x.row.start, x.row.end), []), key=lambda f: int(f.number[1:] or 0))


def _group_units(docs: list[DocRow], labels: dict) -> list[UnitView]:
    units: dict[str, UnitView] = {}
    for d in docs:
        key = d.unit_key or d.unit
        if key:
            unit = units.setdefault(key, UnitView(key=key, name=key, identified=True))
        else:
            key = f"doc:{d.doc}"
            unit = units.setdefault(key, UnitView(key=key, name=f"{labels['unknown_unit']}（{d.doc}）",
                                                  identified=False))
        unit.docs.append(d)
    ordered = sorted(units.values(), key=lambda u: (not u.identified, u.name))
    taken: set[str] = set()
    for u in ordered:
        u.slug = unit_slug(u.key, taken)
        taken.add(u.slug)
        u.docs.sort(key=lambda d: (_year_sort(d.year), d.doc))
    return ordered


def _comparison(unit: UnitView, facts: list[FactRow], labels: dict, metrics: dict, names: dict,
                ocr_low: float = 0.0) -> list[Row]:
    """Level figures of one unit: a row per (metric, basis, qualifier), a cell per year; a value
    stated by a figure OCR read with confidence below ``ocr_low`` is marked doubtful."""
    order = {m: i for i, m in enumerate(metrics)}
    by_fact: dict[str, list[FindingView]] = defaultdict(list)
    for f in unit.findings:
        for fact_id in f.fact_ids:
            by_fact[fact_id].append(f)
    rows: dict[tuple, Row] = {}
    for x in facts:
        if x.kind != "level" or x.value is None:
            continue
        m_unit = (metrics.get(x.metric) or {}).get("unit", x.unit)
        basis = basis_key(m_unit, x.basis)
        key = (x.metric, basis, x.qualifier)
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(metric=x.metric, name=metric_name(x.metric, metrics, names), basis=basis,
                                  basis_label=labels["basis"].get(basis, "") if basis else "",
                                  qualifier=x.qualifier, unit=m_unit, cells={})
        cell = row.cells.setdefault(x.year, Cell())
        doubtful = x.ocr_confidence is not None and x.ocr_confidence < ocr_low
        source = " · ".join(p for p in (x.doc, x.section, x.raw.strip()) if p)
        if doubtful:
            source += f" · {labels['ocr_low']}（{x.ocr_confidence:.2f}）"
        value = x.value.normalize()
        same = next((i for i, v in enumerate(cell.values) if v.value == value and v.approx == x.approx), None)
        if same is None:
            shown = show(value, x.unit)
            cell.values.append(CellValue(value, f"{labels['approx']}{shown}" if x.approx else shown, x.approx,
                                         (source,), doubtful))
        else:
            v = cell.values[same]
            cell.values[same] = CellValue(v.value, v.shown, v.approx, v.sources + (source,), v.doubtful or doubtful)
        for f in by_fact.get(x.id, ()):
            if f not in cell.findings:
                cell.findings.append(f)
    for row in rows.values():
        for cell in row.cells.values():
            cell.findings.sort(key=lambda f: int(f.number[1:]))
    return sorted(rows.values(), key=lambda r: (order.get(r.metric, len(order)), r.metric,
                                                ("budget", "actual", None).index(r.basis), r.qualifier or ""))


# HTML --------------------------------------------------------------------------------------

def environment() -> jinja2.Environment:
    """The templates' environment: autoescape always on, undefined names an error."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # always, whatever the template's name: report text is data
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["year_label"] = labels_year
    env.globals["num"] = lambda v: plain_number(Decimal(v))
    return env


def labels_year(year: int | None) -> str:
    """A column title for a year."""
    return str(year) if year is not None else load_labels()["unknown_year"]


def render_pages(report: Report) -> dict[str, str]:
    """file name → HTML of every page."""
    env = environment()
    common = {"report": report, "labels": report.labels, "severities": SEVERITIES}
    pages = {"index.html": env.get_template("index.html").render(**common)}
    for unit in report.units:
        pages[unit.page] = env.get_template("unit.html").render(unit=unit, **common)
    return pages


def write_html(report: Report, out_dir: Path) -> tuple[Path, tuple[Path, ...]]:
    """Write index.html and the unit pages; remove unit pages of earlier reports that no longer apply."""
    pages = render_pages(report)
    for name, html in pages.items():
        (out_dir / name).write_text(html, encoding="utf-8", newline="\n")
    for stale in out_dir.glob("unit-*.html"):
        if stale.name not in pages:
            stale.unlink()
    return out_dir / "index.html", tuple(out_dir / u.page for u in report.units)


# Excel -------------------------------------------------------------------------------------

_WRAP_WIDTH = 60
_MAX_WIDTH = 40
_CELL_LIMIT = 32_767  # characters Excel keeps in one cell


def _excel_number(value: Decimal | None):
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def write_xlsx(report: Report, path: Path) -> Path:
    """The workbook auditors open in Excel or WPS: 事实, 问题, 对比, 绩效指标 (every self-evaluation table's
    rows), 无法读取, 运行记录 (the rules each run read with)."""
    from openpyxl import Workbook

    labels = report.labels
    sheets, columns = labels["sheets"], labels["columns"]
    unit_of = report.unit_of_doc()
    wb = Workbook()
    wb.remove(wb.active)

    def unit_name(doc: str) -> str:
        u = unit_of.get(doc)
        return u.name if u else ""

    # 事实
    fact_rows = []
    for x in report.facts:
        fact_rows.append([
            unit_name(x.doc), x.year, x.doc, x.section, x.metric, metric_name(x.metric, report.metrics, report.names),
            labels["kind"].get(x.kind, x.kind), labels["basis"].get(x.basis, "") if x.basis else "",
            x.qualifier or "", x.period, _excel_number(x.value), labels["unit"].get(x.unit, x.unit),
            show(x.value, x.unit),
            labels["flag_true"] if x.approx else "", x.raw, x.quote, x.start, x.end, x.rule_id or "", x.id,
        ])
    _sheet(wb, sheets["facts"], columns["facts"], fact_rows, wrap={"原文句子", "章节"})

    # 问题
    finding_rows = []
    for f in report.findings:
        quotes, places = [], []
        for i, e in enumerate(f.evidence, start=1):
            q = e.quote
            quotes.append(f"{i}. {q.before}【{q.figure}】{q.after}" if q.figure else f"{i}. {q.before}")
            places.append(f"{i}. {e.doc} · {e.section} · {e.start}–{e.end} · {e.rule_id}")
        finding_rows.append([
            f.number, f.severity_label, f.check_label, f.unit_name, f.year, f.doc, "、".join(f.metric_names),
            f.message, f.stated, f.expected, f.rule_id, "\n".join(quotes), "\n".join(places),
            labels["review"]["status"].get(f.review_status, "") if f.review_status else "",
        ])
    _sheet(wb, sheets["findings"], columns["findings"], finding_rows, wrap={"说明", "证据原文", "证据位置"})

    # 对比
    years = sorted({y for u in report.units for r in u.rows for y in r.cells}, key=_year_sort)
    header = list(columns["comparison"]) + [labels_year(y) for y in years] + list(columns["comparison_tail"])
    comp_rows, marks = [], []
    for u in report.units:
        for r in u.rows:
            money = r.unit == "yuan"
            unit_label = labels["unit"]["wan_yuan"] if money else labels["unit"].get(r.unit, r.unit)
            row = [u.name, r.metric, r.name, r.basis_label, r.qualifier or "", unit_label]
            row_marks = {}
            numbers = []
            for y in years:
                cell = r.cells.get(y)
                if cell is None or not cell.values:
                    row.append(None)
                    continue
                vals = [v.value / WAN if money else v.value for v in cell.values]
                distinct = list(dict.fromkeys(v.normalize() for v in vals))
                row.append(_excel_number(distinct[0]) if len(distinct) == 1
                           else " / ".join(plain_number(v) for v in distinct))
                if cell.flagged:
                    row_marks[len(row) - 1] = "flagged"
                elif cell.multi:
                    row_marks[len(row) - 1] = "multi"
                numbers += [f.number for f in cell.findings if f.number not in numbers]
            row += [labels["flag_true"] if any(c.multi for c in r.cells.values()) else "", "、".join(numbers)]
            comp_rows.append(row)
            marks.append(row_marks)
    ws = _sheet(wb, sheets["comparison"], header, comp_rows, wrap=set(), freeze="G2",
                number_format={len(columns["comparison"]) + i: "#,##0.00##" for i in range(len(years))})
    _mark_cells(ws, marks)

    # 绩效指标: every indicator row of every self-evaluation table
    doc_year = {d.doc: d.year for u in report.units for d in u.docs}
    sheet_rows = []
    for ev in report.self_evaluations:
        for view in ev.indicators:
            x = view.row
            sheet_rows.append([
                unit_name(x.doc), doc_year.get(x.doc), x.doc, x.position, x.block or "", x.level1, x.level2,
                x.level3, x.target_text, x.target_op or "", _excel_number(x.target_value), x.target_unit,
                x.actual_text, _excel_number(x.actual_value), x.actual_unit, _excel_number(x.weight),
                _excel_number(x.score), x.note, x.quote, x.start, x.end, x.layout,
                "、".join(f.number for f in view.findings)])
    ws = _sheet(wb, sheets["indicators"], columns["indicators"], sheet_rows, wrap={"原文", "偏差原因"})
    _mark_cells(ws, [{len(columns["indicators"]) - 1: "flagged"} if row[-1] else {} for row in sheet_rows])

    # 无法读取
    error_rows = [[e.doc, e.path, e.stage, e.code, e.message, e.recorded_at] for e in report.errors]
    _sheet(wb, sheets["errors"], columns["errors"], error_rows, wrap={"原因"})

    # 运行记录: which rules each run read with
    run_rows = [[r.run_id, r.started, r.finished, r.rules_dir or "", r.rules_hash or "", r.files_read, r.facts,
                 r.findings] for r in report.runs]
    _sheet(wb, sheets["runs"], columns["runs"], run_rows, wrap={"规则目录"})

    wb.save(path)
    return path


def _clean(value):
    """A value openpyxl writes as-is: strings without control characters, within Excel's cell limit."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > _CELL_LIMIT:
            value = value[: _CELL_LIMIT - 1] + "…"
    return value


def _sheet(wb, title: str, header: list[str], rows: list[list], wrap: set[str], freeze: str = "A2",
           number_format: dict[int, str] | None = None):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E8EEF5")
    widths = [display_width(str(h)) + 2 for h in header]
    for c, h in enumerate(header, start=1):
        cell = ws.cell(row=1, column=c, value=h)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=False)
    wrap_cols = {i for i, h in enumerate(header) if h in wrap}
    top_wrap, top = Alignment(vertical="top", wrap_text=True), Alignment(vertical="top")
    number_format = number_format or {}
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values):
            value = _clean(value)
            cell = ws.cell(row=r, column=c + 1, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # report text, never a formula
            cell.alignment = top_wrap if c in wrap_cols else top
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif c in number_format and isinstance(value, (int, float)):
                cell.number_format = number_format[c]
            if value is not None:
                longest = max(display_width(line) for line in str(value).split("\n"))
                widths[c] = max(widths[c], min(longest + 2, _WRAP_WIDTH if c in wrap_cols else _MAX_WIDTH))
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = max(8, w)
    ws.freeze_panes = freeze
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    return ws


def _mark_cells(ws, marks: list[dict[int, str]]) -> None:
    from openpyxl.styles import PatternFill

    fills = {"flagged": PatternFill("solid", fgColor="FDE2E1"), "multi": PatternFill("solid", fgColor="FFF4CC")}
    for r, row_marks in enumerate(marks, start=2):
        for c, kind in row_marks.items():
            ws.cell(row=r, column=c + 1).fill = fills[kind]


# the whole report --------------------------------------------------------------------------

def write_report(con: duckdb.DuckDBPyConnection, out_dir: Path | str, ruleset: RuleSet | None = None,
                 review_file: Path | str | None = None) -> ReportPaths:
    """Write the HTML pages and the workbook for everything in the database into ``out_dir``; with
    ``review_file`` (jixiao serve's decisions), each finding shows its review status."""
    out_dir = Path(out_dir)
    report = collect(con, ruleset, review_file)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        index, units = write_html(report, out_dir)
        xlsx = write_xlsx(report, out_dir / XLSX_NAME)
    except OSError as exc:
        raise ReportError(f"无法写入报告目录 {out_dir}：{exc.strerror or exc}") from exc
    return ReportPaths(out_dir=out_dir, index=index, units=units, xlsx=xlsx)
