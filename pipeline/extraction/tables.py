"""Figures that stand beside their label instead of in a sentence.

Several layouts, one idea — a cell (or line) whose text is a metric label (rules/labels.yaml),
and a figure next to it:

* table rows (.docx/.pdf tables, and text lines of tab- or space-separated cells):
  the figure is in the next cell, or — when the header names 预算数/决算数 columns — in each
  column whose header gives its basis;
* form lines: a line holding only a label, and the next line holding only a figure
  (人员编制 / 59);
* ``label：figure`` lines (在职人数：57人), a 其中 before the label too (其中:基本支出:900.47);
* forms dumped with single spaces, rows running on through line breaks (经费控制情况 2017年决算数
  2018年预算数 2018年决算数 三公经费 29.08 63.46 44.29 …): a row is a label and one figure per column;
* a flattened table of money by year (年度 | 市本级支出 | … | 2022 | 18273.72): the report year's row
  (common.yaml tables.year_rows).

A bare number takes its unit from the cell, the label (基本支出（万元）), its column header,
or the table's unit line (金额单位：万元 / 收支情况表（单位：万元）); a count metric with no
unit anywhere takes its canonical unit. Money with no unit anywhere is not read: guessing
元 or 万元 would be wrong by 10,000 half of the time.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import regex

from ..groups import numbers
from ..memo import Bounded, per_object
from ..model import Basis, DocMeta, Document, Fact, Kind, Sentence, new_fact, replaced
from ..normalize import Units, parse_quantity, parse_unit_header, plain
from ..rules import RuleSet, normalize_label
from ..segment import year_mentions
from .basis import ADJUSTED_BASIS, nearest_basis, split_basis
from .labelgate import may_name
from .labels import last_label_in, lookup_label, remembered

_SPLIT = regex.compile(r"\t+|[ \u3000]{2,}|[ \t\u3000]*[|｜]+[ \t\u3000]*")
_BRACKET_UNIT = regex.compile(r"[（(](?:金额)?(?:单位[：:])?\s*(万元|亿元|千元|元|万亩|亩|公顷|人|名|户|栋|幢|个|件|起|批次|套|[%％])[）)]")
_COMPARATORS = ("≥", "≤", "＞", "＜", ">", "<", "=", "＝", "不少于", "不低于", "不超过", "不高于")
_APPROX, _MORE, _SCALES = ("近", "约", "超过"), ("余", "多"), ("万", "亿", "千")
_FIGURE_UNITS = ("元", "亩", "公顷", "人", "名", "户", "栋", "幢", "个", "件", "起", "批次", "次", "宗", "份", "套", "项",
                 "分", "%", "％")
_DIGITS = "0123456789０１２３４５６７８９"


def _any_of(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(regex.escape(w) for w in words) + ")"


_COMPARATOR = _any_of(_COMPARATORS)
# on the standard library's engine (cheaper per call than the regex package's; the pattern is literals,
# classes of listed characters and optional parts, read alike by both)
_BARE_FIGURE = re.compile(
    r"[ \t\u3000|｜]*" + _COMPARATOR + r"?[ \t\u3000]*" + _any_of(_APPROX) + r"?[ \t\u3000]*[0-9０-９][0-9０-９,，.．]*"
    r"[ \t\u3000]*" + _any_of(_MORE) + r"?[ \t\u3000]*" + _any_of(_SCALES) + r"?[ \t\u3000]*" + _any_of(_FIGURE_UNITS)
    + r"?[ \t\u3000|｜]*"
)
# the characters a text matching _BARE_FIGURE can open and close with, once strip() has taken its spaces
# (derived from the words the pattern is built from): a bar, a comparator, an approximation word or a digit
# first; a bar, a unit, a scale or 余/多 word's last character, or the figure's own last character last
_FIGURE_OPENS = frozenset("|｜" + _DIGITS + "".join(w[0] for w in _COMPARATORS + _APPROX))
_FIGURE_CLOSES = frozenset("|｜,，.．" + _DIGITS + "".join(w[-1] for w in _FIGURE_UNITS + _SCALES + _MORE))
# every character a text matching _BARE_FIGURE can hold (derived from the same words): a line holding
# another (2019年, 支出) is no bare figure, known without the pattern's backtracking over its optional parts
_FIGURE_CHARS = frozenset(" \t\u3000|｜,，.．" + _DIGITS + "".join(_COMPARATORS + _APPROX + _MORE + _SCALES + _FIGURE_UNITS))
_LABEL_COLON = regex.compile(r"(?P<label>[^：:，。；0-9]{2,20})[：:][ \t\u3000]*(?P<fig>.+?)[；;。，,]?")
_COLON_LABEL, _COLON_FIG = numbers(_LABEL_COLON)["label"], numbers(_LABEL_COLON)["fig"]  # read by number
FORM_LABEL_CHARS = 30  # a label cell or line is short: longer ones are not looked up
_LEADING_COMPARATOR = regex.compile(_COMPARATOR + r"[ \t\u3000]*")
TARGET_COLUMN = "target"  # a column of goals (年度目标值): beside the bases a header can give
RULE_TABLE = "table.label_cell"
RULE_FORM = "form.label_line"
RULE_COLON = "form.label_colon"
RULE_SPACED = "form.spaced_row"


@dataclass(frozen=True, slots=True)
class CellText:
    """A cell's span (document offsets) and its text."""

    start: int
    end: int
    text: str


def extract_tabular(document: Document, sentences: list[Sentence], meta: DocMeta, ruleset: RuleSet,
                    units: Units, taken: set[tuple[int, int]] = frozenset()) -> list[Fact]:
    """Facts from table rows, form lines and label：figure lines not already read as prose."""
    starts: list[int] = []  # the sentences' starts, listed at the first fact (most pages give none)

    def sentence_at(pos: int) -> Sentence | None:
        if not starts:
            starts.extend(s.start for s in sentences)
        i = bisect_right(starts, pos) - 1
        return sentences[i] if i >= 0 and sentences[i].start <= pos < sentences[i].end else None

    out: list[Fact] = []
    seen = set(taken)
    metric_of = _label_metrics(ruleset).__getitem__  # a label cell or line → its metric, once a run

    def emit(metric: str, cell: CellText, unit_hint: tuple[str, Decimal] | None, basis: str | None,
             rule_id: str, label: str, quote: tuple[Sentence, Sentence] | None = None, head: str = "") -> None:
        if (cell.start, cell.end) in seen:
            return
        sentence = sentence_at(cell.start)
        if quote is not None:  # a form: the quote spans the label line and the figure line
            first, last = quote
            sentence = Sentence(first.doc, first.section, first.index, first.start, last.end,
                                document.text[first.start:last.end], "form")
        fact = _fact(metric, cell, unit_hint, basis, rule_id, label, sentence, ruleset, units)
        if fact is not None and fact.kind == Kind.LEVEL:
            fact = _of_column_year(fact, head, meta.year)
        if fact is not None:
            seen.add((cell.start, cell.end))
            out.append(fact)

    for rows, caption_unit, caption in _tables(document, sentences, units):
        header: list[str] | None = None
        subject = last_label_in(caption, ruleset)  # “三公”经费预算及执行情况：its 合计 row is 三公经费
        for row in rows:
            if header is None and not any(is_figure(c.text) for c in row):
                header = [c.text for c in row]
                continue
            for i, cell in enumerate(row):
                metric = metric_of(cell.text) if len(cell.text) <= FORM_LABEL_CHARS else None
                if metric is None and subject and normalize_label(cell.text) in ruleset.tables.total_rows:
                    metric = subject
                if metric is None:
                    continue
                label_unit = _bracket_unit(cell.text, units)
                targets = _value_cells(row, i, header, ruleset)
                for j, basis in targets:
                    head_text = header[j] if header and len(header) == len(row) else ""
                    hint = label_unit or _bracket_unit(head_text, units) or caption_unit
                    emit(metric, row[j], hint, basis or _label_basis(cell.text, ruleset), RULE_TABLE, cell.text,
                         head=head_text)

    lines = [s for s in sentences if s.kind in ("prose", "heading", "row")]
    last_heads = None  # (columns, line, (headers, title)) of the last flattened row read
    year = str(meta.year) if meta.year is not None else None  # a year row's line holds the report's year
    for k, line in enumerate(lines[:-1]):
        if len(line.text) > FORM_LABEL_CHARS:
            continue
        metric = metric_of(line.text)
        if metric is None:
            found, row = _year_row(lines, k, meta, ruleset) if year is not None and year in line.text else ([], [])
            if found:
                hint = _unit_above(sentences, line.index, units) or (
                    _unit_in_prose(document.text, [v.text for v in row], units) if row else None)
            for metric, value, head in found:
                emit(metric, CellText(value.start, value.end, value.text), hint,
                     _header_basis(head.text, ruleset), RULE_FORM, head.text, quote=(line, value))
            continue
        values = _figure_lines(lines, k + 1)
        if not values:
            continue
        hint = _bracket_unit(line.text, units) or _unit_above(sentences, line.index, units)
        if len(values) == 1:
            bases, heads = [_label_basis(line.text, ruleset)], [""]
        else:  # a table flattened one cell per line: 基本支出 / 486.00 / 502.30 / 497.18
            found = _line_headers(lines, k, len(values))
            if found is not None and not any(_header_basis(h, ruleset) for h in found[0]):
                found = None  # not headers (……, 3、省级专项资金): rows the page left blank
            if found is None and last_heads is not None and last_heads[0] == len(values) and k - last_heads[1] <= _BLANK_ROWS_REACH:
                found = last_heads[2]  # rows left blank above (1、业务工作经费 / 2、运行维护经费) do not end the table
            if found is None:  # cells left blank (因公出国(境)费 | 20 | |) above: the nearest run of headers
                found = _headers_above(lines, k, len(values), ruleset)
            if found is None:
                continue
            heads, title = found
            last_heads = (len(values), k, found)
            hint = hint or _line_unit(title, units)
            bases = [_header_basis(h, ruleset) for h in heads]
        for value, basis, head in zip(values, bases, heads):
            if len(values) > 1 and basis is None:
                continue
            emit(metric, CellText(value.start, value.end, value.text), hint, basis, RULE_FORM, line.text,
                 quote=(line, value), head=head)

    for metric, cell, head, hint in _spaced_rows(document.text, ruleset, units):
        emit(metric, cell, hint, _header_basis(head, ruleset), RULE_SPACED, metric, head=head)

    opener = _part_opener(ruleset)
    for line in lines:
        if "：" not in line.text and ":" not in line.text:
            continue  # no label：figure line
        lead = m.end() if opener is not None and (m := opener.match(line.text, None, None, False)) else 0  # 其中:基本支出:900.47
        m = _LABEL_COLON.fullmatch(line.text, lead, None, False)
        if not m or not is_figure(fig := m.group(_COLON_FIG)):
            continue
        label = m.group(_COLON_LABEL)
        metric = metric_of(label)
        if metric is None:
            continue
        start, end = m.span(_COLON_FIG)
        cell = CellText(line.start + start, line.start + end, fig)
        hint = _bracket_unit(label, units) or _unit_above(sentences, line.index, units)
        emit(metric, cell, hint, _label_basis(label, ruleset), RULE_COLON, label)
    return out


# a word of a dumped form: a year's column header (2018年决算数), a numbered label (1、公务接待), a figure,
# or a run of words — the reading stage joins a label and its figure (三公经费29.08), so they split here.
# A word is a figure (``is_figure``) exactly when it is the third kind (group ``fig``): the others hold no
# digit, or a digit followed by 年 or 、 . ) (no figure)
_TOKEN = regex.compile(r"(?:19|20)[0-9]{2}年度?[^\s0-9０-９|｜]+|[0-9０-９]{1,2}[、.．)）]\p{Han}[^\s0-9０-９|｜]*"
                       r"|(?P<fig>[0-9０-９][0-9０-９,，.．]*[%％]?)|[^\s0-9０-９|｜]+")
_SPACED_HEAD_CHARS = 12  # a column header of a form dumped with single spaces is a short word
_SPACED_ROW_TOKENS = 200  # a dumped table's rows stand within this many words after its header
_SPACED_UNIT_CHARS = 200  # its unit line (单位:万元) stands within this many characters before the header


def _spaced_rows(text: str, ruleset: RuleSet, units: Units):
    """(metric, figure cell, its column header, unit) of a form dumped with single spaces, its rows
    run on through line breaks (经费控制情况 2017年决算数 2018年预算数 2018年决算数 三公经费 29.08 63.46
    44.29 1、公务用车购置和维护经费 11.86 41.46 39.30 …): a run of two or more column headers, each naming
    a basis, and after it rows of label words each followed by exactly as many figures as there are
    columns. A row with fewer or more figures is not read (which column it left blank is unknown); a
    label too long for a cell ends the table. Most pages hold no two such headers side by side
    (``_spaced_gate``): they are not tokenized, and a page that does is tokenized from the line of
    the first pair on (no run of headers starts before it)."""
    words, pair = _spaced_gate(ruleset)
    hits = [m.start() for m in words.finditer(text)]
    first = next((at for at in hits if pair.match(text, at)), None)
    if first is None:
        return
    begin = text.rfind("\n", 0, first) + 1
    tokens = list(_TOKEN.finditer(text, begin, None, False, False))
    heads_at = _may_head(tokens, text, begin, words, ruleset, [at for at in hits if at >= begin])
    figure: list[bool] = []  # is_figure of each word, by the kind it matched (listed at the first run)

    i = 0
    for at in sorted(k for k, h in heads_at.items() if h):  # where a run of two or more headers may start
        if at < i or not heads_at.get(at + 1):
            continue
        i = run = at
        while heads_at.get(run):
            run += 1
        if not figure:
            figure = [t.lastgroup is not None for t in tokens]
        heads = [t.group() for t in tokens[i:run]]
        before = text[max(0, tokens[i].start() - _SPACED_UNIT_CHARS):tokens[i].start()]
        found = list(_UNIT_IN_TITLE.finditer(before))
        hint = parse_unit_header("单位：" + found[-1].group(1), units) if found else None
        j, end = run, min(len(tokens), run + _SPACED_ROW_TOKENS)
        while j < end:
            label_start = j
            while j < end and not figure[j]:
                j += 1
            words = [t.group() for t in tokens[label_start:j]]
            if any(len(w) > FORM_LABEL_CHARS for w in words):
                break
            figures_start = j
            while j < end and figure[j]:
                j += 1
            if j - figures_start != len(heads) or not words:
                continue
            # rows the page left blank stand before the label (2、出国经费 3、公务接待 17.22 22 4.99): its
            # last words
            label = "".join(words)  # its last words are a part of it: none names a metric if it may name none
            metric = next((m for k in range(len(words)) if (m := _label_metric("".join(words[k:]), ruleset))),
                          None) if may_name(label, ruleset) else None
            if metric is None:
                continue
            for head, t in zip(heads, tokens[figures_start:j]):
                yield metric, CellText(t.start(), t.end(), t.group()), head, hint
        i = max(j, i + 1)


def _may_head(tokens: list, text: str, begin: int, words: re.Pattern, ruleset: RuleSet,
              hits: list[int] | None = None) -> dict[int, bool]:
    """Which of ``tokens`` (``_TOKEN`` from ``begin`` on) may head a column of a spaced form, by index;
    an index not given may not. A header holds a basis word (``_header_basis``), and a basis word —
    Chinese only, or the gate's ``words`` is empty — stands inside one token (a token ends only at a
    space, a bar or a digit, or after a figure's last character), so only the tokens holding a hit of
    ``words`` are asked (``hits``: where they start from ``begin`` on, if the caller found them): most
    tokens are prose and figures."""
    may_head = _heads_of(ruleset).__getitem__  # a word → may it head a column (asked once a run)
    if not words.pattern:  # no gate (a basis word not Chinese only): every token is asked
        return {k: may_head(t.group()) for k, t in enumerate(tokens)}
    starts = [t.start() for t in tokens]
    head: dict[int, bool] = {}
    for at in hits if hits is not None else (m.start() for m in words.finditer(text, begin)):
        k = bisect_right(starts, at) - 1
        if k >= 0 and k not in head and at < tokens[k].end():
            head[k] = may_head(tokens[k].group())
    return head


@per_object()
def _heads_of(ruleset: RuleSet) -> Bounded:
    """Whether a word may head a column of a spaced form (short, no figure, naming a basis not a
    target), by word, remembered per rules: the pages repeat their headers (预算数, 决算数, 2023年)."""
    return Bounded(lambda word: len(word) <= _SPACED_HEAD_CHARS and not is_figure(word)
                   and _header_basis(word, ruleset) not in (None, TARGET_COLUMN))


@per_object()
def _spaced_gate(ruleset: RuleSet) -> tuple[re.Pattern, re.Pattern]:
    """A cheap test that a text may hold two words of ``_TOKEN`` side by side that could each head a
    column of a spaced form: each at most ``_SPACED_HEAD_CHARS`` long and holding a basis word
    (rules/common.yaml basis, tables.basis_header), separated by spaces or bars only, or the second
    opening with its year or number (2018年预算数2018年决算数). Two patterns: the basis words (the
    standard library's engine finds a set of literals faster), and the pair, tried where one of them
    starts — at the first word found inside the first pair's first word if not before (a basis word
    is Chinese only, so none runs into that word from before it). Both run on the standard library's
    engine, cheaper per call than the regex package's; the pair's spaces spelled out as the regex
    package's ``\\s`` (``_REGEX_SPACES``), so it matches where the regex package would. Remembered
    per rules."""
    words = {w for basis in (Basis.BUDGET, ADJUSTED_BASIS, Basis.ACTUAL) for w in ruleset.basis_words[basis]}
    words |= {w for _basis, ws in ruleset.tables.basis_header for w in ws}
    # a word's other characters: not a space, bar or digit (digits open a year or number only)
    other, digit = rf"[^{_REGEX_SPACES}0-9０-９|｜]", "[0-9０-９]"
    rest = _SPACED_HEAD_CHARS - min(map(len, words), default=_SPACED_HEAD_CHARS + 1)
    if any(not regex.fullmatch(r"\p{Han}+", w) for w in words):
        rest = -1  # a basis word not Chinese only: no gate (every page is read from its start)
    word = "(?:" + "|".join(map(regex.escape, sorted(words, key=len, reverse=True))) + ")"
    opening = rf"(?:(?:19|20)[0-9]{{2}}|{digit}{{1,2}}[、.．)）])"  # _TOKEN's year or numbered label
    # before the first basis word: no more of its word than fits (a figure's trailing ,.% may stand
    # just before a word, so they do not count here)
    lead = rf"(?<![^{_REGEX_SPACES}0-9０-９|｜,，.．%％]{{{rest + 1}}})"
    pattern = (rf"{lead}{word}{other}{{0,{rest}}}(?:[{_REGEX_SPACES}|｜]+{opening}?|{opening}){other}{{0,{rest}}}{word}"
               rf"(?!{other}{{{rest + 1}}})") if rest >= 0 else ""
    return re.compile(word if rest >= 0 else ""), re.compile(pattern)


# the characters the regex package's ``\s`` matches, spelled out for the standard library's engine,
# whose ``\s`` also takes \x1c-\x1f (tests/test_speed25_tab25.py checks every code point)
_REGEX_SPACES = "\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def _part_opener(ruleset: RuleSet):
    """A 其中 opening a label：figure line (其中:基本支出:900.47): the label comes after it."""
    words = tuple(ruleset.enumeration.get("partial", ()))
    return _part_opener_pattern(words) if words else None


@lru_cache(maxsize=4)
def _part_opener_pattern(words: tuple[str, ...]) -> regex.Pattern:
    """Compiled once per rules' words, not once per document."""
    return regex.compile(r"[ \t\u3000]*(?:" + "|".join(map(regex.escape, words)) + r")[ \t\u3000]*[：:][ \t\u3000]*")


def _tables(document: Document, sentences: list[Sentence], units: Units):
    """(rows of CellText, the unit its caption or first rows state) for each table-like block."""
    text = document.text
    covered = []
    for table in document.tables:
        rows = [[CellText(c.start, c.end, text[c.start:c.end]) for c in row] for row in table.rows]
        covered.append((table.start, table.end))
        yield _with_caption(text, table.start, rows, units)
    block: list[list[CellText]] = []
    block_start = 0
    for s in sentences:
        if s.kind == "row" and not any(a <= s.start < b for a, b in covered):
            if not block:
                block_start = s.start
            block.append(_split_cells(s))
            continue
        if block:
            yield _with_caption(text, block_start, block, units)
            block = []
    if block:
        yield _with_caption(text, block_start, block, units)


def _figure_lines(lines: list[Sentence], start: int) -> list[Sentence]:
    out = []
    while start < len(lines) and lines[start].kind != "heading" and is_figure(lines[start].text):
        out.append(lines[start])
        start += 1
    return out


_YEAR_CELL = regex.compile(r"[ \t]*((?:19|20)[0-9]{2})(?:年度?)?[ \t|｜]*")
_EMPTY_CELLS = regex.compile(r"[ \t|｜]*")
_YEAR_HEADS = 12  # the column headers of a table of money by year: at most this many lines


def _year_row(lines: list[Sentence], k: int, meta: DocMeta, ruleset: RuleSet):
    """([(metric, figure line, its column header)], the row's figures) of a flattened table's row keyed by the report's
    year: the year alone on its line (2023 | or 2016年, cells apart or each followed by a line of its
    own |), its figures on the lines after it, and above it — past earlier years' rows — the column
    headers, opened by the year column's header (common.yaml tables.year_rows).

    Each column whose header is a metric label gives that metric (年度 | 合计 | 因公出国(境)经费 |
    公务接待费 | …); a header over two sub-columns, the first its 合计 (公车购置及运行维护费 | 合计 |
    车辆购置 | 车辆运行), names that 合计. In a report of one of year_rows' types, the first column
    gives instead the metric whose year_rows word its header holds (实际明细支出 | 市本级支出); its row's
    figures are then not returned (they may borrow no unit from the prose)."""
    words = ruleset.tables
    year = _YEAR_CELL.fullmatch(lines[k].text)
    if year is None or meta.year is None or int(year.group(1)) != meta.year:
        return [], []
    values = _row_cells(lines, k + 1)
    j = k - 1
    while j >= 0 and (is_figure(lines[j].text) or _EMPTY_CELLS.fullmatch(lines[j].text)
                      or _YEAR_CELL.fullmatch(lines[j].text)):
        j -= 1  # earlier years' rows (2021 | 661.68 | …)
    heads: list[Sentence] = []
    while j >= 0 and len(heads) < _YEAR_HEADS and lines[j].text.strip(" \t|｜") not in words.year_column:
        if not _EMPTY_CELLS.fullmatch(lines[j].text):
            heads.insert(0, lines[j])
        j -= 1
    opened = j >= 0 and lines[j].text.strip(" \t|｜") in words.year_column  # not cut off by _YEAR_HEADS
    if not values or not heads or not opened or any(is_figure(h.text) or len(h.text) > FORM_LABEL_CHARS for h in heads):
        return [], []
    if meta.report_type in words.year_row_types:
        first = heads[0].text
        metric = next((m for m, ws in words.year_row_heads if any(w in first for w in ws)), None)
        if metric:
            return [(metric, values[0], heads[0])], []
    return _labelled_columns(heads, values, ruleset), values


def _row_cells(lines: list[Sentence], start: int) -> list[Sentence]:
    """The figure cells of a flattened row, past the lines that only close a cell (|), up to the
    next row's year."""
    out = []
    while start < len(lines) and lines[start].kind != "heading" and not _YEAR_CELL.fullmatch(lines[start].text):
        if is_figure(lines[start].text):
            out.append(lines[start])
        elif not _EMPTY_CELLS.fullmatch(lines[start].text):
            break
        start += 1
    return out


def _labelled_columns(heads: list[Sentence], values: list[Sentence], ruleset: RuleSet):
    """(metric, figure, header) of each column of the report year's row whose header names a
    metric. The headers must match the row cell for cell once each two-level header (a metric's
    header over its own 合计 and its parts) stands for its 合计 column."""
    heads = list(heads)
    i = 0
    while len(heads) > len(values) and i < len(heads) - 1:
        if normalize_label(heads[i + 1].text) in ruleset.tables.total_rows and _label_metric(heads[i].text, ruleset):
            del heads[i + 1]  # the group's header stands for its 合计 column
        i += 1
    if len(heads) != len(values):
        return []
    return [(m, v, h) for h, v in zip(heads, values) if (m := _label_metric(h.text, ruleset))]


_PROSE_FIGURE = "(?<![0-9０-９.．,，]){}[ \t]*(万元|亿元|千元|元)"


def _unit_in_prose(text: str, figures: list[str], units: Units):
    """The money unit of a table with no unit line: the one two or more of its row's figures are
    written with in the page's prose (2364 | 12 | 1356 beside 2364万元, 12万元), when none of them is
    written with another."""
    seen = set()
    hits = 0
    for fig in figures:
        number = fig.strip(" \t|｜")
        if not number or not any(ch.isdigit() for ch in number):
            continue
        found = {m.group(1) for m in regex.finditer(_PROSE_FIGURE.format(regex.escape(number)), text)}
        seen |= found
        hits += bool(found)
    if hits < 2 or len(seen) != 1:
        return None
    return units.lookup(seen.pop())


def _line_headers(lines: list[Sentence], first: int, k: int) -> tuple[list[str], str] | None:
    """The k column headers of a one-cell-per-line table, read above its first row, and the line
    above them (the table's title: 经费控制情况(万元)."""
    pos = first
    while pos - (k + 1) >= 0 and not is_figure(lines[pos - k - 1].text) and all(
            is_figure(s.text) for s in lines[pos - k:pos]):
        pos -= k + 1
    heads = lines[pos - k:pos] if pos - k >= 0 else []
    if len(heads) != k or any(is_figure(h.text) or len(h.text) > 16 for h in heads):
        return None
    return [h.text for h in heads], lines[pos - k - 1].text if pos - k > 0 else ""


def _headers_above(lines: list[Sentence], first: int, k: int, ruleset: RuleSet) -> tuple[list[str], str] | None:
    """The nearest k consecutive lines above ``first``, within its section and reach, each a short
    column header naming a basis (预 算 数 | 决 算 数), and the line above them."""
    for j in range(first - 1, max(k - 1, first - _HEADERS_REACH) - 1, -1):
        if lines[j].kind == "heading":
            return None
        run = lines[j - k + 1:j + 1]
        if all(len(h.text) <= 16 and not is_figure(h.text) and _header_basis(h.text, ruleset) not in (None, TARGET_COLUMN)
               for h in run):
            return [h.text for h in run], lines[j - k].text if j - k >= 0 else ""
    return None


_HEADERS_REACH = 24  # a flattened table's rows stand within this many lines of its header
_BLANK_ROWS_REACH = 12  # a flattened row keeps the headers of a row this many lines above it


def _line_unit(text: str, units: Units):
    """The money unit a table's title line states (经费控制情况(万元), 单位：万元)."""
    found = parse_unit_header(text.strip(), units)
    if found:
        return found
    m = _UNIT_IN_TITLE.search(text, None, None, False) or (_MONEY_COLUMN.search(text, None, None, False) if len(text) <= 24 else None)
    return parse_unit_header("单位：" + m.group(1), units) if m else None


def _split_cells(sentence: Sentence) -> list[CellText]:
    cells, pos = [], 0
    body = sentence.text
    for m in list(_SPLIT.finditer(body, None, None, False, False)) + [None]:
        end = m.start() if m else len(body)
        if end > pos:
            cells.append(CellText(sentence.start + pos, sentence.start + end, body[pos:end]))
        if m:
            pos = m.end()
    return cells


def _with_caption(text: str, start: int, rows: list[list[CellText]], units: Units):
    """(rows, the unit its caption or first rows give, the caption) of a table starting at ``start``."""
    before = text[max(0, start - 200):start]
    return rows, _caption_unit(before, rows, units), _caption(before)


def _caption(before: str) -> str:
    """The lines just above a table: its title (“三公”经费预算及执行情况如下：) and unit line — up
    to the last row of cells above, which is another table's row (聘用人员满意度 | ≥ | 95 | 5 | 5 above a
    合计 row the page set apart), not a title."""
    lines = [ln for ln in before.split("\n") if ln.strip()][-3:]
    while any(_is_cell_row(ln) for ln in lines):
        lines = lines[1:]
    return "\n".join(lines)


def _is_cell_row(line: str) -> bool:
    """A line of several cells, one of them a figure."""
    cells = [c for c in _SPLIT.split(line.strip()) if c.strip()]
    return len(cells) >= 2 and any(is_figure(c) for c in cells)


def _caption_unit(before: str, rows: list[list[CellText]], units: Units):
    lines = [ln for ln in before.split("\n") if ln.strip()][-2:]
    for candidate in lines[::-1] + [c.text for row in rows[:2] for c in row]:
        found = parse_unit_header(candidate.strip(), units)
        if found:
            return found
        m = _UNIT_IN_TITLE.search(candidate, None, None, False)
        if m:
            return parse_unit_header("单位：" + m.group(1), units)
    return None


def _unit_above(sentences: list[Sentence], index: int, units: Units, reach: int = 80):
    """The unit a table title or unit line above states (…收支情况（单位：万元）, 金额单位：万元),
    looking back through the lines of the same section only."""
    for s in sentences[max(0, index - reach):index][::-1]:
        if s.kind == "heading" or (s.kind == "prose" and len(s.text) > 40 and not _CELL_BORDER.search(s.text)):
            return None
        found = _line_unit(s.text, units)
        if found:
            return found
    return None


_CELL_BORDER = regex.compile(r"[|｜][ \t]*$")  # a cell of a flattened table, however long: not prose
_UNIT_IN_TITLE = regex.compile(r"单位[：:][ \t]*(万元|亿元|千元|元)")
# a column header of a table flattened one cell per line: 2020年度支出 (万元) |
# (a PDF dump may lose the closing bracket at the line's end: 经费控制情况(万元)
_MONEY_COLUMN = regex.compile(r"[（(][ \t]*(万元|亿元|千元|元)[ \t]*(?:[）)][ \t|｜]*)?$")


def _value_cells(row: list[CellText], i: int, header: list[str] | None, ruleset: RuleSet) -> list[tuple[int, str | None]]:
    """Which cells of a row hold the label's figures, with the basis their header gives."""
    if header and len(header) == len(row):
        based = [(j, _header_basis(header[j], ruleset)) for j in range(i + 1, len(row))
                 if is_figure(row[j].text) and _header_basis(header[j], ruleset)]
        if based:
            return based
    if i + 1 < len(row) and is_figure(row[i + 1].text):
        return [(i + 1, None)]
    return []


@remembered  # a form dumped with spaces is looked for among every short word of a page
def _header_basis(text: str, ruleset: RuleSet) -> str | None:
    """What a column holds, from its header: budget / adjusted / actual (年初预算数, 调整预算数,
    决算数 / 实际完成值), target (年度目标值, 年度指标值), or None (分值, 得分, 备注). A header
    spaced out letter by letter (预 算 数) reads as written together."""
    text = _SPACES.sub("", text, 0, None, None, False)
    if any(w in text for w in ruleset.tables.target_header):
        return TARGET_COLUMN
    if any(w in text for w in ruleset.tables.change_header):
        return None  # 支出减少情况, 增减率: a change, not a level
    return nearest_basis(text, ruleset) or _first_basis(text, ruleset.tables.basis_header)


_SPACES = regex.compile(r"[ \t\u3000]+")


def _first_basis(text: str, bases: tuple[tuple[str, tuple[str, ...]], ...]) -> Basis | None:
    """The first basis (budget before actual) one of whose words stands in ``text``."""
    return next((Basis(basis) for basis, words in bases if any(w in text for w in words)), None)


def _label_basis(text: str, ruleset: RuleSet) -> Basis | None:
    """The basis a row or form label names (基本支出预算)."""
    return _first_basis(text, ruleset.tables.label_basis)


def is_figure(text: str) -> bool:
    """Whether a cell or line holds a bare figure and nothing else (≥ 95, 约12.5, 1,200)."""
    body = text.strip()
    if not body or body[0] not in _FIGURE_OPENS or body[-1] not in _FIGURE_CLOSES:
        return False  # most lines open or close with a character no bare figure does
    if not _FIGURE_CHARS.issuperset(body):
        return False
    return _BARE_FIGURE.fullmatch(body) is not None


def _label_metric(text: str, ruleset: RuleSet) -> str | None:
    """The metric a label cell or line names, its bracketed unit dropped (基本支出（万元）)."""
    return _label_metrics(ruleset)[text]


@per_object()
def _label_metrics(ruleset: RuleSet) -> Bounded:
    """``_label_metric`` by text, remembered per rules (a report's template lines come back in every
    report of its kind); a text that may name none (``may_name``: most lines of a page) is not looked
    up."""
    def read(text: str) -> str | None:
        return lookup_label(_strip_unit(text), ruleset) if may_name(text, ruleset) else None
    return Bounded(read)


def _strip_unit(text: str) -> str:
    if "（" not in text and "(" not in text:
        return text  # no bracket, no unit in one
    return _BRACKET_UNIT.sub("", text, 0, None, None, False)


def _bracket_unit(text: str, units: Units):
    m = _BRACKET_UNIT.search(text, None, None, False)
    if not m:
        return None
    return units.lookup(m.group(1).strip())


def _of_column_year(fact: Fact, head: str, year: int | None) -> Fact:
    """A figure under a column headed by another year (2017年决算数 in a 2018 report) is that
    year's: prior or plan, not the report's level."""
    years = year_mentions(head)
    if year is None or not years or years[0][1] == year:
        return fact
    return replaced(fact, kind=Kind.PRIOR if years[0][1] < year else Kind.PLAN, period=years[0][1])


def _fact(metric: str, cell: CellText, hint, basis, rule_id: str, label: str, sentence: Sentence | None,
          ruleset: RuleSet, units: Units) -> Fact | None:
    if sentence is None:
        return None
    raw = cell.text.strip(" \t\u3000|｜").rstrip("；;。，,").strip(" \t\u3000|｜")
    goal = _LEADING_COMPARATOR.match(raw)
    if goal:  # ≥3000亩 in an indicator's target column: the goal, not the result
        raw = raw[goal.end():]
    q = parse_quantity(raw, units)
    if q is None:
        return None
    want = ruleset.metric_unit(metric)
    value, unit, step = q.value, q.unit, q.step
    if unit == "":
        if value == 0:  # 0 is 0 in any unit: 因公出国（境）经费：0
            unit = want
        elif hint is not None and hint[0] == want:
            value, step, unit = plain(value * hint[1]), plain(step * hint[1]), want
        elif want != "yuan" and (hint is None or hint[0] == "yuan"):  # a table's 万元 scales its money only
            unit = want
        else:
            return None
    if unit != want:
        return None
    offset = cell.text.find(raw)
    start = cell.start + max(offset, 0)
    kind = Kind.LEVEL
    if basis == TARGET_COLUMN or goal:  # 年度目标值: a budget for money, a target for a count
        kind = Kind.LEVEL if want == "yuan" else Kind.TARGET
        basis = Basis.BUDGET
    elif basis in (Basis.BUDGET, ADJUSTED_BASIS) and want != "yuan":
        kind = Kind.TARGET
    basis, qualifier = split_basis(basis, None)
    return new_fact(
        doc=sentence.doc, metric=metric, value=value, unit=unit, kind=kind, approx=q.approx, basis=basis,
        qualifier=qualifier,
        quote=sentence.text, start=start, end=start + len(raw), rule_id=rule_id, section=sentence.section,
        sentence_index=sentence.index, raw=raw, step=step, label=label.strip(),
    )
