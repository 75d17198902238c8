"""The characters every match of a rule's pattern needs, in the order it needs them, read from
the pattern itself: a window of text that lacks them cannot hold a match, so the scan need not
run the pattern there.

Each need is a set of characters of which a match consumes one, the needs in the order the match
consumes them (a label's 安, then a digit or a Chinese numeral, then the unit 户 …): a window
must hold a character of the first need, a character of the second after it, and so on. They are
read off the parse tree of the standard library's ``re`` parser, which reads the plain syntax the
rules use the way the ``regex`` package does; what it cannot read, or might read otherwise, gives
no need (the pattern then runs in every window, as without this test). Zero-width parts
(lookarounds, anchors) and optional parts need nothing.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

try:  # the parser of the standard library's re (private, hence guarded: without it, no needs)
    from re import _constants as _C, _parser as _PARSER
except ImportError:  # pragma: no cover - Python < 3.11
    _C = _PARSER = None

MAX_RANGE = 4096  # a character range wider than this (\u4e00-\u9fff …) needs nothing: too wide to test
# group names (the regex package lets several groups share one) and \p{…} classes, which the re
# parser cannot read, are rewritten first: a group as a plain group, a class as \w (which needs nothing)
_REWRITE = regex.compile(r"\\[pP]\{[^}]*\}|\\.|\(\?P<[A-Za-z_]\w*>", regex.S)
# syntax the regex package reads otherwise than re does: POSIX classes ([[:alpha:]]), nested sets
_OTHERWISE = ("[:", "[[")


@lru_cache(maxsize=1024)
def pattern_needs(source: str, flags: int = 0) -> tuple[frozenset[str], ...]:
    """The sets of characters of which every match of ``source`` consumes one each, in the order
    it consumes them (none: unknown).

    >>> [sorted(s) for s in pattern_needs(r"(?P<label>安置)(?:户数)?[ ]*(?P<fig>[0-9]+)(?:户|家)")]
    [['安'], ['置'], ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ['家', '户']]
    >>> pattern_needs(r"(?i)ab"), pattern_needs(r"a{e<=1}"), pattern_needs(r"x?(?=y)")
    ((), (), ())
    """
    if _PARSER is None or flags & (regex.IGNORECASE | regex.FULLCASE | regex.VERSION1) or any(s in source for s in _OTHERWISE):
        return ()
    try:
        tree = _PARSER.parse(_REWRITE.sub(_rewritten, source))
    except (re.error, ValueError, TypeError, AttributeError, RecursionError):
        return ()
    if tree.state.flags & re.IGNORECASE:
        return ()
    try:
        needs = _sequence(tree.data)
    except _Unsure:
        return ()
    return tuple(needs)


def _rewritten(m) -> str:
    token = m.group(0)
    if token.startswith("(?P<"):
        return "(?:"
    return r"\w" if token[1] in "pP" else token


class _Unsure(Exception):
    """The parse holds something the two engines may read otherwise: the pattern gets no needs."""


def _sequence(items) -> list[frozenset[str]]:
    needs: list[frozenset[str]] = []
    for op, av in items:
        needs += _item(op, av)
    return needs


def _item(op, av) -> list[frozenset[str]]:
    if op is _C.LITERAL:
        if chr(av) in "{}":
            raise _Unsure  # re reads a brace it cannot parse as text; regex may read it as fuzzy matching
        return [frozenset(chr(av))]
    if op is _C.IN:
        return _charset(av)
    if op is _C.SUBPATTERN:
        _group, add_flags, _del_flags, body = av
        return [] if add_flags & re.IGNORECASE else _sequence(body)
    if op is _C.ATOMIC_GROUP:
        return _sequence(av)
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
        least, _most, body = av
        return _sequence(body) if least >= 1 else []
    if op is _C.BRANCH:
        # each branch's needs, aligned at their ends (the last of each, the one before it …): a
        # match takes one branch, so it needs a character of each union, in that order
        branches = [_sequence(branch) for branch in av[1]]
        if not all(branches):
            return []
        common = min(map(len, branches))
        return [frozenset().union(*(b[len(b) - common + i] for b in branches)) for i in range(common)]
    return []  # zero-width (lookarounds, anchors), any character, negated ones, back references


def _charset(members) -> list[frozenset[str]]:
    chars: set[str] = set()
    for op, av in members:
        if op is _C.LITERAL:
            chars.add(chr(av))
        elif op is _C.RANGE and av[1] - av[0] <= MAX_RANGE:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return []  # negated, a category (\d, \w), a wide range: no set to test
    return [frozenset(chars)]


def window_test(source: str, flags: int, anchors: tuple[str, ...]):
    """A compiled ``re`` pattern whose ``match(text, lo, hi)`` fails exactly when the window
    text[lo:hi] lacks the characters every match needs, in their order — or None when nothing is
    worth testing (no need, or only needs every anchor meets: a rule's window holds an anchor).
    Each need is met by its first character after the previous one's (the earliest choice leaves
    the most room for the rest), so the test reads the window once."""
    needs = pattern_needs(source, flags)
    if all(all(any(c in s for c in a) for a in anchors) for s in needs):
        return None
    return _test(needs)


def text_test(source: str, flags: int):
    """A compiled ``re`` pattern whose ``match(text)`` fails exactly when ``text`` lacks the
    characters every match of the pattern needs, in their order (a search of the pattern there
    would find nothing) — or None when the pattern needs nothing."""
    needs = pattern_needs(source, flags)
    return _test(needs) if needs else None


def _test(needs: tuple[frozenset[str], ...]):
    return re.compile("(?=" + "".join(f"[^{_chars(s)}]*+[{_chars(s)}]" for s in needs) + ")")


def _chars(chars: frozenset[str]) -> str:
    return "".join(re.escape(c) for c in sorted(chars))
