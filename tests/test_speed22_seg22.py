"""speed22 (seg22): the cheaper segment and restore give what the code they replaced gave.

The replaced code is kept here as the reference (``_old_segment``, ``_old_restore``) and run on the
real sets' pages, data/raw and texts built to hit the edges (empty lines, spaces around sentences,
headings of every level, table rows, texts whose readable form drops characters at the start,
the middle and the end).
"""
from __future__ import annotations

import random
from bisect import bisect_right
from pathlib import Path

import pytest
import regex

from pipeline.errors import IngestError
from pipeline.ingest import read_document
from pipeline.model import Document, Fact, Kind, Sentence
from pipeline.reading import FUND_ROW_RULE, Reading, Runs, _mover, read_text, readable_document, restore
from pipeline.rebuild import moved
from pipeline.segment import _markers, _tabular, heading_level, load_layout, segment

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(ROOT.glob("tests/cases/real/*/docs/*")) + sorted((ROOT / "data" / "raw").glob("0*"))


@pytest.fixture(scope="module")
def originals():
    out = []
    for path in PAGES:
        try:
            out.append(read_document(path))
        except IngestError:
            continue
    assert len(out) > 250
    return out


def _built_texts(n: int = 400) -> list[str]:
    """Texts of random lines: headings of each marker, prose with sentence ends and spaces around
    them, table-like rows, blank lines, figures split from their units (which reading joins)."""
    rng = random.Random(22)
    pieces = ["一、", "（二）", "3.", "12 ", "（4）", "附件1", "基本情况", "报告", "。", "！", "？", "，", "；", "：",
              " ", "  ", "\u3000", "|", "\t", "73", "部门", "人员编制 42人", "2019 年", "x" * 30, "”", "）",
              "項(xiàng)目", "\n", "\n\n", "基本支出情况"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(n)]


# segment ----------------------------------------------------------------------------------------

def _old_segment(document: Document, layout) -> list[Sentence]:
    """segment as it was before speed22: one closure call per sentence, a Sentence made in it."""
    text = document.text
    doc = document.doc
    table_spans = sorted((t.start, t.end) for t in document.tables)
    table_starts = [s for s, _ in table_spans]
    stack: list[tuple[int, str]] = []
    section = ""
    out: list[Sentence] = []
    split = layout.sentence_split.finditer

    def add(start: int, end: int, kind: str) -> None:
        piece = text[start:end]
        body = piece.strip()
        if body:
            start += len(piece) - len(piece.lstrip())
            out.append(Sentence(doc, section, len(out), start, start + len(body), body, kind))

    end = -1
    for line in text.split("\n"):
        start = end + 1
        end = start + len(line)
        body = line.strip()
        if not body:
            continue
        if table_starts:
            i = bisect_right(table_starts, start) - 1
            if i >= 0 and table_spans[i][0] <= start < table_spans[i][1]:
                add(start, end, "row")
                continue
        if "\t" in body or _tabular(body):
            add(start, end, "row")
            continue
        level = _old_heading_level(body, layout)
        if level is not None:
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, body))
            section = " > ".join(title for _, title in stack)
            add(start, end, "heading")
            continue
        pos = start
        for m in split(text, start, end):
            add(pos, m.end(), "prose")
            pos = m.end()
        if pos < end:
            add(pos, end, "prose")
    return out


def _old_heading_level(body: str, layout) -> int | None:
    """_heading_level before speed22: each marker matched in turn."""
    short = len(body) <= layout.max_heading_chars
    if not short and len(body) > layout.plain_max:
        return None
    if body[-1] in "；;，,、：:" or any(c in body[:-1] for c in layout.sentence_end):
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


def test_segment_gives_the_old_sentences_on_the_real_pages(originals, ruleset):
    for original in originals:
        for document in (original, readable_document(original, read_text(original.text, ruleset.reading))):
            assert segment(document, ruleset.layout) == _old_segment(document, ruleset.layout), document.doc


def test_segment_gives_the_old_sentences_on_built_texts(ruleset):
    texts = _built_texts() + ["", "\n", " \n\u3000", "一、总体情况\n（一）基本情况\n1. 人员情况。其中 2 人。 \n  "]
    for text in texts:
        document = Document(doc="t.txt", path="t.txt", kind="txt", text=text, sha256="")
        assert segment(document, ruleset.layout) == _old_segment(document, ruleset.layout), text


def test_segment_of_a_docx_keeps_its_table_rows(tmp_path, ruleset):
    import docx

    d = docx.Document()
    d.add_paragraph("一、部门基本情况")
    d.add_paragraph("  本部门核定编制42人。实有在职人员40人！ ")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "金额（万元）"
    table.cell(1, 0).text, table.cell(1, 1).text = "基本支出", "157.23"
    d.add_paragraph("（一）绩效目标")
    path = tmp_path / "r.docx"
    d.save(path)
    document = read_document(path)
    sentences = segment(document, ruleset.layout)
    assert sentences == _old_segment(document, ruleset.layout)
    assert [s.kind for s in sentences] == ["heading", "prose", "prose", "row", "row", "heading"]
    assert sentences[-1].section == "一、部门基本情况 > （一）绩效目标"


def test_heading_level_is_the_old_one_on_every_line(originals, ruleset):
    layout = ruleset.layout
    lines = [ln for d in originals for ln in d.text.split("\n")] + [ln for t in _built_texts() for ln in t.split("\n")]
    for line in lines:
        body = line.strip()
        assert heading_level(line, layout) == (_old_heading_level(body, layout) if body else None), line


def test_markers_joined_take_the_first_marker_that_matches():
    layout = load_layout()
    joined = _markers(layout.headings)
    assert joined is not None
    for line in ["附件1", "一、总体", "（二）目标", "3.人员", "12 经费", "（4）其他", "人员", "3.5万元", "（5"]:
        first = next((level for level, marker in layout.headings if marker.match(line)), None)
        m = joined.match(line)
        assert (None if m is None else layout.headings[m.lastindex - 1][0]) == first, line


def test_markers_with_groups_of_their_own_are_tried_one_by_one():
    headings = ((1, regex.compile(r"(一)、")), (2, regex.compile(r"二、")))
    assert _markers(headings) is None
    layout = load_layout()
    from dataclasses import replace

    grouped = replace(layout, headings=headings)
    assert heading_level("一、总体情况", grouped) == 1
    assert heading_level("二、目标", grouped) == 2
    assert heading_level("三、人员", grouped) is None


# restore ----------------------------------------------------------------------------------------

def _old_to_original(reading: Reading, start: int, end: int) -> tuple[int, int]:
    origin = reading.origin
    if origin is None:
        return start, end
    if end <= start:
        at = origin[start] if start < len(origin) else origin[-1] + 1
        return at, at
    return origin[start], origin[end - 1] + 1


def _old_restore(facts: list[Fact], reading: Reading, original: str) -> list[Fact]:
    """restore before speed22: every span through Reading.to_original."""
    if reading.text == original:
        return facts
    out = []
    for f in facts:
        start, end = _old_to_original(reading, f.start, f.end)
        q_at = reading.text.find(f.quote, max(0, f.end - len(f.quote)))
        if 0 <= q_at <= f.start:
            q_start, q_end = _old_to_original(reading, q_at, q_at + len(f.quote))
            quote = original[q_start:q_end]
        else:
            quote = original[start:end]
        group = _old_to_original(reading, f.group, f.group + 1)[0] \
            if getattr(f, "group", None) is not None and getattr(f, "rule_id", "") == FUND_ROW_RULE else None
        raw = original[start:end]
        if group is None and start == f.start and end == f.end and quote == f.quote and raw == f.raw:
            out.append(f)
        else:
            out.append(moved(f, start=start, end=end, quote=quote, raw=raw)
                       if group is None else moved(f, start=start, end=end, quote=quote, raw=raw, group=group))
    return out


def _runs_readings() -> list[Reading]:
    """Readings over Runs: a first run of every length (0 and 1 too), one-character runs, gaps."""
    rng = random.Random(2022)
    out = []
    for _ in range(200):
        runs, r, o = [], 0, rng.randint(0, 3)
        for _ in range(rng.randint(1, 6)):
            n = rng.choice([0, 1, 1, 2, 5, 17])
            runs.append((r, o, n))
            r, o = r + n, o + n + rng.randint(1, 3)
        origin = Runs(runs)
        if len(origin):
            out.append(Reading("x" * len(origin), origin))
    return out


def test_mover_is_to_original_on_every_span():
    for reading in _runs_readings():
        to = _mover(reading)
        size = len(reading.origin)
        for start in range(0, size + 1):
            for end in range(start, size + 1):
                assert to(start, end) == reading.to_original(start, end) == _old_to_original(reading, start, end)
        for start, end in [(size - 1, size + 3), (size, size)]:  # past the end: as to_original says
            try:
                want = reading.to_original(start, end)
            except IndexError:
                with pytest.raises(IndexError):
                    to(start, end)
            else:
                assert to(start, end) == want


def test_mover_of_a_tuple_origin_or_none_is_to_original():
    tupled = Reading("人员编制42人", (0, 1, 2, 3, 5, 6, 7))
    assert _mover(tupled)(4, 7) == (5, 8)
    assert _mover(Reading("abc"))(1, 2) == (1, 2)


def _fact(text: str, start: int, end: int, quote: str, rule_id: str = "r", group: int | None = None) -> Fact:
    from decimal import Decimal

    return Fact(doc="d", metric="m", value=Decimal(1), unit="yuan", kind=Kind.LEVEL, approx=False, basis=None,
                quote=quote, start=start, end=end, rule_id=rule_id, raw=text[start:end], group=group)


def test_restore_gives_the_old_facts_on_the_real_pages(originals, ruleset):
    changed = 0
    for original in originals:
        reading = read_text(original.text, ruleset.reading)
        if reading.text == original.text:
            continue
        changed += 1
        readable = readable_document(original, reading)
        facts = []
        for s in segment(readable, ruleset.layout):  # a fact at each figure, quoting its sentence
            for m in regex.finditer(r"[0-9]+(?:\.[0-9]+)?", s.text):
                start = s.start + m.start()
                facts.append(_fact(readable.text, start, s.start + m.end(), s.text, FUND_ROW_RULE if start % 2 else "r",
                                   group=s.start if start % 3 == 0 else None))
            facts.append(_fact(readable.text, s.start, s.end, "不在文中的引文"))  # a quote not found
        assert restore(facts, reading, original.text) == _old_restore(facts, reading, original.text), original.doc
    assert changed > 10


def test_restore_gives_the_old_facts_on_built_texts(ruleset):
    for text in _built_texts():
        reading = read_text(text, ruleset.reading)
        facts = [_fact(reading.text, a, b, reading.text[max(0, a - 3):b + 2])
                 for a in range(0, len(reading.text), 3) for b in (a, a + 1, a + 4) if b <= len(reading.text)]
        assert restore(facts, reading, text) == _old_restore(facts, reading, text), text


# sniff ------------------------------------------------------------------------------------------

def test_every_character_of_the_unprintable_patterns_is_unprintable_or_the_replacement_character():
    import sys

    from pipeline.readers.sniff import _UNPRINTABLE

    for pattern in _UNPRINTABLE:
        for cp in range(sys.maxunicode + 1):
            c = chr(cp)
            if pattern.match(c):
                assert not c.isprintable() or c == "\ufffd", (pattern.pattern, hex(cp))


def _old_bad_share(text: str, pattern) -> float:
    sample = text[:1_000_000]
    if pattern.search(sample) is None:
        return 0.0
    visible = len(sample) - sum(sample.count(c) for c in " \t\n\r\f\v\u3000")
    if visible <= 0:
        return 0.0
    return len(pattern.findall(sample)) / visible


def test_bad_share_is_the_old_share(originals):
    from pipeline.readers.sniff import _BAD, _CONTROLS, _PRIVATES, bad_share

    rng = random.Random(23)
    alphabet = ["人", "员", "1", " ", "\n", "\t", "\u3000", "\xa0", "\r", "\x00", "\x1c", "\x85", "\ufffd",
                "\ufffe", "\ue000", "\u200b", "\U00020000", "a"]
    texts = [d.text for d in originals] + ["", "\n\n", "\ufffd", "\x1f"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(2000)]
    for text in texts:
        for pattern in (_BAD, _CONTROLS, _PRIVATES):
            assert bad_share(text, pattern) == _old_bad_share(text, pattern), repr(text)


# fund rows --------------------------------------------------------------------------------------

def _shown(found):
    return [(r.label_start, r.label_end, sorted((k, c.start(), c.end(), c.group()) for k, c in r.cells.items()),
             sorted((k, c.start(), c.end()) for k, c in r.parts.items()), r.part_label) for r in found]


def test_fund_rows_kept_for_the_last_text_are_the_rows_read_afresh(originals, ruleset):
    from dataclasses import replace

    from pipeline.extraction.fundrows import _fund_rows, fund_rows

    rows = ruleset.fundrows
    texts = [d.text for d in originals]
    read = 0
    for before, text in zip(texts, texts[1:]):
        fund_rows(before, rows)
        first = fund_rows(text, rows)
        assert fund_rows(text, rows) is first  # the same text again: kept
        assert _shown(first) == _shown(_fund_rows(text, rows))
        read += bool(first)
    assert read >= 5
    # another RuleSet's rows over the same text: read with those rows, not the kept ones
    text = next(t for t in texts if fund_rows(t, rows))
    fund_rows(text, rows)
    none = replace(rows, label_words=("不在任何页面上的词语",))
    assert _shown(fund_rows(text, none)) == _shown(_fund_rows(text, none))
    assert _shown(fund_rows(text, rows)) == _shown(_fund_rows(text, rows))


# docx -------------------------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _old_inline(walker, el, parts: list, boxes: list) -> None:
    """_Walker._inline before speed22: the marks, the text box, then the skipped, in turn."""
    w = lambda tag: f"{{{_W}}}{tag}"  # noqa: E731
    marks = {w("t"): None, w("tab"): "\t", w("ptab"): "\t", w("br"): "\n", w("cr"): "\n", w("noBreakHyphen"): "-"}
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag in marks:
            parts.append((child.text or "") if marks[tag] is None else marks[tag])
        elif tag == w("txbxContent"):
            boxes.append(child)
        elif not isinstance(tag, str) or tag in walker.SKIP:
            continue
        else:
            _old_inline(walker, child, parts, boxes)


def _random_paragraph(rng: random.Random) -> str:
    inner = ["<w:t>人员</w:t>", "<w:t xml:space=\"preserve\"> 42 </w:t>", "<w:t/>", "<w:tab/>", "<w:ptab/>", "<w:br/>",
             "<w:cr/>", "<w:noBreakHyphen/>", "<w:rPr><w:b/></w:rPr>", "<w:delText>删</w:delText>",
             "<w:instrText> PAGE </w:instrText>", "<w:fldChar/>", "<!-- 注释 -->", "<?pi 指令?>", "<w:sym/>",
             "<w:bookmarkStart/>", "<w:unknown><w:t>未知</w:t></w:unknown>"]

    def node(depth: int) -> str:
        kind = rng.randint(0, 9 if depth < 3 else 0)
        if kind <= 4:
            return rng.choice(inner)
        wrapper = rng.choice(["w:r", "w:hyperlink", "w:ins", "w:del", "w:smartTag", "w:txbxContent", "w:pPr", "w:moveFrom"])
        return f"<{wrapper}>" + "".join(node(depth + 1) for _ in range(rng.randint(0, 4))) + f"</{wrapper}>"

    return f'<w:p xmlns:w="{_W}">' + "".join(node(0) for _ in range(rng.randint(0, 6))) + "</w:p>"


def test_docx_inline_text_is_the_old_walk():
    from lxml import etree

    from pipeline.readers.docx import Numbering, _Walker

    walker = _Walker(_W, Numbering(_W, None, None))
    rng = random.Random(24)
    for _ in range(3000):
        xml = _random_paragraph(rng)
        p = etree.fromstring(xml.encode())
        new_parts, new_boxes, old_parts, old_boxes = [], [], [], []
        walker._inline(p, new_parts, new_boxes)
        _old_inline(walker, p, old_parts, old_boxes)
        assert new_parts == old_parts and new_boxes == old_boxes, xml


def test_docx_paragraphs_tables_and_lists_read_as_lines(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("一、部门基本情况")
    d.add_paragraph("第一项", style="List Number")
    d.add_paragraph("第二项", style="List Number")
    p = d.add_paragraph("核定编制")
    p.add_run("\t42人")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "金额"
    table.cell(1, 0).text, table.cell(1, 1).text = "合计", "157.23"
    path = tmp_path / "r.docx"
    d.save(path)
    document = read_document(path)
    lines = document.text.split("\n")
    assert lines[0] == "一、部门基本情况" and lines[3] == "核定编制\t42人"
    assert lines[1].endswith("第一项") and lines[2].endswith("第二项")
    assert lines[-2:] == ["项目\t金额", "合计\t157.23"]
    cell = document.tables[0].rows[1][1]
    assert document.text[cell.start:cell.end] == "157.23"


# parts: the sentences holding a total word ------------------------------------------------------

def _total_word_texts() -> list[str]:
    """Texts of the total words' characters cut by end marks, spaces and line breaks at random."""
    rng = random.Random(25)
    alphabet = ["合", "计", "总", "额", "共", "累", "。", "！", " ", "\n", "\t", "3"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(500)]


def test_sentences_holding_a_total_word_are_those_whose_own_search_finds_one(originals, ruleset):
    from pipeline.extraction.parts import _TOTAL_WORD, _holding

    documents = [readable_document(d, read_text(d.text, ruleset.reading)) for d in originals]
    documents += [Document(doc="t.txt", path="t.txt", kind="txt", text=t, sha256="")
                  for t in _built_texts() + ["合计。合计\n总计 共计", "总额合计总计。累计\t合计|共计"] + _total_word_texts()]
    held = 0
    for document in documents:
        sentences = segment(document, ruleset.layout)
        want = [s for s in sentences if _TOTAL_WORD.search(s.text)]
        assert _holding(sentences, document.text, _TOTAL_WORD) == want, document.doc
        held += len(want)
    assert held > 100


def test_the_total_words_are_han_characters_alone():
    from pipeline.extraction.parts import _TOTAL_WORD

    assert regex.fullmatch(r"(?:\p{Han}+\|)*\p{Han}+", _TOTAL_WORD.pattern)


def test_year_mentions_are_the_pattern_s_on_every_text(originals):
    from pipeline.segment import _YEAR, year_mentions

    fullwidth = str.maketrans("０１２３４５６７８９", "0123456789")
    rng = random.Random(26)
    alphabet = ["2", "0", "1", "9", "年", "２", "０", "１", "９", "度", " ", "在"]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    texts += [d.text[:k] for d in originals[:60] for k in (0, 40, 400, 4000)]
    found = 0
    for text in texts:
        want = [(m.start(), int(m.group(1).translate(fullwidth))) for m in _YEAR.finditer(text)]
        assert year_mentions(text) == want, text
        found += bool(want)
    assert found > 50


def test_sentences_set_by_their_slots_are_the_class_s_own(monkeypatch):
    import pickle

    from pipeline import segment as seg

    assert seg._new_sentence is not Sentence  # the model is what the fast path needs: it is the path taken
    pieces = [("", 0, 4, "一、总体", "heading"), ("一、总体", 5, 12, "人员编制42人。", "prose"), ("一、总体", 13, 20, "a\tb", "row")]
    fast = seg._sentences("r.txt", pieces)
    want = [Sentence("r.txt", sec, i, s, e, t, k) for i, (sec, s, e, t, k) in enumerate(pieces)]
    assert fast == want
    assert [repr(s) for s in fast] == [repr(s) for s in want] and [hash(s) for s in fast] == [hash(s) for s in want]
    assert pickle.loads(pickle.dumps(fast)) == want
    with pytest.raises(AttributeError):
        fast[0].start = 3  # still frozen
    monkeypatch.setattr(seg, "_new_sentence", Sentence)  # a model the fast path cannot serve: the class builds them
    assert seg._sentences("r.txt", pieces) == want


def test_moved_by_slots_is_replace(originals, ruleset):
    import dataclasses
    import pickle

    from pipeline.model import _SPECS as _FIELDS
    from pipeline.model import Cell, Mention, builder

    assert builder(Fact) is not Fact and builder(Mention) is not Mention  # the slots path is taken
    fact = _fact("人员编制42人", 4, 6, "人员编制42人", FUND_ROW_RULE, group=0)
    for changes in [{}, {"start": 5, "end": 7}, {"quote": "q", "raw": "42", "group": 3}]:
        want = dataclasses.replace(fact, **changes)
        got = moved(fact, **changes)
        assert got == want and repr(got) == repr(want) and hash(got) == hash(want)
        assert pickle.loads(pickle.dumps(got)) == want
    with pytest.raises(TypeError):  # a name that is no field: refused, as replace does
        moved(fact, no_field=1, start=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        moved(fact, start=1).start = 2
    assert moved(Cell(1, 2), end=5) == Cell(1, 5)

    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:  # a __post_init__ of its own: built by the class, so it runs
        a: int
        b: int = 0

        def __post_init__(self):
            if self.a < 0:
                raise ValueError("a < 0")

    assert builder(Checked) is Checked
    assert moved(Checked(1, 2), b=3) == Checked(1, 3)
    with pytest.raises(ValueError):
        moved(Checked(1, 2), a=-1)
    _FIELDS.pop(Checked, None)
