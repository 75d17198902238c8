"""Real pages, staffing and organisation (second round): the wordings and layouts of tests/cases/real
that the first round of staff rules missed.

Each case is a sentence or a table shaped like one on a real page, not copied from one, run through
the whole per-file pipeline (process_file) on a real file, or through `jixiao run` into a real DuckDB.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.process import process_file

HEAD = "某县某某中心2022年度部门整体支出绩效自评报告\n"


@pytest.fixture(autouse=True)
def _rules(ruleset):
    pytest.ruleset = ruleset


def facts(tmp_path, body: str, name: str = "r.txt"):
    path = tmp_path / name
    path.write_text(HEAD + body, encoding="utf-8")
    return process_file(path, pytest.ruleset)


def levels(extraction, metric: str) -> set[Decimal]:
    return {f.value for f in extraction.facts if f.metric == metric and f.kind in ("level", "target")}


def test_when_a_kind_of_staffing_follows_the_list_of_another_kinds_posts_then_both_are_kinds_not_the_whole(tmp_path):
    # 行政编制N名，其中<posts>；事业编制M名: the 事业编制 closes the 其中 list of the 行政编制, it is no part of it
    ex = facts(tmp_path, "截至年末，本局共有行政编制21名，其中局长1名、副局长2名、股室负责人6名；事业编制8名（下属中心）。\n")
    assert levels(ex, "staff.authorized") == set()
    assert {f.value for f in ex.facts if f.metric == "staff.authorized" and f.kind == "part"} == {Decimal("21"), Decimal("8")}


def test_when_a_retired_count_in_a_list_of_headcounts_drops_its_unit_then_it_is_read_in_persons(tmp_path):
    ex = facts(tmp_path, "本中心核定编制12名，在职人员11人，离退休6，编外聘用2人。\n")
    got = [f for f in ex.facts if f.metric == "staff.retired" and f.kind == "level"]
    assert [(f.value, f.unit) for f in got] == [(Decimal("6"), "person")]
    # alone, with no headcount before it, a bare number after 离退休 is not read
    alone = facts(tmp_path, "离退休6，编外聘用2人。\n", "b.txt")
    assert levels(alone, "staff.retired") == set()


def test_when_the_count_of_offices_comes_before_their_names_then_it_is_the_departments(tmp_path):
    ex = facts(tmp_path, "机构设置\n学校机关设置6个，办公室、教务处、政教处、总务处、初一年级组、初二年级组。\n")
    assert levels(ex, "org.departments") == {Decimal("6")}


def test_when_a_headcount_table_is_flattened_one_cell_per_line_then_each_column_header_names_its_figure(tmp_path):
    # 人员情况表: a caption, the headers, then the figures in the headers' order (a ratio column among them)
    body = ("附表1\n\n人员配备情况（人）\n\n核定编制数\n\n2022年在职人数\n\n超编率\n\n30\n\n33\n\n110.00%\n\n"
            "经费情况（万元）\n\n2022年预算数\n\n")
    ex = facts(tmp_path, body)
    assert levels(ex, "staff.authorized") == {Decimal("30")}
    assert levels(ex, "staff.actual") == {Decimal("33")}


def test_when_a_headcount_tables_staff_group_counts_retirees_then_its_subtotal_is_no_staff_in_post(tmp_path):
    # rows open with the unit's name (单位名称); 实有人数 heads 小计 / 在职人数 / 离退休人数; the 合计 row is the unit's
    body = ("二、人员情况\n\n单位名称\n\n编制数\n\n实有人数\n\n小计\n\n在职人数\n\n离退休人数\n\n"
            "某某站\n\n20\n\n31\n\n18\n\n13\n\n某某所\n\n10\n\n14\n\n9\n\n5\n\n合计\n\n30\n\n45\n\n27\n\n18\n\n三、收支情况\n")
    ex = facts(tmp_path, body)
    assert levels(ex, "staff.authorized") == {Decimal("30")}
    assert levels(ex, "staff.actual") == {Decimal("27")}  # not the 45 that counts the retirees
    assert levels(ex, "staff.retired") == {Decimal("18")}


def test_when_a_headcount_counts_hired_and_temporary_workers_in_then_its_part_on_the_establishment_is_the_staff_too(tmp_path):
    ex = facts(tmp_path, "某镇卫生院现有职工26人，其中在编人员17人，县聘用3人，临时工6人。\n")
    got = {f.value: f for f in ex.facts if f.metric == "staff.actual" and f.kind == "level"}
    assert set(got) == {Decimal("26"), Decimal("17")}
    assert got[Decimal("17")].qualifier != got[Decimal("26")].qualifier  # two senses, never a conflict
    # a lone subset, with nobody else listed, stays a part of its total
    lone = facts(tmp_path, "年末实有人员32人，其中在编人员28人。\n", "b.txt")
    assert levels(lone, "staff.actual") == {Decimal("32")}


def test_when_a_hospital_counts_only_its_clinical_departments_then_it_is_no_count_of_its_departments(tmp_path):
    ex = facts(tmp_path, "医院设内科、外科、儿科、口腔科4个临床科室和检验科、药房等辅助科室。\n")
    assert levels(ex, "org.departments") == set()
    plain = facts(tmp_path, "医院设办公室、财务科、医务科3个科室。\n", "b.txt")
    assert levels(plain, "org.departments") == {Decimal("3")}
