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

from bisect import bisect_left, bisect_right

from ..model import Fact, Kind, Sentence, replaced
from ..rules import RuleSet
from .parts import list_end, partial_openers

_HEADS = (Kind.LEVEL, Kind.TARGET, Kind.PLAN, Kind.PRIOR)
_DATED = (Kind.PLAN, Kind.PRIOR)  # a whole of another year: its items are of that year too
_LEAD = " \t\u3000\n"


def inherit_list_basis(sentences: list[Sentence], facts: list[Fact], ruleset: RuleSet) -> list[Fact]:
    """``facts`` (sorted by start) with the items of each 其中 list given their whole's basis and year."""
    parents = ruleset.parents
    if not any(f.basis is None and f.kind == Kind.LEVEL and f.metric in parents for f in facts):
        return facts
    out = list(facts)
    starts = [f.start for f in out]
    previous_start = 0
    for sentence in sentences:
        openers = partial_openers(sentence.text, ruleset)
        if openers:
            _in_sentence(sentence, previous_start, openers, out, starts, ruleset)
        previous_start = sentence.start
    return out


def _in_sentence(sentence: Sentence, previous_start: int, openers: list[int], out: list[Fact], starts: list[int],
                 ruleset: RuleSet) -> None:
    text = sentence.text
    lo, hi = bisect_left(starts, sentence.start), bisect_left(starts, sentence.end)
    lead = len(text) - len(text.lstrip(_LEAD))
    for n, at in enumerate(openers):
        opener = sentence.start + at
        window = bisect_left(starts, previous_start) if at == lead else lo  # the wholes looked for from here
        # the list ends at the next opener or where list_end says (a clause opening with 截至, 共 …)
        stop = sentence.start + min(openers[n + 1] if n + 1 < len(openers) else len(text), list_end(text, at, ruleset))
        for k in range(bisect_right(starts, opener, lo, hi), bisect_left(starts, stop, lo, hi)):
            f = out[k]
            if f.kind != Kind.LEVEL or f.basis is not None or f.period is not None:
                continue
            wholes = [w for w in out[window:k] if w.end <= opener and w.kind in _HEADS
                      and w.metric == ruleset.parents.get(f.metric) and w.unit == f.unit]
            if len(wholes) != 1 or wholes[0].basis is None:
                continue
            whole = wholes[0]
            dated = whole.kind in _DATED and whole.period is not None
            out[k] = replaced(f, basis=whole.basis, period=whole.period if dated else None,
                              kind=whole.kind if dated else f.kind)
