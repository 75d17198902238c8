"""Fast paths of extraction, round 24, each against the plain code it replaces, on the suite's
real pages and reports."""
import regex

from oracles import plain_lookup_label
from real_db import suite_texts

from pipeline.extraction.labels import _LABEL_BRACKET_TAIL, lookup_label
from pipeline.extraction.needs import text_test
from pipeline.extraction.scan import _may_search, sentence_allows
from pipeline.rules import load_rules, normalize_label
from pipeline.segment import segment
from pipeline.model import Document

RULESET = load_rules()
TEXTS = suite_texts()
LINES = [line for text in TEXTS for line in text.splitlines() if line.strip()]


def _sentences(text: str):
    return segment(Document("t", "t", "txt", text, ""), RULESET.layout)


def test_a_label_names_the_metric_it_named_when_every_pattern_was_asked_by_keyword():
    labels = {line.strip()[:k] for line in LINES for k in (4, 6, 8, 12, 20) if len(line.strip()) >= k}
    labels |= {"（一）基本支出（万元）", "1、项目支出(含结转)", "其中：人员经费（元）", "“三公”经费(合计)（万元）（x）"}
    named = 0
    for label in sorted(labels):
        assert lookup_label.__wrapped__(label, RULESET) == plain_lookup_label(label, RULESET), label
        named += lookup_label(label, RULESET) is not None
    assert named > 100


def test_the_bracket_tail_cut_out_by_its_one_match_is_the_sub_of_it():
    keys = [normalize_label(line.strip()[:30]) for line in LINES]
    keys += ["(a)(b)", "基本支出（万元）", "（x", "x)", "（a）b（c）", "（a\n）", "（a）\n", ""]
    cut = 0
    for key in keys:
        m = _LABEL_BRACKET_TAIL.search(key, None, None, False)
        fast = key[:m.start()] + key[m.end():] if m is not None else key
        assert fast == _LABEL_BRACKET_TAIL.sub("", key)
        cut += m is not None
    assert cut > 20


def test_regex_calls_by_position_are_the_calls_by_keyword():
    """match / search / fullmatch (string, pos, endpos, concurrent) and sub (repl, string, count,
    pos, endpos, concurrent): the order the fast paths pass them in."""
    trim = RULESET.label_trim
    piece = regex.compile(r"[0-9]+(?:\.[0-9]+)?%?")
    for line in LINES[::7]:
        for lo, hi in ((None, None), (1, None), (0, len(line) // 2)):
            for p in (trim.tails, trim.verbs, piece, RULESET.layout.clause_right):
                for name in ("match", "search", "fullmatch"):
                    by_keyword = getattr(p, name)(line, lo, hi, concurrent=False)
                    by_position = getattr(p, name)(line, lo, hi, False)
                    assert (by_keyword and by_keyword.span()) == (by_position and by_position.span())
            assert trim.heads.sub("", line, 0, lo, hi, False) == trim.heads.sub("", line, pos=lo, endpos=hi)
            assert piece.sub("", line, 1, lo, hi, False) == piece.sub("", line, count=1, pos=lo, endpos=hi)


def test_the_forbidden_sentence_pattern_is_searched_only_where_its_characters_stand():
    patterns = {rule.forbid_pattern for rule in RULESET.rules if rule.forbid_pattern is not None}
    assert patterns and all(text_test(p.pattern, p.flags) is not None for p in patterns)
    sentences = [s.text for text in TEXTS for s in _sentences(text)]
    passed = found = 0
    for pattern in patterns:
        for stext in sentences:
            plain = pattern.search(stext) is not None
            may = _may_search(pattern, stext)
            assert may or not plain, stext
            passed += may
            found += plain
    assert found > 0 and passed < len(sentences) * len(patterns) / 10
    for rule in RULESET.rules[::5]:
        for stext in sentences[::3]:
            assert sentence_allows(rule, stext) == _plain_sentence_allows(rule, stext)


def _plain_sentence_allows(rule, stext: str) -> bool:
    if any(w in stext for w in rule.forbid_sentence):
        return False
    if rule.forbid_pattern is not None and rule.forbid_pattern.search(stext):
        return False
    if rule.require_sentence and not any(w in stext for w in rule.require_sentence):
        return False
    return True


def test_a_text_test_passes_every_text_a_pattern_finds_something_in():
    pattern = regex.compile(r"^其中[，,：:]?[^，,。；]*?项目[^，,。；]{0,12}?(?:征地|征收)")
    test = text_test(pattern.pattern, pattern.flags)
    for text in ("其中项目征地", "其中：10个项目已征收", "项目其中征地", "其中，项目", "", "其中项目征"):
        assert (test.match(text) is not None) >= (pattern.search(text) is not None)
    assert test.match("项目其中征地") is None and test.match("其中项目征地") is not None
    assert text_test(r"(?i)abc", 0) is None and text_test(r"x?", 0) is None


def test_the_windows_built_row_by_row_are_those_the_array_operations_build():
    from pipeline.extraction.scan import (
        FEW_OCCURRENCES, _few_rule_windows, _many_rule_windows, _sieved_automaton, _window_plan,
        _window_rows, rule_windows)

    anchors, before, count, first, numbers = _window_plan(RULESET)
    automaton, sieve = _sieved_automaton(anchors, numbered=True)
    odd = ["", "x", anchors[0] * 3, " " * 40 + anchors[0] + " " * 100 + anchors[0], "".join(anchors),
           " ".join(anchors) + "".join(reversed(anchors)), "𠀀" + anchors[1] + "\ud800" + anchors[2] + "😀"]
    rows = many = 0
    for text in TEXTS + odd + ["\n".join(TEXTS[:40])]:
        found = list(automaton.iter(sieve(text)))
        if not found:
            assert rule_windows(text, RULESET) == {}
            continue
        fast = _few_rule_windows(found, _window_rows(RULESET))
        assert fast == _many_rule_windows(found, len(text), before, count, first, numbers)
        assert rule_windows(text, RULESET) == fast
        rows += len(found)
        many += len(found) > FEW_OCCURRENCES
    assert rows > 10_000 and many >= 1




def test_the_figure_twin_parts_read_finds_what_the_figure_pattern_finds_within_any_bounds():
    from pipeline.extraction.parts import _figure
    from pipeline.groups import numbers

    figure, fig = _figure(RULESET)
    assert fig == numbers(RULESET.figure)["fig"]
    found = 0
    for text in TEXTS[::3]:
        for s in _sentences(text)[::2]:
            st, n = s.text, len(s.text)
            for lo, hi in ((0, n), (n // 4, n), (0, n // 2), (n // 3, 2 * n // 3)):
                plain = [(m.span(), m.groups()) for m in RULESET.figure.finditer(st, lo, hi)]
                assert [(m.span(), m.groups()) for m in figure.finditer(st, lo, hi)] == plain
                found += len(plain)
    assert found > 1_000


def test_a_line_holding_a_character_no_bare_figure_holds_is_no_figure_as_the_pattern_says():
    from pipeline.extraction.tables import _BARE_FIGURE, is_figure

    cells = [c for line in LINES for c in [line, *line.split(), *line.split("|")]]
    cells += ["≥ 95", "约12.5万元", "1,200", "不少于3000亩", "3余万元", "2019年100元", "100万 元", "12\xa0元", "５０％"]
    figures = 0
    for cell in cells:
        plain = bool(cell.strip()) and _BARE_FIGURE.fullmatch(cell.strip()) is not None
        assert is_figure(cell) == plain, cell
        figures += plain
    assert figures > 1_000
