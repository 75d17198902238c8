"""An indicator table whose cells the page ran together, nothing between them (the OCR text of a
doc-sharing site's copy): 一级指标二级指标三级指标分值年度指标值全年实际值得分 …, then rows such as
数量指标指标1免费发放原原种8550万粒550万粒8 (指标1免费发放原原种 | 8 | 550万粒 | 550万粒 | 8).

Read only where no other layout gave a row. The header's words are found run together and read as
a flattened header (rows.stream_header). The body is cut at the level-1 and level-2 names
(rules/indicators.yaml, the longer ones: a short 满意度 stands inside names) and at the template's
row numbers (``run_on.row_start``: 指标1, 指标2 …). Each piece is one row: its name, then the
header's value columns as figures and words with no break between them, cut where the reading is
most plausible — a target the same as its actual, a score the same as its weight, else both ending
in the same unit (words on both sides only between a weight and a score), the earliest cut on a
tie. A numbered piece (指标3…) whose values cannot be cut so is read by its name alone (its cells
unreadable), where it holds a figure at all; any other such piece is no row.
"""
from __future__ import annotations

from decimal import Decimal

import regex

from ..holding import least
from ..memo import per_object
from ..model import Indicator
from ..normalize import Units
from .rows import Carry, RawRow, Tok, stream_header, to_indicator
from .vocab import IndicatorVocab

_FIGURE = regex.compile(r"[0-9]+(?:\.[0-9]+)?")
_LEAD = regex.compile(r"[^0-9]*\p{Han}")  # a numbered row's name: up to the first figure after its number
_NOT_GAP = regex.compile(r"[\s0-9]")  # what never stands between two header words
_NAME_END = regex.compile(r"[\p{L}）)]")
_NOTE = regex.compile(r"\p{Han}{2}[^0-9]*")  # words after a row's score, no figure
_NAME_CHARS = regex.compile(r"\p{Han}")
_GAP_NOTE = regex.compile(r"[（(][^（）()\n]{1,16}[)）]")  # a header word's bracketed note
_MAX_GAP = 2  # characters between two header words that are none (年初 of 年初目标值)
_BODY_CHARS = 2000  # a run-on table's body holds this many characters at most
_LEVEL_CHARS = 4  # level names this long at least cut the body (满意度, 效益 stand inside names)
_POINT_DIGITS = 3  # a weight or score has this many digits at most before its decimals
_NAME_LIMIT = 40  # characters a row's name holds at most
_CELL_CHARS = 20  # characters a target or actual holds at most
_LEADING_ZERO = regex.compile(r"0[0-9]")
_FULL_MARKS = Decimal(100)  # a weight or score is at most the full marks
_SLOTS = frozenset({"weight", "target", "actual", "score"})


def runon_rows(doc: str, text: str, vocab: IndicatorVocab, units: Units | None) -> list[Indicator]:
    """The rows of every run-on indicator table of ``text``."""
    if vocab.run_on_start is None:
        return []
    out: list[Indicator] = []
    for header, end in _headers(text, vocab):
        if tuple(r for r in header.values if r != "note") == _RUBRIC:
            out += _rubric_rows(doc, text, end, vocab, units)
            continue
        slots = [r for r in header.values if r not in ("note", "other")]
        if not set(slots) <= _SLOTS or not {"target", "score"} <= set(slots):
            continue
        flat, where = _flatten(text, end, _body_end(text, end, vocab))
        carry = Carry()
        for prefix, a, b in _pieces(flat, vocab):
            row = _row(flat, a, b, slots, vocab)
            if row is None:
                continue
            cells = {role: _tok(flat, where, x, y) for role, (x, y) in row.items()}
            raw = RawRow(cells, [_tok(flat, where, x, y) for x, y in prefix])
            x = to_indicator(doc, 0, raw, [], text, "runon", carry, vocab, units)
            if x is not None:
                out.append(x)
    return out


def _rubric_rows(doc: str, text: str, at: int, vocab: IndicatorVocab, units: Units | None) -> list[Indicator]:
    """The rows of a run-on scoring rubric (三级指标 | 分值 | 指标评价内容 | 得分: 必要性(政策依据)5项目符合…5
    可行性(政策完善)5…): its bare figures alternate, a weight after a row's name and a score after its
    rubric words; a level-3 name is the words after the last level name or points mark before it
    ((20分)项目决策(10分)科学决策必要性(政策依据) → levels 项目决策, 科学决策; name 必要性(政策依据)). The
    last row may end in its rubric words, the page cut before its score."""
    flat, where = _flatten(text, at, _body_end(text, at, vocab))
    figures = [m for m in _RUBRIC_FIGURE.finditer(flat, None, None, False, False) if _is_points(m.group())]
    carry = Carry()
    out: list[Indicator] = []
    n = 0
    start = 0
    while n < len(figures):
        weight = figures[n]
        score = figures[n + 1] if n + 1 < len(figures) else None
        words_end = score.start() if score is not None else len(flat)
        head, rubric = flat[start:weight.start()], flat[weight.end():words_end]
        levels, name = _rubric_name(head, start, vocab)
        if name is None or not _NAME_CHARS.search(rubric, None, None, False) or len(rubric) > _RUBRIC_CHARS:
            break  # not a rubric's row: the table ended
        cells = {"level3": _tok(flat, where, *name), "weight": _tok(flat, where, weight.start(), weight.end()),
                 "other": _tok(flat, where, weight.end(), words_end)}
        if score is not None:
            cells["score"] = _tok(flat, where, score.start(), score.end())
        x = to_indicator(doc, 0, RawRow(cells, [_tok(flat, where, a, b) for a, b in levels]), [], text, "runon",
                         carry, vocab, units)
        if x is not None:
            out.append(x)
        if score is None:
            break
        start, n = score.end(), n + 2
    return out


def _rubric_name(head: str, offset: int, vocab: IndicatorVocab) -> tuple[list[tuple[int, int]], tuple[int, int] | None]:
    """The level names and the level-3 name of a rubric row's words: the words after the last points
    mark ((10分), (10)), cut after a rubric level name they open with (rules/indicators.yaml ``rubric_levels``)."""
    levels: list[tuple[int, int]] = []
    cut = 0
    points = "|".join(map(regex.escape, vocab.points))
    marks = regex.compile(r"[（(][0-9.]*(?:" + points + r")?[)）]" if points else r"[（(][0-9.]*[)）]")
    for m in marks.finditer(head, None, None, False, False):
        if m.start() > cut:
            levels.append((offset + cut, offset + m.start()))
        cut = m.end()
    m = vocab.rubric_levels.match(head, cut, None, False) if vocab.rubric_levels is not None else None
    if m and m.end() < len(head):
        levels.append((offset + m.start(), offset + m.end()))
        cut = m.end()
    name = head[cut:]
    if not _is_name(name):
        return levels, None
    return levels, (offset + cut, offset + len(head))


_RUBRIC = ("weight", "other", "score")
_RUBRIC_FIGURE = regex.compile(r"(?<![0-9.（(])[0-9]+(?:\.[0-9]+)?(?![0-9.%％）)])")  # not in a points mark (10分)
_RUBRIC_CHARS = 200  # a rubric cell holds this many characters at most


def _headers(text: str, vocab: IndicatorVocab):
    """Header words run together (a gap of a few other characters allowed): (header, its end)."""
    if not _may_name_rows(text, vocab):
        return
    words = list(vocab.run_on_words.finditer(text, None, None, False, False))
    group: list = []
    for m in words + [None]:
        gap = text[group[-1].end():m.start()] if m is not None and group else None
        if gap is not None and (len(gap) <= _MAX_GAP and not _NOT_GAP.search(gap, None, None, False)
                                and (not gap or vocab.role_of(m.group()) is not None)  # 年初|目标值, not 数量|指标
                                or _GAP_NOTE.fullmatch(gap, None, None, False)):  # 指标评价内容(公式计算结果=x)得分
            group.append(m)
            continue
        if len(group) >= vocab.min_roles:
            toks = [Tok(g.group(), g.start(), g.end()) for g in group]
            found = stream_header(toks, 0, vocab)
            if found is not None and "level3" in found[0].roles:
                yield found[0], group[found[1] - 1].end()
        group = [m] if m is not None else []


def _may_name_rows(text: str, vocab: IndicatorVocab) -> bool:
    """A cheap test before looking for header words all over the page: a header is read only with a
    column of names (level3), whose cell holds one of that role's words as the page prints it (a
    cell is one header word and its annotation). A page with none of them (most pages: no 自评表)
    holds no run-on header."""
    names = _name_words(vocab)
    return names is None or any(w in text for w in names)


@per_object()
def _name_words(vocab: IndicatorVocab) -> tuple[str, ...] | None:
    """The level-3 words of a vocabulary that a page must hold one of, or None (no such shortcut)."""
    if any(_BLANK.search(w, None, None, False) for w, _role in vocab.header_words):
        return None  # a word the page may print spaced out
    return least(tuple(w for w, role in vocab.header_words if role == "level3"))


_BLANK = regex.compile(r"\s")


def _body_end(text: str, at: int, vocab: IndicatorVocab) -> int:
    end = min(len(text), at + _BODY_CHARS)
    m = vocab.run_on_stop.search(text, at, end, False) if vocab.run_on_stop is not None else None
    return m.start() if m else end


def _flatten(text: str, a: int, b: int) -> tuple[str, list[int]]:
    """The body with its line breaks dropped (a page's lines cut cells), and where each character stood."""
    where = [i for i in range(a, b) if text[i] not in "\r\n"]
    return "".join(text[i] for i in where), where


def _tok(flat: str, where: list[int], x: int, y: int) -> Tok:
    return Tok(flat[x:y], where[x], where[y - 1] + 1)


def _pieces(flat: str, vocab: IndicatorVocab):
    """(level-name spans before the row, row start, row end) for each row of the body."""
    levels = {(m.start(), m.end(), True) for m in vocab.run_on_levels.finditer(flat, None, None, False, False) if m.end() - m.start() >= _LEVEL_CHARS}
    starts = {(m.start(), m.start(), False) for m in vocab.run_on_start.finditer(flat, None, None, False, False)
              if not any(a < m.start() < b for a, b, _ in levels)}  # not the 指标 of a level name (时效指标12月底…)
    cuts = sorted(levels | starts)
    if not cuts or cuts[0][0] > 0:  # rows right under the header, before any level name
        yield [], 0, cuts[0][0] if cuts else len(flat)
    prefix: list[tuple[int, int]] = []
    for n, (a, b, level) in enumerate(cuts):
        nxt = cuts[n + 1][0] if n + 1 < len(cuts) else len(flat)
        if level:
            prefix.append((a, b))
        if nxt > b:
            yield prefix, b, nxt
            prefix = []


def _row(flat: str, a: int, b: int, slots: list[str], vocab: IndicatorVocab) -> dict[str, tuple[int, int]] | None:
    """The most plausible cut of ``flat[a:b]`` into the name and the value columns; the name alone
    where no cut fits and the piece holds a figure; None where it holds none."""
    piece = flat[a:b]
    if not _FIGURE.search(piece, None, None, False):
        return None
    best: tuple[float, dict] | None = None
    ends = _ends(piece)
    for p in range(2, min(len(piece), _NAME_LIMIT + 1)):
        if not _is_name(piece[:p]):
            continue
        start_cost = 0.0 if piece[p].isdigit() else 1.0
        if slots[0] == "weight" and not piece[p].isdigit():
            continue
        for cost, cut in _values(piece, p, [q for q in ends if q > p], slots):
            cost += start_cost
            if best is None or cost < best[0]:
                best = (cost, {"level3": (0, p), **cut})
    if best is None:  # a numbered row alone: its name, up to the first figure after its number
        number = vocab.run_on_start.match(piece, None, None, False)
        name = _LEAD.match(piece, number.end(), None, False) if number else None
        return {"level3": (a, a + name.end())} if name and _is_name(name.group()) else None
    return {role: (a + x, a + y) for role, (x, y) in best[1].items()}


def _is_name(text: str) -> bool:
    """A row's name: words (two at least), not too long, no share in it (a cut that took in the rows
    before: 准确率100%100%44预算执行管理…), ending in a word or a bracket, not in a figure or a mark."""
    return len(text) <= _NAME_LIMIT and "%" not in text and "％" not in text and bool(_NAME_END.match(text[-1], None, None, False)) \
        and len(_NAME_CHARS.findall(text, None, None, False, False)) >= 2


def _ends(piece: str) -> list[int]:
    """Where a row's score may end: the piece's end, or before a note (words, no figure, to the end)."""
    tail = len(piece)
    while tail > 0 and not piece[tail - 1].isdigit():
        tail -= 1  # the note can only start after the piece's last figure
    return [len(piece)] + ([tail] if tail < len(piece) - 1 and _NOTE.fullmatch(piece, tail, None, False) else [])


def _values(piece: str, p: int, ends: list[int], slots: list[str]):
    """Every cut of ``piece[p:]`` into the value columns (weight and score figures, target and
    actual words between them), a note allowed after the score (``ends``): (cost, role → span)."""
    for q in ends:
        note_cost = 0.0 if q == len(piece) else 0.5
        for s_len in range(1, min(_POINT_DIGITS + 3, q - p) + 1):
            s = piece[q - s_len:q]
            if not _is_points(s) or piece[q - s_len - 1] == ".":
                continue  # a figure does not start after a decimal point
            w_options = [(p, None)]
            if slots[0] == "weight":
                w_options = [(p + n, (p, p + n)) for n in range(1, _POINT_DIGITS + 1)
                             if _is_points(piece[p:p + n]) and p + n < q - s_len]
            for m_start, w in w_options:
                middle = piece[m_start:q - s_len]
                if not 2 <= len(middle) <= 2 * _CELL_CHARS:
                    continue
                pair_cost = _points_cost(piece, w, s) if w else 0.0
                for k in range(1, len(middle)):
                    t, act = middle[:k], middle[k:]
                    pair = _pair_cost(t, act, w is not None)
                    if pair is None:
                        continue
                    cost = note_cost + pair_cost + pair + 0.001 * k
                    cut = {"target": (m_start, m_start + k), "actual": (m_start + k, q - s_len),
                           "score": (q - s_len, q)}
                    if q < len(piece):
                        cut["note"] = (q, len(piece))
                    if w:
                        cut["weight"] = w
                    yield cost, cut


def _is_points(text: str) -> bool:
    m = _FIGURE.fullmatch(text, None, None, False)
    if not m or (len(text) > 1 and text[0] == "0" and text[1] != "."):
        return False
    return len(text.partition(".")[0]) <= _POINT_DIGITS and Decimal(text) <= _FULL_MARKS


def _points_cost(piece: str, w: tuple[int, int], s: str) -> float:
    """A score the same as its weight (full marks); below it; above it (unlikely: a cut elsewhere)."""
    weight, score = Decimal(piece[w[0]:w[1]]), Decimal(s)
    if weight == 0:
        return 5.0
    return 0.0 if score == weight else 0.5 if score < weight else 3.0


def _pair_cost(target: str, actual: str, weighted: bool) -> float | None:
    """A target the same as its actual (a row met); both ending in the same unit; words on both
    sides where a weight stands before them; else no reading (None): figures that disagree, a cell
    too long for one, a figure from 0."""
    if max(len(target), len(actual)) > _CELL_CHARS or _LEADING_ZERO.match(target, None, None, False) or _LEADING_ZERO.match(actual, None, None, False):
        return None
    inside = 2.0 if target[-1].isdigit() and actual[0].isdigit() else 0.0  # a cut inside a figure
    if target == actual:
        return 0.0
    if target[-1] == actual[-1] and not target[-1].isdigit() and _FIGURE.search(target, None, None, False) and _FIGURE.search(actual, None, None, False):
        return 1.0 + inside
    if _FIGURE.search(target, None, None, False) or _FIGURE.search(actual, None, None, False) or not weighted:
        return None  # figures that neither agree nor share a unit: cut in the wrong place
    return 2.0  # words (是 | 基本达到), between a weight and a score
