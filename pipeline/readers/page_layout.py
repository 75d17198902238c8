"""The page model both PDF readers share, and the layout that turns its lines into paragraphs.

A page is a list of ``Line`` (text with its box, top-down coordinates) and the ``PageTable``s found on
it; the text-layer reader (pipeline/readers/pdf.py) and the OCR reader (pipeline/readers/scan.py)
both produce pages, and ``layout`` makes one ``TextBuilder`` of them: wrapped lines rejoined, tables
put in place, one line per row (``TextBuilder.table``), so a table figure is never in the text twice.

A PDF line break inside a paragraph is dropped ("人\\n员编制" → "人员编制"; a space only between two
Latin letters). A line *ends* a paragraph when it ends with 。！？, or stops short of the text's right
edge by more than the next line's first word could fill (then also when it ends with ；：). A line
*starts* one when it looks like a heading ("一、", "（二）", "3.", "第一章"), is indented relative to the
line before, follows a larger vertical gap, or changes font size. Page numbers alone on a line in the
top or bottom margin are dropped, and paragraphs continue across pages.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from pipeline.readers import TextBuilder

# A line ending a sentence ends the paragraph; one ending a clause (；：) only if it also
# stops short of the right edge (a full line ending in "其中：" continues on the next).
_SENTENCE_END = tuple("。！？")
_CLAUSE_END = tuple("；：")
# Headings and list items that start a paragraph: 一、 （一） (1) 1. 1、 1.2、 第一章 附件 ① …
_HEADING = re.compile(
    r"[一二三四五六七八九十]+[、．.]"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）]"
    r"|\d{1,3}(?:\.\d{1,3})*[、．]"
    r"|\d{1,3}\.(?!\d)"
    r"|第[一二三四五六七八九十百零〇\d]+[章节条部篇]"
    r"|附件|附表|[①-⑳]|[•●■◆▪]"
)
_PAGE_NUMBER = re.compile(
    r"[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?(?:\s*[，,]?\s*共\s*\d{1,4}\s*页)?[-—–\s]*"
)
_LATIN = re.compile(r"[A-Za-z]")


def starts_paragraph(line: str) -> bool:
    """Whether a line looks like a heading or list item.

    >>> [starts_paragraph(s) for s in ("一、部门概况", "（二）项目支出", "3.重点工作", "1.35亿余元", "2024年")]
    [True, True, True, False, False]
    """
    return _HEADING.match(line.lstrip()) is not None


def join_wrapped(a: str, b: str) -> str:
    """Join two lines of one paragraph: no space, except between two Latin letters.

    >>> join_wrapped("单位核定事业编制人", "员40人")
    '单位核定事业编制人员40人'
    >>> join_wrapped("543.", "29万元")
    '543.29万元'
    >>> join_wrapped("PDF test wrapping", "English words")
    'PDF test wrapping English words'
    """
    if a and b and _LATIN.match(a[-1]) and _LATIN.match(b[0]):
        return a + " " + b
    return a + b


@dataclass
class Char:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float


# What a line-breaking algorithm keeps together at the start of a line: a Latin word or
# number, or one character with the closing punctuation that may not start a line.
FIRST_TOKEN = re.compile(r"[A-Za-z0-9.,:;%/+\-]+|.[，。、；：？！）》」』”’%．,.;:]*")


@dataclass
class Line:
    """One line of text as pdfium splits them, with its box (top-down coordinates).

    ``lead`` is the width of the unbreakable token the line starts with: a line before it
    that stops short of the right edge by less than this was wrapped because the token
    did not fit, and does not end a paragraph. ``chars`` (per-character boxes) is only
    kept on pages that may hold a table.
    """

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    lead: float = 0.0
    chars: list[Char] | None = None

    @classmethod
    def from_chars(cls, chars: list[Char]) -> Line | None:
        """The line made of ``chars``; None when nothing visible is in it."""
        visible = [c for c in chars if not c.ch.isspace()]
        if not visible:
            return None
        m = FIRST_TOKEN.match("".join(c.ch for c in visible))
        n = len(m.group()) if m else 1
        return cls(
            text=fix_text("".join(c.ch for c in chars).strip()),
            x0=min(c.x0 for c in visible),
            x1=max(c.x1 for c in visible),
            top=min(c.top for c in visible),
            bottom=max(c.bottom for c in visible),
            lead=visible[min(n, len(visible)) - 1].x1 - visible[0].x0,
            chars=chars,
        )

    @property
    def height(self) -> float:
        return self.bottom - self.top


_SURROGATE = re.compile("[\ud800-\udfff]")


def fix_text(text: str) -> str:
    """pdfium marks a line-end hyphen as U+0002; pair up any UTF-16 surrogates."""
    text = text.replace("\x02", "-")
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


@dataclass
class PageTable:
    top: float
    rows: list[list[str]]


@dataclass
class Page:
    index: int
    width: float
    height: float
    lines: list[Line]
    visible: int = 0
    images: int = 0
    ruled: bool = False
    tables: list[PageTable] = field(default_factory=list)


# --- paragraphs -------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def layout(pages: list[Page]) -> TextBuilder:
    """Rejoin wrapped lines into paragraphs and put tables in place."""
    for page in pages:
        page.lines = [
            line
            for line in page.lines
            if not (
                _PAGE_NUMBER.fullmatch(line.text)
                and (line.bottom < 0.12 * page.height or line.top > 0.88 * page.height)
            )
        ]
    lines = [line for page in pages for line in page.lines]
    if not lines:
        b = TextBuilder()
        for page in pages:
            for t in page.tables:
                b.table(t.rows)
        return b
    em = statistics.median(line.height for line in lines) or 10.0
    long_lines = [line for line in lines if len(line.text) >= 8] or lines
    right = _percentile([line.x1 for line in long_lines], 0.9)
    pitches = [
        b.top - a.top
        for page in pages
        for a, b in zip(page.lines, page.lines[1:], strict=False)
        if 0 < b.top - a.top < 3 * em
    ]
    pitch = statistics.median(pitches) if pitches else 1.5 * em

    builder = TextBuilder()
    para = ""
    prev: Line | None = None
    prev_page = -1
    for page in pages:
        tables = sorted(page.tables, key=lambda t: t.top)
        for line in page.lines:
            while tables and tables[0].top <= line.top:
                if para:
                    builder.line(para)
                builder.table(tables.pop(0).rows)
                para, prev = "", None
            if prev is None or _breaks(prev, line, same_page=page.index == prev_page, right=right, em=em, pitch=pitch):
                if para:
                    builder.line(para)
                para = line.text
            else:
                para = join_wrapped(para, line.text)
            prev, prev_page = line, page.index
        for t in tables:
            if para:
                builder.line(para)
            builder.table(t.rows)
            para, prev = "", None
    if para:
        builder.line(para)
    return builder


def _breaks(a: Line, b: Line, *, same_page: bool, right: float, em: float, pitch: float) -> bool:
    """Whether line ``b`` starts a new paragraph after line ``a``."""
    if a.text.endswith(_SENTENCE_END):
        return True
    slack = right - a.x1
    if slack > 1.5 * em and slack > b.lead + 0.5 * em:
        return True  # stops short, and the next line's first word would have fitted
    if a.text.endswith(_CLAUSE_END) and slack > 1.5 * em:
        return True
    if starts_paragraph(b.text):
        return True
    if b.x0 > a.x0 + 0.8 * em:
        return True
    if abs(b.height - a.height) > 0.15 * max(a.height, b.height):
        return True
    if same_page:
        step = b.top - a.top
        if step < -0.5 * em or step > max(1.4 * pitch, pitch + 0.3 * em):
            return True
    return False
