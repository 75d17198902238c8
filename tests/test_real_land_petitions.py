"""Real pages of 征地拆迁 news, 信访 bulletins and work reports (tests/cases/real/batchC, batchD,
batchF): wordings the rules missed at first, each case a sentence shaped like one on those pages
(not copied from one), run through the whole per-file pipeline (process_file) on a real file.
"""
from __future__ import annotations

from decimal import Decimal


from pipeline.process import process_file
from pipeline.rules import load_rules

HEAD = "某县征地服务中心2022年度工作总结\n"


def levels(tmp_path, body: str) -> set[tuple[str, Decimal]]:
    """(metric, value) of the level and target facts of a report made of HEAD and ``body``."""
    path = tmp_path / "r.txt"
    path.write_text(HEAD + body, encoding="utf-8")
    ex = process_file(path, load_rules())
    return {(f.metric, f.value) for f in ex.facts if f.kind in ("level", "target")}


# --- petitions ---------------------------------------------------------------------------------

def test_when_a_petition_count_has_a_magnitude_then_it_is_read(tmp_path):
    got = levels(tmp_path, "全年各级领导接待来访群众达到3千余批次，做到件件有回音。\n")
    assert ("petitions.count", Decimal("3000")) in got


def test_when_petitioners_visit_in_batches_then_the_batches_are_counted_not_the_people(tmp_path):
    got = levels(tmp_path, "本月，群众到市走访86批1402人次，群众进京走访0人次。\n")
    assert ("petitions.count", Decimal("86")) in got
    assert not any(m == "petitions.count" and v in (Decimal("1402"), Decimal("0")) for m, v in got)


# --- buildings ---------------------------------------------------------------------------------

def test_when_houses_are_pulled_down_by_the_building_then_they_are_demolished_buildings(tmp_path):
    got = levels(tmp_path, "截至8月底，拆迁户签约96户，已签协议房屋倒房14栋，另有倒房9户待核。\n")
    assert ("buildings.demolished", Decimal("14")) in got
    assert ("buildings.demolished", Decimal("9")) not in got


# --- projects ----------------------------------------------------------------------------------

def test_when_projects_that_need_land_or_demolition_are_counted_then_each_count_is_read(tmp_path):
    got = levels(tmp_path, "今年全县共安排县级项目40个，其中15个项目需征地，9个项目需要拆迁。\n")
    assert {("projects.count", Decimal("15")), ("projects.count", Decimal("9"))} <= got


def test_when_projects_are_counted_by_what_they_need_then_the_counts_are_no_parts_to_add_up(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(HEAD + "今年全县共安排县级项目40个，其中15个项目需征地，9个项目需要拆迁。\n", encoding="utf-8")
    ex = process_file(path, load_rules())
    assert {f.value for f in ex.facts if f.metric == "projects.count" and f.kind == "level"} >= {Decimal("15"), Decimal("9")}
    assert not [f for f in ex.facts if f.metric == "projects.count" and f.kind == "part"]


# --- counts spelled as words ---------------------------------------------------------------------

def test_when_one_household_is_named_in_words_then_it_is_no_count(tmp_path):
    body = "全区共签订房屋拆迁协议26户；其中某广场项目红线内最后一户农户完成了拆迁协议签订。\n"
    got = levels(tmp_path, body)
    assert ("households.signed", Decimal("26")) in got
    assert ("households.signed", Decimal("1")) not in got


# --- sub-areas ---------------------------------------------------------------------------------

def test_when_a_group_is_named_after_the_office_then_its_figures_are_a_sub_areas(tmp_path):
    body = ("截至目前，涉及被征收户300户，已经签约240户，签约率80%，其中，机关组60户，已签约58户，签约率97%；"
            "东街组240户，已签约182户，签约率76%。\n")
    got = levels(tmp_path, body)
    assert ("households.signed", Decimal("240")) in got
    assert not {("households.signed", Decimal("58")), ("households.signed", Decimal("182"))} & got


# --- land --------------------------------------------------------------------------------------

def test_when_an_area_is_about_so_much_then_it_is_read_as_approximate(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(HEAD + "新区一期征地面积约为2600亩，涉及四个村812户。\n", encoding="utf-8")
    ex = process_file(path, load_rules())
    got = [f for f in ex.facts if f.metric == "land.acquired" and f.kind in ("level", "target")]
    assert [(f.value, f.approx) for f in got] == [(Decimal("2600"), True)]


def test_when_signed_households_have_not_moved_out_then_that_remainder_is_no_signing_count(tmp_path):
    got = levels(tmp_path, "全年共1200户，已签约1150户。目前仍有5户未签约，80户已签约未腾房。\n")
    assert ("households.signed", Decimal("1150")) in got
    assert ("households.signed", Decimal("80")) not in got


# --- periods -----------------------------------------------------------------------------------

def test_when_a_clause_opens_with_one_month_then_its_figure_is_that_months(tmp_path):
    body = "今年需完成征拆6000户，7月签约152户。1至7月，全区累计签订协议1310户。\n"
    got = levels(tmp_path, body)
    assert ("households.signed", Decimal("1310")) in got
    assert ("households.signed", Decimal("152")) not in got


def test_when_projects_are_named_by_the_land_they_hand_over_then_they_are_counted(tmp_path):
    got = levels(tmp_path, "此外，512个征迁交地项目完成交地20417.5亩。\n")
    assert {("projects.count", Decimal("512")), ("land.cleared", Decimal("20417.5"))} <= got


def test_when_a_mayors_line_takes_calls_then_the_calls_are_petitions(tmp_path):
    got = levels(tmp_path, "全年共受理群众电话6120件，除直接解释答复外，需办理5832件，办结5100件。\n")
    assert ("petitions.count", Decimal("6120")) in got
    assert not {("petitions.count", Decimal("5832")), ("petitions.count", Decimal("5100"))} & got


# --- budget pages ------------------------------------------------------------------------------

def test_when_a_budget_page_opens_its_income_section_then_the_years_budget_there_is_income(tmp_path):
    body = ("（一）收入预算：2025年年初预算数2816.40万元，其中：一般公共预算拨款2816.40万元。\n"
            "（二）支出预算：2025年年初预算数2816.40万元，其中：一般公共服务支出2816.40万元。\n")
    got = levels(tmp_path, body)
    assert {("income.total", Decimal("28164000")), ("spend.total", Decimal("28164000"))} <= got


def test_when_a_chain_opens_with_last_week_then_its_figures_are_the_weeks_until_a_running_total(tmp_path):
    body = ("上周，全区征迁攻坚取得新进展，完成房屋拆除12栋。\n"
            "截至11月底，全区共完成房屋拆除300栋，上周新增签约12户，累计签约860户。\n")
    got = levels(tmp_path, body)
    assert {("buildings.demolished", Decimal("300")), ("households.signed", Decimal("860"))} <= got
    assert ("buildings.demolished", Decimal("12")) not in got
