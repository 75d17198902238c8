"""Ingest: real files built in tmp_path (tests/builders.py) → Document, or IngestError with a stable code.

Each test names the condition and the outcome. Files are built with python-docx, reportlab
and by hand (hostile ZIPs), never mocked; only the presence of LibreOffice is faked.
"""
from __future__ import annotations

import importlib.util
import random
import re
import shutil
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import yaml
from builders import (
    Grid,
    make_cid_junk_pdf,
    make_docx,
    make_docx_xml,
    make_encrypted_pdf,
    make_entity_bomb_docx,
    make_ole2_doc,
    make_pdf,
    make_rtf,
    make_scanned_pdf,
    make_zip_bomb_docx,
)

from pipeline.errors import IngestError
from pipeline.ingest import read_document
from pipeline.readers import legacy

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "fixtures" / "shared" / "gold"

PARA = "长沙市望城区征地服务中心为全额拨款的事业单位，人员编制17名，退役士官4人，职能职责包括拟订征地方案和发布征地公告"


def ingest_error(path: Path, **kwargs) -> IngestError:
    with pytest.raises(IngestError) as info:
        read_document(path, **kwargs)
    assert info.value.message and not info.value.message.isascii(), "messages are for auditors, in Chinese"
    return info.value


def cells(doc, table) -> list[list[str]]:
    return [[doc.text[c.start : c.end] for c in row] for row in table.rows]


# --- plain text -----------------------------------------------------------------------------


def test_when_utf8_then_text_verbatim_with_newlines_normalized(tmp_path):
    p = tmp_path / "r.txt"
    p.write_bytes("一、单位基本情况\r\n人员编制17名。\r旧行尾\n  缩进 保留\t制表符\n".encode())
    doc = read_document(p)
    assert doc.kind == "txt" and doc.encoding == "utf-8"
    assert doc.text == "一、单位基本情况\n人员编制17名。\n旧行尾\n  缩进 保留\t制表符\n"
    assert doc.doc == "r.txt" and doc.path == str(p) and doc.size == p.stat().st_size
    assert len(doc.sha256) == 64 and doc.tables == () and doc.pages is None


def test_when_utf8_bom_then_bom_dropped(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "人员编制17名".encode())
    doc = read_document(p)
    assert doc.text == "人员编制17名" and doc.encoding == "utf-8-sig"


def test_when_gb18030_with_characters_gbk_lacks_then_read_as_gb18030(tmp_path):
    text = "单位名称：䶮𠀀征地服务中心\n人员编制17名，退役士官4人。\n" * 3
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")  # the point of the test: GBK would fail here
    p = tmp_path / "gb.txt"
    p.write_bytes(text.encode("gb18030"))
    doc = read_document(p)
    assert doc.encoding == "gb18030" and doc.text == text


def test_when_plain_gbk_report_then_read_as_gb18030(tmp_path):
    p = tmp_path / "gbk.txt"
    p.write_bytes((PARA + "。\n") .encode("gbk") * 20)
    assert read_document(p).encoding == "gb18030"


def test_when_utf16_le_with_bom_then_decoded(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes(b"\xff\xfe" + "人员编制17名\r\n在岗37人".encode("utf-16-le"))
    doc = read_document(p)
    assert doc.encoding == "utf-16" and doc.text == "人员编制17名\n在岗37人"


def test_when_utf16_without_bom_then_told_by_nul_bytes(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_bytes("2020 budget: 365.5\nstaff 17\n人员编制17名\n".encode("utf-16-le"))
    doc = read_document(p)
    assert doc.text == "2020 budget: 365.5\nstaff 17\n人员编制17名\n"
    assert any("BOM" in w for w in doc.warnings)


def test_when_full_width_digits_then_they_survive(tmp_path):
    p = tmp_path / "fw.txt"
    p.write_text("人员编制１７名，预算３６５．５万元", encoding="utf-8")
    assert read_document(p).text == "人员编制１７名，预算３６５．５万元"


@pytest.mark.parametrize(
    "name, data, codes",
    [
        ("random.txt", random.Random(0).randbytes(8192), {"encoding"}),
        ("nuls.txt", b"\x00" * 4096, {"binary"}),
        ("controls.txt", b"\x00\x01\x02\x03ELF-ish\x04\x05" * 500, {"binary"}),
        ("big5.txt", ("桃江縣征地拆遷安置與房屋徵收補償事務中心為全額撥款的正科級事業單位。" * 10).encode("big5"), {"encoding"}),
    ],
)
def test_when_binary_or_wrong_encoding_named_txt_then_refused(tmp_path, name, data, codes):
    p = tmp_path / name
    p.write_bytes(data)
    assert ingest_error(p).code in codes


def test_when_utf8_damaged_in_the_middle_then_encoding_error_not_mojibake(tmp_path):
    p = tmp_path / "bad.txt"
    good = (PARA + "。\n").encode("utf-8") * 10
    p.write_bytes(good + b"\xff" + good)
    err = ingest_error(p)
    assert err.code == "encoding" and "UTF-8" in err.message


def test_when_utf8_cut_inside_last_character_then_read_with_warning(tmp_path):
    p = tmp_path / "cut.txt"
    p.write_bytes((PARA * 3).encode("utf-8")[:-1])
    doc = read_document(p)
    assert doc.text == (PARA * 3)[:-1]  # only the broken last character is dropped
    assert doc.encoding == "utf-8" and doc.warnings


@pytest.mark.parametrize(
    "data",
    [b"", b"   \r\n\t\n", "\u3000\n".encode("utf-8"), b"\xef\xbb\xbf"],
    ids=["zero-bytes", "whitespace", "ideographic-space", "bom-only"],  # bytes ids break with the ini's unescaped ids
)
def test_when_empty_or_blank_then_empty(tmp_path, data):
    p = tmp_path / "empty.txt"
    p.write_bytes(data)
    assert ingest_error(p).code == "empty"


def test_when_one_5mb_line_without_newline_then_read_quickly(tmp_path):
    line = ("人员编制17名，" * 400_000)[: 5 * 2**20 // 3]
    p = tmp_path / "long.txt"
    p.write_bytes(line.encode("utf-8"))
    t0 = time.perf_counter()
    doc = read_document(p)
    assert time.perf_counter() - t0 < 3
    assert doc.text == line and "\n" not in doc.text


# --- the file system ------------------------------------------------------------------------


def test_when_missing_then_not_found(tmp_path):
    assert ingest_error(tmp_path / "nope.txt").code == "not_found"


def test_when_directory_then_not_a_file(tmp_path):
    assert ingest_error(tmp_path).code == "not_a_file"


def test_when_larger_than_max_bytes_then_too_large_before_reading(tmp_path):
    p = tmp_path / "big.txt"
    p.write_text(PARA * 100, encoding="utf-8")
    assert ingest_error(p, max_bytes=1000).code == "too_large"
    assert read_document(p, max_bytes=p.stat().st_size).text == PARA * 100


@pytest.mark.parametrize(
    "name",
    ["报告 2020 年度.docx", "it's \"final\"; rm -rf ~.docx", "$(touch pwned)`x`.docx", "绩效自评报告（终稿）#1 & 2.pdf", "中文 名称;'.txt"],
)
def test_when_file_name_has_spaces_quotes_semicolons_chinese_then_read(tmp_path, name):
    p = tmp_path / name
    if name.endswith(".docx"):
        make_docx(p, [PARA])
    elif name.endswith(".pdf"):
        make_pdf(p, [PARA + "。"])
    else:
        p.write_text(PARA, encoding="utf-8")
    doc = read_document(p)
    assert doc.doc == name and "人员编制17名" in doc.text
    assert not (tmp_path / "pwned").exists()


# --- .docx ------------------------------------------------------------------------------------


def test_when_docx_then_paragraphs_and_table_in_document_order(tmp_path):
    p = tmp_path / "r.docx"
    make_docx(p, [
        "一、单位基本情况",
        PARA + "。",
        [["项目名称", "预算金额", "支出金额"], ["项目1", "157.23", "157.23"], ["合计", "157.23", "157.23"]],
        "二、预算执行情况",
    ])
    doc = read_document(p)
    assert doc.kind == "docx" and doc.warnings == ()
    assert doc.text.split("\n") == [
        "一、单位基本情况",
        PARA + "。",
        "项目名称\t预算金额\t支出金额",
        "项目1\t157.23\t157.23",
        "合计\t157.23\t157.23",
        "二、预算执行情况",
    ]
    (table,) = doc.tables
    assert cells(doc, table) == [["项目名称", "预算金额", "支出金额"], ["项目1", "157.23", "157.23"], ["合计", "157.23", "157.23"]]
    assert doc.text[table.start : table.end] == "项目名称\t预算金额\t支出金额\n项目1\t157.23\t157.23\n合计\t157.23\t157.23"


def test_when_docx_has_merged_cells_then_each_figure_once(tmp_path):
    p = tmp_path / "merged.docx"
    grid = Grid(
        rows=[
            ["项目名称", "预算金额", "", "支出金额"],
            ["", "指标总额", "其中：区级资金", "支出总额"],
            ["项目1", "157.23", "100", "157.23"],
            ["合计", "", "", "157.23"],
        ],
        merges=[(0, 1, 0, 2), (0, 0, 1, 0), (3, 0, 3, 2)],
    )
    make_docx(p, [grid])
    doc = read_document(p)
    (table,) = doc.tables
    assert cells(doc, table) == [
        ["项目名称", "预算金额", "支出金额"],  # horizontal merge: one cell
        ["", "指标总额", "其中：区级资金", "支出总额"],  # vertical continuation: empty, not repeated
        ["项目1", "157.23", "100", "157.23"],
        ["合计", "157.23"],
    ]
    assert doc.text.count("预算金额") == 1 and doc.text.count("项目名称") == 1


def test_when_docx_has_breaks_tabs_and_list_numbers_then_rendered(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("第一项", style="List Number")
    d.add_paragraph("第二项", style="List Number")
    para = d.add_paragraph("人员编制")
    para.add_run().add_break()
    para.add_run("17名\t在岗15人")
    cell = d.add_table(rows=1, cols=1).cell(0, 0)
    cell.text = "指标"
    cell.add_paragraph("总额")
    p = tmp_path / "n.docx"
    d.save(str(p))
    doc = read_document(p)
    assert doc.text == "1. 第一项\n2. 第二项\n人员编制\n17名\t在岗15人\n指标 总额"


def test_when_docx_has_content_controls_text_boxes_and_tracked_changes_then_body_text_once(tmp_path):
    run = "<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>".format
    box = "<w:txbxContent><w:p>" + run("文本框：在岗15人") + "</w:p></w:txbxContent>"
    body = (
        "<w:sdt><w:sdtPr/><w:sdtContent><w:p>" + run("内容控件：人员编制17名") + "</w:p></w:sdtContent></w:sdt>"
        "<w:p>" + run("锚点段落")
        + "<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>" + box + "</wps:txbx></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><v:textbox>" + box + "</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
        "<w:p>" + run("修订：")
        + "<w:del><w:r><w:delText>删去的40人</w:delText></w:r></w:del><w:ins>" + run("新增的37人") + "</w:ins></w:p>"
        "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>" + run("3") + "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
        "<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p>"
        "<w:sectPr/>"
    )
    doc = read_document(make_docx_xml(tmp_path / "x.docx", body))
    assert doc.text == "内容控件：人员编制17名\n锚点段落\n文本框：在岗15人\n修订：新增的37人\n3\n甲\t乙\n丙"


def test_when_docx_uses_chinese_list_numbering_then_labels_rendered(tmp_path):
    numbering = (
        '<w:abstractNum w:abstractNumId="0">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )

    def item(level: int, text: str) -> str:
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="1"/></w:numPr></w:pPr>'
                f"<w:r><w:t>{text}</w:t></w:r></w:p>")

    body = "".join([item(0, "部门概况"), item(1, "基本情况"), item(2, "在职人员"), item(2, "主要职能"),
                    item(1, "预算情况"), item(0, "绩效情况"), item(1, "目标")])
    doc = read_document(make_docx_xml(tmp_path / "num.docx", body, numbering_xml=numbering))
    assert doc.text.split("\n") == [
        "一、部门概况", "（一）基本情况", "1. 在职人员", "2. 主要职能", "（二）预算情况", "二、绩效情况", "（一）目标",
    ]


def test_when_docx_table_has_nested_table_then_flattened_into_its_cell(tmp_path):
    import docx

    d = docx.Document()
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text, outer.cell(0, 1).text = "项目", "明细"
    outer.cell(1, 0).text = "合计"
    inner = outer.cell(1, 1).add_table(rows=2, cols=2)
    for (r, c), t in {(0, 0): "基本支出", (0, 1): "366.62", (1, 0): "项目支出", (1, 1): "176.67"}.items():
        inner.cell(r, c).text = t
    p = tmp_path / "nested.docx"
    d.save(str(p))
    doc = read_document(p)
    (table,) = doc.tables
    assert cells(doc, table) == [["项目", "明细"], ["合计", "基本支出 366.62 项目支出 176.67"]]


def test_when_docx_is_truncated_then_corrupt(tmp_path):
    good = make_docx(tmp_path / "good.docx", [PARA] * 50)
    p = tmp_path / "cut.docx"
    p.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    err = ingest_error(p)
    assert err.code == "corrupt" and "ZIP" in err.message


def test_when_docx_has_no_document_xml_then_corrupt(tmp_path):
    p = tmp_path / "hollow.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/styles.xml", "<styles/>")
    assert ingest_error(p).code == "corrupt"


def test_when_zip_is_a_spreadsheet_then_unsupported(tmp_path):
    p = tmp_path / "table.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    err = ingest_error(p)
    assert err.code == "unsupported" and "Excel" in err.message


@pytest.mark.parametrize("inflated, lie", [(3 * 2**30, False), (200 * 2**20, False), (3 * 2**30, True)])
def test_when_zip_bomb_then_refused_fast_without_memory(tmp_path, inflated, lie):
    p = make_zip_bomb_docx(tmp_path / "bomb.docx", inflated=inflated, lie=lie)
    assert p.stat().st_size < 4 * 2**20
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        err = ingest_error(p)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert err.code == "zip_bomb"
    assert elapsed < 2
    assert peak < 40 * 2**20  # the file itself is read (≤ 4 MB); nothing near its inflated size


def test_when_entity_bomb_then_refused(tmp_path):
    p = make_entity_bomb_docx(tmp_path / "lol.docx")
    t0 = time.perf_counter()
    assert ingest_error(p).code == "xml_entities"
    assert time.perf_counter() - t0 < 1


def test_when_docx_renamed_doc_then_read_as_docx(tmp_path):
    p = make_docx(tmp_path / "report.doc", [PARA])
    doc = read_document(p)
    assert doc.kind == "docx" and PARA in doc.text
    assert any(".doc" in w for w in doc.warnings)


def test_when_pdf_renamed_docx_then_read_as_pdf(tmp_path):
    p = make_pdf(tmp_path / "report.docx", [PARA + "。"])
    assert read_document(p).kind == "pdf"


# --- .pdf -------------------------------------------------------------------------------------


def test_when_pdf_lines_wrap_then_words_are_rejoined(tmp_path):
    # The figure phrase is moved along the line one character at a time, so that the
    # line break falls inside it in some paragraphs (checked below on pdfium's raw lines).
    paras = [f"{'征' * k}的事业单位{PARA}，人员编制17名。" for k in range(0, 40, 3)]
    p = make_pdf(tmp_path / "wrap.pdf", paras)
    raw = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(str(p)))
    assert re.search(r"人\s*\r\n员编制|人员\s*\r\n编制|人员编\s*\r\n制|编制1?\s*\r\n7?名", raw), "no wrap inside the phrase"
    doc = read_document(p)
    assert doc.kind == "pdf" and doc.pages >= 1
    assert doc.text.split("\n") == paras


def test_when_pdf_has_headings_and_paragraphs_then_one_line_each(tmp_path):
    blocks = ["一、单位基本情况", PARA + "，" + PARA + "。", "（一）人员情况", "1.在职人员", PARA + "，" + PARA + "。"]
    doc = read_document(make_pdf(tmp_path / "h.pdf", blocks))
    assert doc.text.split("\n") == blocks


def test_when_pdf_spans_pages_then_page_numbers_dropped_and_paragraphs_continue(tmp_path):
    paras = [f"第{i}段：{PARA}，{PARA}，{PARA}。" for i in range(12)]
    doc = read_document(make_pdf(tmp_path / "pages.pdf", paras, page_numbers=True))
    assert doc.pages >= 2
    assert doc.text.split("\n") == paras


def test_when_pdf_has_table_then_rows_with_cell_offsets_and_no_duplicates(tmp_path):
    blocks = [
        "金额单位：万元",
        Grid(
            rows=[
                ["项目名称", "预算金额", "", "支出金额"],
                ["", "指标总额", "其中：区级资金", "支出总额"],
                ["项目1", "157.23", "100.5", "157.24"],
                ["合计（含保障单位内部运行的业务工作经费支出）", "157.23", "100.5", "157.24"],
            ],
            merges=[(0, 1, 0, 2), (0, 0, 1, 0)],
        ),
        PARA + "。",
    ]
    doc = read_document(make_pdf(tmp_path / "t.pdf", blocks))
    (table,) = doc.tables
    assert cells(doc, table) == [
        ["项目名称", "预算金额", "支出金额"],
        ["", "指标总额", "其中：区级资金", "支出总额"],
        ["项目1", "157.23", "100.5", "157.24"],
        ["合计（含保障单位内部运行的业务工作经费支出）", "157.23", "100.5", "157.24"],  # wrapped cell rejoined
    ]
    lines = doc.text.split("\n")
    assert lines[0] == "金额单位：万元" and lines[-1] == PARA + "。"
    assert doc.text.count("157.24") == 2  # each figure once: the table replaced its text


def test_when_pdf_encrypted_then_encrypted_and_password_opens_it(tmp_path):
    p = make_encrypted_pdf(tmp_path / "locked.pdf", [PARA + "。"], password="s3cret")
    err = ingest_error(p)
    assert err.code == "encrypted" and "--password" in err.message
    assert ingest_error(p, password="wrong").code == "encrypted"
    assert PARA in read_document(p, password="s3cret").text


def test_when_pdf_has_no_text_layer_and_ocr_off_then_scanned(tmp_path):
    err = ingest_error(make_scanned_pdf(tmp_path / "scan.pdf"), ocr="off")
    assert err.code == "scanned" and "OCR" in err.message


def test_when_pdf_mixes_text_and_scanned_pages_and_ocr_off_then_read_with_warning(tmp_path):
    p = make_scanned_pdf(tmp_path / "mixed.pdf", pages=2, text_pages=[PARA + "。"])
    doc = read_document(p, ocr="off")
    assert doc.pages == 3 and doc.text == PARA + "。"
    assert any("第 2、3 页没有文本层" in w for w in doc.warnings)


def test_when_pdf_glyphs_unmapped_then_cid_junk(tmp_path):
    assert ingest_error(make_cid_junk_pdf(tmp_path / "cid.pdf", [PARA + "。"] * 5)).code == "cid_junk"


def test_when_pdf_truncated_then_corrupt(tmp_path):
    good = make_pdf(tmp_path / "good.pdf", [PARA + "。"] * 30)
    for cut in (0.5, 0.95):
        p = tmp_path / f"cut{cut}.pdf"
        p.write_bytes(good.read_bytes()[: int(good.stat().st_size * cut)])
        assert ingest_error(p).code == "corrupt"


def test_when_pdf_header_but_garbage_then_corrupt(tmp_path):
    p = tmp_path / "junk.pdf"
    p.write_bytes(b"%PDF-1.7\n" + random.Random(1).randbytes(4000) + b"\n%%EOF\n")
    assert ingest_error(p).code == "corrupt"


# --- legacy formats ---------------------------------------------------------------------------


def test_when_ole2_doc_and_no_libreoffice_then_legacy_doc(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    err = ingest_error(make_ole2_doc(tmp_path / "old.doc"))
    assert err.code == "legacy_doc" and "LibreOffice" in err.message


def test_when_rtf_and_no_libreoffice_then_legacy_doc(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy.shutil, "which", lambda name: None)
    p = tmp_path / "r.doc"
    p.write_bytes(rb"{\rtf1\ansi\ansicpg936 \u20154?\u21592? 17}")
    assert ingest_error(p).code == "legacy_doc"


def test_when_encrypted_office_file_then_encrypted(tmp_path):
    p = tmp_path / "locked.docx"
    data = bytearray(make_ole2_doc(tmp_path / "x.doc").read_bytes())
    data[512 + 128 : 512 + 128 + 32] = "EncryptedPackage".encode("utf-16-le")
    p.write_bytes(bytes(data))
    assert ingest_error(p).code == "encrypted"


needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None, reason="LibreOffice not installed"
)


@pytest.mark.slow
@needs_libreoffice
def test_when_rtf_and_real_doc_and_libreoffice_then_converted_and_read(tmp_path):
    # Slow (~3 s a conversion): one test covers RTF, a real .doc made from it, and a fake .doc.
    import subprocess

    blocks = ["一、单位基本情况", PARA + "。", [["项目", "金额"], ["合计", "157.23"]]]
    rtf = make_rtf(tmp_path / "报告 'x'; 1.rtf", blocks)
    doc = read_document(rtf)
    assert doc.kind == "docx" and any("LibreOffice" in w and "RTF" in w for w in doc.warnings)
    assert doc.text.strip().split("\n") == ["一、单位基本情况", PARA + "。", "项目\t金额", "合计\t157.23"]
    assert [cells(doc, t) for t in doc.tables] == [[["项目", "金额"], ["合计", "157.23"]]]

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [exe, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to", "doc",
         "--outdir", str(tmp_path / "out"), str(rtf)],
        check=True, capture_output=True, timeout=180,
    )
    legacy_doc = (tmp_path / "out" / rtf.with_suffix(".doc").name).rename(tmp_path / "旧版 报告;'x'.doc")
    assert legacy_doc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    doc = read_document(legacy_doc)
    assert doc.kind == "docx" and any("LibreOffice" in w for w in doc.warnings)
    assert PARA in doc.text and [cells(doc, t) for t in doc.tables] == [[["项目", "金额"], ["合计", "157.23"]]]

    err = ingest_error(make_ole2_doc(tmp_path / "fake.doc"))  # LibreOffice cannot load it
    assert err.code == "legacy_doc" and "转换失败" in err.message


def test_when_html_named_doc_then_read_as_html(tmp_path):
    p = tmp_path / "web.doc"
    page = (
        '<html><head><meta charset="gb2312"><title>标题不读</title><style>p{color:red}</style></head><body>'
        "<h1>一、单位基本情况</h1><p>人员编制<b>17</b>名，<br>在岗15人。</p><script>var x='不要'</script>"
        "<table><tr><td>项目</td><td>金额</td></tr><tr><td>合计</td><td>157.23</td></tr></table>"
        "</body></html>"
    )
    p.write_bytes(page.encode("gb18030"))
    doc = read_document(p)
    assert doc.kind == "html"
    assert doc.text == "一、单位基本情况\n人员编制17名，\n在岗15人。\n项目\t金额\n合计\t157.23"
    assert [cells(doc, t) for t in doc.tables] == [[["项目", "金额"], ["合计", "157.23"]]]


def test_when_broken_image_named_pdf_then_unsupported_or_corrupt(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    err = ingest_error(p, ocr="off")
    assert err.code == "unsupported" and "OCR" in err.message
    assert ingest_error(p).code == "corrupt"  # OCR on: the image itself cannot be opened


# --- the sample set ---------------------------------------------------------------------------


def _build_samples_module():
    spec = importlib.util.spec_from_file_location("build_samples", ROOT / "scripts" / "build_samples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_samples", module)
    spec.loader.exec_module(module)
    return module


# Gold quotes found in the converted samples only once whitespace is ignored:
# {file name: [quote, ...]}. Empty today; keep it so a regression shows up as a diff.
QUOTES_WHITESPACE_ONLY: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> list[Path]:
    return _build_samples_module().build_samples(tmp_path_factory.mktemp("raw"))


def test_samples_cover_every_reader(samples):
    kinds = {p.name: read_document(p) for p in samples}
    assert sorted((d.kind, d.encoding) for d in kinds.values()) == [
        ("docx", None), ("docx", None), ("pdf", None), ("txt", "gb18030"), ("txt", "utf-8"),
    ]
    assert (samples[0].parent / "catalog.csv").read_text(encoding="utf-8").splitlines()[0] == "file,unit,year,report_type,unit_key"


def test_samples_keep_gold_quotes(samples):
    whitespace_only: dict[str, list[str]] = {}
    for path in samples:
        doc = read_document(path)
        gold = yaml.safe_load((GOLD / f"{path.stem}.txt.yaml").read_text(encoding="utf-8"))
        squeezed = re.sub(r"\s+", "", doc.text)
        for fact in gold["facts"]:
            quote = fact["quote"]
            if quote in doc.text:
                continue
            assert re.sub(r"\s+", "", quote) in squeezed, f"{path.name}: gold quote lost: {quote!r}"
            whitespace_only.setdefault(path.name, []).append(quote)
    assert whitespace_only == QUOTES_WHITESPACE_ONLY


def test_samples_docx_text_equals_seed_text(samples):
    by_name = {p.name: p for p in samples}
    seed = (ROOT / "tests" / "fixtures" / "seeds" / "000_dbf326b533ea7510.txt").read_text(encoding="utf-8")
    assert read_document(by_name["000_dbf326b533ea7510.docx"]).text == seed.rstrip("\n")


def test_data_raw_matches_a_fresh_build(samples):
    raw = ROOT / "data" / "raw"
    for fresh in samples:
        built = raw / fresh.name
        if not built.exists():
            pytest.skip("data/raw not built: run scripts/build_samples.py")
        assert read_document(built).text == read_document(fresh).text, f"{built} is stale: run scripts/build_samples.py"
