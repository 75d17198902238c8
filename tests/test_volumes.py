"""A long file read in parts (pipeline/volumes.py): the same facts as read whole, spans into the
original text, and one file in the database whether its parts ran in workers or in this process."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

import pipeline.volumes as volumes
from pipeline.ingest import read_document
from pipeline.process import process_file
from pipeline.run import run
from pipeline.volumes import cut_points, merge_parts

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


@pytest.fixture(scope="module")
def volume(tmp_path_factory) -> Path:
    """A compiled volume: the sample .txt reports, one after another, three times over."""
    texts = [read_document(p).text for p in sorted(RAW.glob("*.txt"))]  # one is GB18030
    path = tmp_path_factory.mktemp("volume") / "汇编.txt"
    path.write_text("\n\n".join(texts * 3), encoding="utf-8")
    return path


def _key(f):
    return (f.start, f.end, f.metric, f.kind, f.value, f.unit, f.rule_id, f.quote, f.raw)


def test_when_cut_then_every_cut_is_after_a_line_break_and_parts_cover_the_text(volume, ruleset):
    text = volume.read_text(encoding="utf-8")
    cuts = cut_points(text, 4, title_words=ruleset.layout.title_words)
    assert cuts[0] == 0 and cuts[-1] == len(text) and cuts == sorted(set(cuts))
    assert len(cuts) == 5
    assert all(text[c - 1] == "\n" for c in cuts[1:-1])


def test_when_read_in_parts_then_the_same_facts_with_spans_into_the_original(volume, ruleset):
    whole = process_file(volume, ruleset)
    parts = [process_file(volume, ruleset, part=(k, 3)) for k in range(3)]
    merged = merge_parts(parts)
    text = volume.read_text(encoding="utf-8")
    assert whole.facts and merged.document.text == text
    assert sorted(map(_key, merged.facts)) == sorted(map(_key, whole.facts))
    assert all(text[f.start:f.end] == f.raw and f.quote in text for f in merged.facts)
    assert [(m.start, m.end, m.metric) for m in merged.mentions] == [(m.start, m.end, m.metric) for m in whole.mentions]
    assert all(p.document.text == "" for p in parts[1:])  # the text travels once


def _table(db: Path, sql: str) -> list:
    with duckdb.connect(str(db), read_only=True) as con:
        return sorted(con.execute(sql).fetchall(), key=repr)


@pytest.mark.slow
def test_when_a_long_file_runs_in_workers_then_it_loads_as_one_file(volume, tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / volume.name).write_bytes(volume.read_bytes())
    whole_db, parts_db = tmp_path / "whole.duckdb", tmp_path / "parts.duckdb"
    run([folder], whole_db, quiet=True)
    monkeypatch.setattr(volumes, "PART_BYTES", volume.stat().st_size // 3)
    summary = run([folder], parts_db, quiet=True, workers=2)
    assert summary.read == 1 and not summary.failed
    facts = "SELECT doc, metric, value, kind, start, \"end\", quote, raw, rule_id FROM facts"
    assert _table(parts_db, facts) == _table(whole_db, facts) != []
    docs = "SELECT doc, sha256, chars, text FROM documents"
    assert _table(parts_db, docs) == _table(whole_db, docs)


@pytest.mark.slow
def test_when_every_part_of_a_long_file_hangs_then_one_timeout_row(volume, tmp_path, monkeypatch):
    from pipeline.workers import HOOK_ENV, Limits
    from worker_hooks import HANG

    monkeypatch.setenv(HOOK_ENV, "worker_hooks:install")
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "hang.txt").write_bytes(HANG + b"\n" + volume.read_bytes())
    (folder / volume.name).write_bytes(volume.read_bytes())
    monkeypatch.setattr(volumes, "PART_BYTES", volume.stat().st_size // 3)
    db = tmp_path / "j.duckdb"
    summary = run([folder], db, quiet=True, workers=2, limits=Limits(timeout=3))
    assert [(e.path, e.code) for e in summary.failed] == [(str(folder / "hang.txt"), "timeout")]
    assert summary.read == 1
    assert _table(db, "SELECT doc, code FROM ingest_errors") == [("hang.txt", "timeout")]
    assert _table(db, "SELECT doc FROM documents") == [(volume.name,)]
