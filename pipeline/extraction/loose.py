"""A loose twin of a rule's pattern, in the standard library's ``re``: the same pattern with its
zero-width parts (lookarounds, anchors) dropped and its possessive repeats and atomic groups read as
plain ones, group names dropped. Every match of the pattern is a match of the loose twin over the
same characters (dropping a condition or a commitment only lets more through), so a window of text
where the twin finds nothing holds no match of the pattern, and the scan passes over it.

Most windows the scan reads around a rule's anchors hold no match (≈ 1,900 of ≈ 2,600 over the real
pages, 72 % of their characters): the label is there, the figure the pattern asks after it is not.
The twin finds that out in ``re`` for less than the ``regex`` matcher spends to fail. The twin is
made only where ``re`` reads the pattern's syntax as ``regex`` does (pipeline/figscan.py's
``parsed_tree``; ``\\p{…}`` spelled out by pipeline/proptwin.py), else there is none.
"""
from __future__ import annotations

from ..figscan import _C, _COMPILER, _PARSER, hinted, opening_set, parsed_tree
from ..memo import per_object
from ..proptwin import spelled
from .needs import _REWRITE


@per_object(limit=1024)
def loose_twin(pattern):
    """The compiled loose twin of a ``regex`` pattern, or None."""
    source = spelled(pattern.pattern)
    if source is None:
        return None
    source = _REWRITE.sub(_ungrouped, source)
    tree = parsed_tree(source, pattern.flags)
    if tree is None:
        return None
    try:
        tree.data[:] = _loose(tree.data)
        tree.width = None  # read again from the loose items
        if not tree.data:
            return None
        return _hinted(tree, opening_set(tree.data))
    except (_Unsure, Exception):  # noqa: BLE001 - anything re cannot build: no twin
        return None


def _ungrouped(m) -> str:
    token = m.group(0)
    return "(?:" if token.startswith("(?P<") else token


class _Unsure(Exception):
    """Syntax the two engines may read otherwise: no twin."""


def _loose(items) -> list:
    """``items`` with zero-width parts dropped and groups unwrapped; raises ``_Unsure`` on syntax
    the two engines may read otherwise (anything but literals, sets of literals and ranges, choices,
    repeats, atomic groups, lookarounds and anchors)."""
    out = []
    for op, av in items:
        if op in (_C.LITERAL, _C.NOT_LITERAL):
            if chr(av) in "{}":
                raise _Unsure  # re reads a brace it cannot parse as text; regex may read it as fuzzy matching
            out.append((op, av))
        elif op is _C.IN:
            if not all(m_op in (_C.LITERAL, _C.RANGE, _C.NEGATE) for m_op, _ in av):
                raise _Unsure
            out.append((op, av))
        elif op is _C.BRANCH:
            out.append((op, (av[0], [_sub(b, _loose(b.data)) for b in av[1]])))
        elif op is _C.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if add_flags or del_flags:
                raise _Unsure
            out.extend(_loose(body.data))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            low, high, body = av
            out.append((op, (low, high, _sub(body, _loose(body.data)))))
        elif op is _C.POSSESSIVE_REPEAT:
            out.append((op, (av[0], av[1], _sub(av[2], _kept(av[2].data)))))
        elif op is _C.ATOMIC_GROUP:
            out.append((op, _sub(av, _kept(av.data))))
        elif op in (_C.ASSERT, _C.ASSERT_NOT, _C.AT):
            continue  # zero-width: dropped
        else:
            raise _Unsure
    return out


def _kept(items) -> list:
    """The body of a possessive repeat or an atomic group, read loosely only where nothing of it
    is dropped: it commits to what it first matches, the same in the twin as in the pattern only
    then (else no twin)."""
    if _drops(items):
        raise _Unsure
    return _loose(items)


def _drops(items) -> bool:
    """Whether ``items`` hold a zero-width part, at any depth."""
    for op, av in items:
        if op in (_C.ASSERT, _C.ASSERT_NOT, _C.AT):
            return True
        if op is _C.BRANCH and any(_drops(b.data) for b in av[1]):
            return True
        if op is _C.SUBPATTERN and _drops(av[3].data):
            return True
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and _drops(av[2].data):
            return True
        if op is _C.ATOMIC_GROUP and _drops(av.data):
            return True
    return False


def _sub(like, data):
    """A parsed sequence of ``data`` sharing ``like``'s parser state."""
    return _PARSER.SubPattern(like.state, data)


def _hinted(tree, members):
    """``tree`` compiled with the set ``members`` as its first-character hint (figscan.hinted, as
    its ``_led_by_set`` gives ``re`` a lookahead's set): the search skips to the characters a match
    can open with instead of entering the pattern at every character. The plain compile where
    there is no set or ``re`` would keep no hint (a pattern that may match empty)."""
    return (members is not None and hinted(tree, members)) or _COMPILER.compile(tree, tree.state.flags)
