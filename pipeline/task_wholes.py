"""A whole found by the share of it done: 共涉及住宅254户 … 共签订协议152户，占总户数的59.84%.

A report often states the scope of its work first (共涉及住宅254户, 需拆迁987户, 二期预计总户数876户)
and, a few sentences on along the same paragraph, the work done with its share of that scope
(共签订协议152户，占总户数的59.84%; 累计签约155户，签约率17.69%). No cue word names the scope as the
work's metric; the figures do: the unclaimed figure of the same unit before the done figure, whose
ratio to it is the stated share, is the task of the done figure's metric — a budget (a task of the
year is a fact with basis budget, ../shared/gold/README.md). rules/attribution.yaml: ``share_after``
(what stands between the done figure and its share) and ``share_whole_units``.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from decimal import Decimal
from operator import attrgetter

from .extract import context_allows, make_fact
from .figscan import scanner
from .model import Basis, DocMeta, Fact, Kind, Match, Mention, Sentence
from .normalize import Units, parse_quantity
from .rules import RuleSet

_START = attrgetter("start")  # a figure's sentence found by bisection on the sentences' starts, no list of them made


def tasks_by_share(text: str, sentences: list[Sentence], facts: list[Fact], mentions: list[Mention],
                   meta: DocMeta, ruleset: RuleSet, units: Units) -> tuple[list[Fact], list[Mention]]:
    """The wholes found by a done figure's share of them, and the mentions with those wholes claimed."""
    cues = ruleset.cues
    if cues.share_after is None or not cues.share_whole_units:
        return [], mentions
    found: list[Fact] = []
    taken: set[int] = set()
    for done in facts:
        if done.kind != Kind.LEVEL or done.unit not in cues.share_whole_units or done.metric not in cues.rules:
            continue
        share = _share_after(text, done, ruleset, units)
        if share is None:
            continue
        k = _whole_before(text, done, *share, mentions, taken, cues)
        if k is None:
            continue
        whole = mentions[k]
        sentence = sentences[bisect_right(sentences, whole.start, key=_START) - 1]
        fact = _task(sentence, whole, done.metric, meta, ruleset, units, text)
        if fact is not None:
            found.append(fact)
            taken.add(k)
    found += _tasks_named_after(text, sentences, facts, mentions, taken, meta, ruleset, units)
    if not found:
        return found, mentions
    metric_at = {f.start: f.metric for f in found}
    return found, [replace(m, metric=metric_at[m.start]) if i in taken else m for i, m in enumerate(mentions)]


def _share_after(text: str, done: Fact, ruleset: RuleSet, units: Units):
    """The share stated right after a done figure (，占总户数的59.84% / ，签约率17.69%), if any, and
    whether its wording names its whole the total or the task (占总户数的, 完成率: ``share_names_whole``)."""
    line_end = text.find("\n", done.end)
    line_end = len(text) if line_end < 0 else line_end
    figure, _u, fig = scanner(ruleset.figure)  # the figure pattern's re twin (pipeline/figscan.py)
    m = figure.search(text, done.end, min(line_end, done.end + 40))
    if m is None or not ruleset.cues.share_after.fullmatch(text, done.end, m.start(fig), False):
        return None
    q = parse_quantity(m.group(fig), units)
    if q is None or q.unit != "ratio" or not 0 < q.value < 1:
        return None
    wording = text[done.end:m.start(fig)]
    return q, any(map(wording.__contains__, ruleset.cues.share_names_whole))


def _whole_before(text: str, done: Fact, share, names_whole: bool, mentions: list[Mention], taken: set[int],
                  cues) -> int | None:
    """The nearest unclaimed figure of the done figure's unit before it on its line whose ratio to it
    is the share, to the share's last digit (344户 of 约393户 is 87.5%: 87%); failing that, the only
    one named a task whose ratio is within ``share_whole_slack`` of the share (共需拆迁380户 … 已签订
    105户，占应签订户数的29%: a misstated share, which the ratio check then reports). The figure that
    fits to the last digit need not be named a task when the share names it the whole (共涉及住宅254户 …
    占总户数的59.84%; 涉及被征收户约393户 … 完成率87%): a bare rate (签约率77.2%) does not."""
    line_start = text.rfind("\n", 0, done.start) + 1
    best, near = None, []
    for k, m in enumerate(mentions):
        if m.start >= done.start:
            break
        if (m.start < line_start or m.metric is not None or k in taken or m.unit != done.unit
                or m.value <= done.value or m.value <= 0):
            continue
        named = _named_a_task(text, m.start, cues)
        if not (named or names_whole):
            continue
        off = abs(Decimal(done.value) / Decimal(m.value) - share.value)
        if off < share.step:
            best = k
        elif off < cues.share_whole_slack and named:
            near.append(k)
    return best if best is not None or len(near) != 1 else near[0]


def _tasks_named_after(text: str, sentences: list[Sentence], facts: list[Fact],
                       mentions: list[Mention], taken: set[int], meta: DocMeta, ruleset: RuleSet,
                       units: Units) -> list[Fact]:
    """An unclaimed figure that words after it call a task (超额完成2.36万户的全年改造任务), after a figure
    of work done in the same unit earlier in its sentence (完成…34323户): the task of that metric, a budget
    (rules/attribution.yaml ``task_after``)."""
    cues = ruleset.cues
    if cues.task_after is None:
        return []
    done = [f for f in facts if f.kind == Kind.LEVEL and f.unit in cues.share_whole_units and f.metric in cues.rules]
    if not done:
        return []  # no figure of work done: no mention has one before it (most reports)
    found = []
    for k, m in enumerate(mentions):
        if m.metric is not None or k in taken or m.unit not in cues.share_whole_units \
                or not cues.task_after.match(text, m.end, None, False):
            continue
        sentence = sentences[bisect_right(sentences, m.start, key=_START) - 1]
        before = [f for f in done if sentence.start <= f.start and f.end <= m.start and f.unit == m.unit]
        if not before:
            continue
        last = max(before, key=lambda f: f.start)
        fact = _task(sentence, m, last.metric, meta, ruleset, units, text, "attribute.task_named_after")
        if fact is not None:
            found.append(fact)
            taken.add(k)
    return found


def _named_a_task(text: str, start: int, cues) -> bool:
    """Whether the clause before a figure names it a task (需拆迁987户, 预计总户数876户), not the scope a
    project 涉及 (共涉及被征收户843户), which the keys leave out."""
    clause = text[max(0, start - 24):start]
    clause = clause[max(clause.rfind(c) for c in "，,；;。：:\n") + 1:]
    return any(map(clause.__contains__, cues.share_whole_words))


def _task(sentence: Sentence, whole: Mention, metric: str, meta: DocMeta, ruleset: RuleSet, units: Units,
          text: str, rule_id: str = "attribute.task_by_share") -> Fact | None:
    rule = ruleset.cues.rules[metric]
    q = parse_quantity(whole.raw, units)
    hit = Match(rule, sentence, whole.start, whole.end, whole.start, whole.start, {})
    if q is None or not context_allows(hit, ruleset):
        return None
    fact = make_fact(hit, q, meta, ruleset, {}, text)
    if fact is None or fact.kind not in (Kind.LEVEL, Kind.TARGET):
        return None
    return replace(fact, kind=Kind.TARGET, basis=Basis.BUDGET, rule_id=rule_id)
