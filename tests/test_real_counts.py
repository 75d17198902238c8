"""Real pages: counted things — 征拆 projects and petitions.

A count of projects is of 征拆 projects only when its wording names that work; a construction
portfolio's projects (ranked, one of N, their land-use paperwork, counted by investment) and a
budget's line items are not. Projects cleared (清零), a year's task counted in projects and a list
of project counts by kind are read. Petitions are read by hotline calls, 来电 and 群众诉求; a kind's
count after 其中 or 分为, or followed by its share, is a part of a total stated before it.

Each case is a sentence shaped like one in tests/cases/real (the real public pages), not copied
from one, run through the whole per-file pipeline (process_file) on a real file.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import extract_text, own_values

from pipeline.cues import load_cues
from pipeline.errors import RuleError

HEAD = "某区征地拆迁事务中心2022年度工作总结\n"


def counted(tmp_path, body: str, metric: str) -> set[Decimal]:
    """The values of ``metric`` the report states as its own (levels and targets)."""
    return own_values(extract_text(tmp_path, HEAD + body).facts, metric)


# --- projects: only 征拆 projects --------------------------------------------------------------

@pytest.mark.parametrize("other", [
    "本区作为责任单位的15个市重点项目建设完成量排名全市第二。",  # a ranking of construction
    "滨江路改造是全市实施“双轮”驱动的12个重点项目之一。",  # one of a portfolio
    "完成了城西大道、滨河路等9个重点项目1200亩用地的组卷上报工作。",  # land-use paperwork
    "今年全县在建投资5000万元以上重点项目120个，计划投资80亿元。",  # counted by investment
    "全年共安排58个重点建设项目，总投资120亿元。",  # construction projects, no 征拆 named
    "全年实施项目共12个（含上年结转项目3个），年初批复预算6个项目420万元。",  # budget line items
])
def test_when_projects_of_a_construction_portfolio_or_a_budget_are_counted_then_they_are_no_zhengchai_projects(
        tmp_path, other):
    body = "全年完成了26个重点项目的征地拆迁工作。" + other + "\n"
    assert counted(tmp_path, body, "projects.count") == {Decimal("26")}


@pytest.mark.parametrize("body, values", [
    ("2022年完成征地4210亩，房屋拆迁380栋，25个项目清零。\n", {"25"}),
    ("按照今年的工作目标，力争拆除15万平方米，清零项目6个。\n", {"6"}),
    ("今年以来，已经清零3个项目，累计拆除房屋约9000平方米。\n", {"3"}),
    ("完成房屋征收620户，其中4个新增棚改项目完成600户，2个棚改清零项目完成清零20户。\n", {"4", "2"}),
    ("2022年市区城市建设项目征地拆迁工作任务，共120个项目，涉及总征地量9800亩。\n", {"120"}),
    ("2022年我县纳入双征计划任务共25个（含上年结转项目6个），共需征地1200亩。\n", {"25"}),
    ("目前，全区共有12个未完成征收“清零”任务，涉及自然户900户。\n", {"12"}),
    ("截至2022年12月31日，12个城市建设项目、3个交通项目、1个供水项目，本期完成土地收储80亩。\n", {"12", "3", "1"}),
    ("其中，城区征地项目12个（包括：滨河路、东环路等），征地任务共900亩；园区项目5个（包括：物流园、产业园等），"
     "征地任务共300亩。\n", {"12", "5"}),
])
def test_when_projects_are_cleared_tasked_or_listed_by_kind_then_each_count_is_read(tmp_path, body, values):
    assert counted(tmp_path, body, "projects.count") == {Decimal(v) for v in values}


def test_when_a_status_tally_of_a_stated_total_is_worded_as_a_state_then_only_the_total_counts(tmp_path):
    body = "全年共有扫尾项目30个，截至目前，9个项目已完成全面扫尾清零，彭家巷路等12个项目全面清零实现交地。\n"
    assert counted(tmp_path, body, "projects.count") == {Decimal("30")}


@pytest.mark.parametrize("budget", ["全年实施2个基建项目、3个信息化项目，支出120万元。",
                                    "全年实施信息化项目3个，分别为：门户网站运维、机房改造、档案数字化，支出85万元。"])
def test_when_a_list_of_project_kinds_stands_in_a_budget_sentence_then_it_is_not_read(tmp_path, budget):
    body = "全年征收土地600亩。" + budget + "\n"
    assert counted(tmp_path, body, "projects.count") == set()
    assert counted(tmp_path, body, "land.acquired") == {Decimal("600")}


def test_when_renewal_projects_are_counted_in_words_after_their_kind_then_the_count_is_read(tmp_path):
    body = "今年上级新增下达我区的棚户区改造项目两个，分别为东城棚户区改造项目和北岸棚户区改造项目。\n"
    assert counted(tmp_path, body, "projects.count") == {Decimal("2")}


# --- petitions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body, value", [
    ("全年受理各类来信来访件40件，接听热线电话310次。\n", "310"),
    ("今年1至10月，全县监督平台共受理群众诉求512件，已办结512件，办结率100%。\n", "512"),
])
def test_when_petitions_come_by_hotline_or_as_requests_then_they_are_counted(tmp_path, body, value):
    assert Decimal(value) in counted(tmp_path, body, "petitions.count")


@pytest.mark.parametrize("breakdown", [
    "信访件按来源分为市信访局交办30件，县级部门交办20件，网络舆情14件，来信12件，来访20件。",
    "其中反映违法占地70件，咨询办证14件，涉矿信访2件，其它问题10件。",
    "从反映方式来看，来访60件，占比62.5%；来电24件，占比25%；来信12件，占比12.5%。",
])
def test_when_a_petition_total_is_broken_down_in_the_next_sentence_then_only_the_total_counts(tmp_path, breakdown):
    body = "全年共受理各类信访96件，办结率100%。" + breakdown + "\n"
    assert counted(tmp_path, body, "petitions.count") == {Decimal("96")}


def test_when_officials_receive_visits_in_their_own_sessions_then_those_batches_are_not_the_units_count(tmp_path):
    body = "全年共登记信访问题900件。市领导20人次接访150批400人；全县乡镇负责人410人次共接访620批1100人次。\n"
    assert counted(tmp_path, body, "petitions.count") == {Decimal("900")}

# --- attribution.yaml context ------------------------------------------------------------------

@pytest.mark.parametrize("context, message", [
    ("context:\n  projects.count:\n    requires: [征]\n", "unknown keys"),
    ("context:\n  projects.total:\n    require: [征]\n", "unknown metric"),
])
def test_when_attribution_context_names_an_unknown_key_or_metric_then_loading_fails(tmp_path, context, message):
    (tmp_path / "attribution.yaml").write_text("after:\n  projects.count: [征拆项目]\n" + context, encoding="utf-8")
    with pytest.raises(RuleError, match=message):
        load_cues(tmp_path, frozenset({"projects.count"}), {})


def test_when_attribution_context_requires_words_then_the_metrics_cue_rule_carries_them(tmp_path):
    (tmp_path / "attribution.yaml").write_text(
        "after:\n  projects.count: [重点项目]\ncontext:\n  projects.count:\n    require: [征, 拆]\n"
        "    forbid_before: [其中]\n", encoding="utf-8")
    rule = load_cues(tmp_path, frozenset({"projects.count"}), {}).rules["projects.count"]
    assert (rule.require, rule.forbid_before) == (("征", "拆"), ("其中",))
