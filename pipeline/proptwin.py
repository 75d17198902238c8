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

from .figscan import _C, _COMPILER, _PARSER, _twin_of, plain_tree

_PROPERTY = regex.compile(r"\\p\{(\w+)\}")  # a property by its plain name: no negation (\P, ^), no value (=)


def property_twin(pattern: regex.Pattern):
    """``pattern``'s ``re`` twin with its properties spelled out, or ``pattern`` itself when it has none."""
    found = _TWINS.get(pattern)
    if found is None:
        source = spelled(pattern.pattern)
        found = _TWINS[pattern] = (_led(source, pattern.flags) or _twin_of(source, pattern.flags)
                                   if source is not None else None) or pattern
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


def _led(source: str, flags: int):
    """The twin of a pattern that opens with a lookbehind (or a choice of them) before a character of
    a set, with that character read first and the lookbehind after it, one character wider
    (``(?<![H])[H]{2,4}?…`` → ``[H](?<![H][H])[H]{1,3}?…``): the same matches, and ``re`` skips to the
    characters of the set instead of entering the pattern at every character. None where the pattern
    does not open so (the caller makes the plain twin) or ``re`` cannot read it."""
    tree = plain_tree(source, flags)
    if tree is None or not tree.data:
        return None
    behind = _lookbehinds(tree.data[0])
    first = _first_character(list(tree.data[1:]))
    if behind is None or first is None:
        return None
    char, rest = first
    wider = [(op, (-1, _PARSER.SubPattern(tree.state, list(body) + [char]))) for op, body in behind]
    lead = wider[0] if len(wider) == 1 else (_C.BRANCH, (None, [_PARSER.SubPattern(tree.state, [w]) for w in wider]))
    tree.data[:] = [char, lead] + rest
    try:
        return _COMPILER.compile(tree, tree.state.flags)
    except Exception:  # a lookbehind re cannot compile (not fixed-width)
        return None


def _lookbehinds(item) -> list | None:
    """[(ASSERT or ASSERT_NOT, body)] of a lookbehind or a choice of lookbehinds, else None."""
    op, av = item
    if op in (_C.ASSERT, _C.ASSERT_NOT) and av[0] == -1:
        return [(op, av[1].data)]
    if op is _C.BRANCH and all(len(b.data) == 1 and b.data[0][0] in (_C.ASSERT, _C.ASSERT_NOT)
                               and b.data[0][1][0] == -1 for b in av[1]):
        return [(b.data[0][0], b.data[0][1][1].data) for b in av[1]]
    return None


def _first_character(items: list):
    """(the item of one character every match of ``items`` opens with, the items after it) — a repeat
    of one or more rounds read as its first round then the others (``B{m,n}`` = ``B B{m-1,n-1}``) —
    or None."""
    if not items:
        return None
    op, av = items[0]
    if op in (_C.LITERAL, _C.IN):
        return items[0], items[1:]
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
        low, high, body = av
        if any(o is _C.SUBPATTERN for o, _ in body.data):
            return None  # a group in the body: its round is not unrolled
        again = (op, (low - 1, high if high == _C.MAXREPEAT else high - 1, body))
        return _first_character(list(body.data) + [again] + items[1:])
    return None
