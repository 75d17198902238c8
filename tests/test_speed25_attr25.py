"""The fast paths of attribute (speed25) give what the plain code they replaced gave, on the real
reports of tests/cases/real, the seed reports of data/raw and edge cases: the figure twin's rewrites
(pipeline/figscan.py ``_possessive`` and ``_gate``)."""
from __future__ import annotations

import itertools
import random

import pytest
import regex

from pipeline import figscan
from pipeline.segment import segment


@pytest.fixture(scope="module")
def sentence_texts(documents, ruleset) -> list[str]:
    """Every sentence of the real pages and seed reports, and every whole text."""
    texts = [s.text for d in documents for s in segment(d, ruleset.layout)]
    assert len(texts) > 5000
    return texts + [d.text for d in documents]


def _found(pattern, text: str) -> list[tuple]:
    return [tuple(m.span(g) for g in range(pattern.groups + 1)) for m in pattern.finditer(text)]


def _unrewritten(pattern: regex.Pattern):
    """The twin as it was before the rewrites: the pattern's ``re`` parse, lookaheads made one, the
    first-character hint."""
    tree = figscan.plain_tree(pattern.pattern, pattern.flags)
    if tree.data and (one := figscan._one_lookahead(*tree.data[0])) is not None:
        tree.data[0] = one
    return figscan._led_by_set(tree) or figscan._COMPILER.compile(tree, tree.state.flags)


def _ops(items) -> list:
    """Every opcode of a parsed pattern, nested ones too."""
    out = []
    for op, av in items:
        out.append(op)
        if op is figscan._C.SUBPATTERN:
            out += _ops(av[3])
        elif op is figscan._C.BRANCH:
            for branch in av[1]:
                out += _ops(branch)
        elif op in (figscan._C.MAX_REPEAT, figscan._C.MIN_REPEAT, figscan._C.POSSESSIVE_REPEAT):
            out += _ops(av[2])
        elif op in (figscan._C.ASSERT, figscan._C.ASSERT_NOT):
            out += _ops(av[1])
    return out


def test_the_figure_twin_is_rewritten_gated_and_possessive(ruleset):
    figure = ruleset.figure
    tree = figscan.plain_tree(figure.pattern, figure.flags)
    tree.data[0] = figscan._one_lookahead(*tree.data[0])
    before = _ops(tree.data)
    figscan._possessive(tree.data, figscan._END)
    figscan._gate(tree)
    after = _ops(tree.data)
    assert after.count(figscan._C.POSSESSIVE_REPEAT) > before.count(figscan._C.POSSESSIVE_REPEAT)
    assert after.count(figscan._C.MAX_REPEAT) < before.count(figscan._C.MAX_REPEAT)
    assert tree.data[1][0] is figscan._C.ASSERT  # the gate, right after the opening lookahead


def test_when_the_rewritten_twin_scans_the_real_texts_then_it_finds_what_the_unrewritten_one_finds(sentence_texts, ruleset):
    twin, plain = figscan.twin(ruleset.figure), _unrewritten(ruleset.figure)
    found = 0
    for text in sentence_texts:
        expected = _found(plain, text)
        assert _found(twin, text) == expected, text
        found += len(expected)
    assert found > 5000


# patterns where a rewrite must not apply (what follows may start with the repeat's characters, or
# may be empty), and where it must: checked against the regex package on every short text of their alphabet
EDGE_PATTERNS = [
    r"(?=[0-9a])(?P<n>[0-9]+)(?P<u>[0-9]元|户)",  # a digit may follow the digits: they must give back one
    r"(?=[0-9])[0-9]+(?:元)?",  # the rest may be empty: greedy stays
    r"(?=[0-9])[0-9]+(?=元)",  # a lookahead alone after: greedy stays
    r"(?=[0-9a])(?:a[0-9]|a)?[0-9]+元",  # an optional part of two characters, then digits
    r"(?=[0-9])[0-9]{1,3}(?:,[0-9]{3})+元|(?=[0-9])[0-9]+元",
    r"(?=[0-9大])(?:大约)?[0-9]+(?:大户|户)",  # a unit that starts with a number's qualifier
    r"(?=[0-9 ])[ ]*+[0-9]+[ ]*[0-9]?元",
    r"(?=[0-9a])(?:(?:a|ab)[0-9]*)?b元",  # an optional part that may end where the next one starts
    r"(?=[0-9])([0-9]+)*元",
    r"(?=[0-9])(?:[0-9]+?)[0-9]元",
    r"(?=[a0-9])(?>a[0-9]*|[0-9]+)[0-9]元",
    r"(?=[0-9a,])(?:a|,b)?[0-9]+元",  # every character of every choice before the unit is in the gate's run
    r"(?=[0-9元b])[0-9]*元",  # a match may start with its unit; b is hinted and starts none
    r"(?=[b0-9])(?:b|[0-9]+)户",
]
ALPHABET = "0,9a大约户元b "


def _texts():
    rng = random.Random(25)
    short = ["".join(t) for n in range(1, 5) for t in itertools.product(ALPHABET, repeat=n)]
    return short + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(5, 30))) for _ in range(3000)]


@pytest.mark.parametrize("source", EDGE_PATTERNS)
def test_when_a_rewrite_may_or_may_not_apply_then_the_twin_finds_what_the_pattern_finds(source):
    pattern = regex.compile(source)
    twin = figscan.twin(pattern)
    assert twin is not pattern
    for text in _texts():
        assert _found(twin, text) == _found(pattern, text), (source, text)


def test_when_figures_are_remembered_then_they_are_those_read_afresh(sentence_texts, ruleset):
    found = 0
    for text in sentence_texts + sentence_texts[:3000]:  # asked again: the memo's answers
        plain = figscan.figures_of.__wrapped__(text, ruleset.figure, ruleset.units)
        assert figscan.figures_of(text, ruleset.figure, ruleset.units) == plain, text
        found += len(plain)
    assert found > 5000


def test_when_the_figure_memo_is_full_then_it_starts_again(sentence_texts, ruleset):
    for text in sentence_texts[:figscan._FIGURES_KEPT + 10]:
        figscan.figures_of(text, ruleset.figure, ruleset.units)
    assert len(figscan._LAST[2]) <= figscan._FIGURES_KEPT


def test_when_a_clause_start_is_found_in_the_clause_read_backwards_then_it_is_the_reverse_search(sentence_texts):
    from pipeline import attribute as A

    def reverse_search(stext: str, s: int):  # the regex package's reverse search it replaces
        last = A._STOP_OR_CLOSE_BACK.search(stext, max(0, s - A.CLAUSE_REACH), s, False)
        return None if last is None else last.span()

    def backwards(stext: str, s: int):
        floor = max(0, s - A.CLAUSE_REACH)
        last = A._STOP_OR_CLOSE.search(stext[floor:s][::-1])
        return None if last is None else (s - 1 - last.start(), s - last.start())

    edge = ["", "（", "a)b", "因公出国（境）费0万元", "，,。；;！？!?、（(\n|）)", "中" * 50 + "，" + "中" * 50]
    tried = 0
    for text in sentence_texts[:3000] + edge:
        for s in range(len(text) + 1):
            assert backwards(text, s) == reverse_search(text, s), (text, s)
            tried += 1
    assert tried > 50000


def test_when_a_gap_is_remembered_then_it_is_what_the_gap_pattern_says(documents, ruleset):
    cues = ruleset.cues
    gaps = ["", "的", "为", "：", "）为", "共计 ", "的总额", "人员", "为为为为为为", "合计：为", "数量\n"]
    gaps += [d.text[k:k + n] for d in documents[:40] for k in range(0, len(d.text), 97) for n in (1, 3, 6)]
    for gap in gaps + gaps:  # asked again: the memo's answers
        assert cues.glue(gap) == (cues.gap.match(gap) is not None), gap
    assert any(cues.glue(g) for g in gaps) and not all(cues.glue(g) for g in gaps)


def test_when_names_unit_reads_the_words_itself_then_it_is_has_word_of_words_of_unit(documents, ruleset):
    """Both sides, the rest of a sentence read from the sentence's own take-out of split spaces too."""
    from pipeline import attribute as A
    from pipeline.cues import has_word

    cues = ruleset.cues
    units = sorted({ruleset.metric_unit(m) for m in cues.rules})
    edge = ["人员编制 42人", "设17个内设 机构", "设 17 个内设  机构", "签约 100户 已签约 房屋", "完成 3户　签约"]
    sentences = [s.text for d in documents[:80] for s in segment(d, ruleset.layout)] + edge
    asked = named = split_sentences = split_rests = 0
    for stext in sentences:
        split = A._has_split(stext, cues)
        split_sentences += split
        ends = [e for _s, e, _u in figscan.figures_of(stext, ruleset.figure, ruleset.units)]  # where a rest starts
        stretches = [(True, max(0, k - A.CLAUSE_REACH), k) for k in range(0, len(stext), 7)]
        stretches += [(False, e, len(stext)) for e in ends]
        for before, lo, hi in stretches:
            text = stext[lo:hi]
            if split and A._has_split(text, cues):
                text = cues.split_space.sub("", text)
            for unit in units:
                plain = has_word(cues.words_of_unit(before, unit, ruleset.metric_unit), text)
                assert A._names_unit(before, stext, lo, hi, unit, cues, split, ruleset) == plain, (stext, lo)
                asked += 1
                named += plain
                split_rests += split and not before
    assert asked > 10000 and named > 100 and split_sentences > 50 and split_rests > 100


@pytest.mark.parametrize("source", EDGE_PATTERNS)
def test_when_the_twin_is_asked_at_a_place_then_it_matches_what_the_pattern_matches(source):
    """The opening lookahead and the gate are kept in the code: a match asked at a place (not only a
    search, which stops only where the hint's characters stand) gives what the pattern gives there."""
    pattern = regex.compile(source)
    twin = figscan.twin(pattern)
    def span(m):
        return None if m is None else tuple(m.span(g) for g in range(pattern.groups + 1))

    for text in _texts()[:4000]:
        for at in range(len(text) + 1):
            assert span(twin.match(text, at)) == span(pattern.match(text, at)), (source, text, at)
