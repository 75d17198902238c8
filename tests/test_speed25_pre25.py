"""The fast paths of speed25's reading, meta and restore (pre25) give what the plain code gives, on
every real page of tests/cases/real and every seed report of data/raw, and on edge cases built
here: the unit-name lead scan (pipeline/proptwin.py ``LeadScan``) against the pattern's own
finditer."""
from __future__ import annotations

from pathlib import Path

import pytest
import regex

from pipeline import proptwin
from pipeline.ingest import read_document

ROOT = Path(__file__).resolve().parent
REAL = ROOT / "cases" / "real"
RAW = ROOT.parent / "data" / "raw"


def _spans(pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@pytest.fixture(scope="module")
def originals() -> list[str]:
    """Every real page and seed report as read, before reading converts or mends it."""
    paths = sorted(p for p in REAL.glob("*/docs/*") if p.is_file())
    paths += sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    assert len(paths) > 250
    return [read_document(p).text for p in paths]


def test_the_unit_name_pattern_has_a_lead_scan(ruleset):
    scan = proptwin.lead_scan(ruleset.layout.unit_name)
    assert scan is not None and scan.at_start  # (?<![\p{Han}]) holds at the start of a text
    assert proptwin.lead_scan(ruleset.layout.unit_name) is scan  # made once


def test_when_the_lead_scan_reads_a_real_text_then_it_finds_what_the_pattern_finds(documents, originals, ruleset):
    pattern = ruleset.layout.unit_name
    scan = proptwin.lead_scan(pattern)
    found = 0
    for text in [d.text for d in documents] + originals:
        for part in (text[:6000], text):
            plain = _spans(pattern, part)
            assert scan.spans(part) == plain, part[:40]
            found += len(plain)
    assert found > 1000  # the texts name units: the test compares spans, not two empty lists


@pytest.mark.parametrize("text", [
    "", "局", "市局", "长沙市局", "湖南省长沙市望城区征地服务中心", "2023年度长沙市财政局", "年长沙市财政局",
    "A长沙市财政局", "。长沙市局，株洲市自然资源和规划局征地事务中心", "〇二三市办", "𠀀𠀁市局", "x𠀀𠀁市局",
    "长沙市财政局\n长沙市财政局", "长沙市财政局长沙市财政局", "广西壮族自治区南宁市青秀区城管局局",
    "长沙市财政局年长沙市财政局", "度长沙市局度株洲市局", "1长沙市局2株洲市局3"])
def test_when_a_text_is_an_edge_case_then_the_lead_scan_finds_the_same(text, ruleset):
    pattern = ruleset.layout.unit_name
    assert proptwin.lead_scan(pattern).spans(text) == _spans(pattern, text)


@pytest.mark.parametrize("source, text", [
    (r"(?<![a-z])[a-z]+1", "ab1 cd1xy1"),  # only a negative lookbehind: a match may start the text
    (r"(?<=[0-9])[a-z]{1,3}", "1abcd2ef 3g"),  # only a positive one: never at the start
    (r"(?:(?<=x)|(?<![a-z]))[a-z]+!", "ab! xcd! yef!"),
    (r"(?<![^0-9])[a-z]+", "1ab2cd ef"),  # a negated set in a negative lookbehind
    (r"(?<!a)(?:b[a-z])+c", "bxbyc abxc bbc"),  # an opening repeat of a group written as its first round
    (r"(?<![\p{Han}])[\p{Han}]{2,3}?市", "长沙市，株洲市"),
])
def test_when_a_pattern_opens_with_one_character_lookbehinds_then_its_lead_scan_finds_the_same(source, text):
    pattern = regex.compile(source)
    scan = proptwin.lead_scan(pattern)
    assert scan is not None
    assert scan.spans(text) == _spans(pattern, text)
    for cut in range(len(text) + 1):  # every prefix: matches at the end, lookbehinds at the start
        assert scan.spans(text[:cut]) == _spans(pattern, text[:cut]), cut


@pytest.mark.parametrize("source", [
    r"[a-z]+", r"(?<=ab)c", r"(?<!a|bc)d", r"(?<![a-z])(?=x)", r"(?<![a-z])x*", r"(?<=\d)x", r"(?i)(?<!a)b"])
def test_when_a_pattern_does_not_open_so_then_it_has_no_lead_scan(source):
    assert proptwin.lead_scan(regex.compile(source)) is None


# --- reading: a page with no mark of the conversion is not converted (pipeline/scriptgate.py) ---

def test_when_the_installed_opencc_is_not_the_marks_one_then_every_page_is_converted(ruleset):
    from pipeline import opencc_marks, scriptgate

    config = ruleset.reading.convert
    assert scriptgate.marks_for(config, opencc_marks.OPENCC) is not None
    assert scriptgate.marks_for(config, opencc_marks.OPENCC + ".1") is None
    assert scriptgate.marks_for(None, opencc_marks.OPENCC) is None
    if scriptgate.installed_opencc() != opencc_marks.OPENCC:  # an upgraded OpenCC: no gate until regenerated
        assert ruleset.reading.marks is None


def test_the_kept_marks_are_those_of_the_installed_dictionaries(ruleset):
    from pipeline import opencc_marks, scriptgate

    if scriptgate.installed_opencc() != opencc_marks.OPENCC:  # the gate is off (test above); nothing kept is used
        assert ruleset.reading.marks is None
        return
    assert scriptgate.characters(opencc_marks.MARKS[ruleset.reading.convert]) == scriptgate.marks_of(
        scriptgate.dictionary_entries(ruleset.reading.convert))
    kept = Path(opencc_marks.__file__).read_text(encoding="utf-8")
    assert kept == scriptgate.marks_module(list(opencc_marks.MARKS))  # as the generator writes it


def _installed_marks(ruleset):
    """The marks in force, or (under another OpenCC than the kept marks') those of its dictionaries."""
    from pipeline import scriptgate

    return ruleset.reading.marks or scriptgate.character_set(scriptgate.marks_of(
        scriptgate.dictionary_entries(ruleset.reading.convert)))


def test_every_key_the_conversion_changes_holds_a_mark(ruleset):
    from pipeline import scriptgate

    marks = _installed_marks(ruleset)
    changing = [k for k, v in scriptgate.dictionary_entries(ruleset.reading.convert) if k != v]
    assert len(changing) > 5000
    assert [k for k in changing if marks.search(k) is None] == []


def test_when_a_page_holds_no_mark_then_opencc_leaves_it_as_it_is(documents, originals, ruleset):
    from pipeline.reading import _convert

    marks, config = _installed_marks(ruleset), ruleset.reading.convert
    skipped = converted = 0
    for text in originals + [d.text for d in documents]:
        if marks.search(text) is None:
            assert _convert(text, config) == text, text[:40]
            skipped += 1
        elif _convert(text, config) != text:
            converted += 1
    assert skipped > 300 and converted > 20  # most pages skip; the traditional-script ones are converted


@pytest.mark.parametrize("text", ["回覆函", "深沈", "完成征收土地8272畝", "項(xiàng)目 2018 年", "乾隆", "批覆文件", "𠀀", "",
                                  "覆盖面积", "沈阳市"])
def test_when_read_with_the_marks_or_without_then_the_reading_is_the_same(text, ruleset):
    from dataclasses import replace

    from pipeline.reading import read_text

    plain = replace(ruleset.reading, marks=None)
    assert read_text(text, ruleset.reading) == read_text(text, plain)
    assert read_text(text, ruleset.reading, join=False) == read_text(text, plain, join=False)


def test_when_a_real_page_is_read_with_the_marks_or_without_then_the_reading_is_the_same(originals, ruleset):
    from dataclasses import replace

    from pipeline.reading import read_text

    plain = replace(ruleset.reading, marks=None)
    for text in originals:
        fast, slow = read_text(text, ruleset.reading), read_text(text, plain)
        assert fast.text == slow.text and fast.origin == slow.origin, text[:40]


# --- reading: the cut's starts searched one character at a time (pipeline/prescan.py) ---

def test_the_cut_starts_open_with_one_character_each(ruleset):
    from re import _constants as C

    from pipeline import prescan

    assert len(prescan._starts(ruleset.reading.cut)) >= 5  # [（(] and [ \u3000\xa0] split: one start a character
    assert prescan._few_characters((C.IN, [(C.LITERAL, 32), (C.RANGE, (0x3000, 0x3001))])) == [32, 0x3000, 0x3001]
    assert prescan._few_characters((C.IN, [(C.RANGE, (48, 57))])) is None  # ten characters: a set stays a set
    assert prescan._few_characters((C.IN, [(C.NEGATE, None), (C.LITERAL, 32)])) is None


def test_when_the_cut_reads_every_real_page_then_its_spans_are_finditers(originals, ruleset):
    from pipeline import prescan
    from pipeline.reading import _convert

    for pattern in (ruleset.reading.cut, ruleset.reading.drop):
        for text in originals:
            for part in (text, _convert(text, ruleset.reading.convert)):
                assert prescan.spans(pattern, part) == [m.span() for m in pattern.finditer(part)], part[:40]


@pytest.mark.parametrize("text", [
    "", " ", "2018 年", "2018\u3000年", "2018\xa0\xa0年", "设 17 个", "人员编制 42人", "項(xiàng)目", "項（xiàng）目",
    "(PPP)", "   2018  年 ", "x" * 20 + "支\n出", "二〇二三年　 5亩", "1万\n元 2千 元"])
def test_when_a_text_is_an_edge_case_then_the_cut_spans_are_finditers(text, ruleset):
    from pipeline import prescan

    for pattern in (ruleset.reading.cut, ruleset.reading.drop):
        assert prescan.spans(pattern, text) == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("source, text", [
    (r"(?<=[0-9])[ \u3000](?=[a-z])|(?<=[a-z])[ab]c", "1 a2\u3000b ac bc"),
    (r"[xy]{1,2}z|[0-3]w", "xz yyz 2w 4w xyz"),
])
def test_when_a_pattern_opens_with_a_few_characters_then_its_spans_are_finditers(source, text):
    from pipeline import prescan

    pattern = regex.compile(source)
    assert prescan._starts(pattern) is not None
    for cut in range(len(text) + 1):
        assert prescan.spans(pattern, text[:cut]) == [m.span() for m in pattern.finditer(text[:cut])]


# --- scope: Kind's members held as module globals ---

def test_the_scope_globals_are_kinds_members():
    from pipeline import scope
    from pipeline.model import Kind

    for name in ("LEVEL", "TARGET", "SUB", "PART", "SHARE", "CHANGE"):
        assert getattr(scope, "_" + name) is Kind[name]


def test_when_the_unit_tail_twin_reads_after_every_unit_name_then_it_matches_as_the_pattern(documents, originals, ruleset):
    layout = ruleset.layout
    twin = proptwin.property_twin(layout.unit_tail)
    assert twin is not layout.unit_tail
    asked = 0
    for text in [d.text for d in documents] + originals:
        window = text[:6000]
        for _, end in proptwin.lead_scan(layout.unit_name).spans(window):
            for at in (end, max(0, end - 3)):
                plain = layout.unit_tail.match(window, at)
                got = twin.match(window, at)
                assert (got and got.span()) == (plain and plain.span()), window[at:at + 20]
                asked += 1
    assert asked > 1000


# --- segment: the sentence ends and the Han test read by re twins ---

def test_when_the_segment_twins_read_every_real_line_then_they_find_what_regex_finds(documents, originals, ruleset):
    from pipeline import segment as seg

    layout = ruleset.layout
    split, stops = seg._sentence_split(layout), seg._stops(layout.sentence_end)
    plain_stops = regex.compile("[" + regex.escape(layout.sentence_end) + "]")
    assert split is not layout.sentence_split and not isinstance(stops, regex.Pattern)
    ends = 0
    for text in [d.text for d in documents] + originals:
        for line in text.split("\n"):
            plain = [m.span() for m in layout.sentence_split.finditer(line)]
            assert [m.span() for m in split.finditer(line)] == plain, line
            ends += len(plain)
            body = line.strip()
            if body:
                got, want = stops.search(body, 0, len(body) - 1), plain_stops.search(body, 0, len(body) - 1)
                assert (got and got.span()) == (want and want.span()), body
                got, want = seg._HAN_TWIN.search(body), seg._HAN.search(body)
                assert (got and got.span()) == (want and want.span()), body
    assert ends > 4000  # the lines end sentences: the test compares places, not two empty lists


@pytest.mark.parametrize("line", ["", "。", "好。”", "甲！？乙", "a?b!", "完成了。）其后", "“是的。”他说。", "𠀀。", "　。　"])
def test_when_a_line_is_an_edge_case_then_the_sentence_split_twin_finds_the_same(line, ruleset):
    from pipeline import segment as seg

    layout = ruleset.layout
    assert [m.span() for m in seg._sentence_split(layout).finditer(line)] == \
        [m.span() for m in layout.sentence_split.finditer(line)]


def test_when_the_line_tests_read_every_real_line_then_they_say_what_the_in_tests_said(documents, originals, ruleset):
    from pipeline import segment as seg

    marks = ruleset.layout.sentence_end + "，,；;"
    said = 0
    for text in [d.text for d in documents] + originals:
        for line in text.split("\n"):
            body = line.strip()
            assert (seg._SEPARATOR_SCAN.search(body) is not None) == any(s in body for s in seg._SEPARATORS), body
            holds = seg._sentence_marks(ruleset.layout.sentence_end).search(body) is not None
            assert holds == any(c in body for c in marks), body
            said += holds
    assert said > 1000


@pytest.mark.parametrize("body", ["", "a  b", "a \u3000b", "a\u3000 b", "a\u3000\u3000b", "a\tb", "a|b", "a｜b", "a b", "a\u3000b",
                                  "? ^-]", "甲。", "甲，", "甲,乙", "甲;", "甲；"])
def test_when_a_line_is_an_edge_case_then_the_line_tests_say_what_the_in_tests_said(body, ruleset):
    from pipeline import segment as seg

    assert (seg._SEPARATOR_SCAN.search(body) is not None) == any(s in body for s in seg._SEPARATORS)
    marks = ruleset.layout.sentence_end + "，,；;"
    assert (seg._sentence_marks(ruleset.layout.sentence_end).search(body) is not None) == any(c in body for c in marks)
