"""``dataclasses.replace`` for the many facts and quantities a document or a part moves (restore,
shift): ≈ 2× cheaper — the fields read by one ``attrgetter`` (names remembered per class), the
object built positionally. Same result as ``replace`` for dataclasses whose fields are all
``init`` fields (Fact, Mention). A slotted dataclass with no ``__post_init__`` (Fact, Mention) is
built by setting its slots through their descriptors, not by its ``__init__`` (a frozen one sets
each field by ``object.__setattr__``: twice the instructions).

>>> from pipeline.model import Cell
>>> moved(Cell(1, 2), end=5)
Cell(start=1, end=5)
"""
from __future__ import annotations

from dataclasses import fields
from operator import attrgetter


def moved(obj, **changes):
    """A copy of the dataclass ``obj`` with ``changes`` (a name that is no field is ignored)."""
    cls = type(obj)
    names, get, where, setters = _FIELDS.get(cls) or _fields_of(cls)
    values = list(get(obj)) if len(names) > 1 else [get(obj)]
    for name, value in changes.items():  # the changed fields set by their place, not every field asked
        at = where.get(name)
        if at is not None:
            values[at] = value
    if setters is None:
        return cls(*values)
    new = object.__new__(cls)
    for put, value in zip(setters, values):
        put(new, value)
    return new


def _fields_of(cls) -> tuple[tuple[str, ...], object, dict[str, int], tuple | None]:
    every = tuple(f.name for f in fields(cls))
    names = tuple(f.name for f in fields(cls) if f.init)
    by_slots = names == every == tuple(getattr(cls, "__slots__", ())) and not hasattr(cls, "__post_init__") \
        and cls.__new__ is object.__new__
    setters = tuple(getattr(cls, n).__set__ for n in names) if by_slots else None
    _FIELDS[cls] = names, attrgetter(*names), {n: i for i, n in enumerate(names)}, setters
    return _FIELDS[cls]


_FIELDS: dict[type, tuple] = {}
