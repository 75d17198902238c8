"""Recognized pieces → rows of cells, in reading order.

Pieces whose boxes overlap vertically by half their height form a row; in a row, a gap wider
than ``CELL_GAP`` line heights separates cells. A row of one cell is a line of text; a row of
several is a table row (or a form line), which the reader lays out as the PDF and Word readers
lay out a table row: cells joined by a tab (pipeline/readers/__init__.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.ocr.engines import Piece

CELL_GAP = 1.5  # a horizontal gap of this many line heights ends a cell
_LATIN = re.compile(r"[A-Za-z]")


@dataclass
class OcrCell:
    """Pieces side by side: their text and, per piece, (offset in the text, length, confidence)."""

    text: str = ""
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    spans: list[tuple[int, int, float]] = field(default_factory=list)

    def add(self, p: Piece) -> None:
        """Append a piece: no space between pieces, except between two Latin letters."""
        if not self.text:
            self.x0, self.top, self.bottom = p.x0, p.top, p.bottom
        elif _LATIN.match(self.text[-1]) and _LATIN.match(p.text[0]):
            self.text += " "
        self.spans.append((len(self.text), len(p.text), p.confidence))
        self.text += p.text
        self.x1 = max(self.x1, p.x1)
        self.top, self.bottom = min(self.top, p.top), max(self.bottom, p.bottom)


@dataclass
class OcrRow:
    """One row of a page: one cell (a line of text) or several (a table row)."""

    cells: list[OcrCell]

    @property
    def top(self) -> float:
        return min(c.top for c in self.cells)

    @property
    def bottom(self) -> float:
        return max(c.bottom for c in self.cells)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return min(a[1], b[1]) - max(a[0], b[0])


def rows_of(pieces: list[Piece]) -> list[OcrRow]:
    """Group pieces into rows (top to bottom) and each row into cells (left to right).

    >>> P = lambda t, x0, x1, y=0: Piece(t, x0, y, x1, y + 20, 0.9)
    >>> rows = rows_of([P("合计", 400, 440), P("项目", 10, 50), P("支出157.23万元", 60, 200, 40)])
    >>> [[c.text for c in r.cells] for r in rows]
    [['项目', '合计'], ['支出157.23万元']]
    """
    bands: list[tuple[float, float, list[Piece]]] = []
    for p in sorted(pieces, key=lambda p: (p.top + p.bottom) / 2):
        h = p.bottom - p.top
        if bands:
            top, bottom, members = bands[-1]
            if _overlap((top, bottom), (p.top, p.bottom)) >= 0.5 * min(h, bottom - top):
                members.append(p)
                # the band follows its members' median, so a tall neighbour does not swallow the next line
                bands[-1] = (min(top, p.top) if len(members) < 3 else top, max(bottom, p.bottom) if len(members) < 3 else bottom, members)
                continue
        bands.append((p.top, p.bottom, [p]))
    rows = []
    for _, _, members in bands:
        members.sort(key=lambda p: p.x0)
        height = sorted(p.bottom - p.top for p in members)[len(members) // 2]
        cells = [OcrCell()]
        for p in members:
            if cells[-1].text and p.x0 - cells[-1].x1 > CELL_GAP * height:
                cells.append(OcrCell())
            cells[-1].add(p)
        rows.append(OcrRow(cells))
    return rows
