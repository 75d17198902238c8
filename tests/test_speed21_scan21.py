"""Fast paths of the rule scan (pipeline/extraction/scan.py) give what the plain ways give."""
from pathlib import Path

from pipeline.extraction.scan import (ANCHOR_AFTER, ANCHOR_BEFORE, _all_anchors, _merged, anchor_positions,
                                      anchor_windows)
from pipeline.rules import load_rules

ROOT = Path(__file__).resolve().parent
RULESET = load_rules()


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for folder in ("fixtures/seeds", "cases/reports", "cases/reports2")
             for p in sorted((ROOT / folder).glob("*.txt"))]
    assert len(texts) >= 25
    return texts


def _plain_windows(anchors: tuple[str, ...], found: dict[str, list[int]]) -> list[list[int]]:
    """A rule's windows as the scan built them before: every occurrence's window, sorted, merged."""
    windows = sorted((max(0, at - ANCHOR_BEFORE), at + len(a) + ANCHOR_AFTER) for a in anchors for at in found[a])
    merged: list[list[int]] = []
    for a, b in windows:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def _fast_windows(anchors: tuple[str, ...], windows: dict[str, list[tuple[int, int]]]) -> list[list[int]]:
    present = [w for a in anchors if (w := windows.get(a))]
    merged = present[0] if len(present) == 1 else _merged(sorted(w for ws in present for w in ws))
    return [list(w) for w in merged]


def test_each_rules_windows_are_those_built_from_every_anchor_occurrence():
    anchors = _all_anchors(RULESET)
    # overlapping and nested anchors, at the very start and end of the text
    texts = _texts() + ["aaaa " + " ".join(anchors) + " " + "".join(anchors) + " aaaa", "".join(anchors)]
    rule_anchors = [rule.anchors for rule in RULESET.rules] + [("aa", "a", "aaa"), ("a",), ("aa", "aaa")]
    checked = 0
    for text in texts:
        every = anchors + ("aa", "a", "aaa")
        found, windows = anchor_positions(text, every), anchor_windows(text, every)
        assert set(windows) == {a for a, at in found.items() if at}
        for own in rule_anchors:
            assert _fast_windows(own, windows) == _plain_windows(own, found), own
            checked += bool(windows and any(a in windows for a in own))
    assert checked > 200


def test_merging_joins_windows_that_touch_or_overlap_and_keeps_the_others():
    assert _merged([(0, 5), (5, 9), (7, 8), (12, 20), (13, 14)]) == [(0, 9), (12, 20)]
    assert _merged([]) == []
