"""The indicator table under its header, however the page laid it out.

* **grid**: a .docx/.pdf table, or text lines of `|` or tab cells. A row with as many cells as the
  header is read by column; any other row by the row grammar below.
* **lines**: one cell per line, or a space-separated dump — a stream of cells with no row breaks.
  Rows are found by the row grammar: ``[level-1] [level-2] level-3`` then the header's value
  columns in order (an optional 指标性质 comparator, the target, an optional 度量单位, the actual,
  the weight and the score as bare numbers), then an optional note. Where the stream can be cut
  into rows several ways, the cut that leaves the fewest cells unread wins (a dynamic programme),
  so a bare actual (``≥50个 | 50 | 8 | 8``) is never taken for a weight.

Level-1 and level-2 cells a row leaves out (merged cells) are carried down from the row above.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import regex

from ..model import Indicator, IndicatorCell
from ..normalize import Units
from .measure import is_comparator, parse_measure, plain_number
from . import vocab as V
from .vocab import IndicatorVocab

LEVELS = ("level1", "level2", "level3")
_UNIT_CELL = regex.compile(r"^[\p{Han}%％㎡]{1,4}(?:/[\p{Han}㎡]{1,4})?$")  # 个, %, 元/人
_MAX_PREFIX = 3  # cells before level-3 a row may carry (level-1, level-2, its points)
_PROSE = regex.compile(r"[。；;]")
_WORDS = regex.compile(r"\p{L}")  # a name has words: a cell of marks (/, —) is a blank cell
_HAN_GAP = regex.compile(r"(?<=\p{Han})\s+(?=[\p{Han}(（])")  # layout space inside a name (基础信息 完整性, 产值 (万元))
_EARLY = 0.01  # a column left out early in the row costs a little more than a late one
_BARE = 0.05  # a bare number read as a target or actual where a weight may stand (a table with 分值)
_LONE_SCORE = "score?"  # the one number a row of a table without points columns may print
_UNIT_AFTER_BARE = 1.0  # leaving out the unit column where a bare target is followed by a unit-like cell
_MISSING = 0.9  # the cost of a value column a row leaves out (more than a skipped cell's share)
_LONE_HEADER_WORD = 3  # a table's lone cell holding a header word this long is a header's piece, not a row
_LEVEL2_AFTER_LEVEL2 = 2.0  # a level-2 name after a level-2 name: more than reading it as the row's name
_LEVEL_AS_NAME = 1.5  # a level-3 cell named like a level: more than a value column left out (a cut row)
_EXECUTION_AS_NAME = 0.5
_SENTENCE_AS_VALUE = 1.0  # a target or actual word of a dump holding a sentence (本着节约的原则,控制在预算中。)
_SENTENCE_AS_NAME = 1.0  # a level-3 cell holding a sentence (its borders printed): a row's name where no other reading fits
_NATURE_WITHOUT_TARGET = 0.5  # a row's figure after its 指标性质 comparator read as anything but the target
_NUMBER_AS_OTHER = 0.3  # a figure in a column of no role: less than leaving a weight or score unread
_LINE_OPENING = 4.0  # a row's value from the cell opening a dump's next line: more than a row with all its values left out


@dataclass(frozen=True, slots=True)
class Tok:
    """A cell: its text and span, and its place in a document table when it has one."""

    text: str
    start: int
    end: int
    table: int | None = None
    row: int | None = None
    col: int | None = None
    opens_line: bool = False  # the first of several cells a text line holds (a dump's row starts there)
    bounded: bool = False  # the page printed its borders (a table cell, a | or tab cell): a sentence in it stays a cell

    def cell(self, role: str) -> IndicatorCell:
        return IndicatorCell(role, self.start, self.end, self.table, self.row, self.col)


@dataclass(frozen=True)
class Header:
    """The indicator table's header: the role of each column, in order (None: no role)."""

    roles: tuple[str | None, ...]
    start: int
    end: int

    @property
    def values(self) -> tuple[str, ...]:
        """The roles after the level names, in order, without repeats (``other``: a column of no
        role between them, as often as it stands); a table with neither weight nor score may
        still print one number a row, read as the score."""
        out: list[str] = []
        for r in self.roles:
            if r and r not in LEVELS and (r == "other" or r not in out):
                out.append(r)
        while out and out[-1] == "other":
            out.pop()
        if not {"weight", "score"} & set(out):
            out.append(_LONE_SCORE)
        return tuple(out)


def header_roles(cells: list[Tok], vocab: IndicatorVocab) -> tuple[str | None, ...] | None:
    """The role of each header cell, when the cells make an indicator header (else None): enough
    roles, a name or target column, and either the points (weight or score) or target and actual."""
    roles = tuple(vocab.role_of(c.text) if len(c.text) <= 16 else None for c in cells)
    named = {r for r in roles if r}
    if len(named) < vocab.min_roles or not named & {"level3", "target"}:
        return None
    if not (named & {"weight", "score"}) and not {"target", "actual"} <= named:
        return None
    return roles


def stream_header(toks: list[Tok], at: int, vocab: IndicatorVocab) -> tuple[Header, int] | None:
    """A header made of consecutive cells from ``toks[at]`` (one per line or space-separated):
    the header and the index after it."""
    end = at
    while end < len(toks) and vocab.is_header_cell(toks[end].text) and len(toks[end].text) <= 16:
        end += 1
    if end - at < vocab.min_roles:
        return None
    roles = header_roles(toks[at:end], vocab)
    if roles is None:
        return None
    roles = _sub_columns(_points_group(toks[at:end], roles))
    merged: list[str | None] = []
    for r in roles:  # 偏差原因 / 分析及 / 改进措施: one column
        if r and (not merged or merged[-1] != r or r == "other"):
            merged.append(r)
    return Header(_two_lines(tuple(merged)), toks[at].start, toks[end - 1].end), end


def _sub_columns(roles: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """A header whose first line holds pieces (年度 | 实际) over the words its second line prints
    after the last column (… | 得分 | 偏差原因分析及改进措施 | 指标值 | 完成值): those words
    take the pieces' places, in order, where they are as many."""
    last = max((n for n, r in enumerate(roles) if r in ("note", "score")), default=None)
    first = next((n for n, r in enumerate(roles) if r), None)
    if last is None or first is None:
        return roles
    tail = roles[last + 1:]
    holes = [n for n in range(first, last) if roles[n] is None]
    if not tail or len(tail) != len(holes) or not all(r in _SUB_ROLES for r in tail):
        return roles
    out = list(roles[:last + 1])
    for n, r in zip(holes, tail):
        out[n] = r
    return tuple(out)


_SUB_ROLES = frozenset({"nature", "target", "unit", "actual"})


def _points_group(toks: list[Tok], roles: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """A header whose second line splits the first line's score column (自评得分 over 单项指标得分 |
    权重占比 | 折算得分): the second line's named columns take the score's place, in order, and its
    weight is the rows' weight — a first-line weight cell before them heads a column of words (the
    rows print their 指标解释 under it). The second line's unnamed pieces (符号 | 单位 under the
    target) are one cell in the rows and no column of their own."""
    second = next((n for n in range(1, len(toks)) if toks[n].opens_line), None)
    if second is None:
        return roles
    first, below = roles[:second], [r for r in roles[second:] if r]
    if not {"weight", "score"} <= set(below) or first[-1:] != ("score",) or "score" in first[:-1]:
        return roles
    head = tuple("other" if r == "weight" else r for r in first[:-1])
    return head + tuple(below)


def _two_lines(roles: tuple[str | None, ...]) -> tuple[str | None, ...]:
    """A two-line header read line after line (年度指标值 | 实际完成值 | 分值 | 得分 | 一级指标 |
    二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位: the second line names the levels and the
    sub-columns under the first line's 年度指标值) → the columns in the rows' order: the second
    line's, then the first line's columns it does not name."""
    first_level = next((n for n, r in enumerate(roles) if r in LEVELS), None)
    if not first_level or not any(r and r not in LEVELS for r in roles[:first_level]):
        return roles
    second = roles[first_level:]
    return second + tuple(r for r in roles[:first_level] if r and r not in second)


def scattered_header(toks: list[Tok], at: int, vocab: IndicatorVocab) -> tuple[Header, int] | None:
    """A header whose cells a dump interleaved with the first rows' cells (a spreadsheet flattened
    column by column): header words from ``toks[at]`` on, at most ``_SCATTER`` cells apart,
    naming at least two more roles than a header must. The rows are read after its last word,
    its columns in the order their words first appear."""
    if not vocab.is_header_cell(toks[at].text) or vocab.role_of(toks[at].text) is None:
        return None
    words, last, k = [], at, at
    while k < len(toks) and k - last <= _SCATTER:
        if len(toks[k].text) <= 16 and vocab.role_of(toks[k].text):
            words.append(toks[k])
            last = k
        k += 1
    roles = header_roles(words, vocab)
    if roles is None or len({r for r in roles if r}) < vocab.min_roles + 2 or not {"weight", "score"} <= set(roles):
        return None
    order = tuple(dict.fromkeys(r for r in roles if r))
    return Header(order, toks[at].start, toks[last].end), last + 1


_SCATTER = 12  # cells between two words of a scattered header at most


# reading rows ---------------------------------------------------------------------------------

@dataclass
class RawRow:
    """A row as read: role → cell."""

    cells: dict[str, Tok]
    prefix: list[Tok]


def grid_row(cells: list[Tok], header: Header, vocab: IndicatorVocab) -> RawRow | None:
    """A row with as many cells as the header, read by column."""
    out: dict[str, Tok] = {}
    for role, tok in zip(header.roles, cells):
        if role and role != "other" and tok.text.strip() and role not in out:
            out[role] = tok
    for role in ("weight", "score"):
        if role in out and plain_number(out[role].text, vocab.points) is None:
            return None
    if "level3" in out and not _is_name(out["level3"], vocab):
        return None  # the cells only happen to be as many as the columns (a row cut, another run on)
    if "level3" not in out and "target" not in out or not {"target", "actual", "weight", "score"} & set(out):
        return None
    return RawRow(out, [])


def name_only_row(filled: list[Tok], vocab: IndicatorVocab, header: Header | None = None,
                  inside: bool = False) -> RawRow | None:
    """A row of its level cells and its name, every value cell left blank (满意度指标 | 服务对象满意度指标
    | 受益农户满意度, a row the page left unfilled or cut after its name): read only where a level-1 or
    level-2 name stands before the name in the same row, and the name is no template placeholder.
    Under a header with a level-2 column, a level-1 name opens its block's first row, whose level-2
    cell stands beside it whatever its words (满意度指标 | 读者 | 读者满意度调查). A table's row of its
    name alone (``inside``: more rows follow) is one too, where the name is no sentence."""
    if not (2 if not inside else 1) <= len(filled) <= 3:
        return None
    *prefix, name = filled
    opens_block = len(prefix) == 2 and header is not None and "level2" in header.roles \
        and bool(vocab.block_of(prefix[0].text)) and _is_name(prefix[1], vocab) and not _PROSE.search(prefix[1].text, None, None, False)
    if not opens_block and not all(vocab.block_of(t.text) or vocab.is_level2(t.text) for t in prefix):
        return None
    if not prefix and (_PROSE.search(name.text, None, None, False) or any(len(w) >= _LONE_HEADER_WORD and w in name.text
                                                       for w, _ in vocab.header_words)):
        return None  # a sentence, or a header's cell a page broke off its line (未完成原因及拟采取的改进措施)
    text = name.text.strip()
    if not _is_name(name, vocab) or vocab.block_of(text) or vocab.is_level2(text):
        return None
    return RawRow({"level3": name}, prefix)


def parse_stream(toks: list[Tok], header: Header, vocab: IndicatorVocab) -> list[tuple[RawRow, list[Tok]]]:
    """Cut a stream of cells into rows (see the module docstring): [(row, cells after it)].

    What the grammar asks of a cell is asked once (``_facts``), and the value columns' readings
    after a level-3 cell once for that cell (every row's prefix before it tries the same ones)."""
    slots = [r for r in header.values if r != "note"]
    n = len(toks)
    facts = [_facts(t, vocab) for t in toks]
    inf = float("inf")
    best = [inf] * (n + 1)
    choice: list[tuple | None] = [None] * (n + 1)
    best[n] = 0.0
    after: dict[int, list] = {}  # level-3 cell → every reading of the value columns after it
    for i in range(n - 1, -1, -1):
        # skip one cell (a note of the row before, or a cell that belongs to no row)
        cost = (2.0 if facts[i].num is not None else 1.0) + best[i + 1]
        best[i], choice[i] = cost, ("skip",)
        for p in range(0, _MAX_PREFIX + 1):
            j = i + p  # the level-3 cell
            if j >= n:
                break
            pcost = _prefix_cost(facts[i:j])
            if pcost is None:
                break  # a longer prefix holds the same cell
            name = facts[j]
            if not name.name:
                continue
            if name.block == vocab.execution_block:
                pcost += _EXECUTION_AS_NAME  # a rubric's 预算执行率 row: a level-3 name as often as a block's
            elif name.block or name.level2:
                pcost += _LEVEL_AS_NAME  # a level-3 named like a level (满意度): possible, not likely
            if name.prose:
                pcost += _SENTENCE_AS_NAME  # a rubric's 评分标准 sentence is an `other` cell, not the next row's name
            readings = after.get(j)
            if readings is None:
                readings = after[j] = _readings(toks, facts, j + 1, slots)
            for assigned, k, scost in readings:
                total = pcost + scost + best[k]
                if total < best[i]:
                    best[i], choice[i] = total, ("row", toks[i:j], toks[j], assigned, k)
    return _wrapped_cells([r for row in chosen_rows(choice, toks) for r in _pushed_values(row, slots, vocab)], slots)


def chosen_rows(choice: list, toks: list[Tok]) -> list[tuple[RawRow, list[Tok]]]:
    """The rows the search chose, from the first cell on: each (row, the cells skipped after it).
    ``choice[i]``: ("skip",) or ("row", prefix, level-3 cell, assigned cells, the next row's index)."""
    rows: list[tuple[RawRow, list[Tok]]] = []
    i = 0
    while i < len(toks):
        c = choice[i]
        if c[0] == "skip":
            if rows:
                rows[-1][1].append(toks[i])
            i += 1
            continue
        _, prefix, level3, assigned, k = c
        cells = dict(assigned)
        cells["level3"] = level3
        rows.append((RawRow(cells, list(prefix)), []))
        i = k
    return rows


def _wrapped_cells(rows: list[tuple[RawRow, list[Tok]]], slots: list[str]) -> list[tuple[RawRow, list[Tok]]]:
    """Two rows read from one whose target and actual a dump wrapped at the column's width
    (企业国际质量提升 | 获得目的国 | (地区)受 | 众欢迎 | 受目的国受 | 众欢迎显著 | 10): the first without its
    points, the second with them, all their cells from the first's target on words of no figure.
    A cell's pieces fill the width but for its last; where those pieces make exactly a target and an
    actual, the two rows are one."""
    points = {"weight", "score"} & set(slots)
    out: list[tuple[RawRow, list[Tok]]] = []
    n = 0
    while n < len(rows):
        merged = _one_row(rows[n], rows[n + 1], points) if points and n + 1 < len(rows) else None
        if merged is None:
            out.append(rows[n])
            n += 1
        else:
            out.append(merged)
            n += 2
    return out


def _one_row(first: tuple[RawRow, list[Tok]], second: tuple[RawRow, list[Tok]], points: set[str]):
    (a, a_after), (b, b_after) = first, second
    if a_after or b.prefix or points & set(a.cells) or not points <= set(b.cells):
        return None
    if not {"target", "actual"} <= set(a.cells) or not {"target", "actual"} <= set(b.cells):
        return None
    pieces = [a.cells["target"], a.cells["actual"], b.cells["level3"], b.cells["target"], b.cells["actual"]]
    if any(t.bounded or _FIGURE_IN.search(t.text, None, None, False) for t in pieces):
        return None
    width = max(len(t.text) for t in pieces)
    cells: list[list[Tok]] = [[]]
    for t in pieces:
        cells[-1].append(t)
        if len(t.text) < width:
            cells.append([])
    cells = [c for c in cells if c]
    if len(cells) != 2:
        return None
    joined = {role: Tok(" ".join(t.text for t in c), c[0].start, c[-1].end) for role, c in zip(("target", "actual"), cells)}
    return RawRow({**a.cells, **joined, **{r: b.cells[r] for r in points}}, a.prefix), b_after


_FIGURE_IN = regex.compile(r"[0-9０-９]")


def _pushed_values(row: tuple[RawRow, list[Tok]], slots: list[str], vocab: IndicatorVocab):
    """A row of a dump whose tall name cell pushed its values below the next row's (指标24:…报告 | 数 |
    指标25:签约率 | 14例 | 14例 | 2 | 2 | 24694人 | 22584人 | 2 | 1.7): the words before the name that
    name no level are the row above's name, the values read are that row's, and a whole set of
    values after them is this row's. Where no whole set follows, the row stays as read."""
    raw, trailing = row
    at = len(raw.prefix)
    while at > 0 and not _level_cell(raw.prefix[at - 1], vocab):
        at -= 1
    names = raw.prefix[at:]
    wanted = [r for r in slots if r in _VALUE_ROLES]
    if not names or not trailing or not {"weight", "score"} <= set(wanted) or not set(wanted) <= set(raw.cells):
        return [row]
    whole = [(got, k) for got, k, _ in _slots(trailing, 0, slots, vocab) if set(wanted) <= set(got)]
    if not whole:
        return [row]
    got, k = min(whole, key=lambda g: g[1])
    name = Tok(" ".join(t.text for t in names), names[0].start, names[-1].end, bounded=names[0].bounded)
    above = RawRow({**{r: t for r, t in raw.cells.items() if r != "level3"}, "level3": name}, raw.prefix[:at])
    below = RawRow({**got, "level3": raw.cells["level3"]}, [])
    return [(above, []), (below, trailing[k:])]


_VALUE_ROLES = frozenset({"target", "actual", "weight", "score"})


def _level_cell(tok: Tok, vocab: IndicatorVocab) -> bool:
    """A level cell: a level-1 block, a level-2 name or the points (``_Facts.levelish``, remembered)."""
    return _facts(tok, vocab).levelish


def _prefix_cost(prefix: list[_Facts]) -> float | None:
    cost = 0.0
    level2_only = False  # the cell before is a level-2 name and no level-1 one
    for f in prefix:
        if not f.prefix:
            return None  # (a header piece a dump broke off, 年度 | 绩效 | 目标: no level)
        if not f.levelish:
            cost += 0.6
        elif level2_only and f.level2:
            cost += _LEVEL2_AFTER_LEVEL2  # 服务对象满意度指标 | 服务对象满意度: the second is the row's name
        level2_only = f.level2 and not f.block
    return cost


_NAMING_ROLES = frozenset({"level1", "level2", "level3", "weight", "score", "note"})


def _header_word(text: str, vocab: IndicatorVocab) -> bool:
    """A header cell naming a level, the points or the note column (自评得分, 单项指标得分, 二级指标):
    a page's second header line, or a header a dump printed among the rows — never a row's level,
    name, target or actual (a target or actual word, 实施进度, and a header word's piece, 全年,
    may stand in a row's text)."""
    return vocab.role_of(text) in _NAMING_ROLES


def _is_name(tok: Tok, vocab: IndicatorVocab) -> bool:
    """A level-3 cell: words, not a figure, a comparator, a level-1/2 name, a header word or a
    template's unfilled name (指标2：, ……); and, unless the page printed the cell's borders, no
    sentence (a dump's prose is no row) and no header piece (年度, 指标: a header the dump broke up).
    ``_Facts.name``, remembered."""
    return _facts(tok, vocab).name


def _slots(toks: list[Tok], at: int, slots: list[str], vocab: IndicatorVocab):
    """Every way the value columns can be read from ``toks[at]``: (role → cell, next index, cost)."""
    return _readings(toks, [_facts(t, vocab) for t in toks], at, slots)


def _readings(toks: list[Tok], facts: list[_Facts], at: int, slots: list[str]):
    """``_slots`` with the cells' facts given (``facts[n]`` of ``toks[n]``)."""
    out = []
    weighted = "weight" in slots
    n = len(toks)
    last = len(slots)

    # got: the (role, cell index) pairs read, in order; what the columns still to read ask of them
    # passed along: the comparator read, the target's and the weight's cell (-1: not read)
    def walk(i: int, s: int, got: tuple, cost: float, nature: bool, target: int, weight: int) -> None:
        if s == last:
            out.append(({r: toks[k] for r, k in got}, i, cost))
            return
        role = slots[s]
        if role == _LONE_SCORE:
            walk(i, s + 1, got, cost + 0.1, nature, target, weight)
            role = "score"
        if role in ("nature", "unit", "other"):  # optional columns: often empty, and then absent in a dump
            skip = 0.1
            if role == "unit" and i < n and facts[i].unit_like and target >= 0 and facts[target].bare:
                skip = _UNIT_AFTER_BARE  # a bare target, then a unit-like cell: the unit column, likely
            walk(i, s + 1, got, cost + skip, nature, target, weight)
        elif slots[s] != _LONE_SCORE:  # a cell left blank (a 其中 row's points), or the page cut before it
            walk(i, s + 1, got, cost + _MISSING + _EARLY * (last - s), nature, target, weight)  # a cut page drops the last
        if i >= n:
            return
        f = facts[i]
        after_nature = _NATURE_WITHOUT_TARGET if nature and target < 0 else 0.0
        if role == "other":
            if f.filled:  # words (a rubric's 评分标准), or a figure of no role of its own (单项指标得分)
                walk(i + 1, s + 1, got + ((role, i),), cost + (_NUMBER_AS_OTHER if f.num is not None else 0.0),
                     nature, target, weight)
        elif role == "nature":
            if f.comparator:
                walk(i + 1, s + 1, got + ((role, i),), cost, True, target, weight)
        elif role == "unit":
            if f.unit_like and f.num is None:
                walk(i + 1, s + 1, got + ((role, i),), cost, nature, target, weight)
        elif role in ("weight", "score"):
            if f.num is not None:
                extra = after_nature
                if role == "score" and weight >= 0 and f.num > facts[weight].num:
                    extra = 0.5  # possible (a finding), but not the likely reading
                walk(i + 1, s + 1, got + ((role, i),), cost + extra + (_LINE_OPENING if f.opens else 0.0),
                     nature, target, i if role == "weight" else weight)
        elif f.value:
            bare = _BARE if f.num is not None and weighted else 0.0
            bare += after_nature if role != "target" else 0.0
            if f.loose_prose:
                bare += _SENTENCE_AS_VALUE  # a dump's target or actual stated in a sentence: where nothing else fits
            walk(i + 1, s + 1, got + ((role, i),), cost + bare + (_LINE_OPENING if f.opens else 0.0),
                 nature, i if role == "target" else target, weight)

    walk(at, 0, (), 0.0, False, -1, -1)
    return out


class _Facts:
    """What the row grammar asks of a cell, asked once: its points figure (``num``), whether it may
    stand before a row's name (``prefix``), names a level, is a row's name, a comparator, a unit,
    a target or actual (``value``)."""

    __slots__ = ("num", "bare", "filled", "comparator", "unit_like", "block", "level2", "levelish", "prefix",
                 "name", "prose", "loose_prose", "value", "opens")

    def __init__(self, tok: Tok, vocab: IndicatorVocab) -> None:
        raw = tok.text
        text = raw.strip()
        self.num = num = plain_number(text, vocab.points)
        self.bare = plain_number(text) is not None  # a figure with no points word (a bare target)
        self.filled = bool(text)
        self.comparator = comparator = is_comparator(text, vocab)
        self.unit_like = bool(_UNIT_CELL.match(text, None, None, False))
        filler = text in vocab.fillers
        # the grammar asks the vocabulary of the cell as printed (before a name) and trimmed (a name,
        # a value): one answer where the two squeeze alike (str.strip trims \x1c-\x1f, \s does not)
        as_printed = _VocabAnswers(raw, vocab)
        trimmed = as_printed if text == raw or V._squeeze(text) == V._squeeze(raw) else _VocabAnswers(text, vocab)
        self.block, self.level2 = as_printed.block, as_printed.level2
        self.levelish = bool(as_printed.block or as_printed.level2 or as_printed.points)
        self.prefix = not (num is not None or comparator or as_printed.header or as_printed.placeholder
                           or not tok.bounded and filler)
        prose = bool(_PROSE.search(text, None, None, False))
        self.prose = prose
        self.loose_prose = prose and not tok.bounded
        t = trimmed
        self.name = bool(_WORDS.search(text, None, None, False)) and num is None and not comparator and not t.header \
            and (tok.bounded or not prose and not filler) and not t.total and not t.placeholder \
            and parse_measure(text, vocab, None).qualitative
        self.value = bool(text) and not t.block and not t.level2 and not comparator and not t.total \
            and not t.header and not t.points and (tok.bounded or not filler)
        self.opens = tok.opens_line


class _VocabAnswers:
    """What the vocabulary says of a cell's text: level-1 block, level-2 name, points, header word
    naming a level or the points, template placeholder, total label."""

    __slots__ = ("block", "level2", "points", "header", "placeholder", "total")

    def __init__(self, text: str, vocab: IndicatorVocab) -> None:
        self.block = vocab.block_of(text)
        self.level2 = vocab.is_level2(text)
        self.points = vocab.has_points(text)
        self.header = _header_word(text, vocab)
        self.placeholder = vocab.is_placeholder(text)
        self.total = vocab.is_total(text)


def _facts(tok: Tok, vocab: IndicatorVocab) -> _Facts:
    """``_Facts`` of a cell, remembered by its text, borders and line opening (a page's cells are
    read again under every header and template; bounded, whatever the corpus)."""
    key = (tok.text, tok.bounded, tok.opens_line)
    known = vocab._cell_facts.get(key)
    return known if known is not None else vocab._cell_facts.keep(key, _Facts(tok, vocab))


# rows → indicators ----------------------------------------------------------------------------

class Carry:
    """The level-1 and level-2 names of the rows above (merged cells)."""

    def __init__(self) -> None:
        self.level1 = ""
        self.level2 = ""


def to_indicator(doc: str, position: int, row: RawRow, trailing: list[Tok], text: str, layout: str,
                 carry: Carry, vocab: IndicatorVocab, units: Units | None) -> Indicator | None:
    """A read row → an ``Indicator`` (levels carried down, target and actual parsed)."""
    c = row.cells
    level1 = c["level1"].text.strip() if "level1" in c else ""
    level2 = c["level2"].text.strip() if "level2" in c else ""
    names = [t.text.strip() for t in row.prefix]
    named_level1 = False
    for name in names:  # a stream's cells before level-3: by vocabulary, then by position
        if vocab.block_of(name) and not (named_level1 and vocab.is_level2(name)):
            level1, named_level1 = name, True  # 满意度指标(10分) | 满意度指标: the second one is level 2
            level2 = "" if "level2" not in c else level2  # a level-2 cell before it closed the block above
        elif vocab.is_level2(name):
            level2 = name
    unknown = [nm for nm in names if not vocab.block_of(nm) and not vocab.is_level2(nm)]
    if unknown and not level2:
        level2 = unknown[-1]
        unknown = unknown[:-1]
    if unknown and not level1:  # 决策 (20分) | 目标设定 (8分) | …: level 1, then level 2
        level1 = unknown[-1]
    level1, level2 = vocab.level_name(level1), vocab.level_name(level2)
    if level1:
        if level1 != carry.level1:
            carry.level2 = ""
        carry.level1 = level1
    if level2:
        carry.level2 = level2
    weight = plain_number(c["weight"].text, vocab.points) if "weight" in c else None
    score = plain_number(c["score"].text, vocab.points) if "score" in c else None
    unit_cell = c["unit"].text if "unit" in c else ""
    nature = c["nature"].text if "nature" in c else ""
    target = parse_measure(c["target"].text if "target" in c else "", vocab, units, unit_cell, nature)
    actual = parse_measure(c["actual"].text if "actual" in c else "", vocab, units, unit_cell)
    note_cells = ([c["note"]] if "note" in c else []) + trailing
    note = " ".join(t.text.strip() for t in note_cells if t.text.strip())
    spans = [t for t in list(c.values()) + row.prefix]
    start, end = min(t.start for t in spans), max(t.end for t in spans)
    cells = tuple(t.cell(role) for role, t in c.items() if role != "other") + tuple(t.cell("note") for t in trailing)
    return Indicator(
        doc=doc, position=position, block=vocab.block_of(carry.level1) if carry.level1 else None,
        level1=carry.level1, level2=carry.level2,
        level3=name_text(c["level3"].text) if "level3" in c else "",
        target_text=target.text, target_op=target.op, target_value=target.value, target_unit=target.unit,
        actual_text=actual.text, actual_value=actual.value, actual_unit=actual.unit,
        weight=weight, score=score, note=note, quote=text[start:end], start=start, end=end, layout=layout,
        cells=tuple(sorted(cells, key=lambda x: x.start)))


def name_text(text: str) -> str:
    """A level-3 name as read: layout space inside it removed (基础信息 完整性 → 基础信息完整性)."""
    return _HAN_GAP.sub("", " ".join(text.split()), 0, None, None, False)


def total_row(toks: list[Tok], at: int, vocab: IndicatorVocab) -> tuple[Decimal | None, Decimal | None, Tok | None]:
    """合计 | 100 | 95 after a total label at ``toks[at]``: (weight total, score total, score cell)."""
    nums = []
    for t in toks[at + 1:at + 4]:
        v = plain_number(t.text, vocab.points)
        if v is None:
            if t.text.strip() in ("", "/", "—", "-"):
                continue
            break
        nums.append((v, t))
    if len(nums) >= 2:
        return nums[0][0], nums[1][0], nums[1][1]
    return None, None, None
