"""A cheap, exact test that a text names no metric, asked before ``labels.lookup_label``:
``may_name``, of any text a caller may still cut down.

The lookup reads a label only by deleting characters from it (noise and spaces, numbering and
其中, a bracketed tail, trailing words, a leading verb, a basis suffix) and then finding a whole
label of labels.yaml in what is left; the callers delete more before it (a bracketed unit, a
leading year). So every label a text can be read as stands in that text as a subsequence, its
first and last characters among the text's. A text holding no label's last character, or no
label's first (123.45, 预算数, most lines of a page), names none: known by two searches for one
character of a set (the standard library's engine scans a set of characters fast) instead of the
lookup's patterns, once per distinct line of every page. (Of a label as looked up, the lookup itself knows more:
one automaton pass over the normalized label, ``labels.lookup_label``.)
"""
from __future__ import annotations

import re

from ..memo import per_object
from ..rules import RuleSet


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
