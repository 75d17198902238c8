"""Word .docx (OOXML) read with ``zipfile`` + ``lxml``: body paragraphs and tables, in order.

Why not python-docx: it is 8–13x slower (on the samples: 59–80 ms against 2–9 ms a
file, measured), it skips content controls and text boxes, and it has no zip-bomb
defence. Here:

- the ZIP is checked before anything is inflated: entry count, declared sizes of all
  members, then the main part is *streamed* with a byte cap, so a member whose header
  lies about its size is caught after at most ``cap`` bytes (``zip_bomb``);
- XML is parsed with entity resolution, DTD loading and network access off, and a
  DOCTYPE in a part is refused outright (Word never writes one: ``xml_entities``);
- text: a paragraph is one line (``w:t``; ``w:tab`` → tab; ``w:br``/``w:cr`` → line
  break; deleted text and field codes are skipped; the automatic list number such as
  "一、" or "（二）" is rendered from numbering.xml); a table is one line per row via
  ``TextBuilder.table`` (``w:gridSpan`` is one cell; a ``w:vMerge`` continuation is an
  empty cell, so a figure is never repeated); a table nested in a cell is flattened into
  that cell's text; text boxes follow the paragraph that anchors them.
"""
from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from functools import lru_cache

from lxml import etree

from pipeline.errors import IngestError
from pipeline.readers import Body, TextBuilder

MAX_MAIN_XML = 64 * 2**20  # inflated bytes of word/document.xml we will parse
MAX_SMALL_XML = 16 * 2**20  # _rels, numbering.xml, styles.xml
MAX_DECLARED_TOTAL = 2**30  # sum of all members' declared sizes
MAX_ENTRIES = 20_000  # a real .docx has a few dozen

_MSG_NOT_ZIP = ".docx 文件已损坏（不是有效的 ZIP 压缩包）"
_MSG_NO_MAIN = ".docx 文件已损坏：压缩包中没有正文（word/document.xml）"
_MSG_BOMB = "压缩包解压后大小异常（{what}），疑似压缩炸弹，已拒绝读取"
_MSG_ENTITIES = ".docx 中的 XML 含有 DOCTYPE/实体定义（Word 不会生成），疑似实体膨胀攻击，已拒绝读取"
_MSG_BAD_XML = ".docx 文件已损坏：{part} 不是有效的 XML（{why}）"
_MSG_EMPTY = "Word 文档没有文字内容"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, dtd_validation=False
)

_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# Transitional and Strict (ISO 29500) WordprocessingML namespaces.
_W_NAMESPACES = (
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
)


# --- the ZIP container -------------------------------------------------------------


def _eocd_entries(data: bytes) -> int | None:
    """Entry count from the End Of Central Directory record, read before ``ZipFile`` parses it."""
    tail = data[-(65536 + 22):]
    i = tail.rfind(b"PK\x05\x06")
    if i < 0 or i + 22 > len(tail):
        return None
    return struct.unpack("<H", tail[i + 10 : i + 12])[0]


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open the container, refusing damaged archives and absurd entry counts / declared sizes."""
    entries = _eocd_entries(data)
    if entries is not None and entries != 0xFFFF and entries > MAX_ENTRIES:
        raise IngestError("zip_bomb", _MSG_BOMB.format(what=f"含 {entries} 个文件"))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise IngestError("corrupt", _MSG_NOT_ZIP) from None
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise IngestError("zip_bomb", _MSG_BOMB.format(what=f"含 {len(infos)} 个文件"))
    declared = sum(i.file_size for i in infos)
    if declared > MAX_DECLARED_TOTAL:
        raise IngestError("zip_bomb", _MSG_BOMB.format(what=f"声明解压后共 {declared / 2**20:,.0f} MB"))
    return zf


def read_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    """Inflate one member, never more than ``cap`` bytes, nor more than its declared size.

    ``ZipExtFile`` stops at the declared size; reading through a copy of the ZipInfo whose
    size is set to ``cap + 1`` lets us see a member that inflates past what its header says.
    """
    info = zf.getinfo(name)
    if info.file_size > cap:
        what = f"{name} 声明 {info.file_size / 2**20:,.0f} MB，上限 {cap / 2**20:,.0f} MB"
        raise IngestError("zip_bomb", _MSG_BOMB.format(what=what))
    probe = copy.copy(info)
    probe.file_size = cap + 1
    chunks: list[bytes] = []
    total = 0
    try:
        with zf.open(probe) as f:
            while chunk := f.read(1 << 20):
                total += len(chunk)
                if total > info.file_size:
                    what = f"{name} 实际解压大小超过其声明的 {info.file_size:,} 字节"
                    raise IngestError("zip_bomb", _MSG_BOMB.format(what=what))
                chunks.append(chunk)
    except RuntimeError as e:  # an encrypted member ("password required")
        raise IngestError("encrypted", ".docx 压缩包已加密，无法读取") from e
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as e:
        raise IngestError("corrupt", f".docx 文件已损坏：{name} 无法解压（{e.__class__.__name__}）") from None
    return b"".join(chunks)


def parse_xml(xml: bytes, part: str) -> etree._Element:
    """Parse one part safely: no DOCTYPE, no entity expansion, no network."""
    head = xml[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"<\x00!\x00D\x00O\x00C\x00" in head:
        raise IngestError("xml_entities", _MSG_ENTITIES)
    try:
        root = etree.fromstring(xml, _PARSER)
    except etree.XMLSyntaxError as e:
        raise IngestError("corrupt", _MSG_BAD_XML.format(part=part, why=str(e)[:80])) from None
    if root.getroottree().docinfo.doctype:
        raise IngestError("xml_entities", _MSG_ENTITIES)
    return root


def main_part(zf: zipfile.ZipFile) -> str | None:
    """The main document part: the package relationship of type officeDocument, else word/document.xml."""
    names = set(zf.namelist())
    if "_rels/.rels" in names:
        try:
            rels = parse_xml(read_member(zf, "_rels/.rels", MAX_SMALL_XML), "_rels/.rels")
        except IngestError:
            rels = None
        if rels is not None:
            for rel in rels.iter(f"{{{_REL_NS}}}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    target = rel.get("Target", "").lstrip("/")
                    if target in names:
                        return target
    return "word/document.xml" if "word/document.xml" in names else None


def _related_part(zf: zipfile.ZipFile, main: str, rel_type: str) -> str | None:
    """The part a relationship of the main part points to (e.g. numbering.xml), if any."""
    folder, _, base = main.rpartition("/")
    rels_name = f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
    if rels_name not in zf.namelist():
        return None
    rels = parse_xml(read_member(zf, rels_name, MAX_SMALL_XML), rels_name)
    for rel in rels.iter(f"{{{_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/" + rel_type) and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            name = target.lstrip("/") if target.startswith("/") else (f"{folder}/{target}" if folder else target)
            if name in zf.namelist():
                return name
    return None


# --- list numbering ("一、", "（二）", "1.") --------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def chinese_counting(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """Chinese numeral as Word's ``chineseCounting`` writes it.

    >>> [chinese_counting(n) for n in (1, 10, 11, 20, 21, 100, 105, 110)]
    ['一', '十', '十一', '二十', '二十一', '一百', '一百零五', '一百一十']
    """
    if n <= 0 or n >= 10000:
        return str(n)
    if 10 <= n < 20:
        return units[0] + (digits[n % 10] if n % 10 else "")
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // power % 10
        if d:
            if zero and out:
                out += digits[0]
            out += digits[d] + unit
            zero = False
        else:
            zero = True
    return out


def _roman(n: int) -> str:
    vals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str | None:
    """A list counter in a ``w:numFmt`` format; None for bullets and ``none``.

    >>> [format_number(3, f) for f in ("decimal", "chineseCounting", "upperRoman", "lowerLetter", "bullet")]
    ['3', '三', 'III', 'c', None]
    """
    if fmt in ("bullet", "none"):
        return None
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "koreanCounting"):
        return chinese_counting(n)
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return chinese_counting(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return _CIRCLED[n - 1]
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    return str(n)


class Numbering:
    """Renders automatic list labels from numbering.xml (and paragraph styles that carry numbering).

    Counters are kept per abstract numbering definition and level; a higher level resets
    the lower ones. ``lvlOverride/startOverride`` restarts a list. Good enough for the
    headings and numbered items of a report; bullets render as nothing.
    """

    def __init__(self, ns: str, numbering: etree._Element | None, styles: etree._Element | None):
        self.w = lambda tag: f"{{{ns}}}{tag}"
        w = self.w
        self.levels: dict[str, dict[int, tuple[int, str, str, bool, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering is not None:
            for absn in numbering.iter(w("abstractNum")):
                aid = absn.get(w("abstractNumId"))
                lvls = {}
                for lvl in absn.iter(w("lvl")):
                    ilvl = int(lvl.get(w("ilvl"), "0"))
                    start = lvl.find(w("start"))
                    fmt = lvl.find(w("numFmt"))
                    text = lvl.find(w("lvlText"))
                    suff = lvl.find(w("suff"))
                    lvls[ilvl] = (
                        int(start.get(w("val"), "1")) if start is not None else 1,
                        fmt.get(w("val"), "decimal") if fmt is not None else "decimal",
                        text.get(w("val"), "") if text is not None else "",
                        lvl.find(w("isLgl")) is not None,
                        suff.get(w("val"), "tab") if suff is not None else "tab",
                    )
                self.levels[aid] = lvls
            for num in numbering.iter(w("num")):
                ref = num.find(w("abstractNumId"))
                if ref is None:
                    continue
                overrides = {}
                for ov in num.iter(w("lvlOverride")):
                    so = ov.find(w("startOverride"))
                    if so is not None:
                        overrides[int(ov.get(w("ilvl"), "0"))] = int(so.get(w("val"), "1"))
                self.nums[num.get(w("numId"))] = (ref.get(w("val")), overrides)
        if styles is not None:
            based: dict[str, str] = {}
            direct: dict[str, tuple[str | None, int | None]] = {}
            for st in styles.iter(w("style")):
                sid = st.get(w("styleId"))
                b = st.find(w("basedOn"))
                if b is not None:
                    based[sid] = b.get(w("val"))
                npr = st.find(f"{w('pPr')}/{w('numPr')}")
                if npr is not None:
                    nid = npr.find(w("numId"))
                    il = npr.find(w("ilvl"))
                    direct[sid] = (
                        nid.get(w("val")) if nid is not None else None,
                        int(il.get(w("val"), "0")) if il is not None else None,
                    )
            for sid in set(based) | set(direct):
                cur, seen, num_id, ilvl = sid, set(), None, None
                while cur and cur not in seen:
                    seen.add(cur)
                    d = direct.get(cur)
                    if d:
                        num_id = num_id or d[0]
                        ilvl = ilvl if ilvl is not None else d[1]
                    cur = based.get(cur)
                if num_id:
                    self.style_num[sid] = (num_id, ilvl or 0)

    def label(self, p: etree._Element) -> str:
        """The list label of paragraph ``p`` ("" when it has none), advancing the counters."""
        if not self.nums:
            return ""  # no list defined: no label, whatever the paragraph says
        w = self.w
        ppr = p.find(w("pPr"))
        if ppr is None:
            return ""
        num_id, ilvl = None, None
        npr = ppr.find(w("numPr"))
        if npr is not None:
            nid, il = npr.find(w("numId")), npr.find(w("ilvl"))
            num_id = nid.get(w("val")) if nid is not None else None
            ilvl = int(il.get(w("val"), "0")) if il is not None else None
        style = ppr.find(w("pStyle"))
        if style is not None and style.get(w("val")) in self.style_num:
            s_num, s_lvl = self.style_num[style.get(w("val"))]
            num_id = num_id or s_num
            ilvl = ilvl if ilvl is not None else s_lvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        ilvl = ilvl or 0
        aid, overrides = self.nums[num_id]
        lvls = self.levels.get(aid, {})
        if ilvl not in lvls:
            return ""
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for lv, start in overrides.items():
                counters[lv] = start - 1
        start = lvls[ilvl][0]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, text, _, suff = lvls[ilvl]

        def level_value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            lv = lvls.get(k)
            if lv is None:
                return ""
            value = counters.get(k, lv[0])
            out = format_number(value, "decimal" if lvls[ilvl][3] else lv[1])
            return out or ""

        if format_number(1, fmt) is None:
            return ""  # bullet
        label = re.sub(r"%(\d)", level_value, text)
        if label and suff != "nothing" and label[-1].isascii():
            label += " "
        return label


# --- the body ---------------------------------------------------------------------


# what _Walker._inline does with an element, by its tag (else a string: what the element stands for)
_TEXT = object()  # its own text (w:t)
_SKIP = object()  # nothing: properties, deleted text, field codes, comments (lxml's non-string tags)
_INTO = object()  # its children, in turn (a run, a hyperlink, any element not named)
_BOX = object()  # a text box: read after its paragraph


@lru_cache(maxsize=4)
def _tags(ns: str) -> dict:
    """The tag names _Walker asks about, in namespace ``ns``, and ``ACTIONS``: tag → what
    ``_inline`` does with it."""
    w = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    t = {
        "P": w("p"), "TBL": w("tbl"), "TR": w("tr"), "TC": w("tc"), "T": w("t"), "TAB": w("tab"),
        "PTAB": w("ptab"), "BR": w("br"), "CR": w("cr"), "NBHYPHEN": w("noBreakHyphen"), "SDT": w("sdt"),
        "SDT_CONTENT": w("sdtContent"), "TXBX": w("txbxContent"), "VMERGE": w("vMerge"), "TCPR": w("tcPr"),
        "TRPR": w("trPr"), "VAL": w("val"), "DEL": w("del"),
    }
    t["SKIP"] = frozenset({
        w("pPr"), w("rPr"), w("del"), w("moveFrom"), w("instrText"), w("delInstrText"),
        w("sdtPr"), w("sdtEndPr"), w("delText"), w("footnoteReference"), w("endnoteReference"),
        w("commentReference"), w("annotationRef"), w("sym"), w("fldChar"), w("tblPr"),
        w("tblGrid"), w("trPr"), w("tcPr"), w("sectPr"), w("bookmarkStart"), w("bookmarkEnd"),
        f"{{{_MC_NS}}}Fallback",
    })
    t["WRAPPERS"] = frozenset({
        w("customXml"), w("ins"), w("moveTo"), w("smartTag"),
        f"{{{_MC_NS}}}AlternateContent", f"{{{_MC_NS}}}Choice",
    })
    # what an inline element stands for in the text (_TEXT: its own text)
    t["MARKS"] = {t["T"]: _TEXT, t["TAB"]: "\t", t["PTAB"]: "\t", t["BR"]: "\n", t["CR"]: "\n", t["NBHYPHEN"]: "-"}
    actions = {tag: _SKIP for tag in t["SKIP"]}
    actions.update({etree.Comment: _SKIP, etree.PI: _SKIP, etree.Entity: _SKIP})  # the tags that are no strings
    actions[t["TXBX"]] = _BOX
    actions.update(t["MARKS"])  # a mark first, a text box next, then the skipped: as the checks ran in turn
    t["ACTIONS"] = actions
    return t


class _Walker:
    """Walks ``w:body`` and feeds a ``TextBuilder``."""

    def __init__(self, ns: str, numbering: Numbering):
        self.__dict__.update(_tags(ns))  # the tag names of the namespace, built once per namespace
        self.numbering = numbering

    def blocks(self, parent: etree._Element) -> Iterator[tuple[str, object]]:
        """Yield ("p", text) and ("table", rows) in document order."""
        label = self.numbering.label if self.numbering.nums else None  # no list defined: no label
        for child in parent:
            tag = child.tag
            if tag == self.P:
                parts: list[str] = []
                boxes: list[etree._Element] = []
                self._inline(child, parts, boxes)
                text = label(child) + "".join(parts) if label is not None else "".join(parts)
                yield "p", text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
                for box in boxes:
                    yield from self.blocks(box)
            elif tag == self.TBL:
                yield "table", self._rows(child)
            elif tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    yield from self.blocks(content)
            elif tag in self.WRAPPERS:
                yield from self.blocks(child)

    def _inline(self, el: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        actions = self.ACTIONS
        for child in el:
            what = actions.get(child.tag, _INTO)  # one lookup for t, tab, br, the skipped, a text box …
            if what is _TEXT:
                parts.append(child.text or "")
            elif what is _SKIP:
                continue
            elif what is _INTO:
                self._inline(child, parts, boxes)
            elif what is _BOX:
                boxes.append(child)
            else:  # what the element stands for in the text (a tab, a line break)
                parts.append(what)

    def _kids(self, el: etree._Element, tag: str) -> Iterator[etree._Element]:
        """Children with ``tag``, looking through content controls and other wrappers."""
        for c in el:
            if c.tag == tag:
                yield c
            elif c.tag == self.SDT:
                content = c.find(self.SDT_CONTENT)
                if content is not None:
                    yield from self._kids(content, tag)
            elif c.tag in self.WRAPPERS:
                yield from self._kids(c, tag)

    def _rows(self, tbl: etree._Element) -> list[list[str]]:
        rows = []
        for tr in self._kids(tbl, self.TR):
            trpr = tr.find(self.TRPR)
            if trpr is not None and trpr.find(self.DEL) is not None:
                continue  # a row deleted with track changes on
            row = []
            for tc in self._kids(tr, self.TC):
                vm = tc.find(f"{self.TCPR}/{self.VMERGE}")
                if vm is not None and vm.get(self.VAL) in (None, "continue"):
                    row.append("")  # continuation of a vertical merge: the figure is above
                else:
                    row.append(self._cell(tc))
            rows.append(row)
        return rows

    def _cell(self, tc: etree._Element) -> str:
        pieces = []
        for kind, value in self.blocks(tc):
            if kind == "p":
                pieces.append(" ".join(str(value).split("\n")))
            else:  # a nested table: its cells, row after row, on the cell's one line
                pieces.extend(" ".join(c for c in row if c.strip()) for row in value)  # type: ignore[union-attr]
        return " ".join(p.strip() for p in pieces if p.strip())


def read_docx(data: bytes) -> Body:
    """Read a .docx file's body into text and tables."""
    zf = open_zip(data)
    with zf:
        main = main_part(zf)
        if main is None:
            raise IngestError("corrupt", _MSG_NO_MAIN)
        root = parse_xml(read_member(zf, main, MAX_MAIN_XML), main)
        ns = etree.QName(root).namespace or ""
        if ns not in _W_NAMESPACES:
            raise IngestError("corrupt", f".docx 文件已损坏：{main} 不是 Word 正文")
        warnings: list[str] = []
        numbering = styles = None
        # List labels come from numPr on a paragraph or on its style: parts are only read
        # when the body could use them (styles.xml alone is often 50–350 KB).
        uses_styles = root.find(f".//{{{ns}}}pStyle") is not None
        if uses_styles or root.find(f".//{{{ns}}}numPr") is not None:
            try:
                name = _related_part(zf, main, "numbering")
                numbering = parse_xml(read_member(zf, name, MAX_SMALL_XML), name) if name else None
                name = _related_part(zf, main, "styles") if numbering is not None and uses_styles else None
                raw = read_member(zf, name, MAX_SMALL_XML) if name else b""
                styles = parse_xml(raw, name) if b"numPr" in raw else None
            except IngestError as e:
                if e.code in ("zip_bomb", "xml_entities"):
                    raise
                warnings.append(f"自动编号未能读取（{e.message}），标题编号可能缺失")
    body = root.find(f"{{{ns}}}body")
    if body is None:
        raise IngestError("corrupt", _MSG_NO_MAIN)
    if body.find(f".//{{{ns}}}altChunk") is not None:
        warnings.append("文档中嵌入了外部内容块（altChunk，如粘贴的网页/RTF），这部分内容未读取")
    walker = _Walker(ns, Numbering(ns, numbering, styles))
    b = TextBuilder()
    for kind, value in walker.blocks(body):
        if kind == "p":
            b.line(value)  # type: ignore[arg-type]
        else:
            b.table(value)  # type: ignore[arg-type]
    text, tables = b.build()
    if not text.strip():
        raise IngestError("empty", _MSG_EMPTY)
    return Body(kind="docx", text=text, tables=tables, warnings=warnings)
