"""A change stated after a partial list (三公经费3.99万元，其中接待费…、用车费…，比上年减少0.5万元) is the
total's change: the list's opening words come from rules/common.yaml (enumeration.partial)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.process import process_file
from pipeline.rules import load_rules

RULES = load_rules()
SENTENCE = ("某某局2023年度部门整体支出绩效自评报告\n"
            "2023年度“三公”经费支出3.99万元，{opener}公务接待费1.2万元、公务用车运行维护费2.79万元，比上年减少0.5万元。\n")


def _changes(tmp_path: Path, opener: str, ruleset) -> list[tuple[str, float]]:
    path = tmp_path / "r.txt"
    path.write_text(SENTENCE.format(opener=opener), encoding="utf-8")
    return [(f.metric, float(f.value)) for f in process_file(path, ruleset).facts if f.kind == "change"]


def test_when_a_change_follows_a_partial_list_then_it_is_the_lists_total_change(tmp_path):
    assert _changes(tmp_path, "其中", RULES) == [("spend.three_public", -5000.0)]


def test_when_the_rules_add_a_partial_list_opener_then_the_change_after_its_list_is_the_totals(tmp_path):
    without = _changes(tmp_path, "包括", RULES)
    widened = replace(RULES, enumeration={**RULES.enumeration,
                                          "partial": (*RULES.enumeration["partial"], "包括")})
    assert without != [("spend.three_public", -5000.0)]
    assert _changes(tmp_path, "包括", widened) == [("spend.three_public", -5000.0)]
