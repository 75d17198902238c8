"""The words a text must hold one of, for a cheap ``in`` test before a pattern's scan; and a
pattern's matches found where one of its opening words stands.

A text holds one of ``words`` exactly when it holds one of ``least(words)``: a word holding another
(年度资金总额 holds 总额, 自评等级 holds 等级) is found only where the other is, so it adds nothing to
the test — and each word left is one ``in`` scan of the page fewer on the usual page, which holds
none of them.

>>> least(("自评等级", "等级", "评价结果", "等级为"))
('等级', '评价结果')
"""
from __future__ import annotations

import re
from functools import lru_cache

from .memo import per_object


@lru_cache(maxsize=64)
def least(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` less every word that holds another of them (and repeats), sorted."""
    unique = set(words)
    return tuple(sorted(w for w in unique if not any(v != w and v in w for v in unique)))


@per_object(limit=32)
def least_once(words: tuple[str, ...]) -> tuple[str, ...]:
    """``least(words)`` remembered by the identity of ``words``: a vocabulary's tuple, asked again on
    every page (``least`` compares each word with each other)."""
    return least(words)


def any_word(words) -> re.Pattern:
    """A pattern whose search finds any one of ``words`` — one scan instead of a loop asking each
    word with ``in`` (an empty word stands in every text, as with ``in``; no words: it finds nothing).

    >>> bool(any_word(("征地", "拆迁")).search("完成拆迁")), bool(any_word(()).search("完成拆迁"))
    (True, False)
    """
    return re.compile("|".join(map(re.escape, words)) if words else "(?!)")


def opening_at(pattern, words, text: str):
    """``pattern.finditer(text)`` for a pattern every match of which opens with one of ``words``
    (a look-behind or anchor before it is fine: it is asked at the word as the scan would): the
    pattern tried only where a word starts — its own scan tries it at every character, which for
    a pattern opening with a look-behind is the whole page. Every start of every word is a
    candidate (one word may stand inside another), tried in order and none inside the last match:
    finditer goes on after the end of each match. The words must not be empty.

    >>> import regex
    >>> p = regex.compile(r"(?<![a-z])(?:ab|b)[0-9]+")
    >>> [m.span() for m in opening_at(p, ("ab", "b"), "ab1 xb2 b3ab4")] == [m.span() for m in p.finditer("ab1 xb2 b3ab4")]
    True
    """
    starts = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            starts.add(at)
            at = text.find(word, at + 1)
    return tried_at(pattern, text, starts)


def tried_at(pattern, text: str, starts):
    """The matches of ``pattern`` at ``starts`` (positions where every match of it opens, and maybe
    others), in order, none tried inside the last match: ``pattern.finditer(text)``."""
    end = 0
    for at in sorted(starts):
        if at >= end and (m := pattern.match(text, at)) is not None:
            end = m.end()
            yield m
