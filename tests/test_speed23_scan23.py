"""Fast paths of the rule scan, round 23, each against the plain code it replaces
(pipeline/extraction/scan.py)."""
from pathlib import Path

from pipeline.extraction.scan import _all_anchors, _merged, anchor_windows, rule_windows
from pipeline.ingest import read_document
from pipeline.rules import load_rules

ROOT = Path(__file__).resolve().parent
RULESET = load_rules()


def _texts() -> list[str]:
    """The test suite's reports, seeds and real pages."""
    paths = [p for folder in ("fixtures/seeds", "cases/reports", "cases/reports2") for p in sorted((ROOT / folder).glob("*.txt"))]
    paths += sorted((ROOT / "cases/real").glob("*/docs/*.txt"))
    texts = [read_document(p).text for p in paths]
    assert len(texts) >= 300
    return texts


TEXTS = _texts()


def _plain_rule_windows(text: str, ruleset) -> dict[int, list[tuple[int, int]]]:
    """Each rule's windows as scan() builds them from anchor_windows."""
    windows = anchor_windows(text, _all_anchors(ruleset))
    out = {}
    for number, rule in enumerate(ruleset.rules):
        present = [w for a in rule.anchors if (w := windows.get(a))]
        if present:
            out[number] = present[0] if len(present) == 1 else _merged(sorted(w for ws in present for w in ws))
    return out


def test_the_windows_of_every_rule_at_once_are_those_scan_builds_rule_by_rule():
    anchors = _all_anchors(RULESET)
    odd = ["", "x", anchors[0], anchors[0] * 3, " " * 40 + anchors[0] + " " * 100 + anchors[0],
           "".join(anchors), " ".join(anchors) + "".join(reversed(anchors)), "𠀀" + anchors[1] + "\ud800" + anchors[2] + "😀"]
    windows = 0
    for text in TEXTS + odd:
        fast = rule_windows(text, RULESET)
        assert fast == _plain_rule_windows(text, RULESET)
        windows += sum(map(len, fast.values()))
    assert windows > 5_000


def test_overlapping_and_nested_anchors_of_several_rules_merge_as_they_do_rule_by_rule():
    from dataclasses import replace

    base = RULESET.rules[0]
    rules = tuple(replace(base, id=f"r{i}", anchors=a) for i, a in enumerate(
        [("aa", "a", "aaa"), ("a",), ("aa", "aaa"), ("b", "ab", "a"), ("ba",), ("a", "a")]))
    ruleset = replace(RULESET, rules=rules)
    for text in ["a", "aaaa", "ab" * 50, "a" + " " * 96 + "a", "a" + " " * 97 + "ba", "b" * 200 + "a", "xaax" * 30]:
        assert rule_windows(text, ruleset) == _plain_rule_windows(text, ruleset), text
