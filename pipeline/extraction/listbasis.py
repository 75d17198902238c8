"""The items of a 其中 list take the basis and the year of the whole the list breaks down.

基本支出预算总额51.56万元，其中人员支出43.72万元，日常公用支出5.49万元: the two items are budgets too, though
no basis word stands in their own clauses; 2011年…“三公经费”财政拨款预算数合计为11385.18万元。其中，因公出国（境）费
1406.27万元 (a sentence that opens with 其中 lists the parts of a whole in the sentence before): the item is
2011's budget (a plan in a 2010 report), not the report's actual. The whole is the one figure of the item's
parent metric (rules/checks.yaml parents: 因公出国（境）费 → “三公”经费) before the list — in the list's sentence, or
in the sentence before when the list opens its own; two such figures (支出5.62万元，较年初预算8.00万元…。其中：…)
leave the items as they are. Only an item with no basis and no year of its own takes them, up to the end of its
list (rules/common.yaml enumeration: partial opens a list, list_end and a sentence end close it).
"""
from __future__ import annotations

from bisect import bisect_left

from ..model import DocMeta, Fact, Kind, Sentence, replaced
from ..rules import RuleSet

_HEADS = (Kind.LEVEL, Kind.TARGET, Kind.PLAN, Kind.PRIOR)
_DATED = (Kind.PLAN, Kind.PRIOR)  # a whole of another year: its items are of that year too
_LEAD = " \t\u3000\n"


def inherit_list_basis(sentences: list[Sentence], facts: list[Fact], ruleset: RuleSet, meta: DocMeta) -> list[Fact]:
    """``facts`` (sorted by start) with the items of each 其中 list given their whole's basis and year."""
    openers = tuple(ruleset.enumeration.get("partial", ()))
    ends = tuple(ruleset.enumeration.get("list_end", ()))
    parents = ruleset.parents
    if not openers or not any(f.basis is None and f.kind == Kind.LEVEL and f.metric in parents for f in facts):
        return facts
    out = list(facts)
    starts = [f.start for f in out]
    previous_start = 0
    for sentence in sentences:
        text = sentence.text
        if any(word in text for word in openers):
            _in_sentence(sentence, previous_start, out, starts, openers, ends, parents)
        previous_start = sentence.start
    return out


def _in_sentence(sentence: Sentence, previous_start: int, out: list[Fact], starts: list[int],
                 openers: tuple[str, ...], ends: tuple[str, ...], parents: dict[str, str]) -> None:
    text = sentence.text
    lo, hi = bisect_left(starts, sentence.start), bisect_left(starts, sentence.end)
    lead = len(text) - len(text.lstrip(_LEAD))
    for at in sorted(i for word in openers for i in _occurrences(text, word)):
        opener = sentence.start + at
        window = bisect_left(starts, previous_start) if at == lead else lo  # the wholes looked for from here
        stop = sentence.start + _list_stop(text, at + 1, openers, ends)
        for k in range(lo, hi):
            f = out[k]
            if not (opener < f.start < stop and f.kind == Kind.LEVEL and f.basis is None and f.period is None):
                continue
            wholes = [w for w in out[window:k] if w.end <= opener and w.kind in _HEADS
                      and w.metric == parents.get(f.metric) and w.unit == f.unit]
            if len(wholes) != 1 or wholes[0].basis is None:
                continue
            whole = wholes[0]
            dated = whole.kind in _DATED and whole.period is not None
            out[k] = replaced(f, basis=whole.basis, period=whole.period if dated else None,
                              kind=whole.kind if dated else f.kind)


def _list_stop(text: str, at: int, openers: tuple[str, ...], ends: tuple[str, ...]) -> int:
    """Where a list opened before ``at`` ends: at the next opener, at a clause that opens with a list end
    word (…，截至12月15日，共征用…), else at the sentence's end."""
    stop = len(text)
    for word in openers:
        found = text.find(word, at)
        if found >= 0:
            stop = min(stop, found)
    for mark in "，,；;":
        found = text.find(mark, at)
        while 0 <= found < stop:
            if text.startswith(ends, found + 1):
                stop = found
                break
            found = text.find(mark, found + 1)
    return stop


def _occurrences(text: str, word: str):
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))
