"""Ingest: a path → ``Document``, or ``IngestError(code, message)`` saying why not.

The format is decided by the file's content, never its extension (a ".doc" may be a
renamed .docx, RTF or HTML; a ".txt" may be binary): see ``readers.sniff``.

=============  ==========================================================================
content        reader
=============  ==========================================================================
``%PDF-``      ``readers.pdf``: pypdfium2 text layer + pdfplumber tables; pages without a
               text layer by OCR (``readers.scan``, ``ocr`` mode auto | off | force)
PNG JPEG TIFF  ``readers.scan``: OCR (unless ``ocr="off"``)
BMP GIF
ZIP            ``readers.docx`` when it holds a Word body; other ZIPs (xlsx, pptx, odt,
               OFD) are refused as ``unsupported``
OLE2           legacy .doc/.wps via LibreOffice (``readers.legacy``); encrypted .docx,
               .xls, .ppt refused
``{\\rtf``      via LibreOffice
HTML / MHTML   ``readers.legacy.read_html`` (Word "web page" files are often named .doc)
anything else  ``readers.txt``: BOM, UTF-16, UTF-8, GB18030, then a garbage check
=============  ==========================================================================

Error codes (``IngestError.code``; messages are Chinese, for auditors):
``not_found``, ``not_a_file``, ``permission``, ``too_large``, ``empty``, ``encoding``,
``binary``, ``corrupt``, ``encrypted``, ``scanned``, ``cid_junk``, ``zip_bomb``,
``xml_entities``, ``legacy_doc``, ``unsupported``, ``changed``.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from stat import S_ISDIR

from pipeline.errors import IngestError
from pipeline.model import Document
from pipeline.readers import Body
from pipeline.readers.docx import open_zip, read_docx
from pipeline.readers.legacy import classify_ole2, read_html, read_mhtml, read_via_libreoffice
from pipeline.readers.pdf import read_pdf
from pipeline.readers.scan import PdfOcr, read_image
from pipeline.readers.sniff import IMAGES, sniff
from pipeline.readers.txt import read_txt

DEFAULT_MAX_BYTES = 200 * 2**20

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"})  # scans, read by OCR

# Which extensions each format is expected under (a mismatch is read, with a warning).
_EXPECTED_SUFFIXES = {
    "txt": {".txt", ".text", ".csv", ".md", ""},
    "docx": {".docx", ".docm", ".dotx", ".wps"},
    "pdf": {".pdf"},
    "image": IMAGE_SUFFIXES,
    "html": {".html", ".htm", ".mht", ".mhtml", ".doc"},  # read_html says so in its own warning
}
_OTHER_ZIPS = (
    ("xl/workbook.xml", "Excel 表格（.xlsx）"),
    ("ppt/presentation.xml", "PowerPoint 演示文稿（.pptx）"),
    ("OFD.xml", "OFD 版式文件（请导出为 PDF 后再读取）"),
    ("content.xml", "OpenDocument 文档（.odt 等，请另存为 .docx）"),
)


def read_document(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, password: str | None = None,
                  ocr: str = "auto") -> Document:
    """Read one report file into a ``Document``, or raise ``IngestError``.

    ``password`` opens an encrypted PDF. A file larger than ``max_bytes`` is refused
    before it is read. ``ocr``: auto (scans and image-only pages by OCR when an engine is
    installed), off, or force (every PDF page by OCR).
    """
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    body = _read_body(data, password, ocr)
    if not body.text.strip():  # every reader checks already; never return an empty success
        raise IngestError("empty", "文件没有文字内容")
    suffix = path.suffix.lower()
    if not body.converted and suffix not in _EXPECTED_SUFFIXES.get(body.kind, {suffix}):
        body.warnings.append(f"扩展名为 {path.suffix or '（无）'}，实际内容是 {body.kind} 格式，已按 {body.kind} 读取")
    return Document(
        doc=path.name,
        path=str(path),
        kind=body.kind,
        text=body.text,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        tables=body.tables,
        encoding=body.encoding,
        pages=body.pages,
        warnings=tuple(body.warnings),
        ocr=body.ocr,
        ocr_spans=body.ocr_spans,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes; size is checked before reading (and again while reading)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise IngestError("not_found", f"文件不存在：{path}") from None
    except PermissionError:
        raise IngestError("permission", f"没有权限读取文件：{path}") from None
    except OSError as e:
        raise IngestError("not_found", f"无法访问文件：{path}（{e.strerror}）") from None
    if S_ISDIR(st.st_mode):  # what path.is_dir() asks, from the stat already made
        raise IngestError("not_a_file", f"这是一个文件夹，不是文件：{path}")
    if st.st_size > max_bytes:
        raise IngestError("too_large", f"文件过大：{st.st_size / 2**20:,.1f} MB，超过上限 {max_bytes / 2**20:,.1f} MB")
    try:
        with path.open("rb") as f:
            data = f.read(min(st.st_size, max_bytes) + 1)  # read(n) allocates n bytes up front
    except PermissionError:
        raise IngestError("permission", f"没有权限读取文件：{path}") from None
    except OSError as e:
        raise IngestError("corrupt", f"读取文件时出错：{e.strerror}") from None
    if len(data) > st.st_size:
        raise IngestError("changed", "文件在读取过程中被修改（大小发生变化），请稍后重试")
    if not data:
        raise IngestError("empty", "文件是空的（0 字节）")
    return data


def _read_body(data: bytes, password: str | None, ocr: str = "auto") -> Body:
    kind = sniff(data)
    if kind == "pdf":
        return read_pdf(data, password, PdfOcr(ocr))
    if kind.removeprefix("binary:") in IMAGES:
        return read_image(data, ocr)
    if kind == "zip":
        return _read_zip(data)
    if kind == "ole2":
        return _read_ole2(data)
    if kind == "rtf":
        return read_via_libreoffice(data, ".rtf", "RTF")
    if kind == "html":
        return read_html(data)
    if kind == "mhtml":
        return read_mhtml(data)
    if kind.startswith("binary:"):
        what = kind.split(":", 1)[1]
        hint = "，需要先做 OCR" if "图片" in what else ""
        raise IngestError("unsupported", f"文件实际是{what}，不是报告文档{hint}")
    return read_txt(data)


def _read_zip(data: bytes) -> Body:
    zf = open_zip(data)
    with zf:
        names = set(zf.namelist())
    if "word/document.xml" in names or "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return read_docx(data)
    for marker, what in _OTHER_ZIPS:
        if marker in names or any(n.endswith("/" + marker) for n in names):
            raise IngestError("unsupported", f"文件实际是 {what}，不是 Word 文档")
    if "[Content_Types].xml" in names:
        raise IngestError("corrupt", ".docx 文件已损坏：压缩包中没有正文（word/document.xml）")
    raise IngestError("unsupported", "文件是 ZIP 压缩包，不是 Word 文档（请解压后分别读取）")


def _read_ole2(data: bytes) -> Body:
    what = classify_ole2(data)
    if what == "encrypted_ooxml":
        raise IngestError("encrypted", "Office 文档已加密（设置了打开密码），请去掉密码另存为 .docx 后再读取")
    if what == "excel":
        raise IngestError("unsupported", "文件实际是旧版 Excel 表格（.xls），不是 Word 文档")
    if what == "powerpoint":
        raise IngestError("unsupported", "文件实际是旧版 PowerPoint 演示文稿（.ppt），不是 Word 文档")
    return read_via_libreoffice(data, ".doc", ".doc/.wps")
