"""Round 21 (speed), extract's table, form and 其中-parts passes: each cheap test or shortcut gives
what the plain computation gives, on the real sets' pages, the sample reports and texts built to
exercise it."""
from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
import regex

from pipeline.extraction import basis, parts, tables
from pipeline.extraction.fundrows import fund_rows, read_fund_rows
from pipeline.ingest import read_document
from pipeline.model import Basis
from pipeline.reading import read_text, readable_document
from pipeline.segment import read_meta, segment

ROOT = Path(__file__).resolve().parent.parent
SPACED = ("经费控制情况 单位：万元 2017年决算数 2018年预算数 2018年决算数 三公经费 29.08 63.46 44.29 "
          "1、公务用车购置和维护经费 11.86 41.46 39.30 2、出国经费 3、公务接待 17.22 22 4.99\n"
          "项目 预 算 数 决算数 基本支出 486.00 502.30 项目支出 12 13\n")
FUNDS = ("项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n"
         "年度资金总额 100 120 110 10 91.67% 9.17\n其中：本年财政拨款 | 90 | 89.974 | 89.974\n"
         "预算数 6.84 到位数 6.84 执行数 6.84 100.00\n总分 | 100 | 95\n自评得分\n省级财政部门\n四川省财政厅\n96\n"
         "年度资金总额1.561.56120\n(一)自评得分\n100分。\n")


def _texts() -> list[str]:
    paths = sorted((ROOT / "tests/cases/real").glob("*/docs/*")) + sorted((ROOT / "data/raw").iterdir())
    out = []
    for p in paths:
        if p.suffix in (".txt", ".docx", ".pdf"):
            out.append(read_document(p).text)
    assert len(out) > 100
    return out + [SPACED, FUNDS, SPACED.replace(" ", "  "), FUNDS.replace("\n", " ")]


@pytest.fixture(scope="module")
def texts():
    return _texts()


def _fuzz(ruleset, count: int) -> list[str]:
    """Texts of basis words, labels, years, figures, numbering and separators side by side."""
    rnd = random.Random(21)
    words = [w for b in (Basis.BUDGET, "adjusted", Basis.ACTUAL) for w in ruleset.basis_words[b]]
    words += [w for _, ws in ruleset.tables.basis_header for w in ws] + list(ruleset.basis_words["ignore"])
    pieces = words + ["三公经费", "基本支出", "公务接待", "2018年", "2019", "1、", "12.5", "3,000", "45%", "（万元）",
                      "单位：万元", "年度", "合计", "其中", "预", "算", "数", "。", "，", "（", "）", "(", ")"]
    seps = [" ", "  ", "\n", "|", " | ", "", "\t", "\u3000", ""]
    return ["".join(rnd.choice(pieces) + rnd.choice(seps) for _ in range(rnd.randint(2, 40))) for _ in range(count)]


def _spaced_rows_reference(text, ruleset, units):
    """_spaced_rows as it was: every token asked whether it may head a column, one position at a time."""
    words, pair = tables._spaced_gate(ruleset)
    first = next((m.start() for m in words.finditer(text) if pair.match(text, m.start())), None)
    if first is None:
        return
    tokens = list(tables._TOKEN.finditer(text, text.rfind("\n", 0, first) + 1))
    figure = [t.lastgroup is not None for t in tokens]

    def may_head(word):
        return len(word) <= tables._SPACED_HEAD_CHARS and not tables.is_figure(word) \
            and tables._header_basis(word, ruleset) not in (None, tables.TARGET_COLUMN)

    i = 0
    while i < len(tokens):
        run = i
        while run < len(tokens) and may_head(tokens[run].group()):
            run += 1
        if run - i < 2:
            i += 1
            continue
        heads = [t.group() for t in tokens[i:run]]
        before = text[max(0, tokens[i].start() - tables._SPACED_UNIT_CHARS):tokens[i].start()]
        found = list(tables._UNIT_IN_TITLE.finditer(before))
        hint = tables.parse_unit_header("单位：" + found[-1].group(1), units) if found else None
        j, end = run, min(len(tokens), run + tables._SPACED_ROW_TOKENS)
        while j < end:
            label_start = j
            while j < end and not figure[j]:
                j += 1
            label_words = [t.group() for t in tokens[label_start:j]]
            if any(len(w) > tables.FORM_LABEL_CHARS for w in label_words):
                break
            figures_start = j
            while j < end and figure[j]:
                j += 1
            if j - figures_start != len(heads) or not label_words:
                continue
            metric = next((m for k in range(len(label_words))
                           if (m := tables.lookup_label(tables._strip_unit("".join(label_words[k:])), ruleset))), None)
            if metric is None:
                continue
            for head, t in zip(heads, tokens[figures_start:j]):
                yield metric, tables.CellText(t.start(), t.end(), t.group()), head, hint
        i = max(j, i + 1)


def test_spaced_rows_as_before(ruleset, texts):
    found = 0
    for text in texts + _fuzz(ruleset, 3000):
        fast = list(tables._spaced_rows(text, ruleset, ruleset.units))
        assert fast == list(_spaced_rows_reference(text, ruleset, ruleset.units)), text[:200]
        found += bool(fast)
    assert found >= 2  # the test reads forms, not only pages without one


def test_only_tokens_holding_a_basis_word_may_head(ruleset, texts):
    """_may_head asks only the tokens a basis word's hit stands in: every token that may head is among them."""
    words, _ = tables._spaced_gate(ruleset)
    assert words.pattern  # the rules' basis words are Chinese only: the gate is on
    heads = 0
    for text in texts + _fuzz(ruleset, 3000):
        tokens = list(tables._TOKEN.finditer(text))
        asked = tables._may_head(tokens, text, 0, words, ruleset)
        for k, t in enumerate(tokens):
            w = t.group()
            may = len(w) <= tables._SPACED_HEAD_CHARS and not tables.is_figure(w) \
                and tables._header_basis(w, ruleset) not in (None, tables.TARGET_COLUMN)
            assert asked.get(k, False) == may, (w, text[:200])
            heads += may
    assert heads > 100


def _is_figure_before(text: str) -> bool:
    body = text.strip()
    return bool(body) and bool(tables._BARE_FIGURE.fullmatch(body)) and any(ch.isdigit() for ch in body)


def test_cell_tests_as_before(ruleset, texts):
    cells = {c for text in texts + _fuzz(ruleset, 500) for line in text.split("\n")
             for c in [line, *tables._SPLIT.split(line)]}
    cells |= {"", " ", "１２", "²", "≥ 95", "约12.5", "1,200", "（万元）", "基本支出(万元)", "(人)"}
    for c in cells:
        assert tables.is_figure(c) == _is_figure_before(c), c
        assert tables._strip_unit(c) == tables._BRACKET_UNIT.sub("", c), c
        for pos in {0, len(c) // 2, len(c)}:
            assert parts._in_brackets(c, pos) == _in_brackets_before(c, pos), (c, pos)


def _in_brackets_before(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[:pos]:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(depth - 1, 0)
    return depth > 0


def _clean_before(text, ruleset):
    for word in ruleset.basis_words["ignore"]:
        text = text.replace(word, "\0" * len(word))
    return text


def test_basis_tests_as_before(ruleset, texts):
    clauses = {c for text in texts + _fuzz(ruleset, 1000) for c in regex.split(r"[，。；\n]", text)}
    some = 0
    for c in clauses:
        assert basis._clean_basis_text(c, ruleset) == _clean_before(c, ruleset), c
        assert basis.nearest_basis(c, ruleset) == basis._nearest_by_words(c, ruleset), c
        some += basis.nearest_basis(c, ruleset) is not None
    assert some > 100


def test_fund_rows_gates_as_before(ruleset, texts):
    """A page is scanned for a pattern only when it holds one of its words: the same rows and facts
    as with no such test (the words emptied)."""
    rows = ruleset.fundrows
    ungated = replace(rows, label_words=(), score_words=(), pair_words=(), score_cell_words=())
    plain = replace(ruleset, fundrows=ungated)

    def shown(found):
        return [(r.label_start, r.label_end, sorted((k, c.start(), c.end(), c.group()) for k, c in r.cells.items()),
                 sorted((k, c.start(), c.end()) for k, c in r.parts.items()), r.part_label) for r in found]

    read = 0
    for text in texts:
        assert shown(fund_rows(text, rows)) == shown(fund_rows(text, ungated))
        read += bool(fund_rows(text, rows))
    assert read >= 5
    for path in sorted((ROOT / "tests/cases/real").glob("*/docs/*.txt"))[:60]:
        document = read_document(path)
        readable = readable_document(document, read_text(document.text, ruleset.reading))
        sentences = segment(readable, ruleset.layout)
        meta = read_meta(readable, ruleset.layout)
        assert read_fund_rows(readable, sentences, meta, ruleset, ruleset.units, set()) == \
            read_fund_rows(readable, sentences, meta, plain, plain.units, set())


def _last_label_before(text, ruleset):
    from pipeline.rules import normalize_label
    flat = normalize_label(text)
    best = None
    for label, metric in ruleset.labels.items():
        pos = flat.rfind(label)
        if pos >= 0 and (best is None or (pos + len(label), len(label)) > best[0]):
            best = ((pos + len(label), len(label)), metric)
    return best[1] if best else None


def test_last_label_as_before(ruleset, texts):
    """One Aho–Corasick pass finds the label the loop over every label finds (the last end, then the longest)."""
    from pipeline.extraction.labels import last_label_in
    pieces = {p for text in texts + _fuzz(ruleset, 500) for line in text.split("\n") for p in (line, line[:40], line[-30:])}
    pieces |= set(ruleset.labels) | {"", "基本支出项目支出", "项目支出基本支出"}
    found = 0
    for p in pieces:
        assert last_label_in(p, ruleset) == _last_label_before(p, ruleset), p
        found += last_label_in(p, ruleset) is not None
    assert found > 100


def _list_end_before(text, at, ruleset):
    words = ruleset.enumeration.get("list_end", ())
    for k in range(at + 2, len(text)):
        if text[k] in "，,；;" and text.startswith(words, k + 1):
            return k
    return len(text)


def test_list_splits_as_before(ruleset, texts):
    clauses = {c for text in texts + _fuzz(ruleset, 500) for c in text.split("\n")}
    clauses |= {"", "1,200万元，其中1,000万元、200万元", "基本支出（人员经费100，公用经费20）、项目支出30", "a,b,1,2,"}
    for c in clauses:
        for seps in ("，,；;", "、", "，,；;、"):
            assert parts._split_outside_brackets(c, seps) == parts._split_walk(c, seps), (c, seps)
        for at in {0, c.find("其中"), len(c) // 3, len(c)} - {-1}:
            assert parts.list_end(c, at, ruleset) == _list_end_before(c, at, ruleset), (c, at)


def test_figure_opens_and_closes(ruleset, texts):
    """Every text _BARE_FIGURE matches opens and closes with one of the characters is_figure tests first."""
    rnd = random.Random(13)
    parts_of = [["", " ", "|", "｜", "\u3000"], ["", "≥", "≤", "＞", "＜", ">", "<", "=", "＝", "不少于", "不低于", "不超过", "不高于"],
                ["", " ", "\t"], ["", "近", "约", "超过"], ["", " "], ["1", "０", "9", "12.5", "1,200", "３，０００", "7．"],
                ["", " "], ["", "余", "多"], ["", "\u3000"], ["", "万", "亿", "千"], ["", " "],
                ["", "元", "亩", "公顷", "人", "名", "户", "栋", "幢", "个", "件", "起", "批次", "次", "宗", "份", "套", "项", "分", "%", "％"],
                ["", " |", "｜", " "]]
    made = 0
    for _ in range(20000):
        t = "".join(rnd.choice(p) for p in parts_of)
        body = t.strip()
        if tables._BARE_FIGURE.fullmatch(body):
            made += 1
            assert body[0] in tables._FIGURE_OPENS and body[-1] in tables._FIGURE_CLOSES, t
            assert tables.is_figure(t)
    assert made > 15000
    for text in texts:
        for line in text.split("\n"):
            for c in [line, *tables._SPLIT.split(line)]:
                assert tables.is_figure(c) == _is_figure_before(c), c
