"""rules/fundrows.yaml, compiled: the row labels and column order of a self-evaluation table's
funds row. Loaded with the rest of the rules (pipeline/rules.py); read by
pipeline/extraction/fundrows.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex
import yaml

from .holding import least


@dataclass(frozen=True)
class FundRows:
    """rules/fundrows.yaml, compiled."""

    label: regex.Pattern
    columns: tuple[str, ...]
    unit: str
    metric: str
    project_metric: str
    score_label: regex.Pattern | None = None  # the total row of an indicator table (总分, 合计)
    full_marks: int = 100
    score_metric: str = ""
    layouts: tuple[tuple[str, ...], ...] = ()  # every column order, `columns` first
    rate_words: tuple[str, ...] = ()
    weight_words: tuple[str, ...] = ()
    part_prefix: tuple[str, ...] = ()
    header: regex.Pattern | None = None  # a column word of the header above the row
    header_columns: tuple[tuple[str, str], ...] = ()  # column word → column (budget, rate, other …)
    pair_label: regex.Pattern | None = None  # a label-then-figure pair of a funds block (预算数 6.84)
    pair_columns: tuple[tuple[str, str], ...] = ()  # pair label → column
    pair_rate_words: tuple[str, ...] = ()  # a header word that makes the figure after the pairs the rate
    score_cell: regex.Pattern | None = None  # a score label alone on its line (a form's 自评得分 cell)
    score_between: tuple[int, int] = (0, 0)  # word cells between that label and its figure, least and most
    score_heading: regex.Pattern | None = None  # a numbered heading naming the score, its figure on the next line
    glued: regex.Pattern | None = None  # a row label, whatever stands around it, then a run of digits (64.864.8100%)
    detail_header: regex.Pattern | None = None  # a column word of a 项目支出明细 table's header (计划支出数)
    detail_columns: tuple[tuple[str, str], ...] = ()  # its column word → column (budget, actual)
    detail_total: regex.Pattern | None = None  # the label of its total row (支出合计) standing alone in its cell
    detail_units: tuple[str, ...] = ()  # the units its figures may be in (万元, 元)
    # the words each pattern above cannot match without (a page holding none of them is not scanned):
    label_words: tuple[str, ...] = ()  # `label` and `glued`
    score_words: tuple[str, ...] = ()  # `score_label`
    pair_words: tuple[str, ...] = ()  # `pair_label`
    score_cell_words: tuple[str, ...] = ()  # `score_cell` and `score_heading`
    labels: tuple[str, ...] = ()  # every word of `label` (a match opens with blanks, then one of them)
    score_labels: tuple[str, ...] = ()  # every word of `score_label`


def load_fundrows(directory: str | Path) -> FundRows | None:
    """Read ``fundrows.yaml`` of a rules folder (None when the folder has none)."""
    path = Path(directory) / "fundrows.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = sorted((str(w) for w in data.get("labels") or ()), key=len, reverse=True)
    label = _row_label(labels)
    glued = _glued(labels)
    score = data.get("score_row") or {}
    columns = tuple(str(c) for c in data.get("columns") or ())
    layouts = (columns,) + tuple(tuple(str(c) for c in layout) for layout in data.get("layouts") or ())
    return FundRows(label, columns, str(data.get("unit") or ""),
                    str(data["metric"]), str(data.get("project_metric") or data["metric"]),
                    _row_label(score.get("labels")) if score else None, int(score.get("full_marks", 100)),
                    str(score.get("metric") or ""), layouts,
                    tuple(str(w) for w in data.get("rate_words") or ()),
                    tuple(str(w) for w in data.get("weight_words") or ()),
                    tuple(str(w) for w in data.get("part_prefix") or ()),
                    *_header(data.get("header") or {}), *_pairs(data.get("pairs") or {}),
                    *_score_cell(data.get("score_cell") or {}), glued, *_detail(data.get("detail") or {}),
                    label_words=_words(labels), score_words=_words(score.get("labels") if score else ()),
                    pair_words=_words(w for words in ((data.get("pairs") or {}).get("columns") or {}).values()
                                      for w in words or ()),
                    score_cell_words=_words((data.get("score_cell") or {}).get("labels")),
                    labels=tuple(labels), score_labels=tuple(str(w) for w in (score.get("labels") or ()) if score))


def _words(words) -> tuple[str, ...]:
    """The words a text must hold one of for a pattern of ``words`` to match: a word holding another
    (年度资金总额 holds 总额) adds nothing to that test."""
    return least(tuple(str(w) for w in words or ()))


def _glued(labels: list[str]) -> regex.Pattern | None:
    """A row label as an OCR'd page prints it, joined to what stands around it, then the header's
    words or nothing (no figure, no line break), then a run of figures with nothing between them."""
    if not labels:
        return None
    return regex.compile("(?:" + "|".join(map(regex.escape, labels)) + r")(?P<gap>[^0-9０-９\n]{0,"
                         + str(_GLUED_GAP) + r"}?)(?P<run>[0-9][0-9.%]*[0-9%])")


_GLUED_GAP = 60  # the header words between a glued row's label and its figures fill this many characters at most


def _detail(data: dict) -> tuple[regex.Pattern | None, tuple[tuple[str, str], ...], regex.Pattern | None,
                                 tuple[str, ...]]:
    """A 项目支出明细 table: its header's column words (as `header`) and its total row's label, standing
    alone in its cell: a line start, a space or a | before it, a line break, a | or a figure after it
    (the text may join the label and its first figure: 支出合计21.7 21.7)."""
    header, columns = _header(data.get("header") or {})
    words = sorted((str(w) for w in data.get("total") or ()), key=len, reverse=True)
    if header is None or not words:
        return None, (), None, ()
    total = regex.compile(r"(?:^|(?<=[\s|｜]))(?:" + "|".join(map(regex.escape, words)) + r")(?=[ \t]*(?:[\n|｜]|[0-9０-９]))",
                          regex.M)
    return header, columns, total, tuple(str(u) for u in data.get("units") or ())


def _score_cell(data: dict) -> tuple[regex.Pattern | None, tuple[int, int], regex.Pattern | None]:
    """A score label standing alone on its line, how many word cells may stand after it, and the
    same label as a report's numbered heading whose figure, with its points word, stands alone on
    the next line that holds anything ((一)自评得分 ⏎ 100分。)."""
    labels = sorted((str(w) for w in data.get("labels") or ()), key=len, reverse=True)
    if not labels:
        return None, (0, 0), None
    low, high = (int(n) for n in data.get("between") or (0, 0))
    words = "(?:" + "|".join(map(regex.escape, labels)) + ")"
    heading = None
    if data.get("heading") and data.get("points"):
        points = "(?:" + "|".join(map(regex.escape, (str(w) for w in data["points"]))) + ")"
        heading = regex.compile(r"^[ \t]*(?:" + str(data["heading"]) + r")[ \t]*" + words + r"[ \t]*[:：]?[ \t]*\n"
                                r"(?:[ \t]*\n)*[ \t]*(?P<fig>[0-9]+(?:\.[0-9]+)?[ \t]*" + points + r")[ \t]*[。.]?[ \t]*$",
                                regex.M)
    return regex.compile(r"^[ \t]*" + words + r"[ \t]*$", regex.M), (low, high), heading


def _pairs(data: dict) -> tuple[regex.Pattern | None, tuple[tuple[str, str], ...], tuple[str, ...]]:
    """The label-then-figure pairs of a funds block: a label standing alone (a line start or a
    space before it), its unit in brackets and a colon where written, and its figure after
    spaces or line breaks."""
    columns = data.get("columns") or {}
    pairs = tuple((str(w), str(col)) for col, words in columns.items() for w in words or ())
    if not pairs:
        return None, (), ()
    ordered = sorted((w for w, _ in pairs), key=len, reverse=True)
    label = regex.compile(r"(?:^|(?<=[\s|｜]))(?P<label>" + "|".join(map(regex.escape, ordered))
                          + r")(?:[\s|｜]*[（(][ \t]*(?P<unit>\p{Han}{1,3})[ \t]*[)）])?[ \t]*[:：]?[\s|｜]*"
                          r"(?P<fig>[0-9０-９][0-9０-９,，.．]*)(?=[\s|｜]|$)", regex.M)
    return label, pairs, tuple(str(w) for w in data.get("rate_words") or ())


def _header(columns: dict) -> tuple[regex.Pattern | None, tuple[tuple[str, str], ...]]:
    """The header's column words, longest first (a cell broken over lines, 年初 / 预算数, still
    names one column), and which column each names."""
    pairs = tuple((str(w), str(col)) for col, words in columns.items() for w in words or ())
    if not pairs:
        return None, ()
    ordered = sorted((w for w, _ in pairs), key=len, reverse=True)
    return regex.compile("|".join(r"\s*".join(map(regex.escape, w)) for w in ordered)), pairs


def _row_label(words) -> regex.Pattern:
    """A row label standing alone in its cell (a line start or a | before it, a break after it)."""
    ordered = sorted((str(w) for w in words or ()), key=len, reverse=True)
    return regex.compile(r"(?:^|(?<=[\n|｜ \t]))[ \t]*(?:" + "|".join(map(regex.escape, ordered))
                         + r")[ \t]*(?:[（(](?P<note>[^）)\n]{0,6})[）)])?[ \t]*[:：]?[ \t]*(?=[\n|｜ \t]|[0-9])", regex.M)
