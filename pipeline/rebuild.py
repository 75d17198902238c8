"""``dataclasses.replace`` for the many facts and quantities a document or a part moves (restore,
shift): ``model.replaced`` (≈ 2× cheaper; a slotted dataclass with no ``__post_init__``, such as
Fact and Mention, built by setting its slots through their descriptors), under the name its callers use.

>>> from pipeline.model import Cell
>>> moved(Cell(1, 2), end=5)
Cell(start=1, end=5)
"""
from __future__ import annotations

from .model import replaced as moved

__all__ = ["moved"]
