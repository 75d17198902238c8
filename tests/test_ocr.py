"""Scans read by OCR (pipeline/readers/scan.py), end to end through `jixiao run` into DuckDB.

The scans are made here: a seed report's leading text is drawn onto A4 pages with Pillow and
saved as an image-only PDF or a PNG (tests/builders.py ``render_pages``), clean or degraded
(150 dpi, rotated 1.5°, a red stamp over the text). The same text, saved as a .txt, is the
text-layer run every scan is compared with: the figures (metric, kind, value) the scan run finds
must be ≥ 0.95 of the text run's on the clean scan and ≥ 0.85 on the degraded ones (issue 14).

OCR costs seconds a page, so each test OCRs one page per scan and the OCR tests are ``slow``
(they still run in CI, which installs the ``ocr`` extra with the ``test`` extra).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from builders import (
    SCAN_VARIANTS,
    blocks_of_text,
    leading_blocks,
    make_scan_image,
    make_scan_pdf,
    text_of_blocks,
)
from pipeline.cli import cli
from pipeline.ingest import read_document

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "raw" / "002_c9a2291dc8d49651.txt"
CHARS = 700  # one A4 page at 12 pt (the test asserts it): one OCR'd page per scan


def seed_blocks() -> list:
    """The seed's leading paragraphs and table rows: what every scan here shows."""
    return leading_blocks(blocks_of_text(read_document(SEED).text), CHARS)


def write_folder(folder: Path, scans: dict[str, object]) -> Path:
    """The seed's text as ``text.txt`` and each scan, all under one catalog entry (same unit, year)."""
    folder.mkdir(parents=True, exist_ok=True)
    blocks = seed_blocks()
    (folder / "text.txt").write_text(text_of_blocks(blocks), encoding="utf-8")
    for name, scan in scans.items():
        if name.endswith(".png"):
            make_scan_image(folder / name, blocks, scan)
        else:
            make_scan_pdf(folder / name, blocks, scan)
    rows = ["file,unit,year,report_type"] + [f"{n},测试单位,2018,整体支出" for n in ["text.txt", *scans]]
    (folder / "catalog.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def figures(con, doc: str) -> Counter:
    rows = con.execute("SELECT metric, kind, CAST(value AS VARCHAR) FROM facts WHERE doc = ?", [doc]).fetchall()
    return Counter(rows)


def share_found(con, doc: str) -> float:
    want, have = figures(con, "text.txt"), figures(con, doc)
    assert sum(want.values()) >= 5, "the text run must find figures for the comparison to mean anything"
    return sum((want & have).values()) / sum(want.values())


def jixiao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow
def test_when_clean_scan_pdf_then_figures_of_the_text_layer_found_with_confidence(tmp_path):
    folder = write_folder(tmp_path / "in", {"scan.pdf": SCAN_VARIANTS["clean300"]})
    db = tmp_path / "x.duckdb"
    # one worker with a 5 s limit: the scan lives only because its OCR'd page extends the limit
    done = jixiao("run", str(folder), "--db", str(db), "--workers", "1", "--timeout", "5",
                  "--ocr-page-timeout", "600")
    assert done.returncode == 0, done.stdout + done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert share_found(con, "scan.pdf") >= 0.95
        assert con.execute("SELECT pages FROM documents WHERE doc = 'scan.pdf'").fetchone()[0] == 1
        docs = dict(con.execute("SELECT doc, ocr FROM documents").fetchall())
        assert docs["text.txt"] is None and docs["scan.pdf"] in ("rapidocr", "tesseract")
        confidences = con.execute("SELECT ocr_confidence, page FROM facts WHERE doc = 'scan.pdf'").fetchall()
        assert confidences and all(c is not None and 0 < c <= 1 and page == 1 for c, page in confidences)
        assert con.execute("SELECT count(*) FROM facts WHERE doc = 'text.txt' AND ocr_confidence IS NOT NULL"
                           ).fetchone()[0] == 0


@pytest.mark.slow
def test_when_degraded_scans_and_png_then_most_figures_found(tmp_path):
    scans = {"150dpi.pdf": SCAN_VARIANTS["clean150"], "rotated.pdf": SCAN_VARIANTS["rotated"],
             "stamp.pdf": SCAN_VARIANTS["stamp"], "page.png": SCAN_VARIANTS["clean300"]}
    folder = write_folder(tmp_path / "in", scans)
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(cli, ["run", str(folder), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        for name in scans:
            assert share_found(con, name) >= (0.95 if name == "page.png" else 0.85), name
        formats = dict(con.execute("SELECT doc, format FROM documents WHERE ocr IS NOT NULL").fetchall())
        assert formats == {"150dpi.pdf": "pdf", "rotated.pdf": "pdf", "stamp.pdf": "pdf", "page.png": "image"}


def test_when_ocr_off_then_scans_recorded_unread(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    blocks = ["一、部门基本情况", "2023年基本支出285.6万元。"]
    make_scan_pdf(folder / "scan.pdf", blocks, SCAN_VARIANTS["clean150"])
    make_scan_image(folder / "scan.jpg", blocks, SCAN_VARIANTS["clean150"])
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(cli, ["run", str(folder), "--db", str(db), "--workers", "0", "--ocr", "off"])
    assert result.exit_code == 3, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        errors = dict(con.execute("SELECT doc, code || ':' || message FROM ingest_errors").fetchall())
    assert errors["scan.pdf"].startswith("scanned:PDF 没有文本层（扫描件），需要先做 OCR")
    assert errors["scan.jpg"].startswith("unsupported:文件是图片（扫描件），需要先做 OCR")
    assert all("--ocr off" in m for m in errors.values())


@pytest.mark.slow
def test_when_finding_rests_on_low_confidence_ocr_then_it_says_so(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    checks = (rules / "checks.yaml").read_text(encoding="utf-8")
    # every OCR'd figure is doubtful under a threshold above any confidence
    (rules / "checks.yaml").write_text(checks.replace("low_confidence: 0.9", "low_confidence: 1.01"), encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    make_scan_image(folder / "sum.png", ["一、部门基本情况", "2023年基本支出285.6万元，其中人员经费200万元，日常公用经费100万元。"],
                    SCAN_VARIANTS["clean300"])
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(cli, ["run", str(folder), "--db", str(db), "--workers", "0", "--rules", str(rules)])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        messages = [m for (m,) in con.execute("SELECT message FROM audit_findings WHERE \"check\" = 'sum'").fetchall()]
    assert messages and all("OCR 识别，置信度低" in m for m in messages)
    out = tmp_path / "report"
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "--rules", str(rules), "--out", str(out)])
    assert result.exit_code == 0, result.output
    pages = "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert "ocr-low" in pages and "OCR 识别置信度低" in pages
