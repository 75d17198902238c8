"""Real pages, money (second round): 三公 statements and their tables as district summaries and
copy sites publish them — a vehicle item named 公车购置及运行费 with its two parts in brackets, a
total written in 万 without 元, and a year-by-year table flattened one cell per line whose columns
are the 三公 items (one of them over two sub-columns) and which states no unit.

Each case is a sentence or table shaped like one in tests/cases/real, not copied from one, run
through the whole per-file pipeline (process_file) on a real file; the finding through `jixiao run`
on a real DuckDB file.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import extract_text, query, run_text

from pipeline.process import process_file
from pipeline.rules import load_rules

HEAD = "某县2021年区级“三公”经费决算情况说明\n"


def facts(tmp_path, body: str):
    return extract_text(tmp_path, HEAD + body).facts


def values_of(found, metric: str, kind: str = "level") -> set[Decimal]:
    return {f.value for f in found if f.metric == metric and f.kind == kind}


def test_when_the_vehicle_cost_is_named_gongche_with_its_parts_in_brackets_then_the_whole_is_the_level(tmp_path):
    body = ("2021年“三公”经费决算数410万元。其中公务接待费150万元，公车购置及运行费248万元(其中公务用车购置费60万元,"
            "公务用车运行费188万元),比上年下降5%。\n")
    found = facts(tmp_path, body)
    assert values_of(found, "spend.vehicle") == {Decimal(2480000)}
    assert Decimal(1880000) in values_of(found, "spend.vehicle", "part")  # 运行费: a part of the whole


@pytest.mark.parametrize("body, value", [
    ("全区2021年的“三公\"经费决算数合计为512.34万,其中:公务接待费40.5万元、公务用车运行维护费300万元。\n", 5123400),
    ("2021年三公经费支出合计86万。\n", 860000),
])
def test_when_a_three_public_total_is_written_in_wan_without_yuan_then_it_is_read(tmp_path, body, value):
    assert values_of(facts(tmp_path, body), "spend.three_public") == {Decimal(value)}


def test_when_a_three_public_note_names_the_financial_allocation_and_the_older_vehicle_item_then_both_are_read(tmp_path):
    # the wording of the national 三公 notes: “三公经费”财政拨款决算数为…, 车辆购置及运行费 for the vehicle item
    body = ("2021年某局“三公经费”财政拨款决算数为96.5万元，具体包括：出国(境)费10万元，车辆购置及运行费 60.5万元，"
            "公务接待费26万元。\n")
    found = facts(tmp_path, body)
    assert values_of(found, "spend.three_public") == {Decimal(965000)}
    assert values_of(found, "spend.vehicle") == {Decimal(605000)}


def test_when_a_three_public_total_in_wan_runs_on_into_other_words_then_it_is_not_read(tmp_path):
    body = "2021年三公经费支出控制在86万以内，严格执行预算。\n"
    assert not values_of(facts(tmp_path, body), "spend.three_public")


# a table of the 三公 items by year, one cell per line, each cell closed by a line of its own |; the
# vehicle column heads two sub-columns (合计 | 购置 | 运行); no unit line: the prose gives 万元
TABLE = ("2021年与2020年决算数对比\n年度\n|\n合计\n|\n因公出国(境)经费\n|\n公务接待费\n|\n公车购置及运行维护费\n|\n"
         "合计\n|\n车辆购置\n|\n车辆运行\n|\n2020年\n|\n455\n|\n10\n|\n165\n|\n280\n|\n70\n|\n210\n|\n"
         "2021年\n|\n410\n|\n0\n|\n150\n|\n260\n|\n60\n|\n200\n|\n2021年比2020年增减%\n|\n-9.89\n|\n")


def test_when_a_table_by_year_names_the_items_in_its_columns_then_the_years_row_gives_each_item(tmp_path):
    prose = "2021年“三公”经费决算数410万元。其中公务接待费150万元，公车购置及运行费248万元。\n"
    found = facts(tmp_path, prose + TABLE)
    assert Decimal(2600000) in values_of(found, "spend.vehicle")  # the group's 合计 column, in 万元
    assert not {Decimal(600000), Decimal(2000000), Decimal(2800000)} & values_of(found, "spend.vehicle")
    assert values_of(found, "spend.reception") == {Decimal(1500000)}


def test_when_a_table_by_year_has_no_unit_and_the_prose_gives_none_then_its_money_is_not_read(tmp_path):
    prose = "2021年“三公”经费比上年有所下降。\n"
    found = facts(tmp_path, prose + TABLE)
    assert not values_of(found, "spend.vehicle") and not values_of(found, "spend.reception")


def test_when_the_table_and_the_prose_give_the_vehicle_cost_differently_then_a_conflict_is_found(tmp_path):
    prose = "2021年“三公”经费决算数410万元。其中公务接待费150万元，公车购置及运行费248万元。\n"
    db = run_text(tmp_path, HEAD + prose + TABLE)
    rows = query(db, "select metrics from findings where \"check\" = 'conflict'")
    assert any("spend.vehicle" in metrics for (metrics,) in rows)


def test_when_a_page_without_a_report_title_opens_with_the_projects_year_budget_then_it_is_the_project_spending(tmp_path):
    # a 绩效评价 news page (no 项目支出 title): 项目全年预算数 opening its sentence names the project's budget,
    # the 执行数 after it its actual; a project named before the words is one of several, not read
    path = tmp_path / "r.txt"
    path.write_text("2022年度绩效评价\n发布日期：2023-05-10\n项目全年预算数为320万元，执行数为318万元，完成预算的99.38%。"
                    "其中道路养护项目全年预算数为20万元。\n", encoding="utf-8")
    found = process_file(path, load_rules()).facts
    assert {(f.value, f.basis) for f in found if f.metric == "spend.project" and f.kind == "level"} \
        == {(Decimal(3200000), "budget"), (Decimal(3180000), "actual")}


def test_when_the_years_actual_income_is_stated_then_it_is_the_income_total(tmp_path):
    body = "（三）年度财政收支：全年实际收入806.3万元，其中财政拨款收入700万元，其他收入106.3万元。\n"
    assert values_of(facts(tmp_path, body), "income.total") == {Decimal(8063000)}
