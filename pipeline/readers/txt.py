"""Plain text: find the encoding without guessing wildly, then keep the text verbatim.

Order: a BOM (UTF-8, UTF-32, UTF-16), UTF-16 without BOM told by where the NUL bytes
fall, strict UTF-8, strict GB18030 (a superset of GB2312 and GBK that also covers
characters such as 𠀀 and 䶮 that GBK cannot encode). No codec that "decodes anything"
(latin-1, cp1252, errors="replace") is ever used. The decoded text must then look like
text (``sniff.implausible``). Only line endings are normalised (``\\r\\n`` and ``\\r`` → ``\\n``).
"""
from __future__ import annotations

from pipeline.errors import IngestError
from pipeline.readers import Body
from pipeline.readers.sniff import implausible

MSG_UNKNOWN = "文本编码无法识别：既不是 UTF-8/UTF-16，也不是 GB18030"
MSG_BINARY = "文件内容不是文本（含大量控制字符或乱码），可能是二进制文件或扩展名有误"
MSG_NOISE = "文本按 GB18030 解码后大多是生僻字，疑似编码错误（如 Big5）或二进制数据"
MSG_EMPTY = "文件没有文字内容（空文件或只有空白）"

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "utf-32"),
    (b"\xff\xfe", "utf-16", "utf-16"),
    (b"\xfe\xff", "utf-16", "utf-16"),
)


def normalize_newlines(text: str) -> str:
    r"""``\r\n`` and lone ``\r`` become ``\n``; nothing else changes.

    >>> normalize_newlines("a\r\nb\rc\n")
    'a\nb\nc\n'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when NUL bytes sit on one parity (ASCII-heavy UTF-16), else None.

    >>> _utf16_without_bom("2020年 budget 365.5\\n".encode("utf-16-le"))
    'utf-16-le'
    >>> _utf16_without_bom("人员编制".encode("utf-8"))
    """
    sample = data[:65536]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    pairs = len(sample) // 2
    if odd >= 0.2 * pairs and even <= 0.02 * pairs:
        return "utf-16-le"
    if even >= 0.2 * pairs and odd <= 0.02 * pairs:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """True when the bytes are UTF-8 with a few broken sequences (not another encoding).

    GB18030 text read as UTF-8 yields almost no valid multi-byte sequences; a damaged
    UTF-8 file yields mostly valid ones.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    sample = text[:200_000]  # its non-ASCII characters but U+FFFD, counted in C, not a Python loop per character
    good = len(sample) - len(sample.encode("ascii", "ignore")) - sample.count("\ufffd")
    return good >= 20 and good >= 10 * bad


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """Decode text bytes: (text, encoding, warnings), or raise ``IngestError``.

    >>> decode("人员编制17名".encode("utf-8"))[:2]
    ('人员编制17名', 'utf-8')
    >>> decode("䶮𠀀人员编制17名".encode("gb18030"))[:2]
    ('䶮𠀀人员编制17名', 'gb18030')
    >>> decode(b"\\xff\\xfe" + "人员".encode("utf-16-le"))[:2]
    ('人员', 'utf-16')
    """
    warnings: list[str] = []
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), name, warnings
            except UnicodeDecodeError as e:
                message = f"文件以 {name.upper()} 标记（BOM）开头，但第 {e.start} 字节处不是有效的 {name.upper()} 编码"
                raise IngestError("encoding", message) from None
    codec16 = _utf16_without_bom(data)
    if codec16:
        try:
            text = data.decode(codec16)
        except UnicodeDecodeError:
            pass
        else:
            warnings.append(f"文件没有 BOM，按 NUL 字节分布判断为 {codec16.upper()}")
            return text, "utf-16", warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as e:
        if _mostly_utf8(data):
            if e.start >= len(data) - 3 and e.reason == "unexpected end of data":
                warnings.append("文件末尾的一个字符不完整（文件可能被截断），已舍去")
                return data[: e.start].decode("utf-8"), "utf-8", warnings
            raise IngestError("encoding", f"文件是 UTF-8 编码，但第 {e.start} 字节处有无效字节（文件可能已损坏）") from None
    try:
        return data.decode("gb18030"), "gb18030", warnings
    except UnicodeDecodeError:
        raise IngestError("encoding", MSG_UNKNOWN) from None


def read_txt(data: bytes) -> Body:
    """Read a plain-text report."""
    text, encoding, warnings = decode(data)
    text = normalize_newlines(text)
    if not text.strip():
        raise IngestError("empty", MSG_EMPTY)
    why = implausible(text, check_rare=not encoding.startswith("utf-8"))
    if why == "binary":
        raise IngestError("binary", MSG_BINARY)
    if why == "encoding":
        raise IngestError("encoding", MSG_NOISE)
    return Body(kind="txt", text=text, encoding=encoding, warnings=warnings)
