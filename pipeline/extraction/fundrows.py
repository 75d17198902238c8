"""The funds row of a self-evaluation table: 年度资金总额 | 年初预算数 | 全年预算数 | 全年执行数 | 分值 |
执行率 | 得分, read in the template's column order (rules/fundrows.yaml), however the page flattened it
— one cell per line, `|` rows or spaces. It gives the budget, the adjusted budget and the actual of
the report's spending (the project's in a 项目支出 report, the unit's otherwise) and the stated
execution rate, with the row as the quote. The total-score row (总分 | 100 | 95) and a form's
自评得分 cell give the report's own score.
"""
from __future__ import annotations


from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import regex

from ..groups import numbers
from ..holding import opening_at, tried_at
from ..model import DocMeta, Document, Fact, Kind, Sentence, new_fact, replaced
from ..normalize import Units, parse_quantity, plain
from ..rules import RuleSet
from .basis import split_basis
from .unglue import unglue

from ..reading import FUND_ROW_RULE as RULE_ID  # noqa: E402  (restore moves its parts' totals)
BASIS_COLUMNS = ("budget", "adjusted", "actual")  # the template's money columns (rules/fundrows.yaml)
_CELL = regex.compile(r"[^\s|｜]+")  # a cell: the text between spaces, tabs, line breaks and |
_MAX_CELLS = 12  # a row's cells follow its label within this many cells
_HEADER_CHARS = 400  # the column words of a funds row stand within this many characters before it
_HEADER_GAP = 30  # a header's column words stand within this many characters of each other
_NUMBER = regex.compile(r"[0-9０-９][0-9０-９,，.．]*(?:[%％]|\p{Han}{1,3})?")


@dataclass(frozen=True)
class FundRow:
    """A funds row as read: its label span and column → cell (a ``regex`` match), in the layout
    its cells fit; ``parts``: the money cells of the 其中 row under it, by column."""

    label_start: int
    label_end: int
    cells: dict
    parts: dict
    part_label: str = ""

    @property
    def end(self) -> int:
        return max(c.end() for c in self.cells.values())


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` may hold a match of a pattern that cannot match without one of ``words``
    (rules/fundrows.yaml's labels, compiled in pipeline/fundrow_rules.py): most pages hold none, and
    ``in`` finds that sooner than the pattern's scan. No words: no test."""
    return not words or any(w in text for w in words)


def fund_rows(text: str, rows) -> tuple[FundRow, ...]:
    """Every funds row of ``text`` that fits one of the template's layouts (rules/fundrows.yaml).

    The rows of the last text read are kept (the text and the rules held, so their identities stay
    their own): extraction reads the readable text, self-evaluation the original one, and a page
    that reading leaves unchanged is the same text to both."""
    if _LAST[0] is text and _LAST[1] is rows:
        return _LAST[2]
    found = tuple(_fund_rows(text, rows))
    _LAST[:] = [text, rows, found]
    return found


_LAST: list = [None, None, ()]  # the last text read, its rules, its rows


def _fund_rows(text: str, rows) -> list[FundRow]:
    """``fund_rows``, read."""
    out = []
    held = may_hold(text, rows.label_words)  # asked once: the glued rows open with the same labels
    for m in row_matches(rows.label, rows.labels, text) if held else ():
        cells = [c for _, c in zip(range(_MAX_CELLS), _CELL.finditer(text, m.end()))]
        layout, used = _layout_of(cells, rows, text[max(0, m.start() - _HEADER_CHARS):m.start()])
        if layout is None:
            cells, layout, used = _header_after(text, m.end(), rows)
        if layout is None:
            continue  # the cells do not fit the template: read nothing rather than guess
        by_column = dict(zip(layout, cells[:used]))
        parts, part_label = _part_row(text, cells[used:], layout, rows)
        out.append(FundRow(m.start(), m.end(), by_column, parts, part_label))
    taken = [(r.label_start, r.end) for r in out]
    for row in _pair_rows(text, rows) + (_glued_rows(text, rows) if held else []):
        if not any(a < row.end and row.label_start < b for a, b in taken):
            out.append(row)
            taken.append((row.label_start, row.end))
    return out


_ONE_FIGURE = regex.compile(r"[0-9]+(?:\.[0-9]+)?%?")


def _glued_rows(text: str, rows) -> list[FundRow]:
    """Rows an OCR'd page printed with nothing between the cells (年度资金总额1.561.56120, or the
    label, the header's words, then 64.864.864.8100%): the one cut of the run of digits that the
    figures confirm (pipeline/extraction/unglue.py), in the order of the header between the label
    and the run or just above the label where it names a budget, the actual and the rate, else in
    the template's layouts. Asked only of a text that may hold a row label (``may_hold``, asked once
    by ``_fund_rows``)."""
    if rows.glued is None:
        return []
    out = []
    groups = numbers(rows.glued)
    run_at, gap_at = groups["run"], groups["gap"]
    for m in rows.glued.finditer(text):
        run = m.group(run_at)
        if _ONE_FIGURE.fullmatch(run):
            continue  # one figure: a row with its cells apart, read by `fund_rows` or not at all
        header = header_layout(m.group(gap_at), rows) or header_layout(
            text[max(0, m.start() - _HEADER_CHARS):m.start()], rows)
        named = {"actual", "rate"} <= set(header) and bool(set(_BUDGETS) & set(header))
        cut = unglue(run, [header] if named else rows.layouts)
        if cut is None:
            continue
        cells, at = {}, m.start(run_at)
        for column, piece in zip(*cut):
            cells[column] = Cell(piece, at)
            at += len(piece)
        out.append(FundRow(m.start(), m.start(), cells, {}))
    return out


@dataclass(frozen=True)
class Cell:
    """A cell's figure as a ``regex`` match gives it (``group``, ``start``, ``end``)."""

    text: str
    at: int

    def group(self) -> str:
        return self.text

    def start(self) -> int:
        return self.at

    def end(self) -> int:
        return self.at + len(self.text)


_GAP = regex.compile(r"[\s|｜]*")
_RATE_CELL = regex.compile(r"[0-9０-９][0-9０-９.．]*[%％]?(?=[\s|｜]|$)")


_PART_LINES = 6  # the lines of a block's 其中 rows between two of its pairs at most
_PART_PROSE = regex.compile(r"[。；;，,]")
_BORDER = " \t|｜"


def _part_lines(gap: str, rows) -> bool:
    """The 其中 rows a form prints between two pairs of its funds block (实际到位资金 | 80 ⏎ 其中：中央财政 |
    ⏎ 市县财政 | 80 ⏎ 实际支出 | 72): whole lines, the first opening with a `part_prefix` word, a few
    at most, no sentence among them — the block goes on after them."""
    body = gap.strip(_BORDER)
    if not (body.startswith("\n") and body.endswith("\n")) or _PART_PROSE.search(body):
        return False  # the pair's line goes on with something else, or the next pair is not a line's first cell
    lines = [ln.strip(_BORDER) for ln in body.split("\n") if ln.strip(_BORDER)]
    return 0 < len(lines) <= _PART_LINES and lines[0].startswith(tuple(rows.part_prefix))


def _pair_rows(text: str, rows) -> list[FundRow]:
    """Funds blocks of label-then-figure pairs (rules/fundrows.yaml `pairs`): 预算数 6.84 执行数 6.84."""
    if rows.pair_label is None or not may_hold(text, rows.pair_words):
        return []
    columns = dict(rows.pair_columns)
    blocks: list[list] = []
    for m in _pair_matches(text, rows):
        if blocks and (_GAP.fullmatch(text, blocks[-1][-1].end(), m.start())
                       or _part_lines(text[blocks[-1][-1].end():m.start()], rows)
                       or _source_split(text, blocks[-1][-1].end(), m.start(), rows)):
            blocks[-1].append(m)
        else:
            blocks.append([m])
    out = []
    groups = numbers(rows.pair_label)
    label, fig = groups["label"], groups["fig"]
    for block in blocks:
        cells: dict = {}
        for m in block:
            column = columns[m.group(label)]
            if column != "other" and column not in cells:
                cells[column] = Cell(m.group(fig), m.start(fig))
        if "actual" not in cells or not {"budget", "adjusted"} & set(cells):
            continue
        first = block[0].start()
        line_start = text.rfind("\n", 0, first) + 1
        above = text.rfind("\n", 0, max(line_start - 1, 0))
        while above > 0 and not text[above + 1:line_start].strip():  # the last line with words above
            above = text.rfind("\n", 0, above)
        header = text[above + 1:first]
        gap = _GAP.match(text, block[-1].end())
        rate = _RATE_CELL.match(text, gap.end())
        if rate is not None and any(w in header for w in rows.pair_rate_words):
            cells["rate"] = Cell(rate.group(), rate.start())
        out.append(FundRow(first, first, cells, {}))
    return out


def row_matches(pattern, words: tuple[str, ...], text: str):
    """``pattern.finditer(text)`` for a row label (pipeline/fundrow_rules.py ``_row_label``: a line
    start or one of \\n | ｜ space tab before it, spaces or tabs, then one of ``words``), tried only where
    such a match may open: for each start of a word, every place in the run of spaces and tabs before
    it from the first where a match may open (a line start, \\n, | or ｜ before it; else a space or tab)
    — from each the match is the same but for its start, and finditer gives the leftmost one not
    inside the match before (which may end inside the run, its own trailing blanks taken)."""
    starts = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            run = at
            while run > 0 and text[run - 1] in " \t":
                run -= 1
            first = run if run == 0 or text[run - 1] in "\n|｜" else run + 1
            starts.update(range(first, at + 1))  # the first not inside the last match is finditer's
            at = text.find(word, at + 1)
    return tried_at(pattern, text, starts)


def _pair_matches(text: str, rows):
    """``rows.pair_label.finditer(text)``, the pattern tried only where a pair label starts: its match
    opens with its label (pipeline/fundrow_rules.py builds it so, after a look-behind)."""
    return opening_at(rows.pair_label, [word for word, _column in rows.pair_columns], text)


def _source_split(text: str, start: int, end: int, rows) -> bool:
    """Between two pairs, the 其中 rows of the first (实际到位资金(万元) 400 其中:省财政 … 县财政 400 …
    实际支出(万元) 400: a form's sources of the funds received, dumped on the pairs' own line — whole
    lines of them are `_part_lines`): the gap opens with a `part_prefix` word and holds only short cells
    (省财政, 县财政 400), so the block goes on after it; prose between two pairs ends the block."""
    gap = text[start:end]
    return bool(rows.part_prefix) and len(gap) <= _SPLIT_CHARS and "\n\n" not in gap \
        and gap.lstrip(" \t\n|｜").startswith(rows.part_prefix) \
        and all(len(cell) <= _SPLIT_CELL for cell in _CELL.findall(gap))


_SPLIT_CHARS = 300  # the 其中 rows between two pairs of one block stand within this many characters
_SPLIT_CELL = 12  # and each of their cells is a short word or a figure


_HEADER_TAIL = regex.compile(r"[^\s0-9０-９]*")  # what the header's last word runs on with: (20 分*执行率)


def _header_after(text: str, at: int, rows) -> tuple[list, tuple[str, ...] | None, int]:
    """A label whose header follows it (a PDF dump prints the row label, then the header, then the
    cells): the first run of column words after the label, naming the rate, and the cells right after
    it, read in its order where they fit."""
    if rows.header is None:
        return [], None, 0
    hits = list(rows.header.finditer(text, at, min(len(text), at + _HEADER_CHARS)))
    if not hits:
        return [], None, 0
    run = [hits[0]]
    for h in hits[1:]:
        if h.start() - run[-1].end() > _HEADER_GAP:
            break
        run.append(h)
    layout = header_layout(text[run[0].start():run[-1].end()], rows)
    if "rate" not in layout:
        return [], None, 0
    start = _HEADER_TAIL.match(text, run[-1].end()).end()
    cells = [c for _, c in zip(range(_MAX_CELLS), _CELL.finditer(text, start))]
    if not cells or not _is_number(cells[0]):
        return [], None, 0
    fit, used = _fit(cells, layout)
    return cells, fit, used


def _is_number(cell) -> bool:
    return _NUMBER.fullmatch(cell.group()) is not None


def _layout_of(cells, rows, before: str) -> tuple[tuple[str, ...] | None, int]:
    """The layout the cells fit, and how many cells of it the row fills: the header's order where
    the page prints a header above the row (and nothing when the cells do not fit it), else the
    first of the template's layouts that fits."""
    header = header_layout(before, rows)
    if header:
        return _fit_with_blank(cells, header) if "rate" in header else (None, 0)
    for layout in rows.layouts:
        if "rate" in layout and (fit := _fit(cells, layout, by_count=False))[0] is not None:
            return fit
    rate_at = _rate_at(cells)
    if rate_at is None and len(cells) >= len(rows.columns) and all(_is_number(c) for c in cells[:len(rows.columns)]) \
            and (len(cells) == len(rows.columns) or not _is_number(cells[len(rows.columns)])):
        rate = max((before.rfind(w) for w in rows.rate_words), default=-1)
        weight = max((before.rfind(w) for w in rows.weight_words), default=-1)
        if rate < 0 or weight < 0:
            return None, 0
        rate_first = [lay for lay in rows.layouts if "rate" in lay and "weight" in lay
                      and (lay.index("rate") < lay.index("weight")) == (rate < weight)]
        return (rate_first[0], len(rate_first[0])) if rate_first else (None, 0)
    return None, 0


def _fit_with_blank(cells, layout: tuple[str, ...]) -> tuple[tuple[str, ...] | None, int]:
    """The header's order, or that order less one column no fact comes from (``other``) that the
    row left blank (统筹整合资金数 | 到位数 of a row with no such money): the first such column
    after the row's first money column that makes the cells fit, and only where the figures
    confirm the reading — the rate cell is the actual over a budget cell, to its printed
    precision. A row prints its leading columns (行次) in full, so a blank ``other`` is looked for
    only inside the row; one of two budget columns may be left blank (年初预算数 of a row that
    states only 全年预算数); else the rate column left blank (``_blank_rate``)."""
    fit = _fit(cells, layout)
    if fit[0] is not None or len(layout) <= len(BASIS_COLUMNS):
        return fit
    first_money = next((i for i, c in enumerate(layout) if c in BASIS_COLUMNS), len(layout))
    for i in range(first_money, layout.index("rate")):
        rest = layout[:i] + layout[i + 1:]
        blank_other = layout[i] == "other" and i > first_money
        blank_budget = layout[i] in _BUDGETS and any(c in _BUDGETS for c in rest)  # 年初预算数 left blank
        if (blank_other or blank_budget) and (fit := _fit(cells, rest))[0] is not None:
            if _rate_agrees(dict(zip(fit[0], cells[:fit[1]]))):
                return fit
            break  # the figures do not confirm that reading: perhaps the rate is what the row left blank
    return _blank_rate(cells, layout)


def _blank_rate(cells, layout: tuple[str, ...]) -> tuple[tuple[str, ...] | None, int]:
    """The header's order less its rate column, where the row left the rate blank (年度资金总额: 880
    880 880 10 10): only where no cell is a % cell, the row's numbers are exactly the other
    columns, and the figures confirm the reading — the score is the weight times the actual over
    a budget cell, to the point (the template's rule, floored or rounded)."""
    rest = tuple(c for c in layout if c != "rate")
    n = len(rest)
    if _rate_at(cells, layout) is not None or not {"weight", "score", "actual"} <= set(rest) or len(cells) < n \
            or not all(_is_number(c) for c in cells[:n]) or (len(cells) > n and _is_number(cells[n])):
        return None, 0
    row = dict(zip(rest, cells[:n]))
    weight, score, actual = (cell_decimal(row[c]) for c in ("weight", "score", "actual"))
    if None in (weight, score, actual):
        return None, 0
    for base in (cell_decimal(row.get(c)) for c in _BUDGETS):
        if base and abs(weight * min(actual / base, Decimal(1)) - score) <= 1:
            return rest, n
    return None, 0


_BUDGETS = ("budget", "adjusted")


def _rate_agrees(row: dict) -> bool:
    """The rate cell (74.38%) is the actual cell over the budget or adjusted cell, rounded as printed."""
    rate, actual = cell_decimal(row.get("rate")), cell_decimal(row.get("actual"))
    if rate is None or actual is None:
        return False
    digits = row["rate"].group().rstrip("%％")
    step = Decimal(1).scaleb(-len(digits.split(".")[1]) if "." in digits else 0)
    for base in (cell_decimal(row.get(c)) for c in ("budget", "adjusted")):
        if base and abs(actual / base * 100 - rate) <= step:
            return True
    return False


def rate_quantity(cells: dict, units: Units):
    """The 执行率 cell of a row as a ratio. Written without its %, it is a percentage (98.5) or a
    fraction (0.958): a fraction where it is at most 1 and the actual over the budget is nearer
    to it than to its hundredth (or no amounts stand in the row)."""
    cell = cells["rate"]
    rate = parse_quantity(cell.group(), units)
    if rate is None or rate.unit != "":
        return rate
    value = cell_decimal(cell)
    if value is not None and 0 < value <= 1:
        actual = cell_decimal(cells.get("actual"))
        ratios = [actual / base for base in (cell_decimal(cells.get(c)) for c in ("budget", "adjusted"))
                  if actual is not None and base]
        if not ratios or min(abs(r - value) for r in ratios) < min(abs(r - value / 100) for r in ratios):
            return parse_quantity(format((value * 100).normalize(), "f") + "%", units)  # its printed precision
    return parse_quantity(cell.group() + "%", units)


def cell_decimal(cell) -> Decimal | None:
    if cell is None:
        return None
    try:
        return Decimal(cell.group().rstrip("%％").replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def _rate_at(cells, layout: tuple[str, ...] = ()) -> int | None:
    """The first % cell that does not stand in a column no fact comes from (预算到位 D/C×100%)."""
    return next((i for i, c in enumerate(cells) if c.group().endswith(("%", "％"))
                 and not (i < len(layout) and layout[i] == "other")), None)


def _fit(cells, layout: tuple[str, ...], by_count: bool = True) -> tuple[tuple[str, ...] | None, int]:
    """How many cells fill ``layout``: the first % cell (outside its ``other`` columns) is its
    rate cell and number cells come before it; a row with no % cell (执行率 written 100) fits
    when ``by_count`` and its cells are exactly the layout's numbers."""
    at, rate_at = layout.index("rate"), _rate_at(cells, layout)
    if rate_at is not None:
        if rate_at != at or not all(_is_number(c) for c in cells[:at]):
            return None, 0
        used = at + 1
        while used < len(layout) and used < len(cells) and _is_number(cells[used]):
            used += 1  # the weight and score after the rate, where stated
        return layout, used
    n = len(layout)
    if by_count and len(cells) >= n and all(_is_number(c) for c in cells[:n]) \
            and (len(cells) == n or not _is_number(cells[n])):
        return layout, n
    return None, 0


def last_header_run(hits) -> list:
    """The last run of a header's column-word matches (each within ``_HEADER_GAP`` of the next), in
    their order; [] when there is none."""
    hits = list(hits)
    if not hits:
        return []
    run = [hits[-1]]
    for h in reversed(hits[:-1]):
        if run[0].start() - h.end() > _HEADER_GAP:
            break
        run.insert(0, h)
    return run


def header_layout(before: str, rows) -> tuple[str, ...]:
    """The columns the header just above a funds row names, in its order (rules/fundrows.yaml
    `header`): the last run of column words, each column once (得分（20分*执行率）names 得分)."""
    if rows.header is None:
        return ()
    run = last_header_run(rows.header.finditer(before))
    if not run:
        return ()
    names = dict(rows.header_columns)
    layout: list[str] = []
    for h in run:
        column = names[regex.sub(r"\s+", "", h.group())]
        if column == "skip":
            continue
        if column == "other" or column not in layout:
            layout.append(column)
    return tuple(layout)


def _part_row(text: str, rest, layout, rows) -> tuple[dict, str]:
    """其中：本年财政拨款 | 90 | 89.974 | 89.974 right after the row: its money cells by column (the
    readable text may have joined the label and the first figure: 财政拨款90)."""
    if not rest or not rows.part_prefix or not rest[0].group().startswith(tuple(rows.part_prefix)):
        return {}, ""
    label = rest[0]
    digit = regex.search(r"[0-9０-９]", label.group())
    label_end = label.start() + digit.start() if digit else label.end()
    # its cells in the row's own columns, up to the last money column (行次 2 | 52.8 | …)
    span = max((i for i, c in enumerate(layout) if c in BASIS_COLUMNS), default=-1) + 1
    cells = [c for _, c in zip(range(span), _CELL.finditer(text, label_end))]
    if not span or len(cells) < span or not all(_is_number(c) for c in cells):
        return {}, ""
    return {col: c for col, c in zip(layout, cells) if col in BASIS_COLUMNS}, text[label.start():label_end]


def read_fund_rows(document: Document, sentences: list[Sentence], meta: DocMeta, ruleset: RuleSet,
                   units: Units, taken: set[tuple[int, int]]) -> list[Fact]:
    """The facts of every funds row that fits its template (rules/fundrows.yaml)."""
    rows = ruleset.fundrows
    if rows is None or "rate" not in rows.columns:
        return []
    text = document.text
    out: list[Fact] = []
    metric = rows.project_metric if meta.report_type == ruleset.project_report else rows.metric
    for row in fund_rows(text, rows):
        sentence = sentence_at(sentences, row.label_start)
        quote = text[row.label_start:row.end]
        scale = stated_unit(text, row.label_start, row.end, units) or units.lookup(rows.unit)
        totals = {}
        for column, cell in row.cells.items():
            if column not in BASIS_COLUMNS or (cell.start(), cell.end()) in taken:
                continue
            fact = money_fact(document, sentence, metric, column, cell, quote, units, scale)
            if fact is not None:
                out.append(fact)
                totals[column] = fact
        if "rate" in row.cells:
            cell = row.cells["rate"]
            rate = rate_quantity(row.cells, units)
            if rate is not None and rate.unit == "ratio":
                out.append(_fact(document, sentence, "budget.execution_rate", rate.value, "ratio", "rate",
                                 cell, quote, rate))
        parts = {column: money_fact(document, sentence, metric, column, cell, text[row.end:cell.end()].strip(), units,
                                scale) for column, cell in row.parts.items()}
        # a row of 0 over a 其中 row that is not: the 其中 row holds the amounts, the 0 stays as the
        # stated total (a `zero` finding links the two)
        zero_total = bool(totals) and all(f.value == 0 for f in totals.values()) \
            and any(p is not None and p.value != 0 for p in parts.values())
        for column, part in parts.items():
            total = totals.get(column)
            if total is not None and part is not None:
                out.append(replaced(part, kind=Kind.LEVEL if zero_total else Kind.PART, group=total.start,
                                   label=row.part_label))
        if zero_total:
            out = [replaced(f, kind=Kind.TOTAL) if any(f is t for t in totals.values()) else f for f in out]
    return out + _score_rows(document, sentences, rows, units, taken) + _score_cells(document, sentences, ruleset, units,
                                                                                      taken)


_UNIT_NOTE = regex.compile(r"[(（]\s*(\p{Han}{1,3})\s*[)）]")


def stated_unit(text: str, at: int, end: int, units: Units) -> tuple[str, Decimal] | None:
    """The money unit a funds row states (计划安排资金 (万元) 55) or the table states above it
    (项目资金 (元), 预算执行情况(万元)): the first bracketed money unit in the row, else the last
    within a header's reach before it; else None (the template's)."""
    inside = list(_UNIT_NOTE.finditer(text, at, end))
    for m in inside + list(reversed(list(_UNIT_NOTE.finditer(text, max(0, at - _HEADER_CHARS), at)))):
        found = units.lookup(m.group(1))
        if found is not None and found[0] == "yuan":
            return found
    return None


def money_fact(document, sentence, metric, column, cell, quote, units, scale) -> Fact | None:
    q = parse_quantity(cell.group(), units)
    if q is None:
        return None
    value, unit = q.value, q.unit
    if unit == "" and scale is not None:  # the header's unit (万元); a cell with its own 万 (3359.62万) is scaled
        value, unit = (value * scale[1] if cell_decimal(cell) is not None else value), scale[0]
    if unit != "yuan":
        return None
    return _fact(document, sentence, metric, value, unit, column, cell, quote, q)


def _score_rows(document: Document, sentences: list[Sentence], rows, units: Units, taken) -> list[Fact]:
    """总分 | 100 | 82.97: the report's own total score, when the row's first cell is the full marks."""
    if rows.score_label is None or not may_hold(document.text, rows.score_words):
        return []
    text, out = document.text, []
    for m in row_matches(rows.score_label, rows.score_labels, text):
        cells = [c for _, c in zip(range(2), _CELL.finditer(text, m.end()))]
        if _marks_in_label(m, rows, units) and cells and (len(cells) < 2 or not _is_number(cells[1])):
            cells = [m, cells[0]]  # 总分(100分) | 96: the label states the full marks
        if len(cells) < 2 or (cells[1].start(), cells[1].end()) in taken:
            continue
        full, score = (parse_quantity(c.group("note") if c is m else c.group(), units) for c in cells)
        if full is None or score is None or {full.unit, score.unit} - {"", "point"} or full.value != rows.full_marks \
                or not 0 <= score.value <= rows.full_marks:
            continue
        quote = text[m.start():cells[1].end()]
        out.append(_fact(document, sentence_at(sentences, m.start()), rows.score_metric, score.value, "point",
                         "score", cells[1], quote, score))
    return out


def _marks_in_label(label, rows, units: Units) -> bool:
    """The total row's label states the full marks in its bracket (总分(100分))."""
    note = label.group("note")
    marks = parse_quantity(note, units) if note else None
    return marks is not None and marks.unit in ("", "point") and marks.value == rows.full_marks


_LINE = regex.compile(r"^[ \t]*(\S(?:.*\S)?)[ \t]*$", regex.M)  # a line's text, its ends trimmed
_FORM_CELL = 16  # a form cell standing alone on its line holds this many characters at most


def _score_cells(document: Document, sentences: list[Sentence], ruleset: RuleSet, units: Units, taken) -> list[Fact]:
    """自评得分 ⏎ 省级财政部门 ⏎ 四川省财政厅 ⏎ … ⏎ 100: the report's own total in a form whose value
    cell spans the rows beside it (rules/fundrows.yaml ``score_cell``) — not where the cells after
    the label are an indicator table's header or level names (rules/indicators.yaml); and a
    report's numbered heading naming it, its figure with its points word on the next line
    ((一)自评得分 ⏎ 100分。)."""
    rows, vocab = ruleset.fundrows, ruleset.indicators
    if rows.score_cell is None or rows.header is None or not may_hold(document.text, rows.score_cell_words):
        return []
    text, out = document.text, []
    low, high = rows.score_between
    for m in rows.score_cell.finditer(text):
        words = 0
        for line in _LINE.finditer(text, m.end()):
            cell = line.group(1)
            if _is_number(Cell(cell, line.start(1))):
                q = parse_quantity(cell, units)
                if low <= words and q is not None and q.unit in ("", "point") and 0 <= q.value <= rows.full_marks \
                        and (line.start(1), line.end(1)) not in taken:
                    out.append(_fact(document, sentence_at(sentences, m.start()), rows.score_metric, q.value,
                                     "point", "score", Cell(cell, line.start(1)), text[m.start():line.end(1)], q))
                break
            words += 1
            if words > high or len(cell) > _FORM_CELL or rows.header.search(cell) or rows.score_cell.match(cell) \
                    or (vocab is not None and (vocab.is_header_cell(cell) or vocab.block_of(cell) or vocab.is_level2(cell))):
                break
    fig = numbers(rows.score_heading)["fig"] if rows.score_heading is not None else 0
    for m in rows.score_heading.finditer(text) if rows.score_heading is not None else ():
        cell = Cell(m.group(fig), m.start(fig))
        q = parse_quantity(cell.text, units)
        if q is not None and q.unit in ("", "point") and 0 <= q.value <= rows.full_marks \
                and (cell.start(), cell.end()) not in taken:
            out.append(_fact(document, sentence_at(sentences, m.start()), rows.score_metric, q.value, "point",
                             "score", cell, text[m.start():m.end()].strip(), q))
    return out


def _fact(document, sentence, metric, value, unit, column, cell, quote, q) -> Fact:
    basis, qualifier = split_basis(column if column in BASIS_COLUMNS else None, None)
    return new_fact(doc=document.doc, metric=metric, value=plain(value), unit=unit, kind=Kind.LEVEL, approx=q.approx,
                basis=basis, qualifier=qualifier, quote=quote, start=cell.start(),
                end=cell.end(), rule_id=RULE_ID, section=sentence.section if sentence else "",
                sentence_index=sentence.index if sentence else -1, raw=cell.group(), step=q.step, label=column)


def sentence_at(sentences: list[Sentence], pos: int) -> Sentence | None:
    return next((s for s in sentences if s.start <= pos < s.end), None)
