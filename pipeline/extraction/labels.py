"""Which metric a label names: exactly (tables, forms) or the last one standing in a text."""
from __future__ import annotations

from functools import wraps

import ahocorasick
import regex

from ..figscan import _C, parsed_tree
from ..memo import per_object
from ..rules import RuleSet, normalize_label

MAX_LABEL_CHARS = 40
_AT, _AT_BEGINNING = (_C.AT, _C.AT_BEGINNING) if _C is not None else (None, None)
_LABEL_BRACKET_TAIL = regex.compile(r"[（(][^）)]*[）)]$")


def remembered(lookup):
    """``lookup(label, ruleset)`` remembered per label and RuleSet (held, so its id stays its own):
    a table's labels (基本支出, 项目支出 …) come back in every report."""
    memo: dict[int, tuple] = {}

    @wraps(lookup)
    def answer(label: str, ruleset: RuleSet):
        known = memo.get(id(ruleset))
        if known is None or known[0] is not ruleset:
            memo.clear()
            known = memo[id(ruleset)] = (ruleset, {})
        answers = known[1]
        if label not in answers:
            if len(answers) >= 100_000:
                answers.clear()  # a bound, whatever the corpus
            answers[label] = lookup(label, ruleset)
        return answers[label]
    return answer


@remembered
def lookup_label(label: str, ruleset: RuleSet) -> str | None:
    """The metric a label names exactly (after trimming numbering, brackets and tails).

    >>> from pipeline.rules import load_rules
    >>> lookup_label("基本支出的", load_rules())
    'spend.basic'
    >>> lookup_label("“三公经费”支出", load_rules())
    'spend.three_public'
    """
    if len(label) > MAX_LABEL_CHARS:
        return None
    trim = ruleset.label_trim
    key = normalize_label(label)
    automaton = _label_automaton(ruleset)
    if automaton is not None and cuts_a_prefix(trim.heads) and next(automaton.iter(key), None) is None:
        return None  # no label stands in the key, so none in what the trims leave of it (below)
    # the regex calls by position with concurrent=False (pipeline/extraction/scan.py FINDITER_ARGS):
    # by default the regex package hands the GIL back and forth within each call
    key = trim.heads.sub("", key, 0, None, None, False)
    if (m := _LABEL_BRACKET_TAIL.search(key, None, None, False)) is not None:  # its one match, cut out
        key = key[:m.start()] + key[m.end():]
    if automaton is not None and next(automaton.iter(key), None) is None:
        return None  # every candidate below is a part of the key: none holds a label, none is one
    candidates = [key]
    while (m := trim.tails.search(candidates[-1], None, None, False)) and m.start() > 0:
        candidates.append(candidates[-1][: m.start()])
    if (m := trim.verbs.match(key, None, None, False)) and m.end() < len(key):  # 完成征收土地面积 → 征收土地面积
        candidates.append(key[m.end():])
    for candidate in candidates:
        if candidate in ruleset.labels:
            return ruleset.labels[candidate]
        for word in trim.basis_suffixes:
            if candidate.endswith(word) and candidate[: -len(word)] in ruleset.labels:
                return ruleset.labels[candidate[: -len(word)]]
    return None


@per_object(limit=16)
def cuts_a_prefix(heads: regex.Pattern) -> bool:
    """Whether every match of ``heads`` starts the text (its pattern opens with ``^``, no choice
    around it, read so by ``re`` as by ``regex``): then ``heads.sub`` only cuts a prefix and the
    bracket tail a suffix, which join no two pieces, so a key holding no label keeps none. Most
    labels asked (≈ 3,700 of ≈ 4,100 over the real pages, table cells mostly) hold none: they
    are known for one automaton pass, before the two regex calls.

    >>> cuts_a_prefix(regex.compile("^(?:其中)?")), cuts_a_prefix(regex.compile("^a|b"))
    (True, False)
    """
    tree = parsed_tree(heads.pattern, heads.flags)
    return tree is not None and bool(tree.data) and tree.data[0] == (_AT, _AT_BEGINNING)


def last_label_in(text: str, ruleset: RuleSet) -> str | None:
    """The metric of the last metric label standing in ``text`` (longest label wins a tie)."""
    flat = normalize_label(text)
    automaton = _label_automaton(ruleset)
    if automaton is not None:  # every occurrence of every label in one pass: the last end (then the longest) wins
        last = max(((end + 1, size) for end, size in automaton.iter(flat)), default=None) if flat else None
        return ruleset.labels[flat[last[0] - last[1]:last[0]]] if last is not None else None
    best = None
    for label, metric in ruleset.labels.items():
        pos = flat.rfind(label)
        if pos >= 0:
            key = (pos + len(label), len(label))
            if best is None or key > best[0]:
                best = (key, metric)
    return best[1] if best else None


@per_object()
def _label_automaton(ruleset: RuleSet):
    """An Aho–Corasick automaton over the rules' labels (each label's length its value), remembered
    per rules; None when there are no labels or one is empty (the loop in ``last_label_in`` then)."""
    if not (ruleset.labels and all(ruleset.labels)):
        return None
    automaton = ahocorasick.Automaton()
    for label in ruleset.labels:
        automaton.add_word(label, len(label))
    automaton.make_automaton()
    return automaton


