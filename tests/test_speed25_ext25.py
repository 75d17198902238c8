"""Fast paths of extract, round 25: the loose twin that passes over windows holding no match
(pipeline/extraction/loose.py), the label lookup's early answer (pipeline/extraction/labels.py) and
the hits built by their slots (pipeline/extraction/scan.py) — each held to the plain path on every
real page and on constructed edge cases."""
from __future__ import annotations

import regex
from oracles import plain_lookup_label

from pipeline.extraction.labels import (
    cuts_a_prefix,
    lookup_label,
)
from pipeline.extraction.loose import (
    _COMPILER,
    _PARSER,
    _REWRITE,
    _loose,
    _ungrouped,
    loose_twin,
)
from pipeline.extraction.scan import (
    _loose_twins,
    _new_match,
    _plans,
    find_hits,
    rule_windows,
)
from pipeline.figscan import opening_set
from pipeline.model import Match
from pipeline.proptwin import spelled
from pipeline.segment import read_meta, segment


def _windows(document, ruleset):
    """(rule, its loose twin, the windows find_hits scans it in after the needs test) of a document."""
    text = document.text
    windows = rule_windows(text, ruleset)
    for number, (rule, test, _fig, _label, _names) in enumerate(_plans(ruleset)):
        merged = windows.get(number)
        if not rule.anchors or merged is None:
            continue
        if test is not None:
            merged = [(a, b) for a, b in merged if test.match(text, a, b)]
        yield rule, _loose_twins(ruleset)[number], merged


def test_no_window_the_loose_twin_passes_over_holds_a_match(documents, ruleset):
    passed = kept = matched = 0
    for document in documents:
        for rule, twin, merged in _windows(document, ruleset):
            for a, b in merged:
                found = list(rule.pattern.finditer(document.text, a, b, timeout=5))
                if twin is None or twin.search(document.text, a, b) is not None:
                    kept += 1
                    matched += bool(found)
                else:
                    assert not found, (rule.id, document.text[a:b])
                    passed += 1
    assert passed > 1000 and matched > 500 and kept > matched  # it passes over many, keeps some without a match


def test_the_scan_from_the_twins_first_match_finds_what_the_scan_from_the_window_finds(documents, ruleset):
    moved = 0
    for document in documents[::2]:
        text = document.text
        for rule, twin, merged in _windows(document, ruleset):
            for a, b in merged:
                t = twin.search(text, a, b) if twin is not None else None
                if t is None:
                    continue
                whole = [m.span() + m.groups() for m in rule.pattern.finditer(text, a, b, timeout=5)]
                later = [m.span() + m.groups() for m in rule.pattern.finditer(text, t.start(), b, timeout=5)]
                assert whole == later, (rule.id, text[a:b])
                moved += t.start() > a
    assert moved > 300


def test_every_match_of_every_rule_is_a_match_of_its_loose_twin(documents, ruleset):
    checked = 0
    for document in documents[::3]:
        text = document.text
        for rule in ruleset.rules:
            twin = loose_twin(rule.pattern)
            if twin is None or not rule.anchors:
                continue
            for m in rule.pattern.finditer(text, timeout=5):
                assert twin.search(text, m.start(), m.end()) is not None, (rule.id, m.group(0))
                checked += 1
    assert checked > 300


def test_most_rules_have_a_loose_twin(ruleset):
    assert sum(loose_twin(rule.pattern) is not None for rule in ruleset.rules) >= len(ruleset.rules) - 5


def _plain_twin(pattern):
    """The loose twin compiled without the first-character hint."""
    tree = _PARSER.parse(_REWRITE.sub(_ungrouped, spelled(pattern.pattern)))
    tree.data[:] = _loose(tree.data)
    tree.width = None
    return _COMPILER.compile(tree, tree.state.flags)


def test_the_first_character_hint_changes_no_answer(documents, ruleset):
    twins = [(loose_twin(r.pattern), _plain_twin(r.pattern)) for r in ruleset.rules if loose_twin(r.pattern) is not None]
    answers = set()
    for document in documents[::5]:
        text = document.text
        for lo in range(0, len(text), 61):
            for hinted, plain in twins:
                answer = hinted.search(text, lo, lo + 160)
                other = plain.search(text, lo, lo + 160)
                assert (answer is None) == (other is None)
                if answer is not None:
                    assert answer.span() == other.span()
                answers.add(answer is None)
    assert answers == {True, False}


def test_the_hint_holds_every_character_a_match_opens_with():
    def members(pattern: str):
        return opening_set(_loose(_PARSER.parse(pattern).data))

    assert sorted(chr(v) for _op, v in members("(?:年|调)?预算")) == sorted("年调预")
    assert sorted(chr(v) for _op, v in members("(?<!大于)(?:a+|b*c)d")) == ["a", "b", "c"]
    assert members("x?") is None  # may match empty: no hint
    assert members("[^x]y") is None  # a negated set: no hint
    assert sorted(chr(v) for _op, v in members("(?:a?)+b")) == ["a", "b"]  # a body that may be empty: and what follows


def test_loose_twins_of_constructed_patterns():
    cases = [  # (pattern, text) with a match of the pattern
        (r"(?<!大于)预算(?P<fig>[0-9]+)万元(?![/每])", "预算12万元"),
        (r"(?<=[，,])(?P<label>)(?P<dir>增加|减少)[ ]*+(?P<fig>[0-9]+)(?=[ ]*(?:[。，]|$))", "，增加 5"),
        (r"(?P<fig>[0-9]+)(?:人|名)|(?P<fig>[0-9]+)%", "12%"),  # a name shared by two groups
        (r"(?<!\p{Han})总分(?P<fig>[0-9]+)", "总分98"),
        (r"(?>ab|a)c", "abc"),
    ]
    for source, text in cases:
        pattern = regex.compile(source)
        twin = loose_twin(pattern)
        assert pattern.search(text) and twin is not None and twin.search(text), source
    # a condition dropped lets more through: the twin finds what the pattern refuses
    assert loose_twin(regex.compile(r"(?<!大于)预算")).search("大于预算")
    # syntax the engines may read otherwise, or a commitment around a dropped condition: no twin
    for source in (r"(a)\1", r"\d+元", r"(?i)ab", r"(?:a(?=b))++", r"a{e<=1}", r"[[:alpha:]]"):
        assert loose_twin(regex.compile(source)) is None, source


def test_find_hits_is_the_plain_scan_on_every_real_page(documents, ruleset):
    """The hits equal those of the scan without the twin (every window the needs test keeps)."""
    from pipeline.extraction import scan

    total = 0
    for document in documents[::4]:
        sentences = segment(document, ruleset.layout)
        meta = read_meta(document, ruleset.layout)
        fast = find_hits(document.text, sentences, ruleset, meta)
        saved = scan._loose_twins
        scan._loose_twins = lambda rs: (None,) * len(rs.rules)
        try:
            plain = find_hits(document.text, sentences, ruleset, meta)
        finally:
            scan._loose_twins = saved
        assert fast == plain
        total += len(fast)
    assert total > 200


def test_lookup_label_answers_as_before_on_every_real_cell_and_clause(documents, ruleset):
    split = regex.compile(r"[\n\t，。；;,]+")
    asked = {piece for document in documents for piece in split.split(document.text) if 0 < len(piece) <= 40}
    asked |= {head + label + tail for label in list(ruleset.labels)[:200]
              for head in ("", "1、", "（二）其中", "其中") for tail in ("", "（万元）", "的", "合计", "预算数")}
    found = 0
    for label in asked:
        answer = lookup_label.__wrapped__(label, ruleset)
        assert answer == plain_lookup_label(label, ruleset), label
        found += answer is not None
    assert len(asked) > 10_000 and found > 500


def test_heads_cut_a_prefix_only_when_every_match_starts_the_text(ruleset):
    assert cuts_a_prefix(ruleset.label_trim.heads)
    assert cuts_a_prefix(regex.compile("^(?:其中|含)?"))
    for source in ("^a|b", "(?:其中)?", "(?m)^a", r"\d"):
        assert not cuts_a_prefix(regex.compile(source)), source


def test_a_hit_built_by_its_slots_is_the_dataclass(ruleset):
    rule = ruleset.rules[0]
    values = (rule, None, 3, 9, 0, 2, {"fig": "12"}, None)
    built, plain = _new_match(*values), Match(*values)
    assert built == plain and repr(built) == repr(plain) and type(built) is Match
    assert hash((built.start, built.end)) == hash((plain.start, plain.end))
    # the fields left out take their defaults, a default factory called for each hit (no shared dict)
    first, second = _new_match(*values[:6]), _new_match(*values[:6])
    assert first == Match(*values[:6]) and first.groups == {} and first.groups is not second.groups
