"""``dataclasses.replace`` for the many facts and quantities a document or a part moves (restore,
shift): ≈ 2× cheaper — the fields read by one ``attrgetter`` (names remembered per class), the
object built positionally. Same result as ``replace`` for dataclasses whose fields are all
``init`` fields (Fact, Mention).

>>> from pipeline.model import Cell
>>> moved(Cell(1, 2), end=5)
Cell(start=1, end=5)
"""
from __future__ import annotations

from dataclasses import fields
from operator import attrgetter


def moved(obj, **changes):
    """A copy of the dataclass ``obj`` with ``changes``."""
    names, get = _FIELDS.get(type(obj)) or _fields_of(type(obj))
    values = get(obj) if len(names) > 1 else (get(obj),)
    return type(obj)(*[changes[n] if n in changes else v for n, v in zip(names, values)])


def _fields_of(cls) -> tuple[tuple[str, ...], object]:
    names = tuple(f.name for f in fields(cls) if f.init)
    _FIELDS[cls] = names, attrgetter(*names)
    return _FIELDS[cls]


_FIELDS: dict[type, tuple] = {}
