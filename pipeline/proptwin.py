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
from .memo import per_object

_PROPERTY = regex.compile(r"\\p\{(\w+)\}")  # a property by its plain name: no negation (\P, ^), no value (=)


@per_object(limit=64)
def property_twin(pattern: regex.Pattern):
    """``pattern``'s ``re`` twin with its properties spelled out, or ``pattern`` itself when it has none
    (once a pattern of the rules, known by identity: no hash of the pattern a call)."""
    source = spelled(pattern.pattern)
    return (_led(source, pattern.flags) or _unrolled(source, pattern.flags)
            or _twin_of(source, pattern.flags) if source is not None else None) or pattern


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


def _unrolled(source: str, flags: int):
    """The twin of a pattern that opens with a repeat of one round or more (``[。！？]+[”）]*``), its
    first round written out (``_first_round``): ``re`` takes no first-character set from a repeat and
    enters such a pattern at every character; from the round's set it skips to the characters a match
    opens with. None where the pattern does not open so (the caller makes the plain twin)."""
    tree = plain_tree(source, flags)
    if tree is None or not tree.data:
        return None
    data = _first_round(list(tree.data))
    if data == list(tree.data) or data[0][0] not in (_C.LITERAL, _C.IN):
        return None
    tree.data[:] = data
    try:
        return _COMPILER.compile(tree, tree.state.flags)
    except Exception:  # noqa: BLE001  # pragma: no cover - re cannot compile it
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
    of one or more rounds read as its first round then the others (``_first_round``) — or None."""
    if not items:
        return None
    if items[0][0] in (_C.LITERAL, _C.IN):
        return items[0], items[1:]
    unrolled = _first_round(items)
    return None if unrolled is items else _first_character(unrolled)


class LeadScan:
    """``pattern.finditer``'s spans for a pattern that opens with a choice of one-character
    lookbehinds (``(?:(?<![\\p{Han}])|(?<=[年度]))…``), found by ``re`` skipping to the characters
    such a lookbehind accepts rather than to the characters a match opens with.

    The twin ``_led`` makes skips to every Han character of a page (most of them) and is entered
    there (≈ 600 instructions each on the unit-name pattern); a unit name starts after a character
    that is no Han one or is 年/度, a few in ten. ``lead`` is the character the lookbehinds read
    (any character one of them accepts), consumed, then the rest of the pattern: a match of it at
    ``q`` is the pattern's match at ``q + 1``, and the first ``q`` at or after ``pos - 1`` is
    finditer's first match at or after ``pos`` (the lookbehind reads the character before ``pos``,
    whatever ended there). A negative lookbehind also holds at the text's start: ``rest`` is tried
    there.
    """

    __slots__ = ("at_start", "lead", "rest")

    def __init__(self, lead, rest, at_start: bool):
        self.lead, self.rest, self.at_start = lead, rest, at_start

    def spans(self, text: str) -> list[tuple[int, int]]:
        """``[m.span() for m in pattern.finditer(text)]``."""
        out = []
        pos = 0
        if self.at_start and (m := self.rest.match(text)) is not None:
            pos = m.end()
            out.append((0, pos))
        search = self.lead.search
        while (m := search(text, pos - 1 if pos else 0)) is not None:
            pos = m.end()
            out.append((m.start() + 1, pos))
        return out


@per_object(limit=16)
def lead_scan(pattern: regex.Pattern) -> LeadScan | None:
    """``pattern``'s ``LeadScan``, or None where it does not open with one-character lookbehinds
    that ``re`` reads as ``regex`` does (then ``property_twin`` is the scan). Once a pattern of the
    rules (of each RuleSet loaded)."""
    source = spelled(pattern.pattern)
    return _lead_scan_of(source, pattern.flags) if source is not None else None


_TOP = 0x10FFFF


def _lead_scan_of(source: str, flags: int) -> LeadScan | None:
    tree = plain_tree(source, flags)
    if tree is None or not tree.data:
        return None
    behind = _lookbehinds(tree.data[0])
    if behind is None:
        return None
    accepted, at_start = [], False
    for op, body in behind:
        ranges_ = _one_character(body)
        if ranges_ is None:
            return None
        if op is _C.ASSERT_NOT:
            ranges_, at_start = _complement(ranges_), True
        accepted += ranges_
    rest = _PARSER.SubPattern(tree.state, _first_round(list(tree.data[1:])))
    if not rest.data or rest.getwidth()[0] == 0:
        return None  # an empty match: finditer's step past it is not this scan's
    refused = _complement(accepted)  # the lead written as a negated set: a page's usual characters are in it
    lead = (_C.IN, [(_C.NEGATE, None)] + [(_C.RANGE, (a, b)) for a, b in refused])
    try:
        return LeadScan(_COMPILER.compile(_PARSER.SubPattern(tree.state, [lead] + rest.data), tree.state.flags),
                        _COMPILER.compile(rest, tree.state.flags), at_start)
    except Exception:  # noqa: BLE001  # pragma: no cover - re cannot compile the rest alone
        return None


def _one_character(body: list) -> list[tuple[int, int]] | None:
    """The code point ranges of a lookbehind body of one literal or one set of literals and ranges
    (possibly negated), or None."""
    if len(body) != 1:
        return None
    op, av = body[0]
    if op is _C.LITERAL:
        return [(av, av)]
    if op is not _C.IN:
        return None
    negate, out = False, []
    for i, (o, a) in enumerate(av):
        if o is _C.NEGATE and i == 0:
            negate = True
        elif o is _C.LITERAL:
            out.append((a, a))
        elif o is _C.RANGE:
            out.append(a)
        else:
            return None  # a category (\d, \w) and the like: not told here
    return _complement(out) if negate else _merged(out)


def _merged(ranges_: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(ranges_):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _complement(ranges_: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The code points of 0…0x10FFFF outside ``ranges_``.

    >>> _complement([(0, 9), (20, 0x10FFFF)]), _complement([(5, 5)])
    ([(10, 19)], [(0, 4), (6, 1114111)])
    """
    out, at = [], 0
    for a, b in _merged(ranges_):
        if a > at:
            out.append((at, a - 1))
        at = b + 1
    if at <= _TOP:
        out.append((at, _TOP))
    return out


def _first_round(items: list) -> list:
    """``items`` with an opening repeat of one round or more written as its first round then the
    others (``(?:B)+C`` as ``B(?:B)*C``: the same matches, tried in the same order): ``re`` enters a
    repeat of a group with a frame of its own (≈ 1,000 instructions where a unit name is tried and
    not found), its first round without one."""
    if not items or items[0][0] not in (_C.MAX_REPEAT, _C.MIN_REPEAT):
        return items
    op, (low, high, body) = items[0]
    if low < 1 or any(o is _C.SUBPATTERN for o, _ in body.data):
        return items  # a group in the body: its round is not unrolled
    again = (op, (low - 1, high if high == _C.MAXREPEAT else high - 1, body))
    return list(body.data) + [again] + items[1:]
