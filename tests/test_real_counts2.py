"""Real pages, second round: counted 征拆 projects, and the year a page without a titled year reports on.

A count summed over the kinds just counted (…项目合计N个) is the year's count of projects, and so are
old-town renewal sites (收尾N个基地); a backlog of overdue projects (N个逾期交地项目) is not. A page's year is the year it names most often — but not a form's
filing date (填报日期：…), a publication stamp (公开时间：…) or the name of a meeting held (召开的…年度…大会);
of two years named equally often, the one whose final accounts (决算) it states.

Each case is a sentence shaped like one in tests/cases/real (the real public pages), not copied
from one, run through the whole per-file pipeline (process_file) on a real file.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from real_db import extract_text, own_values

HEAD = "某区征地拆迁事务中心2022年度工作总结\n"


def extraction(tmp_path, text: str):
    return extract_text(tmp_path, text)


def counted(tmp_path, body: str, metric: str) -> set[Decimal]:
    """The values of ``metric`` the report states as its own (levels and targets)."""
    return own_values(extraction(tmp_path, HEAD + body).facts, metric)


# --- projects ------------------------------------------------------------------------------------

def test_when_projects_of_every_kind_are_summed_after_one_kind_then_the_sum_is_counted(tmp_path):
    body = "2022年，全区新启动房屋征收项目9个，新老项目合计31个，需拆迁800多户，拆除房屋面积近12万平方米。\n"
    assert Decimal("31") in counted(tmp_path, body, "projects.count")


@pytest.mark.parametrize("other", [
    "全年实施项目合计15个，年初预算安排征地经费300万元。",  # a budget's line items
    "全区涉及征地的建设项目合计20个，总投资85亿元。",  # a construction portfolio
])
def test_when_a_summed_count_of_projects_is_a_budgets_or_a_portfolios_then_it_is_not_read(tmp_path, other):
    body = "全年完成了26个重点项目的征地拆迁工作。" + other + "\n"
    assert counted(tmp_path, body, "projects.count") == {Decimal("26")}


def test_when_overdue_projects_are_counted_beside_the_years_projects_then_only_the_years_count(tmp_path):
    body = ("2022年，全区512个征迁交地项目完成交地21000亩，拆迁85万平方米；"
            "38个逾期交地项目完成交地420亩；51个逾期安置项目已回迁1800户。\n")
    got = counted(tmp_path, body, "projects.count")
    assert Decimal("512") in got
    assert not got & {Decimal("38"), Decimal("51")}


@pytest.mark.parametrize("body, value", [
    ("2022年，全区完成房屋征收4100户，收尾5个基地，带动面上签约96户。\n", "5"),
    ("2022年，全区完成房屋征收4100户，新启动旧改基地3个。\n", "3"),
])
def test_when_renewal_projects_are_counted_as_sites_then_the_count_is_read(tmp_path, body, value):
    assert Decimal(value) in counted(tmp_path, body, "projects.count")


def test_when_sites_are_built_or_of_another_trade_then_they_are_no_projects(tmp_path):
    body = "2022年，全区完成房屋征收4100户，建成2个安置房基地，启动3个就业培训基地。\n"
    assert counted(tmp_path, body, "projects.count") == set()


# --- the report's year ---------------------------------------------------------------------------

def test_when_a_news_page_names_a_meeting_of_the_next_year_then_its_year_is_the_year_of_the_work(tmp_path):
    text = ("本报讯 2021年，全市征迁安置工作成效明显，全市86个重点项目全面完成征迁清零，拆迁住宅2400户。\n"
            "在1月12日召开的全市2022年度重点项目征迁攻坚推进大会上，市征收办负责人作了通报。\n")
    ex = extraction(tmp_path, text)
    assert ex.meta.year == 2021
    assert Decimal("86") in {f.value for f in ex.facts if f.metric == "projects.count" and f.kind == "level"}


@pytest.mark.parametrize("stamp", ["填报日期：2023年5月6日", "公开时间:2023年9月30日"])
def test_when_a_page_has_a_filing_or_publication_date_then_it_is_not_the_report_year(tmp_path, stamp):
    text = f"某乡人民政府部门决算公开\n{stamp}\n第二部分 2022年度部门决算情况说明\n本年支出合计135.6万元。\n"
    assert extraction(tmp_path, text).meta.year == 2022


def test_when_two_years_are_named_equally_often_then_the_year_of_the_final_accounts_wins(tmp_path):
    text = ("记者从市林业局了解到，2020年市林业局“三公”经费财政拨款决算数为315.2万元，"
            "2021年“三公”经费财政拨款预算数为298.0万元。\n"
            "根据公开的说明，2020年“三公”经费中公务接待费42.6万元；2021年预算安排公务接待费40.0万元。\n")
    assert extraction(tmp_path, text).meta.year == 2020
