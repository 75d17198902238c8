"""The fast paths of read_meta and scope (speed24) give what the plain code they replaced gave, on
the real reports of tests/cases/real and the seed reports of data/raw: the unit-name pattern's
``re`` twin with ``\\p{Han}`` spelled out (pipeline/proptwin.py), and scope asking whether a figure
is the unit's only of figures whose metric another candidate states too."""
from __future__ import annotations

from pathlib import Path

import pytest
import regex

from pipeline import prescan, proptwin
from pipeline import scope as scope_module
from pipeline.attribute import attribute
from pipeline.extract import extract
from pipeline.ingest import read_document
from pipeline.model import Kind, replaced
from pipeline.process import _BY_PLACE, apply_catalog
from pipeline.segment import read_meta, segment

ROOT = Path(__file__).resolve().parent
REAL = ROOT / "cases" / "real"
RAW = ROOT.parent / "data" / "raw"



def _found(pattern, text: str) -> list[tuple]:
    return [tuple(m.span(g) for g in range(pattern.groups + 1)) for m in pattern.finditer(text)]


def test_the_unit_name_pattern_has_a_twin(ruleset):
    twin = proptwin.property_twin(ruleset.layout.unit_name)
    assert twin is not ruleset.layout.unit_name and not isinstance(twin, regex.Pattern)
    assert proptwin.property_twin(ruleset.layout.unit_name) is twin  # made once


def test_when_the_twin_reads_a_real_text_then_it_finds_what_the_pattern_finds(documents, ruleset):
    pattern = ruleset.layout.unit_name
    twin = proptwin.property_twin(pattern)
    found = 0
    for d in documents:
        for text in (d.text[:6000], d.text):
            plain = _found(pattern, text)
            assert _found(twin, text) == plain, d.doc
            found += len(plain)
    assert found > 500  # the texts name units: the test compares matches, not two empty lists


@pytest.mark.parametrize("text", [
    "", "局", "市局", "湖南省长沙市望城区征地服务中心", "2023年度长沙市财政局", "A长沙市财政局", "。长沙市局，株洲市自然资源和规划局征地事务中心",
    "〇二三市办", "𠀀𠀁市局", "长沙市财政局\n长沙市财政局", "广西壮族自治区南宁市青秀区城管局局"])
def test_when_a_text_is_an_edge_case_then_the_unit_twin_finds_the_same(text, ruleset):
    pattern = ruleset.layout.unit_name
    assert _found(proptwin.property_twin(pattern), text) == _found(pattern, text)


def test_the_spelled_property_holds_the_characters_regex_says_have_it():
    spelled = regex.compile("[" + proptwin.ranges("Han") + "]")
    han = regex.compile(r"\p{Han}")
    for code in list(range(0, 0x3_1400, 7)) + [0x3005, 0x3007, 0x4E00, 0x9FFF, 0x2_0000, 0x2_A6DF, 0xF900, 0x10_FFFF]:
        if 0xD800 <= code < 0xE000:
            continue
        c = chr(code)
        assert (spelled.match(c) is None) == (han.match(c) is None), hex(code)


@pytest.mark.parametrize("source, text", [
    (r"[\p{Han}0-9]+", "ab长沙12x"), (r"\p{Han}{2}[0-9]", "长沙1 长2"), (r"(?<![\p{Han}])[a-z]+", "长ab cd"),
    (r"[^\p{Han}]+", "ab长沙cd")])
def test_when_a_property_stands_in_or_out_of_a_set_then_the_twin_finds_the_same(source, text):
    pattern = regex.compile(source)
    twin = proptwin.property_twin(pattern)
    assert twin is not pattern
    assert _found(twin, text) == _found(pattern, text)


@pytest.mark.parametrize("source", [r"\P{Han}+", r"\p{^Han}", r"\p{Script=Han}", r"\pL", r"[]\p{Han}]", r"\p{NoSuchName}",
                                    r"(?i)\p{Han}a", r"\p{Han}\w"])
def test_when_a_property_cannot_be_spelled_then_the_pattern_is_its_own_twin(source):
    try:
        pattern = regex.compile(source)
    except regex.error:
        return  # regex itself does not read it
    assert proptwin.property_twin(pattern) is pattern


def _unit_from_text_plain(text, layout):
    """segment._unit_from_text as it was before speed24: the unit-name pattern itself."""
    from collections import Counter

    from pipeline.segment import _without_place

    window = text[:6000]
    names = Counter()
    for m in layout.unit_name.finditer(window):
        names[m.group(0)] += 1
        if longer := layout.unit_tail.match(window, m.end()):
            names[m.group(0) + longer.group(0)] += 1
    if not names:
        return None

    def score(name):
        return (text.count(_without_place(name)), len(name))

    best = max(names, key=score)
    fuller = [n for n in names if n.startswith(best) and n != best and score(n)[0] >= 2]
    best = max(fuller, key=len) if fuller else best
    return best if score(best)[0] >= 2 else None


def test_when_read_meta_uses_the_twin_then_it_reads_the_unit_the_pattern_gave(documents, ruleset):
    from pipeline import segment as segment_module

    named = 0
    for d in documents:
        got = segment_module._unit_from_text(d.text, ruleset.layout)
        assert got == _unit_from_text_plain(d.text, ruleset.layout), d.doc
        named += got is not None
    assert named > 50


def _fewer_projects_plain(facts, before, rules):
    """scope._fewer_projects as it was before speed24: every level's clause asked."""
    counted = {}
    for i, f in enumerate(facts):
        if f.kind != Kind.LEVEL:
            continue
        m = rules.project_subject.match(before.clause(f.start))
        if m is not None:
            counted.setdefault((f.sentence_index, f.metric), []).append((int(m.group("n")), i))
    aside = {i for group in counted.values() if len(group) > 1
             for n, i in group if n < max(k for k, _ in group)}
    return [replaced(f, kind=Kind.SUB) if i in aside else f for i, f in enumerate(facts)]


def _scope_plain(facts, text, rules):
    """scope as it was before speed24: every candidate asked whether it is the unit's figure."""
    S = scope_module
    candidates = [i for i, f in enumerate(facts) if f.kind in (Kind.LEVEL, Kind.TARGET)]
    if not candidates:
        return facts
    title = S._title(text)
    before = S._Before(text)
    marked = {i for i in candidates if S._not_the_units(facts[i], before, rules, title)}
    marked |= S._done_of_marked_tasks(facts, marked, text)
    own = {facts[i].metric for i in candidates if i not in marked}
    own_tasks = {facts[i].metric for i in candidates if i not in marked and facts[i].kind == Kind.TARGET}

    def aside(f):
        if f.kind == Kind.TARGET and f.metric not in own_tasks and not S._one_period(f, before, rules):
            return False
        return f.metric in own

    out = [replaced(f, kind=Kind.SUB) if i in marked and aside(f) else f for i, f in enumerate(facts)]
    out = S._gross_beside_net(out, rules)
    out = S._narrow_beside_whole(out, before, rules)
    out = _fewer_projects_plain(S._parts_of_the_sentence_before(out, text, rules), before, rules)
    out = S._relations_follow(S._shared_out(out, rules), facts)
    return S._zero_beside_nonzero(S._kinds_of_a_metric(out, text, rules), rules)


def test_when_scope_asks_only_shared_metrics_then_it_sets_aside_what_it_did(documents, ruleset):
    facts_seen = subs = 0
    for d in documents:
        sentences = segment(d, ruleset.layout)
        meta = apply_catalog(read_meta(d, ruleset.layout), None)
        facts = extract(d, sentences, meta, ruleset)
        attributed, _mentions = attribute(d, sentences, facts, meta, ruleset)
        ordered = sorted(facts + attributed, key=_BY_PLACE)
        got = scope_module.scope(list(ordered), d.text, ruleset.scope)
        assert got == _scope_plain(list(ordered), d.text, ruleset.scope), d.doc
        facts_seen += len(got)
        subs += sum(f.kind == Kind.SUB for f in got)
    assert facts_seen > 1000 and subs > 20  # scope sets figures aside on these reports: the comparison means something


def test_the_reading_cut_has_starts(ruleset):
    starts = prescan._starts(ruleset.reading.cut)
    assert starts is not None and 1 <= len(starts) <= 8
    assert prescan._starts(ruleset.reading.cut) is starts  # made once


def test_when_the_cut_is_asked_only_at_its_starts_then_it_finds_what_finditer_finds(ruleset):
    from pipeline.reading import convert_script

    paths = sorted(REAL.glob("*/docs/*.txt")) + sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    cuts = 0
    for path in paths:
        text = convert_script(read_document(path).text, ruleset.reading.convert)
        for pattern in (ruleset.reading.cut, ruleset.reading.drop):
            plain = [m.span() for m in pattern.finditer(text)]
            assert prescan.spans(pattern, text) == plain, path.name
            cuts += len(plain)
    assert cuts > 1000


@pytest.mark.parametrize("text", [
    "", "\n", "2018 年", "2018  年", "2018   年", "人员编制 42人", "设 17 个", "項(xiàng)目", "(PPP)项目", "a(á)",
    "这是一行很长的文字用来测试换行是否会被合并的情况说明\n52 名", "短行\n52名", "公务接待费支出决算 1.5万\n元",
    "这是一行很长的文字用来测试换行是否会被合并的情况说明支\n出决算", "对下转移支付一共有这么多钱的数目是多少0\n万元。",
    "2018\u3000\u3000年\n\n2019 年 3 月", "  \n  \n 12 人"])
def test_when_a_text_is_an_edge_case_then_the_starts_find_the_same(text, ruleset):
    for pattern in (ruleset.reading.cut, ruleset.reading.drop):
        assert prescan.spans(pattern, text) == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("source, text", [
    (r"(?<=[0-9])[ ]{1,2}(?=[年人])|(?<=[a-z])\n(?=[0-9])|(?<=x)\n(?=y)", "1 年 a\n1 x\ny 2  人 3   人"),
    (r"(?:ab)+c|(?<=q)b", "ababc qb abc"), (r"(?<=\p{Han})[ ]+(?=[0-9])", "长 12 a 3 长  4"),
    (r"a|ab|(?<=z)abc", "zabc abc ab"), (r"(?<![0-9])[ab]{2,3}?c", "1abc abbc aabbc")])
def test_when_a_pattern_has_starts_then_they_find_what_finditer_finds(source, text):
    pattern = regex.compile(source)
    assert prescan._starts(pattern) is not None
    assert prescan.spans(pattern, text) == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("source", [r"(?<=a)", r"a*", r"\d+", r"(?<=a)(?:b|\w)", r".b", r"(?i)ab", r"[^a]b"])
def test_when_a_pattern_has_no_starts_then_it_is_searched_as_it_is(source):
    pattern = regex.compile(source)
    assert prescan._starts(pattern) is None
    for text in ("", "ab", "aab b", "1b"):
        assert prescan.spans(pattern, text) == [m.span() for m in pattern.finditer(text)]


@pytest.mark.parametrize("source", [
    r"(?<![a-z])[a-z]{2}x", r"(?:(?<![0-9])|(?<=q))(?:[a-z]{1,2}?y)+z", r"(?<=[0-9])[a-z]+?b", r"(?<![\p{Han}])\p{Han}{2}市",
    r"(?:(?<![\p{Han}])|(?<=[年度]))(?:[\p{Han}]{2,4}?(?:省|市))+[\p{Han}]{1,3}?(?:局|中心)"])
def test_when_a_lookbehind_opens_the_pattern_then_the_led_twin_finds_the_same(source):
    pattern = regex.compile(source)
    twin = proptwin.property_twin(pattern)
    assert proptwin._led(proptwin.spelled(source), pattern.flags) is not None
    for text in ("", "abx", "1abx", "zabx", "qayz 1abyz ayayz", "3ab", "长沙市", "。长沙市", "年长沙市", "2023年度长沙市财政局",
                 "长沙市长沙市局", "湖南省长沙市望城区征地服务中心", "q ayyz", "a1abbb"):
        assert _found(twin, text) == _found(pattern, text), (source, text)


@pytest.mark.parametrize("source", [r"(?<=a)(b)+c", r"(?<=a)b*c", r"(?<=a|bc)d", r"[a-z](?<=q)"])
def test_when_the_pattern_does_not_open_so_then_there_is_no_led_twin(source):
    assert proptwin._led(source, regex.compile(source).flags) is None


_DATE_PLAIN = regex.compile(r"(?<![0-9])(?:(?P<y>(?:19|20)[0-9]{2})[-/.][01]?[0-9][-/.][0-3]?[0-9]"
                            r"|[0-3]?[0-9][.][01]?[0-9][.](?P<y>(?:19|20)[0-9]{2}))(?![0-9])")  # before speed24


def _dates(text: str) -> list[tuple]:
    from pipeline import segment as segment_module

    return [(m.span(), int(m.group("y") or m.group("y2"))) for m in segment_module._DATE_SCAN.finditer(text)]


def test_when_read_meta_reads_dates_by_the_twin_then_they_are_the_plain_patterns(documents):
    from pipeline import segment as segment_module

    assert not isinstance(segment_module._DATE_SCAN, regex.Pattern)  # a twin was made
    found = 0
    for d in documents:
        plain = [(m.span(), int(m.group("y"))) for m in _DATE_PLAIN.finditer(d.text)]
        assert _dates(d.text) == plain, d.doc
        found += len(plain)
    assert found > 50


@pytest.mark.parametrize("text", [
    "发布日期 2018-05-04", "2018/5/4 与 4.5.2019", "12018-05-04", "2018-05-041", "1.2.2019.3", "31.12.2020",
    "2019.1.2.2020", "版本 1.2.3", "2023-1-1至2023-12-31", ""])
def test_when_a_date_is_an_edge_case_then_the_twin_reads_the_same(text):
    assert _dates(text) == [(m.span(), int(m.group("y"))) for m in _DATE_PLAIN.finditer(text)]
