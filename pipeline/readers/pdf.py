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
the table is put in their place; lines become paragraphs in pipeline/readers/page_layout.py.

Refusals: encrypted without the right password (``encrypted``), no ``%%EOF`` near the
end or unparseable (``corrupt``), no page with text (``scanned``), text that is mostly
unmapped glyphs (``cid_junk``). Pages without text but with images are read by OCR when
it is on and installed (pipeline/readers/scan.py), else reported in ``warnings``.
"""
from __future__ import annotations

import ctypes
import io
import re
from array import array

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipeline.errors import IngestError
from pipeline.readers import Body
from pipeline.readers.page_layout import (
    FIRST_TOKEN,
    Char,
    Line,
    Page,
    PageTable,
    fix_text,
    join_wrapped,
    layout,
)
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


def _page_lines(textpage: pdfium.PdfTextPage, height: float, detailed: bool) -> list[Line]:
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

    lines: list[Line] = []
    for m in re.finditer(r"[^\r\n]+", text):
        s, e = m.span()
        if detailed:
            line = Line.from_chars([Char(text[k], *box(k)) for k in range(s, e)])
            if line is not None:
                lines.append(line)
            continue
        seg = m.group()
        first = s + len(seg) - len(seg.lstrip())
        last = s + len(seg.rstrip()) - 1
        if last < first:
            continue
        b0, b1, bm = box(first), box(last), box((first + last) // 2)
        token = FIRST_TOKEN.match(text, first)
        lead_end = min(first + len(token.group()) - 1 if token else first, last)
        lines.append(Line(
            text=fix_text(text[first : last + 1]),
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


def _read_pages(pdf: pdfium.PdfDocument) -> list[Page]:
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
        pages.append(Page(i, width, height, lines, visible, images, ruled))
    return pages


# --- tables with pdfplumber -------------------------------------------------------------


def _inside(c: Char, box: tuple[float, float, float, float], pad: float = 1.0) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
    return x0 - pad <= cx <= x1 + pad and top - pad <= cy <= bottom + pad


def _overlaps(line: Line, box: tuple[float, float, float, float]) -> bool:
    """Whether the line's vertical extent meets the box (a cheap filter before per-char tests)."""
    return line.top <= box[3] + 1 and line.bottom >= box[1] - 1


def _cell_text(lines: list[Line], box: tuple[float, float, float, float]) -> str:
    text = ""
    for line in lines:
        if not _overlaps(line, box):
            continue
        part = fix_text("".join(c.ch for c in line.chars or () if _inside(c, box, pad=0.5)).strip())
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


def _attach_tables(data: bytes, password: str | None, pages: list[Page], warnings: list[str]) -> None:
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
                        line = Line.from_chars([c for c in line.chars if not _inside(c, bbox)])
                    if line is not None:
                        kept.append(line)
                page.lines = kept
                page.tables.append(PageTable(bbox[1], rows))


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
    text, tables = layout(pages).build()
    return Body(kind="pdf", text=text, tables=tables, warnings=warnings, pages=len(pages))
