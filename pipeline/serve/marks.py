"""A report's text cut into plain pieces and marked spans, for the review pages.

The pages render the pieces with autoescape on: the text stays data, only the ``<mark>`` around a
span is markup. Spans that overlap an earlier (longer-first) span are dropped; spans with the same
offsets are merged, so one figure read as two metrics is one mark listing both.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Span:
    """A marked stretch of text: ``kind`` is a CSS class, ``items`` what it stands for (facts …)."""

    start: int
    end: int
    kind: str
    items: list = field(default_factory=list)
    anchor: str = ""  # an element id, e.g. "ev-0"


@dataclass(frozen=True)
class Piece:
    """Plain text (``span`` None) or the text of a span."""

    text: str
    span: Span | None = None


def cut(text: str, spans: list[Span]) -> list[Piece]:
    """``text`` as pieces; joined, their texts give ``text`` back.

    >>> pieces = cut("编制45人，在职42人。", [Span(2, 5, "fact", ["a"]), Span(2, 5, "fact", ["b"]),
    ...                                     Span(3, 4, "q"), Span(8, 11, "unattr")])
    >>> [(p.text, p.span and p.span.items) for p in pieces]
    [('编制', None), ('45人', ['a', 'b']), ('，在职', None), ('42人', []), ('。', None)]
    >>> "".join(p.text for p in pieces)
    '编制45人，在职42人。'
    """
    chosen: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if not (0 <= s.start < s.end <= len(text)):
            continue
        last = chosen[-1] if chosen else None
        if last and (last.start, last.end) == (s.start, s.end) and last.kind == s.kind:
            last.items.extend(s.items)
            last.anchor = last.anchor or s.anchor
            continue
        if last and s.start < last.end:
            continue  # overlaps a span already marked
        chosen.append(Span(s.start, s.end, s.kind, list(s.items), s.anchor))
    pieces, pos = [], 0
    for s in chosen:
        if s.start > pos:
            pieces.append(Piece(text[pos:s.start]))
        pieces.append(Piece(text[s.start:s.end], s))
        pos = s.end
    if pos < len(text):
        pieces.append(Piece(text[pos:]))
    return pieces
