"""How a reader tells the worker running it that OCR is about to cost time.

OCR takes seconds a page, so a scanned report of 30 pages would run past the per-file time limit
that suits text files (pipeline/workers.py, ``Limits.timeout``). Before it OCRs, the reader
announces how many pages it will OCR; the worker passes that to the parent, which adds
``Limits.ocr_page_seconds`` per page to that file's deadline. Outside a worker nobody listens.
"""
from __future__ import annotations

from collections.abc import Callable

_listener: Callable[[int], None] | None = None


def listen(callback: Callable[[int], None] | None) -> None:
    """Have ``callback(pages)`` called whenever a reader is about to OCR ``pages`` pages."""
    global _listener
    _listener = callback


def announce(pages: int) -> None:
    """A reader is about to OCR ``pages`` pages."""
    if _listener is not None and pages > 0:
        _listener(pages)
