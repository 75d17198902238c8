"""PDF: the text layer via pypdfium2, ruled tables via pdfplumber, wrapped lines rejoined.

Why two libraries. pypdfium2 reads text at 274–544 pages/s on Chinese PDFs against
13–21 for pdfplumber/pdfminer, and maps glyphs to Unicode where pdfminer returns
"(cid:N)". pdfplumber's ``find_tables`` turns ruling lines into a cell grid, which pdfium
cannot do, but it costs ~160 ms a page (it parses the whole page with pdfminer), so it
only runs on pages whose vector graphics look like a grid (a pre-check on pdfium's page
objects: a few thin horizontal and vertical paths, or boxes), and only its cell *boxes*
are used: every character, inside tables too, comes from pdfium.

Layout. pdfium gives characters in content order with its own line breaks; each line
gets a bounding box. Characters inside a detected table are taken out of the flow and
the table is put in their place, one line per row (``TextBuilder.table``), so a table
figure is never in the text twice. The remaining lines are joined into paragraphs: a
PDF line break inside a paragraph is dropped ("人\\n员编制" → "人员编制"; a space only
between two Latin letters). A line *ends* a paragraph when it ends with 。！？, or stops
short of the text's right edge by more than the next line's first word could fill (then
also when it ends with ；：). A line *starts* one when it looks like a heading ("一、",
"（二）", "3.", "第一章"), is indented relative to the line before, follows a larger
vertical gap, or changes font size. Page numbers alone on a line in the top or bottom
margin are dropped, and paragraphs continue across pages.

Refusals: encrypted without the right password (``encrypted``), no ``%%EOF`` near the
end or unparseable (``corrupt``), no page with text (``scanned``), text that is mostly
unmapped glyphs (``cid_junk``). Pages without text but with images are read by OCR when
it is on and installed (pipeline/readers/scan.py), else reported in ``warnings``.
"""
from __future__ import annotations

import ctypes
import io
import re
import statistics
from array import array
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import IngestError
from pipeline.readers import Body, TextBuilder
from pipeline.readers.sniff import bad_share, rare_cjk_share

MSG_ENCRYPTED = "PDF 已加密，无法读取（可用 --password 提供密码）"
MSG_WRONG_PASSWORD = "PDF 已加密，提供的密码不正确"
MSG_SECURITY = "PDF 使用了不支持的加密方式，无法读取"
MSG_TRUNCATED = "PDF 文件不完整（末尾缺少 %%EOF，可能下载或复制时中断）"
MSG_CORRUPT = "PDF 文件已损坏，无法解析（{why}）"
MSG_SCANNED = "PDF 没有文本层（扫描件），需要先做 OCR"
MSG_CID = "PDF 的文字无法正确识别：约 {share:.0%} 的字符是未映射的字形（cid 乱码），需要用其他工具另存为 PDF 或做 OCR"

MIN_PAGE_CHARS = 10  # visible characters for a page to count as having a text layer
CID_ERROR_SHARE = 0.25  # bad/rare characters above this share: refuse
CID_WARN_SHARE = 0.02  # above this: read, with a warning

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
class _Char:
    ch: str
    x0: float
    x1: float
    top: float
    bottom: float


# What a line-breaking algorithm keeps together at the start of a line: a Latin word or
# number, or one character with the closing punctuation that may not start a line.
_FIRST_TOKEN = re.compile(r"[A-Za-z0-9.,:;%/+\-]+|.[，。、；：？！）》」』”’%．,.;:]*")


@dataclass
class _Line:
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
    chars: list[_Char] | None = None

    @classmethod
    def from_chars(cls, chars: list[_Char]) -> _Line | None:
        """The line made of ``chars``; None when nothing visible is in it."""
        visible = [c for c in chars if not c.ch.isspace()]
        if not visible:
            return None
        m = _FIRST_TOKEN.match("".join(c.ch for c in visible))
        n = len(m.group()) if m else 1
        return cls(
            text=_fix_text("".join(c.ch for c in chars).strip()),
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


def _fix_text(text: str) -> str:
    """pdfium marks a line-end hyphen as U+0002; pair up any UTF-16 surrogates."""
    text = text.replace("\x02", "-")
    if _SURROGATE.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


@dataclass
class _PdfTable:
    top: float
    rows: list[list[str]]


@dataclass
class _Page:
    index: int
    width: float
    height: float
    lines: list[_Line]
    visible: int = 0
    images: int = 0
    ruled: bool = False
    tables: list[_PdfTable] = field(default_factory=list)


# --- reading pages with pdfium ----------------------------------------------------------


def _open(data: bytes, password: str | None) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise IngestError("encrypted", MSG_WRONG_PASSWORD if password else MSG_ENCRYPTED) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise IngestError("encrypted", MSG_SECURITY) from None
        raise IngestError("corrupt", MSG_CORRUPT.format(why=str(e)[:80])) from None


def _page_text(textpage: pdfium.PdfTextPage) -> str:
    """The page's characters, one Python character per pdfium character index."""
    raw = textpage.raw
    n = pdfium_c.FPDFText_CountChars(raw)
    if n <= 0:
        return ""
    buf = (ctypes.c_ushort * (n + 1))()
    got = pdfium_c.FPDFText_GetText(raw, 0, n, buf)
    text = array("H", buf[: max(got - 1, 0)]).tobytes().decode("utf-16-le", "surrogatepass")
    if len(text) != n:  # characters outside the BMP took two UTF-16 units: index one by one
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, k)) for k in range(n))
    return text


def _page_lines(textpage: pdfium.PdfTextPage, height: float, detailed: bool) -> list[_Line]:
    """pdfium's lines with their boxes; with per-character boxes when ``detailed``.

    Without ``detailed`` only a few characters per line are measured (first, middle,
    last, end of the first token): the per-character loop costs ~15 µs a character in
    Python, and only pages with tables need it.
    """
    raw = textpage.raw
    text = _page_text(textpage)
    rect = pdfium_c.FS_RECTF()

    def box(k: int) -> tuple[float, float, float, float]:
        pdfium_c.FPDFText_GetLooseCharBox(raw, k, rect)
        return rect.left, rect.right, height - rect.top, height - rect.bottom

    lines: list[_Line] = []
    for m in re.finditer(r"[^\r\n]+", text):
        s, e = m.span()
        if detailed:
            line = _Line.from_chars([_Char(text[k], *box(k)) for k in range(s, e)])
            if line is not None:
                lines.append(line)
            continue
        seg = m.group()
        first = s + len(seg) - len(seg.lstrip())
        last = s + len(seg.rstrip()) - 1
        if last < first:
            continue
        b0, b1, bm = box(first), box(last), box((first + last) // 2)
        token = _FIRST_TOKEN.match(text, first)
        lead_end = min(first + len(token.group()) - 1 if token else first, last)
        lines.append(_Line(
            text=_fix_text(text[first : last + 1]),
            x0=min(b0[0], b1[0]),
            x1=max(b0[1], b1[1]),
            top=min(b0[2], b1[2], bm[2]),
            bottom=max(b0[3], b1[3], bm[3]),
            lead=box(lead_end)[1] - b0[0],
        ))
    return lines


def _graphics(page: pdfium.PdfPage) -> tuple[int, bool]:
    """(image count, whether the vector paths look like table rulings) for one page."""
    images = horizontal = vertical = boxes = 0
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    stack = [(pdfium_c.FPDFPage_GetObject(page.raw, i)) for i in range(pdfium_c.FPDFPage_CountObjects(page.raw))]
    seen = 0
    while stack and seen < 200_000:
        obj = stack.pop()
        seen += 1
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            stack.extend(pdfium_c.FPDFFormObj_GetObject(obj, j) for j in range(pdfium_c.FPDFFormObj_CountObjects(obj)))
        elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                continue
            w, h = right.value - left.value, top.value - bottom.value
            if h <= 3 and w >= 8:
                horizontal += 1
            elif w <= 3 and h >= 8:
                vertical += 1
            elif w >= 20 and h >= 8 and pdfium_c.FPDFPath_CountSegments(obj) >= 4:
                boxes += 1
    ruled = (horizontal >= 2 and vertical >= 2) or boxes >= 2 or (boxes >= 1 and horizontal + vertical >= 2)
    return images, ruled


def _read_pages(pdf: pdfium.PdfDocument) -> list[_Page]:
    pages = []
    for i in range(len(pdf)):
        page = pdf[i]
        try:
            width, height = page.get_size()
            images, ruled = _graphics(page)
            textpage = page.get_textpage()
            try:
                lines = _page_lines(textpage, height, detailed=ruled)
            finally:
                textpage.close()
        except pdfium.PdfiumError as e:
            raise IngestError("corrupt", MSG_CORRUPT.format(why=f"第 {i + 1} 页：{e}"[:80])) from None
        finally:
            page.close()
        visible = sum(len(line.text) - line.text.count(" ") for line in lines)
        pages.append(_Page(i, width, height, lines, visible, images, ruled))
    return pages


# --- tables with pdfplumber -------------------------------------------------------------


def _inside(c: _Char, box: tuple[float, float, float, float], pad: float = 1.0) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return x0 - pad <= cx <= x1 + pad and top - pad <= cy <= bottom + pad


def _overlaps(line: _Line, box: tuple[float, float, float, float]) -> bool:
    """Whether the line's vertical extent meets the box (a cheap filter before per-char tests)."""
    return line.top <= box[3] + 1 and line.bottom >= box[1] - 1


def _cell_text(lines: list[_Line], box: tuple[float, float, float, float]) -> str:
    text = ""
    for line in lines:
        if not _overlaps(line, box):
            continue
        part = _fix_text("".join(c.ch for c in line.chars or () if _inside(c, box, pad=0.5)).strip())
        if part:
            text = join_wrapped(text, part) if text else part
    return text


def _grid(table) -> list[list[tuple[float, float, float, float] | None]]:
    """A pdfplumber table as rows of cell boxes, merged cells the way the docx reader has them.

    pdfplumber marks every grid position a merged cell covers with None. A position below
    the top of a vertical merge, in the merge's first column, becomes an empty cell (None
    here, "" in the text); the other covered positions are dropped, so a merged cell
    appears once.
    """
    cells = [row.cells for row in table.rows]
    out: list[list[tuple[float, float, float, float] | None]] = []
    for r, row in enumerate(cells):
        kept: list[tuple[float, float, float, float] | None] = []
        for c, cell in enumerate(row):
            if cell is not None:
                kept.append(cell)
                continue
            y = (table.rows[r].bbox[1] + table.rows[r].bbox[3]) / 2
            cols = [cl for cl in (cells[r2][c] for r2 in range(r)) if cl is not None]
            if any(cl[1] < y < cl[3] for cl in cols):
                kept.append(None)  # vertical continuation of the cell above
        out.append(kept)
    return [row for row in out if row]


def _attach_tables(data: bytes, password: str | None, pages: list[_Page], warnings: list[str]) -> None:
    """Find ruled tables on pre-checked pages; move their characters out of the text flow."""
    candidates = [p for p in pages if p.ruled and p.visible]
    if not candidates:
        return
    import pdfplumber  # imported here: only PDFs with ruled pages pay for it

    try:
        doc = pdfplumber.open(io.BytesIO(data), password=password or "")
    except Exception as e:  # pdfminer raises many types; pdfium already opened the file
        warnings.append(f"表格识别失败（{e.__class__.__name__}），表格按普通文字读取")
        return
    with doc:
        for page in candidates:
            try:
                plumber_page = doc.pages[page.index]
                grids = [(t.bbox, _grid(t)) for t in plumber_page.find_tables()]
                plumber_page.close()
            except Exception as e:
                warnings.append(f"第 {page.index + 1} 页表格识别失败（{e.__class__.__name__}），按普通文字读取")
                continue
            for bbox, grid in grids:
                if sum(1 for row in grid for cell in row if cell) < 2:
                    continue  # a framed paragraph, not a table
                rows = [[_cell_text(page.lines, cell) if cell else "" for cell in row] for row in grid]
                kept = []
                for line in page.lines:
                    if line.chars is not None and _overlaps(line, bbox) and any(_inside(c, bbox) for c in line.chars):
                        line = _Line.from_chars([c for c in line.chars if not _inside(c, bbox)])
                    if line is not None:
                        kept.append(line)
                page.lines = kept
                page.tables.append(_PdfTable(bbox[1], rows))


# --- paragraphs -------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def _layout(pages: list[_Page]) -> TextBuilder:
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
    prev: _Line | None = None
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


def _breaks(a: _Line, b: _Line, *, same_page: bool, right: float, em: float, pitch: float) -> bool:
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


# --- the reader -------------------------------------------------------------------------


def read_pdf(data: bytes, password: str | None = None, ocr=None) -> Body:
    """Read a PDF's text layer and ruled tables.

    ``ocr`` (pipeline/readers/scan.py ``PdfOcr``, or None) reads the pages without a text layer
    by OCR, or every page when it says ``force``; without it such pages are reported unread.
    """
    if b"%%EOF" not in data[-4096:]:
        raise IngestError("corrupt", MSG_TRUNCATED)
    pdf = _open(data, password)
    try:
        if len(pdf) == 0:
            raise IngestError("corrupt", MSG_CORRUPT.format(why="没有任何页面"))
        pages = _read_pages(pdf)
        scanned = [p.index for p in pages if ocr is not None and ocr.wants(p.visible >= MIN_PAGE_CHARS, p.images)]
        if scanned and ocr.available:
            for page in ocr.read(pdf, scanned):
                pages[page.index] = page
    finally:
        pdf.close()
    warnings: list[str] = []
    text_pages = [p for p in pages if p.visible >= MIN_PAGE_CHARS]
    if not text_pages:
        raise IngestError("scanned", MSG_SCANNED + (f"：{ocr.reason}" if ocr is not None and ocr.reason else ""))
    raw = "".join(line.text for p in pages for line in p.lines)
    junk = max(bad_share(raw), rare_cjk_share(raw))
    if junk > CID_ERROR_SHARE:
        raise IngestError("cid_junk", MSG_CID.format(share=junk))
    if junk > CID_WARN_SHARE:
        warnings.append(f"约 {junk:.0%} 的字符可能无法正确识别（未映射的字形）")
    blank = [p.index + 1 for p in pages if p.visible < MIN_PAGE_CHARS and p.images]
    if blank:
        shown = "、".join(map(str, blank[:20])) + ("等" if len(blank) > 20 else "")
        warnings.append(f"第 {shown} 页没有文本层（可能是扫描页），这些页的内容未读取")
    _attach_tables(data, password, pages, warnings)
    if ocr is not None and ocr.done:
        return ocr.build(pages, warnings)
    text, tables = _layout(pages).build()
    return Body(kind="pdf", text=text, tables=tables, warnings=warnings, pages=len(pages))
