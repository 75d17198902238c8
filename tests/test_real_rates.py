"""Real pages: the execution rate and the report's own total score as the real sets word and lay
them out — a 决算 explanation's 完成年初预算, a 时效指标's spending progress, a 自评表's total row
dumped with its cells run together, and totals printed in an indicator table's header row.

Each case is shaped like a page of tests/cases/real, not copied from one, and runs through the whole
per-file pipeline (process_file) on a real file.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.process import process_file


def _read(tmp_path, ruleset, text: str):
    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    return process_file(path, ruleset)


def _values(extraction, metric: str) -> set[Decimal]:
    """The values of ``metric`` the scorer counts (level and target facts)."""
    return {f.value for f in extraction.facts if f.metric == metric and f.kind in ("level", "target")}


FINAL = "某中学2019年度部门决算公开说明\n"


@pytest.mark.parametrize("body, expected", [
    ("2019年度，本单位一般公共预算财政拨款支出总计860.5万元，与上年相比增加12.3万元，增长1.45%；完成年初预算的96.8%，"
     "决算数小于预算数。\n", {Decimal("0.968")}),
    # a category's line is that category's completion, not the unit's
    ("1.教育支出620.4万元，主要用于教学保障，完成年初预算100%，决算数大于预算数。\n", set()),
    # the “三公” funds have a budget of their own
    ("“三公”经费财政拨款支出合计3.2万元，完成年初预算的64%。\n", set()),
], ids=["spending total", "one category", "three public funds"])
def test_when_a_final_accounts_page_states_the_budget_completed_after_its_spending_total_then_it_is_the_rate(
        tmp_path, ruleset, body, expected):
    assert _values(_read(tmp_path, ruleset, FINAL + body), "budget.execution_rate") == expected


PROJECT = "某县农业局2021年度项目支出绩效评价报告\n二、项目绩效目标\n"


@pytest.mark.parametrize("line, expected", [
    ("3.时效指标：完成预算执行支出进度100%。\n", {Decimal(1)}),
    # one point of the year, not its rate
    ("按季度监控，第三季度末预算执行进度达到70%。\n", set()),
], ids=["the year's progress", "a quarter's progress"])
def test_when_a_timeliness_indicator_states_the_budget_spending_progress_then_it_is_the_rate(
        tmp_path, ruleset, line, expected):
    assert _values(_read(tmp_path, ruleset, PROJECT + line), "budget.execution_rate") == expected


FORM = "某区2021年度乙项目自评表\n"


@pytest.mark.parametrize("dump, expected", [
    # a doc-sharing preview runs the cells together: 满意度 row …85%90%30 | 总分 | 97 | 偏差大或…
    ("效益指标受益群众满意度85%90%30总分97偏差大或目标未完成原因分析无改进措施无\n", {Decimal(97)}),
    ("满意度 | 85% | 90% | 30 |\n总分 | 97 | 偏差原因 | 无 |\n", {Decimal(97)}),
    # the full marks of a scoring scheme, in a sentence
    ("本次考评总分为100分，其中产出60分、效益40分。\n", set()),
], ids=["cells run together", "a bar row", "a scheme's full marks"])
def test_when_a_total_row_holds_only_the_score_then_it_is_the_self_score(tmp_path, ruleset, dump, expected):
    assert _values(_read(tmp_path, ruleset, FORM + dump), "score.self") == expected


def test_when_an_indicator_table_prints_its_totals_in_the_header_row_then_the_score_is_the_self_score(
        tmp_path, ruleset):
    # 评价指标 | 指标分值 | 评价得分 over 一级 | 二级 | 三级 | 100 | 91.5, then the first row
    text = ("某县2019年财政支出绩效评价报告\n二、项目绩效情况 评价指标 指标分值 评价得分 一级 二级 三级 100 91.5 "
            "项目前期工作 1.项目库建设(2分) 2 2 2.实施方案(3分) 3 2\n")
    assert _values(_read(tmp_path, ruleset, text), "score.self") == {Decimal("91.5")}
    # without the totals, the first row's weight and score are no total
    bare = text.replace(" 100 91.5", "")
    assert _values(_read(tmp_path, ruleset, bare), "score.self") == set()


@pytest.mark.parametrize("row", [
    "整体支出规模 全年预算数 全年执行数 执行率\n资金来源：（1）财政拨款 | 250.4 | 245.9 | 98.2% |\n（2）其他资金 | | | |\n",
    # a preview that lost the amounts and ran the cells together
    "整体支出规模全年预算数全年执行数执行率资金来源:(1)财政拨款98.2%资金结构:(1)基本支出98.2%(2)项目支出\n",
], ids=["bar rows", "cells run together"])
def test_when_a_unit_form_states_the_rate_on_its_first_source_row_then_it_is_the_rate(tmp_path, ruleset, row):
    # the 部门整体支出绩效自评表 whose funds rows are the spending's sources (资金来源) and structure
    text = "某卫生院整体支出绩效自评表(2021年度)\n" + row
    assert _values(_read(tmp_path, ruleset, text), "budget.execution_rate") == {Decimal("0.982")}
