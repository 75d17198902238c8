"""Cheap, exact tests that a text names no metric, asked before ``labels.lookup_label``:
``may_name`` (any text a caller may still cut down) and ``holds_label`` (the label as looked up).

The lookup reads a label only by deleting characters from it (noise and spaces, numbering and
其中, a bracketed tail, trailing words, a leading verb, a basis suffix) and then finding a whole
label of labels.yaml in what is left; the callers delete more before it (a bracketed unit, a
leading year). So every label a text can be read as stands in that text as a subsequence, its
first and last characters among the text's. A text holding no label's last character, or no
label's first (123.45, 预算数, most lines of a page), names none: known by two searches for one
character of a set (the standard library's engine scans a set of characters fast) instead of the
lookup's patterns, once per distinct line of every page. Of a label as looked up, more is known:
the lookup cuts its key out of the label once normalized, so a label it finds stands in that text
whole — one automaton pass (``holds_label``).
"""
from __future__ import annotations

import re

import ahocorasick

from ..figscan import parsed_tree
from ..memo import per_object
from ..rules import RuleSet, normalize_label

try:  # the standard library's parser constants, as figscan reads them
    from re import _constants as _C
except ImportError:  # pragma: no cover - another Python: no second gate
    _C = None


@per_object()
def _ends(ruleset: RuleSet) -> tuple[re.Pattern, re.Pattern] | None:
    """(any last character, any first character) of the rules' labels, as patterns; None when a label
    is empty (every text may then name it). Remembered per rules."""
    labels = ruleset.labels
    if not all(labels):
        return None
    return tuple(re.compile("[" + "".join(sorted(map(re.escape, {label[at] for label in labels}))) + "]")
                 for at in (-1, 0))


def may_name(text: str, ruleset: RuleSet) -> bool:
    """False only when no label of ``ruleset`` can be read out of ``text`` by deleting characters:
    ``lookup_label`` of ``text`` — or of anything made of it by deleting characters — is None.

    >>> from pipeline.rules import load_rules
    >>> may_name("123.45", load_rules()), may_name("基本支出（万元）", load_rules())
    (False, True)
    """
    if _LAST[0] is not ruleset:  # one RuleSet a run: its patterns held here, not asked of the memo per text
        _LAST[:] = [ruleset, _ends(ruleset)]
    ends = _LAST[1]
    return ends is None or (ends[0].search(text) is not None and ends[1].search(text) is not None)


_LAST: list = [None, None]  # the last RuleSet asked (held, so its identity stays its own) and its ``_ends``


def holds_label(label: str, ruleset: RuleSet) -> bool:
    """False only when ``lookup_label(label)`` is None, known by one pass of an automaton of the
    labels over the label as normalized: the lookup cuts its key out of that text — the numbering
    ``label_trim.heads`` matches at its start, a bracketed tail, trailing words, a leading verb, a
    basis suffix — and finds a whole label in the key, so a label it finds stands in the normalized
    text. True (no test) when ``heads`` may match elsewhere than at the start, or a label is empty.

    >>> from pipeline.rules import load_rules
    >>> holds_label("（一）基本 支出（万元）", load_rules()), holds_label("项目名称", load_rules())
    (True, False)
    """
    if _HELD[0] is not ruleset:
        _HELD[:] = [ruleset, _automaton(ruleset)]
    automaton = _HELD[1]
    return automaton is None or next(automaton.iter(normalize_label(label)), None) is not None


@per_object()
def _automaton(ruleset: RuleSet):
    """An Aho–Corasick automaton of the rules' labels, or None where ``holds_label`` may not gate:
    a label empty, or ``heads`` not anchored at the start (re's parse of it must open with ``^`` at
    its top level — an alternation there is one branch node — under the default flags)."""
    labels = ruleset.labels
    heads = ruleset.label_trim.heads if ruleset.label_trim is not None else None
    tree = parsed_tree(heads.pattern, heads.flags) if heads is not None and _C is not None else None
    if not labels or not all(labels) or tree is None or not tree.data \
            or tree.data[0] != (_C.AT, _C.AT_BEGINNING):
        return None
    automaton = ahocorasick.Automaton()
    for label in labels:
        automaton.add_word(label, len(label))
    automaton.make_automaton()
    return automaton


_HELD: list = [None, None]  # the last RuleSet asked (held) and its ``_automaton``
