"""The shared helpers of the real-text tests: every per-file stage on one report's text written to
a real file (`extract_text`), a `jixiao run` (one process) on it, and queries on its database."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.model import Extraction
from pipeline.process import process_file
from pipeline.rules import load_rules


def suite_texts() -> list[str]:
    """The test suite's reports, seeds and real pages, as the reader gives them."""
    from pipeline.ingest import read_document

    tests = Path(__file__).resolve().parent
    paths = [p for folder in ("fixtures/seeds", "cases/reports", "cases/reports2") for p in sorted((tests / folder).glob("*.txt"))]
    paths += sorted((tests / "cases/real").glob("*/docs/*.txt"))
    texts = [read_document(p).text for p in paths]
    assert len(texts) >= 300
    return texts


def readable_documents(ruleset) -> list:
    """The real pages and the seed reports (data/raw), each as the stages after reading see it."""
    from pipeline.ingest import read_document
    from pipeline.reading import read_text, readable_document

    tests = Path(__file__).resolve().parent
    raw = tests.parent / "data" / "raw"
    paths = sorted((tests / "cases/real").glob("*/docs/*.txt"))
    paths += sorted(p for p in raw.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))
    assert len(paths) > 50
    out = []
    for path in paths:
        document = read_document(path)
        out.append(readable_document(document, read_text(document.text, ruleset.reading)))
    return out


def write_report(tmp_path: Path, text: str, name: str = "r.txt") -> Path:
    """One report's text written to a real file."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def extract_text(tmp_path: Path, text: str) -> Extraction:
    """Every per-file stage (process_file, the packaged rules) on one report's text in a real file."""
    return process_file(write_report(tmp_path, text), load_rules())


def own_values(facts, metric: str) -> set[Decimal]:
    """The values of ``metric`` a report states as its own (its levels and targets)."""
    return {f.value for f in facts if f.metric == metric and f.kind in ("level", "target")}


def kinds(facts, metric: str) -> dict[Decimal, str]:
    """Each value of ``metric`` → the kind of the fact that holds it."""
    return {f.value: f.kind for f in facts if f.metric == metric}


def run_text(tmp_path: Path, text: str) -> Path:
    """The database of `jixiao run --workers 0` on a folder holding one report, ``text``."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(cli, ["run", str(folder), "--db", str(db), "--workers", "0", "--quiet"])
    assert result.exit_code == 0, result.output
    return db


def query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def figure_lines(texts: list[str], ruleset) -> list[tuple[str, list]]:
    """(line, its figures) of every line of the texts that holds a figure."""
    from pipeline.extract import figures_in

    out = []
    for text in texts:
        for line in text.split("\n"):
            figs = figures_in(line, ruleset.figure, ruleset.units)
            if figs:
                out.append((line, figs))
    return out
