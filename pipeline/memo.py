"""What is built once from an object the pipeline holds for a whole run (a RuleSet, its rules tuple,
a Layout, a vocabulary, a word tuple), remembered by the object's identity.

Such objects are unhashable, or costly to hash on every call (a tuple of rules, a compiled
pattern's whole code), and every call of a stage passes the very same object. The memo holds the
object beside its answer, so its id cannot be reused by another object while the answer stands;
it keeps at most ``limit`` objects (tests build many RuleSets; a run one).

>>> calls = []
>>> @per_object()
... def size(words):
...     calls.append(words)
...     return len(words)
>>> words = ["a", "b"]
>>> size(words), size(words), len(calls)
(2, 2, 1)
"""
from __future__ import annotations

from functools import wraps


def per_object(limit: int = 8):
    """Decorator: ``build(obj)`` remembered per ``obj`` (by identity), at most ``limit`` of them."""
    def decorate(build):
        memo: dict[int, tuple] = {}

        @wraps(build)
        def remembered(obj):
            known = memo.get(id(obj))
            if known is None or known[0] is not obj:
                if len(memo) >= limit:
                    memo.clear()
                known = memo[id(obj)] = (obj, build(obj))
            return known[1]

        remembered.cache_clear = memo.clear
        return remembered
    return decorate


class Bounded(dict):
    """A per-key memo of at most ``limit`` keys, emptied when full (a bound whatever the corpus):
    ``memo[key]`` builds a missing key's value with ``build(key)``; ``memo.keep(key, value)`` stores one
    built otherwise. A hit is a plain dict lookup.

    >>> lengths = Bounded(len, limit=2)
    >>> lengths["ab"], lengths["abc"], lengths["ab"], len(lengths)
    (2, 3, 2, 2)
    >>> lengths["a"], sorted(lengths)
    (1, ['a'])
    """
    __slots__ = ("build", "limit")

    def __init__(self, build=None, limit: int = 100_000):
        super().__init__()
        self.build, self.limit = build, limit

    def keep(self, key, value):
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value

    def __missing__(self, key):
        return self.keep(key, self.build(key))

