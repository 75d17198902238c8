"""What a file really is (magic bytes, never the extension), and whether decoded text is plausible.

``sniff(data)`` returns one of: ``pdf``, ``zip``, ``ole2``, ``rtf``, ``mhtml``, ``html``,
``text``, or ``binary:<what>`` for formats we recognise but do not read (images, archives,
executables). ``implausible(text)`` says whether decoded text looks like binary noise.
"""
from __future__ import annotations

import re

# Magic numbers of images: read by OCR (pipeline/readers/scan.py) when it is on and installed.
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF87a", "GIF 图片"),
    (b"GIF89a", "GIF 图片"),
    (b"II*\x00", "TIFF 图片"),
    (b"MM\x00*", "TIFF 图片"),
    (b"BM", "BMP 图片"),
)
IMAGES = frozenset(name for _, name in _IMAGE_MAGIC)  # what sniff calls them ("binary:" + name)

# Magic numbers of other formats we recognise only to refuse them clearly.
_OTHER_MAGIC: tuple[tuple[bytes, str], ...] = _IMAGE_MAGIC + (
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包"),
    (b"Rar!\x1a\x07", "RAR 压缩包"),
    (b"\x7fELF", "可执行程序"),
    (b"MZ", "Windows 可执行程序"),
)


def sniff(data: bytes) -> str:
    """Classify a file by its first bytes.

    >>> sniff(b"%PDF-1.7 ...")
    'pdf'
    >>> sniff(b"PK\\x03\\x04rest")
    'zip'
    >>> sniff(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1rest")
    'ole2'
    >>> sniff(b"{\\\\rtf1\\\\ansi ...")
    'rtf'
    >>> sniff(b"\\xef\\xbb\\xbf <!DOCTYPE html><html>")
    'html'
    >>> sniff("人员编制17名".encode("gb18030"))
    'text'
    >>> sniff(b"\\x89PNG\\r\\n\\x1a\\n....")
    'binary:PNG 图片'
    """
    head = data[:2048]
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole2"
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    lower = stripped[:1024].lower()
    if lower.startswith(b"mime-version:") or (b"mime-version:" in lower and b"multipart/related" in lower):
        return "mhtml"
    if lower.startswith((b"<!doctype html", b"<html")) or (lower.startswith(b"<?xml") and b"<html" in lower):
        return "html"
    for magic, what in _OTHER_MAGIC:
        if head.startswith(magic):
            # "BM"/"MZ" are also how plain text may start: only trust them with binary bytes nearby.
            if len(magic) == 2 and not _has_nul(head):
                continue
            return f"binary:{what}"
    return "text"


def _has_nul(b: bytes) -> bool:
    return b"\x00" in b


# Characters that do not occur in a real report: C0 controls other than \t \n \v \f \r,
# DEL, C1 controls, U+FFFD (replacement), private use area, noncharacters U+FFFE/U+FFFF.
_CONTROL = "\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff"
_PRIVATE = "\ue000-\uf8ff"
_BAD = re.compile(f"[{_CONTROL}{_PRIVATE}]")
_CONTROLS = re.compile(f"[{_CONTROL}]")
_PRIVATES = re.compile(f"[{_PRIVATE}]")
_CJK_RANGES = "\u2e80-\u2fdf\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NOT_CJK = re.compile(f"[^{_CJK_RANGES}]+")

# How much of a text is analysed: enough to judge, bounded time on a 200 MB file.
_SAMPLE = 1_000_000
# Thresholds, chosen on the seeds (0 bad chars, < 1 % rare CJK) and on garbage (see tests):
BAD_SHARE = 0.05  # control chars / U+FFFD (or private-use chars) among non-space chars
RARE_CJK_SHARE = 0.30  # CJK chars outside GB2312 among all CJK chars
_MIN_CJK = 20  # below this many CJK chars the rare-share rule says nothing


def bad_share(text: str, pattern: re.Pattern[str] = _BAD) -> float:
    """Share of non-whitespace characters that never occur in a real report.

    By default: controls, U+FFFD, noncharacters and private-use characters (where
    unmapped PDF glyphs and user-defined GBK codes land).

    >>> bad_share("人员编制17名")
    0.0
    >>> bad_share("ab\\x00\\x01")
    0.5
    """
    sample = text[:_SAMPLE]
    if (pattern in _UNPRINTABLE and _printable(sample)) or pattern.search(sample) is None:
        return 0.0  # the usual text: nothing to count
    visible = len(sample) - sum(sample.count(c) for c in " \t\n\r\f\v\u3000")
    if visible <= 0:
        return 0.0
    return len(pattern.findall(sample)) / visible


# The patterns whose every character is one str.isprintable() refuses (Unicode Cc, Cn, Co), or U+FFFD
# (tests/test_speed22_seg22.py checks every code point): a text printable once its usual spaces are
# taken out, with no U+FFFD, holds none of them — told by C loops, not the pattern tried at each character.
_UNPRINTABLE = (_BAD, _CONTROLS, _PRIVATES)
_USUAL_SPACES = ("\n", "\t", "\u3000", "\xa0")  # what a report holds that str.isprintable() refuses


def _printable(sample: str) -> bool:
    r"""Whether ``sample`` holds nothing str.isprintable() refuses but the usual spaces, and no U+FFFD
    (False says nothing: the pattern decides).

    >>> _printable("人员编制\t17名\n\u3000退休4人"), _printable("人员\x00"), _printable("\ufffd"), _printable("a\rb")
    (True, False, False, False)
    """
    if "\ufffd" in sample:
        return False
    for space in _USUAL_SPACES:
        if space in sample:
            sample = sample.replace(space, "")
    return sample.isprintable()


def rare_cjk_share(text: str) -> float:
    """Share of CJK characters outside GB2312 (the 6,763 common simplified characters).

    A real simplified-Chinese report stays far below 10 %: even names and rare place
    names are a handful of characters. Text decoded with the wrong codec (Big5 bytes read
    as GB18030, unmapped PDF glyph ids read as code points) is mostly rare characters.
    Returns 0.0 when there are fewer than 20 CJK characters (too few to judge).

    >>> rare_cjk_share("单位核定事业编制人员40人，在岗37人，退休人员4人。" * 2)
    0.0
    >>> rare_cjk_share("醟嶜魮鎱䌼㳑颲䢳㨋䌪魌㮌䌜騬釱㯎鈅頔㻵䝖銄釐") > 0.9
    True
    """
    cjk = _NOT_CJK.sub("", text[:_SAMPLE])
    total = len(cjk)
    if total < _MIN_CJK:
        return 0.0
    # GB2312 encodes each CJK character it holds in two bytes (tests/test_speed21_seg21.py): the
    # characters outside it are those "ignore" leaves out — counted in C, not one encode a character
    return (total - len(cjk.encode("gb2312", "ignore")) // 2) / total


def implausible(text: str, *, check_rare: bool = True) -> str | None:
    """Why decoded text looks like binary noise (``binary`` / ``encoding``), or None if it looks fine.

    ``check_rare`` applies the rare-CJK rule; skip it for strict UTF-8, whose validity is
    evidence enough (and which may hold traditional characters legitimately).

    >>> implausible("人员编制17名，退役士官4人。")
    >>> implausible("\\x00" * 100)
    'binary'
    """
    if bad_share(text, _CONTROLS) > BAD_SHARE:
        return "binary"
    if check_rare and (rare_cjk_share(text) > RARE_CJK_SHARE or bad_share(text, _PRIVATES) > BAD_SHARE):
        return "encoding"  # the wrong codec: rare characters, user-defined (private-use) codes
    return None
