"""The loader's rows built where a file is read (pipeline/rows.py): the database a worker's rows
load into is the one the Extraction loads into, table for table, on a real DuckDB file; a long
file's parts join the same way as rows as they do as Extractions."""
from __future__ import annotations

import pickle
from pathlib import Path

import duckdb
import pytest

from pipeline.ingest import read_document
from pipeline.load import Store
from pipeline.process import process_file
from pipeline.rows import merge_rows, rows_of
from pipeline.run import run
from pipeline.volumes import merge_parts

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
REAL = ROOT / "tests" / "cases" / "real"
TABLES = ("documents", "facts", "quantities", "indicators", "ingest_errors")


def _tables(db: Path) -> dict[str, list]:
    """Every row of the tables write_batch writes, sorted (loaded_at / recorded_at left out)."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in TABLES:
            cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall() if r[0] not in ("loaded_at", "recorded_at")]
            out[table] = con.execute(f"SELECT {', '.join(repr(c).replace(chr(39), chr(34)) for c in cols)} "
                                     f"FROM {table} ORDER BY ALL").fetchall()
    return out


@pytest.fixture(scope="module")
def extractions(ruleset):
    """The sample reports (txt, docx, pdf) and self-evaluation pages (indicator rows, a grade)."""
    paths = sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    paths += sorted((REAL / "selfeval" / "docs").glob("s00*.txt")) + [REAL / "selfeval2" / "docs" / "t007.txt"]
    return [process_file(p, ruleset) for p in paths]


def _write(db: Path, items, ruleset) -> dict[str, list]:
    with Store(db, metrics=ruleset.metrics) as store:
        store.write_batch(items)
    return _tables(db)


def test_when_rows_are_loaded_then_the_tables_are_those_of_the_extractions(extractions, ruleset, tmp_path):
    shipped = [pickle.loads(pickle.dumps(rows_of(ex))) for ex in extractions]  # as a worker sends them
    from_extractions = _write(tmp_path / "ex.duckdb", extractions, ruleset)
    from_rows = _write(tmp_path / "rows.duckdb", shipped, ruleset)
    assert from_rows == from_extractions
    assert from_rows["facts"] and from_rows["quantities"] and from_rows["indicators"]
    assert {row[3] for row in from_rows["facts"]} == {f.value for ex in extractions for f in ex.facts}  # exact
    graded = [r for r in from_rows["documents"] if r[16] is not None]  # grade column (after loaded_at)
    assert graded, "no self-evaluation page with a grade among the inputs"


def test_when_rows_are_written_twice_then_the_file_is_there_once(extractions, ruleset, tmp_path):
    db = tmp_path / "twice.duckdb"
    once = _write(db, [rows_of(ex) for ex in extractions], ruleset)
    again = _write(db, [rows_of(ex) for ex in extractions[::-1]], ruleset)
    assert again == once


def test_when_a_long_file_is_joined_as_rows_then_the_same_tables_as_joined_as_extractions(ruleset, tmp_path):
    texts = [read_document(p).text for p in sorted(RAW.glob("*.txt"))]
    path = tmp_path / "汇编.txt"
    path.write_text("\n\n".join(texts * 3), encoding="utf-8")
    parts = [process_file(path, ruleset, part=(k, 3)) for k in range(3)]
    as_extraction = _write(tmp_path / "ex.duckdb", [merge_parts(parts)], ruleset)
    as_rows = _write(tmp_path / "rows.duckdb", [merge_rows([rows_of(p) for p in parts[::-1]])], ruleset)
    assert as_rows == as_extraction
    assert len(as_rows["documents"]) == 1 and as_rows["facts"]
    assert {r[1] for r in as_rows["facts"]} == {path.name}


@pytest.mark.slow
def test_when_workers_send_rows_then_the_database_is_the_in_process_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for p in sorted(RAW.iterdir()):
        if p.suffix in (".txt", ".docx", ".pdf"):
            (folder / p.name).write_bytes(p.read_bytes())
    in_process, in_workers = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    run([folder], in_process, quiet=True)
    summary = run([folder], in_workers, quiet=True, workers=2)
    assert summary.read == len(list(folder.iterdir())) and not summary.failed
    assert _tables(in_workers) == _tables(in_process)
    assert _tables(in_workers)["facts"]
