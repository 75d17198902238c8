"""The fast paths of attribute, scope and resolve (speed22) give what the plain code they replaced
gave, on the real reports of tests/cases/real and on edge cases: the cues searched only where a cue
word of the figure's unit stands, the clause chain split by string methods, the item title above a line
and a section's title remembered, and the pre-test for sentences that open with 其中."""
from __future__ import annotations

from pathlib import Path

import pytest
from real_db import figure_lines

from pipeline import attribute as A
from pipeline.extract import figures_in
from pipeline.ingest import read_document

REAL = Path(__file__).resolve().parent / "cases" / "real"


@pytest.fixture(scope="module")
def texts() -> list[str]:
    paths = sorted(REAL.glob("*/docs/*.txt"))
    assert len(paths) > 50
    return [read_document(p).text for p in paths]


@pytest.fixture(scope="module")
def lines_with_figures(texts, ruleset):
    """(line, its figures) of every line of the real reports that holds a figure."""
    out = figure_lines(texts, ruleset)
    assert len(out) > 500
    return out


def _all_candidates(stext, figs, i, cues, known, split):
    """The candidates of every unit: the search _candidates made before it looked for a cue word of
    the figure's unit first."""
    s, e, _unit = figs[i]
    lo = max(A._clause_start(stext, s), figs[i - 1][1] if i else 0)
    window, at = A._unsplit(stext, lo, s, cues, split)
    counted_noun = e < len(stext) and _unit == "item" and A._HAN.match(stext, e)
    best = None if counted_noun else A._before_cue(stext, window, at, cues)
    if best is not None:
        start, end = best
        yield at[start], at[end - 1] + 1, cues.before_metric[window[start:end]], None
    yield from A._after_candidates(stext, figs, i, cues, split, lo)
    if i > 0 and (i - 1) in known and figs[i - 1][2] == _unit:
        yield from ()  # the follow branch is the same code in both: it is tested with known = {}


def _lines_and_edges(lines_with_figures, ruleset):
    yield from lines_with_figures
    # split words (PDF text), a cue past the reach, a counted noun, no cue at all, a figure first
    for line in ("设17个内设 机构", "内设 机构17个", "核定编制 42人，实有 40人", "签订协议" + "的" * 50 + "12户",
                 "12户已全部签订了协议", "3个棚改项目", "今天天气很好12户", "12户", "交地2,140亩，其中交付净地860亩"):
        figs = figures_in(line, ruleset.figure, ruleset.units)
        if figs:
            yield line, figs


def test_when_cues_are_looked_for_by_unit_then_the_candidates_of_that_unit_are_the_same(lines_with_figures, ruleset):
    cues, unit_of = ruleset.cues, ruleset.metric_unit
    units = sorted({unit_of(m) for m in (*cues.before_metric.values(), *cues.after_metric.values())})
    found = skipped = 0
    for line, figs in _lines_and_edges(lines_with_figures, ruleset):
        split = A._has_split(line, cues)
        for i in range(len(figs)):
            every = list(_all_candidates(line, figs, i, cues, {}, split))
            for unit in units:
                want = [c for c in every if unit_of(c[2]) == unit]
                got = [c for c in A._candidates(line, figs, i, cues, {}, split, unit, ruleset) if unit_of(c[2]) == unit]
                assert got == want, (line, i, unit)
                found += bool(want)
                skipped += not A._names_unit(True, line, 0, len(line), unit, cues, split, ruleset)
    assert found > 100 and skipped > 1000  # both paths were exercised on real text


def test_when_cue_words_are_taken_by_unit_then_each_names_a_metric_of_that_unit(ruleset):
    cues, unit_of = ruleset.cues, ruleset.metric_unit
    for before, metric_of in ((True, cues.before_metric), (False, cues.after_metric)):
        for unit in {unit_of(m) for m in metric_of.values()} | {"no such unit"}:
            automaton = cues.words_of_unit(before, unit, unit_of)
            assert automaton is cues.words_of_unit(before, unit, unit_of)  # made once
            want = {w for w, m in metric_of.items() if unit_of(m) == unit}
            assert set(automaton.keys()) == want
            for word in metric_of:
                assert A.has_word(automaton, "前" + word + "后") is any(w in "前" + word + "后" for w in want)


def test_when_a_cue_word_would_start_with_a_split_space_then_the_rules_are_refused(tmp_path):
    from pipeline.cues import load_cues
    from pipeline.errors import RuleError

    (tmp_path / "attribution.yaml").write_text('split_space: " "\nbefore:\n  m: [" 编制"]\n', encoding="utf-8")
    with pytest.raises(RuleError, match="split_space"):
        load_cues(tmp_path, frozenset({"m"}), {})
    (tmp_path / "attribution.yaml").write_text('split_space: " "\nbefore:\n  m: ["编制"]\n', encoding="utf-8")
    assert load_cues(tmp_path, frozenset({"m"}), {}).before_metric == {"编制": "m"}


def _positions(text: str):
    """Every position of a text worth asking about: each figure-like spot, line start and mark."""
    for i, ch in enumerate(text):
        if ch.isdigit() or ch in "\n，,；;。：:！？!? \u3000" or (i and text[i - 1] in "\n，。"):
            yield i
    yield len(text)


def test_when_a_chain_is_split_by_string_methods_then_the_clauses_are_the_regex_split(texts):
    from pipeline import scope as S

    chains = ["", "，", "，，", "a,b;c；d，e", ";;x", "无标点"]
    for text in texts[:40]:
        chains += [text[max(0, p - 60):p] for p in range(0, len(text), 37)]
    for chain in chains:
        assert S._clauses(chain) == S._CLAUSE_SPLIT.split(chain), chain


def test_when_item_lines_and_sections_are_remembered_then_each_answer_is_the_plain_one(texts, ruleset):
    from pipeline import scope as S

    rules = ruleset.scope
    for text in [*texts[:40], "1、办公室\n内设2个中队", "\n\n2、国内安全保卫大队\n\n编制10人", ""]:
        before = S._Before(text)
        for pos in _positions(text):
            want = rules.sub_unit_item.match(S._line_before(text, pos)) is not None
            assert before.under_item(pos, rules.sub_unit_item) is want, (text[max(0, pos - 30):pos], pos)
    before = S._Before("")
    for section in ["", "三、直属事业单位", "一、概况 > 三、直属事业单位", "三、直属事业单位 > 1.机关", "a > b > 参公单位"] * 2:
        want = rules.sub_unit_section.search(section.rsplit(" > ", 1)[-1]) is not None
        assert before.in_section_of_others(section, rules.sub_unit_section) is want, section


def test_when_no_parts_word_stands_near_a_figure_then_its_sentence_does_not_open_with_one(texts, ruleset):
    """The pre-test of _parts_of_the_sentence_before never passes over a sentence that opens with 其中."""
    from pipeline import scope as S

    words = ruleset.scope.parts_sentence
    assert words
    opened = 0
    for text in [*texts[:60], "其中100亩", "x。其中，5户", "其\n中5户", "其中"]:
        for pos in _positions(text):
            line = text.rfind("\n", 0, pos) + 1
            near = any(text.find(w, line, pos + len(w)) >= 0 for w in words)
            opens = text.startswith(words, S._sentence_start(text, pos))
            assert near or not opens, (text[max(0, pos - 30):pos], pos)
            opened += opens
    assert opened > 10
