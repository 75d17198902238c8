"""One file through every per-file stage: ingest → reading → segment → extract → attribute →
scope, as a pure function.

``process_file`` depends only on (path, RuleSet, catalog entry): it runs in the main process
(``--workers 0``) or in a worker process (pipeline/workers.py) alike, and opens no file but
the report itself — everything it knows about wording comes from the RuleSet.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from operator import attrgetter
from pathlib import Path

from .attribute import attribute
from .errors import IngestError
from .extract import extract
from .ingest import read_document
from .model import DocMeta, Document, Extraction, FileError
from .reading import read_text, readable_document, restore
from .rules import RuleSet
from .scope import scope
from .segment import read_meta, segment
from .selfeval.read import self_evaluation
from .volumes import cut_points, part_document, shift_extraction

log = logging.getLogger(__name__)
_BY_PLACE = attrgetter("start", "kind")  # a fact's (start, kind): the order scope reads facts in


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
        money_basis=meta.money_basis,
    )


def process_file(path: Path, ruleset: RuleSet, entry: CatalogEntry | None = None,
                 password: str | None = None, part: tuple[int, int] | None = None,
                 ocr: str = "auto") -> Extraction:
    """One file through every per-file stage. Raises IngestError when it cannot be read.

    ``part`` = (index, count): only that part of a long file (pipeline/volumes.py), its spans
    already in the whole file's text; ``volumes.merge_parts`` joins the parts. ``ocr``: auto |
    off | force, how scans are read (pipeline/readers/scan.py)."""
    if part is None or part[1] <= 1:
        return process_document(read_document(Path(path), password=password, ocr=ocr), ruleset, entry)
    return process_part(read_document(Path(path), password=password, ocr=ocr), part, ruleset, entry)


def process_document(document: Document, ruleset: RuleSet, entry: CatalogEntry | None = None,
                     meta: DocMeta | None = None) -> Extraction:
    """Every stage after reading the file: reading → segment → extract → attribute → scope →
    self-evaluation. ``meta``: what the document says about itself, when already known."""
    reading = read_text(document.text, ruleset.reading)
    readable = readable_document(document, reading)
    sentences = segment(readable, ruleset.layout)
    meta = meta or apply_catalog(read_meta(readable, ruleset.layout), entry)
    facts = extract(readable, sentences, meta, ruleset)
    attributed, mentions = attribute(readable, sentences, facts, meta, ruleset)
    facts = scope(sorted(facts + attributed, key=_BY_PLACE), readable.text, ruleset.scope)
    indicators, grade = self_evaluation(document, readable, reading, ruleset)
    return Extraction(document, meta, tuple(restore(facts, reading, document.text)),
                      tuple(restore(mentions, reading, document.text)), tuple(indicators), grade)


def process_part(document: Document, part: tuple[int, int], ruleset: RuleSet,
                 entry: CatalogEntry | None = None) -> Extraction:
    """Part ``part`` of a long document, as a document of its own with the volume's meta (read
    from its first part); spans shifted into the whole text. The first part carries the whole
    document, the others an empty text (the loader stores the text once)."""
    index, count = part
    cuts = cut_points(document.text, count, document.tables, ruleset.layout.title_words)
    meta = None  # the first part reads it as any document would
    if index > 0:
        first = part_document(document, cuts[0], cuts[1])
        meta = apply_catalog(read_meta(readable_document(first, read_text(first.text, ruleset.reading)),
                                       ruleset.layout), entry)
    if index >= len(cuts) - 1:  # fewer cut points than parts (no place to cut): nothing left for this one
        return Extraction(replace(document, text="", tables=()), meta or DocMeta(None, None, None), part=part)
    this = part_document(document, cuts[index], cuts[index + 1])
    whole = document if index == 0 else replace(document, text="", tables=())
    del document  # a later part need not hold the whole text (process_file keeps no reference to it)
    ex = process_document(this, ruleset, entry, meta)
    return replace(shift_extraction(ex, cuts[index]), document=whole, part=part)


def safe_process(path: Path, ruleset: RuleSet, entry: CatalogEntry | None, password: str | None,
                 part: tuple[int, int] | None = None, ocr: str = "auto") -> Extraction | FileError:
    """``process_file``, with every failure but running out of memory turned into a FileError."""
    try:
        return process_file(path, ruleset, entry, password, part, ocr)
    except IngestError as exc:
        return FileError(str(path), "ingest", exc.code, exc.message)
    except MemoryError:  # the worker reports it, with its limit, and retires
        raise
    except Exception as exc:  # a bug or a hostile file must not stop the batch
        log.exception("processing %s failed", path)
        return FileError(str(path), "extract", "internal", f"处理失败（程序错误）：{type(exc).__name__}: {exc}")
