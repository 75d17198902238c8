"""The regex calls of segment, scope, attribute, task_wholes and prescan take their arguments by
position with concurrent=False (speed24, attr24b): the slot each passes ``False`` in is the
``concurrent`` parameter, and the calls so written find what the plain calls find, on the layout,
scope and attribution patterns over the real reports of tests/cases/real and the seed reports."""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
import regex

from pipeline.ingest import read_document
from pipeline.reading import read_text

ROOT = Path(__file__).resolve().parent
REAL = ROOT / "cases" / "real"
RAW = ROOT.parent / "data" / "raw"

# method → the arguments before ``concurrent`` (a text stands for the string)
_BEFORE_CONCURRENT = {
    "search": ("t", None, None),
    "match": ("t", None, None),
    "fullmatch": ("t", None, None),
    "finditer": ("t", None, None, False),
    "sub": ("", "t", 0, None, None),
    "split": ("t", 0),
}


@pytest.mark.parametrize("name", sorted(_BEFORE_CONCURRENT))
def test_the_slot_given_false_is_concurrent(name):
    pattern = regex.compile("a")
    args = _BEFORE_CONCURRENT[name]
    with pytest.raises((TypeError, ValueError), match="concurrent"):  # only concurrent reads it so
        getattr(pattern, name)(*args, "not a flag")


@pytest.fixture(scope="module")
def texts(ruleset):
    paths = sorted(REAL.glob("*/docs/*.txt")) + sorted(p for p in RAW.iterdir() if p.suffix == ".txt")
    assert len(paths) > 50
    return [read_text(read_document(p).text, ruleset.reading).text for p in paths[::3]]


def _patterns(ruleset):
    found = [p for rules in (ruleset.layout, ruleset.scope, ruleset.cues) for f in fields(rules)
             if isinstance(p := getattr(rules, f.name), regex.Pattern)]
    found += [p for _, p in ruleset.layout.headings]
    assert len(found) > 20
    return found


def test_calls_by_position_find_what_plain_calls_find(texts, ruleset):
    compared = 0
    for pattern in _patterns(ruleset):
        for text in texts:
            lines = [ln for ln in text.split("\n") if ln.strip()][:40]
            for line in lines:
                for lo, hi in ((None, None), (len(line) // 3, len(line))):
                    span = lambda m: None if m is None else m.span()  # noqa: E731
                    assert span(pattern.search(line, lo, hi, False)) == span(pattern.search(line, lo, hi))
                    assert span(pattern.match(line, lo, hi, False)) == span(pattern.match(line, lo, hi))
                    assert span(pattern.fullmatch(line, lo, hi, False)) == span(pattern.fullmatch(line, lo, hi))
                    assert [m.span() for m in pattern.finditer(line, lo, hi, False, False)] \
                        == [m.span() for m in pattern.finditer(line, lo, hi)]
                assert pattern.sub("", line, 0, None, None, False) == pattern.sub("", line)
                assert pattern.sub("", line, 1, None, None, False) == pattern.sub("", line, count=1)
                if not pattern.pattern.startswith("(?r)") and pattern.flags & regex.REVERSE == 0:
                    assert pattern.split(line, 1, False) == pattern.split(line, maxsplit=1)
                compared += 1
    assert compared > 10_000
