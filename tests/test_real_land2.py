"""Real pages on land and household work, second round: the wordings of tests/cases/real (issue 9)
that the first round of tests/test_real_land.py left — a scope that the share of it done names the
whole, a task named after its figure, a subset of projects, a 其中 sentence breaking a task down, and
cue words after or before a figure (上楼, 交付施工单位).

Each case is a sentence shaped like one in tests/cases/real, not copied from one, run through the
whole per-file pipeline (process_file) on a real file; the facts a report's reader would see are
its levels and targets.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import extract_text, kinds

HEAD = "某区房屋征收服务中心2021年度征地拆迁工作报告\n"


def read(tmp_path, body: str):
    return extract_text(tmp_path, HEAD + body).facts


# --- a scope the share of it done names the whole ---------------------------------------------------

@pytest.mark.parametrize("body, task, done", [
    ("该项目共涉及住户400户，土地120亩。截至5月10日，共签订协议300户，占总户数的75%。\n", 400, 300),
    ("该地块涉及被征收户约250户。截至6月30日，已完成200户签约工作，完成率80%。\n", 250, 200),
])
def test_when_the_share_done_names_its_whole_the_total_then_the_scope_before_is_the_task(tmp_path, body, task, done):
    got = kinds(read(tmp_path, body), "households.signed")
    assert got.get(Decimal(task)) == "target"
    assert got.get(Decimal(done)) == "level"


# --- a task named after its figure --------------------------------------------------------------------

def test_when_words_after_a_figure_call_it_the_years_task_then_it_is_the_task_of_the_work_done_before(tmp_path):
    body = ("2021年全区累计完成棚户区改造（征收、协议签订）5200户，占全年任务的130%，"
            "超额完成4000户的全年改造任务。\n")
    got = kinds(read(tmp_path, body), "households.signed")
    assert got.get(Decimal(4000)) == "target"
    assert got.get(Decimal(5200)) == "level"


def test_when_a_task_figure_has_no_的_before_its_task_word_then_it_is_not_taken_as_the_years_task(tmp_path):
    body = "A片区已签约1500户（已完成2020年上级下达1200户任务），签约完成率为90%。\n"
    got = kinds(read(tmp_path, body), "households.signed")
    assert got.get(Decimal(1500)) == "level"
    assert Decimal(1200) not in got


# --- a subset of projects and a task broken down --------------------------------------------------

def test_when_fewer_projects_state_the_same_metric_later_in_the_sentence_then_theirs_is_a_subsets(tmp_path):
    body = "全年，512个征迁交地项目完成交地18000亩，拆迁9000户；31个逾期交地项目完成交地420亩。\n"
    got = kinds(read(tmp_path, body), "land.cleared")
    assert got.get(Decimal(18000)) == "level"
    assert got.get(Decimal(420)) == "sub"


def test_when_a_其中_sentence_breaks_down_the_task_before_then_its_figures_are_parts(tmp_path):
    body = ("据统计，全县今年计划完成征地任务近3000亩。其中，城区征地项目15个（包括：滨江路、东环路等），"
            "征地任务共1800亩；园区项目6个（包括：物流园、产业园等），征地任务共900亩。\n")
    got = kinds(read(tmp_path, body), "land.acquired")
    assert got.get(Decimal(3000)) == "target"
    assert got.get(Decimal(1800)) == "part"
    assert got.get(Decimal(900)) == "part"


# --- cue words ---------------------------------------------------------------------------------------

def test_when_households_have_moved_into_flats_then_they_are_resettled(tmp_path):
    body = "在1500个受影响住户中，320户已上楼或领取补偿；90户尚未交齐文件。\n"
    assert kinds(read(tmp_path, body), "households.resettled").get(Decimal(320)) == "level"


def test_when_land_is_handed_to_the_builders_then_it_is_land_cleared(tmp_path):
    body = "1、东环路、滨江公园清表交付施工单位215余亩，已开工建设。\n"
    assert kinds(read(tmp_path, body), "land.cleared").get(Decimal(215)) == "level"


def test_when_a_plan_lists_the_parcels_to_acquire_then_their_total_area_is_land_acquired_in_亩(tmp_path):
    body = "臺北市政府為興辦道路拓寬工程需要，擬徵收坐落某某段二小段10-2地號等4筆土地，合計面積 0.0120 公頃，請准予照案徵收。\n"
    assert kinds(read(tmp_path, body), "land.acquired").get(Decimal("0.18")) == "level"


# --- a sentence without a subject goes on with the sub-area before it ----------------------------

def test_when_a_sentence_has_no_subject_then_it_is_the_sub_area_named_before_it_on_its_line(tmp_path):
    body = ("一期征地面积约为2000亩，截至目前，发放征地款5000多万元。\n"
            "东村地块完成耕地丈量约300亩。坟墓共120穴已迁移80穴。累计发放征地款420万元。"
            "全区累计发放征地款5000万元。\n")
    got = kinds(read(tmp_path, body), "compensation.paid")
    assert got.get(Decimal(4200000)) == "sub"
    assert got.get(Decimal(50000000)) == "level"


def test_when_a_household_count_and_other_things_are_all_signed_then_the_households_are_signed(tmp_path):
    body = "目前，该地块累计交地60亩，12户民宅和3处厂房，0.8万平方米房屋全部签订征收补偿协议。\n"
    assert kinds(read(tmp_path, body), "households.signed").get(Decimal(12)) == "level"
