"""The total row of a project form's 项目支出明细 table (rules/fundrows.yaml `detail`):

    支出内容（经济科目） | 计划支出数 | 实际支出数
    30399 村专职委员工作补贴 | 21.7 | 21.7
    支出合计 | 21.7 | 21.7

its figures read in the header's order give the project's planned (budget) and actual spending,
however the page flattened the table (one cell per line, `|` rows, or the whole form on one line).
The item rows between the header and the total are not read.
"""
from __future__ import annotations

import regex

from ..model import DocMeta, Document, Fact, Sentence
from ..normalize import Units
from ..rules import RuleSet
from .fundrows import (
    BASIS_COLUMNS,
    Cell,
    cell_decimal,
    last_header_run,
    money_fact,
    sentence_at,
    stated_unit,
)

_REACH = 1500  # the header stands within this many characters above its total row (a dozen item rows)
_FIGURE = regex.compile(r"[0-9０-９][0-9０-９,，]*(?:[.．][0-9０-９]+)?(?=[\s|｜]|$)")
_GAP = regex.compile(r"[\s|｜]*")


def detail_columns(text: str, start: int, end: int, rows) -> tuple[tuple[str, ...], int]:
    """The columns the last header of ``text[start:end]`` names, in its order, and where that header
    starts (((), -1) when there is none)."""
    run = last_header_run(rows.detail_header.finditer(text, start, end))
    if not run:
        return (), -1
    names = dict(rows.detail_columns)
    columns: list[str] = []
    for h in run:
        column = names[regex.sub(r"\s+", "", h.group())]
        if column not in columns:
            columns.append(column)
    return tuple(columns), run[0].start()


def _figures(text: str, at: int, count: int) -> list[Cell] | None:
    """The ``count`` bare figures right after ``at``, with only spaces, line breaks and | between."""
    cells = []
    for _ in range(count):
        at = _GAP.match(text, at).end()
        m = _FIGURE.match(text, at)
        if m is None:
            return None
        cells.append(Cell(m.group(), m.start()))
        at = m.end()
    return cells


def read_detail_totals(document: Document, sentences: list[Sentence], meta: DocMeta, ruleset: RuleSet,
                       units: Units, facts: list[Fact]) -> list[Fact]:
    """The budget and actual of every 项目支出明细 total row under its header: the project's spending,
    in a 项目支出 report only (in a department's report such a table is one of its projects: a part
    of its spending, not the whole); ``facts``: those read so far."""
    rows = ruleset.fundrows
    if rows is None or rows.detail_total is None or meta.report_type != ruleset.project_report:
        return []
    text, out = document.text, []
    taken = {(f.start, f.end) for f in facts}
    metric = rows.project_metric
    previous = 0
    for m in rows.detail_total.finditer(text):
        columns, head = detail_columns(text, max(previous, m.start() - _REACH), m.start(), rows)
        previous = m.end()
        if not columns:
            continue
        cells = _figures(text, m.end(), len(columns))
        if cells is None:
            continue
        quote = text[head:cells[-1].end()]
        stated = stated_unit(text, head, m.start(), units) or units.lookup(rows.unit)
        sentence = sentence_at(sentences, m.start())
        read = [(column, cell) for column, cell in zip(columns, cells)
                if column in BASIS_COLUMNS and (cell.start(), cell.end()) not in taken]
        scale = _agreeing_unit(read, metric, facts, rows, units) or stated
        for column, cell in read:
            fact = money_fact(document, sentence, metric, column, cell, quote, units, scale)
            if fact is not None:
                out.append(fact)
    return out


def _agreeing_unit(read, metric: str, facts: list[Fact], rows, units: Units):
    """Of the table's possible units (rules/fundrows.yaml detail `units`), the one in which a total
    cell is the figure the form already gave for its column (实际支出 (万元) 55 over 支出合计 550000):
    None where the form gave none, or no unit, or more than one, makes them agree."""
    given = {(f.basis.value if f.basis else None, f.value) for f in facts if f.metric == metric}
    agreeing = []
    for name in rows.detail_units:
        scale = units.lookup(name)
        if scale is None:
            continue
        if any((column, cell_decimal(cell) * scale[1]) in given for column, cell in read if cell_decimal(cell) is not None):
            agreeing.append(scale)
    return agreeing[0] if len(agreeing) == 1 else None
