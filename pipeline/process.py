"""One file through every per-file stage: ingest → reading → segment → extract → attribute →
scope, as a pure function.

``process_file`` depends only on (path, RuleSet, catalog entry): it runs in the main process
(``--workers 0``) or in a worker process (pipeline/workers.py) alike, and opens no file but
the report itself — everything it knows about wording comes from the RuleSet.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from .attribute import attribute
from .errors import IngestError
from .extract import extract
from .ingest import read_document
from .model import DocMeta, Extraction, FileError
from .reading import read_text, readable_document, restore
from .rules import RuleSet
from .scope import scope
from .segment import read_meta, segment
from .selfeval.read import self_evaluation

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CatalogEntry:
    """What an auditor says about a file that the report may not say itself."""

    unit: str | None = None
    year: int | None = None
    report_type: str | None = None
    unit_key: str | None = None


def apply_catalog(meta: DocMeta, entry: CatalogEntry | None) -> DocMeta:
    """The catalog overrides what the report says about itself."""
    if entry is None:
        return replace(meta, unit_key=meta.unit_key or meta.unit)
    return DocMeta(
        unit=entry.unit or meta.unit,
        year=entry.year or meta.year,
        report_type=entry.report_type or meta.report_type,
        unit_source="catalog" if entry.unit else meta.unit_source,
        year_source="catalog" if entry.year else meta.year_source,
        unit_key=entry.unit_key or entry.unit or meta.unit_key or meta.unit,
    )


def process_file(path: Path, ruleset: RuleSet, entry: CatalogEntry | None = None,
                 password: str | None = None, ocr: str = "auto") -> Extraction:
    """One file through every per-file stage. Raises IngestError when it cannot be read.

    ``ocr``: auto | off | force, how scans are read (pipeline/readers/scan.py)."""
    document = read_document(Path(path), password=password, ocr=ocr)
    reading = read_text(document.text, ruleset.reading)
    readable = readable_document(document, reading)
    sentences = segment(readable, ruleset.layout)
    meta = apply_catalog(read_meta(readable, ruleset.layout), entry)
    facts = extract(readable, sentences, meta, ruleset)
    attributed, mentions = attribute(readable, sentences, facts, meta, ruleset)
    facts = scope(sorted(facts + attributed, key=lambda f: (f.start, f.kind)), readable.text, ruleset.scope)
    indicators, grade = self_evaluation(document, readable, reading, ruleset)
    return Extraction(document, meta, tuple(restore(facts, reading, document.text)),
                      tuple(restore(mentions, reading, document.text)), tuple(indicators), grade)


def safe_process(path: Path, ruleset: RuleSet, entry: CatalogEntry | None, password: str | None,
                 ocr: str = "auto") -> Extraction | FileError:
    """``process_file``, with every failure but running out of memory turned into a FileError."""
    try:
        return process_file(path, ruleset, entry, password, ocr)
    except IngestError as exc:
        return FileError(str(path), "ingest", exc.code, exc.message)
    except MemoryError:  # the worker reports it, with its limit, and retires
        raise
    except Exception as exc:  # a bug or a hostile file must not stop the batch
        log.exception("processing %s failed", path)
        return FileError(str(path), "extract", "internal", f"处理失败（程序错误）：{type(exc).__name__}: {exc}")
