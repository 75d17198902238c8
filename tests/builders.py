"""Build real input files inside tests: .docx (python-docx), text-layer .pdf (reportlab), hostile files.

``blocks`` is a list whose items are a paragraph (``str``), a table (``list[list[str]]``,
rows of cell texts) or a ``Grid`` (a table with merged cells). PDFs use reportlab's
built-in CID font STSong-Light (no CJK TrueType font is needed; pdfium and pdfminer both
map it back to Unicode). Everything here is deterministic and fast (well under a second).
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "Grid",
    "make_docx",
    "make_docx_xml",
    "make_pdf",
    "make_encrypted_pdf",
    "make_scanned_pdf",
    "make_cid_junk_pdf",
    "make_scan_pdf",
    "make_scan_image",
    "render_pages",
    "blocks_of_text",
    "leading_blocks",
    "text_of_blocks",
    "Scan",
    "SCAN_VARIANTS",
    "make_zip_bomb_docx",
    "make_entity_bomb_docx",
    "make_ole2_doc",
    "make_rtf",
    "normalize_zip",
]

CJK_FONT = "STSong-Light"


@dataclass(frozen=True)
class Grid:
    """A table with merged cells.

    ``merges`` holds ``(top, left, bottom, right)`` inclusive ranges: ``(0, 3, 0, 4)`` is a
    horizontal merge of columns 3–4 in row 0, ``(0, 0, 1, 0)`` a vertical merge of rows 0–1
    in column 0. The text of a merged range is the text of its top-left cell; the texts of
    the other cells it covers are ignored.
    """

    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _as_grid(block: list[list[str]] | Grid) -> Grid:
    return block if isinstance(block, Grid) else Grid(block)


# --- .docx -------------------------------------------------------------------------------


def make_docx(path: Path, blocks: list, *, deterministic: bool = True) -> Path:
    """Write a .docx: paragraphs and tables in order (tables get the "Table Grid" style)."""
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
            continue
        grid = _as_grid(block)
        ncols = max(len(r) for r in grid.rows)
        table = document.add_table(rows=len(grid.rows), cols=ncols)
        table.style = "Table Grid"
        covered = set()
        for top, left, bottom, right in grid.merges:
            table.cell(top, left).merge(table.cell(bottom, right))
            covered |= {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)} - {(top, left)}
        for r, row in enumerate(grid.rows):
            for c, text in enumerate(row):
                if (r, c) not in covered:
                    table.cell(r, c).text = text
    path = Path(path)
    document.save(str(path))
    if deterministic:
        normalize_zip(path)
    return path


def normalize_zip(path: Path) -> None:
    """Rewrite a ZIP with fixed timestamps, so the same content gives the same bytes."""
    with zipfile.ZipFile(path) as zin:
        items = [(i.filename, zin.read(i.filename)) for i in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, blob in items:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, blob)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx_xml(path: Path, body_xml: str, *, numbering_xml: str | None = None) -> Path:
    """A minimal .docx around hand-written WordprocessingML (``w:``, ``wps:``, ``mc:`` prefixes declared).

    For what python-docx cannot write: content controls, text boxes with their
    AlternateContent fallback, tracked changes, fields, custom list numbering.
    """
    ns = (
        f'xmlns:w="{_W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'mc:Ignorable="w14"'
    )
    document = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {ns}><w:body>{body_xml}</w:body></w:document>'
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + ('<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" '
           'Target="numbering.xml"/>' if numbering_xml else "")
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/_rels/document.xml.rels", rels)
        if numbering_xml:
            z.writestr("word/numbering.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="{_W}">{numbering_xml}</w:numbering>')
    return Path(path)


# --- .pdf --------------------------------------------------------------------------------


def _pdf_story(blocks: list, font_size: float, width: float):
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    body = ParagraphStyle(
        "body", fontName=CJK_FONT, fontSize=font_size, leading=font_size * 1.5,
        wordWrap="CJK", firstLineIndent=2 * font_size, spaceAfter=font_size * 0.8,
    )
    cell = ParagraphStyle("cell", fontName=CJK_FONT, fontSize=font_size * 0.9, leading=font_size * 1.2, wordWrap="CJK")
    story = []
    for block in blocks:
        if isinstance(block, str):
            if block.strip():
                story.append(Paragraph(escape(block.strip()), body))
            else:
                story.append(Spacer(1, font_size * 0.5))
            continue
        grid = _as_grid(block)
        ncols = max(len(r) for r in grid.rows)
        rows = [[Paragraph(escape(t), cell) for t in r] + [""] * (ncols - len(r)) for r in grid.rows]
        table = Table(rows, colWidths=[width / ncols] * ncols)
        style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        style += [("SPAN", (left, top), (right, bottom)) for top, left, bottom, right in grid.merges]
        table.setStyle(TableStyle(style))
        story += [table, Spacer(1, font_size * 0.8)]
    return story


def make_pdf(path: Path, blocks: list, *, font_size: float = 11, encrypt: str | None = None,
             page_numbers: bool = False) -> Path:
    """Write a text-layer PDF (A4): wrapped CJK paragraphs with a first-line indent, ruled tables.

    ``encrypt`` sets a user password (AES-128, via reportlab). ``page_numbers`` prints
    "- N -" at the bottom of every page.
    """
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.platypus import SimpleDocTemplate

    rl_config.invariant = 1  # no timestamps / random ids: same input, same bytes
    path = Path(path)
    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=72, rightMargin=72, topMargin=72, bottomMargin=72,
        encrypt=StandardEncryption(encrypt, "owner-" + encrypt, strength=128) if encrypt else None,
        title="", author="", creator="", producer="",
    )

    def footer(canvas, doc_):
        if page_numbers:
            canvas.setFont(CJK_FONT, 9)
            canvas.drawCentredString(A4[0] / 2, 40, f"- {doc_.page} -")

    doc.build(_pdf_story(blocks, font_size, A4[0] - 144), onFirstPage=footer, onLaterPages=footer)
    return path


def make_encrypted_pdf(path: Path, blocks: list, password: str = "secret") -> Path:
    """A PDF that needs ``password`` to open."""
    return make_pdf(path, blocks, encrypt=password)


def make_scanned_pdf(path: Path, pages: int = 2, text_pages: list[str] = ()) -> Path:
    """An image-only PDF (what a scanner produces): a grey raster image and shapes, no text.

    ``text_pages`` puts pages with a real text layer (one line of text each) first.
    """
    from PIL import Image, ImageDraw
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    rl_config.invariant = 1
    image = Image.new("L", (200, 280), 255)
    draw = ImageDraw.Draw(image)
    for y in range(20, 260, 12):  # lines of "text" as a scanner would see them
        draw.rectangle((20, y, 180 - (y % 50), y + 6), fill=40)
    path = Path(path)
    c = canvas.Canvas(str(path), pagesize=A4)
    if text_pages:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    for text in text_pages:
        c.setFont(CJK_FONT, 9)
        c.drawString(72, 760, text)
        c.showPage()
    for _ in range(pages):
        c.drawImage(ImageReader(image), 50, 100, width=495, height=690)
        c.rect(40, 90, 515, 710)
        c.showPage()
    c.save()
    return path


def make_cid_junk_pdf(path: Path, blocks: list) -> Path:
    """A PDF whose glyphs do not map back to Unicode: the CID font's CMap is swapped for Identity-H.

    pdfminer then prints "(cid:N)" and pdfium rare, unrelated characters: what PDFs with
    subset fonts and no ToUnicode table look like.
    """
    path = make_pdf(path, blocks)
    data = path.read_bytes()
    assert b"/UniGB-UCS2-H" in data
    path.write_bytes(data.replace(b"/UniGB-UCS2-H", b"/Identity-H  "))  # same length: xref stays valid
    return path


# --- hostile .docx -----------------------------------------------------------------------

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/word/document.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="word/document.xml"/></Relationships>'
)
_DOC_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
)


def _write_zip(path: Path, members: list[tuple[str, bytes, int, int, int]]) -> None:
    """Write a ZIP by hand from (name, raw deflate data, crc, local size, central-directory size).

    Sizes must fit in 32 bits. Writing it by hand is what lets a test make the headers lie.
    """
    out = bytearray()
    central = bytearray()
    for name, raw, crc, local_size, central_size in members:
        fname = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(raw), local_size, len(fname), 0)
        out += fname + raw
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(raw), central_size,
            len(fname), 0, 0, 0, 0, 0, offset,
        )
        central += fname
    cd_offset = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), cd_offset, 0)
    Path(path).write_bytes(bytes(out))


def _deflate(data: bytes) -> tuple[bytes, int]:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush(), zlib.crc32(data)


def make_zip_bomb_docx(path: Path, *, inflated: int = 3 * 2**30, lie: bool = False) -> Path:
    """A .docx whose word/document.xml inflates to ``inflated`` bytes (default 3 GiB) of spaces.

    The deflate stream is one compressed 1 MiB block of spaces, flushed so that it can be
    repeated byte for byte: ~3 MB on disk, built in milliseconds. With ``lie=True`` the
    headers declare 1,000 bytes, as a hostile file would, to get past a size check.
    The CRC is not computed (a reader must stop long before it could check it).
    """
    block_size = 1 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(_DOC_HEAD) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(b" " * block_size) + c.flush(zlib.Z_FULL_FLUSH)
    tail = c.flush()
    n = max(1, (inflated - len(_DOC_HEAD)) // block_size)
    raw = head + block * n + tail
    size = 1000 if lie else min(len(_DOC_HEAD) + n * block_size, 2**32 - 1)
    ct, ct_crc = _deflate(_CONTENT_TYPES)
    rels, rels_crc = _deflate(_RELS)
    _write_zip(path, [
        ("[Content_Types].xml", ct, ct_crc, len(_CONTENT_TYPES), len(_CONTENT_TYPES)),
        ("_rels/.rels", rels, rels_crc, len(_RELS), len(_RELS)),
        ("word/document.xml", raw, 0, size, size),
    ])
    return Path(path)


def make_entity_bomb_docx(path: Path, levels: int = 9) -> Path:
    """A .docx whose word/document.xml is a "billion laughs" entity bomb (10**levels copies of "lol")."""
    ents = [b'<!ENTITY lol0 "lol">'] + [
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) for _ in range(10))) for i in range(1, levels + 1)
    ]
    xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE w:document [' + b"".join(ents) + b"]>"
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&lol%d;</w:t></w:r></w:p></w:body></w:document>" % levels
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", xml)
    return Path(path)


def make_ole2_doc(path: Path) -> Path:
    """The first bytes of a legacy Word .doc (OLE2 compound file with a WordDocument stream).

    Not a document LibreOffice could open, but what ``sniff`` and the OLE2 dispatch see.
    """
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00"
    header = header.ljust(512, b"\x00")
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00") + "WordDocument".encode("utf-16-le").ljust(128, b"\x00")
    Path(path).write_bytes(header + directory.ljust(1024, b"\x00"))
    return Path(path)


def _rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            for unit in ch.encode("utf-16-le").hex(" ", 2).split():
                code = int(unit[2:] + unit[:2], 16)
                out.append(f"\\u{code - 65536 if code > 32767 else code}?")
    return "".join(out)


def make_rtf(path: Path, blocks: list) -> Path:
    """An RTF file written by hand: paragraphs and simple tables (``\\trowd … \\row``), CJK as ``\\uN?``."""
    parts = ["{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 SimSun;}}\n"]
    for block in blocks:
        if isinstance(block, str):
            parts.append(f"\\pard\\plain {_rtf_escape(block)}\\par\n")
            continue
        for row in _as_grid(block).rows:
            parts.append("\\trowd" + "".join(f"\\cellx{2000 * (i + 1)}" for i in range(len(row))) + "\n")
            parts.append("\\pard\\intbl " + "".join(f"{_rtf_escape(t)}\\cell " for t in row) + "\\row\n")
        parts.append("\\pard\\par\n")
    parts.append("}")
    Path(path).write_text("".join(parts), encoding="ascii")
    return Path(path)


# --- scans: text rendered to images (no text layer) ---------------------------------------

SCAN_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # Debian fonts-noto-cjk (.ci/run)
SCAN_FACE = 2  # the .ttc's simplified-Chinese face (Noto Sans CJK SC)


@dataclass(frozen=True)
class Scan:
    """How a page was "scanned": resolution, skew (degrees), a red stamp over the text."""

    dpi: int = 300
    rotate: float = 0.0
    stamp: bool = False


SCAN_VARIANTS = {
    "clean300": Scan(300),
    "clean150": Scan(150),
    "rotated": Scan(300, rotate=1.5),
    "stamp": Scan(300, stamp=True),
}


def blocks_of_text(text: str) -> list:
    """A document's text as builder blocks: a line with tabs is a table row (runs of them a table)."""
    blocks: list = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        if "\t" in line:
            if blocks and isinstance(blocks[-1], list):
                blocks[-1].append(line.split("\t"))
            else:
                blocks.append([line.split("\t")])
        else:
            blocks.append(line.strip())
    return blocks


def leading_blocks(blocks: list, chars: int) -> list:
    """The first blocks (a table cut at a row) holding about ``chars`` characters: a page or two."""
    out, n = [], 0
    for b in blocks:
        if n >= chars:
            break
        if isinstance(b, str):
            out.append(b)
            n += len(b)
            continue
        rows = []
        for r in b:
            if n >= chars:
                break
            rows.append(r)
            n += sum(len(c) for c in r)
        out.append(rows)
    return out


def text_of_blocks(blocks: list) -> str:
    """Blocks as a .txt reads them: a paragraph per line, a table row per line with tab-joined cells."""
    return "\n".join(b if isinstance(b, str) else "\n".join("\t".join(r) for r in b) for b in blocks)


def render_pages(blocks: list, scan: Scan = Scan(), max_pages: int | None = None) -> list:
    """Paragraphs and tables drawn on A4 pages with Pillow (Noto Sans CJK, 12 pt), degraded as
    ``scan`` says; a list of RGB images. ``max_pages`` stops early (tests keep OCR small)."""
    from PIL import Image, ImageDraw, ImageFont

    px = scan.dpi / 72  # pixels per point
    width, height = int(595 * px), int(842 * px)
    margin, size = int(64 * px), int(12 * px)
    font = ImageFont.truetype(SCAN_FONT, size, index=SCAN_FACE)
    pitch = int(size * 1.6)
    pages: list = []
    page = draw = None
    y = 0

    def new_page() -> None:
        nonlocal page, draw, y
        page = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(page)
        pages.append(page)
        y = margin

    def room(h: int) -> bool:
        if page is None or y + h > height - margin:
            if max_pages is not None and len(pages) >= max_pages:
                return False
            new_page()
        return True

    def wrap(text: str, limit: float) -> list[str]:
        lines, line = [], ""
        for ch in text:
            if line and font.getlength(line + ch) > limit:
                lines.append(line)
                line = ""
            line += ch
        return lines + [line] if line else lines

    usable = width - 2 * margin
    for block in blocks:
        if isinstance(block, str):
            for i, line in enumerate(wrap(block, usable - (2 * size))):
                if not room(pitch):
                    break
                draw.text((margin + (2 * size if i == 0 else 0), y), line, font=font, fill="black")
                y += pitch
            continue
        rows = _as_grid(block).rows
        cols = max(len(r) for r in rows)
        col_w = usable / cols
        for row in rows:
            cells = [wrap(c.strip(), col_w - size) for c in row]
            h = pitch * max(1, max(len(c) for c in cells)) + size // 2
            if not room(h):
                break
            for c, lines in enumerate(cells):
                x = margin + c * col_w
                draw.rectangle((x, y, x + col_w, y + h), outline="black", width=max(1, int(px * 0.6)))
                for k, line in enumerate(lines):
                    draw.text((x + size // 3, y + size // 4 + k * pitch), line, font=font, fill="black")
            y += h
        y += pitch // 2
    return [_degrade(p, scan, px) for p in pages]


def _degrade(image, scan: Scan, px: float):
    """A red stamp over the upper text, then a slight skew, as a scanner gives them."""
    from PIL import Image, ImageDraw, ImageFont

    if scan.stamp:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        d = ImageDraw.Draw(overlay)
        r = int(70 * px)
        cx, cy = image.size[0] // 2, int(220 * px)
        red = (220, 30, 30, 150)
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=int(4 * px))
        d.text((cx, cy), "★", font=ImageFont.truetype(SCAN_FONT, int(40 * px), index=SCAN_FACE), fill=red, anchor="mm")
        d.text((cx, cy + int(45 * px)), "专用章", font=ImageFont.truetype(SCAN_FONT, int(16 * px), index=SCAN_FACE), fill=red, anchor="mm")
        image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    if scan.rotate:
        image = image.rotate(scan.rotate, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    return image


def make_scan_pdf(path: Path, blocks: list, scan: Scan = Scan(), max_pages: int | None = None) -> Path:
    """An image-only PDF of ``blocks`` (Pillow writes one JPEG-free RGB image per page, no text)."""
    pages = render_pages(blocks, scan, max_pages)
    pages[0].save(path, "PDF", resolution=scan.dpi, save_all=True, append_images=pages[1:])
    return Path(path)


def make_scan_image(path: Path, blocks: list, scan: Scan = Scan()) -> Path:
    """The first page of ``blocks`` as an image file (.png / .jpg / .tif by ``path``'s suffix)."""
    image = render_pages(blocks, scan, max_pages=1)[0]
    image.save(path, dpi=(scan.dpi, scan.dpi))
    return Path(path)
