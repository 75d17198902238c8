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


def test_a_remembered_quantity_is_the_one_parse_quantity_reads_with_the_rules_unit_map():
    from pipeline.extraction.resolve import _quantity
    from pipeline.normalize import parse_quantity

    mapped = [rule.unit_map for rule in RULESET.rules if rule.unit_map]
    assert mapped
    for unit_map in mapped + [()]:
        for figure in ("1300余份", "35户", "12.5万元", "近6000亩", "四十八个", "数365.5万元"):
            for _ in range(2):  # the second read comes from the cache
                assert _quantity(figure, RULESET.units, unit_map) == parse_quantity(
                    figure, RULESET.units, dict(unit_map) or None), (figure, unit_map)
    assert _quantity("1300余份", RULESET.units, (("份", "household"),)).unit == "household"


def test_a_remembered_target_section_answer_is_the_one_worked_out_afresh():
    from pipeline.extraction.context import in_target_section

    section_words = RULESET.targets.get("section", ())
    assert section_words
    headings = ["", "一、部门基本情况", f"二、{section_words[0]}", f"二、{section_words[0]} > （一）完成情况",
                "三、自评结论 > 1、绩效指标完成情况"] + [f"x > {w}" for w in RULESET.targets.get("section_not", ())]
    answers = {h: in_target_section.__wrapped__(h, RULESET) for h in headings}
    assert True in answers.values() and False in answers.values()
    for _ in range(2):
        assert {h: in_target_section(h, RULESET) for h in headings} == answers


def test_units_looked_up_from_the_table_built_once_are_those_worked_out_per_call():
    from pipeline.normalize import plain

    units = RULESET.units
    surfaces = list(units._table) + ["万", "公里", "", "元元", "万万元"]
    assert len(surfaces) > 20
    for surface in surfaces:
        entry = units._table.get(surface)
        worked_out = None if entry is None or not entry[1] else (entry[2], plain(entry[0] * entry[3]))
        assert units.lookup(surface) == worked_out, surface
    assert units.lookup("万元") == ("yuan", 10000)


def test_figures_in_a_sentence_carry_the_unit_their_surface_unit_names():
    from pipeline.extraction.resolve import figures_in
    from pipeline.normalize import parse_quantity

    text = "全年支出365.5万元，征地近6000亩、签约1300余户，执行率98.5%，共3个项目，其中二十个"
    got = figures_in.__wrapped__(text, RULESET.figure, RULESET.units)
    assert len(got) >= 4
    for start, end, unit in got:
        assert parse_quantity(text[start:end], RULESET.units).unit == unit, text[start:end]
