"""A report's own checks, run where it was read: its findings sent with its rows.

The checks that need one report only (conflict, sum, ratio, staffing, zero: ``Checker.document``)
run in the worker that read the file, on its facts exactly as the parent would read them back
from the database (``stored_facts``: the values through DECIMAL(38, 6), the NULLs, a part's total
found by its id, the facts in order of start); the findings travel as rows of audit_findings and
finding_evidence (``Rows.findings``, ``Rows.evidence``). The parent no longer reads those facts
back to check them: it runs the year-on-year checks, which compare a unit's reports of several
years, and the self-evaluation checks (``run_checks(…, checked=…)``, pipeline/checks.py).

A file whose values the database would round (more than six decimals) or that is a part of a
long file (pipeline/volumes.py: its parts are checked once merged) is left to the parent: its
``checked`` stays empty.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter

from .checks import Checker, DocInfo, FactList, _fact_of
from .load import finding_rows
from .model import Extraction, Fact
from .rows import DOCUMENT_COLUMNS, FACT_COLUMNS, Rows, rows_of
from .rules import RuleSet

# the facts columns run_checks reads (checks.FACT_COLUMNS), by their place in the rows' columns
_READ = ("doc", "metric", "value", "unit", "kind", "approx", "basis", "quote", "start", "end", "rule_id", "section",
         "sentence_index", "raw", "qualifier", "relative_to", "step", "part_of", "label", "period", "id",
         "ocr_confidence")
_AT = tuple(FACT_COLUMNS.index(c) for c in _READ)
_DECIMALS = (_READ.index("value"), _READ.index("step"))
_OCR = _READ.index("ocr_confidence")
_START = itemgetter(_READ.index("start"))


class Unstored(ValueError):
    """A value the database would not store exactly as its text says."""


def stored_text(text: str | None) -> str | None:
    """A value's exact decimal text (pipeline/rows.py), as a text that ``normalize.decimal_text``
    reads as the same Decimal as the DECIMAL(38, 6) column's text once stored (1.50 → 1.500000 →
    1.5; −0 → 0); Unstored when the column would round it or cannot hold it.

    >>> stored_text("1.50"), stored_text("10000"), stored_text("-0.0"), stored_text(None)
    ('1.50', '10000', '0', None)
    """
    if text is None:
        return None
    if _EXACT.fullmatch(text) is None:
        raise Unstored(text)
    if text[0] == "-" and not text.strip("-0."):
        return "0"
    return text


_EXACT = re.compile(r"-?[0-9]{1,32}(?:\.[0-9]{1,6})?")  # what DECIMAL(38, 6) holds exactly


def stored_facts(rows: Rows) -> list[Fact]:
    """One file's facts as ``checks.unit_groups`` reads them back from the database once loaded
    (``rows``: a single file's, from ``rows_of``); raises Unstored when a value would be rounded."""
    data = rows.facts.data
    columns = [data[i] for i in _AT]
    for i in _DECIMALS:  # column by column: the same texts, one call less per value
        columns[i] = [stored_text(v) for v in columns[i]]
    columns[_OCR] = [None if v is None else float(v) for v in columns[_OCR]]
    read = sorted(zip(*columns), key=_START)  # ORDER BY … f.start, f.rowid: stable, the rows are in insertion order
    starts = {r[20]: r[8] for r in read}  # as checks._group: a part names its total by id
    return [_fact_of(r, starts.get(r[17])) if r[17] else _fact_of(r) for r in read]


@lru_cache(maxsize=4)
def _checker(ruleset: RuleSet) -> Checker:
    return Checker(ruleset)


def checked_rows(ex: Extraction, ruleset: RuleSet) -> Rows:
    """``rows_of(ex)`` with the file's own findings (a whole file's; a part's are left to the parent)."""
    rows = rows_of(ex)
    if ex.part is not None:
        return rows
    try:
        facts = stored_facts(rows)
    except Unstored:
        return rows
    documents = rows.documents.data
    doc = documents[0][0]
    info = DocInfo(doc, documents[DOCUMENT_COLUMNS.index("unit")][0], documents[DOCUMENT_COLUMNS.index("unit_key")][0],
                   documents[DOCUMENT_COLUMNS.index("year")][0])
    try:
        findings = _checker(ruleset).document(FactList(facts), info) if facts else []
    except Exception:  # noqa: BLE001 - the parent checks it again and stops the run as it always did,
        return rows    # rather than the file failing here with its facts unloaded
    for columns, table in zip((rows.findings, rows.evidence), finding_rows(findings)):
        for row in table:  # Decimals as their exact text, as insert_rows gives them
            columns.append(tuple(format(v, "f") if isinstance(v, Decimal) else v for v in row))
    rows.checked = [doc]
    return rows
