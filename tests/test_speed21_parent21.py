"""A report's own checks run where it was read (pipeline/doc_checks.py): the facts it checks are
the ones the parent reads back from the database, and a run that stages the workers' findings
writes the findings the parent alone finds — on real reports and a real DuckDB file."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.checks import run_checks, unit_groups
from pipeline.doc_checks import Unstored, checked_rows, stored_facts, stored_text
from pipeline.load import Store
from pipeline.model import Extraction
from pipeline.process import process_file
from pipeline.rows import rows_of
from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
REAL = ROOT / "tests" / "cases" / "real"


def _paths() -> list[Path]:
    """The sample reports (txt, docx, pdf), real pages with lists of parts and self-evaluations."""
    paths = sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    paths += sorted((REAL / "batchA" / "docs").glob("*.txt"))[:12]
    paths += sorted((REAL / "selfeval" / "docs").glob("s00*.txt"))
    return paths


@pytest.fixture(scope="module")
def extractions(ruleset):
    out = [process_file(p, ruleset, None) for p in _paths()]
    return [x for x in out if isinstance(x, Extraction)]


def test_stored_facts_are_the_facts_read_back(extractions, tmp_path):
    db = tmp_path / "x.duckdb"
    with Store(db) as store:
        store.write_batch(extractions)
        read = {}
        for facts, _docs in unit_groups(store.con):
            for f in facts:
                read.setdefault(f.doc, []).append(f)
    assert sum(len(x.facts) for x in extractions) > 100
    assert any(f.group is not None for fs in read.values() for f in fs)  # parts naming their total
    for ex in extractions:
        assert stored_facts(rows_of(ex)) == read.get(ex.document.doc, []), ex.document.doc


def test_stored_text_rounds_nothing():
    assert stored_text("12.345678") == "12.345678"
    assert stored_text("-0.00") == "0"
    for text in ("1.2345678", "1" * 33, "NaN"):
        with pytest.raises(Unstored):
            stored_text(text)


def test_staged_findings_are_the_parents(extractions, ruleset, tmp_path):
    """The findings of a run that checks each report as it is read (the default now) are those
    the parent finds from the database alone (``run_checks`` with nothing checked)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for p in _paths():
        (folder / p.name).write_bytes(p.read_bytes())
    db = tmp_path / "run.duckdb"
    summary = run([folder], db, quiet=True)
    assert summary.findings > 5
    with duckdb.connect(str(db)) as con:
        staged = con.execute("SELECT * FROM audit_findings ORDER BY id").fetchall()
        evidence = con.execute("SELECT * FROM finding_evidence ORDER BY ALL").fetchall()
    with Store(db, metrics=ruleset.metrics) as store:
        assert store.replace_findings(run_checks(store.con, ruleset)) == summary.findings
        assert store.con.execute("SELECT * FROM audit_findings ORDER BY id").fetchall() == staged
        assert store.con.execute("SELECT * FROM finding_evidence ORDER BY ALL").fetchall() == evidence
        tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert not any(t.startswith("staging_") for t in tables)


def test_checked_rows_leave_parts_and_rounded_values_to_the_parent(extractions, ruleset):
    ex = next(x for x in extractions if x.facts)
    assert checked_rows(ex, ruleset).checked == [ex.document.doc]
    from dataclasses import replace

    part = replace(ex, part=(0, 2))
    assert checked_rows(part, ruleset).checked == []
    odd = replace(ex, facts=[replace(ex.facts[0], value=ex.facts[0].value + type(ex.facts[0].value)("1E-7"))]
                  + list(ex.facts[1:]))
    assert checked_rows(odd, ruleset).checked == []
