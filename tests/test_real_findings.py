"""Findings on the shapes real pages state their figures in: each check fires on a synthetic sentence
of the pattern (not a copy of a real page) and stays quiet on the same sentence when it holds.
Each report goes through a whole `jixiao run` into a real DuckDB file."""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import query, run_text

HEAD = "某区征地拆迁服务中心2023年度部门整体支出绩效自评报告\n一、支出情况\n"


def findings(tmp_path, body: str) -> set[tuple[str, tuple[str, ...]]]:
    db = run_text(tmp_path, HEAD + body)
    rows = query(db, 'SELECT "check", metrics FROM audit_findings WHERE severity <> \'info\'')
    return {(check, tuple(sorted(metrics))) for check, metrics in rows}


def change_facts(tmp_path, body: str) -> set[tuple[str, Decimal]]:
    db = run_text(tmp_path, HEAD + body)
    return {(m, Decimal(v)) for m, v in query(db, "SELECT metric, CAST(value AS VARCHAR) FROM facts WHERE kind = 'change'")}


# ratio.change: a relative change against the absolute change and this year's level, each anywhere in
# its rounding interval (0.1万元 may be 0.05–0.15万元) and no further

@pytest.mark.parametrize("percent, fires", [
    ("0.01%", True),   # 0.1 ÷ 6.3 is 0.8%–2.4% whatever 0.1万元 and 6.2万元 round from
    ("1.2%", False),   # inside that range
    ("1.6%", False),   # the ratio of the figures as stated
])
def test_when_a_relative_change_is_off_by_more_than_rounding_then_a_ratio_finding(tmp_path, percent, fires):
    body = f"2023年公务接待费支出6.2万元，比上年减少0.1万元，下降{percent}，主要是厉行节约。\n"
    found = findings(tmp_path, body)
    assert (("ratio", ("spend.reception",)) in found) is fires
    assert all(check == "ratio" for check, _ in found)


def test_when_a_relative_change_holds_for_a_large_level_then_no_finding(tmp_path):
    body = "2023年基本支出366.62万元，比上年增加36.36万元，增长11.01%。\n"  # 36.36 ÷ 330.26 = 11.01%
    assert findings(tmp_path, body) == set()


# change.vs_previous_year: the comparison as a clause of its own (与上年相比，…减少…)

def test_when_the_comparison_stands_before_the_label_then_the_change_is_read_and_checked(tmp_path):
    body = "2023年基本支出80.5万元。与2022年相比，基本支出减少12.5万元，下降25.3%。\n"  # 12.5 ÷ 93 = 13.4%
    (tmp_path / "a").mkdir()
    assert ("spend.basic", Decimal(-125000)) in change_facts(tmp_path / "a", body)
    assert ("ratio", ("spend.basic",)) in findings(tmp_path, body)


def test_when_the_comparison_clause_holds_then_no_finding(tmp_path):
    body = "2023年基本支出80.5万元。与2022年相比，基本支出减少12.5万元，下降13.4%。\n"
    assert findings(tmp_path, body) == set()
