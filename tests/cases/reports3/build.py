"""Rebuild the reports3 input files from their UTF-8 sources in src/.

Run from anywhere with the project's interpreter:

    python tests/cases/reports3/build.py

src/h3_NN_<slug>.txt holds each report's text in UTF-8. Lines that start with "|" are
table rows (cells between "|" separators); consecutive such lines form one table. Every
other non-empty line is one paragraph. The output is deterministic (fixed zip timestamps
for .docx, reportlab invariant mode for .pdf), so a rebuild gives the same bytes.

Target files (name, how it is written):
  h3_01 .txt  UTF-8 (no BOM), LF
  h3_02 .txt  GB18030, CRLF
  h3_03 .txt  UTF-8 with BOM, LF
  h3_04 .txt  UTF-8 (no BOM), LF (full-width digits inside the text)
  h3_05 .docx python-docx, real Word tables
  h3_06 .docx python-docx, real Word tables
  h3_07 .pdf  reportlab text layer (STSong-Light), wrapped paragraphs, one ruled table
  h3_08 .txt  UTF-8 (no BOM), LF
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # tests/, for builders.py

from builders import make_docx, make_pdf  # noqa: E402

# stem -> (extension, text encoding or None, newline)
TARGETS = {
    "h3_01_liling_zhengchai_2021": (".txt", "utf-8", "\n"),
    "h3_02_anren_zhengchai_2023": (".txt", "gb18030", "\r\n"),
    "h3_03_hengdong_zhengchai_anzhi_2019": (".txt", "utf-8-sig", "\n"),
    "h3_04_shaodong_tudi_zhengshou_2022": (".txt", "utf-8", "\n"),
    "h3_05_miluo_tudi_chubei_2024": (".docx", None, None),
    "h3_06_lukou_fangwu_zhengshou_2020": (".docx", None, None),
    "h3_07_rucheng_zhengchai_2025": (".pdf", None, None),
    "h3_08_longhui_ziranziyuan_xiangmu_2024": (".txt", "utf-8", "\n"),
}


def table_cells(line: str) -> list[str]:
    """'|a|b|c|' -> ['a', 'b', 'c'] (outer bars optional)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in body.split("|")]


def blocks_from_source(text: str) -> list:
    """Paragraphs (str) and tables (list of rows) in document order."""
    blocks: list = []
    table: list[list[str]] | None = None
    for line in text.splitlines():
        if line.lstrip().startswith("|"):
            if table is None:
                table = []
                blocks.append(table)
            table.append(table_cells(line))
            continue
        table = None
        if line.strip():
            blocks.append(line.strip())
    return blocks


def build(stem: str) -> Path:
    ext, encoding, newline = TARGETS[stem]
    text = (HERE / "src" / f"{stem}.txt").read_text(encoding="utf-8")
    out = HERE / f"{stem}{ext}"
    if ext == ".txt":
        out.write_bytes(text.replace("\n", newline).encode(encoding))
    elif ext == ".docx":
        make_docx(out, blocks_from_source(text))
    elif ext == ".pdf":
        make_pdf(out, blocks_from_source(text))
    return out


def main() -> None:
    for stem in TARGETS:
        path = build(stem)
        print(f"{path.name}\t{path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
