"""The fast paths of attribute, scope and reading (speed23) give what the plain code they replaced
gave, on the real reports of tests/cases/real, the seed reports of data/raw and edge cases: the
figure pattern's ``re`` twin (pipeline/figscan.py)."""
from __future__ import annotations

from pathlib import Path

import pytest
import regex
from test_speed22_seg22 import (
    _old_segment as _segment_plain,  # segment read line by line where each stands, no memo
)

from pipeline import figscan
from pipeline.ingest import read_document
from pipeline.normalize import parse_quantity
from pipeline.reading import read_text, readable_document
from pipeline.segment import segment

ROOT = Path(__file__).resolve().parent
REAL = ROOT / "cases" / "real"
RAW = ROOT.parent / "data" / "raw"



@pytest.fixture(scope="module")
def sentence_texts(documents, ruleset) -> list[str]:
    """Every sentence of those documents, and every whole text."""
    texts = [s.text for d in documents for s in segment(d, ruleset.layout)]
    assert len(texts) > 5000
    return texts + [d.text for d in documents]


def _plain_figures(text: str, figure, units) -> tuple:
    """What the figures of a sentence were before the twin: the ``regex`` pattern itself, groups by name."""
    out = []
    for m in figure.finditer(text):
        found = units.lookup(m.group("u")) if m.group("u") else None
        if found is not None:
            out.append((*m.span("fig"), found[0]))
        elif (q := parse_quantity(m.group("fig"), units)) is not None:
            out.append((*m.span("fig"), q.unit))
    return tuple(out)


def _found(pattern, text: str) -> list[tuple]:
    return [tuple(m.span(g) for g in range(pattern.groups + 1)) for m in pattern.finditer(text)]


def test_the_figure_pattern_has_a_twin(ruleset):
    twin = figscan.twin(ruleset.figure)
    assert twin is not ruleset.figure and not isinstance(twin, regex.Pattern)
    assert twin.groupindex == ruleset.figure.groupindex
    assert figscan.twin(ruleset.figure) is twin  # made once


def test_when_the_twin_scans_a_text_then_it_finds_what_the_figure_pattern_finds(sentence_texts, ruleset):
    twin = figscan.twin(ruleset.figure)
    found = 0
    for text in sentence_texts:
        plain = _found(ruleset.figure, text)
        assert _found(twin, text) == plain, text
        found += len(plain)
    assert found > 5000


def test_when_extract_and_attribute_read_the_figures_then_they_are_those_the_pattern_itself_finds(sentence_texts, ruleset):
    found = 0
    for text in sentence_texts:
        plain = _plain_figures(text, ruleset.figure, ruleset.units)
        assert figscan.figures_of.__wrapped__(text, ruleset.figure, ruleset.units) == plain
        found += len(plain)
    assert found > 5000


@pytest.mark.parametrize("text", [
    "", "一", "12", "12人", " 12人", "约为 12 万余元", "1,234,567.89元", "１２３户", "壹仟贰佰零壹栋", "一万一千八百七十六点四五亩",
    "3.5分之一", "95分", "45%和30％", "112人次", "0.1.2人", "十二个确保", "项目征地412亩", "将近 一百 户", "12\n人"])
def test_when_a_text_is_an_edge_case_then_the_twin_finds_the_same(text, ruleset):
    assert _found(figscan.twin(ruleset.figure), text) == _found(ruleset.figure, text)
    assert figscan.figures_of.__wrapped__(text, ruleset.figure, ruleset.units) == _plain_figures(text, ruleset.figure, ruleset.units)


@pytest.mark.parametrize("source, flags", [
    (r"\p{Han}+[0-9]+", 0), (r"[[:alpha:]]+", 0), (r"ab{e<=1}", 0), (r"(?i)ab", 0), (r"ab", regex.I), (r"\d+人", 0),
    (r"\bab", 0), (r"a.b", 0), (r"(?P<a>x)|(?P<a>y)", 0), (r"(a)\1", 0), (r"^ab$", 0), (r"(?s:a.)", 0), (r"a{", 0),
    (r"ab", regex.V1), (r"[\w]+", 0), (r"(?|(a)|(b))", 0)])
def test_when_the_syntax_may_be_read_otherwise_then_the_pattern_is_its_own_twin(source, flags):
    pattern = regex.compile(source, flags)
    assert figscan.twin(pattern) is pattern


@pytest.mark.parametrize("source", [
    r"(?:(?=[0-9])|(?=[ ]))(?P<fig>[ ]*+[0-9]+)(?P<u>人|户)",
    r"(?:(?=[a-c])|(?=[x]))[a-cx]+",
    r"(?:(?=[^ab])|(?=[x]))[a-z]",  # a negated set: the lookaheads stay as they are
    r"(?:(?=[0-9])|(?=[0-9]{2}))[0-9]",  # not one set each: stay as they are
    r"(?<![0-9])[0-9]++(?!%)(?:万|亿)*?",
    r"(?>ab|a)c|(?=x)x"])
def test_when_the_syntax_is_plain_then_the_twin_finds_what_the_pattern_finds(source):
    pattern = regex.compile(source)
    twin = figscan.twin(pattern)
    assert twin is not pattern
    for text in ("", "a", "abc", "ac", "x1", " 12人 3户", "b a x", "12%万亿", "123万亿", "0a9x", "abac xx"):
        assert _found(twin, text) == _found(pattern, text), (source, text)



def test_when_scope_reads_a_kinds_lead_by_string_methods_then_it_is_the_regex_split(documents):
    from pipeline import scope

    n = 0
    for d in documents:
        text = d.text
        for pos in range(0, len(text), 7):
            window = text[max(0, pos - 14):pos]
            assert scope._after_last(window, scope._KIND_LEAD_MARKS) == regex.split(r"[，,；;。：:\n]", window)[-1]
            n += 1
        line = text[:2000]
        assert scope._SENTENCE_END.split(line) == regex.split(r"[。！？!?]", line)
    assert n > 10000


def _clause_says_plain(clause: str, rules, title: str):
    """scope._clause_says as it was: the three anchored patterns read for every asking."""
    from pipeline.scope import _titled

    clause = clause.strip(" \t\u3000")
    if rules.own_lead.match(clause):
        return False
    if not clause.startswith(rules.not_subject) and (
            m := rules.sub_unit_lead.match(clause) or rules.sub_area_lead.match(clause)) \
            and not any(w in m.group() for w in rules.not_in_name):
        return not _titled(rules.name_lead.sub("", m.group(), count=1), title)
    return None


def test_when_a_clauses_subject_is_remembered_across_documents_then_it_says_what_a_fresh_reading_says(documents, ruleset):
    from pipeline import scope

    rules = ruleset.scope
    clauses = []
    for d in documents:
        text = d.text
        for pos in range(0, len(text), 3):
            clauses += scope._clauses(scope._since(text, pos, scope._CHAIN_BACK))
    clauses += ["龙泉CDE地块共需拆迁380户", "局机关编制17人", "其中，西津片区本期完成", " 环境监察大队编制34人", ""]
    titles = ["", "巴城杨家坝和龙泉CDE地块征拆情况", scope._title(documents[0].text), "西津片区征迁工作情况"]
    said = {None: 0, True: 0, False: 0}
    for title in titles:
        for clause in clauses:  # every clause asked twice a title: the second from the memo
            fresh = _clause_says_plain(clause, rules, title)
            assert scope._clause_says(clause, rules, title) == fresh, (clause, title)
            assert scope._clause_says(clause, rules, title) == fresh, (clause, title)
            said[fresh] += 1
    assert said[True] > 100 and said[False] > 10 and said[None] > 1000
    assert scope._clause_says("龙泉CDE地块共需拆迁380户", rules, titles[1]) is False
    assert scope._clause_says("龙泉CDE地块共需拆迁380户", rules, "") is True


def test_when_the_subject_memo_is_full_then_it_starts_again(ruleset):
    from pipeline import scope

    rules = ruleset.scope
    kept, restarts = 0, 0
    for k in range(scope._SUBJECTS_KEPT + 50):
        clause = f"第{k}片区完成"
        says = scope._clause_says(clause, rules, "")
        if k % 500 == 0 or k > scope._SUBJECTS_KEPT:
            assert says == _clause_says_plain(clause, rules, "")
        restarts += len(scope._subjects(rules)) < kept
        kept = len(scope._subjects(rules))
        assert kept <= scope._SUBJECTS_KEPT
    assert restarts == 1


def test_when_line_shapes_are_remembered_then_segment_gives_the_sentences_of_the_plain_reading(documents, ruleset):
    from dataclasses import replace

    from pipeline.segment import segment

    layout = ruleset.layout
    tabled = edged = 0
    edge = "  一、总体情况  \n\n\t甲\t乙\n本年收入100万元。其中：“财政拨款”90万元！  余下10万元\n（一）部门职能\n　　 \n本年收入100万元。"
    docx = [read_document(p) for p in sorted((ROOT / "cases").glob("reports*/*.docx"))]
    docs = documents + [readable_document(d, read_text(d.text, ruleset.reading)) for d in docx]
    docs += [replace(documents[0], text=edge, tables=())]
    for _round in range(2):  # the second round reads every line from the memo
        for d in docs:
            assert segment(d, layout) == _segment_plain(d, layout)
            tabled += bool(d.tables)
            edged += d.text == edge
    assert tabled >= 4 and edged == 2


def test_when_the_line_memo_is_full_then_it_starts_again_and_segment_is_unchanged(documents, ruleset):
    from dataclasses import replace

    from pipeline import segment as S

    layout = ruleset.layout
    lines = [f"第{k}段完成{k}户。其中{k % 7}户为货币安置" for k in range(S._SHAPES_KEPT + 100)]
    long = replace(documents[0], text="\n".join(lines), tables=())
    S.segment(documents[0], layout)
    assert S.segment(long, layout) == _segment_plain(long, layout)
    memo = S._shapes(layout)
    assert len(memo) <= S._SHAPES_KEPT and lines[-1] in memo and lines[0] not in memo  # it started again on the way


def test_when_the_twin_searches_a_window_then_it_finds_what_the_figure_pattern_finds(documents, ruleset):
    """task_wholes._share_after searches the twin within (pos, endpos): a lookbehind reads before pos and
    the text ends at endpos in both engines."""
    twin, _u, fig = figscan.scanner(ruleset.figure)
    found = 0
    texts = [d.text for d in documents] + ["共签订协议152户，占总户数的59.84%", "1２3户", "12分之", "12.5万元整"]
    for text in texts:
        for pos in range(0, len(text), 13):
            for end in (min(len(text), pos + 40), min(len(text), pos + 3), len(text)):
                plain = ruleset.figure.search(text, pos, end)
                got = twin.search(text, pos, end)
                assert (got and [got.span(g) for g in range(twin.groups + 1)]) == \
                    (plain and [plain.span(g) for g in range(ruleset.figure.groups + 1)]), (text[pos:end], pos, end)
                found += plain is not None
    assert found > 2000
    # reading before pos, and the end at endpos: 2 in 12户 is no figure of its own; 12分 is one before 之
    assert twin.search("12户", 1) is None and ruleset.figure.search("12户", 1) is None
    assert twin.search("12分之", 0, 3).span(fig) == ruleset.figure.search("12分之", 0, 3).span("fig") == (0, 3)
