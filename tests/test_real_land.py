"""Real pages on land, households, buildings and staff: the wordings of tests/cases/real that the
rules and cues missed or misread (issue 9).

Each case is a sentence shaped like one in tests/cases/real, not copied from one, run through the
whole per-file pipeline (process_file) on a real file; the facts a report's reader would see are
its levels and targets.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import extract_text, kinds

from pipeline.process import process_file
from pipeline.rules import load_rules

HEAD = "某县征地服务中心2021年度部门整体支出绩效自评报告\n"


def read(tmp_path, body: str):
    return extract_text(tmp_path, HEAD + body).facts


def counted(facts) -> set[tuple[str, Decimal]]:
    """(metric, value) of the facts that count as the unit's figures of the year."""
    return {(f.metric, f.value) for f in facts if f.kind in ("level", "target")}


# --- a part opened by 其中, named by a cue after it ------------------------------------------------

def test_when_a_bracketed_其中_figure_has_its_cue_after_it_then_it_is_a_part_not_a_second_level(tmp_path):
    facts = read(tmp_path, "对城南项目20户进行了安置（其中6户为货币化安置，14户为实物安置）。\n")
    assert ("households.resettled", Decimal(20)) in counted(facts)
    assert kinds(facts, "households.resettled").get(Decimal(6)) == "part"


# --- all of them done: 100% / 全部 / 均 between a figure and its cue -------------------------------

@pytest.mark.parametrize("body, metric, value", [
    ("城东片区完成整治，65幢房屋100%拆除，环境明显改善。\n", "buildings.demolished", 65),
    ("该路段共需拆迁沿线单位及住户52户，已全部签订了拆迁协议。\n", "households.signed", 52),
])
def test_when_a_figure_is_said_to_be_all_done_then_the_cue_after_the_saying_names_it(tmp_path, body, metric, value):
    assert (metric, Decimal(value)) in counted(read(tmp_path, body))


def test_when_a_figure_is_said_to_be_not_all_done_then_no_cue_names_it(tmp_path):
    facts = read(tmp_path, "全年签约30户。该路段共需拆迁住户52户，未全部签订拆迁协议。\n")
    assert ("households.signed", Decimal(30)) in counted(facts)
    assert ("households.signed", Decimal(52)) not in counted(facts)


def test_when_a_list_of_areas_ends_with_均_and_a_cue_then_every_item_is_that_cues(tmp_path):
    facts = read(tmp_path, "3、滨河路70亩，工业园二期180余亩均清表交地。\n")
    assert {("land.cleared", Decimal(70)), ("land.cleared", Decimal(180))} <= counted(facts)


def test_when_a_task_names_an_area_with_的_before_it_then_the_area_is_the_task(tmp_path):
    facts = read(tmp_path, "该地块系百日攻坚项目，任务为完成征收交地的96亩土地。\n目前累计交地80亩。\n")
    assert kinds(facts, "land.cleared").get(Decimal(96)) == "target"
    assert ("land.cleared", Decimal(80)) in counted(facts)


# --- a year alone on the line above -----------------------------------------------------------

def test_when_a_later_year_stands_alone_on_the_line_above_then_the_figure_is_that_years_plan(tmp_path):
    body = "2021年\n\n完成征地3200亩拆迁40万平方米\n\n2022年\n\n计划征地2800亩拆迁30万平方米\n"
    facts = read(tmp_path, body)
    assert ("land.acquired", Decimal(3200)) in counted(facts)
    assert kinds(facts, "land.acquired").get(Decimal(2800)) == "plan"


# --- 大户: a property's household --------------------------------------------------------------

def test_when_households_are_counted_in_大户_then_they_are_households(tmp_path):
    facts = read(tmp_path, "该项目全部完成签约，共计完成签约27大户，签约率100%。\n")
    assert ("households.signed", Decimal(27)) in counted(facts)


# --- a sub-area's task ---------------------------------------------------------------------------

def test_when_a_sub_areas_task_stands_beside_the_work_done_then_the_task_is_kept(tmp_path):
    body = "据悉，城关镇百日攻坚总征地任务250亩。\n截至目前，已征地260亩，完成104%。\n"
    facts = read(tmp_path, body)
    assert kinds(facts, "land.acquired").get(Decimal(250)) == "target"
    assert ("land.acquired", Decimal(260)) in counted(facts)


def test_when_one_periods_task_of_a_sub_area_stands_beside_the_units_work_then_it_is_set_aside(tmp_path):
    body = "从各片区完成任务情况来看：东区片区本期完成土地收储40亩。\n全年累计完成土地收储900亩。\n"
    facts = read(tmp_path, body)
    assert ("land.acquired", Decimal(900)) in counted(facts)
    assert ("land.acquired", Decimal(40)) not in counted(facts)


def test_when_a_sub_area_is_named_with_a_latin_letter_then_its_figure_is_the_sub_areas(tmp_path):
    body = "全区累计签订拆迁协议600户。其中，B地块已签订拆迁协议40户，拆除房屋12栋。\n"
    facts = read(tmp_path, body)
    assert ("households.signed", Decimal(600)) in counted(facts)
    assert kinds(facts, "households.signed").get(Decimal(40)) == "sub"


# --- a task found by the share of it done -----------------------------------------------------

def test_when_the_work_done_is_stated_with_its_share_then_the_task_it_is_a_share_of_is_found(tmp_path):
    body = ("片区内其他区域：需拆迁640户，共18万平方米。截至7月20日，已签订拆迁协议512户，"
            "占应签订拆迁协议户数的80%。\n")
    facts = read(tmp_path, body)
    assert kinds(facts, "households.signed").get(Decimal(640)) == "target"
    assert ("households.signed", Decimal(512)) in counted(facts)


def test_when_the_share_does_not_fit_or_the_whole_is_a_scope_then_no_task_is_found(tmp_path):
    body = ("需拆迁640户，共18万平方米。截至7月20日，已签订拆迁协议512户，占应签订户数的70%。\n"
            "征收范围内共涉及被征收户500户，全年完成签约400户，签约率80%。\n")
    facts = read(tmp_path, body)
    assert ("households.signed", Decimal(512)) in counted(facts)
    assert ("households.signed", Decimal(640)) not in counted(facts)
    assert ("households.signed", Decimal(500)) not in counted(facts)


# --- staff wordings ------------------------------------------------------------------------------

@pytest.mark.parametrize("body, metric, value, not_metric", [
    ("现有人数96人，其中：在职编制80人；离退休16人。\n", "staff.actual", 80, "staff.authorized"),
    ("现有在职在编行政人员4人，参公1人，机关工勤人员1人。\n", "staff.actual", 4, None),
    ("（二）人员结构情况：本馆事业编制核定数 26 名。实有事业人员 24 名、离退休人员 9 名。\n", "staff.authorized", 26, None),
    ("（二）人员结构情况：本馆事业编制核定数 26 名。实有事业人员 24 名、离退休人员 9 名。\n", "staff.actual", 24, None),
])
def test_when_staff_are_worded_with_their_establishment_then_the_right_headcount_is_read(tmp_path, body, metric, value,
                                                                                          not_metric):
    facts = read(tmp_path, body)
    assert (metric, Decimal(value)) in counted(facts)
    if not_metric:
        assert (not_metric, Decimal(value)) not in counted(facts)


def test_when_an_office_has_an_establishment_then_现有编制_stays_the_establishment(tmp_path):
    facts = read(tmp_path, "区征地办现有编制30名，在职人员28人。\n")
    assert {("staff.authorized", Decimal(30)), ("staff.actual", Decimal(28))} <= counted(facts)
    assert ("staff.actual", Decimal(30)) not in counted(facts)


# --- bare 补偿, 提供土地, and a task of 共需 ------------------------------------------------------

def test_when_land_provided_and_compensation_are_worded_bare_then_they_are_read(tmp_path):
    facts = read(tmp_path, "征地拆迁方面：已提供土地900亩，补偿2100万元；拆迁房屋30栋，补偿金额800万元。\n")
    assert {("land.cleared", Decimal(900)), ("compensation.paid", Decimal(21000000)),
            ("compensation.paid", Decimal(8000000))} <= counted(facts)


def test_when_buildings_are_still_to_be_pulled_down_then_their_count_is_the_task(tmp_path):
    facts = read(tmp_path, "该路段共需拆除房屋120栋、约3万平方米。\n全年拆除房屋80栋。\n")
    assert kinds(facts, "buildings.demolished").get(Decimal(120)) == "target"
    assert ("buildings.demolished", Decimal(80)) in counted(facts)


# --- a year that dates an application, and a 公顷 figure with its 亩 in brackets ---------------------

def test_when_a_year_dates_the_applications_then_the_land_they_took_is_the_years_and_公顷_is_read_in_亩(tmp_path):
    body = ("（二）2021年重点工作完成情况\n市本级2020年共上报三个批次的建设用地报件，征收集体土地10.5公顷"
            "（折合157.5亩），保障了重点项目用地。\n")
    facts = read(tmp_path, body)
    assert ("land.acquired", Decimal("157.5")) in counted(facts)
    assert kinds(facts, "land.acquired") == {Decimal("157.5"): "level"}


# --- an area the title names, and a share the page misstated ------------------------------------

def test_when_the_title_names_an_area_then_its_figures_are_the_reports_own_and_other_areas_stay_sub(tmp_path):
    path = tmp_path / "bulletin.txt"
    path.write_text("[第9期]城南和西岭地块征迁进展\n\n"
                    "西岭地块共需拆迁300户，共5万平方米。截至6月30日，已签订拆迁协议240户，占应签订拆迁协议户数的80%。\n"
                    "其中，北坡地块需拆迁50户，已签订拆迁协议45户，占应签订拆迁协议户数的90%。\n", encoding="utf-8")
    facts = process_file(path, load_rules()).facts
    assert kinds(facts, "households.signed").get(Decimal(300)) == "target"
    assert ("households.signed", Decimal(240)) in counted(facts)
    assert kinds(facts, "households.signed").get(Decimal(50)) == "sub"


def test_when_a_first_line_is_a_sentence_then_it_names_no_area_of_the_report(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("全区累计签订拆迁协议600户，B地块已签订拆迁协议40户。\n", encoding="utf-8")
    facts = process_file(path, load_rules()).facts
    assert ("households.signed", Decimal(600)) in counted(facts)
    assert kinds(facts, "households.signed").get(Decimal(40)) == "sub"


def test_when_the_stated_share_is_slightly_off_then_the_only_task_near_it_is_still_the_task(tmp_path):
    body = "片区内其他区域：需拆迁400户，共9万平方米。截至7月20日，已签订拆迁协议110户，占应签订拆迁协议户数的29%。\n"
    facts = read(tmp_path, body)
    assert kinds(facts, "households.signed").get(Decimal(400)) == "target"
    assert ("households.signed", Decimal(110)) in counted(facts)


def test_when_a_sub_areas_task_is_followed_by_its_work_done_and_share_then_the_work_done_is_the_sub_areas(tmp_path):
    body = ("片区内其他区域：需拆迁500户。截至7月20日，已签订拆迁协议400户，占应签订拆迁协议户数的80%。\n"
            "其中，北坡地块需拆迁60户，共2万平方米。截至7月20日，已签订拆迁协议45户，占应签订拆迁协议户数的75%。\n")
    facts = read(tmp_path, body)
    assert {("households.signed", Decimal(500)), ("households.signed", Decimal(400))} <= counted(facts)
    assert kinds(facts, "households.signed").get(Decimal(60)) == "sub"
    assert kinds(facts, "households.signed").get(Decimal(45)) == "sub"


def test_when_a_demolition_is_only_started_then_its_buildings_are_not_demolished(tmp_path):
    facts = read(tmp_path, "本月完成了仓库楼的拆除工作。同时，近期还启动了供销社、粮站等18栋房屋的拆除工作。\n"
                           "全年拆除房屋60栋。\n")
    assert ("buildings.demolished", Decimal(60)) in counted(facts)
    assert ("buildings.demolished", Decimal(18)) not in counted(facts)
