"""Fast paths of the table, form and headcount readers, round 25, each against the plain code it
stands for, on every text of the suite's real pages, reports and seeds (readable, as extraction
sees them) and on edge cases built here."""
import dataclasses
import re
import sys

import pytest
import regex
from oracles import plain_lookup_label
from real_db import suite_texts

from pipeline.extraction import labelgate, labels, tables
from pipeline.extraction.headcounts import _year_head
from pipeline.extraction.labelgate import may_name
from pipeline.extraction.labels import lookup_label
from pipeline.rules import load_rules, normalize_label

RULESET = load_rules()


@pytest.fixture(scope="module")
def texts(documents):
    return [d.text for d in documents] + suite_texts()


@pytest.fixture(scope="module")
def pieces(texts):
    """Every line, every cell of a line, every short run of a line's start and every spaced word."""
    out = set()
    for text in texts:
        for line in text.splitlines():
            out.add(line)
            out.update(c for c in tables._SPLIT.split(line) if c)
            out.update(line.strip()[:k] for k in (2, 4, 6, 8, 12, 20, 30))
            out.update(line.split())
    out |= {"（一）基本支出（万元）", "1、项目支出(含结转)", "其中：人员经费（元）", "“三公”经费(合计)（万元）（x）",
            "基 本 支 出", "2023年实际在职人数", "在职人数：57人", " 三公经费 ", "", "≥95", "约12.5万元", "1,200"}
    return sorted(out)


def test_a_text_that_may_name_no_metric_names_none(pieces):
    """``may_name`` False ⇒ the lookup of the text, of it without its bracketed unit and of it
    without a leading year (headcounts) is None; and every label may be named by itself."""
    year = _year_head(RULESET.fragments["YEAR"])
    gated = named = 0
    for text in pieces:
        found = [lookup_label(t, RULESET) for t in (text, tables._strip_unit(text),
                                                    year.sub("", normalize_label(text), 1))]
        named += any(found)
        if not may_name(text, RULESET):
            gated += 1
            assert found == [None, None, None], text
    assert named > 100 and gated > len(pieces) // 3
    assert all(may_name(label, RULESET) for label in RULESET.labels)
    assert not may_name("123.45", RULESET) and may_name("基本 支出（万元）", RULESET)


def test_the_standard_engines_spaces_as_spelled_are_the_regex_packages():
    spaces = re.compile("[" + tables._REGEX_SPACES + "]")
    plain = regex.compile(r"\s")
    differ = [hex(c) for c in range(sys.maxunicode + 1)
              if (spaces.fullmatch(chr(c)) is None) != (plain.fullmatch(chr(c)) is None)]
    assert differ == []


def test_the_spaced_gate_matches_where_the_regex_package_matched(texts):
    """The pair pattern on the standard library's engine matches at every position of every text
    where the one written with ``\\s`` on the regex package did (round 24's gate)."""
    words, pair = tables._spaced_gate(RULESET)
    assert tables._REGEX_SPACES in pair.pattern
    before = regex.compile(pair.pattern.replace(tables._REGEX_SPACES, r"\s"))
    tried = matched = 0
    edge = ["预算数 决算数", "预算数\x1c决算数", "预算数\u3000\u3000决算数", "2018年预算数2018年决算数", "预算数｜决算数",
            "预算数\n\n2019年决算数", "一二三四五六七八九十一预算数 决算数"]
    for text in texts + edge:
        for m in words.finditer(text):
            tried += 1
            found = pair.match(text, m.start()) is not None
            assert found == (before.match(text, m.start()) is not None), (text[m.start():m.start() + 40])
            matched += found
    assert tried > 1000 and matched > 50


def test_a_bare_figure_is_what_the_regex_package_read_as_one(pieces):
    before = regex.compile(tables._BARE_FIGURE.pattern)
    figures = 0
    for text in pieces + ["≥ 95", "不少于3000亩", "约 12.5 万元", "1,200余人", "12.", "|12|", "95分", "3批次", "２０％"]:
        body = text.strip()
        assert (tables._BARE_FIGURE.fullmatch(body) is None) == (before.fullmatch(body) is None), body
        figures += tables.is_figure(text)
    assert figures > 500



def test_a_label_holding_no_label_names_none(pieces):
    """The lookup's own automaton answer (``lookup_label``: no label in the normalized key, None at
    once) is the plain lookup's, for every piece as the table readers pass it (its bracketed unit
    dropped; a header normalized, its leading year dropped)."""
    year = _year_head(RULESET.fragments["YEAR"])
    automaton = labels._label_automaton(RULESET)
    gated = 0
    for text in pieces:
        for label in (text, tables._strip_unit(text), year.sub("", normalize_label(text), 1)):
            if next(automaton.iter(normalize_label(label)), None) is None:
                gated += 1
                assert lookup_label(label, RULESET) is None, label
            assert lookup_label.__wrapped__(label, RULESET) == plain_lookup_label(label, RULESET), label
    assert gated > len(pieces)
    assert all(lookup_label.__wrapped__(label, RULESET) is not None for label in RULESET.labels)


def test_heads_that_may_match_past_the_start_turn_the_automaton_gate_off():
    """Deleting a match of ``heads`` inside a label may join a label out of its two sides: the gate
    is then off (the label is found as the plain lookup finds it), as it is for an empty label."""
    trim = RULESET.label_trim
    assert labels.cuts_a_prefix(trim.heads)
    for heads in (r"其中", r"^(?:其中)|含", r"(?m)^其中"):
        other = dataclasses.replace(RULESET, label_trim=dataclasses.replace(trim, heads=regex.compile(heads)))
        assert not labels.cuts_a_prefix(other.label_trim.heads), heads
        for label in ("基本其中支出", "基本含支出", "无关文字"):
            assert lookup_label.__wrapped__(label, other) == plain_lookup_label(label, other), (heads, label)
    other = dataclasses.replace(RULESET, label_trim=dataclasses.replace(trim, heads=regex.compile("其中")))
    assert lookup_label.__wrapped__("基本其中支出", other) == "spend.basic"
    empty = dataclasses.replace(RULESET, labels={**RULESET.labels, "": "spend.basic"})
    assert labels._label_automaton(empty) is None and labelgate._ends(empty) is None
