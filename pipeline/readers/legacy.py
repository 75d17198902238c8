"""Formats read by way of something else: legacy Word (OLE2 .doc/.wps) and RTF through
LibreOffice, HTML (Word's "save as web page", often named .doc) through lxml.html.

LibreOffice runs headless with a profile of its own per worker process (so parallel
workers do not fight over a lock; reusing it saves ~0.7 s of the ~3 s a conversion takes;
conversions within one process are serialised), on a copy of the file under a plain ASCII
name in a temporary directory (so odd file names never reach a command line), with a
timeout that kills its whole process group. It exits 0 even when conversion fails, so the
output is checked: it must exist and read as a .docx with text.
"""
from __future__ import annotations

import atexit
import email
import email.policy
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path

from lxml import etree, html

from pipeline.errors import IngestError
from pipeline.readers import Body, TextBuilder
from pipeline.readers.docx import read_docx
from pipeline.readers.txt import decode, normalize_newlines

CONVERT_TIMEOUT = 45  # seconds; below the worker's per-file limit (60 s), so soffice is killed by us, not orphaned

MSG_NO_SOFFICE = "旧版 {what} 文件：需要安装 LibreOffice 才能转换（或请提供 .docx / PDF 版本）"
MSG_CONVERT_FAILED = "旧版 {what} 文件：LibreOffice 转换失败（{why}），文件可能已损坏或加密"


def _ole2_streams(data: bytes) -> set[str]:
    """Which well-known stream names occur in an OLE2 compound file (directory entries are UTF-16LE)."""
    names = ("WordDocument", "EncryptedPackage", "EncryptionInfo", "Workbook", "Book", "PowerPoint Document", "WpsCustomData")
    return {n for n in names if n.encode("utf-16-le") in data}


def classify_ole2(data: bytes) -> str:
    """``encrypted_ooxml`` (a password-protected .docx/.xlsx), ``excel``, ``powerpoint`` or ``word``."""
    streams = _ole2_streams(data)
    if "EncryptedPackage" in streams:
        return "encrypted_ooxml"
    if "WordDocument" in streams:
        return "word"
    if streams & {"Workbook", "Book"}:
        return "excel"
    if "PowerPoint Document" in streams:
        return "powerpoint"
    return "word"


_PROFILES: dict[int, Path] = {}  # pid → LibreOffice user profile directory
_LOCK = threading.Lock()


def _profile() -> Path:
    """This process's LibreOffice profile directory (created on first use, removed at exit)."""
    pid = os.getpid()
    if pid not in _PROFILES:
        path = Path(tempfile.mkdtemp(prefix="jixiao-lo-profile-"))
        atexit.register(shutil.rmtree, path, True)
        _PROFILES[pid] = path
    return _PROFILES[pid]


def _drop_profile() -> None:
    """Forget a profile a killed LibreOffice may have left locked."""
    path = _PROFILES.pop(os.getpid(), None)
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def soffice() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, suffix: str, what: str, *, timeout: float = CONVERT_TIMEOUT) -> bytes:
    """Convert a legacy document with LibreOffice; return the .docx bytes or raise ``legacy_doc``."""
    exe = soffice()
    if exe is None:
        raise IngestError("legacy_doc", MSG_NO_SOFFICE.format(what=what))
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as tmp, _LOCK:
        tmpdir = Path(tmp)
        src = tmpdir / f"input{suffix}"
        src.write_bytes(data)
        out = tmpdir / "out"
        cmd = [exe, f"-env:UserInstallation={_profile().as_uri()}", "--headless", "--norestore", "--nologo",
               "--convert-to", "docx", "--outdir", str(out), str(src)]
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as e:
            raise IngestError("legacy_doc", MSG_CONVERT_FAILED.format(what=what, why=f"无法启动 LibreOffice：{e}")) from None
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the group we started: soffice and its children
            proc.communicate()
            _drop_profile()
            raise IngestError("legacy_doc", MSG_CONVERT_FAILED.format(what=what, why=f"超过 {timeout:.0f} 秒未完成")) from None
        result = out / "input.docx"
        if not result.is_file() or result.stat().st_size == 0:
            why = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"退出码 {proc.returncode}，没有生成文件"]
            raise IngestError("legacy_doc", MSG_CONVERT_FAILED.format(what=what, why=why[0][:80]))
        return result.read_bytes()


def read_via_libreoffice(data: bytes, suffix: str, what: str) -> Body:
    """Convert with LibreOffice, then read the .docx; the body says it was converted."""
    converted = convert_to_docx(data, suffix, what)
    try:
        body = read_docx(converted)
    except IngestError as e:
        raise IngestError("legacy_doc", MSG_CONVERT_FAILED.format(what=what, why=e.message)) from None
    body.warnings.insert(0, f"由 LibreOffice 从 {what} 转换为 .docx 后读取")
    body.converted = True
    return body


# --- HTML ---------------------------------------------------------------------------------

_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "blockquote",
    "section", "article", "header", "footer", "address", "center", "ul", "ol", "dl", "body", "form",
}
_DROP = {"script", "style", "head", "title", "noscript", "template", "object", "iframe", "svg"}
_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def _decode_html(data: bytes) -> str:
    m = _CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else None
    if declared in ("gb2312", "gbk", "gb18030", "x-gbk", "cp936"):
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    elif declared and declared not in ("utf-8", "utf8"):
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)[0]


def _inline_text(el: etree._Element) -> str:
    """Text of an element with <br> as a space (used for table cells)."""
    parts: list[str] = []

    def walk(e: etree._Element) -> None:
        if not isinstance(e.tag, str) or e.tag.lower() in _DROP:
            if e.tail:
                parts.append(e.tail)
            return
        if e.tag.lower() == "br":
            parts.append(" ")
        if e.text:
            parts.append(e.text)
        for c in e:
            walk(c)
        if e.tag.lower() in _BLOCK or e.tag.lower() in ("td", "th", "tr"):
            parts.append(" ")
        if e.tail:
            parts.append(e.tail)

    if el.text:
        parts.append(el.text)
    for c in el:
        walk(c)
    return " ".join("".join(parts).split())


def read_html(data: bytes | str) -> Body:
    """Read HTML: block elements become lines, tables become rows; scripts and styles are dropped."""
    text = data if isinstance(data, str) else _decode_html(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = html.document_fromstring(text)
    except (etree.ParserError, ValueError) as e:
        raise IngestError("corrupt", f"HTML 文件无法解析（{e}）") from None
    b = TextBuilder()
    buf: list[str] = []

    def flush() -> None:
        s = normalize_newlines("".join(buf))
        buf.clear()
        for line in s.split("\n"):
            line = " ".join(line.split())
            if line:
                b.line(line)

    def walk(e: etree._Element) -> None:
        tag = e.tag.lower() if isinstance(e.tag, str) else ""
        if not tag or tag in _DROP:
            if e.tail:
                buf.append(e.tail)
            return
        if tag == "table":
            flush()
            rows = []
            for tr in e.iter("tr"):
                if tr.getparent() is not None and _nearest_table(tr) is e:
                    rows.append([_inline_text(td) for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")])
            b.table(rows)
        else:
            if tag == "br":
                buf.append("\n")
            if tag in _BLOCK:
                flush()
            if e.text:
                buf.append(e.text)
            for c in e:
                walk(c)
            if tag in _BLOCK:
                flush()
        if e.tail:
            buf.append(e.tail)

    walk(root)
    flush()
    out, tables = b.build()
    if not out.strip():
        raise IngestError("empty", "HTML 文件没有文字内容")
    return Body(kind="html", text=out, tables=tables, warnings=["文件实际是 HTML 网页格式，已按网页读取"])


def _nearest_table(el: etree._Element) -> etree._Element | None:
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def read_mhtml(data: bytes) -> Body:
    """Read an MHTML archive (Word's "single file web page"): its first HTML part."""
    msg = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset()
            if charset and charset.lower() in ("gb2312", "gbk"):
                charset = "gb18030"
            page: bytes | str = payload
            if charset:
                try:
                    page = payload.decode(charset)
                except (LookupError, UnicodeDecodeError):
                    pass
            body = read_html(page)
            body.warnings[:] = ["文件实际是 MHTML（单个文件网页）格式，已按网页读取"]
            return body
    raise IngestError("unsupported", "MHTML 文件中没有网页正文")
