"""The figures of a sentence, found by the standard library's ``re`` engine where it reads the
figure pattern exactly as the ``regex`` package does (attribute asks this of nearly every sentence).

The rules compile the figure pattern (rules/common.yaml, pipeline/rules.py) with the ``regex``
package, whose matcher enters at every position of a text because the pattern opens with a
choice of two lookaheads: ≈ 1,070 instructions a character. ``re`` runs the same pattern, with
the two lookaheads made one (a lookahead for either set of characters is a lookahead for their
union: both are zero-width, hold no group and stand at the same place), in ≈ 520; with that
lookahead's set given to ``re`` as its first-character hint (``re`` takes none from a lookahead:
``_led_by_set``) it skips to the characters a match can start at. Two rewrites that cannot change a
match make each place it tries cheap (≈ 2,300 → ≈ 700 instructions where no figure starts): a repeat
nothing after it can start with never gives back (``_possessive``: the digits of 2020年 are not given
back one by one, each time trying every unit), and a lookahead every match passes leaves a place at
once where no unit follows the run of number characters (``_gate``: 一般, 2020年). The twin is
made only when the pattern holds nothing but syntax the two engines read the same way — literals
other than braces, sets of literals and ranges, groups, choices, greedy, lazy and possessive
repeats, lookarounds, no inline flags — else the pattern itself is used: the twin finds exactly what the pattern finds, by construction
(and tests/test_speed23_attr23.py holds it to that on every real text).
"""
from __future__ import annotations

import regex

from .groups import numbers
from .memo import per_object
from .normalize import Units, parse_quantity

try:  # the standard library's re parser and compiler (private, hence guarded: without them, no twin)
    import _sre as _SRE
    from re import _compiler as _COMPILER, _constants as _C, _parser as _PARSER
except ImportError:  # pragma: no cover - Python < 3.11
    _COMPILER = _C = _PARSER = _SRE = None

_DEFAULT_FLAGS = regex.compile("").flags  # what regex.compile gives a str pattern with no flag
# syntax the regex package reads otherwise than re does: POSIX classes ([[:alpha:]]), nested sets
_OTHERWISE = ("[:", "[[")


def figures_of(text: str, figure: regex.Pattern, units: Units) -> tuple[tuple[int, int, str], ...]:
    """(start, end, canonical unit) of every figure with a unit in ``text``, found by ``figure``'s
    twin (remembered: extract — as ``extraction.resolve.figures_in`` — and attribute ask about the
    same sentences, and a report's wording recurs). The memo is the last figure pattern's and
    units', known by identity: a key holding the pattern would hash it at every call (a ``regex``
    pattern's hash reads its pattern, ≈ 1,600 instructions); a surface unit's canonical unit is
    remembered beside it. ``_figures`` is the plain reading (the scan is written out here, not
    called: a Python call a sentence)."""
    last = _LAST
    if last[0] is not figure or last[1] is not units:
        last[:] = figure, units, {}, scanner(figure), {}
    memo = last[2]
    found = memo.get(text)
    if found is not None:
        return found
    out = []
    pattern, u, fig = last[3]
    unit_of = last[4]
    for m in pattern.finditer(text):
        surface = m.group(u)
        canonical = unit_of.get(surface)
        if canonical is None:
            known = units.lookup(surface) if surface else None
            canonical = unit_of[surface] = known[0] if known is not None else ""  # "": none
        if canonical:  # the canonical unit from the surface unit; the value is read when needed
            out.append((*m.span(fig), canonical))
        elif (q := parse_quantity(m.group(fig), units)) is not None:
            out.append((*m.span(fig), q.unit))
    if len(memo) >= _FIGURES_KEPT:
        memo.clear()  # bounded whatever the corpus (as memo.Bounded, without a method call a miss)
    found = memo[text] = tuple(out)
    return found


_FIGURES_KEPT = 2048  # sentences whose figures are remembered
# the figure pattern and units asked last (held, so that their ids stay theirs), their memo, their scanner
# and each surface unit's canonical unit (as many as the pattern's units)
_LAST: list = [None, None, None, None, None]


def _figures(text: str, figure: regex.Pattern, units: Units) -> tuple[tuple[int, int, str], ...]:
    """``figures_of`` read afresh, each surface unit looked up."""
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


figures_of.__wrapped__ = _figures  # the plain reading, as functools.wraps would name it


def twin(figure: regex.Pattern):
    """An ``re`` pattern that finds what ``figure`` finds, group for group, or ``figure`` itself
    when its syntax is not read the same way by both engines."""
    found = _TWINS.get(figure)
    if found is None:
        found = _TWINS[figure] = _twin_of(figure.pattern, figure.flags) or figure
    return found


_TWINS: dict = {}  # a regex pattern → its twin (or itself)


@per_object(limit=16)
def scanner(figure: regex.Pattern) -> tuple:
    """(twin, number of group ``u``, number of group ``fig``), once a figure pattern, known by
    identity (a ``regex`` pattern's hash reads its pattern, an ``re`` pattern's its whole compiled
    code: ≈ 37 K instructions for this one). A search of the twin within ``pos`` and ``endpos``
    finds what the pattern's finds: both engines let a lookbehind read before ``pos`` and read the
    text as ending at ``endpos`` (the twin holds no anchor)."""
    pattern = twin(figure)
    groups = numbers(pattern)
    return pattern, groups["u"], groups["fig"]


def _twin_of(source: str, flags: int):
    """The compiled twin of ``source``, or None."""
    tree = plain_tree(source, flags)
    if tree is None:
        return None
    if tree.data and (one := _one_lookahead(*tree.data[0])) is not None:
        tree.data[0] = one
    _possessive(tree.data, _END)
    _gate(tree)
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
    return hinted(tree, body[0][1])


def hinted(tree, members):
    """``tree`` compiled with the set ``members`` (a parsed ``[...]``'s items) as ``re``'s
    first-character hint: the search skips to those characters instead of entering the pattern at
    every one. Only right where every match opens with one of them. None where ``re`` would keep no
    hint (a pattern that may match empty)."""
    flags = tree.state.flags
    width = tree.getwidth()
    if width[0] == 0:
        return None  # re keeps no hint for a pattern that may match empty
    hint = _PARSER.SubPattern(tree.state, [(_C.IN, members)])
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


# What may follow a point of a pattern: (the ranges of characters the rest may consume first, whether the
# rest may consume nothing). None as the ranges: any character. _END: the pattern's end (or the end of a
# part matched on its own: a lookaround's, an atomic group's or a possessive repeat's body).
_END = ([], True)


def _possessive(items, follow) -> None:
    """Make possessive, in place, each greedy repeat of one character set in ``items`` (parsed, plain)
    that nothing after it could start with: the digits of 2020年, which the engine would otherwise give
    back one by one, trying every unit after each. A repeat is made possessive only when what follows
    it (``follow`` after ``items``) must consume a character and cannot start with one of the
    repeat's: giving one back leaves such a character next, where the rest cannot match, so the first
    match is the same, group for group, and only the retries that fail are skipped (as PCRE's
    auto-possessification). An optional part of more than one character, ``(?:万|千万)?``, becomes the
    choice ``(?:万|千万|)``: the same tries in the same order, without the bookkeeping (and the
    allocation) ``re`` spends on entering a repeat."""
    after = follow
    for k in range(len(items) - 1, -1, -1):
        op, av = items[k]
        if op is _C.MAX_REPEAT:
            body = av[2]
            chars = _one_set(body)
            if chars is not None and not after[1] and after[0] is not None and not _overlap(chars, after[0]):
                op = _C.POSSESSIVE_REPEAT
                items[k] = op, av
            elif av[0] == 0 and av[1] == 1 and chars is None and not _first(body)[1]:
                op, av = _C.BRANCH, (None, [body, _PARSER.SubPattern(body.state, [])])
                items[k] = op, av
                _possessive(body, after)
            else:
                _possessive(body, _union(_first(body), after))
        elif op is _C.MIN_REPEAT:
            _possessive(av[2], _union(_first(av[2]), after))
        elif op is _C.SUBPATTERN:
            _possessive(av[3], after)
        elif op is _C.BRANCH:
            for branch in av[1]:
                _possessive(branch, after)
        elif op in (_C.POSSESSIVE_REPEAT, _C.ATOMIC_GROUP):
            _possessive(av[2] if op is _C.POSSESSIVE_REPEAT else av, _END)
        # a lookaround's body is left as it is
        ranges, empty = _first([(op, av)])
        after = (ranges, False) if not empty else _union((ranges, True), after)


def _first(items):
    """(ranges, may be empty) of ``items``: the characters their match may start with (None: any),
    and whether it may consume nothing; lookarounds consume nothing."""
    ranges: list | None = []
    for op, av in items:
        if op is _C.LITERAL:
            got = [(av, av)], False
        elif op is _C.IN:
            got = (_one_set([(op, av)]), False)
        elif op is _C.BRANCH:
            got = ([], False)
            for branch in av[1]:
                got = _union(got, _first(branch))
            got = (got[0], any(_first(b)[1] for b in av[1]))
        elif op is _C.SUBPATTERN:
            got = _first(av[3])
        elif op is _C.ATOMIC_GROUP:
            got = _first(av)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
            inner = _first(av[2])
            got = inner[0], av[0] == 0 or inner[1]
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            got = [], True
        else:
            got = None, True  # anything else: any character, maybe nothing
        ranges = None if ranges is None or got[0] is None else ranges + got[0]
        if not got[1]:
            return ranges, False
    return ranges, True


def opening_set(items) -> list | None:
    """The members (re's parse of a set) of every character a match of ``items`` (parsed) may open
    with, or None where that is any character or a match may be empty: a first-character hint
    (``hinted``)."""
    ranges, empty = _first(items)
    return None if empty or ranges is None else _members(ranges)


def _one_set(items) -> list | None:
    """The ranges of a body that is one literal or one set of literals and ranges (no negation), else None."""
    if len(items) != 1:
        return None
    op, av = items[0]
    if op is _C.LITERAL:
        return [(av, av)]
    if op is not _C.IN or any(m_op not in (_C.LITERAL, _C.RANGE) for m_op, _ in av):
        return None
    return [(v, v) if m_op is _C.LITERAL else v for m_op, v in av]


def _union(a, b):
    """What may follow: ``a``, or — where ``a`` may consume nothing — ``b``."""
    ranges = None if a[0] is None or b[0] is None else a[0] + b[0]
    return ranges, a[1] and b[1]


def _overlap(a: list, b: list) -> bool:
    """Whether two lists of (low, high) code point ranges share a character."""
    return any(lo <= b_hi and b_lo <= hi for lo, hi in a for b_lo, b_hi in b)


def _gate(tree) -> None:
    """After the opening lookahead of ``tree``, a lookahead that a match could not fail: ``(?=[B]*[U])``,
    U the characters the pattern's last part that must consume one may start with (the figure's unit),
    B every character the parts before it may consume (a number, its qualifier, spaces, a magnitude).
    Where it fails (一般, 2020年: no unit after the run) the engine leaves the place at once, where it
    would otherwise try every branch of the pattern there. Added only after an opening lookahead (the
    pattern's first-character hint is kept) and where both sets are known."""
    if not tree.data or tree.data[0][0] is not _C.ASSERT:
        return
    flat: list = []
    _flatten(tree.data, flat)
    last = next((j for j in range(len(flat) - 1, -1, -1) if not _first(flat[j:j + 1])[1]), None)
    if last is None:
        return
    unit, body = _first(flat[last:last + 1])[0], _consumed(flat[:last])
    if not unit or body is None:
        return
    # the first character of U in the text there ends a run of B's others: (?=[B-U]*+[U]), which never
    # gives back (2020年 is read once, not once for each digit given back)
    body = _minus(body, unit)
    state = tree.state
    run = (_C.POSSESSIVE_REPEAT, (0, _C.MAXREPEAT, _PARSER.SubPattern(state, [(_C.IN, _members(body))])))
    gate = _PARSER.SubPattern(state, [run, (_C.IN, _members(unit))] if body else [(_C.IN, _members(unit))])
    tree.data.insert(1, (_C.ASSERT, (1, gate)))


def _minus(a: list, b: list) -> list:
    """The (low, high) ranges of the characters of ``a`` not in ``b``."""
    out = list(a)
    for b_lo, b_hi in b:
        out = [piece for lo, hi in out
               for piece in ((lo, min(hi, b_lo - 1)), (max(lo, b_hi + 1), hi)) if piece[0] <= piece[1]] \
            if any(lo <= b_hi and b_lo <= hi for lo, hi in out) else out
    return out


def _flatten(items, out: list) -> None:
    """``items`` with the bodies of their groups (no flags) spelled out in place."""
    for op, av in items:
        if op is _C.SUBPATTERN and not av[1] and not av[2]:
            _flatten(av[3], out)
        else:
            out.append((op, av))


def _consumed(items) -> list | None:
    """The ranges of every character ``items`` may consume (lookarounds consume none), or None when
    not known."""
    out: list = []
    for op, av in items:
        if op is _C.LITERAL:
            got = [(av, av)]
        elif op is _C.IN:
            got = _one_set([(op, av)])
        elif op is _C.BRANCH:
            parts = [_consumed(b) for b in av[1]]
            got = None if any(p is None for p in parts) else [r for p in parts for r in p]
        elif op is _C.SUBPATTERN:
            got = _consumed(av[3])
        elif op is _C.ATOMIC_GROUP:
            got = _consumed(av)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
            got = _consumed(av[2])
        elif op in (_C.ASSERT, _C.ASSERT_NOT):
            got = []
        else:
            got = None
        if got is None:
            return None
        out += got
    return out


def _members(ranges: list) -> list:
    """A set's members (re's parse) for (low, high) code point ranges."""
    return [(_C.LITERAL, lo) if lo == hi else (_C.RANGE, (lo, hi)) for lo, hi in sorted(set(ranges))]
