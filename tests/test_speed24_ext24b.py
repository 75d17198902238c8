"""Fast paths of extraction, round 24's second pass, each against the plain call it replaces, on the
suite's real pages and reports."""
import regex

from real_db import suite_texts

from pipeline.extraction.tables import _MONEY_COLUMN, _SPACES, _SPLIT, _UNIT_IN_TITLE
from pipeline.rules import _LABEL_NOISE, normalize_label

LINES = [line for text in suite_texts() for line in text.splitlines() if line.strip()]


def test_a_label_normalized_by_position_is_the_label_normalized_by_keyword():
    assert LINES
    changed = 0
    for line in LINES:
        assert normalize_label(line) == _LABEL_NOISE.sub("", line)
        changed += normalize_label(line) != line
    assert changed  # the noise is there to strip on real lines


def test_the_table_calls_by_position_are_the_calls_by_keyword():
    """search (string, pos, endpos, concurrent), sub (repl, string, count, pos, endpos, concurrent)
    and finditer (string, pos, endpos, overlapped, concurrent): the order tables.py passes them in."""
    found = 0
    for line in LINES:
        for p in (_UNIT_IN_TITLE, _MONEY_COLUMN):
            by_position = p.search(line, None, None, False)
            assert (by_position and by_position.span()) == ((m := p.search(line)) and m.span())
            found += by_position is not None
        assert _SPACES.sub("", line, 0, None, None, False) == _SPACES.sub("", line)
        assert [m.span() for m in _SPLIT.finditer(line, None, None, False, False)] == \
            [m.span() for m in _SPLIT.finditer(line)]
    assert found


def test_a_label_of_letters_and_digits_only_is_its_own_normal_form():
    """normalize_label's shortcut (``str.isalnum``): no character it strips is a letter or a digit
    of any script, on every prefix of every suite line and on every character there is."""
    noise = [c for c in map(chr, range(0x110000)) if _LABEL_NOISE.fullmatch(c)]
    assert "\u3000" in noise and "：" in noise
    assert not any(c.isalnum() for c in noise)
    alnum = 0
    for line in LINES[::5]:
        for end in range(1, min(len(line), 40) + 1):
            label = line[:end]
            assert normalize_label(label) == _LABEL_NOISE.sub("", label)
            alnum += label.isalnum()
    assert alnum
