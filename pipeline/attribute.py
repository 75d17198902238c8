"""Every quantity of a report, and a metric for the ones no rule read.

Rules read the wordings someone listed; real reports word things in ways nobody listed. This
stage turns extraction around for what the rules left: it finds every figure with a domain unit
(亩, 户, 万元, 人, 栋, 个, 起 …) in the report, marks the ones a fact already stands on, and gives
each remaining one the metric that a cue word next to it names (rules/attribution.yaml): a label
right before it in its clause (人员编制 42人, 支出规模为532.58万元) or a noun right after it
(39个涉及征拆的重点项目). What is still unclaimed is kept as an unattributed quantity, so the
auditor sees what was not classified and coverage (claimed ÷ all) can be reported.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

import regex

from .cues import Cues, has_word, longest_at_each_start
from .extract import context_allows, make_fact
from .extraction.scan import under_item_title
from .figscan import figures_of
from .model import Basis, DocMeta, Document, Fact, Kind, Match, Mention, Quantity, Sentence, new_fact, new_mention, replaced
from .normalize import Units, parse_quantity
from .rules import RuleSet
from .task_wholes import tasks_by_share

LIST_SEP = ("、", "，", ",", "；", ";")  # a list separator right after a figure: what follows is the next item
BEFORE_STOP = regex.compile(r"[，,。；;！？!?、（(\n|]")
OPEN, CLOSE = "（(", "）)"  # a bracket closed before the figure is part of its label: 因公出国(境)费0万元
# the last stop or closing bracket before a figure, searched backwards: a stop ends the clause at once
_STOP_OR_CLOSE_BACK = regex.compile(BEFORE_STOP.pattern[:-1] + regex.escape(CLOSE) + "]", regex.REVERSE)
# the same set of characters for the standard library's engine, searched in the clause read backwards: a
# set of literals, which both engines read alike (≈ 1/5 of the reverse search's instructions)
_STOP_OR_CLOSE = re.compile(_STOP_OR_CLOSE_BACK.pattern)
AFTER_STOP = regex.compile(r"[，,。；;！？!?（(\n|]")
CLAIM_BACK = 64  # how far before a figure a fact overlapping it is looked for (_Claims.at)
CLAUSE_REACH = 40  # how far before a figure its clause (and so its before-cue) may begin
_HAN = regex.compile(r"\p{Han}")  # compiled once: tried for every figure
# the regex calls below take their arguments by position with concurrent=False (as
# pipeline/extraction/scan.py FINDITER_ARGS): by default the regex package drops and retakes the GIL
# inside every call, which a worker's one thread would only hand to itself


def attribute(document: Document, sentences: list[Sentence], facts: list[Fact], meta: DocMeta,
              ruleset: RuleSet, units: Units | None = None) -> tuple[list[Fact], list[Mention]]:
    """The facts attributed to the quantities no fact claims, and every domain quantity."""
    units = units or ruleset.units
    cues = ruleset.cues
    # a part of a list (kind part) is claimed for its total's metric only: its own label may
    # still name it (…（其中公务接待费1.95万元，因公出国费为0元）)
    claimed = _Claims(facts)
    parts = {(f.start, f.metric) for f in facts if f.kind == Kind.PART}
    new: list[Fact] = []
    mentions: list[Mention] = []
    text = document.text
    for sentence in sentences:
        if sentence.kind == "heading" and not any(map(str.isdigit, sentence.text)):
            continue
        figs = figures_of(sentence.text, ruleset.figure, units)
        if not figs:
            continue
        split = cued = None  # read when a figure first needs them (none does when every figure is claimed)
        known: dict[int, tuple[str, str]] = {}  # figure index → (metric, label), for figures that follow another
        unnamed: dict[int, tuple[Quantity, int]] = {}  # figure index → (quantity, its mention's index)
        named_parts: list[Fact] = []  # facts given to listed parts by their own labels
        for i, (s, e, unit) in enumerate(figs):
            if unit == "ratio" and i and (i - 1) in known \
                    and (share := _share_of_task(sentence, figs, i, known, cues, claimed, units)):  # (its own first test)
                new.append(share)
            if unit not in cues.domain_units:
                continue
            start, end = sentence.start + s, sentence.start + e
            raw = text[start:end]
            if unit == "item" and not any(map(str.isdigit, raw)):
                continue  # 两个确保, 三个方面: words, not counts
            owner = claimed.at(start, end)
            is_part = owner is not None and owner.kind == Kind.PART
            if owner is not None and not is_part and owner.kind != Kind.CHANGE:
                known[i] = owner.metric, owner.label  # a fact stands on it: its value is the fact's reading
                mentions.append(new_mention(sentence.doc, start, end, owner.value, owner.unit, raw,
                                        sentence.text, sentence.section, owner.metric))
                continue
            q = parse_quantity(raw, units)
            if q is None or (owner is None and q.value == 1 and not any(map(str.isdigit, q.raw))):
                continue  # 最后一户农户, 一名婆婆: an article, not a count
            fact = None
            if owner is None or is_part:  # a listed part may still be named by its own label
                if cued is None:
                    split = _has_split(sentence.text, cues)  # else no window of it holds a split word
                    cued = _names_a_metric(sentence.text, cues, split)  # else nothing here names a metric
                fact = _attributed(sentence, figs, i, q, cues, meta, ruleset, text, known, split) if cued else None
                if fact is not None and (fact.start, fact.metric) in parts:
                    fact = None  # 交地2,140亩，其中…交付净地860亩: a part of its own total, not a second level
            if fact is not None:
                new.append(fact)
                if is_part:
                    named_parts.append(fact)
            metric = fact.metric if fact is not None else (owner.metric if owner is not None else None)
            if metric is not None:
                known[i] = metric, (fact or owner).label
            elif owner is None and cued:
                unnamed[i] = q, len(mentions)
            mentions.append(new_mention(sentence.doc, start, end, q.value, q.unit, q.raw, sentence.text,
                                    sentence.section, metric))
        for fact in _shared_tags(named_parts) if named_parts else ():
            new[new.index(fact)] = replaced(fact, kind=Kind.PART)
        for i, (q, at) in sorted(unnamed.items(), reverse=True):  # from the last: a list's items share back
            if (i + 1) not in known or figs[i + 1][2] != figs[i][2]:
                continue  # what both ask first: a figure of the same unit right after, with a metric
            task = (_task_before_done(sentence, figs, i, q, known, cues, meta, ruleset, text)
                    or _listed_before_all(sentence, figs, i, q, known, cues, meta, ruleset, text))
            if task is not None:
                new.append(task)
                mentions[at] = replaced(mentions[at], metric=task.metric)
                if task.kind == Kind.LEVEL:
                    known[i] = task.metric, task.label
    found, mentions = tasks_by_share(text, sentences, facts + new, mentions, meta, ruleset, units)
    return new + found, mentions


def _shared_tags(named_parts: list[Fact]) -> list[Fact]:
    """Listed parts of one sentence that one label names twice (其中工资福利支出(人员支出)3265013元，…，
    对个人和家庭补助支出(人员支出)457838元): the label tags the items of a category, and each item is
    a part of the category, not its amount."""
    seen: dict[tuple[str, str], int] = {}
    for f in named_parts:
        seen[f.metric, f.label] = seen.get((f.metric, f.label), 0) + 1
    return [f for f in named_parts if seen[f.metric, f.label] > 1]


def _task_before_done(sentence: Sentence, figs, i: int, q: Quantity, known: dict[int, tuple[str, str]], cues: Cues,
                      meta: DocMeta, ruleset: RuleSet, text: str) -> Fact | None:
    """A whole stated right before the work done of it (总数4509户中，已完成签约4191户; 共1911户，已签约
    1860户): the task of the done figure's metric, a budget (rules/attribution.yaml task_whole, task_then)."""
    if cues.task_whole is None or (i + 1) not in known or figs[i + 1][2] != figs[i][2]:
        return None
    metric, label = known[i + 1]
    if not label or ruleset.metric_unit(metric) != q.unit:
        return None
    stext = sentence.text
    s, e, _unit = figs[i]
    lead = cues.task_whole.search(stext, _clause_start(stext, s), s, False)
    done_at = figs[i + 1][0]
    k = stext.find(label, e, figs[i + 1][1])  # the label may end inside the figure's qualifier (签约4191户: 约)
    if lead is None or k < 0 or not cues.task_then.fullmatch(stext, e, k, False) or not cues.gap.match(
            stext[k + len(label):max(k + len(label), done_at)], None, None, False):
        return None
    rule = cues.rules[metric]
    hit = Match(rule, sentence, sentence.start + s, sentence.start + e,
                sentence.start + lead.start(), sentence.start + lead.end(), {})
    if not context_allows(hit, ruleset):
        return None
    fact = make_fact(hit, q, meta, ruleset, {}, text)
    if fact is None or fact.kind != Kind.LEVEL:
        return None
    return replaced(fact, kind=Kind.TARGET, basis=Basis.BUDGET)


def _listed_before_all(sentence: Sentence, figs, i: int, q: Quantity, known: dict[int, tuple[str, str]], cues: Cues,
                       meta: DocMeta, ruleset: RuleSet, text: str) -> Fact | None:
    """An item of a list whose last item a cue after it names with 均 / 全部 (自贸路50亩，杨陵初心农场260余亩
    均清表交地): the cue is every item's (rules/attribution.yaml list_item, after_all)."""
    if cues.list_item is None or (i + 1) not in known or figs[i + 1][2] != figs[i][2]:
        return None
    metric, label = known[i + 1]
    stext = sentence.text
    s, e, _unit = figs[i]
    done = _all_done(stext, figs[i + 1][1], cues)
    if (done is None or stext[done[0]:done[1]] != label or ruleset.metric_unit(metric) != q.unit
            or not cues.list_item.fullmatch(stext, e, figs[i + 1][0], False)):
        return None
    rule = cues.rules[metric]
    start, end = sentence.start + s, sentence.start + e
    # the item's own clause is checked: the cue's side holds the last item (260余亩均…: not 亩均, per mu)
    if not context_allows(Match(rule, sentence, start, end, start, start, {}), ruleset):
        return None
    return make_fact(Match(rule, sentence, start, end, sentence.start + done[0], sentence.start + done[1], {}),
                     q, meta, ruleset, {}, text)


def _names_a_metric(stext: str, cues: Cues, split: bool) -> bool:
    """Whether a cue or basis word stands in the sentence, a word split by a space included
    (``split``: whether the sentence holds a space that may split a word)."""
    if has_word(cues.any_words, stext):
        return True
    return split and has_word(cues.any_words, cues.split_space.sub("", stext, 0, None, None, False))


def _has_split(text: str, cues: Cues) -> bool:
    """Whether a space that may split a word stands in the text (a plain test: most text has none)."""
    return any(map(text.__contains__, cues.split_chars))  # a substring test a space: faster than a set of the text


def _share_of_task(sentence: Sentence, figs, i: int, known: dict[int, tuple[str, str]], cues: Cues,
                   claimed: _Claims, units: Units) -> Fact | None:
    """The share of a task done, stated right after the task (已签订协议88户，完成总任务95户的92.36%):
    a share of the task's own metric, which the checks hold against done ÷ task."""
    if i == 0 or (i - 1) not in known:
        return None
    metric, label = known[i - 1]
    s, e, _unit = figs[i]
    if not any(map(label.__contains__, cues.task_words)) or not cues.task_share.fullmatch(sentence.text, figs[i - 1][1], s, False):
        return None
    start, end = sentence.start + s, sentence.start + e
    q = parse_quantity(sentence.text[s:e], units)
    if q is None or q.unit != "ratio" or claimed.at(start, end) is not None:
        return None
    return new_fact(doc=sentence.doc, metric=metric, value=q.value, unit="ratio", kind=Kind.SHARE, approx=q.approx,
                basis=None, quote=sentence.text, start=start, end=end, rule_id="attribute.task_share",
                section=sentence.section, sentence_index=sentence.index, raw=q.raw, relative_to=metric, step=q.step,
                label=label)


class _Claims:
    """The facts of a document by where their figures stand."""

    __slots__ = ("starts", "facts")

    def __init__(self, facts: list[Fact]):
        self.facts = sorted(facts, key=lambda f: f.start)
        self.starts = [f.start for f in self.facts]

    def at(self, start: int, end: int) -> Fact | None:
        """The fact whose figure overlaps [start, end)."""
        facts = self.facts
        i = bisect_left(self.starts, start - CLAIM_BACK)
        while i < len(facts):  # walk on from i: a slice ``facts[i:]`` would copy the rest of a long document's facts
            fact = facts[i]
            if fact.start >= end:
                break
            if fact.end > start:
                return fact
            i += 1
        return None


def _attributed(sentence: Sentence, figs, i: int, q: Quantity, cues: Cues, meta: DocMeta, ruleset: RuleSet,
                text: str, known: dict[int, tuple[str, str]], split: bool) -> Fact | None:
    stext = sentence.text
    s, e, unit = figs[i]
    for label_start, label_end, metric, part_of in _candidates(stext, figs, i, cues, known, split, q.unit, ruleset):
        if ruleset.metric_unit(metric) != q.unit or cues.unit_refused(metric, q.raw):
            continue
        rule = cues.rules[metric]
        hit = Match(rule, sentence, sentence.start + s, sentence.start + e,
                    sentence.start + label_start, sentence.start + label_end, {})
        if not context_allows(hit, ruleset) or (
                rule.forbid_item is not None and under_item_title(text, sentence, rule.forbid_item)):
            return None
        fact = make_fact(hit, q, meta, ruleset, {}, text)
        if fact is not None and part_of is not None:
            fact = replaced(fact, kind=Kind.PART, group=sentence.start + part_of)
        return fact
    return None


def _all_done(stext: str, e: int, cues: Cues) -> tuple[int, int] | None:
    """The span of a cue after a figure ending at ``e`` that says all of it was done, past the
    words that say so (40幢房屋100%拆除; 共需拆迁84户，已全部签订了协议): rules/attribution.yaml after_all."""
    if cues.after_all is None or (a := cues.after_all.match(stext, e, None, False)) is None:
        return None
    m = cues.after.match(stext, a.end(), None, False)
    if m is None or stext.startswith(cues.after_then_not, m.end()):
        return None
    return m.start(), m.end()


def _clause_start(stext: str, s: int) -> int:
    """Where the clause of a figure at ``s`` begins, looking back at most CLAUSE_REACH characters: after a
    separator, or after an opening bracket that is still open at the figure (…（其中公务接待费1.95万元）);
    a bracket closed before the figure belongs to the label (因公出国(境)费支出决算为0万元)."""
    floor = max(0, s - CLAUSE_REACH)
    last = _STOP_OR_CLOSE.search(stext[floor:s][::-1])  # the first in the reversed clause: the last in it
    if last is None:
        return floor
    if stext[s - 1 - last.start()] not in CLOSE:
        return s - last.start()  # no bracket closes after it: the walk below would stop right there
    lo, depth = s, 0
    while lo > 0 and s - lo < CLAUSE_REACH:
        ch = stext[lo - 1]
        if ch in CLOSE:
            depth += 1
        elif ch in OPEN and depth:
            depth -= 1
        elif BEFORE_STOP.match(ch, None, None, False):
            break
        lo -= 1
    return lo


def _rest_unsplit(stext: str, e: int, cues: Cues) -> str:
    """``stext[e:]`` with the spaces that split a word taken out, as far as a search for words can tell
    (``e`` the end of a figure, its unit: no space): read from the sentence with them taken out, made
    once a sentence (the last one's is kept) where each figure's rest was taken out again. A run of
    spaces right at ``e`` may be taken out here and not from ``stext[e:]``, where nothing stands
    before it: no word starts with such a space, so no search tells them apart; every other run has
    the same characters on either side in both."""
    last = _LAST_UNSPLIT
    if last[0] is not stext:
        pieces, at, total, ends, removed = [], 0, 0, [], []
        for m in cues.split_space.finditer(stext, None, None, False, False):
            a, b = m.span()
            pieces.append(stext[at:a])
            at, total = b, total + b - a
            ends.append(b)
            removed.append(total)
        pieces.append(stext[at:])
        last[:] = stext, "".join(pieces), ends, removed
    _stext, whole, ends, removed = last
    k = bisect_right(ends, e)  # the runs taken out before e
    return whole[e - removed[k - 1]:] if k else whole[e:]


_LAST_UNSPLIT: list = [None, "", [], []]  # the last sentence so read (held: its id stays its own), and its reading


class _Offsets:
    """Where each character of a window is in its sentence, when nothing was taken out of it."""

    __slots__ = ("start",)

    def __init__(self, start: int):
        self.start = start

    def __getitem__(self, k: int) -> int:
        return self.start + k


def _unsplit(stext: str, lo: int, hi: int, cues: Cues, split: bool):
    """The window ``stext[lo:hi]`` with the spaces that split a word taken out (设17个内设 机构:
    PDF text justified or wrapped inside a cue word), and where each of its characters stands in
    the sentence (``split``: whether the sentence holds a space that may split a word)."""
    window = stext[lo:hi]
    spaces = [m.span() for m in cues.split_space.finditer(window, None, None, False, False)] if split and _has_split(window, cues) else []
    if not spaces:
        return window, _Offsets(lo)
    keep, at = [], 0
    for a, b in spaces:
        keep.extend(range(at, a))
        at = b
    keep.extend(range(at, len(window)))
    return "".join(window[k] for k in keep), [lo + k for k in keep]


def _before_cue(stext: str, window: str, at, cues: Cues) -> tuple[int, int] | None:
    """The span in ``window`` (the clause before a figure, ``at`` its offsets in the sentence) of the cue
    that names the figure: of the longest cue at each position, the one ending last (the longest of
    those) with only allowed words between it and the figure and no refused word right before it."""
    # a cue ending farther than reach_before from the figure is never taken: the search starts where
    # the longest cue could still end within reach
    first = max(0, len(window) - cues.reach_before - cues.before_longest) if cues.before_longest is not None else 0
    found = longest_at_each_start(cues.before_words, window, first)
    for end, size in sorted(((start + size, size) for start, size in found.items()), reverse=True):
        gap = window[end:]
        if len(gap) > cues.reach_before or any(map(gap.__contains__, cues.not_between)) or not cues.glue(gap):
            continue
        start = end - size
        lead = stext[max(0, at[start] - 4):at[start]]
        if any(map(lead.__contains__, cues.not_before)):
            continue
        return start, end
    return None


def _candidates(stext: str, figs, i: int, cues: Cues, known: dict[int, tuple[str, str]], split: bool,
                unit: str, ruleset: RuleSet):
    """(label start, label end, metric, part of) of the cues around figure ``i`` that may name a metric
    counted in ``unit``: before it first, then after it, then — when only a basis stands between them
    (预算为97万元，决算为8.72万元) — the metric of the figure before it; ``part of`` is that figure's offset
    when 其中 opens the basis (预算收入69.06万元，其中年初预算57.28万元: a part of it), else None. A side
    with no cue word of ``unit`` within reach is not searched (most figures have none): what it would
    yield the caller passes over."""
    s, e, _unit = figs[i]
    prev_end = figs[i - 1][1] if i else 0  # figures come in order and do not overlap
    lo = None
    counted_noun = e < len(stext) and _unit == "item" and _HAN.match(stext, e, None, False)
    if not counted_noun and _names_unit(True, stext, max(0, s - CLAUSE_REACH, prev_end), s, unit, cues, split, ruleset):
        lo = max(_clause_start(stext, s), prev_end)
        window, at = _unsplit(stext, lo, s, cues, split)
        best = _before_cue(stext, window, at, cues)
        if best is not None:
            start, end = best
            yield at[start], at[end - 1] + 1, cues.before_metric[window[start:end]], None
    # an after-cue, or the cue _all_done finds, stands after the figure in its sentence
    if _names_unit(False, stext, e, len(stext), unit, cues, split, ruleset):
        if lo is None:
            lo = max(_clause_start(stext, s), prev_end)
        yield from _after_candidates(stext, figs, i, cues, split, lo)
    if i > 0 and (i - 1) in known and figs[i - 1][2] == _unit:
        metric, label = known[i - 1]
        at = figs[i - 1][1]
        # the figure before may carry its label after it (872户已签订协议，占总任务879户)
        k = stext.find(label, at, s) if label else -1
        if 0 <= k - at <= 2:
            at = k + len(label)
            while at < s and at - k < len(label) + 4 and _HAN.match(stext, at, None, False):
                at += 1  # the rest of its phrase (已签订 → 已签订协议)
        if m := cues.follow.fullmatch(stext, at, s, False):
            part_of = figs[i - 1][0] if "part" in m.groupdict() and m.group("part") else None
            yield m.start("basis"), m.end("basis"), metric, part_of


def _after_candidates(stext: str, figs, i: int, cues: Cues, split: bool, lo: int):
    """The after-cues of figure ``i`` (its clause starting at ``lo``), and the cue _all_done finds."""
    s, e, _unit = figs[i]
    limit = min(figs[i + 1][0] if i + 1 < len(figs) else len(stext), len(stext), e + cues.reach_after + 8)
    hi = stop.start() if e < limit and (stop := AFTER_STOP.search(stext, e, limit, False)) else max(e, limit)
    # a figure its clause opens as a part (…15户进行了安置(其中4户为货币化安置…): a part of the figure before
    # when that one counts the same thing; else a figure of its own (完成620户，其中4个棚改项目…)
    opened = any(map(stext[lo:s].__contains__, cues.part_open))
    whole = figs[i - 1][0] if opened and i > 0 and figs[i - 1][2] == _unit else None
    window, at = _unsplit(stext, e, hi, cues, split)
    after = sorted(longest_at_each_start(cues.after_words, window).items())  # what searching on from each finds
    first_end = after[0][0] + after[0][1] if after else 0
    # only cues overlapping the first name the figure, tried in turn: 集体土地征收补偿资金 (土地征收 | 征收补偿资金)
    for start, size in after:
        if start >= first_end:
            break
        gap = window[:start]
        if len(gap) > cues.reach_after or any(map(gap.__contains__, cues.after_not_between)) or gap.startswith(LIST_SEP):
            break  # 673户、签订协议1482户: the next item's label
        if window.startswith(cues.after_then_not, start + size):
            break  # 100户已签约未腾房: those of the signed still to move out
        yield at[start], at[start + size - 1] + 1, cues.after_metric[window[start:start + size]], whole
    if not opened and (done := _all_done(stext, e, cues)) is not None:
        yield done[0], done[1], cues.after_metric[stext[done[0]:done[1]]], None


def _names_unit(before: bool, stext: str, lo: int, hi: int, unit: str, cues: Cues, split: bool, ruleset: RuleSet) -> bool:
    """Whether a before-cue (``before``) or an after-cue naming a metric counted in ``unit`` stands in
    ``stext[lo:hi]`` (a space that splits a word taken out). Every window the cues are looked for in lies
    in that stretch: taking out the spaces of a wider stretch joins what a narrower one joins, and more."""
    if not split or cues.split_space is None:
        text = stext[lo:hi]
    elif not before and hi == len(stext):
        text = _rest_unsplit(stext, lo, cues)  # the rest of the sentence: one take-out a sentence
    else:
        text = stext[lo:hi]
        if _has_split(text, cues):
            text = cues.split_space.sub("", text, 0, None, None, False)
    return has_word(cues.words_of_unit(before, unit, ruleset.metric_unit), text)
