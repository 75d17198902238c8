"""A table of headcounts flattened one cell per line, its columns headed by the metrics' labels.

    财政供养人员情况(人)          单位名称 / 编制数 / 实有人数 / 小计 / 行政人数 / 离退休人数
    编制数                        某某中心 / 91 / 149 / 0 / 81 / 68
    2023 年实际在职人数            合计 / 91 / 149 / 0 / 81 / 68
    控制率 / 46 / 50 / 108.70%

The run of header lines ends where a run of figure lines starts; each figure is read under the
header of its column, counted from the right. A header opening the table as the name of its rows
(rules/common.yaml tables.name_header: 单位名称) means each row starts with its name; a header
followed by a subtotal header (tables.total_rows: 小计) heads a group of columns, and the subtotal is
the group's (实有人数) — unless a column of the group names another metric (离退休人数 among them:
the group counts retirees too, and its subtotal is no staff in post). Of several rows, the total row
(合计) is the unit's; a single row is. Only count metrics (persons, items) are read here: money tables
are tables.py's.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from ..model import DocMeta, Document, Fact, Kind, Sentence, new_fact
from ..normalize import Units, parse_quantity
from ..rules import RuleSet, normalize_label
from ..segment import year_mentions
from .labelgate import may_name
from .labels import lookup_label
from .tables import FORM_LABEL_CHARS, is_figure

RULE_ID = "table.headcount_columns"
_COUNT_UNITS = ("person", "item")
_MOST_HEADERS = 12  # a header run holds at most this many lines


@dataclass(frozen=True, slots=True)
class _Column:
    header: Sentence  # its header line (the group's, for a subtotal column)
    metric: str | None


def read_headcount_columns(document: Document, sentences: list[Sentence], meta: DocMeta, ruleset: RuleSet,
                           units: Units, taken: set[tuple[int, int]] = frozenset()) -> list[Fact]:
    """Facts from headcount tables laid out one cell per line (see the module's docstring)."""
    lines = [s for s in sentences if s.kind in ("prose", "heading", "row")]
    out: list[Fact] = []
    figure = [is_figure(s.text) for s in lines]  # once a line, not twice
    known: dict[str, tuple] = {}  # a header line's text → (its label, its count metric): read once a page
    k = 0
    while k < len(lines):
        if not figure[k] or k == 0 or figure[k - 1]:
            k += 1
            continue
        heads = _header_run(lines, k)
        cols, named = _columns(heads, ruleset, known)
        if named is None:  # headers above the table (its caption, a title) are no columns: count from the right
            cols = cols[-len(_figure_run(lines, k)):]
        if not any(c.metric for c in cols):
            k += 1
            continue
        rows, k = _rows(lines, k, cols, named)
        row = _the_units_row(rows, ruleset)
        if row is not None:
            at = named.start if named is not None else cols[0].header.start  # the quote opens the table
            out += _row_facts(document.text, at, row, cols, meta, ruleset, units, taken)
        k += 1
    return out


def _header_run(lines: list[Sentence], k: int) -> list[Sentence]:
    """The short, figure-free lines right above line ``k`` (nearest last), at most _MOST_HEADERS."""
    heads: list[Sentence] = []
    j = k - 1
    while j >= 0 and len(heads) < _MOST_HEADERS and len(lines[j].text) <= FORM_LABEL_CHARS \
            and not is_figure(lines[j].text):
        heads.insert(0, lines[j])
        j -= 1
    return heads


def _count_metric(header: str, label: str, ruleset: RuleSet) -> str | None:
    """The count metric a header names (its year dropped: 2023 年实际在职人数), or None. ``label``:
    the header normalized."""
    if not may_name(header, ruleset):
        return None  # most headers (2023年, 编制数): the year and noise dropped below only delete
    label = _year_head(ruleset.fragments["YEAR"]).sub("", label, 1, None, None, False)
    metric = lookup_label(label, ruleset)
    return metric if metric is not None and ruleset.metric_unit(metric) in _COUNT_UNITS else None


@lru_cache(maxsize=4)
def _year_head(year: str) -> regex.Pattern:
    """A year opening a label (common.yaml fragments YEAR)."""
    return regex.compile("^" + year)


def _columns(heads: list[Sentence], ruleset: RuleSet, known: dict[str, tuple]
             ) -> tuple[list[_Column], Sentence | None]:
    """The leaf columns under ``heads``, and the header of the rows' names when they open with them
    (then the last of ``heads`` is the first row's name, not a header). ``known``: what earlier
    calls on the page read of a header line (the runs above a page's figure lines overlap)."""
    for h in heads:
        if h.text not in known:
            label = normalize_label(h.text)
            known[h.text] = (label, _count_metric(h.text, label, ruleset))
    totals = ruleset.tables.total_rows
    texts = [known[h.text][0] for h in heads]
    named = next((i for i, t in enumerate(texts) if t in ruleset.tables.name_header), None)
    if named is not None:  # the table starts at its name column (its quote too)
        heads, texts = heads[named:-1], texts[named:-1]
    i = 0 if named is None else 1
    cols: list[_Column] = []
    while i < len(texts):
        if i + 1 < len(texts) and texts[i + 1] in totals:  # 实有人数 / 小计 / 行政人数 …: a group
            group = known[heads[i].text][1]
            members = [known[h.text][1] for h in heads[i + 2:]]
            other = any(m is not None and m != group for m in members)
            cols.append(_Column(heads[i], None if other else group))
            i += 2
            continue
        cols.append(_Column(heads[i], known[heads[i].text][1]))
        i += 1
    return cols, (heads[0] if named is not None else None)


def _figure_run(lines: list[Sentence], k: int) -> list[Sentence]:
    out = []
    while k < len(lines) and is_figure(lines[k].text):
        out.append(lines[k])
        k += 1
    return out


def _rows(lines: list[Sentence], k: int, cols: list[_Column], named: Sentence | None):
    """The rows from line ``k`` on, as (name line or None, figure lines), one figure per column;
    and the line after them."""
    rows = []
    name = lines[k - 1] if named is not None else None
    while k < len(lines):
        figures = _figure_run(lines, k)
        if len(figures) != len(cols):
            break
        rows.append((name, figures))
        k += len(figures)
        if named is None or k >= len(lines) or len(lines[k].text) > FORM_LABEL_CHARS:
            break
        name, k = lines[k], k + 1
    return rows, k


def _the_units_row(rows, ruleset: RuleSet):
    """The total row (合计) of several, or the only row."""
    totals = set(ruleset.tables.total_rows)
    for name, figures in rows:
        if name is not None and normalize_label(name.text) in totals:
            return name, figures
    return rows[0] if len(rows) == 1 else None


def _row_facts(text: str, at: int, row, cols: list[_Column], meta: DocMeta, ruleset: RuleSet,
               units: Units, taken) -> list[Fact]:
    """A fact per figure of ``row`` under a header naming a count metric; the quote runs from the
    table's first header (document offset ``at``) to the figure."""
    _, figures = row
    out = []
    for col, cell in zip(cols, figures):
        if col.metric is None or (cell.start, cell.end) in taken:
            continue
        raw = cell.text.strip(" \t\u3000|｜")
        q = parse_quantity(raw, units)
        want = ruleset.metric_unit(col.metric)
        if q is None or q.unit not in ("", want):
            continue
        start = cell.start + cell.text.find(raw)
        years = year_mentions(col.header.text)
        kind, period = Kind.LEVEL, None
        if meta.year is not None and years and years[0][1] != meta.year:
            kind, period = (Kind.PRIOR if years[0][1] < meta.year else Kind.PLAN), years[0][1]
        out.append(new_fact(
            doc=cell.doc, metric=col.metric, value=q.value, unit=want, kind=kind, approx=q.approx, basis=None,
            quote=text[at:cell.end], start=start, end=start + len(raw), rule_id=RULE_ID,
            section=cell.section, sentence_index=cell.index, raw=raw, step=q.step, label=col.header.text.strip(),
            period=period,
        ))
    return out
