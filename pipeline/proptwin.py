"""An ``re`` twin of a ``regex`` pattern that names a Unicode property (``\\p{Han}``), which ``re``
cannot read: the property spelled out as the ranges of characters the ``regex`` package itself
says have it, then the twin pipeline/figscan.py makes (the same syntax read the same way by both
engines, or no twin).

read_meta scans a report's opening for unit names (rules/document.yaml unit_prefix, unit_suffixes:
``(?<![\\p{Han}])…[\\p{Han}]{1,20}?(?:局|…)``): the ``regex`` matcher enters that pattern at every
character for ≈ 1,300 instructions; its twin costs less than half. The ranges are read off the
``regex`` package's own table, every code point asked once a property, so the twin's sets hold
exactly the characters the pattern's do (tests/test_speed24_attr24.py holds the twin to the
pattern on every real text).
"""
from __future__ import annotations

import sys

import regex

from .figscan import _twin_of

_PROPERTY = regex.compile(r"\\p\{(\w+)\}")  # a property by its plain name: no negation (\P, ^), no value (=)


def property_twin(pattern: regex.Pattern):
    """``pattern``'s ``re`` twin with its properties spelled out, or ``pattern`` itself when it has none."""
    found = _TWINS.get(pattern)
    if found is None:
        source = spelled(pattern.pattern)
        found = _TWINS[pattern] = (_twin_of(source, pattern.flags) if source is not None else None) or pattern
    return found


_TWINS: dict = {}  # a pattern → its twin (or itself): a few patterns of the rules


def spelled(source: str) -> str | None:
    """``source`` with each ``\\p{Name}`` replaced by the characters that have the property, as
    ranges (inside a set) or a set of them (outside one); None when a property cannot be spelled
    (a negated one, an unknown name) or a set cannot be followed (``[]`` or ``[^]`` opening one).

    >>> spelled(r"[\\p{Han}0-9]") == "[" + ranges("Han") + "0-9]"
    True
    """
    out, i, in_set = [], 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            m = _PROPERTY.match(source, i)
            if m is not None:
                spans = ranges(m.group(1))
                if spans is None:
                    return None
                out.append(spans if in_set else "[" + spans + "]")
                i = m.end()
                continue
            if source.startswith(("\\P", "\\p"), i):
                return None
            out.append(source[i:i + 2])
            i += 2
            continue
        if c == "[" and not in_set:
            if source.startswith(("[]", "[^]"), i):
                return None
            in_set = True
        elif c == "]" and in_set:
            in_set = False
        out.append(c)
        i += 1
    return "".join(out)


def ranges(name: str) -> str | None:
    """The characters with property ``name`` as set ranges (``\\U0000xxxx-\\U0000yyyy`` …), read off
    the ``regex`` package's table (once a property: ≈ 0.1 s), or None for a name it does not know."""
    found = _RANGES.get(name)
    if found is None:
        try:
            runs = regex.compile(r"\p{%s}+" % name)
        except regex.error:
            return None
        found = _RANGES[name] = "".join(f"\\U{ord(text[m.start()]):08x}-\\U{ord(text[m.end() - 1]):08x}"
                                        for text in _planes() for m in runs.finditer(text))
    return found or None


_RANGES: dict[str, str] = {}


def _planes():
    """Every code point below the surrogates, then every one above them (read apart, so no run is
    taken across the surrogates)."""
    yield "".join(map(chr, range(0xD800)))
    yield "".join(map(chr, range(0xE000, sys.maxunicode + 1)))
