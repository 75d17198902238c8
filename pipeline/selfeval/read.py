"""A document's self-evaluation: its indicator rows (``read_indicators``) and its grade
(``read_grade``), as pure functions of the readable document and the RuleSet.

The cells come from the document's own tables where the reader kept them (.docx, .pdf: table,
row and column survive into the provenance), else from the text: a line of `|` or tab cells is a
grid row; any other line is split on whitespace into a stream of cells (one cell per line, or a
space-separated dump). pipeline/selfeval/rows.py reads the rows under each header found.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import replace

import regex

from ..extraction.fundrows import fund_rows, rate_quantity
from ..holding import least, least_once, opening_at
from ..memo import per_object
from ..groups import numbers
from ..model import Document, Indicator, IndicatorCell, SelfGrade, builder, replaced
from ..reading import Reading, read_text, readable_document
from ..rules import RuleSet
from .measure import is_comparator, op_words, parse_measure, plain_number
from .fragment import fragment_rows
from .prose import prose_indicators
from .runon import runon_rows
from .rows import Carry, Header, RawRow, Tok, grid_row, header_roles, name_only_row, parse_stream, \
    scattered_header, name_text, stream_header, to_indicator
from .vocab import IndicatorVocab

_GRID_SPLIT = regex.compile(r"[ \t\u3000]*(?:\t|[|｜])[ \t\u3000]*")
_WORD = regex.compile(r"[^\s|｜]+")
_STREAM_LIMIT = 800  # cells read after a flattened header at most
_new_tok = builder(Tok)  # Tok(...), built by its slots (a page's every cell is one)
_QUOTE_CHARS = 60


def self_evaluation(original: Document, readable: Document, reading: Reading,
                    ruleset: RuleSet) -> tuple[list[Indicator], SelfGrade | None]:
    """The indicators and grade of a document, with spans in its original text.

    The table is read in the original text first: the readable text joins figures split by a
    space (≥50个 50 → one figure), which a flattened table's cells are. A page in traditional
    script or with glosses is read in its script converted and glosses dropped but no cells
    joined; its spans are mapped back and its names, targets and actuals kept in its own script."""
    grade = read_grade(readable, ruleset)
    if grade is not None and reading.text != original.text:
        grade = restore_indicators([], grade, reading, original.text)[1]
    first = read_indicators(original, ruleset)
    if any(x.layout != "execution" for x in first) or reading.text == original.text:
        return first, grade
    cells = read_text(original.text, ruleset.reading, join=False)  # the readable text joins cells
    if cells.text == original.text:
        return first, grade  # nothing converted or dropped: the second read is the first
    second = read_indicators(readable_document(original, cells), ruleset)
    if len(second) > len(first):
        return restore_indicators(second, None, cells, original.text)[0], grade
    return first, grade


def read_indicators(document: Document, ruleset: RuleSet) -> list[Indicator]:
    """Every indicator row of the document's self-evaluation tables, the execution row included."""
    vocab: IndicatorVocab | None = ruleset.indicators
    if vocab is None:
        return []
    # a page that cannot hold a header: no grid or flattened header is looked for, and templates
    # read only its grid lines (a text line keeps its place, its words not split)
    headed = vocab.may_head(document.text)
    # without a header the lines serve only the templates, which read a run holding a comparator cell
    lines = _lines(document, vocab, words=headed) \
        if headed or _may_grid(document) and _may_compare(document.text, vocab) else []
    whole: dict[int, bool] = {}  # token → a whole header starts at it (windows overlap: asked once)
    out: list[Indicator] = []
    out += _execution_rows(document, ruleset, vocab)
    i = 0
    while headed and i < len(lines):
        kind, cells = lines[i]
        found = _grid_header(cells, vocab) if kind == "grid" else None
        if found is not None:
            header, rest = found
            if rest:  # the first rows ran on in the header's line
                lines = lines[:i + 1] + [("grid", rest)] + lines[i + 1:]
            i = _read_grid(document, lines, i, header, vocab, ruleset, out)
            continue
        i = _try_stream(document, lines, i, vocab, ruleset, out, whole)
    if not any(x.layout != "execution" for x in out):
        out += _template_rows(document, lines, vocab, ruleset)
    if not any(x.layout != "execution" for x in out):
        out += runon_rows(document.doc, document.text, vocab, ruleset.units)
    if not any(x.layout != "execution" for x in out):
        out += fragment_rows(document.doc, document.text, vocab, ruleset.units)
    if not any(x.layout != "execution" for x in out):
        out += prose_indicators(document.doc, document.text, vocab, ruleset.units)
    out.sort(key=lambda x: x.start)
    return [replaced(x, position=n) for n, x in enumerate(out)]


def _may_grid(document: Document) -> bool:
    """Whether ``_lines`` may give a grid line: a document table, a `|`, or three tabs."""
    text = document.text
    return bool(document.tables) or "|" in text or "｜" in text or text.count("\t") >= 3


def _may_compare(text: str, vocab: IndicatorVocab) -> bool:
    """Whether a cell of ``text`` may be a lone comparator (``is_comparator``): an exact necessary
    test. Every cell is a span of the text, its whitespace made one space (a `|` cell) or kept, and
    is_comparator drops its spaces and trims it: a cell equal to a word without whitespace is that
    word's characters with only whitespace between them — the word stands in the text with all its
    whitespace dropped. A word holding whitespace is taken as present."""
    words = _comparator_words(vocab)
    if words is None:
        return True
    bare = "".join(text.split())
    return any(w in bare for w in words)


@per_object()
def _comparator_words(vocab: IndicatorVocab) -> tuple[str, ...] | None:
    """The comparator and 指标性质 words, the fewest a text holds one of exactly when it holds one of
    them all (holding.least); None where one holds whitespace."""
    words = tuple(sorted(op_words(vocab.prefix_ops) + op_words(vocab.suffix_ops) + tuple(vocab.natures)))
    if any(w != "".join(w.split()) or not w for w in words):
        return None
    return least(words)


def _lines(document: Document, vocab: IndicatorVocab, words: bool = True) -> list[tuple[str, list[Tok]]]:
    """The document as lines of cells: ("grid", cells) for a table row, ("text", words) otherwise
    (("text", []) without ``words``).

    Text with `|` cells is read region by region (``_pipe_rows``): a page may break a row over
    several lines (a cell per line, a header cell per line) or join several rows on one."""
    text = document.text
    table_rows: dict[int, list[Tok]] = {}
    for t_no, table in enumerate(document.tables):
        for r_no, row in enumerate(table.rows):
            if row:
                toks = [_new_tok(text[c.start:c.end], c.start, c.end, t_no, r_no, c_no, bounded=True)
                        for c_no, c in enumerate(row)]
                table_rows[row[0].start] = toks
    physical: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        physical.append((pos, line))
        pos += len(line) + 1
    keys = sorted(table_rows)
    order = {k: i for i, k in enumerate(table_rows)}
    out: list[tuple[str, list[Tok]]] = []
    piped = "|" in text or "｜" in text  # else no line is in a region of | cells
    n = 0
    while n < len(physical):
        start, line = physical[n]
        end = start + len(line)
        row = _row_at(table_rows, keys, order, start, end) if table_rows else None
        if row is not None:
            out.append(("grid", row))
        elif piped and _in_pipe_region(physical, n):
            m = n
            while m < len(physical) and _in_pipe_region(physical, m):
                m += 1
            out += [("grid", cells) for cells in _pipe_rows(text, physical[n:m])]
            n = m
            continue
        elif line.count("\t") >= 3:
            out.append(("grid", _split_grid(line, start)))
        elif line.strip() and not words:
            out.append(("text", []))
        elif line.strip():
            spans = _words(line, vocab)
            out.append(("text", [_new_tok(line[a:b], start + a, start + b, opens_line=n == 0 and len(spans) > 1)
                                 for n, (a, b) in enumerate(spans)]))
        n += 1
    return out


def _row_at(table_rows: dict[int, list[Tok]], keys: list[int], order: dict[int, int], start: int,
            end: int) -> list[Tok] | None:
    """The first table row (in the tables' order) that starts in [start, end]: found by bisection
    over the rows' starts (``keys``, sorted), not by asking every row on every line."""
    lo, hi = bisect_left(keys, start), bisect_right(keys, end)
    if lo == hi:
        return None
    return table_rows[min(keys[lo:hi], key=order.__getitem__)]


def _words(line: str, vocab: IndicatorVocab) -> list[tuple[int, int]]:
    """The cells of a text line, split on whitespace; a bracketed annotation the layout set apart
    stays with the cell before it (年新增畜牧产值 (万元) → one cell), and so do the pieces of one
    measure a template prints in sub-columns (符号 | 值 | 单位: >= 98 %(百分比) → one cell): a lone
    comparator with the figure after it, a bare figure with the percent sign after it."""
    out: list[tuple[int, int]] = []
    for m in _WORD.finditer(line, None, None, False, False):
        if out and _OPEN_BRACKET.search(line[out[-1][0]:out[-1][1]], None, None, False) and _CLOSE_BRACKET.fullmatch(m.group(), None, None, False):
            out[-1] = (out[-1][0], m.end())  # (80 | 分): one annotation the layout broke
            if len(out) > 1 and _ANNOTATION.fullmatch(line[out[-1][0]:out[-1][1]], None, None, False):
                out[-2:] = [(out[-2][0], out[-1][1])]
        elif out and (_ANNOTATION.fullmatch(m.group(), None, None, False) and not _ANNOTATION.fullmatch(line[out[-1][0]:out[-1][1]], None, None, False)
                      or _one_measure(line[out[-1][0]:out[-1][1]], m.group(), vocab)):
            out[-1] = (out[-1][0], m.end())
        else:
            out.append(m.span())
    return out


def _one_measure(before: str, word: str, vocab: IndicatorVocab) -> bool:
    """Two words of one measure: a comparator and its figure (>= | 98), or a figure, the comparator
    before it or not, and its percent sign (98 | %(百分比))."""
    if _FIGURE.match(word, None, None, False):
        return before in op_words(vocab.prefix_ops)
    if _PERCENT.match(word, None, None, False):
        return bool(_OPEN_FIGURE.fullmatch(before, None, None, False)) and (
            plain_number(before) is not None or before.startswith(op_words(vocab.prefix_ops)))
    return False


_FIGURE = regex.compile(r"[0-9０-９]")
_OPEN_BRACKET = regex.compile(r"[(（][^()（）]{0,6}$")
_CLOSE_BRACKET = regex.compile(r"[^()（）]{1,6}[)）]")
_PERCENT = regex.compile(r"[%％](?:[(（][^()（）]*[)）])?$")
_OPEN_FIGURE = regex.compile(r"\D{0,4}?[0-9０-９][0-9０-９.．]*")


_ANNOTATION = regex.compile(r"[(（][^()（）]*\p{Han}[^()（）]*[)）]")
_PIPE = regex.compile(r"[|｜]")


def _in_pipe_region(physical: list[tuple[int, str]], n: int) -> bool:
    """A line of `|` cells; a cell's first line whose next line goes on with a `|`; a short last
    cell after a line that ends with one (a page cut inside the table)."""
    line = physical[n][1]
    if _PIPE.search(line, None, None, False):
        return True
    if not line.strip():
        return False
    if n + 1 < len(physical) and physical[n + 1][1].lstrip()[:1] in ("|", "｜"):
        return True
    before = physical[n - 1][1].rstrip() if n else ""
    return before[-1:] in ("|", "｜") and len(line.strip()) <= _CUT_CELL and not _PROSE_END.search(line, None, None, False)


_CUT_CELL = 12
_PROSE_END = regex.compile(r"[。；;，,：:]")


def _pipe_rows(text: str, region: list[tuple[int, str]]) -> list[list[Tok]]:
    """The rows of a region of `|` text, however its lines break them.

    A line break is a cell break next to a `|`; between two lines of several cells each it is a
    row break; otherwise it runs inside a cell (``社会效益 / 指标``). Rows end at two or more
    empty cells in a row (a table's padding, ``|`` lines). Single empty cells stay (a column
    left blank) except at a row's ends."""
    cells: list[Tok | None] = []  # None: a row break
    open_span: tuple[int, int] | None = None  # the cell running on at a line's end
    prev_pipes = -1
    for start, line in region:
        cuts = [m.start() for m in _PIPE.finditer(line, None, None, False, False)]
        bounds = [-1] + cuts + [len(line)]
        segs = [(start + a + 1, start + b) for a, b in zip(bounds, bounds[1:])]
        first = segs[0]
        if open_span is None:
            current = first
        else:
            a_blank = not text[open_span[0]:open_span[1]].strip()
            b_blank = not text[first[0]:first[1]].strip()
            if not a_blank and not b_blank and prev_pipes >= 2 and len(cuts) >= 2:
                cells += [_cell(text, *open_span), None]  # two rows of cells, one per line
                current = first
            else:  # one cell across the line break (blank on one side, or a cell's two lines)
                if a_blank and prev_pipes >= 3 and (len(cuts) >= 3 or _filled(text, segs) >= 3):
                    cells.append(None)  # a row after a row that ended with its border (a last row cut, no | after it)
                current = (open_span[0], first[1])
        if len(segs) == 1:
            open_span = current
        else:
            cells.append(_cell(text, *current))
            cells += [_cell(text, a, b) for a, b in segs[1:-1]]
            open_span = segs[-1]
        prev_pipes = len(cuts)
    if open_span is not None:
        cells.append(_cell(text, *open_span))
    rows: list[list[Tok]] = []
    row: list[Tok] = []
    blanks = 0
    for c in cells + [None]:
        if c is not None and not c.text:
            blanks += 1
            row.append(c)
            continue
        if c is None or blanks >= 2:
            rows.append(row)
            row = []
        blanks = 0
        if c is not None:
            row.append(c)
    out = []
    for row in rows:
        while row and not row[0].text:
            row.pop(0)
        while row and not row[-1].text:
            row.pop()
        if row:
            out.append(row)
    return out


def _filled(text: str, segs: list[tuple[int, int]]) -> int:
    """How many of a line's cells hold anything."""
    return sum(1 for a, b in segs if text[a:b].strip())


def _cell(text: str, a: int, b: int) -> Tok:
    """A cell between ``a`` and ``b``: its span trimmed, its text with layout whitespace made one space."""
    piece = text[a:b]
    lead = len(piece) - len(piece.lstrip())
    body = piece.strip()
    if not body:
        return _new_tok("", a, a, bounded=True)
    return _new_tok(" ".join(body.split()), a + lead, a + lead + len(body), bounded=True)


def _split_grid(line: str, offset: int) -> list[Tok]:
    cells, at = [], 0
    stripped = line.strip()
    lead = line.find(stripped[:1]) if stripped else 0
    body_start = lead  # a leading | opens an empty first cell (a merged column)
    body_end = len(line.rstrip())
    if stripped[-1:] in "|｜" and body_end - 1 >= body_start:
        body_end -= 1
    at = body_start
    for m in _GRID_SPLIT.finditer(line, body_start, body_end, False, False):
        cells.append(_tok(line, at, m.start(), offset))
        at = m.end()
    cells.append(_tok(line, at, body_end, offset))
    return cells


def _tok(line: str, a: int, b: int, offset: int) -> Tok:
    piece = line[a:b]
    lead = len(piece) - len(piece.lstrip())
    text = piece.strip()
    return _new_tok(text, offset + a + lead, offset + a + lead + len(text), bounded=True)


def _grid_header(cells: list[Tok], vocab: IndicatorVocab) -> tuple[Header, list[Tok]] | None:
    """An indicator header in a row of cells, wherever it starts (a flattened page runs the 年度总体目标
    cells and the header into one line): the header, and the cells after it (rows a page ran on
    in the same line). A row that is all header keeps one role per cell (read by column)."""
    filled = [c for c in cells if c.text.strip()]
    for at in range(len(filled)):
        found = stream_header(filled, at, vocab)
        if found is None:
            continue
        header, after = found
        if after == len(filled):
            roles = header_roles(cells, vocab)
            if roles is not None:
                header = Header(roles, header.start, header.end)
        return header, filled[after:]
    return None




def _read_grid(document, lines, i, header, vocab, ruleset, out) -> int:
    """Rows under a grid header: by column where the row has the header's cells, else by grammar."""
    carry = Carry()
    i += 1
    while i < len(lines):
        kind, cells = lines[i]
        filled = [c for c in cells if c.text.strip()]
        if kind != "grid" or not filled:
            break
        if _grid_header(cells, vocab) is not None:
            break  # the next table's header
        total_at = next((n for n, c in enumerate(filled) if vocab.is_total(c.text)), None)
        if total_at is not None:
            for raw, trailing in parse_stream(filled[:total_at], header, vocab):
                _emit(document, raw, trailing, "grid", carry, vocab, ruleset, out)
            i += 1
            break
        row = grid_row(cells, header, vocab) if len(cells) == len(header.roles) else None
        inside = len(filled) == 1 and i + 1 < len(lines) and lines[i + 1][0] == "grid" \
            and _grid_header(lines[i + 1][1], vocab) is None  # asked only of a lone cell
        row = row or name_only_row(filled, vocab, header, inside)
        if row is not None:
            trailing: list[Tok] = []
            _emit(document, row, trailing, "grid", carry, vocab, ruleset, out)
        else:
            for raw, trailing in parse_stream(filled, header, vocab):
                _emit(document, raw, trailing, "grid", carry, vocab, ruleset, out)
        i += 1
    return i


def _try_stream(document, lines, i, vocab, ruleset, out, whole: dict[int, bool]) -> int:
    """A flattened header starting on line ``i`` (one cell per line or space-separated): its rows."""
    if not any(vocab.is_header_cell(t.text) for t in lines[i][1]):
        return i + 1  # a header, whole or scattered, starts at a header cell of its first line
    toks: list[Tok] = []
    first_line = i
    j = i
    while j < len(lines) and lines[j][0] == "text" and len(toks) < _STREAM_LIMIT:
        toks += lines[j][1]
        j += 1
    at = 0
    found = None
    while at < len(lines[first_line][1]):
        found = stream_header(toks, at, vocab)
        if found:
            break
        at += 1
    at = 0
    while found is None and at < min(len(toks), len(lines[first_line][1])):
        found = scattered_header(toks, at, vocab)
        at += 1
        # a scattered header only where no whole one follows in the window (asked only when one is found)
        if found is not None and any(_whole_at(toks, k, vocab, whole) for k in range(len(toks))):
            return i + 1
    if not found:
        return i + 1
    header, after = found
    body = toks[after:]
    stop = next((n for n, t in enumerate(body) if vocab.is_total(t.text)
                 or stream_header(body, n, vocab) is not None), len(body))
    carry = Carry()
    for raw, trailing in parse_stream(body[:stop], header, vocab):
        if set(raw.cells) == {"level3"} and not trailing and not document.text[raw.cells["level3"].end:].strip():
            continue  # a name the page ends in, no value after it: a row the page cut (指标1:技)
        _emit(document, raw, trailing, "lines", carry, vocab, ruleset, out)
    # continue after the last cell read
    end = body[stop - 1].end if stop else header.end
    k = first_line
    while k < j and lines[k][1] and lines[k][1][-1].end <= end:
        k += 1
    return max(k, i + 1)


_TEMPLATE_MIN_ROWS = 2  # rows of a table fragment read in a template's column order at least
# the cells a row must show to be read in a template: its actual too, else (a page of targets, the
# 完成值 column blank) the others
_TEMPLATE_SHAPES = ({"nature", "target", "actual", "weight"}, {"nature", "target", "weight"})


def _template_rows(document, lines, vocab: IndicatorVocab, ruleset) -> list[Indicator]:
    """A table fragment whose header the page left out (a page cut below it), read in a template's
    column order (rules/indicators.yaml `templates`) — only the rows that show the template's shape
    (a 指标性质 cell, the target, the actual and the weight; the actual left out where no two rows
    of the run print one), and only where a run of grid lines holds two of them at least."""
    out: list[Indicator] = []
    runs: list[list[Tok]] = []
    run: list[Tok] = []
    for kind, cells in lines + [("text", [])]:
        filled = [c for c in cells if c.text.strip()]
        total = kind == "grid" and any(vocab.is_total(c.text) for c in filled)
        if kind == "grid" and not total and len(run) < _STREAM_LIMIT:
            run += filled
            continue
        if any(is_comparator(t.text, vocab) for t in run):
            runs.append(run)
        run = []
    for toks in runs:  # the template most of whose rows the run fits (the first on a tie)
        best: list = []
        parsed: dict[tuple, list] = {}  # a template's rows, read once for both shapes
        for shape in _TEMPLATE_SHAPES:  # rows with their actual; else (a table of targets) without
            for roles in vocab.templates:
                if roles not in parsed:
                    parsed[roles] = parse_stream(toks, Header(roles, 0, 0), vocab)
                rows = [(raw, trailing) for raw, trailing in parsed[roles] if shape <= set(raw.cells)]
                if len(rows) > len(best):
                    best = rows
            if len(best) >= _TEMPLATE_MIN_ROWS:
                break
        if len(best) < _TEMPLATE_MIN_ROWS:
            continue
        carry = Carry()
        for raw, trailing in best:
            _emit(document, raw, trailing, "grid", carry, vocab, ruleset, out)
    return out


def _whole_at(toks: list[Tok], k: int, vocab, whole: dict[int, bool]) -> bool:
    """Whether a whole flattened header starts at ``toks[k]`` (remembered by the token)."""
    key = id(toks[k])
    if key not in whole:
        whole[key] = stream_header(toks, k, vocab) is not None
    return whole[key]


def _emit(document, raw: RawRow, trailing, layout, carry, vocab, ruleset, out) -> None:
    x = to_indicator(document.doc, 0, raw, trailing, document.text, layout, carry, vocab, ruleset.units)
    if x is not None:
        out.append(x)


def _execution_rows(document: Document, ruleset: RuleSet, vocab: IndicatorVocab) -> list[Indicator]:
    """The funds row (rules/fundrows.yaml) as the budget-execution indicator: target 100%, actual the
    stated rate, and its weight and score where stated."""
    if ruleset.fundrows is None:
        return []
    out = []
    text = document.text
    for row in fund_rows(text, ruleset.fundrows):
        weight_cell, score_cell, rate_cell = (row.cells.get(k) for k in ("weight", "score", "rate"))
        if weight_cell is None:
            continue
        rate = rate_quantity(row.cells, ruleset.units) if rate_cell is not None else None
        cells = tuple(IndicatorCell(k, c.start(), c.end()) for k, c in row.cells.items())
        target = parse_measure("100%", vocab, ruleset.units)
        out.append(Indicator(
            doc=document.doc, position=0, block=vocab.execution_block, level1="", level2="",
            level3=vocab.execution_name, target_text="", target_op=None, target_value=target.value,
            target_unit="ratio", actual_text=rate_cell.group() if rate_cell is not None else "",
            actual_value=rate.value if rate is not None and rate.unit == "ratio" else None,
            actual_unit="ratio" if rate is not None and rate.unit == "ratio" else "",
            weight=plain_number(weight_cell.group(), vocab.points),
            score=plain_number(score_cell.group(), vocab.points) if score_cell is not None else None,
            note="", quote=text[row.label_start:row.end], start=row.label_start, end=row.end,
            layout="execution", cells=cells))
    return out


def read_grade(document: Document, ruleset: RuleSet) -> SelfGrade | None:
    """The grade the report gives itself (评价等级为“优”, 自评等级：良好): the first one stated under
    a label of its own grade (自评等级; an evaluator's 评价等级 may stand above it), else the first."""
    vocab: IndicatorVocab | None = ruleset.indicators
    if vocab is None or vocab.grade_pattern is None or not any(w in document.text for w in least_once(vocab.grade_labels)):
        return None  # a grade stands after its label: the pattern tries every position, only where one stands
    names = dict(vocab.grade_names)
    groups = numbers(vocab.grade_pattern)
    label, grade = groups["label"], groups["grade"]
    found = list(opening_at(vocab.grade_pattern, vocab.grade_labels, document.text))  # a match opens with its label
    found.sort(key=lambda m: m.group(label) not in vocab.own_grade_labels)  # stable: text order within each
    for m in found[:1]:
        text = document.text
        a, b = max(0, m.start() - _QUOTE_CHARS // 2), min(len(text), m.end() + 4)
        return SelfGrade(document.doc, names[m.group(grade)], m.group(grade), text[a:b], *m.span(grade))
    return None


def restore_indicators(indicators: list[Indicator], grade: SelfGrade | None, reading: Reading,
                       original: str) -> tuple[list[Indicator], SelfGrade | None]:
    """Spans and quotes in the original text (the readable text dropped or converted characters)."""
    if reading.text == original:
        return indicators, grade
    out = []
    for x in indicators:
        start, end = reading.to_original(x.start, x.end)
        cells = tuple(replace(c, start=reading.to_original(c.start, c.end)[0],
                              end=reading.to_original(c.start, c.end)[1]) for c in x.cells)
        out.append(replace(x, start=start, end=end, quote=original[start:end], cells=cells,
                           **_original_script(x, reading, original)))
    if grade is not None:
        start, end = reading.to_original(grade.start, grade.end)
        grade = replace(grade, start=start, end=end, raw=original[start:end])
    return out, grade


_TEXT_FIELDS = {"level3": "level3", "target": "target_text", "actual": "actual_text"}


def _original_script(x: Indicator, reading: Reading, original: str) -> dict[str, str]:
    """The row's name, target and actual in the page's own script (績效, not 绩效), the characters
    the reading dropped (pinyin glosses) left out: the readable cell's characters, each taken
    back from the original (the script is converted character for character)."""
    if reading.origin is None and len(reading.text) != len(original):
        return {}
    out = {}
    for c in x.cells:
        field = _TEXT_FIELDS.get(c.role)
        if field is None or c.end > len(reading.text):
            continue
        readable = reading.text[c.start:c.end]
        if _squeeze(readable) != _squeeze(getattr(x, field)):
            continue  # the field is not the cell's text as printed
        chars = "".join(original[reading.to_original(i, i + 1)[0]] for i in range(c.start, c.end))
        if len(chars) == len(readable):
            out[field] = name_text(chars) if field == "level3" else " ".join(chars.split())
    return out


def _squeeze(text: str) -> str:
    return "".join(text.split())
