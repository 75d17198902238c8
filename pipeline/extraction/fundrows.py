"""The funds row of a self-evaluation table: 年度资金总额 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 |
执行率 | 得分, read in the template's column order (rules/fundrows.yaml), however the page flattened it
— one cell per line, `|` rows or spaces. It gives the budget, the adjusted budget and the actual of
the report's spending (the project's in a 项目支出 report, the unit's otherwise) and the stated
execution rate, with the row as the quote.
"""
from __future__ import annotations


import regex

from ..model import DocMeta, Document, Fact, Kind, Sentence
from ..normalize import Units, parse_quantity, plain
from ..rules import RuleSet
from .basis import split_basis

RULE_ID = "table.fund_row"
BASIS_COLUMNS = ("budget", "adjusted", "actual")  # the template's money columns (rules/fundrows.yaml)
_CELL = regex.compile(r"[^\s|｜]+")  # a cell: the text between spaces, tabs, line breaks and |
_MAX_CELLS = 12  # a row's cells follow its label within this many cells


def read_fund_rows(document: Document, sentences: list[Sentence], meta: DocMeta, ruleset: RuleSet,
                   units: Units, taken: set[tuple[int, int]]) -> list[Fact]:
    """The facts of every funds row that fits its template (rules/fundrows.yaml)."""
    rows = ruleset.fundrows
    if rows is None or "rate" not in rows.columns:
        return []
    text = document.text
    out: list[Fact] = []
    metric = rows.project_metric if meta.report_type == ruleset.project_report else rows.metric
    scale = units.lookup(rows.unit)
    for m in rows.label.finditer(text):
        cells = []
        for c in _CELL.finditer(text, m.end()):
            cells.append(c)
            if len(cells) >= _MAX_CELLS or (c.group().endswith(("%", "％"))):
                break
        rate_at = next((i for i, c in enumerate(cells) if c.group().endswith(("%", "％"))), None)
        money_cols = rows.columns[:rows.columns.index("rate")]
        if rate_at is None or rate_at != len(money_cols):
            continue  # the cells do not fit the template: read nothing rather than guess
        quantities = [parse_quantity(c.group(), units) for c in cells[:rate_at + 1]]
        if any(q is None for q in quantities):
            continue
        sentence = _sentence_at(sentences, m.start())
        quote = text[m.start():cells[rate_at].end()]
        for column, cell, q in zip(money_cols, cells, quantities):
            if column not in BASIS_COLUMNS or (cell.start(), cell.end()) in taken:
                continue
            value, unit = q.value, q.unit
            if unit == "" and scale is not None:
                value, unit = value * scale[1], scale[0]
            if unit != "yuan":
                continue
            out.append(_fact(document, sentence, metric, value, unit, column, cell, quote, q))
        rate = quantities[rate_at]
        if rate.unit == "ratio":
            out.append(_fact(document, sentence, "budget.execution_rate", rate.value, "ratio", "rate",
                             cells[rate_at], quote, rate))
    return out + _score_rows(document, sentences, rows, units, taken)


def _score_rows(document: Document, sentences: list[Sentence], rows, units: Units, taken) -> list[Fact]:
    """总分 | 100 | 82.97: the report's own total score, when the row's first cell is the full marks."""
    if rows.score_label is None:
        return []
    text, out = document.text, []
    for m in rows.score_label.finditer(text):
        cells = [c for _, c in zip(range(2), _CELL.finditer(text, m.end()))]
        if len(cells) < 2 or (cells[1].start(), cells[1].end()) in taken:
            continue
        full, score = (parse_quantity(c.group(), units) for c in cells)
        if full is None or score is None or {full.unit, score.unit} - {"", "point"} or full.value != rows.full_marks \
                or not 0 <= score.value <= rows.full_marks:
            continue
        quote = text[m.start():cells[1].end()]
        out.append(_fact(document, _sentence_at(sentences, m.start()), rows.score_metric, score.value, "point",
                         "score", cells[1], quote, score))
    return out


def _fact(document, sentence, metric, value, unit, column, cell, quote, q) -> Fact:
    basis, qualifier = split_basis(column if column in BASIS_COLUMNS else None, None)
    return Fact(doc=document.doc, metric=metric, value=plain(value), unit=unit, kind=Kind.LEVEL, approx=q.approx,
                basis=basis, qualifier=qualifier, quote=quote, start=cell.start(),
                end=cell.end(), rule_id=RULE_ID, section=sentence.section if sentence else "",
                sentence_index=sentence.index if sentence else -1, raw=cell.group(), step=q.step, label=column)


def _sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    return next((s for s in sentences if s.start <= pos < s.end), None)
