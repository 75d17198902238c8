"""A folder of sample reports and hostile files through ``jixiao run``, as an auditor would run it.

The sample reports must all be loaded; each hostile file must get exactly one ingest_errors
row with its own reason; ``jixiao run`` exits 3; a second run doubles nothing. Files that hang,
exhaust memory or kill their worker are simulated by tests/worker_hooks.py (a marker in the
file, read by a hook installed in the workers); every other hostile file is real (tests/builders.py).
"""
from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from builders import (
    make_docx,
    make_encrypted_pdf,
    make_entity_bomb_docx,
    make_ole2_doc,
    make_pdf,
    make_scanned_pdf,
    make_zip_bomb_docx,
)
from pipeline.run import run
from worker_hooks import EXPLODE, HANG, KILL

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow  # subprocesses: `pytest -m "not slow"` leaves them out
RAW = ROOT / "data" / "raw"
JIXIAO = Path(sys.executable).parent / "jixiao"
PARA = "2023年度项目资金405万元，人员编制17名，在职人员15人。"
TIMEOUT = 8  # seconds: above LibreOffice's time to refuse the OLE2 file on a busy machine
ODD_NAMES = ["a report.txt", "it's \"quoted\".txt", "x; DROP TABLE facts;.txt", "望城区 2023 年报告.txt"]

# hostile file → the ingest_errors code it must get (ODD_NAMES are good files: they must load)
EXPECTED = {
    "empty.txt": {"empty"},
    "garbage.txt": {"binary", "encoding"},
    "truncated.docx": {"corrupt"},
    "bomb.docx": {"zip_bomb"},
    "bomb-lying.docx": {"zip_bomb"},
    "entities.docx": {"xml_entities"},
    "encrypted.pdf": {"encrypted"},
    "scanned.pdf": {"scanned"},
    "truncated.pdf": {"corrupt"},
    "old.doc": {"legacy_doc"},
    "hang.txt": {"timeout"},
    "explode.txt": {"memory"},
    "killed.txt": {"crash"},
}
MESSAGES = {"timeout": f"处理超时（{TIMEOUT} 秒）", "memory": "内存超过上限（1024 MB）", "crash": "处理进程意外退出（信号 9）"}


def build_folder(folder: Path) -> Path:
    """The samples (and their catalog), good files with odd names, and one of each hostile file."""
    shutil.copytree(RAW, folder)
    sample_txt = next(p for p in sorted(RAW.iterdir()) if p.suffix == ".txt")
    for name in ODD_NAMES:
        shutil.copy(sample_txt, folder / name)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(random.Random(7).randbytes(20_000))
    good_docx = make_docx(folder / "tmp.docx", [PARA] * 40).read_bytes()
    (folder / "truncated.docx").write_bytes(good_docx[: len(good_docx) // 2])
    make_zip_bomb_docx(folder / "bomb.docx")
    make_zip_bomb_docx(folder / "bomb-lying.docx", lie=True)
    make_entity_bomb_docx(folder / "entities.docx")
    make_encrypted_pdf(folder / "encrypted.pdf", [PARA])
    make_scanned_pdf(folder / "scanned.pdf")
    good_pdf = make_pdf(folder / "tmp.pdf", [PARA] * 20).read_bytes()
    (folder / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 2])
    (folder / "tmp.docx").unlink()
    (folder / "tmp.pdf").unlink()
    make_ole2_doc(folder / "old.doc")
    (folder / "hang.txt").write_bytes(HANG + b"\n" + PARA.encode())
    (folder / "explode.txt").write_bytes(EXPLODE + b"\n" + PARA.encode())
    (folder / "killed.txt").write_bytes(KILL + b"\n" + PARA.encode())
    return folder


def jixiao_run(folder: Path, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "JIXIAO_WORKER_HOOK": "worker_hooks:install", "PYTHONPATH": str(Path(__file__).parent)}
    return subprocess.run(
        [str(JIXIAO), "run", str(folder), "--db", str(db), "--workers", "3", "--timeout", str(TIMEOUT),
         "--max-memory", "1024", "--ocr", "off"],  # scanned.pdf unread, as without OCR (OCR: tests/test_ocr.py;
        # it needs ≈ 1.5 GB of address space, more than these workers may use)
        env=env, capture_output=True, text=True, timeout=120,
    )


def rows(db: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


FACTS = "SELECT * FROM facts"
DOCS = "SELECT doc, sha256, format, unit, year, chars FROM documents"
ERRORS = "SELECT path, doc, sha256, stage, code, message FROM ingest_errors"


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """(folder, db, completed process) of one run over the hostile folder."""
    tmp = tmp_path_factory.mktemp("hostile")
    folder, db = build_folder(tmp / "in"), tmp / "jixiao.duckdb"
    return folder, db, jixiao_run(folder, db)


def test_when_hostile_files_among_reports_then_exit_3_and_the_reports_are_loaded(first_run, tmp_path):
    folder, db, proc = first_run
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    samples = sorted(p.name for p in RAW.iterdir() if p.name != "catalog.csv")
    clean = tmp_path / "clean"
    clean.mkdir()
    for name in [*samples, "catalog.csv"]:
        shutil.copy(RAW / name, clean / name)
    run([clean], tmp_path / "clean.duckdb", workers=0, checks=False)  # the same reports, alone, in-process
    where = " WHERE doc IN (" + ",".join(f"'{n}'" for n in samples) + ")"
    expected = rows(tmp_path / "clean.duckdb", FACTS + where)
    assert expected and rows(db, FACTS + where) == expected
    loaded = {r[0] for r in rows(db, DOCS)}
    assert loaded == set(samples) | set(ODD_NAMES)


def test_when_hostile_files_then_one_error_row_each_with_its_reason(first_run):
    folder, db, proc = first_run
    errors = rows(db, ERRORS)
    assert sorted(r[1] for r in errors) == sorted(EXPECTED)  # one row per bad file, no other
    for path, doc, _sha, _stage, code, message in errors:
        assert code in EXPECTED[doc], (doc, code, message)
        assert Path(path) == folder / doc
        assert message and "Traceback" not in message
        if code in MESSAGES:
            assert message == MESSAGES[code]
        assert f"无法读取 {path}：{message}" in proc.stdout


def test_when_run_again_then_nothing_is_doubled(first_run):
    folder, db, _ = first_run
    before = {sql: rows(db, sql) for sql in (FACTS, DOCS, ERRORS)}
    again = jixiao_run(folder, db)
    assert again.returncode == 3, again.stderr
    assert f"跳过未变化 {len(before[DOCS])} 个" in again.stdout
    for sql, expected in before.items():
        assert rows(db, sql) == expected, sql
