"""rules/indicators.yaml, compiled: the words of a self-evaluation table (header, comparators,
blocks, grade). Loaded with the rest of the rules (pipeline/rules.py); read by pipeline/selfeval/
and pipeline/selfeval_checks.py. Validated on load: a bad entry raises ``RuleError`` naming the file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from ..errors import RuleError
from ..holding import least
from ..memo import Bounded, per_object

_HEADER_SLACK = 4  # characters a header cell may hold beyond its word
ROLES = ("level1", "level2", "level3", "nature", "target", "unit", "actual", "weight", "score", "note", "other")
OPERATORS = ("ge", "gt", "le", "lt", "eq")
_CELL_MEMO = 100_000  # cells a per-cell memo of the vocabulary holds at most


@dataclass(frozen=True)
class IndicatorVocab:
    """rules/indicators.yaml, compiled."""

    header_words: tuple[tuple[str, str], ...]  # (word, role), longest word first
    fillers: frozenset[str]
    min_roles: int
    blocks: tuple[tuple[str, str], ...]  # (level-1 name, block key), longest first
    level2: frozenset[str]
    prefix_ops: tuple[tuple[str, str], ...]  # (word, operator), longest first
    suffix_ops: tuple[tuple[str, str], ...]
    implicit_op: str | None
    implicit_skip_units: frozenset[str]
    total_labels: frozenset[str]
    execution_block: str
    execution_name: str
    execution_rule: str | None
    full_marks: Decimal
    indicator_marks: Decimal
    grade_labels: tuple[str, ...]
    own_grade_labels: frozenset[str]  # labels of the grade a report gives itself (自评等级), before others
    grade_names: tuple[tuple[str, str], ...]  # (surface, grade), longest first
    bands: tuple[tuple[str, Decimal, Decimal], ...]  # (grade, low, high), highest first
    prose_target: tuple[str, ...]
    prose_actual: tuple[str, ...]
    prose_score: tuple[str, ...]
    grade_pattern: regex.Pattern | None = None
    points: tuple[str, ...] = ()
    links: str = ""  # a regex character class body
    templates: tuple[tuple[str, ...], ...] = ()  # column orders of a table whose header a page left out
    natures: tuple[str, ...] = ()  # 指标性质 cells that name no comparator (定性)
    placeholder: regex.Pattern | None = None  # a template's unfilled row name (指标2, ……)
    unit_chars: int = 5  # a unit after a figure holds this many characters at most (more are words)
    date: regex.Pattern | None = None  # a figure that is a year with its 年 (2022年): a date, not a measure
    run_on_start: regex.Pattern | None = None  # a template's row number opening a run-on row (指标1)
    run_on_words: regex.Pattern | None = None  # a header word, its annotation after it (目标值(A))
    run_on_levels: regex.Pattern | None = None  # a level-1 or level-2 name, its points after it, no figure
    run_on_stop: regex.Pattern | None = None  # the total label that ends a run-on table
    rubric_levels: regex.Pattern | None = None  # a scoring rubric's level name opening a row's words (科学决策)
    # per-cell memos (memo.Bounded): a page's cells are asked about again and again, once per window
    # and per stop scan — cell text → is a header cell, its role (role_of), its being a total label
    # (is_total); (cell text, bounded, opens a line) → what pipeline/selfeval/rows.py's row grammar asks of it
    _header_cells: Bounded = field(init=False, compare=False, repr=False, hash=False)
    _cell_roles: Bounded = field(init=False, compare=False, repr=False, hash=False)
    _cell_totals: Bounded = field(init=False, compare=False, repr=False, hash=False)
    _cell_facts: Bounded = field(init=False, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        for name, build in (("_header_cells", self._is_header_cell), ("_cell_roles", self._role_of),
                            ("_cell_totals", self._is_total), ("_cell_facts", None)):
            object.__setattr__(self, name, Bounded(build, _CELL_MEMO))

    def role_of(self, cell: str) -> str | None:
        """The column role a header cell names (its longest header word), or None."""
        return self._cell_roles[cell]

    def _role_of(self, cell: str) -> str | None:
        text = _squeeze(cell)
        if "(" in text or "（" in text:  # else no annotation to drop
            text = _ANNOTATION.sub("", text, 0, None, None, False)
        shortest = len(text) - _HEADER_SLACK
        for word, role in self.header_words:  # longest first: past the words too short for the text, none fits
            if len(word) < shortest:
                return None
            if word in text:  # the word, and a few more (指标值(A))
                return role
        return None

    def may_head(self, text: str) -> bool:
        """Whether ``text`` may hold an indicator header (``rows.header_roles`` of any of its cells):
        an exact necessary test. A cell's roles come from its header words (``role_of``), which
        stand in the cell with its whitespace and annotations dropped — so, with whitespace, brackets
        and annotation marks dropped from both, in the text; a header names ``min_roles`` roles,
        level3 or target among them, and weight or score or both target and actual."""
        return _may_head(self.header_words, self.min_roles, text)

    def is_header_cell(self, cell: str) -> bool:
        """A cell a header is made of: a role's word, or a filler."""
        return self._header_cells[cell]

    def _is_header_cell(self, cell: str) -> bool:
        text = _squeeze(cell)
        return bool(text) and (self.role_of(text) is not None or text in self.fillers
                               or _ANNOTATION.fullmatch(text, None, None, False) is not None)  # (A), (B/A)

    def block_of(self, name: str) -> str | None:
        """The block key of a level-1 name (产出指标(50分) → output), or None."""
        text = _bare_name(name)
        for word, key in self.blocks:
            if text == word or (text.startswith(word) and len(text) <= len(word) + 2):
                return key
        return None

    def level_name(self, name: str) -> str:
        """A level-1/2 cell as its name: layout whitespace and its points dropped (产 出 指 标 (50分) → 产出指标).

        >>> from pipeline.rules import load_rules
        >>> load_rules().indicators.level_name("产 出 指 标 (50分)")
        '产出指标'
        """
        text = _squeeze(name)
        for mark in _point_marks(self.points):
            if text[-1:] in _CLOSES:  # a mark ends the name with its bracket
                text = mark.sub("", text, 0, None, None, False)
        return text

    def is_total(self, cell: str) -> bool:
        """The total row's label, its points included (总 分, 总分(100分))."""
        return self._cell_totals[cell]

    def _is_total(self, cell: str) -> bool:
        return self.level_name(cell) in self.total_labels

    def has_points(self, name: str) -> bool:
        """A level name with its points (规划 (15分)): a level-1 or level-2 cell."""
        text = _squeeze(name)
        return text[-1:] in _CLOSES and any(mark.search(text, None, None, False) for mark in _point_marks(self.points))

    def is_placeholder(self, name: str) -> bool:
        """A template's row name left unfilled (指标2：, ……): no indicator of its own."""
        return self.placeholder is not None and self.placeholder.fullmatch(_squeeze(name), None, None, False) is not None

    def is_level2(self, name: str) -> bool:
        return _bare_name(name) in self.level2

    def band_of(self, score: Decimal) -> str | None:
        """The grade a total score falls in."""
        for grade, low, high in self.bands:
            if low <= score < high or (score == high and high == self.bands[0][2]):
                return grade
        return None


_OPENS, _MARKS, _CLOSES = "（(", r"A-Za-z/+\-*×÷", ")）"
_ANNOTATION = regex.compile(rf"[{_OPENS}][{_MARKS}]{{1,5}}[{_CLOSES}]")  # 年初目标值(A), 执行率(B/A)
# ``_ANNOTATION`` opening with each of its brackets, in the standard library's engine: a pattern
# opening with one literal character is scanned for by that character (a page holds a few), where
# ``_ANNOTATION``'s scan asks every character whether it is in a set
_ANNOTATION_AT = tuple(re.compile(re.escape(o) + rf"[{_MARKS}]{{1,5}}[{_CLOSES}]") for o in _OPENS)


_SPACES = regex.compile(r"\s+")


@per_object()  # by identity: the vocabulary's tuple, not hashed on every cell
def _point_marks(points: tuple[str, ...]) -> tuple[regex.Pattern, ...]:
    """A level name's points at its end ((50分)), one pattern a points word, in order."""
    return tuple(regex.compile(r"[（(][0-9.]+" + regex.escape(p) + r"[)）]$") for p in points)


def _may_head(header_words: tuple[tuple[str, str], ...], min_roles: int, text: str) -> bool:
    """``IndicatorVocab.may_head``. A cell's header word stands in its text squeezed and its annotations
    dropped; so it stands in the whole text with all its whitespace (str.split's, which holds
    ``_squeeze``'s) and all its annotations dropped: an annotation holds no bracket inside, so two
    never overlap and every one in a cell is one in the text. A word holding what an annotation or
    whitespace is made of (a cell may cut an annotation) is taken as present."""
    bare = "".join(text.split())
    if any(p.search(bare) for p in _ANNOTATION_AT):  # else no annotation to drop: every match opens with one
        bare = _ANNOTATION.sub("", bare, 0, None, None, False)
    named, heads, words = _header_least(header_words)
    if not any(word in bare for word in heads) and not named & {"level3", "target"}:
        return False  # the usual page: no name or target column; the other roles not asked
    roles = named | {role for role, ws in words.items() if any(w in bare for w in ws)}
    return len(roles) >= min_roles and bool(roles & {"level3", "target"}) and (
        bool(roles & {"weight", "score"}) or {"target", "actual"} <= roles)


@per_object()
def _header_least(header_words: tuple[tuple[str, str], ...]) -> tuple[frozenset[str], tuple[str, ...], dict[str, tuple[str, ...]]]:
    """``_header_words``'s roles taken as present; the fewest of the level3 and target words a text
    holds one of exactly when it holds one of them all; each role's fewest (holding.least): built
    once for the vocabulary's words, not once a page."""
    named, words = _header_words(header_words)
    return named, least(words["level3"] + words["target"]), {role: least(ws) for role, ws in words.items()}


@lru_cache(maxsize=8)
def _header_words(header_words: tuple[tuple[str, str], ...]) -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """The roles some word of which holds an annotation's or whitespace's character (always taken as
    present), and each role's other words."""
    named = frozenset(role for word, role in header_words if _UNSURE.search(word))
    words = {role: tuple(w for w, r in header_words if r == role and not _UNSURE.search(w)) for role in ROLES}
    return named, words


_UNSURE = regex.compile(r"[\s\x1c-\x1f（()）A-Za-z/+\-*×÷]")


def _squeeze(text: str) -> str:
    """``text`` without its whitespace. A text str.split finds no whitespace in holds none of
    ``_SPACES``'s (every character ``\\s`` matches is one str.split splits on): it is returned as it is."""
    if not text:
        return ""
    parts = text.split()
    if len(parts) == 1 and len(parts[0]) == len(text):
        return text
    return _SPACES.sub("", text, 0, None, None, False)


_POINTS = regex.compile(r"[（(][^）)]{0,8}[）)]$")


def _bare_name(name: str) -> str:
    """A level name without its points: 产出指标(50分) → 产出指标."""
    text = _squeeze(name)
    return _POINTS.sub("", text, 0, None, None, False) if text[-1:] in _CLOSES else text  # points end the name with their bracket


def load_indicator_vocab(directory: str | Path) -> IndicatorVocab | None:
    """Read ``indicators.yaml`` of a rules folder (None when the folder has none)."""
    path = Path(directory) / "indicators.yaml"
    if not path.exists():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return _compile(data)
    except (KeyError, TypeError, ValueError, regex.error, yaml.YAMLError) as exc:
        raise RuleError(f"indicators.yaml: {type(exc).__name__}: {exc}") from exc


def _longest(pairs):
    return tuple(sorted(pairs, key=lambda p: len(p[0]), reverse=True))


def _compile(data: dict) -> IndicatorVocab:
    columns = data["columns"]
    unknown = set(columns) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown column roles {sorted(unknown)} (known: {', '.join(ROLES)})")
    ops = data.get("comparators") or {}
    for side in ("prefix", "suffix"):
        bad = set(ops.get(side) or {}) - set(OPERATORS)
        if bad:
            raise ValueError(f"comparators.{side}: unknown operators {sorted(bad)}")
    implicit = data.get("implicit_comparator")
    if implicit is not None and implicit not in OPERATORS:
        raise ValueError(f"implicit_comparator: {implicit!r} is not one of {OPERATORS}")
    grade = data.get("grade") or {}
    bands = tuple(sorted(((str(g), Decimal(str(lo)), Decimal(str(hi))) for g, (lo, hi) in (grade.get("bands") or {}).items()),
                         key=lambda b: b[2], reverse=True))
    names = _longest((str(s), str(g)) for g, forms in (grade.get("names") or {}).items() for s in forms)
    if {g for _, g in names} - {b[0] for b in bands}:
        raise ValueError("grade.names names a grade without a band")
    labels = tuple(sorted((str(w) for w in grade.get("labels") or ()), key=len, reverse=True))
    links = "".join(regex.escape(str(w)) for w in data.get("links") or ())
    pattern = None
    if labels and names:
        pattern = regex.compile(
            r"(?P<label>" + "|".join(map(regex.escape, labels)) + r")[" + links + r"\s|｜]{0,3}[“\"「『]?"
            r"(?P<grade>" + "|".join(regex.escape(s) for s, _ in names) + r")")
    execution = data.get("execution") or {}
    prose = data.get("prose") or {}
    return IndicatorVocab(
        header_words=_longest((str(w), role) for role, words in columns.items() for w in words),
        fillers=frozenset(str(w) for w in data.get("header_fillers") or ()),
        min_roles=int(data.get("header_min_roles", 4)),
        blocks=_longest((str(w), key) for key, words in (data.get("blocks") or {}).items() for w in words),
        level2=frozenset(str(w) for w in data.get("level2") or ()),
        prefix_ops=_longest((str(w), op) for op, words in (ops.get("prefix") or {}).items() for w in words),
        suffix_ops=_longest((str(w), op) for op, words in (ops.get("suffix") or {}).items() for w in words),
        implicit_op=implicit,
        implicit_skip_units=frozenset(data.get("implicit_skip_units") or ()),
        total_labels=frozenset(_squeeze(str(w)) for w in data.get("total_labels") or ()),
        execution_block=str(execution.get("block") or "execution"),
        execution_name=str(execution.get("name") or ""),
        execution_rule=execution.get("score_rule"),
        full_marks=Decimal(str(data.get("full_marks", 100))),
        indicator_marks=Decimal(str(data.get("indicator_marks", 90))),
        grade_labels=labels, own_grade_labels=frozenset(str(w) for w in grade.get("own") or ()),
        grade_names=names, bands=bands,
        prose_target=tuple(str(w) for w in prose.get("target") or ()),
        prose_actual=tuple(str(w) for w in prose.get("actual") or ()),
        prose_score=tuple(str(w) for w in prose.get("score") or ()),
        grade_pattern=pattern,
        points=tuple(str(w) for w in data.get("points") or ()),
        links=links,
        templates=tuple(_template(t) for t in data.get("templates") or ()),
        natures=tuple(str(w) for w in data.get("natures") or ()),
        placeholder=regex.compile(str(data["placeholder"])) if data.get("placeholder") else None,
        unit_chars=int(data.get("unit_chars", 5)),
        date=regex.compile(str(data["date"])) if data.get("date") else None,
        rubric_levels=_alternation(data.get("rubric_levels")),
        **_run_on(data),
    )


def _alternation(words) -> regex.Pattern | None:
    """Any of ``words``, the longest first (None for none)."""
    words = sorted((str(w) for w in words or ()), key=len, reverse=True)
    return regex.compile("|".join(map(regex.escape, words))) if words else None


def _run_on(data: dict) -> dict:
    """The patterns a run-on table is read with (rules/indicators.yaml ``run_on``)."""
    run_on = data.get("run_on") or {}
    row_words, number = run_on.get("row_words"), run_on.get("row_number")
    if not row_words or not number:
        return {}
    start = "(?:" + "|".join(map(regex.escape, (str(w) for w in row_words))) + ")" + str(number)
    words = sorted({str(w) for ws in data["columns"].values() for w in ws} | {str(w) for w in data.get("header_fillers") or ()},
                   key=len, reverse=True)
    levels = sorted({str(w) for ws in (data.get("blocks") or {}).values() for w in ws} | {str(w) for w in data.get("level2") or ()},
                    key=len, reverse=True)
    points = "|".join(regex.escape(str(p)) for p in data.get("points") or ())
    marks = r"(?:[（(][0-9.]+(?:" + points + r")[)）])?" if points else ""  # 产出指标(40分)
    totals = sorted((str(w) for w in data.get("total_labels") or ()), key=len, reverse=True)
    return {
        "run_on_start": regex.compile(start),
        "run_on_words": regex.compile("(?:" + "|".join(map(regex.escape, words)) + r")(?:[（(][A-Za-z/+\-*×÷]{1,5}[)）])?"),
        # 生态效益|指标1病害…: a level name a row number follows with words ends before the row's 指标
        "run_on_levels": regex.compile("(?:" + "|".join(map(regex.escape, levels)) + ")" + marks
                                       + "(?!" + str(number) + r"\p{Han})"),
        "run_on_stop": regex.compile("|".join(map(regex.escape, totals))) if totals else None,
    }


def _template(roles) -> tuple[str, ...]:
    out = tuple(str(r) for r in roles)
    unknown = set(out) - set(ROLES)
    if unknown:
        raise ValueError(f"templates: unknown column roles {sorted(unknown)} (known: {', '.join(ROLES)})")
    return out
