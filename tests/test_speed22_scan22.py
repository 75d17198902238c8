"""Fast paths of the rule scan, round 22: what they pass over could hold no match, and the scan
finds what the plain scan finds (pipeline/extraction/needs.py, pipeline/extraction/scan.py)."""
from pathlib import Path

import regex
from real_db import suite_texts

from pipeline.extraction.needs import pattern_needs, window_test
from pipeline.extraction.scan import _all_anchors, _window_tests, anchor_windows, scan
from pipeline.rules import load_rules

ROOT = Path(__file__).resolve().parent
RULESET = load_rules()


TEXTS = suite_texts()


def _examples(rule) -> list[str]:
    return [dict(e)["text"] for e in rule.examples] + list(rule.counterexamples)


def _meets(text: str, needs) -> bool:
    """The plain reading of the needs: a character of each, each after the previous one's."""
    at = 0
    for need in needs:
        while at < len(text) and text[at] not in need:
            at += 1
        if at == len(text):
            return False
        at += 1
    return True


def test_every_match_of_every_rule_holds_a_character_of_each_need_in_order():
    checked = 0
    for rule in RULESET.rules:
        needs = pattern_needs(rule.pattern.pattern, rule.pattern.flags)
        for text in _examples(rule) + TEXTS[::7]:
            for m in rule.pattern.finditer(text, timeout=5):
                assert _meets(m.group(0), needs), (rule.id, m.group(0))
                checked += bool(needs)
    assert checked > 300


def test_the_window_test_answers_as_the_plain_reading_of_the_needs():
    tests = [(rule, test) for rule, test in zip(RULESET.rules, _window_tests(RULESET)) if test is not None]
    answers = set()
    for text in TEXTS[::9]:
        for rule, test in tests:
            needs = pattern_needs(rule.pattern.pattern, rule.pattern.flags)
            for lo in range(0, len(text), 97):
                hi = lo + 150
                answer = bool(test.match(text, lo, hi))
                assert answer == _meets(text[lo:hi], needs), rule.id
                answers.add(answer)
    assert answers == {True, False}


def test_most_rules_have_needs_beyond_their_anchors():
    tests = _window_tests(RULESET)
    assert len(tests) == len(RULESET.rules)
    assert sum(t is not None for t in tests) >= len(tests) // 2


def test_when_windows_are_tested_then_the_scan_finds_what_the_plain_scan_finds():
    anchors = _all_anchors(RULESET)
    found = passed = 0
    for text in TEXTS + [_examples(rule)[0] for rule in RULESET.rules if rule.examples]:
        windows = anchor_windows(text, anchors)
        for rule, test in zip(RULESET.rules, _window_tests(RULESET)):
            if not any(a in windows for a in rule.anchors):
                continue
            plain = [(m.span(), m.groupdict()) for m in scan(rule, text, windows)]
            fast = [(m.span(), m.groupdict()) for m in scan(rule, text, windows, test)]
            assert fast == plain, rule.id
            found += len(plain)
            passed += test is not None and bool(plain)
    assert found > 1000 and passed > 300


def test_a_window_lacking_a_needed_character_fails_the_test_and_one_holding_all_passes():
    test = window_test(r"(?P<label>安置)(?:户数)?[ ]*(?P<fig>[0-9]+)(?:户|家)", 0, ("安置",))
    text = "安置120户，安置群众若干家，其余"
    assert test.match(text, 0, 6)
    assert not test.match(text, 0, 5)  # 户 cut off
    assert not test.match(text, 6, len(text))  # no digit
    assert not test.match("120户，安置", 0, 9)  # the figure before the label: not in the order needed
    assert not test.match("", 0, 0)
    assert window_test(r"(?P<label>安置)(?P<fig>安置)", 0, ("安置",)) is None  # every need in the anchor


def test_a_pattern_read_otherwise_or_not_at_all_needs_nothing():
    assert pattern_needs(r"(?i)ab") == ()
    assert pattern_needs("ab", regex.IGNORECASE) == ()
    assert pattern_needs(r"(?:ab){e<=1}") == ()  # fuzzy matching: re would read the braces as text
    assert pattern_needs(r"[[:digit:]]x") == ()  # a POSIX class
    assert pattern_needs(r"(?|a|b)") == ()  # branch reset: re cannot read it
    assert pattern_needs(r"(?:(?i)a)b") == ()  # re refuses a flag not at the start
    assert pattern_needs("") == ()


def test_optional_zero_width_and_wide_parts_need_nothing_and_the_rest_is_read():
    assert pattern_needs(r"a?(?=b)(?<!c)\b.[^d]\d") == ()
    assert pattern_needs(r"[\u4e00-\u9fff]+") == ()  # too wide a range to test
    assert pattern_needs(r"\p{Han}+x") == (frozenset("x"),)
    # a name used by two groups (the regex package allows it)
    assert pattern_needs(r"(?P<fig>1)y|(?P<fig>2)z") == (frozenset("12"), frozenset("yz"))
    # branches aligned at their ends: (b or c), then d, then e
    assert pattern_needs(r"(?:ab|c)+?(?>d)e{2,}") == tuple(map(frozenset, ("bc", "d", "e")))
    assert pattern_needs(r"x(?:a1b|c2)y") == tuple(map(frozenset, ("x", "1c", "b2", "y")))


def test_every_rules_examples_are_found_with_the_test_as_without():
    found = 0
    for rule in RULESET.rules:
        test = window_test(rule.pattern.pattern, rule.pattern.flags, rule.anchors) if rule.anchors else None
        for text in _examples(rule):
            windows = anchor_windows(text, rule.anchors)
            spans = [m.span() for m in scan(rule, text, windows, test)]
            assert spans == [m.span() for m in scan(rule, text, windows)], rule.id
            found += len(spans)
    assert found >= sum(len(rule.examples) for rule in RULESET.rules)


def test_the_sieved_text_keeps_every_anchor_where_it_stands_and_nothing_else():
    from pipeline.extraction.scan import _sieved_automaton, anchor_positions

    anchors = _all_anchors(RULESET)
    automaton, sieve = _sieved_automaton(anchors)
    odd = ["", "x", anchors[0][0], anchors[0][::-1], "\0\x01" + anchors[0] + "\x01\0", "𠀀" + anchors[1] + "\ud800" + anchors[1] + "😀", "".join(anchors)]
    for text in TEXTS[::5] + odd:
        sieved = sieve(text)
        assert len(sieved) == len(text)
        alphabet = set("".join(anchors))
        assert all(a == b or b not in alphabet for a, b in zip(text, sieved))  # kept, or a filler
        found = anchor_positions(text, anchors)
        windows = anchor_windows(text, anchors)
        assert set(windows) == {a for a, at in found.items() if at}
        positions = {}
        for end, (size, anchor) in automaton.iter(sieved):
            assert anchor is not None  # the dummy word never occurs
            positions.setdefault(anchor, []).append(end - size + 1)
        assert positions == {a: at for a, at in found.items() if at}


def test_anchors_of_many_characters_and_one_character_anchors_are_found_all_the_same():
    from pipeline.extraction.scan import _occurrences, _sieved_automaton

    many = tuple(chr(0x4e00 + i) + chr(0x4e01 + i) for i in range(0, 600, 2)) + ("征", "收益")  # over 255 characters
    few = ("征", "收益", "征收", "益征", "")  # an empty anchor never occurs
    text = "".join(many) + "征收益征收" + TEXTS[0][:2000]
    for anchors in (many, few):
        automaton, sieve = _sieved_automaton(anchors)
        found = {}
        for end, (size, anchor) in automaton.iter(sieve(text)):
            found.setdefault(anchor, []).append(end - size + 1)
        assert found == {a: _occurrences(text, a) for a in anchors if a and _occurrences(text, a)}


def test_a_group_read_by_its_number_is_the_group_read_by_its_name():
    from pipeline.extraction.scan import _plans

    spans = 0
    for rule, _test, fig, label, _names in _plans(RULESET):
        for text in _examples(rule) + TEXTS[:40:4]:
            for m in rule.pattern.finditer(text, timeout=5):
                assert m.span(fig) == m.span("fig") and m.span(label) == m.span("label"), rule.id
                spans += 1
    assert spans > 300
    shared = regex.compile(r"(?P<fig>a)(?P<label>x)|(?P<label>y)(?P<fig>b)")  # two groups of each name
    m = shared.search("zyb")
    assert m.span(shared.groupindex["fig"]) == m.span("fig") == (2, 3)
    assert m.span(shared.groupindex["label"]) == m.span("label") == (1, 2)


def test_the_named_groups_read_by_number_are_groupdict_in_its_order():
    from pipeline.extraction.scan import _plans

    read = 0
    for rule, _test, _fig, _label, names in _plans(RULESET):
        for text in _examples(rule) + TEXTS[:40:4]:
            for m in rule.pattern.finditer(text, timeout=5):
                found = m.groups()
                fast = {k: found[i] for k, i in names if found[i] is not None}
                assert list(fast.items()) == [(k, v) for k, v in m.groupdict().items() if v is not None], rule.id
                read += 1
    assert read > 300


def test_a_clause_start_or_end_alone_is_that_of_the_clause_span():
    from pipeline.extraction.context import clause_end_at, clause_start_at
    from pipeline.segment import clause_span

    checked = 0
    for text in TEXTS[::11] + ["", "，", "甲1，乙2；丙3\n丁"]:
        for sentence in [text[i:i + 300] for i in range(0, min(len(text), 3000), 300)] or [text]:
            for pos in range(0, len(sentence) + 1, 7):
                for layout in (RULESET.layout, None):
                    span = clause_span(sentence, pos, layout)
                    assert (clause_start_at(sentence, pos, layout), clause_end_at(sentence, pos, layout)) == span
                    checked += 1
    assert checked > 1000
