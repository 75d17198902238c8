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


HEADER = ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"]
BLOCK_ROWS = [  # a block whose first row's level-2 cell is no template word; a row of its name alone
    ["产出指标(50分)", "数量指标", "培训场次", "12场", "12场", "20"],
    ["", "", "结对帮扶覆盖全部村组", "", "", ""],
    ["", "质量指标", "合格率", "≥95%", "98%", "30"],
    ["满意度指标(10分)", "村民", "开展村民满意度回访", "", "", ""],
    ["", "", "回访满意率", "≥90%", "95%", "10"],
]


def _block_table(tmp_path, fmt):
    if fmt == "docx":
        from builders import make_docx
        path = make_docx(tmp_path / "table.docx", ["甲镇2023年帮扶项目绩效自评表", [HEADER] + BLOCK_ROWS])
    else:  # a web page's table: | between the cells, the blank ones too
        path = tmp_path / "table.txt"
        lines = [" | ".join(HEADER)] + [" | ".join(c for c in row if c) + " |" + "|" * (6 - len([c for c in row if c]))
                                        for row in BLOCK_ROWS]
        path.write_text("甲镇2023年帮扶项目绩效自评表\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return [(x.level1, x.level2, x.level3, x.target_text, x.score)
            for x in process_file(path, RULES).indicators if x.layout != "execution"]


def test_when_a_block_opens_with_an_unnamed_level2_cell_or_a_row_holds_its_name_alone_then_both_are_rows(tmp_path):
    for fmt in ("txt", "docx"):
        got = _block_table(tmp_path, fmt)
        assert ("产出指标", "数量指标", "结对帮扶覆盖全部村组", "", None) in got, fmt
        assert ("满意度指标", "村民", "开展村民满意度回访", "", None) in got, fmt
        assert got[-1] == ("满意度指标", "村民", "回访满意率", "≥90%", Decimal(10)), fmt


def test_when_a_one_cell_per_line_table_ends_inside_a_row_name_then_the_cut_name_is_no_row(tmp_path):
    # a page cut after the first characters of a row's name: no row of that piece; the rows before stay
    cells = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "得分",
             "产出指标", "数量指标", "指标1:抽检批次", "120批次", "126批次", "5",
             "效益指标", "可持续影响指标", "指标1:长"]
    got = [(x.level3, x.target_text, x.score) for x in _rows(tmp_path, "\n\n".join(cells) + "\n")]
    assert got == [("指标1:抽检批次", "120批次", Decimal(5))]


def test_when_a_tall_name_cell_pushes_its_values_below_the_next_row_then_each_row_gets_its_own(tmp_path):
    # a spreadsheet dumped with spaces: a name wrapped over two lines (…随访 | 人数) is printed before the
    # next row's name, and its values come first, the next row's after them
    text = ("一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
            "产出指标 数量指标 指标3:慢病患者随访 人数 指标4:入户宣传次数 300人 280人 4 3.5 12次 12次 2 2\n"
            "指标5:义诊活动 4次 5次 2 2\n")
    got = [(x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in _rows(tmp_path, text)]
    assert got == [("指标3:慢病患者随访人数", "300人", "280人", Decimal(4), Decimal("3.5")),
                   ("指标4:入户宣传次数", "12次", "12次", Decimal(2), Decimal(2)),
                   ("指标5:义诊活动", "4次", "5次", Decimal(2), Decimal(2))]


def test_when_a_scoring_rubric_runs_its_cells_together_then_each_row_has_its_weight_and_score(tmp_path):
    # a doc-sharing site's copy of a 绩效评分表: 三级指标 | 分值 | 指标评价内容 | 得分 with nothing between the
    # cells; the level names and their points stand before a block's first row; the page ends in a row's words
    text = ("丙县财政局关于丁项目绩效评价报告。项目支出绩效评分表一级指标二级指标三级指标分值指标评价内容(评分办法)得分"
            "(20分)项目决策(8分)项目立项立项依据充分性4项目立项符合法律法规和发展规划4"
            "立项程序规范性4按规定程序申请设立,审批文件齐全3.5(12分)资金投入预算编制科学性6预算编制经过论证")
    got = [(x.level1, x.level2, x.level3, x.weight, x.score) for x in _rows(tmp_path, text)]
    assert got == [("项目决策", "项目立项", "立项依据充分性", Decimal(4), Decimal(4)),
                   ("项目决策", "项目立项", "立项程序规范性", Decimal(4), Decimal("3.5")),
                   ("项目决策", "资金投入", "预算编制科学性", Decimal(6), None)]


def test_when_a_page_cut_below_the_header_runs_names_and_targets_together_then_the_rows_are_read(tmp_path):
    # the second page of a provincial 自评表 (指标性质 | 指标值 | 度量单位 | 权重, the header on the page
    # before): level names where they change, each name and its target with nothing between, a blank, the weight
    # (a sentence above with one target and a figure after it is no row: a fragment holds two at least)
    text = ("全年计划培训覆盖率≥95% 30个乡镇全部完成。\n"
            "产出指标数量指标培训覆盖率≥95% 30 时效指标完成时限≤12月 30 满意度指标服务对象满意度指标群众满意度≥90% 40 "
            "合计100 评价结论按期完成。\n")
    got = [(x.level1, x.level2, x.level3, x.target_text, x.target_op, x.weight) for x in _rows(tmp_path, text)]
    assert got == [("产出指标", "数量指标", "培训覆盖率", "≥95%", "ge", Decimal(30)),
                   ("产出指标", "时效指标", "完成时限", "≤12月", "le", Decimal(30)),
                   ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "ge", Decimal(40))]



def test_when_a_pdf_dump_wraps_a_target_and_an_actual_at_the_column_width_then_they_stay_one_row(tmp_path):
    # a PDF's narrow columns wrap words into pieces of the column's width, the last piece shorter:
    # 提高区域 | 品牌知名 | 度排名 (target), 品牌知名 | 度提升 (actual), then the score
    text = ("三级指标 年初目标值 (A) 实际完成值 (B) 得分 参展企业数量 12 15 10 "
            "区域品牌影响 提高区域 品牌知名 度排名 品牌知名 度提升 10 资金拨付及时率 95% 100% 10\n")
    got = [(x.level3, x.target_text, x.actual_text, x.score) for x in _rows(tmp_path, text)]
    assert got == [("参展企业数量", "12", "15", Decimal(10)),
                   ("区域品牌影响", "提高区域 品牌知名 度排名", "品牌知名 度提升", Decimal(10)),
                   ("资金拨付及时率", "95%", "100%", Decimal(10))]
