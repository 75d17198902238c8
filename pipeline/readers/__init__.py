"""Format readers behind ``pipeline.ingest.read_document``: bytes in, a ``Body`` out.

Each reader takes the file's bytes (already size-checked and hashed by ``ingest``) and
returns a ``Body``, or raises ``IngestError``. ``TextBuilder`` lays paragraphs and tables
out as lines of text and records each table cell's offsets, so every reader produces
``Document.text`` and ``Document.tables`` the same way:

- one paragraph per line;
- one table row per line, cells joined by a tab; a cell's own line breaks and tabs
  become spaces; a horizontally merged cell appears once, a vertically merged
  continuation is an empty cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.model import Cell, OcrSpan, Table


@dataclass
class Body:
    """What a reader read: text, tables and anything suspicious (warnings, in 中文)."""

    kind: str  # txt | docx | pdf | html | image
    text: str
    tables: tuple[Table, ...] = ()
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    pages: int | None = None
    converted: bool = False  # read from a conversion (LibreOffice), not the file's own format
    ocr: str | None = None  # the OCR engine that read (some of) the pages (pipeline/readers/scan.py)
    ocr_spans: tuple[OcrSpan, ...] = ()


def cell_text(text: str) -> str:
    """A cell's text on one line: tabs and line breaks become single spaces.

    >>> cell_text(" 指标\\n总额\\t ")
    '指标 总额'
    >>> cell_text("")
    ''
    """
    return " ".join(text.replace("\t", " ").split("\n")).strip()


class TextBuilder:
    """Accumulate lines and tables; ``build()`` returns the text and the tables with offsets.

    >>> b = TextBuilder()
    >>> b.line("标题")
    >>> b.table([["项目", "金额"], ["合计", "157.23"]])
    >>> text, tables = b.build()
    >>> text
    '标题\\n项目\\t金额\\n合计\\t157.23'
    >>> c = tables[0].rows[1][1]
    >>> text[c.start:c.end]
    '157.23'
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._pos = 0
        self._tables: list[Table] = []

    def _put(self, s: str) -> int:
        """Append ``s`` as a new line; return its start offset."""
        if self._parts:
            self._parts.append("\n")
            self._pos += 1
        start = self._pos
        self._parts.append(s)
        self._pos += len(s)
        return start

    def line(self, s: str) -> None:
        """Append one paragraph (it may itself contain line breaks): ``_put``, written out (a .docx
        has a paragraph per line)."""
        parts = self._parts
        if parts:
            parts.append("\n")
            self._pos += 1
        parts.append(s)
        self._pos += len(s)

    def table(self, rows: list[list[str]]) -> None:
        """Append a table: one line per row, cells joined by a tab. Empty tables are skipped."""
        rows = [r for r in rows if r]
        if not rows:
            return
        out_rows: list[tuple[Cell, ...]] = []
        table_start = None
        for row in rows:
            texts = [cell_text(c) for c in row]
            pos = self._put("\t".join(texts))
            if table_start is None:
                table_start = pos
            cells = []
            for t in texts:
                cells.append(Cell(pos, pos + len(t)))
                pos += len(t) + 1
            out_rows.append(tuple(cells))
        self._tables.append(Table(table_start, self._pos, tuple(out_rows)))

    def build(self) -> tuple[str, tuple[Table, ...]]:
        """The text and the tables laid out so far."""
        return "".join(self._parts), tuple(self._tables)
