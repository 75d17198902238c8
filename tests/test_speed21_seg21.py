"""speed21 (seg21): the cheap tests that stand before a reader give what the reader gives.

Each fast path is checked against the code it replaced (kept here as the reference) or against
what the gate must imply, on the real sets' pages, data/raw and strings built to hit the edges.
"""
from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
import regex

from pipeline.errors import IngestError
from pipeline.ingest import read_document
from pipeline.readers.sniff import _CJK_RANGES, rare_cjk_share
from pipeline.reading import read_text, readable_document
from pipeline.segment import _tabular, heading_level, segment
from pipeline.selfeval.read import _lines, _may_grid, read_indicators

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(ROOT.glob("tests/cases/real/*/docs/*")) + sorted((ROOT / "data" / "raw").glob("0*"))


@pytest.fixture(scope="module")
def documents(ruleset):
    out = []
    for path in PAGES:
        try:
            original = read_document(path)
        except IngestError:
            continue
        out.append(readable_document(original, read_text(original.text, ruleset.reading)))
    assert len(out) > 250
    return out


# self-evaluation: a page that cannot hold a header ------------------------------------------

def _roles_of_every_cell(document, vocab) -> set[str]:
    """The roles the cells of the page name, every cell read (words split: the reader's full path)."""
    return {r for _kind, cells in _lines(document, vocab) for c in cells if (r := vocab.role_of(c.text))}


def _could_head(roles: set[str], min_roles: int) -> bool:
    return len(roles) >= min_roles and bool(roles & {"level3", "target"}) and (
        bool(roles & {"weight", "score"}) or {"target", "actual"} <= roles)


def test_a_page_may_head_wherever_its_cells_name_a_header_s_roles(documents, ruleset):
    vocab = ruleset.indicators
    gated = 0
    for document in documents:
        if not vocab.may_head(document.text):
            gated += 1
            assert not _could_head(_roles_of_every_cell(document, vocab), vocab.min_roles), document.doc
    assert gated > 50  # the gate does its work on the real pages


@pytest.mark.parametrize("text", [
    "三级 指标 | 年度指 标值 | 实际 完成值 | 分 值 | 得分",  # words the layout spaced
    "指标名称\n指标值(A)\n完成值(B)\n分值\n得分",  # annotations after the words
    "三级指\x1c标\t目标值\t实际值\t权重\n",  # a separator str.split takes for a space
    "三级(A)指标 | 目标(B/A)值 | 完成值 | 得分",  # an annotation inside a word
])
def test_a_header_broken_by_spaces_or_annotations_is_still_looked_for(ruleset, text):
    vocab = ruleset.indicators
    assert vocab.may_head(text)


def test_a_gated_page_reads_the_same_rows(documents, ruleset):
    """Pages gated (no header possible), their grid lines read alone: the same indicators as the
    words split (the templates read grid lines only)."""
    vocab = ruleset.indicators
    for document in documents:
        if vocab.may_head(document.text) or not _may_grid(document):
            continue
        full, grid = _lines(document, vocab), _lines(document, vocab, words=False)
        assert [k for k, _ in full] == [k for k, _ in grid]
        assert [c for k, c in full if k == "grid"] == [c for k, c in grid if k == "grid"]


def test_may_grid_holds_wherever_a_grid_line_is_read(documents, ruleset):
    for document in documents:
        if not _may_grid(document):
            assert all(kind == "text" for kind, _ in _lines(document, ruleset.indicators)), document.doc


def test_the_readers_still_find_the_selfeval_sets_rows(ruleset):
    docs = sorted(ROOT.glob("tests/cases/real/selfeval*/docs/*"))
    found = sum(bool(read_indicators(readable_document(d, read_text(d.text, ruleset.reading)), ruleset))
                for d in map(read_document, docs))
    assert found > len(docs) // 2


# segment --------------------------------------------------------------------------------------

def _old_heading_level(line, layout):
    body = line.strip()
    if not body:
        return None
    short = len(body) <= layout.max_heading_chars
    inner_stop = any(c in body[:-1] for c in layout.sentence_end)
    if body[-1] in "；;，,、：:" or inner_stop:
        return None
    for level, marker in layout.headings:
        if marker.match(body):
            if not regex.search(r"\p{Han}", body):
                return None
            return level if short else None
    if len(body) <= layout.plain_max and not any(c in body for c in layout.sentence_end + "，,；;") \
            and body.endswith(layout.plain_words):
        return 9
    return None


_OLD_TABULAR = re.compile(r"(?<=\S)(?:[ \u3000]{2,}|\t|[ \u3000]*[|｜][ \u3000]*)[^\s|｜]")


def _lines_of(documents, extra: int = 3000):
    lines = [ln for d in documents for ln in d.text.split("\n")]
    rng = random.Random(21)
    pieces = ["一、", "（二）", "3.", "（4）", "附件1", "情况", "报告", "。", "，", "；", "：", " ", "  ", "\u3000",
              "|", "｜", "\t", "73", "部门", "x" * 30, "基本支出"]
    lines += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(extra)]
    return lines


def test_heading_level_is_the_old_one(documents, ruleset):
    layout = ruleset.layout
    for line in _lines_of(documents):
        assert heading_level(line, layout) == _old_heading_level(line, layout), line


def test_tabular_is_the_old_test(documents):
    for line in _lines_of(documents):
        body = line.strip()
        old = bool(_OLD_TABULAR.search(body)) and not any(c in body for c in "。，；")
        assert _tabular(body) == old, line


def test_sentences_are_their_text_stripped(documents, ruleset):
    for document in documents:
        for s in segment(document, ruleset.layout):
            assert s.text == document.text[s.start:s.end] == s.text.strip() and s.text


# ingest ---------------------------------------------------------------------------------------

def test_gb2312_encodes_every_cjk_character_it_holds_in_two_bytes():
    cjk = re.compile(f"[{_CJK_RANGES}]")
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if cjk.match(c):
            try:
                assert len(c.encode("gb2312")) == 2, hex(cp)
            except UnicodeEncodeError:
                pass


def _old_rare_cjk_share(text: str) -> float:
    counts = Counter(re.findall(f"[{_CJK_RANGES}]", text[:1_000_000]))
    total = sum(counts.values())
    if total < 20:
        return 0.0
    rare = 0
    for ch, n in counts.items():
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            rare += n
    return rare / total


def test_rare_cjk_share_is_the_old_count(documents):
    rng = random.Random(21)
    texts = [d.text for d in documents]
    texts += ["".join(chr(rng.choice([rng.randint(0x4E00, 0x9FFF), rng.randint(0x3400, 0x4DBF),
                                      rng.randint(0x20000, 0x2A6DF), rng.randint(0x20, 0x7E), 0x3000]))
                      for _ in range(rng.randint(0, 300))) for _ in range(300)]
    texts += ["醟嶜魮鎱䌼㳑颲䢳㨋䌪魌㮌䌜騬釱㯎鈅頔㻵䝖銄釐", "完成征收土地8272畝，簽約1326戶" * 3]
    for text in texts:
        assert rare_cjk_share(text) == _old_rare_cjk_share(text)


def test_a_line_s_table_row_is_the_first_one_starting_in_it(documents):
    from pipeline.selfeval.read import _row_at

    tabled = [d for d in documents if d.tables]
    assert tabled
    for document in tabled:
        rows = {}
        for table in document.tables:
            for row in table.rows:
                if row:
                    rows[row[0].start] = row
        keys, order = sorted(rows), {k: i for i, k in enumerate(rows)}
        pos = 0
        for line in document.text.split("\n"):
            start, end = pos, pos + len(line)
            pos = end + 1
            old = next((v for k, v in rows.items() if start <= k <= end), None)
            assert _row_at(rows, keys, order, start, end) is old
    # rows out of order, and two starting on one line: the first in the tables' order wins
    rows = {9: "c", 3: "a", 5: "b"}
    assert _row_at(rows, sorted(rows), {k: i for i, k in enumerate(rows)}, 0, 10) == "c"
    assert _row_at(rows, sorted(rows), {k: i for i, k in enumerate(rows)}, 4, 6) == "b"
    assert _row_at(rows, sorted(rows), {k: i for i, k in enumerate(rows)}, 6, 8) is None
