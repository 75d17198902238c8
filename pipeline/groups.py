"""A regex pattern's named groups by their numbers, remembered per pattern.

Read by name (``m.start("fig")``, ``m.group("fig")``), the regex package first tries the name as
a number and formats an error it then drops: ≈ 2,000 instructions a call. By number it does not.
Groups sharing a name share their number, so the two read the same group.

>>> import regex
>>> p = regex.compile(r"(?P<label>[a-z]+)(?P<fig>\\d+)")
>>> fig = numbers(p)["fig"]
>>> p.search("ab12").span(fig) == p.search("ab12").span("fig") == (2, 4)
True
"""
from __future__ import annotations


def numbers(pattern) -> dict[str, int]:
    """``pattern.groupindex``, remembered (the package builds that dict anew at each asking)."""
    found = _NUMBERS.get(pattern)
    if found is None:
        found = _NUMBERS[pattern] = dict(pattern.groupindex)
    return found


_NUMBERS: dict = {}  # pattern → its groupindex; equal patterns (same text and flags) share their numbers
