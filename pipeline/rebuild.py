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
    """A copy of the dataclass ``obj`` with ``changes`` (a name that is no field is ignored)."""
    names, get, where = _FIELDS.get(type(obj)) or _fields_of(type(obj))
    values = list(get(obj)) if len(names) > 1 else [get(obj)]
    for name, value in changes.items():  # the changed fields set by their place, not every field asked
        at = where.get(name)
        if at is not None:
            values[at] = value
    return type(obj)(*values)


def _fields_of(cls) -> tuple[tuple[str, ...], object, dict[str, int]]:
    names = tuple(f.name for f in fields(cls) if f.init)
    _FIELDS[cls] = names, attrgetter(*names), {n: i for i, n in enumerate(names)}
    return _FIELDS[cls]


_FIELDS: dict[type, tuple] = {}
