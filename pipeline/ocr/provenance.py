"""How sure the OCR was of a span of text: the lowest confidence of the pieces under it.

A fact's figure may stand in one OCR piece or across two (a line break inside "543.\\n29万元");
the least certain piece decides, so one doubtful digit is never hidden by a sure neighbour.
"""
from __future__ import annotations

from bisect import bisect_right

from pipeline.model import OcrSpan


class OcrIndex:
    """The OCR spans of one document, for looking up (confidence, page) by text offsets.

    >>> index = OcrIndex((OcrSpan(0, 10, 0.99, 1), OcrSpan(11, 20, 0.62, 2)))
    >>> index.under(3, 8), index.under(8, 14), index.under(25, 27)
    ((0.99, 1), (0.62, 1), (None, None))
    """

    def __init__(self, spans: tuple[OcrSpan, ...]):
        self.spans = sorted(spans, key=lambda s: s.start)
        self.starts = [s.start for s in self.spans]

    def under(self, start: int, end: int) -> tuple[float | None, int | None]:
        """(lowest confidence, page of the first piece) of the pieces overlapping [start, end)."""
        i = max(0, bisect_right(self.starts, start) - 1)
        confidence, page = None, None
        while i < len(self.spans) and self.spans[i].start < end:
            s = self.spans[i]
            if s.end > start:
                confidence = s.confidence if confidence is None else min(confidence, s.confidence)
                page = s.page if page is None else page
            i += 1
        return confidence, page
