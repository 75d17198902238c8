"""The words a text must hold one of, for a cheap ``in`` test before a pattern's scan.

A text holds one of ``words`` exactly when it holds one of ``least(words)``: a word holding another
(年度资金总额 holds 总额, 自评等级 holds 等级) is found only where the other is, so it adds nothing to
the test — and each word left is one ``in`` scan of the page fewer on the usual page, which holds
none of them.

>>> least(("自评等级", "等级", "评价结果", "等级为"))
('等级', '评价结果')
"""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=64)
def least(words: tuple[str, ...]) -> tuple[str, ...]:
    """``words`` less every word that holds another of them (and repeats), sorted."""
    unique = set(words)
    return tuple(sorted(w for w in unique if not any(v != w and v in w for v in unique)))

