"""A document's self-evaluation: its indicator rows (``read_indicators``) and its grade
(``read_grade``), as pure functions of the readable document and the RuleSet.

The cells come from the document's own tables where the reader kept them (.docx, .pdf: table,
row and column survive into the provenance), else from the text: a line of `|` or tab cells is a
grid row; any other line is split on whitespace into a stream of cells (one cell per line, or a
space-separated dump). pipeline/selfeval/rows.py reads the rows under each header found.
"""
from __future__ import annotations

from dataclasses import replace

import regex

from ..extraction.fundrows import fund_rows
from ..model import Document, Indicator, IndicatorCell, SelfGrade
from ..normalize import parse_quantity
from ..reading import Reading
from ..rules import RuleSet
from .measure import parse_measure, plain_number
from .prose import prose_indicators
from .rows import Carry, Header, RawRow, Tok, grid_row, header_roles, parse_stream, stream_header, \
    to_indicator
from .vocab import IndicatorVocab

_GRID_SPLIT = regex.compile(r"[ \t\u3000]*(?:\t|[|｜])[ \t\u3000]*")
_WORD = regex.compile(r"[^\s|｜]+")
_STREAM_LIMIT = 800  # cells read after a flattened header at most
_QUOTE_CHARS = 60


def self_evaluation(original: Document, readable: Document, reading: Reading,
                    ruleset: RuleSet) -> tuple[list[Indicator], SelfGrade | None]:
    """The indicators and grade of a document, with spans in its original text.

    The table is read in the original text first: the readable text joins figures split by a
    space (≥50个 50 → one figure), which a flattened table's cells are. A page in traditional
    script or with glosses is read in the readable text, its spans mapped back."""
    grade = read_grade(readable, ruleset)
    if grade is not None and reading.text != original.text:
        grade = restore_indicators([], grade, reading, original.text)[1]
    first = read_indicators(original, ruleset)
    if any(x.layout != "execution" for x in first) or reading.text == original.text:
        return first, grade
    second = read_indicators(readable, ruleset)
    if len(second) > len(first):
        return restore_indicators(second, None, reading, original.text)[0], grade
    return first, grade


def read_indicators(document: Document, ruleset: RuleSet) -> list[Indicator]:
    """Every indicator row of the document's self-evaluation tables, the execution row included."""
    vocab: IndicatorVocab | None = ruleset.indicators
    if vocab is None:
        return []
    lines = _lines(document)
    out: list[Indicator] = []
    out += _execution_rows(document, ruleset, vocab)
    i = 0
    while i < len(lines):
        kind, cells = lines[i]
        roles = header_roles([c for c in cells if c.text.strip()], vocab) if kind == "grid" else None
        if roles is not None:
            i = _read_grid(document, lines, i, vocab, ruleset, out)
            continue
        i = _try_stream(document, lines, i, vocab, ruleset, out)
    if not any(x.layout != "execution" for x in out):
        out += prose_indicators(document.doc, document.text, vocab, ruleset.units)
    out.sort(key=lambda x: x.start)
    return [replace(x, position=n) for n, x in enumerate(out)]


def _lines(document: Document) -> list[tuple[str, list[Tok]]]:
    """The document as lines of cells: ("grid", cells) for a table row, ("text", words) otherwise."""
    text = document.text
    table_rows: dict[int, list[Tok]] = {}
    for t_no, table in enumerate(document.tables):
        for r_no, row in enumerate(table.rows):
            if row:
                toks = [Tok(text[c.start:c.end], c.start, c.end, t_no, r_no, c_no) for c_no, c in enumerate(row)]
                table_rows[row[0].start] = toks
    out: list[tuple[str, list[Tok]]] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        row = next((v for k, v in table_rows.items() if start <= k <= end), None) if table_rows else None
        if row is not None:
            out.append(("grid", row))
        elif line.count("|") + line.count("｜") >= 3 or line.count("\t") >= 3:
            out.append(("grid", _split_grid(line, start)))
        elif line.strip():
            out.append(("text", [Tok(m.group(), start + m.start(), start + m.end()) for m in _WORD.finditer(line)]))
    return out


def _split_grid(line: str, offset: int) -> list[Tok]:
    cells, at = [], 0
    stripped = line.strip()
    lead = line.find(stripped[:1]) if stripped else 0
    body_start = lead  # a leading | opens an empty first cell (a merged column)
    body_end = len(line.rstrip())
    if stripped[-1:] in "|｜" and body_end - 1 >= body_start:
        body_end -= 1
    at = body_start
    for m in _GRID_SPLIT.finditer(line, body_start, body_end):
        cells.append(_tok(line, at, m.start(), offset))
        at = m.end()
    cells.append(_tok(line, at, body_end, offset))
    return cells


def _tok(line: str, a: int, b: int, offset: int) -> Tok:
    piece = line[a:b]
    lead = len(piece) - len(piece.lstrip())
    text = piece.strip()
    return Tok(text, offset + a + lead, offset + a + lead + len(text))


def _read_grid(document, lines, i, vocab, ruleset, out) -> int:
    """Rows under a grid header: by column where the row has the header's cells, else by grammar."""
    _, head = lines[i]
    header = Header(header_roles(head, vocab), head[0].start, head[-1].end)
    carry = Carry()
    i += 1
    while i < len(lines):
        kind, cells = lines[i]
        filled = [c for c in cells if c.text.strip()]
        if kind != "grid" or not filled:
            break
        if header_roles(filled, vocab) is not None:
            break  # the next table's header
        total_at = next((n for n, c in enumerate(filled) if c.text.replace(" ", "") in vocab.total_labels), None)
        if total_at is not None:
            i += 1
            break
        row = grid_row(cells, header, vocab) if len(cells) == len(header.roles) else None
        if row is not None:
            trailing: list[Tok] = []
            _emit(document, row, trailing, "grid", carry, vocab, ruleset, out)
        else:
            for raw, trailing in parse_stream(filled, header, vocab):
                _emit(document, raw, trailing, "grid", carry, vocab, ruleset, out)
        i += 1
    return i


def _try_stream(document, lines, i, vocab, ruleset, out) -> int:
    """A flattened header starting on line ``i`` (one cell per line or space-separated): its rows."""
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
    if not found:
        return i + 1
    header, after = found
    body = toks[after:]
    stop = next((n for n, t in enumerate(body) if t.text.replace(" ", "") in vocab.total_labels
                 or stream_header(body, n, vocab) is not None), len(body))
    carry = Carry()
    for raw, trailing in parse_stream(body[:stop], header, vocab):
        _emit(document, raw, trailing, "lines", carry, vocab, ruleset, out)
    # continue after the last cell read
    end = body[stop - 1].end if stop else header.end
    k = first_line
    while k < j and lines[k][1] and lines[k][1][-1].end <= end:
        k += 1
    return max(k, i + 1)


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
        rate = parse_quantity(rate_cell.group(), ruleset.units) if rate_cell is not None else None
        if rate is not None and rate.unit == "":
            rate = parse_quantity(rate_cell.group() + "%", ruleset.units)
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
    """The grade the report gives itself (评价等级为“优”, 自评等级：良好): the first one stated."""
    vocab: IndicatorVocab | None = ruleset.indicators
    if vocab is None or vocab.grade_pattern is None:
        return None
    names = dict(vocab.grade_names)
    for m in vocab.grade_pattern.finditer(document.text):
        text = document.text
        a, b = max(0, m.start() - _QUOTE_CHARS // 2), min(len(text), m.end() + 4)
        return SelfGrade(document.doc, names[m.group("grade")], m.group("grade"), text[a:b],
                         m.start("grade"), m.end("grade"))
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
        out.append(replace(x, start=start, end=end, quote=original[start:end], cells=cells))
    if grade is not None:
        start, end = reading.to_original(grade.start, grade.end)
        grade = replace(grade, start=start, end=end, raw=original[start:end])
    return out, grade
