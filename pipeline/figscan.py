"""The figures of a sentence, found by the standard library's ``re`` engine where it reads the
figure pattern exactly as the ``regex`` package does (attribute asks this of nearly every sentence).

The rules compile the figure pattern (rules/common.yaml, pipeline/rules.py) with the ``regex``
package, whose matcher enters at every position of a text because the pattern opens with a
choice of two lookaheads: ≈ 1,070 instructions a character. ``re`` runs the same pattern, with
the two lookaheads made one (a lookahead for either set of characters is a lookahead for their
union: both are zero-width, hold no group and stand at the same place), in ≈ 520; with that
lookahead's set given to ``re`` as its first-character hint (``re`` takes none from a lookahead:
``_led_by_set``) it skips to the characters a match can start at. The twin is made only when the pattern holds nothing but
syntax the two engines read the same way — literals other than braces, sets of literals and
ranges, groups, choices, greedy, lazy and possessive repeats, lookarounds, no inline flags —
else the pattern itself is used: the twin finds exactly what the pattern finds, by construction
(and tests/test_speed23_attr23.py holds it to that on every real text).
"""
from __future__ import annotations

from functools import lru_cache

import regex

from .groups import numbers
from .normalize import Units, parse_quantity

try:  # the standard library's re parser and compiler (private, hence guarded: without them, no twin)
    import _sre as _SRE
    from re import _compiler as _COMPILER, _constants as _C, _parser as _PARSER
except ImportError:  # pragma: no cover - Python < 3.11
    _COMPILER = _C = _PARSER = _SRE = None

_DEFAULT_FLAGS = regex.compile("").flags  # what regex.compile gives a str pattern with no flag
# syntax the regex package reads otherwise than re does: POSIX classes ([[:alpha:]]), nested sets
_OTHERWISE = ("[:", "[[")


@lru_cache(maxsize=2048)
def figures_of(text: str, figure: regex.Pattern, units: Units) -> tuple[tuple[int, int, str], ...]:
    """(start, end, canonical unit) of every figure with a unit in ``text``, found by ``figure``'s
    twin (cached: extract — as ``extraction.resolve.figures_in`` — and attribute ask about the same
    sentences, and a report's wording recurs)."""
    out = []
    lookup = units.lookup
    pattern, u, fig = scanner(figure)
    for m in pattern.finditer(text):
        surface = m.group(u)
        found = lookup(surface) if surface else None
        if found is not None:  # the canonical unit from the surface unit; the value is read when needed
            out.append((*m.span(fig), found[0]))
        elif (q := parse_quantity(m.group(fig), units)) is not None:
            out.append((*m.span(fig), q.unit))
    return tuple(out)


def twin(figure: regex.Pattern):
    """An ``re`` pattern that finds what ``figure`` finds, group for group, or ``figure`` itself
    when its syntax is not read the same way by both engines."""
    found = _TWINS.get(figure)
    if found is None:
        found = _TWINS[figure] = _twin_of(figure.pattern, figure.flags) or figure
    return found


_TWINS: dict = {}  # a regex pattern → its twin (or itself)


def scanner(figure: regex.Pattern) -> tuple:
    """(twin, number of group ``u``, number of group ``fig``), once a figure pattern: an ``re``
    pattern's hash reads its whole compiled code (≈ 37 K instructions for this one), so the twin
    is not a key asked at each call. A search of the twin within ``pos`` and ``endpos`` finds what
    the pattern's finds: both engines let a lookbehind read before ``pos`` and read the text as
    ending at ``endpos`` (the twin holds no anchor)."""
    found = _SCANNERS.get(figure)
    if found is None:
        pattern = twin(figure)
        groups = numbers(pattern)
        found = _SCANNERS[figure] = pattern, groups["u"], groups["fig"]
    return found


_SCANNERS: dict = {}  # a regex figure pattern → its scanner


def _twin_of(source: str, flags: int):
    """The compiled twin of ``source``, or None."""
    tree = plain_tree(source, flags)
    if tree is None:
        return None
    if tree.data and (one := _one_lookahead(*tree.data[0])) is not None:
        tree.data[0] = one
    return _led_by_set(tree) or _COMPILER.compile(tree, tree.state.flags)


def parsed_tree(source: str | None, flags: int):
    """``re``'s parse of ``source``, a ``regex`` pattern's with ``flags``, or None where ``re`` cannot
    read it or would read its flags otherwise."""
    if _PARSER is None or source is None or flags != _DEFAULT_FLAGS or any(s in source for s in _OTHERWISE):
        return None
    try:
        tree = _PARSER.parse(source)
    except Exception:  # anything re cannot read (\p{…}, shared group names …): no twin
        return None
    return None if tree.state.flags & ~_C.SRE_FLAG_UNICODE else tree


def plain_tree(source: str, flags: int):
    """``parsed_tree`` where both engines read all of it alike (``_plain``), else None."""
    tree = parsed_tree(source, flags)
    return tree if tree is not None and _plain(tree.data) else None


def _led_by_set(tree):
    """``tree`` compiled with the set of its opening lookahead ``(?=[S])`` as its first-character
    hint, or None when it opens otherwise. ``re`` takes that hint only from a pattern opening with
    a literal or a set, not with a lookahead, so without it the matcher is entered at every
    character; with it the search skips to the characters of S, and every match of the pattern
    starts at one (the lookahead, kept, asks that of the text)."""
    if not tree.data or tree.data[0][0] is not _C.ASSERT:
        return None
    direction, body = tree.data[0][1]
    if direction != 1 or len(body) != 1 or body[0][0] is not _C.IN \
            or any(m_op is _C.NEGATE for m_op, _ in body[0][1]):
        return None
    flags = tree.state.flags
    width = tree.getwidth()
    if width[0] == 0:
        return None  # re keeps no hint for a pattern that may match empty
    hint = _PARSER.SubPattern(tree.state, [body[0]])
    hint.width = width  # the info block reads the width of the pattern, the hint of its first character
    code = []
    _COMPILER._compile_info(code, hint, flags)
    _COMPILER._compile(code, tree.data, flags)
    code.append(_C.SUCCESS)
    indexgroup = [None] * tree.state.groups
    for name, i in tree.state.groupdict.items():
        indexgroup[i] = name
    return _SRE.compile(None, flags, code, tree.state.groups - 1, tree.state.groupdict, tuple(indexgroup))


def _plain(items) -> bool:
    """Whether the parsed ``items`` hold only syntax both engines read the same way."""
    for op, av in items:
        if op is _C.LITERAL:
            if chr(av) in "{}":
                return False  # re reads a brace it cannot parse as text; regex may read it as fuzzy matching
        elif op is _C.IN:
            if not all(m_op in (_C.LITERAL, _C.RANGE, _C.NEGATE) for m_op, _ in av):
                return False  # a category (\d, \w, \s): the engines' Unicode tables may differ
        elif op is _C.BRANCH:
            if not all(map(_plain, av[1])):
                return False
        elif op is _C.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if add_flags or del_flags or not _plain(body):
                return False
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
            if not _plain(av[2]):
                return False
        elif op is _C.ATOMIC_GROUP:
            if not _plain(av):
                return False
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            if not _plain(av[1]):
                return False
        else:
            return False  # any character, anchors, word boundaries, back references, categories
    return True


def _one_lookahead(op, av):
    """A choice of lookaheads of one set each, ``(?:(?=[ab])|(?=[c]))``, as one lookahead of their
    union, ``(?=[abc])``; None for anything else."""
    if op is not _C.BRANCH:
        return None
    members = []
    for branch in av[1]:
        if len(branch) != 1 or branch[0][0] is not _C.ASSERT:
            return None
        direction, body = branch[0][1]
        if direction != 1 or len(body) != 1 or body[0][0] is not _C.IN:
            return None
        if any(m_op is _C.NEGATE for m_op, _ in body[0][1]):
            return None
        members += body[0][1]
    return _C.ASSERT, (1, _PARSER.SubPattern(_PARSER.State(), [(_C.IN, members)]))
