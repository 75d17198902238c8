"""Segmenting: sections, sentences and clauses with offsets; what a report says about itself."""
from __future__ import annotations

import pytest

from pipeline.model import Document
from pipeline.segment import clause_span, heading_level, load_layout, read_meta, sections, segment

TEXT = (
    "2021年度甲乙县征地服务中心部门整体支出绩效自评报告\n"
    "一、部门概况\n"
    "（一）基本情况\n"
    "中心核定编制25名。在职人员23人！退休人员5人？\n"
    "1、拟订征地方案；\n"
    "二、支出情况\n"
    "基本支出情况\n"
    "2021年实际支出600万元，其中基本支出400万元。\n"
    "项目\t预算数\t决算数\n"
)


def doc(text: str = TEXT) -> Document:
    return Document("r.txt", "r.txt", "txt", text, "")


def test_every_sentence_is_its_own_span_of_the_text():
    sentences = segment(doc())
    assert sentences
    for s in sentences:
        assert TEXT[s.start:s.end] == s.text
        assert s.text == s.text.strip()


def test_sentences_end_at_chinese_stops_and_line_breaks():
    texts = [s.text for s in segment(doc())]
    assert "中心核定编制25名。" in texts
    assert "在职人员23人！" in texts
    assert "退休人员5人？" in texts
    assert "1、拟订征地方案；" in texts  # a numbered list item, not a heading


def test_headings_nest_by_level_and_give_sentences_their_section():
    sentences = segment(doc())
    by_text = {s.text: s for s in sentences}
    assert by_text["一、部门概况"].kind == "heading"
    assert by_text["中心核定编制25名。"].section == "一、部门概况 > （一）基本情况"
    assert by_text["2021年实际支出600万元，其中基本支出400万元。"].section == "二、支出情况 > 基本支出情况"
    assert by_text["项目\t预算数\t决算数"].kind == "row"


def test_sections_span_up_to_the_next_heading_of_their_level():
    found = {s.title: s for s in sections(segment(doc()))}
    first, second = found["一、部门概况"], found["二、支出情况"]
    assert first.end == second.start
    assert TEXT[first.start:first.start + 6] == "一、部门概况"
    assert found["（一）基本情况"].end <= second.start


@pytest.mark.parametrize("line, level", [
    ("一、部门概况", 1), ("（二）绩效目标完成情况", 2), ("(二)绩效目标", 2), ("3. 资金管理", 3), ("3、资金管理", 3),
    ("（1）人员情况", 4), ("附件5", 0), ("部门整体支出规模", 9),
    ("1、拟订征地方案；", None), ("一是年度签约1326户、拆房1201栋。二是…", None), ("3.99万元", None),
])
def test_heading_forms(line, level):
    assert heading_level(line, load_layout()) == level


def test_clause_span_stops_at_chinese_clause_marks():
    text = "基本支出预算：2020年预算数365.5万元，其中，一般公共服务365.5万元"
    start, end = clause_span(text, text.index("365.5"))
    assert text[start:end] == "2020年预算数365.5万元"


@pytest.mark.parametrize("text, unit, year, kind", [
    (TEXT, "甲乙县征地服务中心", 2021, "整体支出"),
    ("附件3\n\n桃江县征地拆迁安置与房屋征收补偿事务中心2024年度部门整体支出绩效报告\n一、部门概况\n", "桃江县征地拆迁安置与房屋征收补偿事务中心", 2024, "整体支出"),
    ("株洲市自然资源和规划局征地事务中心\n2021年度部门整体支出绩效自评报告\n", "株洲市自然资源和规划局征地事务中心", 2021, "整体支出"),
    ("２０２３年度项目支出绩效自评报告\n乙县房屋征收办公室承担…\n", None, 2023, "项目支出"),
    ("2022年部门整体支出绩效评价报告\n一、部门概况\n市征收安置事务中心成立于2021年。\n2、怀化市征收安置事务中心主要职责:\n"
     "市征收安置事务中心贯彻落实…", "怀化市征收安置事务中心", 2022, "整体支出"),
    # no report-type word: a 项目名称 field or a 项目自评 title makes it a project's self-evaluation,
    # unless a department word stands anywhere in the opening
    ("绩效目标自评表 | ||||\n(2022年度) | ||||\n项目名称 | 乙村道路维修补助 | 实施单位 | 甲镇人民政府 |\n", None, 2022, "项目支出"),
    ("2020年度学生资助项目自评结果\n一、自评结论\n", None, 2020, "项目支出"),
    ("绩效自评表\n部门整体支出情况\n项目名称 | 甲 |\n", None, None, "整体支出"),
    ("（预算单位盖章）\n本部门编制数9人。2018年决算基本支出285.6万元。2018年共新启动项目16个。2019年计划…", None, 2018, None),
])
def test_report_metadata_from_title_and_opening(text, unit, year, kind):
    meta = read_meta(doc(text))
    assert (meta.unit, meta.year, meta.report_type) == (unit, year, kind)
