"""The matches of a ``regex`` pattern, asked of it only where a match may start.

read_text cuts what rules/reading.yaml drops and joins out of every page: one alternation whose
every branch opens with a lookbehind (``(?<=[^\\n]{15}\\p{Han})\\n(?=…)``), so the ``regex`` matcher
enters it at every character (≈ 650 instructions each), though a cut stands at a few. Each branch
opens, after its lookbehinds, with one character of a set (a space, a line break, a bracket), and
what follows it up to the first syntax ``re`` may read otherwise is a *start* of the branch: a
pattern that matches wherever the branch does, and more. ``re`` finds where each start matches by
skipping to its first character (a few instructions a character); the pattern itself is asked only
there. What is found is what ``pattern.finditer`` finds, match for match: no place where the
pattern matches is passed over (tests/test_speed24_attr24.py holds it to that on every real text).

A pattern whose starts cannot be told so (a branch opening with something else, a match that may
be empty, syntax ``re`` cannot parse) is searched as it is.
"""
from __future__ import annotations

import regex

from .figscan import _C, _COMPILER, _PARSER, _plain, parsed_tree
from .memo import per_object
from .proptwin import spelled


def spans(pattern: regex.Pattern, text: str) -> list[tuple[int, int]]:
    """``[m.span() for m in pattern.finditer(text)]``."""
    starts = _starts(pattern)
    if starts is None:
        return [m.span() for m in pattern.finditer(text, None, None, False, False)]
    out = []
    match = pattern.match
    searches = [s.search for s in starts]
    none = len(text) + 1  # no further place: past every place a start's match may begin at
    nexts = []  # each start's next place (a start's match is never empty)
    for search in searches:
        found = search(text)
        nexts.append(found.start() if found is not None else none)
    indices = range(len(nexts))
    while (at := min(nexts)) != none:
        # the pattern's lookbehinds read the text before ``at``, as finditer's do; concurrent=False by
        # position keeps the GIL (pipeline/extraction/scan.py FINDITER_ARGS)
        m = match(text, at, None, False)
        if m is None:
            pos = at + 1
        else:
            out.append(m.span())
            pos = m.end()  # never empty: the pattern matches one character at least
        for k in indices:
            if nexts[k] < pos:  # the others are still the first places at or after ``pos``
                found = searches[k](text, pos)
                nexts[k] = found.start() if found is not None else none
    return out


@per_object(limit=4)
def _starts(pattern: regex.Pattern) -> list | None:
    """The ``re`` starts of ``pattern``'s branches (see the module's doc), or None."""
    tree = parsed_tree(spelled(pattern.pattern), pattern.flags)
    if tree is None or tree.getwidth()[0] == 0:
        return None
    sequences = _opening(list(tree.data))
    if sequences is None:
        return None
    sequences = _by_character(sequences)
    try:
        return [_COMPILER.compile(_PARSER.SubPattern(tree.state, items), tree.state.flags)
                for items in _joined(sequences, tree.state)]
    except Exception:  # pragma: no cover - a start re cannot compile: the pattern as it is
        return None


_ONE = (_C.LITERAL, _C.IN)  # one character: what re skips to


def _opening(items: list) -> list[list] | None:
    """Starts whose places hold every place a match of ``items`` (a sequence) starts at: the
    sequence after its opening lookbehinds (zero-width: the match starts where they stand),
    branch by branch, a group opened, a repeat's first round (one character of it for a repeat of
    one character), up to the first item ``re`` may read otherwise. Each start opens with one
    character (LITERAL or IN). None when a start cannot be told."""
    while items and items[0][0] in (_C.ASSERT, _C.ASSERT_NOT) and items[0][1][0] == -1:
        items = items[1:]
    if not items:
        return None  # nothing consumed at the start: every place may be one
    op, av = items[0]
    rest = items[1:]
    if op in _ONE:
        start = _plain_prefix(items)
        return [start] if start else None
    if op is _C.SUBPATTERN and not av[1] and not av[2]:
        return _opening(list(av[3].data) + rest)
    if op is _C.BRANCH:
        out = []
        for branch in av[1]:
            got = _opening(list(branch.data) + rest)
            if got is None:
                return None
            out += got
        return out
    if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and av[0] >= 1:
        low, high, body = av
        if len(body.data) == 1 and body.data[0][0] in _ONE:  # X{m,n} is X then X{m-1,n-1}
            again = (op, (low - 1, high if high == _C.MAXREPEAT else high - 1, body))
            start = _plain_prefix([body.data[0], again] + rest)
            return [start] if start else None
        return _opening(list(body.data))  # the first round only: what follows may come after more rounds
    return None


_FEW = 4  # a start opening with a set of at most this many characters: one start a character


def _by_character(sequences: list[list]) -> list[list]:
    """Each start opening with a small set of characters (``[ \u3000\xa0]``) written as one start a
    character: ``re`` skips to one character by comparing it alone (a few instructions a character
    of the text), to a set's by asking the set (≈ 50)."""
    out = []
    for items in sequences:
        codes = _few_characters(items[0])
        out += [[(_C.LITERAL, code)] + items[1:] for code in codes] if codes else [items]
    return out


def _few_characters(item) -> list[int] | None:
    """The code points of a set of at most ``_FEW`` literals and ranges (not negated), else None."""
    op, av = item
    if op is not _C.IN:
        return None
    codes: list[int] = []
    for o, a in av:
        if o is _C.LITERAL:
            codes.append(a)
        elif o is _C.RANGE and a[1] - a[0] < _FEW:
            codes += range(a[0], a[1] + 1)
        else:
            return None
        if len(codes) > _FEW:
            return None
    return sorted(set(codes))


def _joined(sequences: list[list], state) -> list[list]:
    """The starts opening with the same character joined into one (that character, then a choice of
    what follows it in each): one search of the text for it, not one a start. A start that is that
    character alone stands for them all."""
    by_first: dict[str, tuple] = {}
    for items in sequences:
        first, rests = by_first.setdefault(repr(items[0]), (items[0], []))
        rests.append(items[1:])
    out = []
    for first, rests in by_first.values():
        if len(rests) == 1 or not all(rests):
            out.append([first] + rests[0] if len(rests) == 1 else [first])
        else:
            out.append([first, (_C.BRANCH, (None, [_PARSER.SubPattern(state, rest) for rest in rests]))])
    return out


def _plain_prefix(items: list) -> list:
    """``items`` up to the first that ``re`` may read otherwise (or a lookbehind, which may not be
    fixed-width): empty when the first is such an item."""
    keep = []
    for item in items:
        if item[0] in (_C.ASSERT, _C.ASSERT_NOT) and item[1][0] == -1 or not _plain([item]):
            break
        keep.append(item)
    return keep
