"""Real pages: converted script, glosses and split figures read with offsets kept; quantities found
first and attributed by cue words; figures of sub-areas and periods set aside; coverage reported.

Each case is a sentence shaped like one in tests/cases/real (the real public pages), not copied
from one, run through the whole per-file pipeline (process_file) on a real file.
"""
from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
from click.testing import CliRunner
from real_db import query, run_text

from pipeline.cli import cli
from pipeline.process import process_file
from pipeline.reading import convert_script, read_text

HEAD = "某县征地服务中心2022年度部门整体支出绩效自评报告\n"


def facts(tmp_path, body: str, name: str = "r.txt"):
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return process_file(path, pytest.ruleset)


@pytest.fixture(autouse=True)
def _rules(ruleset):
    pytest.ruleset = ruleset


def levels(extraction):
    return {(f.metric, f.value) for f in extraction.facts if f.kind in ("level", "target")}


def run_db(tmp_path, body: str):
    """The database of a `jixiao run` (one process) on a report made of HEAD and ``body``."""
    return run_text(tmp_path, HEAD + body)


# --- reading: converted pages ----------------------------------------------------------------

def test_when_a_page_is_in_traditional_script_with_glosses_then_figures_are_read_and_quoted_verbatim(tmp_path):
    body = "截至目前，39個(gè)涉及征拆的重點(diǎn)項(xiàng)目已完成土地征收8272畝，簽約1326戶。\n"
    ex = facts(tmp_path, body)
    got = {(f.metric, f.value): f for f in ex.facts if f.kind == "level"}
    assert ("land.acquired", Decimal("8272")) in got
    assert ("households.signed", Decimal("1326")) in got
    assert ("projects.count", Decimal("39")) in got
    text = ex.document.text
    for f in got.values():
        assert f.quote in text  # the original page's words, traditional script and glosses included
        assert text[f.start:f.end] == f.raw
    assert text[got[("land.acquired", Decimal("8272"))].start:].startswith("8272畝")


def test_when_spaces_split_a_figure_from_its_label_then_it_is_read_and_spans_the_original(tmp_path):
    ex = facts(tmp_path, "本部门2022年人员编制 42人，实有在职人员 45人，设 17 个内设机构。\n")
    got = {(f.metric, f.value): f for f in ex.facts if f.kind == "level"}
    assert {("staff.authorized", Decimal("42")), ("staff.actual", Decimal("45")),
            ("org.departments", Decimal("17"))} <= set(got)
    f = got[("org.departments", Decimal("17"))]
    assert ex.document.text[f.start:f.end] == "17 个"


def test_when_nothing_needs_converting_then_the_text_and_offsets_are_the_same(ruleset):
    reading = read_text("2022年基本支出366.62万元。", ruleset.reading)
    assert reading.text == "2022年基本支出366.62万元。" and reading.origin is None


def test_when_characters_are_dropped_then_every_readable_character_maps_back_to_its_own(ruleset):
    original = "本單位編制 42人，實有(shí yǒu) 45人；設 17 个內設機構。"
    reading = read_text(original, ruleset.reading)
    assert reading.origin is not None and len(reading.origin) == len(reading.text) < len(original)
    converted = convert_script(original, ruleset.reading.convert)
    for i, ch in enumerate(reading.text):
        at = reading.origin[i]
        assert converted[at] == ch and reading.from_original(at) == i
        assert reading.to_original(i, i + 1) == (at, at + 1)
    assert list(reading.origin) == sorted(set(reading.origin))  # each original character once, in order
    assert reading.from_original(len(original)) == len(reading.text)


# --- quantities first, then attribution --------------------------------------------------------

@pytest.mark.parametrize("body, metric, value", [
    ("共计协议签订1853户。\n", "households.signed", "1853"),
    ("2022年支出规模为532.58万元，主要用于人员工资。\n", "spend.total", "5325800"),
    ("全区第一批77个征地拆迁重点项目全部开工。\n", "projects.count", "77"),
    ("已有872户已签订协议，进展顺利。\n", "households.signed", "872"),
    ("2022年度部门决算支出366.62万元，其中基本支出210.35万元，项目支出156.27万元。\n", "spend.total", "3666200"),
    ("全年腾地一万一千八百七十六点四五亩，拆除房屋壹仟贰佰零壹栋。\n", "land.cleared", "11876.45"),
    ("全年腾地一万一千八百七十六点四五亩，拆除房屋壹仟贰佰零壹栋。\n", "buildings.demolished", "1201"),
    ("全年受理来信来访六十五起。\n", "petitions.count", "65"),
    ("其中：因公出国(境)费支出决算为0万元，公务接待费0.5万元。\n", "spend.overseas", "0"),  # a bracket inside the label
    ("沿线872户已签订协议，占总任务879户的99.20%。\n", "households.signed", "879"),  # its label after the first
    ("2022年度收、支总计均为1200.71万元。\n", "income.total", "12007100"),
    ("2022年度收、支总计均为1200.71万元。\n", "spend.total", "12007100"),
    ("公务用车购置及运行费支出决算3.98万元；公务接待费支出决算 1.5万\n元。\n", "spend.reception", "15000"),  # a wrapped unit
    ("本年度共完成约1260畝土地征收工作。\n", "land.acquired", "1260"),  # the kind of work named after the area
    ("取得5个批次312.5亩农用地转用和土地征收批复。\n", "land.acquired", "312.5"),
    ("全年完成旧城改造（征收、拆迁協議簽訂）5120戶。\n", "households.signed", "5120"),  # the cue closes a bracket
    ("上半年完成历年回迁安置住户410户。\n", "households.resettled", "410"),  # whom the households count
    ("本月新签约居民户36户，累计签约被征收户1200户。\n", "households.signed", "1200"),
    ("该片区共200万元的集体土地征收补偿资金已全部兑现。\n", "compensation.paid", "2000000"),  # two cues overlap
    ("2022年预算收入132.5万元，全部为财政拨款。\n", "income.total", "1325000"),
])
def test_when_real_wording_names_a_metric_then_the_figure_is_read(tmp_path, body, metric, value):
    assert (metric, Decimal(value)) in levels(facts(tmp_path, body))


@pytest.mark.parametrize("body, metric", [
    ("全年完成12个项目60批次1972.5个安置指标的审核。\n", "projects.count"),  # 60批次 counts 安置指标
    ("基本支出比上年增加52.18万元，主要是新增在职人员1人。\n", "staff.actual"),  # a change, not the level
    ("截至年末，固定资产净值53.36万元。\n", "assets.fixed"),  # a net value, not the 原值
    ("仍有7户未签约，正在做工作。\n", "households.signed"),  # not signed
    ("参与区领导接访和信访工作会议50余次。\n", "petitions.count"),  # meetings, not petitions
    ("全年接访群众120余人次。\n", "petitions.count"),  # people received, not petitions
    ("其中国有资本经营预算收入0万元。\n", "income.total"),  # one source of income, not the whole
])
def test_when_a_cue_word_stands_near_a_figure_of_something_else_then_it_is_not_attributed(tmp_path, body, metric):
    assert not any(m == metric for m, _ in levels(facts(tmp_path, body)))


def test_when_a_figure_is_not_classified_then_it_is_unattributed_and_coverage_counts_it(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "r.txt").write_text(HEAD + "全年签约1326户，另完成管线迁改43个点位。\n", encoding="utf-8")
    db = tmp_path / "x.duckdb"
    result = CliRunner().invoke(cli, ["run", str(folder), "--db", str(db), "--workers", "0"])
    assert result.exit_code == 0, result.output
    assert "覆盖率" in result.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        unattributed = {r[0] for r in con.execute("SELECT raw FROM unattributed").fetchall()}
        claimed, total = con.execute("SELECT claimed, quantities FROM coverage WHERE doc = 'r.txt'").fetchone()
        text = con.execute("SELECT text FROM documents").fetchone()[0]
        spans = con.execute("SELECT start, \"end\", raw FROM quantities").fetchall()
    finally:
        con.close()
    assert "43个" in unattributed and "1326户" not in unattributed
    assert claimed >= 1 and total == claimed + len(unattributed)
    assert all(text[s:e] == raw for s, e, raw in spans)


# --- scope: whose figure, which period ------------------------------------------------------------

BULLETIN = ("截至2022年12月31日，累计完成土地收储4394.83亩，完成率100%。\n"
            "从各片区完成情况来看：西津片区本期完成土地收储58亩；累计完成土地收储605亩。"
            "南山片区累计完成土地收储886.88亩。\n")


def test_when_a_bulletin_gives_a_total_and_sub_area_lines_then_only_the_total_is_the_units(tmp_path):
    ex = facts(tmp_path, BULLETIN)
    acquired = {f.value for f in ex.facts if f.metric == "land.acquired" and f.kind == "level"}
    assert acquired == {Decimal("4394.83")}
    assert {f.value for f in ex.facts if f.kind == "sub"} >= {Decimal("605"), Decimal("886.88")}


def test_when_a_report_is_itemised_with_no_total_then_its_items_stay(tmp_path):
    ex = facts(tmp_path, "西津片区累计完成土地收储605亩。\n南山片区累计完成土地收储886.88亩。\n")
    assert {f.value for f in ex.facts if f.metric == "land.acquired" and f.kind == "level"} == {
        Decimal("605"), Decimal("886.88")}


def test_when_a_gross_total_stands_beside_the_years_total_then_the_years_counts(tmp_path):
    ex = facts(tmp_path, "2022年度收入总计434.72万元，其中：本年收入合计434.16万元，年初结转和结余0.56万元。\n")
    assert {f.value for f in ex.facts if f.metric == "income.total" and f.kind == "level"} == {Decimal("4341600")}


def test_when_both_gross_totals_stand_beside_the_years_spending_then_the_years_counts(tmp_path):
    ex = facts(tmp_path, "2022年收、支总计1483.5万元，比上年增加555.92万元。本年支出1366.23万元，其中基本支出802.21万元。\n")
    assert {f.value for f in ex.facts if f.metric == "spend.total" and f.kind == "level"} == {Decimal("13662300")}
    assert {f.value for f in ex.facts if f.metric == "income.total" and f.kind == "level"} == {Decimal("14835000")}


def test_when_kinds_of_staffing_are_listed_without_a_whole_then_they_are_parts(tmp_path):
    listed = facts(tmp_path, "核定行政编制26名，事业编制103名。实有在职人员120人。\n", "a.txt")
    assert not any(f.metric == "staff.authorized" and f.kind == "level" for f in listed.facts)
    whole = facts(tmp_path, "中心编制数15名（其中行政编制4名、事业编制11名），现有在职人员14人。\n", "b.txt")
    assert ("staff.authorized", Decimal("15")) in levels(whole)


def test_when_last_years_headcount_is_the_only_one_then_it_is_the_reports(tmp_path):
    ex = facts(tmp_path, "本部门2021年人员编制42人，实有在职人员45人；退休人员11人。\n")
    assert {("staff.authorized", Decimal("42")), ("staff.actual", Decimal("45"))} <= levels(ex)


def test_when_the_headcount_is_stated_as_of_the_year_after_then_it_is_the_reports_and_its_kinds_are_parts(tmp_path):
    # a 决算 for 2022 written in 2023 states the headcount as it stands then
    ex = facts(tmp_path, "人员情况：2023年中心编制数20人，其中：全额拨款事业编制15人、自收自支事业编制5人，年末在职实有人数33人。\n")
    assert {("staff.authorized", Decimal("20")), ("staff.actual", Decimal("33"))} <= levels(ex)
    assert {f.value for f in ex.facts if f.metric == "staff.authorized" and f.kind == "part"} == {Decimal("15"), Decimal("5")}


def test_when_next_years_budget_is_stated_then_it_stays_a_plan(tmp_path):
    ex = facts(tmp_path, "2022年基本支出210.35万元。2023年预算安排基本支出230万元。\n")
    assert ("spend.basic", Decimal("2300000")) not in levels(ex)


def test_when_a_report_states_its_own_figure_and_another_bodys_then_only_its_own_is_a_level(tmp_path):
    ex = facts(tmp_path, "区交通局本级内设7个科室：办公室、财务科等；区公路养护中心内设4个科室，分别为办公室、计财科等。\n")
    own = {f.value for f in ex.facts if f.metric == "org.departments" and f.kind == "level"}
    assert own == {Decimal("7")}
    assert Decimal("4") in {f.value for f in ex.facts if f.metric == "org.departments" and f.kind == "sub"}


def test_when_a_clause_names_another_body_then_the_clauses_after_it_are_that_bodys(tmp_path):
    ex = facts(tmp_path, "人员编制情况：局机关编制17人，实有人数17人，环境监察大队编制34人，实有人数34人。\n")
    own = {(f.metric, f.value) for f in ex.facts if f.kind == "level"}
    assert own == {("staff.authorized", Decimal("17")), ("staff.actual", Decimal("17"))}


def test_when_one_sources_total_is_set_aside_then_its_change_goes_with_it(tmp_path):
    ex = facts(tmp_path, "2022年度本单位收入为1687.45万元。\n2022年度本单位财政拨款收入总计1516.64万元，与上年相比减少58.49万元。\n")
    assert {f.value for f in ex.facts if f.metric == "income.total" and f.kind == "level"} == {Decimal("16874500")}
    assert not any(f.metric == "income.total" and f.kind == "change" for f in ex.facts)


FUND_ROW_LINES = ("项目资金（万元）\n年初预算数\n全年预算数\n全年执行数\n分值\n执行率\n得分\n"
                  "年度资金总额\n4753.66万元\n4753.66万元\n3824.26万元\n10\n100%\n10\n")
FUND_ROW_PIPES = "项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n总额 | 43.2 | 43.2 | 37.24 | 10 | 86% | 9 |\n"


@pytest.mark.parametrize("body", [FUND_ROW_LINES, FUND_ROW_PIPES], ids=["one cell per line", "pipe row"])
def test_when_a_self_evaluation_funds_row_is_flattened_then_budget_actual_and_rate_are_read(tmp_path, body):
    ex = facts(tmp_path, body)
    got = {(f.metric, f.basis, f.value) for f in ex.facts if f.rule_id == "table.fund_row"}
    budget, actual = ("4753.66", "3824.26") if "4753" in body else ("43.2", "37.24")
    assert ("spend.total", "budget", Decimal(budget) * 10000) in got
    assert ("spend.total", "actual", Decimal(actual) * 10000) in got
    rate = {f.value for f in ex.facts if f.metric == "budget.execution_rate"}
    assert rate == ({Decimal("1")} if "4753" in body else {Decimal("0.86")})


def test_when_a_funds_row_does_not_fit_the_template_then_nothing_is_guessed(tmp_path):
    ex = facts(tmp_path, "年度资金总额\n4753.66万元\n3824.26万元\n10\n")  # no rate cell: columns unknown
    assert not any(f.rule_id == "table.fund_row" for f in ex.facts)


@pytest.mark.parametrize("body, score", [("总分\n\n100\n\n82.97\n", "82.97"), ("合计\t\t100\t93.5\n", "93.5")],
                         ids=["one cell per line", "tab row"])
def test_when_an_indicator_table_ends_with_its_total_row_then_the_score_is_read(tmp_path, body, score):
    ex = facts(tmp_path, "一级指标\t分值\t得分\n产出指标\t50\t48\n" + body)
    assert {f.value for f in ex.facts if f.metric == "score.self"} == {Decimal(score)}


def test_when_a_total_row_does_not_start_with_full_marks_then_it_is_no_score(tmp_path):
    ex = facts(tmp_path, "合计\t366.62\t210.35\n")
    assert not any(f.metric == "score.self" for f in ex.facts)


@pytest.mark.parametrize("rate, flagged", [("100%", True), ("80.45%", False)])
def test_when_a_funds_row_states_an_execution_rate_then_it_is_checked_against_its_figures(tmp_path, rate, flagged):
    db = run_db(tmp_path, FUND_ROW_LINES.replace("100%", rate))
    found = query(db, "SELECT metric FROM findings WHERE \"check\" = 'ratio'")
    assert query(db, "SELECT count(*) FROM facts WHERE metric = 'budget.execution_rate'") == [(1,)]
    assert ({m for (m,) in found} == {"budget.execution_rate", "spend.total"}) is flagged


YEAR_COLUMNS_PIPES = ("单位：万元\n经费控制情况 | 2021年决算数 | 2022年预算数 | 2022年决算数\n"
                      "三公经费 | 29.08 | 63.46 | 44.29\n")
YEAR_COLUMNS_LINES = "单位：万元\n项目\n2021年决算数\n2022年预算数\n2022年决算数\n三公经费\n29.08\n63.46\n44.29\n"


@pytest.mark.parametrize("body", [YEAR_COLUMNS_PIPES, YEAR_COLUMNS_LINES], ids=["pipe rows", "one cell per line"])
def test_when_a_column_is_headed_by_the_year_before_then_its_figure_is_that_years(tmp_path, body):
    ex = facts(tmp_path, body)
    got = {(f.value, f.kind, f.basis) for f in ex.facts if f.metric == "spend.three_public"}
    assert got == {(Decimal("290800"), "prior", "actual"), (Decimal("634600"), "level", "budget"),
                   (Decimal("442900"), "level", "actual")}


def test_when_staffing_is_given_per_kind_with_a_zero_kind_then_the_non_zero_counts_and_nothing_conflicts(tmp_path):
    ex = facts(tmp_path, "本部门行政编制0人，实有人数0人；事业编制30人，实际25人。\n")
    assert ("staff.actual", Decimal("25")) in levels(ex)
    assert ("staff.actual", Decimal("0")) not in levels(ex)


@pytest.mark.parametrize("parts, flagged", [("涉土122件，涉矿3件，其它2件", True),  # 127 ≠ 137, the list is whole
                                            ("涉土132件，涉矿3件，其它2件", False),
                                            ("涉土122件，涉矿3件", False)])  # no catch-all, no exact sum: maybe not all
def test_when_a_count_is_broken_down_in_a_bracket_then_its_parts_are_checked(tmp_path, parts, flagged):
    db = run_db(tmp_path, f"全年共受理各类信访137件（{parts}）。\n")
    found = query(db, "SELECT count(*) FROM findings WHERE \"check\" = 'sum' AND metric = 'petitions.count'")[0][0]
    assert query(db, "SELECT value FROM facts WHERE metric = 'petitions.count' AND kind = 'level'") == [(Decimal("137"),)]
    assert (found > 0) is flagged


@pytest.mark.parametrize("share, flagged", [("92.36%", True), ("92.63%", False)])
def test_when_a_line_states_the_share_of_its_task_done_then_it_is_checked(tmp_path, share, flagged):
    db = run_db(tmp_path, f"4.安香乡：已与88户签订拆迁协议，完成总任务95户的{share}；已拆迁64户。\n")
    found = query(db, "SELECT rule_id FROM audit_findings WHERE \"check\" = 'ratio'")
    assert query(db, "SELECT count(*) FROM facts WHERE unit = 'ratio' AND relative_to = metric") == [(1,)]
    assert ([r for (r,) in found] == ["ratio.task"]) is flagged


def _run_findings(tmp_path, body: str) -> list[tuple]:
    return query(run_db(tmp_path, body), 'SELECT "check", metrics FROM audit_findings')


def test_when_a_listed_part_opens_its_own_list_then_that_list_is_its_parts(tmp_path):
    # 包含… are the parts of 基本支出, not of the total: their shortfall is 基本支出's
    body = ("2022年局机关总支出决算数为4389.86万元，其中基本支出决算数为2994.57万元，包含工资福利支出1754.89万元；"
            "商品和服务支出452.34万元；对家庭和个人的补助598.14万元；其他资本性支出66.6万元。\n")
    found = _run_findings(tmp_path, body)
    assert [c for c, m in found if "spend.total" in m] == []
    assert [c for c, m in found if "spend.basic" in m] == ["sum"]


def test_when_each_item_of_a_list_gives_its_figure_budget_and_gap_then_it_is_no_list_of_parts(tmp_path):
    body = ("2022年度“三公”经费支出2.05万元，年初预算为2.95万元，差值为0.9万元。其中：因公出国(境)支出0万元，年初预算为0万元，"
            "差值为0万元；公务接待费支出2.05万元，年初预算为2.95万元，差值为0.9万元。\n")
    assert not [c for c, m in _run_findings(tmp_path, body) if c == "sum"]


def test_when_the_text_ends_inside_a_list_then_its_sum_is_not_checked(tmp_path):
    body = "2022年末，本院有人员编制614名，其中：机关本级政法专项编制455名，分院事业编制13名，铁路运输检察院"  # cut here
    found = _run_findings(tmp_path, body)
    assert not [c for c, m in found if c == "sum"]
    (tmp_path / "closed").mkdir()
    closed = _run_findings(tmp_path / "closed", body + "事业编制10名。\n")
    assert [c for c, m in closed if c == "sum"] == ["sum"]  # the same list, closed, is whole: 478 ≠ 614


def test_when_kinds_of_reception_are_stated_as_zero_beside_the_total_then_they_are_parts_not_conflicts(tmp_path):
    body = ("2022年公务接待费支出决算4,895.00元，具体是国内接待费支出决算4,895.00元(其中:外事接待费支出决算0元),"
            "国(境)外接待费支出决算0元。\n")
    assert not [c for c, m in _run_findings(tmp_path, body) if c == "conflict"]


def test_when_a_numbered_item_names_a_body_then_the_figures_under_it_are_that_bodys(tmp_path):
    body = ("执法勤务机构10个，内设股级机构23个。\n1、办公室（加挂指挥中心牌子）\n负责接报警和指挥处警工作，内设2个中队。\n"
            "2、国内安全保卫大队\n负责情报信息工作，内设3个中队。\n")
    ex = facts(tmp_path, body)
    assert {v for m, v in levels(ex) if m == "org.departments"} == {Decimal("23")}


def test_when_an_area_is_broken_down_by_kind_of_land_then_the_kinds_are_parts_not_figures(tmp_path):
    ex = facts(tmp_path, "全年共完成征地790亩，其中耕地355亩、林地254亩、其他181亩。\n")
    assert {v for m, v in levels(ex) if m == "land.acquired"} == {Decimal("790")}
    assert {f.value for f in ex.facts if f.kind == "part"} == {Decimal("355"), Decimal("254"), Decimal("181")}


def test_when_a_pdf_line_wraps_between_a_label_and_its_figure_then_the_figure_is_read(tmp_path):
    body = "按照预算绩效管理要求，本部门对2022年整体支出开展绩效自评，自评得分\n90 分，存在的问题：一是年初编制不够细化。\n"
    assert ("score.self", Decimal("90")) in levels(facts(tmp_path, body))


def test_when_a_form_label_or_a_title_stands_alone_on_its_line_then_no_line_is_joined(ruleset):
    text = "人员编制\n59人\n基本支出\n486.00\n" + HEAD + "2022年度部门决算支出366.62万元。\n"
    assert read_text(text, ruleset.reading).text == text


def test_when_a_label_line_heads_a_paragraph_then_its_bare_budget_is_that_metrics(tmp_path):
    body = ("三、一般公共预算拨款支出预算\n基本支出：\n\n2022年年初预算数为1973.4万元，是指为保障单位机构正常运转而发生的各项支出。\n\n"
            "（二）项目支出：\n\n2022年年初预算数为159.30万元，是指单位为完成特定任务发生的支出。\n")
    got = {(f.metric, f.value) for f in facts(tmp_path, body).facts if f.basis == "budget"}
    assert got == {("spend.basic", Decimal("19734000")), ("spend.project", Decimal("1593000"))}


def test_when_a_budget_is_followed_by_its_initial_stage_then_the_stage_is_a_part_not_a_conflict(tmp_path):
    db = run_db(tmp_path, "2022年预算收入132.5万元，其中年初预算110万元，调整追加22.5万元。\n")
    assert query(db, "SELECT value FROM facts WHERE metric = 'income.total' AND kind = 'level'") == [(Decimal("1325000"),)]
    assert query(db, "SELECT value FROM facts WHERE metric = 'income.total' AND kind = 'part'") == [(Decimal("1100000"),)]
    assert query(db, "SELECT count(*) FROM findings WHERE \"check\" = 'conflict'") == [(0,)]


def test_when_a_pdf_line_splits_a_cue_word_with_a_space_then_the_figure_is_still_named(tmp_path):
    ex = facts(tmp_path, "本单位为行政单位，下设 9 个内设 机构，负责全县征地工作。\n")
    got = {(f.metric, f.value): f for f in ex.facts if f.kind == "level"}
    assert ("org.departments", Decimal("9")) in got
    f = got[("org.departments", Decimal("9"))]
    assert ex.document.text[f.start:f.end] == "9 个"


def test_when_a_sentence_dates_the_units_founding_then_its_figures_are_still_the_reports_year(tmp_path):
    ex = facts(tmp_path, "我中心成立于1986年，核定编制15人，退休职工人数6人，内设股室4个。\n")
    got = {(f.metric, f.value, f.kind) for f in ex.facts}
    assert {("staff.authorized", Decimal("15"), "level"), ("staff.retired", Decimal("6"), "level"),
            ("org.departments", Decimal("4"), "level")} <= got
    assert all(f.period is None for f in ex.facts)


def test_when_a_clause_after_a_list_of_kinds_states_a_new_total_then_it_is_no_part(tmp_path):
    ex = facts(tmp_path, "该项目应征用土地820.5亩，其中集体土地700.5亩，国有土地120亩，截至11月30日，共征用土地310.2亩。\n")
    got = {(f.metric, f.value): f.kind for f in ex.facts}
    assert got.get(("land.acquired", Decimal("310.2"))) == "level"
    assert got.get(("land.acquired", Decimal("700.5"))) == "part"


def test_when_a_whole_is_stated_right_before_the_work_done_of_it_then_it_is_that_works_task(tmp_path):
    ex = facts(tmp_path, "截至目前，项目总数3200户中，已完成签约3010户，签约率94%。\n")
    got = {(f.metric, f.value): f for f in ex.facts}
    task = got[("households.signed", Decimal("3200"))]
    assert (task.kind, task.basis) == ("target", "budget")
    assert got[("households.signed", Decimal("3010"))].kind == "level"


def test_when_a_projects_scope_is_stated_before_the_work_done_then_it_is_no_task(tmp_path):
    ex = facts(tmp_path, "项目范围内涉及被征收户860户，已签约820户。\n")
    assert ("households.signed", Decimal("820")) in levels(ex)
    assert not any(f.value == Decimal("860") for f in ex.facts)


@pytest.mark.parametrize("body, metric, value", [
    ("二、征地工作\n城北物流园区480余亩均清表交地。\n", "land.cleared", "480"),  # 亩 + 均 (all), not 亩均 (per mu)
    ("安置小区剩余12户均已签订协议。\n", "households.signed", "12"),
])
def test_when_a_unit_is_followed_by_jun_all_then_it_is_no_per_unit_figure(tmp_path, body, metric, value):
    assert (metric, Decimal(value)) in levels(facts(tmp_path, body))


def test_when_a_figure_is_per_mu_then_it_is_still_no_area(tmp_path):
    ex = facts(tmp_path, "征地补偿亩均3.5万元，全年征地210亩。\n")
    assert ("land.acquired", Decimal("210")) in levels(ex)
    assert not any(f.metric == "compensation.paid" for f in ex.facts)


def test_when_a_difference_stands_between_budget_and_execution_then_execution_takes_the_budgets_metric(tmp_path):
    body = "2022年部门年初预算1022.89万元，年中调整预算为1781.86万元，比年初预算增加758.97万元，全年执行数1767.21万元。\n"
    got = {(f.metric, f.value, f.basis) for f in facts(tmp_path, body).facts if f.kind == "level"}
    assert ("spend.total", Decimal("17672100"), "actual") in got


def test_when_the_three_public_total_is_called_total_spending_then_it_is_the_three_public_total(tmp_path):
    ex = facts(tmp_path, "2022年度“三公”经费总支出为1928.76万元。\n")
    assert ("spend.three_public", Decimal("19287600")) in levels(ex)
    assert not any(f.metric == "spend.total" for f in ex.facts)


def test_when_vehicle_purchase_and_running_lines_follow_their_whole_then_they_are_its_parts(tmp_path):
    body = ("“三公”经费决算情况(单位:万元)\n公务用车购置及运行维护费 |\n1857.23 |\n"
            "公务用车购置费 |\n423.81 |\n公务用车运行维护费 |\n1433.42 |\n")
    got = {f.value: f.kind for f in facts(tmp_path, body).facts if f.metric == "spend.vehicle"}
    assert got == {Decimal("18572300"): "level", Decimal("4238100"): "part", Decimal("14334200"): "part"}


def test_when_a_headcount_is_split_into_serving_and_retired_then_the_serving_part_is_the_units(tmp_path):
    ex = facts(tmp_path, "本局编制人数57人，实有人数120人（其中，在职73人，退休47人）。\n")
    got = levels(ex)
    assert ("staff.actual", Decimal("73")) in got
    assert ("staff.actual", Decimal("120")) not in got
    assert ("staff.retired", Decimal("47")) in got


def test_when_a_headcount_is_split_into_kinds_of_serving_staff_then_the_total_stays_the_units(tmp_path):
    ex = facts(tmp_path, "实有人数30人，其中在职行政人员12人、在职事业人员18人；退休人员5人。\n")
    assert ("staff.actual", Decimal("30")) in levels(ex)


def test_when_retirees_are_split_into_kinds_then_the_retired_total_stays(tmp_path):
    ex = facts(tmp_path, "离退休人员：离退休人员8人（其中离休1人、退休7人）\n")
    assert ("staff.retired", Decimal("8")) in levels(ex)


def test_when_a_second_list_of_land_kinds_follows_another_count_then_it_breaks_down_the_last_area(tmp_path):
    body = ("应征用土地758.8亩，其中：集体土地652.5亩，国有土地106.3亩，截至12月15日，共征用土地158.8亩，"
            "签订征地协议69份，其中耕地596.0亩，林地147.2亩，宅基地15.6亩。\n")
    db = run_db(tmp_path, body)
    assert ("sum", "land.acquired") in set(query(db, 'select "check", metric from findings'))


def test_when_a_three_public_table_uses_half_width_brackets_and_short_labels_then_every_line_is_read(tmp_path):
    body = ("部门“三公”经费情况统计表 | ||\n单位:万元 | |\n项 目 | 本年预算数 |\n合 计 | 1.70 |\n"
            "1.因公出国(境)费用 | 0 |\n2.公务接待费 | 1.70 |\n3.公务用车费 | 0 |\n")
    got = levels(facts(tmp_path, body))
    assert {("spend.overseas", Decimal("0")), ("spend.vehicle", Decimal("0"))} <= got


def test_when_overseas_spending_is_named_without_fei_then_it_is_read(tmp_path):
    body = "“三公”经费支出2.05万元，其中：因公出国(境)支出0万元；公务接待费支出2.05万元。\n"
    assert ("spend.overseas", Decimal("0")) in levels(facts(tmp_path, body))


def test_when_a_pdf_line_wraps_between_a_figure_and_its_unit_then_the_figure_is_read(tmp_path):
    body = "本年度我单位严格执行预算，全年项目支出总额为12.5\n万元，较上年持平。\n"
    assert ("spend.project", Decimal("125000")) in levels(facts(tmp_path, body))


def test_when_a_list_after_a_total_names_an_item_of_the_totals_own_metric_then_it_is_a_part(tmp_path):
    body = ("本单位全年实施项目21个，项目支出总额656.93万元。其中，本级项目8个，本\n"
            "级项目支出385.58万元；对下转移支付项目13个，对下转移支付271.35\n万元。\n")
    ex = facts(tmp_path, body)
    assert {f.value for f in ex.facts if f.metric == "spend.project" and f.kind == "level"} == {Decimal("6569300")}
    assert Decimal("3855800") in {f.value for f in ex.facts if f.metric == "spend.project" and f.kind == "part"}


def test_when_a_gross_total_lists_the_years_own_total_then_the_years_stays(tmp_path):
    ex = facts(tmp_path, "2022年度收入总计434.72万元，其中：本年收入合计434.16万元，年初结转和结余0.56万元。\n")
    assert ("income.total", Decimal("4341600")) in levels(ex)


def test_when_the_staffing_label_ends_in_ren_and_wraps_before_its_figure_then_it_is_read(tmp_path):
    body = "本中心为市财政全额拨款的事业单位，核定编制人\n52 名，其中，全\n"
    assert ("staff.authorized", Decimal("52")) in levels(facts(tmp_path, body))


def test_when_qizhong_is_written_twice_then_each_part_is_listed_once(tmp_path):
    ex = facts(tmp_path, "今年共实施拆迁项目118个，其中：其中新启动项目75个，扫尾项目43个。\n")
    starts = [f.start for f in ex.facts if f.kind == "part"]
    assert starts and len(starts) == len(set(starts))


def test_when_an_actual_is_said_to_exceed_the_budget_by_an_amount_then_the_gap_is_no_budget(tmp_path):
    body = "基本支出：预算数100万元，决算数大于预算数5万元，决算数105万元。\n"
    got = {(f.metric, f.value, f.basis) for f in facts(tmp_path, body).facts if f.kind == "level"}
    assert ("spend.basic", Decimal("1050000"), "actual") in got
    assert not any(value == Decimal("50000") for _, value, _ in got)
# --- whose staff: the department's office, its kinds, its sub-units (batchG) ------------------

DEPARTMENT_WITH_SUB_UNITS = (
    "二、机构设置\n（一）机关内设机构\n机关行政编制20名，调出1人，调入2人，1人退休，实有18人。离退休原有10人，新增2人，现有12人。\n"
    "（二）直属事业单位\n直属2个事业单位：(1)市妇女儿童活动中心：编制15名，实有16人，退休5人；(2)市第二保育院，编制8名，实有6人，退休2人。\n")


def test_when_a_department_lists_its_office_then_its_sub_units_then_only_the_office_is_the_units(tmp_path):
    ex = facts(tmp_path, DEPARTMENT_WITH_SUB_UNITS)
    assert {(m, v) for m, v in levels(ex) if m.startswith("staff.")} == {
        ("staff.authorized", Decimal("20")), ("staff.actual", Decimal("18")), ("staff.retired", Decimal("12"))}
    (tmp_path / "db").mkdir()
    assert _run_findings(tmp_path / "db", DEPARTMENT_WITH_SUB_UNITS) == []


def test_when_enumerated_items_name_other_bodies_then_their_figures_are_theirs(tmp_path):
    body = ("本部门行政编制12名，实有11人。下属单位2个：(1)县老年大学：编制5名，实有7人；(2)县档案馆，编制4名，实有3人。\n")
    ex = facts(tmp_path, body)
    assert {(m, v) for m, v in levels(ex) if m.startswith("staff.")} == {
        ("staff.authorized", Decimal("12")), ("staff.actual", Decimal("11"))}


def test_when_staff_in_post_follows_each_kind_of_post_then_each_is_that_kinds_and_nothing_conflicts(tmp_path):
    body = "本部门行政编制50名，实有45人；工勤事业编制4名，实有4人。\n"
    assert {v for m, v in levels(facts(tmp_path, body)) if m == "staff.actual"} == set()
    assert {f.value for f in facts(tmp_path, body).facts if f.metric == "staff.actual"} == {Decimal("45"), Decimal("4")}
    assert not [c for c, m in _run_findings(tmp_path, body) if "staff.actual" in m]


# --- one source's figures beside the unit's own (batchG) ---------------------------------------

def test_when_a_section_is_about_the_appropriation_then_its_spending_and_shares_are_not_the_units(tmp_path):
    body = ("二、支出决算情况说明\n2022年总支出800万元，其中项目支出200万元，基本支出600万元。\n"
            "三、一般公共预算财政拨款支出决算情况说明\n1.基本支出300万元，占一般公共预算财政拨款总支出的75%。\n"
            "2.项目支出100万元，占一般公共预算财政拨款总支出的25%。\n")
    ex = facts(tmp_path, body)
    assert {v for m, v in levels(ex) if m == "spend.basic"} == {Decimal("6000000")}
    assert _run_findings(tmp_path, body) == []


def test_when_a_project_amount_is_one_sources_share_then_it_is_no_second_project_total(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("某县农村饮水工程维修养护项目支出绩效自评报告\n"
                    "依据省财政厅文件下达中央财政资金30.9万元，县财政资金30.9万元，共计下达61.8万元。"
                    "2021年度下达项目资金61.8万元，资金已全部到位。\n", encoding="utf-8")
    ex = process_file(path, pytest.ruleset)
    assert {v for m, v in levels(ex) if m == "spend.project"} == {Decimal("618000")}


def test_when_two_items_of_one_list_are_named_as_one_metric_then_they_are_no_conflict(tmp_path):
    body = ("2022年部门预算500万元，基本支出300万元，其中工资福利支出(人员支出)200万元，商品和服务支出(公用支出)60万元，"
            "对个人和家庭补助支出(人员支出)40万元；项目支出200万元。\n")
    db = run_db(tmp_path, body)
    assert sorted(query(db, "SELECT value FROM facts WHERE metric = 'spend.personnel'")) == [
        (Decimal("400000"),), (Decimal("2000000"),)]
    assert query(db, "SELECT count(*) FROM findings WHERE \"check\" = 'conflict'") == [(0,)]


def test_when_counts_of_a_breakdown_give_their_share_of_the_total_then_they_are_parts(tmp_path):
    body = ("1至9月，全县纪检监察机关共受理信访举报320件。从举报方式来看，来信200件，占62.5%；来访80件，占25%；"
            "网络举报40件，占12.5%。\n")
    ex = facts(tmp_path, body)
    assert {v for m, v in levels(ex) if m == "petitions.count"} == {Decimal("320")}


def test_when_a_funds_evaluation_has_its_title_on_two_lines_then_it_is_a_project_report(tmp_path):
    path = tmp_path / "f.txt"
    path.write_text("某县2023年度中央水利发展资金\n绩效自评报告\n市财政局文件下达某县2023年中央水利发展资金2263万元。\n",
                    encoding="utf-8")
    ex = process_file(path, pytest.ruleset)
    assert ex.meta.report_type == "项目支出"
    assert levels(ex) == {("spend.project", Decimal("22630000"))}


@pytest.mark.parametrize("second, flagged", [("呼财农指【2023】19号", False), ("呼财农指【2023】10号", True)])
def test_when_allocations_cite_different_documents_then_they_are_no_conflict(tmp_path, second, flagged):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "p.txt").write_text(
        "某县水利发展资金项目支出绩效自评报告\n市财政局呼财农指【2023】10号文件《关于下达2023年水利发展资金预算的通知》，"
        f"下达某县2023年资金2263万元。市财政局{second}文件《关于下达2023年衔接资金的通知》，下达某县2023年资金791万元。\n",
        encoding="utf-8")
    db = tmp_path / "x.duckdb"
    assert CliRunner().invoke(cli, ["run", str(folder), "--db", str(db), "--workers", "0", "--quiet"]).exit_code == 0
    assert query(db, "SELECT count(*) FROM facts WHERE metric = 'spend.project' AND kind = 'level'") == [(2,)]
    found = query(db, "SELECT count(*) FROM findings WHERE \"check\" = 'conflict'")[0][0]
    assert (found > 0) is flagged




def test_when_a_change_gives_its_rate_in_a_bracket_that_does_not_fit_then_it_is_a_finding(tmp_path):
    db = run_db(tmp_path, "2022年公务接待费2.30万元，较上年减少1.5万元(42.86%)，主要原因是厉行节约。\n")
    assert "spend.reception" in {m for (m,) in query(db, "select metric from findings")}
