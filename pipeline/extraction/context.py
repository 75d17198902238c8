"""What the words around one figure say about it: where its clause is, the year it is about,
whether it is a goal."""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from ..holding import any_word
from ..memo import per_object
from ..model import FigureContext, Match, Sentence, builder
from ..rules import RuleSet
from ..segment import Layout, clause_span, dates_an_event, year_mentions


def figure_context(sentence: Sentence, start: int, end: int, label_start: int, label_end: int,
                   layout: Layout | None) -> FigureContext:
    """The clauses around a figure (document offsets ``start``…``end``) and its label.

    >>> s = Sentence("d", "", 0, 10, 32, "基本支出预算：2020年预算数365.5万元")
    >>> c = figure_context(s, 25, 32, 10, 14, None)  # label 基本支出, figure 365.5万元
    >>> c.text[c.clause_start:c.clause_end], c.text[c.fig_clause_start:c.fig]
    ('基本支出预算：2020年预算数365.5万元', '2020年预算数')
    """
    text = sentence.text
    lead = min(label_start, start) - sentence.start
    last = max(label_end, end) - sentence.start
    fig = start - sentence.start
    if layout is None or lead < 0:
        clause_start = clause_start_at(text, lead, layout) if lead < len(text) else lead
        clause_end = clause_end_at(text, max(last - 1, 0), layout)
        fig_clause_start = clause_start if fig == lead else clause_start_at(text, fig, layout)
        return _new_context(text, fig, lead, clause_start, clause_end, fig_clause_start)
    # the same three answers from where the sentence's clause ends stand (remembered per
    # sentence: its figures ask in turn): a clause starts after the last end before a position
    # (clause_start_at) and ends at the first end at or after one (clause_end_at)
    ends = clause_ends(text, _end_chars(layout))
    if lead < len(text):
        at = bisect_left(ends, lead)
        clause_start = ends[at - 1] + 1 if at else 0
    else:
        clause_start = lead
    at = bisect_left(ends, max(last - 1, 0))
    clause_end = ends[at] if at < len(ends) else len(text)
    if fig == lead:
        fig_clause_start = clause_start
    else:
        at = bisect_left(ends, fig)
        fig_clause_start = ends[at - 1] + 1 if at else 0
    return _new_context(text, fig, lead, clause_start, clause_end, fig_clause_start)


_new_context = builder(FigureContext)


@lru_cache(maxsize=1024)
def clause_ends(text: str, ends: str) -> tuple[int, ...]:
    """Where the clause ends (any one of the characters ``ends``) stand in ``text``, ascending.
    (Keyed by the characters, not by a compiled pattern: a pattern's hash reads its whole code.)"""
    finder = _FINDERS.get(ends)
    if finder is None:
        finder = _FINDERS[ends] = re.compile("[" + re.escape(ends) + "]")
    return tuple(m.start() for m in finder.finditer(text))


@per_object()
def _end_chars(layout: Layout) -> str:
    """The characters ``layout.clause_left`` and ``clause_right`` stop at: rules/document.yaml's
    clause_end and sentence_end, and a line end. Remembered per layout."""
    return layout.clause_end + layout.sentence_end + "\n"


_FINDERS: dict[str, re.Pattern] = {}


def clause_start_at(text: str, pos: int, layout: Layout | None) -> int:
    """``clause_span(text, pos, layout)[0]``, without reading the clause's end as well.

    >>> from pipeline.segment import load_layout
    >>> clause_start_at("甲1，乙2；丙3", 3, load_layout()), clause_start_at("甲1，乙2；丙3", 3, None)
    (3, 3)
    """
    if layout is None:
        return clause_span(text, pos)[0]
    return layout.clause_left.match(text, 0, pos, False).start()


def clause_end_at(text: str, pos: int, layout: Layout | None) -> int:
    """``clause_span(text, pos, layout)[1]``, without reading the clause's start as well.

    >>> from pipeline.segment import load_layout
    >>> clause_end_at("甲1，乙2；丙3", 3, load_layout()), clause_end_at("甲1，乙2；丙3", 3, None)
    (5, 5)
    """
    if layout is None:
        return clause_span(text, pos)[1]
    return layout.clause_right.match(text, pos, None, False).end()


def context_of(hit: Match, layout: Layout | None) -> FigureContext:
    """The hit's context: the one the scan worked out, or (for hits made elsewhere) a new one."""
    if hit.context is not None:
        return hit.context
    return figure_context(hit.sentence, hit.start, hit.end, hit.label_start, hit.label_end, layout)


def read_period(sentence_text: str, label_pos: int, fig_pos: int, doc_year: int | None = None, layout=None,
                clause_start: int | None = None) -> int | None:
    """The year a figure is about: the year written nearest before it in its clause
    (2023年度…支出7.95万元), else — when it is not the report's own year — the nearest one before
    it in its sentence (2022年计划征收土地5000亩、签订协议1500户). A figure since an earlier year
    (2019年以来累计征地4.3万亩) is not the report year's either.

    >>> read_period("2022年计划征收土地5000亩、签订协议1500户", 16, 20, 2021)
    2022
    >>> read_period("自2019年以来累计签约1326户", 12, 14, 2020)
    2019
    >>> read_period("签约1043户，较2023年签约890户；拆除房屋520栋", 22, 24, 2024) is None
    True
    >>> from pipeline.segment import load_layout
    >>> read_period("我局成立于1958年，设17个内设机构", 15, 12, 2020, load_layout()) is None
    True

    ``clause_start``: the start of the clause around ``min(label_pos, fig_pos)``, when known.
    """
    lo = min(label_pos, fig_pos)
    c_start = clause_start_at(sentence_text, lo, layout) if clause_start is None else clause_start
    years = [(p, y) for p, y in year_mentions(sentence_text[:fig_pos])
             if not dates_an_event(sentence_text, p, layout)]  # 成立于1958年: a date, not a period
    if not years:
        return None  # most figures: no year before them (what follows would find none)
    in_clause = [y for p, y in years if p >= c_start]
    if in_clause:
        return in_clause[-1]
    # a year earlier in the sentence governs only up to a ；, and not from inside a bracket closed
    # before the figure (在编18人（其中2人为2023年划转人员），退休人员9人)
    scope = max(sentence_text.rfind(c, 0, lo) for c in "；;") + 1
    years = [(p, y) for p, y in years if p >= scope and not _bracket_closes(sentence_text[p:fig_pos])]
    if years and years[-1][1] != doc_year:
        return years[-1][1]
    return None


def year_line_above(text: str, start: int, layout) -> int | None:
    """The year of a line that is a year alone (document.yaml ``year_line``) right above the line
    that ``start`` opens, blank lines aside: a news page's 2019年 over 计划征地5633.91亩….

    >>> from pipeline.segment import load_layout
    >>> year_line_above("2019年\\n\\n计划征地5633.91亩", 7, load_layout())
    2019
    >>> year_line_above("2019年\\n完成征地100亩，计划征地50亩", 15, load_layout()) is None
    True
    """
    if layout is None or layout.year_line is None:
        return None
    begin = text.rfind("\n", 0, start) + 1
    if text[begin:start].strip():
        return None  # not the first sentence of its line
    end = begin - 1
    above = ""
    while end > 0 and not above:  # blank lines between are no lines
        line_start = text.rfind("\n", 0, end) + 1
        above, end = text[line_start:end].strip(), line_start - 1
    m = layout.year_line.fullmatch(above) if above else None
    return int(m.group(1)) if m else None


def _bracket_closes(text: str) -> bool:
    """More brackets close than open in the text: it starts inside a bracket that ends in it."""
    return text.count("）") + text.count(")") > text.count("（") + text.count("(")


def is_target(sentence_text: str, fig_pos: int, ruleset: RuleSet) -> bool:
    """A plan or a goal: 目标为/计划… before the figure in its sentence, 任务 in its clause."""
    before = sentence_text[:fig_pos]
    in_sentence, in_clause = _target_words(ruleset)
    if in_sentence.search(before):
        return True
    # a list joined by 、 shares its verb: 力争完成征地2000亩以上、签约900户以上
    phrase = before[max(before.rfind("，"), before.rfind(","), before.rfind("；"), before.rfind(";")) + 1:]
    return in_clause.search(phrase) is not None


@per_object()
def _target_words(ruleset: RuleSet) -> tuple[re.Pattern, re.Pattern]:
    """Two patterns, each finding any one of the target words (``sentence``, ``clause``): one
    search instead of a loop asking each word (a figure of a level asks both). No words: a
    pattern that finds nothing. Remembered per rules."""
    return tuple(any_word(ruleset.targets.get(k, ())) for k in ("sentence", "clause"))


@lru_cache(maxsize=1024)
def in_target_section(heading: str, ruleset: RuleSet) -> bool:
    """The sentence stands under a heading of goals (项目绩效目标, 年度绩效指标), not of results: the
    nearest heading, going outwards, that names either decides (remembered per heading and RuleSet:
    every figure of a section asks)."""
    for title in reversed(heading.split(" > ")):
        if any(w in title for w in ruleset.targets.get("section_not", ())):
            return False
        if any(w in title for w in ruleset.targets.get("section", ())):
            return True
    return False
