"""The plain code that fast paths replaced, kept for the tests that hold the fast code to it.

A fast path is output-neutral only if it answers as the plain code did on every input the tests
can gather (real pages, seed reports, constructed edge cases); the plain versions live here once,
for every round's tests to compare against.
"""
from __future__ import annotations

from pipeline.extraction.labels import _LABEL_BRACKET_TAIL, MAX_LABEL_CHARS
from pipeline.rules import normalize_label


def plain_lookup_label(label: str, ruleset) -> str | None:
    """lookup_label as round 23 wrote it: no gate, every pattern by keyword, the bracket tail by sub."""
    if len(label) > MAX_LABEL_CHARS:
        return None
    trim = ruleset.label_trim
    key = normalize_label(label)
    key = trim.heads.sub("", key)
    key = _LABEL_BRACKET_TAIL.sub("", key)
    candidates = [key]
    while (m := trim.tails.search(candidates[-1])) and m.start() > 0:
        candidates.append(candidates[-1][: m.start()])
    if (m := trim.verbs.match(key)) and m.end() < len(key):
        candidates.append(key[m.end():])
    for candidate in candidates:
        if candidate in ruleset.labels:
            return ruleset.labels[candidate]
        for word in trim.basis_suffixes:
            if candidate.endswith(word) and candidate[: -len(word)] in ruleset.labels:
                return ruleset.labels[candidate[: -len(word)]]
    return None
