"""Fast paths of the rule scan, round 23, each against the plain code it replaces
(pipeline/extraction/scan.py)."""
from pathlib import Path

from real_db import suite_texts

from pipeline.extraction.scan import _all_anchors, _merged, anchor_windows, rule_windows
from pipeline.rules import load_rules

ROOT = Path(__file__).resolve().parent
RULESET = load_rules()


TEXTS = suite_texts()


def _plain_rule_windows(text: str, ruleset) -> dict[int, list[tuple[int, int]]]:
    """Each rule's windows as scan() builds them from anchor_windows."""
    windows = anchor_windows(text, _all_anchors(ruleset))
    out = {}
    for number, rule in enumerate(ruleset.rules):
        present = [w for a in rule.anchors if (w := windows.get(a))]
        if present:
            out[number] = present[0] if len(present) == 1 else _merged(sorted(w for ws in present for w in ws))
    return out


def test_the_windows_of_every_rule_at_once_are_those_scan_builds_rule_by_rule():
    anchors = _all_anchors(RULESET)
    odd = ["", "x", anchors[0], anchors[0] * 3, " " * 40 + anchors[0] + " " * 100 + anchors[0],
           "".join(anchors), " ".join(anchors) + "".join(reversed(anchors)), "𠀀" + anchors[1] + "\ud800" + anchors[2] + "😀"]
    windows = 0
    for text in TEXTS + odd:
        fast = rule_windows(text, RULESET)
        assert fast == _plain_rule_windows(text, RULESET)
        windows += sum(map(len, fast.values()))
    assert windows > 5_000


def test_overlapping_and_nested_anchors_of_several_rules_merge_as_they_do_rule_by_rule():
    from dataclasses import replace

    base = RULESET.rules[0]
    rules = tuple(replace(base, id=f"r{i}", anchors=a) for i, a in enumerate(
        [("aa", "a", "aaa"), ("a",), ("aa", "aaa"), ("b", "ab", "a"), ("ba",), ("a", "a")]))
    ruleset = replace(RULESET, rules=rules)
    for text in ["a", "aaaa", "ab" * 50, "a" + " " * 96 + "a", "a" + " " * 97 + "ba", "b" * 200 + "a", "xaax" * 30]:
        assert rule_windows(text, ruleset) == _plain_rule_windows(text, ruleset), text


def _plain_tokenizer():
    import jieba

    plain = jieba.Tokenizer()
    for line in RULESET.jieba_words:
        parts = line.split()
        if parts and not line.startswith("#"):
            plain.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)
    return plain


def _windows_of_text() -> list[str]:
    """Windows as the word-boundary check reads them: around every label a whole-word rule finds,
    and slices of every kind of text (spaces, \\r\\n, letters, digits, astral characters)."""
    from pipeline.extraction.scan import WORD_WINDOW

    out = ["", " ", "\r\n", "a b\r\nc", "ＡＢ１２ 征收 土地\t\t5000亩。。", "𠀀征收😀土地", "征收土地5000亩，签约"]
    for rule in RULESET.rules:
        if not rule.whole_word:
            continue
        for text in TEXTS[::2]:
            for m in rule.pattern.finditer(text, timeout=5):
                lo, hi = m.span("label")
                out.append(text[max(0, lo - WORD_WINDOW):hi + WORD_WINDOW])
    for text in TEXTS[1::15]:
        out += [text[i:i + 24] for i in range(0, min(len(text), 6000), 41)]
    return out


def test_word_bounds_are_where_jiebas_own_tokenize_starts_and_ends_words():
    from pipeline.extraction.wordcut import word_bounds

    plain = _plain_tokenizer()
    windows = _windows_of_text()
    assert len(windows) > 500
    for text in windows + windows[:200]:  # the second time from the remembered blocks
        bounds = {0, len(text)} | {at for _w, start, end in plain.tokenize(text) for at in (start, end)}
        assert word_bounds(text, RULESET.jieba_words) == bounds, text


def test_the_plain_loops_find_jiebas_own_routes_and_word_ends():
    import jieba

    from pipeline.extraction.wordcut import tokenizer

    fast, plain = tokenizer(RULESET.jieba_words), _plain_tokenizer()
    assert type(fast).calc is not jieba.Tokenizer.calc
    checked = 0
    for text in _windows_of_text()[::3] + [TEXTS[0][:3000]]:
        for block in jieba.re_han_default.split(text):
            if block and jieba.re_han_default.match(block):
                dag = plain.get_DAG(block)
                assert fast.get_DAG(block) == dag
                route, plain_route = {}, {}
                fast.calc(block, dag, route)
                plain.calc(block, dag, plain_route)
                assert route == plain_route  # the same floats, not close ones
                checked += 1
    assert checked > 300


def _plain_figure_context(sentence, start, end, label_start, label_end, layout):
    """figure_context as round 22 wrote it: each clause bound by the layout's clause patterns."""
    from pipeline.extraction.context import clause_end_at, clause_start_at
    from pipeline.model import FigureContext

    text = sentence.text
    lead = min(label_start, start) - sentence.start
    last = max(label_end, end) - sentence.start
    clause_start = clause_start_at(text, lead, layout) if lead < len(text) else lead
    clause_end = clause_end_at(text, max(last - 1, 0), layout)
    fig = start - sentence.start
    fig_clause_start = clause_start if fig == lead else clause_start_at(text, fig, layout)
    return FigureContext(text, fig, lead, clause_start, clause_end, fig_clause_start)


def test_a_figures_clauses_read_from_where_the_clause_ends_stand_are_those_the_clause_patterns_find():
    from pipeline.extraction.context import figure_context
    from pipeline.model import Document
    from pipeline.segment import segment

    layout = RULESET.layout
    checked = 0
    for text in TEXTS[::4] + ["", "\n", "甲1，乙2；丙3", "，，。\n，"]:
        document = Document(doc="t", path="", kind="txt", text=text, sha256="")
        for sentence in segment(document, layout)[:80]:
            n = len(sentence.text)
            base = sentence.start
            spots = sorted({0, 1, n // 3, n // 2, n - 2, n - 1, n, n + 1} - {-1, -2})
            for fig in spots:
                for label in spots[::2]:
                    for width in (1, 4):
                        args = (sentence, base + fig, base + fig + width, base + label, base + label + 2, layout)
                        assert figure_context(*args) == _plain_figure_context(*args), (sentence.text, fig, label)
                        checked += 1
    assert checked > 10_000


def test_finditer_read_by_position_is_finditer_read_by_keyword_with_its_timeout():
    import regex

    from pipeline.extraction.scan import FINDITER_ARGS, REGEX_TIMEOUT_S

    assert FINDITER_ARGS[-1] == REGEX_TIMEOUT_S
    found = 0
    for rule in RULESET.rules:
        for text in TEXTS[::20]:
            for lo, hi in ((None, None), (0, len(text) // 2), (len(text) // 3, len(text))):
                by_keyword = [m.span() for m in rule.pattern.finditer(text, lo, hi, timeout=REGEX_TIMEOUT_S)]
                assert [m.span() for m in rule.pattern.finditer(text, lo, hi, *FINDITER_ARGS)] == by_keyword
                found += len(by_keyword)
    assert found > 100
    # the last one is the timeout (no other of finditer's parameters takes a float): a pattern
    # that backtracks for seconds stops at a short one, by position as by keyword
    slow = regex.compile(r"(a|aa)+$")
    for args in ((False, False, False, 0.01), ()):
        kwargs = {} if args else {"timeout": 0.01}
        try:
            list(slow.finditer("a" * 40 + "!", None, None, *args, **kwargs))
        except TimeoutError:
            continue
        raise AssertionError("no timeout")


def _plain_is_target(sentence_text, fig_pos, ruleset) -> bool:
    """is_target as round 22 wrote it: each target word asked in turn."""
    before = sentence_text[:fig_pos]
    if any(w in before for w in ruleset.targets.get("sentence", ())):
        return True
    phrase = before[max(before.rfind(c) for c in "，,；;") + 1:]
    return any(w in phrase for w in ruleset.targets.get("clause", ()))


def test_the_target_words_found_by_one_search_are_those_found_word_by_word():
    from dataclasses import replace

    from pipeline.extraction.context import is_target
    from pipeline.model import Document
    from pipeline.segment import segment

    odd = [replace(RULESET, targets={}), replace(RULESET, targets={"sentence": ("",), "clause": ()}),
           replace(RULESET, targets={"sentence": ("a.b", "(", "计划"), "clause": ("[x]", "任务|")})]
    answers = set()
    for text in TEXTS[::6] + ["计划征地100亩，a.b任务|5户；[x]6户"]:
        for sentence in segment(Document(doc="t", path="", kind="txt", text=text, sha256=""), RULESET.layout)[:60]:
            n = len(sentence.text)
            for pos in {0, 1, n // 4, n // 2, n - 1, n, n + 3}:
                for ruleset in [RULESET] + odd:
                    answer = is_target(sentence.text, pos, ruleset)
                    assert answer == _plain_is_target(sentence.text, pos, ruleset), (sentence.text, pos)
                    answers.add(answer)
    assert answers == {True, False}


def test_a_place_is_a_word_bound_when_it_stands_among_the_bounds_of_the_whole_window():
    from pipeline.extraction.wordcut import is_word_bound, word_bounds

    windows = _windows_of_text() + ["\r\n", "a\r\nb", "\r\r\n", "征收\r\n土地", "甲 \r\n\t乙"]
    answers = set()
    for text in windows:
        bounds = word_bounds(text, RULESET.jieba_words)
        for at in range(-2, len(text) + 3):
            answer = is_word_bound(text, at, RULESET.jieba_words)
            assert answer == (at in bounds), (text, at)
            answers.add(answer)
    assert answers == {True, False}


def _plain_clause_allows(hit, context, ruleset) -> bool:
    """clause_allows as round 22 wrote it: each word asked in turn."""
    from pipeline.extraction.scan import WORD_WINDOW, _forbidden_outside_figure
    from pipeline.extraction.wordcut import word_bounds

    rule, sentence = hit.rule, hit.sentence
    stext = context.text
    clause = stext[context.clause_start:context.clause_end]
    if any(w in clause for w in rule.forbid) and _forbidden_outside_figure(clause, context, hit, rule.forbid):
        return False
    if rule.require and not any(w in clause for w in rule.require):
        return False
    before = stext[: context.lead]
    if rule.forbid_before and any(w in before for w in rule.forbid_before):
        return False
    if rule.require_before and not any(w in before for w in rule.require_before):
        return False
    if rule.whole_word and hit.label_end > hit.label_start:
        lo = max(0, hit.label_start - sentence.start - WORD_WINDOW)
        hi = min(len(stext), hit.label_end - sentence.start + WORD_WINDOW)
        bounds = word_bounds(stext[lo:hi], ruleset.jieba_words)
        if hit.label_start - sentence.start - lo not in bounds or hit.label_end - sentence.start - lo not in bounds:
            return False
    return True


def test_the_clause_words_found_by_one_search_allow_what_the_words_asked_in_turn_allow():
    from dataclasses import replace

    from pipeline.extraction.context import figure_context
    from pipeline.extraction.scan import clause_allows
    from pipeline.model import Document, Match
    from pipeline.segment import segment

    odd = {"forbid": ("", "亩"), "require": ("(",), "forbid_before": ("年",), "require_before": ("计划", "a.b")}
    rules = list(RULESET.rules) + [replace(RULESET.rules[i], **{k: v}) for i, (k, v) in enumerate(odd.items())] \
        + [replace(RULESET.rules[5], forbid=())]
    answers, checked = set(), 0
    for text in TEXTS[::5]:
        sentences = segment(Document(doc="t", path="", kind="txt", text=text, sha256=""), RULESET.layout)
        for sentence in sentences[:120]:
            for rule in rules:
                for m in rule.pattern.finditer(sentence.text, timeout=5):
                    (start, end), (ls, le) = m.span("fig"), m.span("label")
                    s0 = sentence.start
                    context = figure_context(sentence, s0 + start, s0 + end, s0 + ls, s0 + le, RULESET.layout)
                    hit = Match(rule, sentence, s0 + start, s0 + end, s0 + ls, s0 + le, {}, context)
                    answer = clause_allows(hit, context, RULESET)
                    assert answer == _plain_clause_allows(hit, context, RULESET), (rule.id, sentence.text)
                    answers.add(answer)
                    checked += 1
    assert answers == {True, False} and checked > 300
