"""Whether a figure is a budget (预算) or an actual (决算/实际) amount, from the words before it."""
from __future__ import annotations

import re

from ..memo import per_object
from ..model import Basis
from ..rules import RuleSet
from .context import clause_end_at, clause_start_at


def _clean_basis_text(text: str, ruleset: RuleSet) -> str:
    if not _words_of(ruleset)[0].search(text):
        return text  # no ignore word: nothing to blank
    for word in ruleset.basis_words["ignore"]:
        text = text.replace(word, "\0" * len(word))
    return text


def read_basis(sentence_text: str, fig_pos: int, ruleset: RuleSet, clause_start: int | None = None) -> str | None:
    """budget / adjusted / actual from the nearest basis word before the figure in its clause; a
    clause opening with 其中 takes the basis of the sentence's first clause.

    >>> from pipeline.rules import load_rules
    >>> read_basis("基本支出预算：2020年预算数365.5万元", 19, load_rules())
    <Basis.BUDGET: 'budget'>
    >>> read_basis("2024年实际支出543.29万元，其中基本支出366.62万元", 26, load_rules())
    <Basis.ACTUAL: 'actual'>
    >>> read_basis("一般公共预算财政拨款收入543.29万元", 12, load_rules()) is None
    True
    """
    c_start = clause_start_at(sentence_text, fig_pos, ruleset.layout) if clause_start is None else clause_start
    found = nearest_basis(_clean_basis_text(sentence_text[c_start:fig_pos], ruleset), ruleset)
    if found:
        return found
    if c_start > 0 and sentence_text[c_start:].lstrip().startswith("其中"):
        head_end = clause_end_at(sentence_text, 0, ruleset.layout)
        return nearest_basis(_clean_basis_text(sentence_text[:head_end], ruleset), ruleset)
    return None


def nearest_basis(text: str, ruleset: RuleSet) -> str | None:
    """budget, adjusted or actual: the basis word ending nearest the end of ``text``."""
    if not _words_of(ruleset)[1].search(text):
        return None  # no basis word at all
    return _nearest_by_words(text, ruleset)


def _nearest_by_words(text: str, ruleset: RuleSet) -> str | None:
    """``nearest_basis`` by asking each basis word where it last stands."""
    best = None
    for basis in (Basis.BUDGET, ADJUSTED_BASIS, Basis.ACTUAL):
        for word in ruleset.basis_words[basis]:
            pos = text.rfind(word)
            if pos >= 0 and (best is None or (pos + len(word), len(word)) > best[0]):
                best = ((pos + len(word), len(word)), basis)
    if best is None:
        return None
    if best[1] == Basis.BUDGET and _after_adjustment(text[:best[0][0] - best[0][1]], ruleset):
        return ADJUSTED_BASIS  # 调整预算后项目预算861.46万元: the budget as adjusted
    return best[1]


@per_object()
def _words_of(ruleset: RuleSet) -> tuple[re.Pattern, re.Pattern]:
    """Two tests, each one search: whether a text holds an ignore word, and whether it holds a basis
    word (budget, adjusted or actual): most clauses hold neither, and one search of the words finds
    that sooner than a loop over them. No words: a pattern that finds the empty text (no test).
    Remembered per rules."""
    words = ruleset.basis_words
    basis = [w for b in (Basis.BUDGET, ADJUSTED_BASIS, Basis.ACTUAL) for w in words[b]]
    return _any_of(words["ignore"]), _any_of(basis)


def _any_of(words) -> re.Pattern:
    if not words or any(not w for w in words):
        return re.compile("")
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))



def _after_adjustment(text: str, ruleset: RuleSet) -> bool:
    """An adjustment word (调整预算后, 调整后) stands before, with no actual word after it: a plain
    budget word after it names the adjusted budget."""
    at = max((text.rfind(w) + len(w) for w in ruleset.basis_words.get("adjusted_after", ()) if w in text), default=-1)
    return at >= 0 and not any(w in text[at:] for w in ruleset.basis_words[Basis.ACTUAL])


ADJUSTED = "调整预算"
ADJUSTED_BASIS = "adjusted"  # read from the words (rules/common.yaml basis.adjusted), stored as a budget


def split_basis(basis: str | None, qualifier: str | None) -> tuple[Basis | None, str | None]:
    """A basis as read (budget, adjusted or actual) → the fact's basis and qualifier: an adjusted
    budget is a budget with the qualifier 调整预算.

    >>> split_basis("adjusted", None) == (Basis.BUDGET, "调整预算")
    True
    >>> split_basis("actual", "退休") == (Basis.ACTUAL, "退休")
    True
    """
    if basis == ADJUSTED_BASIS:
        return Basis.BUDGET, qualifier or ADJUSTED
    return (Basis(basis) if basis else None), qualifier
