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


# --- the figure twin with its opening lookahead's set as the first-character hint (figscan._led_by_set)

def _plain_twin(source: str):
    """The twin as figscan made it before the hint: the re compiler's own code."""
    from re import _compiler, _parser

    from pipeline import figscan

    tree = _parser.parse(source)
    if tree.data and (one := figscan._one_lookahead(*tree.data[0])) is not None:
        tree.data[0] = one
    return _compiler.compile(tree, tree.state.flags)


def _all(pattern, text: str, lo=None, hi=None) -> list[tuple]:
    lo = 0 if lo is None else lo
    hi = len(text) if hi is None else hi
    return [tuple(m.span(g) for g in range(pattern.groups + 1)) for m in pattern.finditer(text, lo, hi)]


def test_the_figure_twin_is_led_by_its_set_and_finds_what_the_plain_twin_finds(ruleset, texts):
    from pipeline import figscan

    hinted = figscan.scanner(ruleset.figure)[0]
    plain = _plain_twin(ruleset.figure.pattern)
    assert figscan._led_by_set(__import__("re")._parser.parse(ruleset.figure.pattern)) is None  # a choice: not led
    assert hinted.groupindex == plain.groupindex and hinted.groups == plain.groups
    found = 0
    for text in texts:
        got = _all(hinted, text)
        assert got == _all(plain, text)
        found += len(got)
        mid = len(text) // 2
        assert _all(hinted, text, mid, len(text)) == _all(plain, text, mid, len(text))
        assert _all(hinted, text, 0, mid) == _all(plain, text, 0, mid)
        for at in range(0, len(text), 97):
            a, b = hinted.match(text, at), plain.match(text, at)
            assert (a and a.span()) == (b and b.span())
            a, b = hinted.search(text, at), plain.search(text, at)
            assert (a and a.span()) == (b and b.span())
    assert found > 500


@pytest.mark.parametrize("source, texts", [
    (r"(?=[0-9一])(?P<fig>(?:约)?[0-9一]+)(?P<u>元|户)", ["约12元一户3户", "一", "", "元", "12户12元约"]),
    (r"(?=[ab])(?:a|b)c?", ["abcab", "xxa", "cab ba"]),
    (r"(?=[a-c])\w+?", ["abc d", "zzz"]),
])
def test_led_twins_on_edge_texts(source, texts):
    from re import _parser

    from pipeline import figscan

    led = figscan._led_by_set(_parser.parse(source))
    assert led is not None
    plain = _plain_twin(source)
    for text in texts + ["".join(texts), " " + "".join(reversed(texts))]:
        assert _all(led, text) == _all(plain, text)
        for lo in range(len(text) + 1):
            assert _all(led, text, lo) == _all(plain, text, lo)
            assert _all(led, text, 0, lo) == _all(plain, text, 0, lo)


@pytest.mark.parametrize("source", [
    r"[0-9]+元",  # opens with a set: re hints it already
    r"(?![0-9])[一二]元",  # a negative lookahead
    r"(?=[^0-9])\S元",  # a negated set
    r"(?=[0-9])(?:[0-9]*)",  # may match empty: re keeps no hint
    r"(?=[0-9]+)[0-9]元",  # more than one set in the lookahead
    r"(?<=[0-9])元",  # a lookbehind
])
def test_led_by_set_refuses(source):
    from re import _parser

    from pipeline import figscan

    assert figscan._led_by_set(_parser.parse(source)) is None
