"""The fast paths of attribute and scope (speed21) give what the walks they replaced gave, on the
real reports of tests/cases/real: every figure's clause start, after-window, claim, before-cue,
enumerated item, sentence start and clause-chain subject."""
from __future__ import annotations

from bisect import bisect_left
from decimal import Decimal
from pathlib import Path

import pytest
from real_db import figure_lines

from pipeline import attribute as A
from pipeline import scope as S
from pipeline.ingest import read_document
from pipeline.model import Fact, Kind

REAL = Path(__file__).resolve().parent / "cases" / "real"


def _texts() -> list[str]:
    paths = sorted(REAL.glob("*/docs/*.txt"))
    assert len(paths) > 50
    return [read_document(p).text for p in paths]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _texts()


@pytest.fixture(scope="module")
def lines_with_figures(texts, ruleset):
    """(line, its figures) of every line of the real reports that holds a figure."""
    out = figure_lines(texts, ruleset)
    assert len(out) > 500
    return out


def _clause_start_walk(stext: str, s: int) -> int:
    """The walk _clause_start replaced, one character at a time."""
    lo, depth = s, 0
    while lo > 0 and s - lo < 40:
        ch = stext[lo - 1]
        if ch in A.CLOSE:
            depth += 1
        elif ch in A.OPEN and depth:
            depth -= 1
        elif A.BEFORE_STOP.match(ch):
            break
        lo -= 1
    return lo


def test_clause_start_equals_the_walk(lines_with_figures):
    brackets_seen = 0
    for line, figs in lines_with_figures:
        for s, _e, _u in figs:
            assert A._clause_start(line, s) == _clause_start_walk(line, s), (line, s)
            brackets_seen += any(c in A.CLOSE for c in line[max(0, s - 40):s])
    for line in ("因公出国(境)费支出决算为0万元", "（其中公务接待费1.95万元）", "a）b（c）d12", "x" * 60 + "12"):
        for s in range(len(line) + 1):
            assert A._clause_start(line, s) == _clause_start_walk(line, s), (line, s)
    assert brackets_seen > 0  # the slow branch (a closing bracket last) was exercised on real text


def test_after_window_equals_the_walk(lines_with_figures, ruleset):
    reach = ruleset.cues.reach_after
    for line, figs in lines_with_figures:
        for i, (_s, e, _u) in enumerate(figs):
            limit_fig = figs[i + 1][0] if i + 1 < len(figs) else len(line)
            hi = e
            while hi < min(len(line), limit_fig) and hi - e < reach + 8 and not A.AFTER_STOP.match(line, hi):
                hi += 1
            limit = min(limit_fig, len(line), e + reach + 8)
            fast = stop.start() if e < limit and (stop := A.AFTER_STOP.search(line, e, limit)) else max(e, limit)
            assert fast == hi, (line, e)


def test_before_cues_from_the_first_reachable_start(lines_with_figures, ruleset):
    """Overlapped before-cue matches that can end within reach are the same from ``first`` as from 0."""
    cues = ruleset.cues
    assert cues.before_longest == max(len(w) for w in cues.before_metric)
    tried = 0
    for line, figs in lines_with_figures:
        for i, (s, _e, _u) in enumerate(figs):
            lo = max(A._clause_start(line, s), figs[i - 1][1] if i else 0)
            window = line[lo:s]
            every = [m.span() for m in cues.before.finditer(window, overlapped=True)
                     if len(window) - m.end() <= cues.reach_before]
            first = max(0, len(window) - cues.reach_before - cues.before_longest)
            assert [m.span() for m in cues.before.finditer(window, first, overlapped=True)
                    if len(window) - m.end() <= cues.reach_before] == every, (line, s)
            tried += bool(every)
    assert tried > 100


def test_claims_equal_the_keyed_bisect(lines_with_figures):
    facts, at = [], 0
    for line, figs in lines_with_figures[:400]:
        for s, e, u in figs[::2]:
            facts.append(Fact(doc="d", metric="m", value=Decimal(1), unit=u, kind=Kind.LEVEL, approx=False, basis=None,
                              quote=line, start=at + s, end=at + e, rule_id="r"))
        at += len(line) + 1
    claimed = [(f.start, f.end, f) for f in sorted(facts, key=lambda f: f.start)]

    def claimed_by(start, end):
        i = bisect_left(claimed, start - 64, key=lambda c: c[0])
        while i < len(claimed):
            s, e, fact = claimed[i]
            if s >= end:
                break
            if e > start:
                return fact
            i += 1
        return None

    fast = A._Claims(facts)
    at = 0
    for line, figs in lines_with_figures[:400]:
        for s, e, _u in figs:
            for a, b in ((s, e), (s + 1, e), (s - 1, s), (e, e + 2)):
                assert fast.at(at + a, at + b) is claimed_by(at + a, at + b)
        at += len(line) + 1


def _enumerated_by_line(text: str, pos: int, rules) -> bool:
    """The per-line search _in_enumerated_body replaced."""
    line = S._since(text, pos, None)
    last = None
    for last in rules.item_marker.finditer(line):
        pass
    return last is not None and rules.sub_unit_enumerated.match(line, last.start()) is not None


def test_enumerated_body_equals_the_line_search(texts, ruleset):
    rules = ruleset.scope
    text = "\n".join(texts) + "\n…：(1)省妇联保育院:编制41名，实有30人；(2)本院编制3名（12）①②市林场：编制5名(1"
    before = S._Before(text)
    hits = 0
    for pos in range(0, len(text), 3):
        got = S._in_enumerated_body(before, pos, rules)
        assert got == _enumerated_by_line(text, pos, rules), pos
        hits += got
    assert hits > 10


def test_sentence_start_equals_the_rfinds(texts):
    def by_rfind(text, pos):
        line = text.rfind("\n", 0, pos) + 1
        start = max(line, max(text.rfind(c, line, pos) for c in "。！？!?") + 1)
        while start < pos and text[start] in " \t\u3000":
            start += 1
        return start

    for text in texts[:60]:
        for pos in range(0, len(text), 5):
            assert S._sentence_start(text, pos) == by_rfind(text, pos)


def test_subject_memo_equals_fresh_reading(texts, ruleset):
    """A clause's subject read once a document (shared memo) equals reading it for every chain."""
    rules = ruleset.scope
    others = 0
    for text in texts:
        title = S._title(text)
        said: dict = {}
        for pos in range(0, len(text), 4):
            chain = S._since(text, pos, S._CHAIN_BACK)
            fresh = S._subject_is_other(chain, rules, title)
            assert S._subject_is_other(chain, rules, title, said) == fresh, (pos, chain)
            others += fresh
    assert others > 10


def test_since_with_backward_patterns(texts):
    """_since with the precompiled backward patterns cuts where the last break before the figure is."""
    import regex
    for text in texts[:40]:
        for pos in range(0, len(text), 7):
            line = text.rfind("\n", 0, pos) + 1
            for fwd, back in ((S._CLAUSE_START, S._CLAUSE_BACK), (S._CHAIN_START, S._CHAIN_BACK)):
                starts = [m.end() for m in regex.finditer(fwd, text[line:pos])]
                expect = text[line + (starts[-1] if starts else 0):pos].lstrip(" \t\u3000")
                assert S._since(text, pos, back) == expect


def test_cue_automata_equal_the_alternations(lines_with_figures, ruleset):
    """The Aho–Corasick passes find what the cue alternations found: any cue in a sentence, the
    longest cue at each position (an overlapped search), and the cues searched on one after another."""
    from pipeline.cues import has_word, longest_at_each_start

    cues = ruleset.cues
    with_cue = 0
    for line, figs in lines_with_figures:
        assert has_word(cues.any_words, line) == (cues.any_cue.search(line) is not None)
        with_cue += has_word(cues.any_words, line)
        for s, e, _u in figs:
            for window, lo in ((line[max(0, s - 40):s], 0), (line[max(0, s - 40):s], 20), (line[e:e + 22], 0)):
                overlapped = {m.start(): len(m.group()) for m in cues.before.finditer(window, lo, overlapped=True)}
                assert longest_at_each_start(cues.before_words, window, lo) == overlapped
                searched, m = [], cues.after.search(window)
                while m is not None:
                    searched.append((m.start(), len(m.group())))
                    m = cues.after.search(window, m.start() + 1)
                assert sorted(longest_at_each_start(cues.after_words, window).items()) == searched
    assert 100 < with_cue < len(lines_with_figures)


def test_empty_automaton_finds_nothing():
    from pipeline.cues import has_word, longest_at_each_start, word_automaton

    empty = word_automaton({})
    assert not has_word(empty, "支出规模为532.58万元")
    assert longest_at_each_start(empty, "支出规模为532.58万元") == {}
    some = word_automaton({"支出": "", "支出规模": ""})
    assert has_word(some, "支出规模为532.58万元")
    assert longest_at_each_start(some, "x支出规模为支出") == {1: 4, 6: 2}
