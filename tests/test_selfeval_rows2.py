"""Indicator rows of self-evaluation tables in layouts other 自评表 print (issue 11, third round):
each test builds a synthetic page of the layout — a text dump, or a Word table where the layout is
one — and asserts the rows read from it.
"""
from __future__ import annotations

from decimal import Decimal

from pipeline.process import process_file
from pipeline.rules import load_rules

RULES = load_rules()


def _rows(tmp_path, text: str, name: str = "page.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [x for x in process_file(path, RULES).indicators if x.layout != "execution"]


def test_when_a_second_header_line_splits_the_self_score_then_weight_and_score_are_its_columns(tmp_path):
    # a provincial template dumped with spaces: 自评得分 over 单项指标得分 | 权重占比 | 折算得分, 预期指标值
    # over 符号 | 单位, and the first line's 指标分值 over the rows' explanation words
    text = ("三、年度绩效指标完成情况 一级指标 二级指标 三级指标 指标分值 预期指标值 单项指标实际完成值 单项指标完成情况 自评得分\n"
            "符号 单位(文字描述) 单项指标得分 权重占比(%) 单项指标折算得分\n"
            "产出指标 质量指标 验收合格率 验收合格的工程占比 >= 95 %(百分比) 98% 完成 100.00 40.00 40.00\n"
            "满意度指标 服务对象满意度指标 服务对象满意度 受训人员的满意程度 >= 90 %(百分比) 93% 完成 100.00 20.00 20.00\n")
    got = [(x.level2, x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in _rows(tmp_path, text)]
    assert got == [("质量指标", "验收合格率", ">= 95 %(百分比)", "98%", Decimal(40), Decimal(40)),
                   ("服务对象满意度指标", "服务对象满意度", ">= 90 %(百分比)", "93%", Decimal(20), Decimal(20))]
