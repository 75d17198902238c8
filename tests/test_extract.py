"""Extraction on its own: layouts (prose, tables, forms), kinds, basis, and what must not be read."""
from __future__ import annotations

from decimal import Decimal

import pytest

from builders import make_docx, make_pdf
from pipeline.model import DocMeta
from pipeline.rules import load_rules
from pipeline.run import process_file
from pipeline.selftest import facts_of

RULES = load_rules()
META = DocMeta(unit=None, year=2022, report_type="整体支出")


def read(text: str, meta: DocMeta = META):
    return [(f.kind, f.metric, f.value, f.basis) for f in facts_of(text, RULES, meta)]


def levels(text: str, meta: DocMeta = META):
    return {(m, v) for k, m, v, _ in read(text, meta) if k == "level"}


def test_when_figures_are_rates_or_examples_then_nothing_is_read():
    text = ("购房均价4960元/平㎡，同时核发8.8万元/人的团购房补贴。以XX棚改项目为例，共签订协议771份，补偿资金3.78亿元。"
            "补助标准为每亩5万元。")
    assert levels(text) == set()


def test_budget_and_actual_are_told_apart():
    got = read("基本支出预算：2022年预算数365.5万元。2022年决算基本支出375.23万元。调整预算数380万元。")
    assert ("level", "spend.basic", Decimal("3655000"), "budget") in got
    assert ("level", "spend.basic", Decimal("3752300"), "actual") in got


def test_changes_shares_plans_and_earlier_years_are_not_levels():
    text = ("2022年“三公”经费支出3.99万元，比2021年度减少3.96万元，下降49.8%。人员经费347.87万元，占基本支出的94.89%。"
            "2023年计划征地2000亩、签约900户。2021年征地面积1500亩。")
    got = read(text)
    kinds = {(k, m, v) for k, m, v, _ in got}
    assert ("level", "spend.three_public", Decimal("39900")) in kinds
    assert ("change", "spend.three_public", Decimal("-39600")) in kinds
    assert ("change", "spend.three_public", Decimal("-0.498")) in kinds
    assert ("share", "spend.personnel", Decimal("0.9489")) in kinds
    assert ("plan", "land.acquired", Decimal("2000")) in kinds
    assert ("plan", "households.signed", Decimal("900")) in kinds
    assert ("prior", "land.acquired", Decimal("1500")) in kinds


def test_form_lines_and_flattened_tables_with_the_unit_in_the_title():
    text = ("人员编制\n59\n在职人数\n57\n"
            "2022年度收支情况表（单位：万元）\n项目\n年初预算数\n决算数\n基本支出\n486.00\n497.18\n")
    got = read(text)
    assert ("level", "staff.authorized", Decimal("59"), None) in got
    assert ("level", "spend.basic", Decimal("4860000"), "budget") in got
    assert ("level", "spend.basic", Decimal("4971800"), "actual") in got


def test_money_without_a_unit_anywhere_is_not_guessed():
    assert levels("基本支出\t365.5\t375.23\n") == set()


@pytest.mark.parametrize("maker, suffix", [(make_docx, ".docx"), (make_pdf, ".pdf")])
def test_when_figures_stand_in_a_real_table_then_they_are_read_with_their_column(tmp_path, maker, suffix):
    path = maker(tmp_path / f"t{suffix}", [
        "2022年度乙县房屋征收办公室部门整体支出绩效自评报告",
        "金额单位：万元",
        [["项目", "年初预算数", "决算数"], ["基本支出", "300.5", "310.25"], ["项目支出", "100", "120"]],
        [["人员编制", "12", "在职人数", "11"]],
    ])
    facts = process_file(path, RULES).facts
    got = {(f.metric, f.value, f.basis) for f in facts if f.kind == "level"}
    assert ("spend.basic", Decimal("3005000"), "budget") in got
    assert ("spend.basic", Decimal("3102500"), "actual") in got
    assert ("spend.project", Decimal("1200000"), "actual") in got
    assert ("staff.authorized", Decimal("12"), None) in got
    assert ("staff.actual", Decimal("11"), None) in got
    for f in facts:  # provenance: the figure's span is the figure
        assert f.raw.strip() in f.quote


def test_every_fact_carries_its_provenance():
    text = "2022年度甲乙县征地服务中心部门整体支出绩效自评报告\n一、概况\n全年征地面积1,200亩，签约户数356户。"
    facts = facts_of(text, RULES, META)
    assert {(f.metric, f.value) for f in facts} >= {("land.acquired", Decimal("1200")), ("households.signed", Decimal("356"))}
    for f in facts:
        assert text[f.start:f.end] == f.raw
        assert f.quote in text and f.raw in f.quote
        assert f.rule_id and f.section == "一、概况"


@pytest.mark.parametrize("text, expected", [
    ("全年共实施征拆项目27个，其中新启动12个、续建15个。",
     {("projects.count", 27), ("projects.count", 12), ("projects.count", 15)}),
    ("签约1326户，其中货币补偿800户、产权调换526户。",
     {("households.signed", 1326), ("households.signed", 800), ("households.signed", 526)}),
    # they do not add up: what else they count is unknown, so only the total
    ("全年共实施征拆项目27个，其中新启动12个、续建10个。", {("projects.count", 27)}),
    # outcomes of cases are not kinds of work
    ("应诉应复案件22起，其中胜诉20起、原告撤诉2起。", {("lawsuits.count", 22)}),
    # a stock split into its parts: the parts are no figures of the unit's own
    ("核定编制20名，其中行政编制4名、事业编制16名。", {("staff.authorized", 20)}),
])
def test_parts_listed_without_the_totals_word_count_only_when_they_add_up(text, expected):
    assert {(m, int(v)) for m, v in levels(text)} == expected


def test_the_units_whole_budget_is_read_from_its_form_line_not_from_a_projects_prose():
    assert ("spend.total", Decimal("15200000")) in levels("一、部门整体支出绩效自评表\n年初预算数：1,520.00万元\n")
    assert levels("该项目年初预算265万元，主要用于入户调查、测绘评估。") == set()
    assert ("spend.total", Decimal("15200000")) in levels("2022年，中心部门预算支出1,520.00万元，全年支出总额1,674.28万元。")


def test_a_share_belongs_to_the_part_named_before_it_else_to_the_figure_before():
    got = read("2024年基本支出决算508.74万元，人员经费占基本支出的87.6%，主要用于工资。")
    assert ("share", "spend.personnel", Decimal("0.876"), None) in got
    assert ("share", "spend.basic", Decimal("0.6748"), None) in read("基本支出366.62万元，占67.48%。")


def test_a_change_of_a_count_is_a_change_of_that_count():
    got = read("全年签订补偿协议512户，比上年增加61户，未发生诉讼。")
    assert ("change", "households.signed", Decimal("61"), None) in got


def test_a_project_reports_spending_of_the_year_is_the_projects():
    project = DocMeta(unit=None, year=2023, report_type="项目支出")
    got = levels("全年实际支出296.84万元，其中：测绘评估126.30万元。", project)
    assert ("spend.project", Decimal("2968400")) in got and not any(m == "spend.total" for m, _ in got)


def test_figures_under_a_goals_heading_are_targets_under_a_results_heading_levels():
    text = ("三、项目绩效目标\n（二）年度绩效指标\n1. 数量指标：征收集体土地1,000亩，拆除房屋200栋。\n"
            "四、绩效目标完成情况\n（一）产出完成情况\n全年征收集体土地1,120亩，拆除房屋215栋。\n")
    assert levels(text) == {("land.acquired", Decimal("1120")), ("buildings.demolished", Decimal("215"))}
    assert ("target", "land.acquired", Decimal("1000"), "budget") in read(text)


def test_an_indicator_table_is_read_from_its_actual_column_whatever_verb_leads_the_label():
    text = ("一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
            "产出指标\t数量指标\t完成征收土地面积\t≥1500亩\t1,684.5亩\t10\t10\n"
            "产出指标\t数量指标\t签订征迁补偿协议户数\t≥600户\t712户\t10\t10\n"
            "产出指标\t数量指标\t实施征迁项目个数\t≥25个\t31个\t5\t5\n")
    project = DocMeta(unit=None, year=2023, report_type="项目支出")
    assert levels(text, project) == {("land.acquired", Decimal("1684.5")), ("households.signed", Decimal("712")),
                                     ("projects.count", Decimal("31"))}


def test_a_list_of_budgets_and_actuals_is_not_a_list_of_parts():
    text = ("全年“三公”经费合计支出6.82万元。其中，因公出国（境）费0元；公务用车运行维护费预算6.00万元，"
            "实际支出4.96万元；公务接待费预算2.50万元，实际支出1.86万元。")
    assert not any(kind == "part" for kind, *_ in read(text))


def test_a_list_of_parts_ends_before_a_sibling_of_its_total():
    got = read("基本支出612.35万元，其中人员经费538.90万元、日常公用经费73.45万元；项目支出826.30万元，主要用于测绘。")
    parts = {v for kind, m, v, _ in got if kind == "part"}
    assert parts == {Decimal("5389000"), Decimal("734500")}


def test_an_earlier_year_governs_neither_past_a_semicolon_nor_out_of_its_bracket():
    meta = DocMeta(unit=None, year=2024, report_type="整体支出")
    text = "签订协议1,043户，较2023年签约890户明显增加；拆除各类房屋五百二十栋。核定编制16名，在编18人（其中2人为2023年划转人员），退休人员9人。"
    got = levels(text, meta)
    assert {("buildings.demolished", Decimal("520")), ("staff.retired", Decimal("9"))} <= got
    assert ("households.signed", Decimal("890")) not in got


def test_a_list_of_parts_all_on_one_basis_stays_a_list_of_parts():
    got = read("基本支出1087.21万元。其中人员经费开支984.9万元，日常公用经费开支99.31万元，固定资产折旧费3万元。")
    assert sum(1 for kind, *_ in got if kind == "part") == 3
    got = read("基本支出预算400万元，其中人员经费预算350万元、公用经费预算50万元。")
    assert sum(1 for kind, *_ in got if kind == "part") == 2


def test_anchor_automaton_finds_what_str_find_finds():
    """The one-pass anchor search (Aho–Corasick) gives, for every anchor, exactly the positions a
    str.find loop gives — overlapping ones and anchors inside other anchors included."""
    from pipeline.extraction.scan import _all_anchors, _occurrences, anchor_positions
    from pipeline.rules import load_rules

    anchors = _all_anchors(load_rules()) + ("aa", "a", "aaa")
    text = "aaaa " + " ".join(anchors) + " " + "".join(anchors) + " aaaa"
    found = anchor_positions(text, anchors)
    assert found == {a: _occurrences(text, a) for a in anchors}
    assert sum(map(len, found.values())) > 2 * len(anchors)
