"""An Extraction as the rows the loader writes, column by column: built where the file was read.

``rows_of`` turns one file's Extraction into a :class:`Rows` — for each table the loader writes
(documents, facts, quantities, indicators), a list per column in the table's column order, with
the stable ids computed and Decimals already in exact decimal text. A worker sends this instead
of the Extraction: plain strings and numbers pickle and unpickle several times faster than
frozen dataclasses holding Decimals, and the single writer only joins lists and hands them to
DuckDB (bench/RESULTS.md, issue 13, third step). ``merge_rows`` joins a long file's parts
(pipeline/volumes.py) as ``volumes.merge_parts`` joins their Extractions.

The column lists stop at the database edge: no stage reads them but the loader.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from .model import Extraction, Fact, Indicator
from .ocr.provenance import OcrIndex

# each table's columns in the order of its CREATE TABLE (pipeline/load.py SCHEMA); documents'
# loaded_at is the one column the writer fills (the time of the transaction)
DOCUMENT_COLUMNS = ("doc", "path", "sha256", "format", "size", "unit", "unit_key", "unit_source", "year",
                    "year_source", "report_type", "chars", "pages", "encoding", "warnings", "text", "loaded_at",
                    "grade", "grade_quote", "grade_start", "grade_end", "ocr")
FACT_COLUMNS = ("id", "doc", "metric", "value", "unit", "kind", "approx", "basis", "qualifier", "relative_to",
                "period", "part_of", "label", "raw", "quote", "start", "end", "rule_id", "section",
                "sentence_index", "step", "ocr_confidence", "page")
QUANTITY_COLUMNS = ("doc", "start", "end", "value", "unit", "raw", "quote", "section", "metric")
INDICATOR_COLUMNS = ("id", "doc", "position", "block", "level1", "level2", "level3", "target_text", "target_op",
                     "target_value", "target_unit", "actual_text", "actual_value", "actual_unit", "weight", "score",
                     "note", "quote", "start", "end", "layout", "cells")
FINDING_COLUMNS = ("id", "check", "severity", "doc", "unit", "year", "metrics", "stated", "expected", "message",
                   "rule_id")  # audit_findings
EVIDENCE_COLUMNS = ("finding_id", "position", "fact_id", "doc", "metric", "value", "quote", "start", "end")
GRADE_COLUMNS = ("grade", "grade_quote", "grade_start", "grade_end")


@dataclass(slots=True)
class Columns:
    """Rows of one table, one list per column (``names`` in the table's order)."""

    names: tuple[str, ...]
    data: list[list] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.data:
            self.data = [[] for _ in self.names]

    def __len__(self) -> int:
        return len(self.data[0]) if self.data else 0

    def append(self, row: tuple) -> None:
        """One row, its values in column order."""
        for column, value in zip(self.data, row, strict=True):
            column.append(value)

    def extend(self, other: "Columns") -> None:
        """Another batch of rows of the same table."""
        assert other.names == self.names, (other.names, self.names)
        for column, more in zip(self.data, other.data):
            column.extend(more)

    @classmethod
    def of_rows(cls, names: tuple[str, ...], rows: list[tuple]) -> "Columns":
        """Rows (each a tuple in column order) turned into columns at once: one transposition,
        not a call per row."""
        if not rows:
            return cls(names)
        data = [list(values) for values in zip(*rows, strict=True)]
        assert len(data) == len(names), (len(data), names)
        return cls(names, data)

    def column(self, name: str) -> list:
        return self.data[self.names.index(name)]

    def slice(self, start: int, stop: int) -> dict[str, list]:
        """Rows [start, stop) as name → values (what a DataFrame is built from)."""
        return {name: values[start:stop] for name, values in zip(self.names, self.data)}


@dataclass(slots=True)
class Rows:
    """One file's rows for the loader (or a batch's, once joined). ``docs``: its file names;
    ``part``: (index, count) of a long file's part, as on Extraction."""

    docs: list[str]
    documents: Columns
    facts: Columns
    quantities: Columns
    indicators: Columns
    part: tuple[int, int] | None = None
    # the files whose own findings were found where they were read (pipeline/doc_checks.py), and
    # those findings as rows of audit_findings and finding_evidence; the other files' are the parent's
    checked: list[str] = field(default_factory=list)
    findings: Columns = field(default_factory=lambda: Columns(FINDING_COLUMNS))
    evidence: Columns = field(default_factory=lambda: Columns(EVIDENCE_COLUMNS))

    @classmethod
    def empty(cls) -> "Rows":
        return cls([], Columns(DOCUMENT_COLUMNS), Columns(FACT_COLUMNS), Columns(QUANTITY_COLUMNS),
                   Columns(INDICATOR_COLUMNS))

    def extend(self, other: "Rows") -> None:
        """Another file's rows after these (a batch of files is one Rows)."""
        self.docs += other.docs
        for mine, theirs in zip(self.tables(), other.tables()):
            mine.extend(theirs)
        self.checked += other.checked
        self.findings.extend(other.findings)
        self.evidence.extend(other.evidence)

    def tables(self) -> tuple[Columns, Columns, Columns, Columns]:
        return self.documents, self.facts, self.quantities, self.indicators


def decimal_text(value) -> str | None:
    """A Decimal as exact decimal text (the column type casts it; nothing passes through a float).

    >>> decimal_text(Decimal("1.50")), decimal_text(Decimal("1E+4")), decimal_text(None)
    ('1.50', '10000', None)
    """
    return None if value is None else format(value, "f")


def _text(value) -> str | None:
    """An enum member (Kind, Basis) as its plain value; strings and None as they are."""
    return None if value is None else str(value)


def fact_id(fact: Fact) -> str:
    """A stable id: the same statement gets the same id on every run."""
    key = f"{fact.doc}|{fact.start}|{fact.end}|{fact.kind}|{fact.metric}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def indicator_id(x: Indicator) -> str:
    """A stable id of an indicator row (its document and span)."""
    return hashlib.sha1(f"{x.doc}|{x.start}|{x.end}|indicator".encode("utf-8")).hexdigest()[:16]


def indicator_row(x: Indicator) -> tuple:
    """An indicator as a row of the ``indicators`` table."""
    cells = json.dumps([{"role": c.role, "start": c.start, "end": c.end, "table": c.table, "row": c.row, "col": c.col}
                        for c in x.cells], ensure_ascii=False)
    return (indicator_id(x), x.doc, x.position, x.block, x.level1, x.level2, x.level3, x.target_text, x.target_op,
            decimal_text(x.target_value), x.target_unit, x.actual_text, decimal_text(x.actual_value), x.actual_unit,
            decimal_text(x.weight), decimal_text(x.score), x.note, x.quote, x.start, x.end, x.layout, cells)


def rows_of(ex: Extraction) -> Rows:
    """One file's Extraction as the rows of its tables (documents' loaded_at left None)."""
    d, m, g = ex.document, ex.meta, ex.grade
    documents = Columns.of_rows(DOCUMENT_COLUMNS, [(
        d.doc, d.path, d.sha256, d.kind, d.size, m.unit, m.unit_key, m.unit_source, m.year, m.year_source,
        m.report_type, len(d.text), d.pages, d.encoding, list(d.warnings), d.text, None,
        *((g.grade, g.quote, g.start, g.end) if g else (None,) * 4), d.ocr,
    )])
    ocr = OcrIndex(d.ocr_spans) if d.ocr_spans else None
    ids = [fact_id(f) for f in ex.facts]
    totals = {f.start: i for f, i in zip(ex.facts, ids) if f.kind != "part"}
    # one object per distinct sentence and section: a sentence holds several figures, and pickle
    # sends an object it has seen as a reference (measured: 38 → 28 KB a report, unpickling −25 %)
    same = {}.setdefault
    none2 = (None, None)
    facts = [(
        i, f.doc, f.metric, decimal_text(f.value), f.unit, _text(f.kind), f.approx, _text(f.basis), f.qualifier,
        f.relative_to, f.period, totals.get(f.group) if f.group is not None else None, f.label, f.raw,
        same(f.quote, f.quote), f.start, f.end, f.rule_id, same(f.section, f.section), f.sentence_index,
        decimal_text(f.step), *(ocr.under(f.start, f.end) if ocr else none2),
    ) for f, i in zip(ex.facts, ids)]
    quantities = [(d.doc, q.start, q.end, decimal_text(q.value), q.unit, q.raw, same(q.quote, q.quote),
                   same(q.section, q.section), q.metric) for q in ex.mentions]
    rows = Rows([d.doc], documents, Columns.of_rows(FACT_COLUMNS, facts),
                Columns.of_rows(QUANTITY_COLUMNS, quantities),
                Columns.of_rows(INDICATOR_COLUMNS, [indicator_row(x) for x in ex.indicators]))
    rows.part = ex.part
    return rows


def merge_rows(parts: list[Rows]) -> Rows:
    """One file's rows from its parts' (each from a shifted part Extraction, pipeline/volumes.py):
    the documents row of the first part (which carries the whole text) with the first grade any
    part found, the other tables joined in part order, indicator positions numbered anew."""
    parts = sorted(parts, key=lambda r: r.part[0] if r.part else 0)
    whole = Rows.empty()
    whole.docs.append(parts[0].docs[0])
    row = [values[0] for values in parts[0].documents.data]
    graded = next((p for p in parts if p.documents.column("grade")[0] is not None), None)
    if graded is not None:
        at = DOCUMENT_COLUMNS.index("grade")
        row[at:at + len(GRADE_COLUMNS)] = [graded.documents.column(c)[0] for c in GRADE_COLUMNS]
    whole.documents.append(tuple(row))
    for p in parts:
        whole.facts.extend(p.facts)
        whole.quantities.extend(p.quantities)
        whole.indicators.extend(p.indicators)
    whole.indicators.data[INDICATOR_COLUMNS.index("position")] = list(range(len(whole.indicators)))
    return whole
