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
