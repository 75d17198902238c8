"""Batch H (tests/cases/real/batchH, round 26): three shapes of real pages that misled the checks —
each case a sentence shaped like one on those pages, not copied from one, run through the whole
per-file pipeline (process_file) on a real file and, for the findings, a real `jixiao run` database."""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import query, run_text

from pipeline.process import process_file

HEAD = "某县教育局2023年度部门决算说明\n"


@pytest.fixture(autouse=True)
def _rules(ruleset):
    pytest.ruleset = ruleset


def extraction(tmp_path, body: str):
    path = tmp_path / "r.txt"
    path.write_text(HEAD + body, encoding="utf-8")
    return process_file(path, pytest.ruleset)


def changes(ex, metric: str) -> set[Decimal]:
    return {f.value for f in ex.facts if f.kind == "change" and f.metric == metric}


def test_a_change_after_a_semicolon_item_is_the_items_not_the_lists_total(tmp_path):
    """三公 29万 (+0.5万, +1.75%), 其中: items, each with its own change, separated by ；: the last item's
    +0.5万 / +100% are 公务接待费's; the total keeps only its own change."""
    ex = extraction(tmp_path, "2023年“三公”经费支出29万元，比上年增加0.5万元，增长1.75%，其中：因公出国（境）费0万元，"
                              "较上年无增减；公务用车购置及运行费28万元，较上年无增减；公务接待费1万元，比上年增加0.5万元，"
                              "增长100%，主要原因是接待任务增加。\n")
    assert changes(ex, "spend.reception") == {Decimal("5000"), Decimal("1")}
    assert changes(ex, "spend.three_public") == {Decimal("5000"), Decimal("0.0175")}


def test_a_list_with_commas_only_still_gives_its_change_to_the_total(tmp_path):
    """The shape the list-head rule was made for holds: no ； in the list, the change is the total's."""
    ex = extraction(tmp_path, "2023年“三公”经费支出3万元，其中公务接待费1万元、公务用车运行维护费2万元、因公出国（境）费0万元，"
                              "比上年减少1万元。\n")
    assert changes(ex, "spend.three_public") == {Decimal("-10000")}
    assert not changes(ex, "spend.reception")


def test_a_bracketed_breakdown_of_one_item_is_no_second_part_of_the_total(tmp_path):
    """总编制6名，其中行政编制6名（其中：参照公务员法管理的事业编制6名）: the bracket breaks down 行政编制, so
    the total has one part, and no sum finding says 6 + 6 = 12."""
    body = ("本单位总编制6名，其中行政编制6名（其中：参照公务员法管理的事业编制6名）。在职人员总数3人。"
            "2023年度支出合计120.5万元。\n")
    ex = extraction(tmp_path, body)
    total = next(f for f in ex.facts if f.metric == "staff.authorized" and f.kind == "level")
    assert total.value == 6
    parts = [f.value for f in ex.facts if f.metric == "staff.authorized" and f.kind == "part" and f.group == total.start]
    assert parts == [Decimal("6")]
    (tmp_path / "db").mkdir()
    db = run_text(tmp_path / "db", HEAD + body)
    assert query(db, "SELECT count(*) FROM facts WHERE metric = 'staff.authorized'")[0][0] >= 2
    assert query(db, """SELECT count(*) FROM audit_findings WHERE "check" = 'sum'""")[0][0] == 0


def test_the_headcount_at_the_years_start_gives_way_to_the_years_end(tmp_path):
    """年初在编在岗教职工19人，新分1人，当年退休3人，调出2人，年末在编在岗教职工15人: the unit's headcount is the
    year-end 15; the start-of-year 19 is another moment's and 当年退休3人 a movement, not the retirees."""
    body = "学校年初在编在岗教职工19人，新分1人，当年退休3人，调出2人，年末在编在岗教职工15人。\n"
    ex = extraction(tmp_path, body)
    levels = {(f.metric, f.value) for f in ex.facts if f.kind in ("level", "target")}
    assert ("staff.actual", Decimal("15")) in levels
    assert ("staff.actual", Decimal("19")) not in levels
    assert not any(m == "staff.retired" for m, _ in levels)
    (tmp_path / "db").mkdir()
    db = run_text(tmp_path / "db", HEAD + body)
    assert query(db, """SELECT count(*) FROM audit_findings WHERE "check" = 'conflict'""")[0][0] == 0
    assert query(db, "SELECT count(*) FROM facts WHERE metric = 'staff.actual'")[0][0] >= 1


def test_money_written_in_wan_without_yuan_at_a_clause_end_is_read_after_a_money_label(tmp_path):
    """安排公车购置及运行维护费38万。: 万 without 元 where the clause ends is money after a money label; a figure in
    万 that goes on into another unit (38万人) is not."""
    ex = extraction(tmp_path, "2023年一般公务用车编制3台。安排公车购置及运行维护费38万。全年服务群众38万人次。\n")
    money = {(f.metric, f.value, f.unit) for f in ex.facts if f.kind in ("level", "target") and f.unit == "yuan"}
    assert money == {("spend.vehicle", Decimal("380000"), "yuan")}


def test_a_funds_own_self_evaluation_is_a_project_report(tmp_path):
    """某县公安局2022年度辅警人员经费绩效自评工作报告: an allocation's (经费) self-evaluation is a project's, so its
    全年预算数 / 全年执行数 are the project's money; a department's report stays a department's."""
    path = tmp_path / "p.txt"
    path.write_text("某县公安局2022年度辅警人员经费绩效自评工作报告\n一、基本情况\n该项目全年预算数2565万元，全年执行数2565万元，"
                    "预算执行率100%。\n", encoding="utf-8")
    ex = process_file(path, pytest.ruleset)
    assert ex.meta.report_type == pytest.ruleset.project_report
    assert {(f.metric, f.value) for f in ex.facts if f.kind == "level"} >= {("spend.project", Decimal("25650000"))}
    dept = tmp_path / "d.txt"
    dept.write_text("某县公安局2022年度部门整体支出绩效自评报告\n一、基本情况\n全年预算数2565万元。\n", encoding="utf-8")
    assert process_file(dept, pytest.ruleset).meta.report_type != pytest.ruleset.project_report


def test_a_budget_documents_formula_names_the_total_spending(tmp_path):
    """部门预算 pages: 预算收入总额为201.10万元，相应安排支出预算201.10万元 — the second figure is the budgeted total
    spending (basis budget), as 支出预算总额 would be."""
    ex = extraction(tmp_path, "2023年部门预算收入总额为201.10万元，相应安排支出预算201.10万元，其中基本支出60.94万元。\n")
    totals = {(f.metric, f.value, f.basis) for f in ex.facts if f.kind in ("level", "target")}
    assert ("spend.total", Decimal("2011000"), "budget") in totals


def test_a_year_named_only_as_a_comparisons_base_is_not_the_reports_year(tmp_path):
    """2019年…“三公”经费预算为3328万元…同口径比2018年减少830万元 (and each item likewise): 2018 is named more often,
    but only as the base of comparisons — the report's year is 2019, and its budget is a level, not a plan."""
    path = tmp_path / "y.txt"
    path.write_text("2019年，市本级一般公共预算支出安排的“三公”经费预算为3328万元。其中，因公出国（境）费50万元，"
                    "公务接待费478万元，公务用车购置及运行费2800万元。同口径比2018年减少830万元，下降20%。其中：因公出国（境）费"
                    "同口径比2018年减少9万元；公务接待费同口径比2018年减少38万元；公务用车购置及运行费同口径比2018年减少783万元。\n",
                    encoding="utf-8")
    ex = process_file(path, pytest.ruleset)
    assert ex.meta.year == 2019
    assert ("spend.three_public", Decimal("33280000")) in {(f.metric, f.value) for f in ex.facts if f.kind == "level"}


def _findings(tmp_path, body: str, check: str) -> int:
    (tmp_path / "db").mkdir()
    db = run_text(tmp_path / "db", HEAD + body)
    assert query(db, "SELECT count(*) FROM facts")[0][0] > 0
    return query(db, f"""SELECT count(*) FROM audit_findings WHERE "check" = '{check}' AND severity <> 'info'""")[0][0]


def test_a_change_of_one_kind_of_a_metric_is_not_the_metrics_change(tmp_path):
    """公务用车购置及运行费2800万元 … 公务用车购置费同口径比2022年减少334万元，下降90%: the purchases fell 90 %, not
    the whole item — no change of spend.vehicle is read from it, so no ratio finding against 2800."""
    body = ("2023年“三公”经费预算为3328万元，其中公务接待费478万元，公务用车购置及运行费2800万元。公务接待费同口径比2022年"
            "减少38万元，下降7.4%；公务用车购置费同口径比2022年减少334万元，下降90%。\n")
    ex = extraction(tmp_path, body)
    assert Decimal("-0.9") not in changes(ex, "spend.vehicle")
    assert Decimal("-380000") in changes(ex, "spend.reception")
    assert _findings(tmp_path, body, "ratio") == 0


def test_kinds_after_their_whole_are_its_parts_even_with_no_list_read(tmp_path):
    """公务用车购置及运行费决算支出785万元，较年初预算减少28%其中：公务用车购置费274万元，公务用车运行维护费511万元:
    511 is the running costs', a part of 785 — no conflict 785 / 511."""
    body = ("2023年各单位公务用车购置及运行费决算支出785万元，较年初预算减少28%其中：公务用车购置费274万元，"
            "公务用车运行维护费511万元。\n")
    _one_level_no_conflict(tmp_path, body, "spend.vehicle", kept=Decimal("7850000"), dropped=Decimal("5110000"))


def test_a_zero_kind_beside_the_metric_stated_elsewhere_says_nothing(tmp_path):
    """2023年公务接待费9.95万元。…其中：外事接待费支出0万元，国内公务接待221批次，共计支出9.95万元: the zero is the
    foreign visits', not a second value of the reception costs."""
    body = ("2023年公务接待费9.95万元，较2022年决算数减少5.5%。\n公务接待费主要用于执行公务发生的接待支出。其中：外事接待费"
            "支出0万元，国内公务接待221批次，1768人，共计支出9.95万元。\n")
    _one_level_no_conflict(tmp_path, body, "spend.reception", kept=Decimal("99500"), dropped=Decimal("0"))


def _one_level_no_conflict(tmp_path, body: str, metric: str, kept: Decimal, dropped: Decimal) -> None:
    """``kept`` is a level of ``metric``, ``dropped`` is not, and the run finds no conflict."""
    levels = {f.value for f in extraction(tmp_path, body).facts if f.kind == "level" and f.metric == metric}
    assert kept in levels and dropped not in levels, levels
    assert _findings(tmp_path, body, "conflict") == 0


def test_a_budget_documents_amounts_are_budgets_and_their_sums_are_checked(tmp_path):
    """…关于2023年部门预算编制的说明: 人员支出43.72万元 with no basis word is a budget, so the basic spending's budget
    (51.56万元) is checked against its parts (43.72 + 5.49 = 49.21): a sum finding. The same sentences in a
    performance report leave the items' basis unset."""
    body = ("2023年部门基本支出预算总额为51.56万元。人员支出43.72万元，日常公用支出5.49万元，项目支出70.2万元。\n")
    budget = "共青团某县委员会关于2023年部门预算编制的说明\n" + body
    path = tmp_path / "b.txt"
    path.write_text(budget, encoding="utf-8")
    ex = process_file(path, pytest.ruleset)
    assert {f.basis for f in ex.facts if f.metric in ("spend.personnel", "spend.operating")} == {"budget"}
    (tmp_path / "db").mkdir()
    db = run_text(tmp_path / "db", budget)
    assert query(db, """SELECT count(*) FROM audit_findings WHERE "check" = 'sum' AND 'spend.basic' IN (SELECT UNNEST(metrics))""")[0][0] == 1
    report = extraction(tmp_path, body)  # HEAD: a 决算 explanation, no budget document
    assert {f.basis for f in report.facts if f.metric == "spend.personnel"} == {None}


def test_the_items_of_a_list_take_the_basis_and_year_of_the_one_whole_before_them(tmp_path):
    """2024年…“三公”经费财政拨款预算数合计为200万元。其中，因公出国（境）费50万元… in a 2023 report: the items are 2024's
    budget (plans), not 2023's actuals — no conflict with the 2023 actual stated after."""
    body = ("2024年本部门“三公”经费财政拨款预算数合计为200万元。其中，因公出国（境）费50万元，公务接待费30万元，"
            "公务用车购置及运行费120万元。\n2023年“三公”经费财政拨款决算数为180万元。其中，因公出国（境）费决算数为40万元，"
            "公务接待费决算数为30万元，公务用车购置及运行费决算数为110万元。\n")
    ex = extraction(tmp_path, body)
    overseas = {(f.kind, f.value, f.basis) for f in ex.facts if f.metric == "spend.overseas"}
    assert ("plan", Decimal("500000"), "budget") in overseas and ("level", Decimal("400000"), "actual") in overseas
    assert _findings(tmp_path, body, "conflict") == 0


def test_items_after_two_wholes_of_different_bases_keep_their_own(tmp_path):
    """支出5.62万元，较年初预算8.00万元节约2.38万元。其中：公务接待费1.30万元…: which whole the list breaks down is not
    said — the items keep no basis (and no sum is checked against the budget)."""
    body = ("2023年“三公”经费支出5.62万元，较年初预算8.00万元节约2.38万元。其中：公务接待费1.30万元，"
            "公务用车运行维护费4.32万元，因公出国（境）费0元。\n")
    ex = extraction(tmp_path, body)
    assert {f.basis for f in ex.facts if f.metric == "spend.reception" and f.kind == "level"} == {None}
    assert _findings(tmp_path, body, "sum") == 0


def test_the_rates_of_a_rates_items_are_not_the_units_rate(tmp_path):
    """预算执行率为80.32%，其中：基本支出5967100.39元，执行率达100.00%，项目支出1719355.94元，执行率达47.72%: the unit's
    rate is 80.32 %; the items' rates are its parts (common.yaml enumeration.parts_only)."""
    ex = extraction(tmp_path, "2023年全年支出7686456.33元，预算执行率为80.32%，其中：基本支出5967100.39元，执行率达100.00%，"
                              "项目支出1719355.94元，执行率达47.72%。\n")
    rates = {(f.kind, f.value) for f in ex.facts if f.metric == "budget.execution_rate"}
    assert {v for k, v in rates if k == "level"} == {Decimal("0.8032")}
    assert {v for k, v in rates if k == "part"} == {Decimal("1"), Decimal("0.4772")}
