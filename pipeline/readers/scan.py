"""Scans: page images read by OCR, laid out like a PDF text layer.

Used for image files (PNG, JPEG, TIFF, BMP, GIF) and, by the PDF reader, for pages without a
text layer (``--ocr auto``, the default) or every page (``--ocr force``). Each page loses its
red seal (pipeline/ocr/stamp.py), is straightened (pipeline/ocr/deskew.py), recognized (pipeline/ocr/engines.py) and grouped into
lines and table rows (pipeline/ocr/layout.py); the lines become the shared page model's ``Line``
objects, in PDF points, so wrapped lines are rejoined into paragraphs by the same rules and a
table row is one line of tab-joined cells, as the PDF and Word readers write them.

Every recognized piece keeps its confidence: ``Body.ocr_spans`` holds (start, end, confidence,
page) for each piece found in the final text, so a fact can say how sure the OCR was of the
characters under it (pipeline/load.py).
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable

from pipeline.errors import IngestError
from pipeline.model import OcrSpan
from pipeline.ocr import budget
from pipeline.ocr.deskew import straighten
from pipeline.ocr.engines import ENGINES, get_engine, installed
from pipeline.ocr.layout import OcrCell, rows_of
from pipeline.ocr.stamp import without_seal
from pipeline.readers import Body
from pipeline.readers.page_layout import FIRST_TOKEN, Line, Page, PageTable, layout

MODES = ("auto", "off", "force")
MSG_NO_ENGINE = "没有安装 OCR 组件（pip install 'jixiao[ocr]'），无法识别扫描件"
MSG_OFF = "OCR 已关闭（--ocr off）"
MSG_NOTHING = "OCR 没有识别出文字（图片中可能没有文字，或清晰度太低）"
MSG_IMAGE = "图片无法打开（{why}）"
MSG_IMAGE_UNREAD = "文件是图片（扫描件），需要先做 OCR：{why}"


def engine_for(mode: str):
    """The OCR engine to use under ``mode`` (auto | off | force); None when off or none is installed."""
    return None if mode == "off" else get_engine()


def unavailable_reason(mode: str) -> str:
    """Why a scan could not be read: OCR switched off, or not installed."""
    return MSG_OFF if mode == "off" else MSG_NO_ENGINE


def ocr_pages(images: Iterable[tuple[int, object, float]], engine) -> list[Page]:
    """OCR the page images ((page index, PIL image, dpi) each) into PDF-reader pages."""
    pages = []
    for index, image, dpi in images:
        image = straighten(without_seal(image))
        scale = 72 / dpi  # pixels → points, as the text layer measures
        lines, tables, rows_run = [], [], []
        rows = rows_of(engine.recognize(image))
        _even_heights([r.cells[0] for r in rows if len(r.cells) == 1])
        for row in rows:
            if len(row.cells) > 1:
                rows_run.append(row)
                continue
            if rows_run:
                tables.append(_table(rows_run, scale, index))
                rows_run = []
            lines.append(_line(row.cells[0], scale, index))
        if rows_run:
            tables.append(_table(rows_run, scale, index))
        page = Page(index, image.width * scale, image.height * scale, lines)
        page.tables = tables
        page.visible = sum(len(line.text) for line in lines) + sum(len(c) for t in tables for r in t.rows for c in r)
        pages.append(page)
    return pages


def _even_heights(cells: list[OcrCell]) -> None:
    """Give lines of about the body's height exactly that height.

    An OCR box's height varies with the characters in it (punctuation, digits) by more than the
    PDF reader's font-size-change rule allows; a heading in a larger size still stands out.
    """
    if not cells:
        return
    heights = sorted(c.bottom - c.top for c in cells)
    body = heights[len(heights) // 2]
    for c in cells:
        h = c.bottom - c.top
        if 0.7 * body <= h <= 1.3 * body:
            middle = (c.top + c.bottom) / 2
            c.top, c.bottom = middle - body / 2, middle + body / 2


class _OcrLine(Line):
    """A line of OCR text: a ``Line`` that remembers its pieces' confidences and page."""

    spans: list[tuple[int, int, float]]
    page: int


class _OcrTable(PageTable):
    cells: list[OcrCell]
    page: int


def _line(cell: OcrCell, scale: float, page: int) -> Line:
    m = FIRST_TOKEN.match(cell.text)
    share = len(m.group()) / len(cell.text) if m and cell.text else 0
    # the first token's width, and one character more: an OCR box may stop short of its last glyph
    # (a narrow digit, a box drawn tight), which would otherwise look like a paragraph's end
    lead = ((cell.x1 - cell.x0) * share + (cell.bottom - cell.top)) * scale
    line = _OcrLine(text=cell.text, x0=cell.x0 * scale, x1=cell.x1 * scale, top=cell.top * scale,
                    bottom=cell.bottom * scale, lead=lead)
    line.spans, line.page = cell.spans, page
    return line


def _table(rows, scale: float, page: int) -> PageTable:
    table = _OcrTable(top=rows[0].top * scale, rows=[[c.text for c in r.cells] for r in rows])
    table.cells, table.page = [c for r in rows for c in r.cells], page
    return table


WINDOW = 400  # characters ahead of the last piece found in which the next one is looked for


def locate(text: str, pages: list[Page]) -> tuple[OcrSpan, ...]:
    """Where each OCR piece stands in the laid-out ``text``, with its confidence and page (1-based).

    Pieces are looked for in reading order, each within ``WINDOW`` characters after the last
    one found; one not found (a page number the layout dropped) is skipped.
    """
    items: list[tuple[float, str, list, int]] = []
    for page in pages:
        for line in page.lines:
            if isinstance(line, _OcrLine):
                items.append((line.top, line.text, line.spans, line.page))
        for table in page.tables:
            if isinstance(table, _OcrTable):
                items += [(table.top, c.text, c.spans, table.page) for c in table.cells]
    out: list[OcrSpan] = []
    cursor = 0
    for _top, piece_text, spans, page in items:
        at = text.find(piece_text, cursor, cursor + WINDOW + len(piece_text))
        if at < 0:
            continue
        out += [OcrSpan(at + off, at + off + n, round(conf, 4), page + 1) for off, n, conf in spans]
        cursor = at + len(piece_text)
    return tuple(out)


def build(pages: list[Page], kind: str, engine, warnings: list[str]) -> Body:
    """Lay out OCR'd (and text-layer) pages into a Body that says which engine read it."""
    text, tables = layout(pages).build()
    if not re.search(r"\w", text):
        raise IngestError("scanned", MSG_NOTHING)
    return Body(kind=kind, text=text, tables=tables, warnings=warnings, pages=len(pages),
                ocr=engine.name, ocr_spans=locate(text, pages))


def read_image(data: bytes, mode: str = "auto") -> Body:
    """An image file (each frame of a multi-page TIFF is a page) read by OCR."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    if mode == "off" or not any(installed(name) for name in ENGINES):
        raise IngestError("unsupported", MSG_IMAGE_UNREAD.format(why=unavailable_reason(mode)))
    try:
        image = Image.open(io.BytesIO(data))
        frames = [(i, f.convert("RGB"), _dpi(f)) for i, f in enumerate(ImageSequence.Iterator(image))]
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as e:
        raise IngestError("corrupt", MSG_IMAGE.format(why=str(e)[:80])) from None
    budget.announce(len(frames))
    engine = engine_for(mode)
    if engine is None:
        raise IngestError("unsupported", MSG_IMAGE_UNREAD.format(why=unavailable_reason(mode)))
    return build(ocr_pages(frames, engine), "image", engine, [])


def _dpi(image) -> float:
    """The image's resolution when it states a plausible one, else 300 (a scanner's usual)."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError):
        value = 0.0
    return value if 50 <= value <= 1200 else 300.0


class PdfOcr:
    """What the PDF reader asks about OCR: which pages to OCR, how, and why it could not.

    ``auto``: pages without a text layer that hold an image (all pages when none has text);
    ``force``: every page; ``off``: none. ``reason`` says why a scan stays unread (OCR off or
    not installed); ``done`` whether any page was OCR'd."""

    def __init__(self, mode: str = "auto"):
        if mode not in MODES:
            raise ValueError(f"ocr mode must be one of {MODES}, not {mode!r}")
        self.mode = mode
        self.available = mode != "off" and any(installed(name) for name in ENGINES)
        self.reason = "" if self.available else unavailable_reason(mode)
        self.done = False

    def wants(self, has_text: bool, images: int) -> bool:
        """Whether a page should be OCR'd (and can be, when the engine is installed)."""
        if self.mode == "off":
            return False
        return self.mode == "force" or (not has_text and images > 0)

    def read(self, pdf, indices: list[int]) -> list[Page]:
        """OCR the given pages of an open pypdfium2 document."""
        budget.announce(len(indices))  # before loading the engine: that alone takes seconds on a busy machine
        self.engine = engine_for(self.mode)  # loaded on the first scan, not for every PDF
        if self.engine is None:
            self.reason = unavailable_reason(self.mode)
            return []
        self.done = True

        def images():
            for i in indices:
                page = pdf[i]
                try:
                    yield i, page.render(scale=self.engine.dpi / 72).to_pil(), self.engine.dpi
                finally:
                    page.close()

        pages = ocr_pages(images(), self.engine)
        if not any(p.visible for p in pages):
            self.reason = MSG_NOTHING
        return pages

    def build(self, pages: list[Page], warnings: list[str]) -> Body:
        """The PDF's Body, with the OCR'd pages and their confidences."""
        return build(pages, "pdf", self.engine, warnings)
