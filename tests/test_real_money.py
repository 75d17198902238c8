"""Real pages, money: forms dumped on one line, tables flattened one cell per line, and prose
wordings of 决算 / 项目支出 reports.

Each case is a form, table or sentence shaped like one in tests/cases/real (the real public pages),
not copied from one, run through the whole per-file pipeline (process_file) on a real file; the
findings through `jixiao run` on a real DuckDB file.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import query, run_text

from pipeline.process import process_file
from pipeline.rules import load_rules

UNIT_HEAD = "某县自然资源服务中心2023年度部门整体支出绩效自评报告\n"
PROJECT_HEAD = "某县2023年农村道路养护项目支出绩效自评报告\n"


def facts(tmp_path, head: str, body: str):
    path = tmp_path / "r.txt"
    path.write_text(head + body, encoding="utf-8")
    return process_file(path, load_rules()).facts


def levels(found) -> set[tuple[str, Decimal, str | None]]:
    return {(f.metric, f.value, f.basis) for f in found if f.kind == "level"}


def run_db(tmp_path, head: str, body: str):
    return run_text(tmp_path, head + body)


@pytest.mark.parametrize("body", [
    ("项目名称 农村道路养护 项目起止时间 2023 年 1 月 2023 年 12 月 计划安排资金(万元) 36 "
     "实际到位资金(万元) 36 其中:省财政 其中:省财政 市财政 市财政 县财政 36 县财政 36 镇财政 镇财政 "
     "实际支出(万元) 35 二、项目绩效情况\n"),
    ("计划安排资金(万元) | 36 | 实际到位资金(万元) | 36 | |||||||\n其中:中央财政 | 其中:中央财政 | |||||||||\n"
     "省财政 | 省财政 | |||||||||\n市县财政 | 36 | 市县财政 | 36 | |||||||\n其它 | 其它 | |||||||||\n"
     "实际支出(万元) | 35 | |||||||||\n二、项目支出明细情况 | ||||||||||\n"),
], ids=["one-line", "one-row-a-line"])
def test_when_a_funds_form_has_its_sources_between_the_pairs_then_the_budget_is_read(tmp_path, body):
    found = levels(facts(tmp_path, PROJECT_HEAD, body))
    assert ("spend.project", Decimal(360000), "budget") in found


def test_when_sources_stand_far_from_the_next_pair_then_the_pairs_stay_apart(tmp_path):
    # a 其中 that runs on past a row's reach is prose, not the form's source rows
    body = ("计划安排资金(万元) 36 实际到位资金(万元) 36 其中:" + "省财政安排的道路养护补助资金按照往年惯例拨付到乡镇，" * 6
            + "实际支出(万元) 35\n")
    found = levels(facts(tmp_path, PROJECT_HEAD, body))
    assert not any(metric == "spend.project" for metric, _, _ in found)


def test_when_a_budget_counts_its_projects_and_is_then_adjusted_then_both_are_budgets_without_a_conflict(tmp_path):
    body = ("2023年，本单位年初批复预算6个项目420万元（含1个结转项目30万元），调整预算后项目预算388.5万元，"
            "实际到位资金300万元。\n")
    db = run_db(tmp_path, PROJECT_HEAD, body)
    rows = set(query(db, "select value, basis, qualifier from facts where metric = 'spend.project' and kind = 'level'"))
    assert (Decimal(4200000), "budget", None) in rows
    assert (Decimal(3885000), "budget", "调整预算") in rows
    assert not any(v == Decimal(300000) for v, _, _ in rows)  # 含1个结转项目30万元: one project inside the brackets
    assert query(db, "select count(*) from findings where \"check\" = 'conflict'") == [(0,)]


def test_when_a_table_of_money_by_year_is_flattened_then_the_report_years_row_is_the_spending(tmp_path):
    body = ("2023年度部门整体预算收支情况(单位:万元) | |||\n实际明细支出 |\n年度 |\n本级支出 |\n"
            "转移支付 县(区)支出 | |||\n2022 |\n312.5 |\n|||||\n2023 |\n1204.36 |\n|||||\n")
    found = levels(facts(tmp_path, UNIT_HEAD, body))
    assert any(metric == "spend.total" and value == Decimal("12043600") for metric, value, _ in found)
    assert not any(value == Decimal("3125000") for _, value, _ in found)  # the year before


def test_when_the_year_rows_head_names_no_spending_then_nothing_is_read(tmp_path):
    body = ("分年度明细 |\n年度 |\n资金下达文件 |\n2023 |\n1204.36 |\n|||||\n")
    found = levels(facts(tmp_path, UNIT_HEAD, body))
    assert not any(value == Decimal("12043600") for _, value, _ in found)


def test_when_a_flattened_table_leaves_rows_blank_and_its_title_loses_its_bracket_then_later_rows_keep_the_columns(tmp_path):
    body = ("部门整体支出绩效评价基础数据表\n经费控制情况(万元\n2022年决算数\n2023年预算数\n2023年决算数\n"
            "项目支出:\n120.00\n96.40\n101.20\n1、业务工作经费\n2、运行维护经费\n……\n"
            "公用经费\n40.10\n35.50\n38.25\n")
    found = levels(facts(tmp_path, UNIT_HEAD, body))
    assert ("spend.project", Decimal(964000), "budget") in found
    assert ("spend.project", Decimal(1012000), "actual") in found
    assert ("spend.operating", Decimal(355000), "budget") in found
    assert ("spend.operating", Decimal(382500), "actual") in found
    assert not any(value in (Decimal(1200000), Decimal(401000)) for _, value, _ in found)  # 2022年决算数


def test_when_a_self_evaluation_form_splits_its_funds_by_nature_then_each_line_is_read(tmp_path):
    body = ("年度预算申请\n(万元\n按收入性质分:520.30\n按支出性质分:498.75\n其中: 一般公共预算:410.00\n"
            "其中:基本支出:300.25\n项目支出:198.50\n")
    found = {(metric, value) for metric, value, _ in levels(facts(tmp_path, UNIT_HEAD, body))}
    assert {("income.total", Decimal(5203000)), ("spend.total", Decimal(4987500)),
            ("spend.basic", Decimal(3002500)), ("spend.project", Decimal(1985000))} <= found
    assert not any(value == Decimal(4100000) for _, value in found)  # 一般公共预算: a fund, not a figure of a metric


def test_when_a_form_is_dumped_with_single_spaces_then_rows_with_one_figure_per_column_are_read(tmp_path):
    body = ("附件3: 部门整体支出绩效评价基础数据表 填报单位: 单位:万元 经费控制情况 2022年决算数 2023年预算数 "
            "2023年决算数 三公经费 18.20 25.00 21.35\n\n1、公务用车购置和维护经费 9.10 12.00 10.85 其中:公车购置 6.00 6.00 "
            "公车运行维护 3.10\n\n6.00 4.85\n\n2、出国经费\n\n3、公务接待 9.10\n\n13.00 10.50 政府采购金额 8.00 9.00 9.00\n")
    found = levels(facts(tmp_path, UNIT_HEAD, body))
    assert {("spend.three_public", Decimal(250000), "budget"), ("spend.three_public", Decimal(213500), "actual"),
            ("spend.vehicle", Decimal(120000), "budget"), ("spend.vehicle", Decimal(108500), "actual"),
            ("spend.reception", Decimal(130000), "budget"), ("spend.reception", Decimal(105000), "actual")} <= found
    assert not any(value in (Decimal(182000), Decimal(91000)) for _, value, _ in found)  # the 2022 column
    assert not any(value == Decimal(60000) for _, value, _ in found)  # 公车购置: two figures for three columns


def test_when_a_spaced_form_runs_its_headers_together_after_prose_then_its_rows_are_read(tmp_path):
    # the headers with no space between them (2023年预算数2023年决算数), below prose that names bases too: the
    # reader looks for the form from the first pair of headers on, and must not pass this one by
    body = ("2023年预算执行良好，决算数与预算数基本一致。\n附表 单位:万元 经费控制情况 2023年预算数2023年决算数 "
            "三公经费 25.00 21.35 1、公务接待 13.00 10.50\n")
    found = levels(facts(tmp_path, UNIT_HEAD, body))
    assert {("spend.three_public", Decimal(250000), "budget"), ("spend.three_public", Decimal(213500), "actual"),
            ("spend.reception", Decimal(130000), "budget"), ("spend.reception", Decimal(105000), "actual")} <= found


def test_a_spaced_form_word_is_a_figure_exactly_when_it_is_read_as_one():
    # the spaced-form reader takes a word's figure test from the kind of word it matched: the two must agree
    from pipeline.extraction.tables import _TOKEN, is_figure

    text = ("单位:万元 2022年度决算数 2023年预算数|2023年决算数 三公经费18.20 25.00 21.35% 1、公务接待 ２０.５ "
            "1,200，3.5．12) 3)其他 20230101 2023 2023年 四、收入 0.5万元 ≥95% 约30人 ① 7.")
    words = list(_TOKEN.finditer(text))
    assert sum(is_figure(w.group()) for w in words) >= 8 and any(not is_figure(w.group()) for w in words)
    assert all(is_figure(w.group()) == (w.lastgroup is not None) for w in words), \
        [w.group() for w in words if is_figure(w.group()) != (w.lastgroup is not None)]


def test_when_words_stand_between_spaced_figures_without_a_header_of_bases_then_nothing_is_read(tmp_path):
    body = "经费控制情况 编制数 实有人数 三公经费 18.20 25.00 21.35\n"
    found = levels(facts(tmp_path, UNIT_HEAD, body))
    assert not any(value in (Decimal(182000), Decimal(250000), Decimal(213500)) for _, value, _ in found)


@pytest.mark.parametrize("head, body, metric, value", [
    (UNIT_HEAD, "一、收入支出决算总体情况说明：2023年收入3521.6万元，支出3498.25万元，因人员增加略有增长。\n",
     "spend.total", Decimal(34982500)),
    (UNIT_HEAD, "2023年部门经费预算5312046元，基本支出4021010元，项目支出1291036元。\n", "spend.total", Decimal(5312046)),
    (PROJECT_HEAD, "（一）某区水务局2023年衔接资金共下达88万元，用于实施灌溉项目。\n", "spend.project", Decimal(880000)),
    (PROJECT_HEAD, "项目区复垦指标已批复。到位资金64万元，已全部完成支出。\n", "spend.project", Decimal(640000)),
], ids=["spending-after-income", "department-funds-budget", "funds-allocated-in-total", "funds-spent-in-full"])
def test_when_a_report_words_its_money_so_then_it_is_read(tmp_path, head, body, metric, value):
    found = {(m, v) for m, v, _ in levels(facts(tmp_path, head, body))}
    assert (metric, value) in found


def test_when_a_flattened_table_spaces_out_its_headers_and_leaves_a_cell_blank_then_later_rows_are_read(tmp_path):
    body = ("一、2023年度一般公共预算财政拨款“三公”经费支出决算表\n单位:万元\n项 目 |\n预 算 数 |\n决 算 数 |\n"
            "合 计 |\n36.5 |\n12.04 |\n因公出国(境)费 |\n10 |\n|\n公务接待费 |\n11.5 |\n6.3 |\n")
    found = levels(facts(tmp_path, UNIT_HEAD, body))
    assert ("spend.reception", Decimal(115000), "budget") in found
    assert ("spend.reception", Decimal(63000), "actual") in found


@pytest.mark.parametrize("head, body, metric, value", [
    (PROJECT_HEAD, "一批项目县级批复总投资120.5万元，二批项目县级批复总投资80万元，合计批复总投资200.5万元。\n",
     "spend.project", Decimal(2005000)),
    (UNIT_HEAD, "（一）收入预算，2023年年初预算数1520.4 万元，其中，一般公共预算拨款1520.4 万元。\n",
     "income.total", Decimal(15204000)),
], ids=["batches-in-total", "income-budget-section"])
def test_when_a_total_closes_its_parts_or_heads_its_section_then_it_alone_is_read(tmp_path, head, body, metric, value):
    found = {(m, v) for m, v, _ in levels(facts(tmp_path, head, body)) if m == metric}
    assert found == {(metric, value)}


def test_when_procurement_states_its_total_and_rate_then_neither_is_the_units(tmp_path):
    body = ("2023年，我局政府采购支出总额86万元，其中：政府采购货物支出6万元、政府采购服务支出80万元。\n"
            "政府采购管理执行率100%，资产管理安全。\n")
    found = {(m, v) for m, v, _ in levels(facts(tmp_path, UNIT_HEAD, body))}
    assert not any(m in ("spend.total", "budget.execution_rate") for m, _ in found)


def test_when_two_listed_items_carry_one_category_tag_then_they_are_its_parts_and_a_lone_tag_names_its_category(tmp_path):
    body = ("2023年部门经费预算6120000元，基本支出4100000元，其中工资福利支出(人员支出)3000000元，"
            "商品和服务支出(公用支出)700000元，对个人和家庭补助支出(人员支出)400000元。\n")
    found = {(m, v) for m, v, _ in levels(facts(tmp_path, UNIT_HEAD, body))}
    assert ("spend.operating", Decimal(700000)) in found
    assert not any(m == "spend.personnel" for m, _ in found)


def test_when_a_pdf_line_wraps_inside_the_word_spending_then_the_total_after_it_is_read(tmp_path):
    body = ("2023 年度一般公共预算财政拨款安排的“三公”经费支\n出决算总额为 7.26 万元，比预算减少 0.4 万元，比去年增加\n"
            "1.05 万元。\n")
    found = {(m, v) for m, v, _ in levels(facts(tmp_path, UNIT_HEAD, body))}
    assert ("spend.three_public", Decimal(72600)) in found
