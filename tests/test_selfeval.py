"""The self-evaluation table (issue 11): indicators read from .docx tables, PDF tables and
flattened text in both template layouts (the ministry's and a provincial one), and every planted
inconsistency found in each format — with no finding on the consistent tables.

The reports are built here (python-docx, reportlab, plain text); the table wording follows the
real pages quoted in the issue.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from builders import make_docx, make_pdf
from pipeline.process import process_file
from pipeline.rules import load_rules
from pipeline.run import run
from pipeline.selfeval.measure import missed, parse_measure

RULES = load_rules()
V, U = RULES.indicators, RULES.units

CONSISTENT = {
    "budget": "100", "adjusted": "100", "actual": "98", "rate": "98%", "exec_weight": "10", "exec_score": "9.8",
    "part": ("100", "100", "98"),
    "rows": [  # level1, level2, level3, comparator, target, unit, actual, weight, score, note
        ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥", "50", "个", "50", "20", "20", ""),
        ("", "质量指标", "验收合格率", "≥", "95", "%", "98", "15", "15", ""),
        ("", "成本指标", "项目成本", "≤", "90", "万元", "88", "15", "15", ""),
        ("效益指标", "社会效益指标", "服务效果", "", "效果明显", "", "效果明显", "30", "28", "个别环节有待改进"),
        ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥", "90", "%", "95", "10", "10", ""),
    ],
    "total": "97.8", "grade": "优",
}


def _with_row(i, **change):
    rows = [list(r) for r in CONSISTENT["rows"]]
    keys = ["l1", "l2", "l3", "op", "target", "unit", "actual", "weight", "score", "note"]
    for k, v in change.items():
        rows[i][keys.index(k)] = v
    return [tuple(r) for r in rows]


PLANTED = {  # name → (changes, the finding's rule id)
    "score_sum": ({"total": "95.8"}, "score.score_sum"),
    "score_over_weight": ({"rows": _with_row(4, score="12"), "total": "99.8"}, "score.score_over_weight"),
    "weight_total": ({"rows": _with_row(1, weight="20")}, "score.weight_total"),
    "full_marks_missed_target": ({"rows": _with_row(1, actual="93")}, "score.full_marks_missed_target"),
    "execution_rate": ({"actual": "90", "part": ("100", "100", "90")}, "ratio.execution"),
    "execution_score_rule": ({"exec_score": "6", "total": "94"}, "score.execution_score_rule"),
    "grade_band": ({"grade": "良"}, "score.grade_band"),
    "zero_total": ({"budget": "0", "adjusted": "0", "actual": "0", "rate": "0", "exec_score": "0", "total": "88"},
                   "zero.spend_project"),
}


def spec(name: str) -> dict:
    return {**CONSISTENT, **(PLANTED[name][0] if name != "consistent" else {})}


def ministry_blocks(s: dict) -> list:
    """The finance ministry's 项目支出绩效自评表: 分值 before 执行率; target with its comparator and unit."""
    rows = [["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
            ["年度资金总额", s["budget"], s["adjusted"], s["actual"], s["exec_weight"], s["rate"], s["exec_score"]],
            ["其中：本年财政拨款", *s["part"], "", "", ""]]
    table = [["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]]
    for l1, l2, l3, op, target, unit, actual, weight, score, note in s["rows"]:
        table.append(["", l1, l2, l3, f"{op}{target}{unit}", f"{actual}{unit}" if op else actual, weight, score, note])
    table.append(["总分", "", "", "", "", "", "100", s["total"], ""])
    return ["某单位2023年度项目支出绩效自评表", rows, table,
            f"经自评，本项目自评得分{s['total']}分，评价等级为“{s['grade']}”。"]


def provincial_blocks(s: dict) -> list:
    """A provincial variant: 执行率 before 权重; comparator and unit in their own columns."""
    rows = [["预算执行情况(10分)", "年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"],
            ["总额", s["budget"], s["adjusted"], s["actual"], s["rate"], s["exec_weight"], s["exec_score"]],
            ["其中：财政资金", *s["part"], "", "", ""]]
    table = [["绩效指标(90分)", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "完成值", "权重", "得分",
              "未完成原因分析"]]
    for l1, l2, l3, op, target, unit, actual, weight, score, note in s["rows"]:
        nature = {"≥": "≥", "≤": "≤", "": "定性"}[op]
        table.append(["", l1, l2, l3, nature, target, unit, actual, weight, score, note])
    table.append(["合计", "", "", "", "", "", "", "", "100", s["total"], ""])
    return ["部门预算项目支出绩效自评表(2023年度)", rows, table, f"自评得分{s['total']}分，自评等级：{s['grade']}。"]


def as_text(blocks: list, how: str) -> str:
    """Flatten like the real pages: `|` rows, one cell per line, or a space-separated dump."""
    out = []
    for b in blocks:
        if isinstance(b, str):
            out.append(b)
        elif how == "pipes":
            out += [" | ".join(r) + " |" for r in b]
        elif how == "lines":
            out += [c for r in b for c in r if c]
        else:
            out += [" ".join(c for c in r if c) for r in b]
    return "\n".join(out) + "\n"


LAYOUTS = {"ministry": (ministry_blocks, "spaces"), "provincial": (provincial_blocks, "lines")}


def write(folder: Path, layout: str, name: str, fmt: str) -> Path:
    blocks = LAYOUTS[layout][0](spec(name))
    path = folder / f"{layout}_{name}.{fmt}"
    if fmt == "docx":
        return make_docx(path, blocks)
    if fmt == "pdf":
        return make_pdf(path, blocks)
    path.write_text(as_text(blocks, LAYOUTS[layout][1]), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    """Every planted and consistent report in both layouts and three formats, run once."""
    folder = tmp_path_factory.mktemp("selfeval")
    for layout in LAYOUTS:
        for name in ["consistent", *PLANTED]:
            for fmt in ("txt", "docx", "pdf"):
                write(folder, layout, name, fmt)
    db = folder / "out.duckdb"
    run([folder], db, quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute('SELECT doc, rule_id, message FROM audit_findings').fetchall()
    indicators = con.execute("SELECT doc, count(*) FROM indicators GROUP BY doc").fetchall()
    evaluation = con.execute("SELECT doc, execution_rate, total_score, grade, indicators FROM self_evaluation").fetchall()
    con.close()
    return rows, dict(indicators), {r[0]: r[1:] for r in evaluation}


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_when_the_table_is_consistent_then_there_is_no_finding_and_every_row_is_read(findings, layout, fmt):
    rows, counts, evaluation = findings
    doc = f"{layout}_consistent.{fmt}"
    assert [r for r in rows if r[0] == doc] == []
    assert counts[doc] == 6  # the execution row and five indicators
    rate, total, grade, n = evaluation[doc]
    assert (Decimal(rate), Decimal(total), grade, n) == (Decimal("0.98"), Decimal("97.8"), "优", 6)


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("name", list(PLANTED))
def test_when_an_inconsistency_is_planted_then_it_is_found(findings, layout, fmt, name):
    rows = findings[0]
    doc = f"{layout}_{name}.{fmt}"
    got = {rule for d, rule, _ in rows if d == doc}
    assert PLANTED[name][1] in got, (doc, got)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_when_a_docx_table_is_read_then_each_value_keeps_its_table_cell(tmp_path, layout):
    ex = process_file(write(tmp_path, layout, "consistent", "docx"), RULES)
    rows = [x for x in ex.indicators if x.layout == "grid"]
    assert [x.level3 for x in rows] == ["基建工程委托业务项目数量", "验收合格率", "项目成本", "服务效果", "服务对象满意度"]
    first = rows[0]
    assert (first.target_op, first.target_value, first.target_unit) == ("ge", Decimal(50), "item")
    assert (first.weight, first.score, first.level1, first.block) == (Decimal(20), Decimal(20), "产出指标", "output")
    assert rows[1].level1 == "产出指标"  # a merged level-1 cell is carried down
    score = next(c for c in first.cells if c.role == "score")
    assert score.table is not None and score.row == 1 and ex.document.text[score.start:score.end] == "20"
    assert rows[3].target_value is None and rows[3].target_text == "效果明显"  # qualitative: text kept


# the real wording ---------------------------------------------------------------------

MINISTRY_DUMP = ("项目资金（万元） 年初预算数 全年预算数 全年执行数 分值 执行率 得分\n年度资金总额: 0 0 0 10 0 0\n"
                 "其中:本年财政拨款 90 89.974 89.974\n"
                 "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n"
                 "产出指标(50分) 数量指标 基建工程委托业务项目数量 ≥50个 50 8 8\n")

PROVINCIAL_PIPES = (
    "预算执行情况(10分) | 年度预算数(万元) | 年初预算 | 调整后预算数 | 预算执行数 | 预算执行率 | 权重 | 得分 | 原因 |\n"
    "| 总额 | 238.93 | 251.89 | 251.89 | 100.00% | 10 | 10 | |\n"
    "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析 |\n"
    "| 产出指标 | 数量指标 | 会议培训举办次数(次) | ≥ | 1 | 次 | 1 | 20 | 20 | |\n")


def _read(tmp_path, text):
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return process_file(path, RULES)


def test_when_the_ministry_template_is_a_space_dump_then_its_row_and_zero_total_are_read(tmp_path):
    ex = _read(tmp_path, MINISTRY_DUMP)
    row = next(x for x in ex.indicators if x.layout == "lines")
    assert (row.level1, row.level2, row.level3) == ("产出指标", "数量指标", "基建工程委托业务项目数量")
    assert (row.target_text, row.actual_value, row.weight, row.score) == ("≥50个", Decimal(50), Decimal(8), Decimal(8))
    # a row of 0 over a 其中 row that is not: the 其中 row's amounts are the unit's (no 项目支出 title),
    # the 0s stay as stated totals, each named by its column's amount (the zero check links them)
    amounts = [f for f in ex.facts if f.kind == "level" and f.metric == "spend.total"]
    assert sorted(f.value for f in amounts) == [Decimal("899740"), Decimal("899740"), Decimal("900000")]
    totals = {f.start for f in ex.facts if f.metric == "spend.total" and f.value == 0 and f.kind == "total"}
    assert len(totals) == 3 and {f.group for f in amounts} == totals
    assert [f.value for f in ex.facts if f.metric == "budget.execution_rate"] == [Decimal(0)]


# The header above the funds row gives its order (tests/cases/real/selfeval s006, s009: no 年初预算
# column; s007: 预算数 | 执行数 | 执行率 | 得分; s024: a space dump with 执行率 written without %).
HEADER_PIPES = ("绩效目标自评表 | |||||\n(2022年度) | |||||\n项目名称 | 乙村道路维修补助 | 实施单位 | 甲镇人民政府 | ||\n"
                "资金情况 (万元) |\n全年预算数(A) | 全年执行数(B) | 分值 | 执行率(B/A) | 得分 | ||\n"
                "年度资金总额: | 12.5 | 12.3 | 10 | 98.4% | 9.8 | ||\n其中:本年财政拨款 | 12.5 | 12.3 | 10 | 98.4% | 9.8 | ||\n")
HEADER_LINES = ("(就业补助)绩效目标自评表\n项目名称 |\n就业补助 |\n资金情况(万元) |\n|\n全年\n预算数(A) |\n全年执行数(B) |\n"
                "分值 |\n执行率(B/A) |\n得分 |\n||\n|\n年度资金总额: |\n40 |\n36 |\n10 |\n90% |\n9 |\n||\n")
FOUR_COLUMNS = ("2022年度项目支出绩效自评表\n项目名称 | 甲县耕地保护补助资金 | ||||\n"
                "预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) | ||||\n"
                "年度财政资金总额 | 150.5 | 75.25 | 50.00% | 10 | ||||\n")
SPACE_DUMP = ("附件 项目支出绩效自评表 (2022年度) 项目名称 甲经费 主管部门 乙县丙局 项目资金 (万元) 年初预算数 全年预算数 "
              "全年执行数 分值 执行率 得分 年度资金总额 80 85 85 10 100 10 其中:当年财政拨款 80 85 - 100 - 上年结转资金 - -\n")
# a header the row does not fit (a blank cell left no trace): nothing is read rather than guessed
UNFIT = ("资金投入情况\n行次 全年预算数\n(A)\n统筹整合资金数\n(B)\n全年到位资金\n(C)\n全年执行资金\n(D)\n执行率\n(D/A)\n"
         "年度资金总额(万元): 1 60.5\n60.5 45.0 74.38%\n")


@pytest.mark.parametrize("text, budget, actual, rate", [
    (HEADER_PIPES, ["125000"], ["123000"], "0.984"),
    (HEADER_LINES, ["400000"], ["360000"], "0.9"),
    (FOUR_COLUMNS, ["1505000"], ["752500"], "0.5"),
    (SPACE_DUMP, ["800000", "850000"], ["850000"], "1"),
])
def test_when_a_header_names_the_funds_row_columns_then_the_row_is_read_in_its_order(tmp_path, text, budget, actual,
                                                                                       rate):
    ex = _read(tmp_path, text)
    levels = [f for f in ex.facts if f.kind == "level" and f.rule_id == "table.fund_row"]
    assert {f.metric for f in levels} == {"spend.project", "budget.execution_rate"}  # a project's form
    assert sorted(str(f.value) for f in levels if f.basis == "budget") == budget
    assert sorted(str(f.value) for f in levels if f.basis == "actual") == actual
    assert [str(f.value) for f in levels if f.metric == "budget.execution_rate"] == [rate]


def test_when_the_funds_row_does_not_fit_its_header_then_nothing_is_read(tmp_path):
    # one cell short of the header: a blank 统筹整合资金数 only where 45.0 / 60.5 = 74.38% confirms it
    ex = _read(tmp_path, UNFIT.replace("74.38%", "80.00%"))
    assert [f for f in ex.facts if f.rule_id == "table.fund_row"] == []
    blank = _read(tmp_path, UNFIT)
    assert sorted(str(f.value) for f in blank.facts if f.rule_id == "table.fund_row") == ["0.7438", "450000", "605000"]
    full = _read(tmp_path, UNFIT.replace("1 60.5\n60.5 45.0", "1 60.5\n0 60.5 45.0"))  # every cell printed
    assert sorted(str(f.value) for f in full.facts if f.rule_id == "table.fund_row") == ["0.7438", "450000", "605000"]


def test_when_the_provincial_template_is_in_pipe_rows_then_rate_and_row_are_read(tmp_path):
    ex = _read(tmp_path, PROVINCIAL_PIPES)
    rates = [f.value for f in ex.facts if f.metric == "budget.execution_rate"]
    assert rates == [Decimal(1)]
    budget = sorted(f.value for f in ex.facts if f.metric == "spend.total" and f.basis == "budget")
    assert budget == [Decimal("2389300"), Decimal("2518900")]
    row = next(x for x in ex.indicators if x.layout == "grid")
    assert (row.target_op, row.target_value, row.target_unit, row.actual_value) == ("ge", Decimal(1), "item", Decimal(1))
    execution = next(x for x in ex.indicators if x.layout == "execution")
    assert (execution.actual_value, execution.weight, execution.score) == (Decimal(1), Decimal(10), Decimal(10))


def test_when_an_indicator_is_stated_in_prose_then_it_is_read(tmp_path):
    ex = _read(tmp_path, "群众满意度指标值≥95%，实际完成98%，得10分。自评得分95分，评价等级为“优”。\n")
    row = next(x for x in ex.indicators if x.layout == "prose")
    assert (row.target_op, row.target_value, row.actual_value, row.score) == ("ge", Decimal("0.95"), Decimal("0.98"), Decimal(10))
    assert ex.grade is not None and ex.grade.grade == "优"
    assert [f.value for f in ex.facts if f.metric == "score.self"] == [Decimal(95)]


@pytest.mark.parametrize("text, grade", [("评价等级为“优”", "优"), ("自评等级：良好", "良"), ("评价结果为合格", "中")])
def test_when_a_grade_is_stated_then_it_is_normalized(tmp_path, text, grade):
    assert _read(tmp_path, f"本项目{text}。\n").grade.grade == grade


# comparators --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, op, value, unit", [
    ("≥95%", "ge", "0.95", "ratio"), ("≤90万元", "le", "900000", "yuan"), ("=100%", "eq", "1", "ratio"),
    ("不低于98%", "ge", "0.98", "ratio"), ("95%以上", "ge", "0.95", "ratio"), ("100%", None, "1", "ratio"),
    ("≥50个", "ge", "50", "item"), ("不超过3天", "le", "3", "天"),
])
def test_when_a_target_is_parsed_then_comparator_value_and_unit_come_out(text, op, value, unit):
    m = parse_measure(text, V, U)
    assert (m.op, m.value, m.unit) == (op, Decimal(value), unit)


@pytest.mark.parametrize("text", ["达成预期指标", "效果明显", "按规定时限", ""])
def test_when_a_target_is_qualitative_then_its_text_is_kept_and_it_has_no_value(text):
    m = parse_measure(text, V, U)
    assert m.qualitative and m.text == text


@pytest.mark.parametrize("target, actual, want", [
    ("≥95%", "93%", True), ("≥95%", "95%", False), ("≤90万元", "92万元", True), ("≤90万元", "88万元", False),
    ("=100%", "99%", True), ("100%", "96%", True), ("≥50个", "50", False), ("≥50个", "48", True),
    ("效果明显", "效果明显", None), ("≥95%", "3天", None), ("90万元", "95万元", None),
])
def test_when_an_actual_is_compared_with_its_target_then_the_comparator_decides(target, actual, want):
    assert missed(parse_measure(target, V, U), parse_measure(actual, V, U), V) is want


# layouts of the real pages (tests/cases/real/selfeval), written anew here ---------------------

PIPES_HEADER_OVER_LINES = (  # a header cell per line, rows padded with empty cells, merged levels left out
    "绩 效 指 标 |\n一级指标 | 二级指标 | 三级指标 | 分值 |\n年度 指标值 |\n实际 完成值 |\n"
    "得分 | 偏差原因分析及改进措施 | ||||\n"
    "产 出 指 标 (40分) |\n数量指标 | 新建村级文化广场 | 20 | ≥6个 | 6个 | 20 | ||||\n"
    "其中新建篮球场 | 2个 | 2个 | |||||\n"
    "质量指标 | 工程验收合格率 | 20 | 100% | 100% | 20 | ||||\n")


def test_when_pipe_rows_break_over_lines_then_each_row_and_its_levels_are_read(tmp_path):
    ex = _read(tmp_path, "某镇2023年度项目支出绩效自评表\n" + PIPES_HEADER_OVER_LINES)
    rows = [x for x in ex.indicators if x.layout == "grid"]
    got = [(x.level1, x.level2, x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in rows]
    assert got == [
        ("产出指标", "数量指标", "新建村级文化广场", "≥6个", "6个", Decimal(20), Decimal(20)),
        ("产出指标", "数量指标", "其中新建篮球场", "2个", "2个", None, None),
        ("产出指标", "质量指标", "工程验收合格率", "100%", "100%", Decimal(20), Decimal(20)),
    ]


CELL_PER_LINE = (  # one cell per line ending in |, rows closed by | lines, the page cut inside the last row
    "一级指标 |\n二级指标 |\n三级指标 |\n分值 |\n年度指标值 |\n全年实际值 |\n得分 |\n|\n|\n"
    "产出指标(60分) |\n数量指标 |\n救助困难群众人数 |\n30 |\n>=120人 |\n118人 |\n30 |\n|\n|\n"
    "质量指标 |\n救助资金发放准确率 |\n30 |\n100% |\n100% |\n30 |\n|\n|\n"
    "满意度指标(10分) |\n服务对象满意度指标 |\n受助群众满意度 |\n10 |\n>=9")


def test_when_each_cell_is_a_line_then_rows_are_read_and_a_cut_row_keeps_its_first_cells(tmp_path):
    ex = _read(tmp_path, "2022年度临时救助绩效目标自评表\n" + CELL_PER_LINE + "\n")
    got = [(x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in ex.indicators if x.layout == "grid"]
    assert got == [
        ("救助困难群众人数", ">=120人", "118人", Decimal(30), Decimal(30)),
        ("救助资金发放准确率", "100%", "100%", Decimal(30), Decimal(30)),
        ("受助群众满意度", ">=9", "", Decimal(10), None),
    ]
    assert [x.level1 for x in ex.indicators if x.layout == "grid"] == ["产出指标", "产出指标", "满意度指标"]


LEADING_PIPES_NO_POINTS = (  # cells open with | on the next line; a level cell over two lines; no 分值/得分
    "绩效\n  指标\n  | 一级指标\n  | 二级指标\n  | 三级指标\n  | 指标值\n  | 实施进度\n  | \n"
    "产出指标\n  | 数量指标\n  | 开展宣传活动\n  | 至少3次\n  | 已完成\n  | |\n"
    "效益指标\n  | 社会效益\n  指标\n  | 群众知晓率\n  | 90%\n  | 已完成\n  | \n")


def test_when_a_table_has_targets_and_actuals_but_no_points_then_its_rows_are_read(tmp_path):
    ex = _read(tmp_path, "2021年度项目绩效自评报告\n" + LEADING_PIPES_NO_POINTS + "三、存在的问题\n")
    got = [(x.level2, x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in ex.indicators]
    assert got == [("数量指标", "开展宣传活动", "至少3次", "已完成", None, None),
                   ("社会效益指标", "群众知晓率", "90%", "已完成", None, None)]


SCATTERED_DUMP = (  # a spreadsheet flattened column by column: header words among the first rows' cells
    "项目支出绩效自评表 一级 指标 年度 实际 指标值 完成值 指标1:签约家庭 1200户 二级指标 三级指标 "
    "指标2:随访老年人 分值 得分 1180户 5 4.9 指标2:随访老年人 800人 812人 5 5 指标3:建立电子档案 3000份 3000份 5 5 质量指标")


def test_when_a_dump_scatters_the_header_then_the_rows_after_it_are_read(tmp_path):
    ex = _read(tmp_path, SCATTERED_DUMP + "\n")
    got = [(x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in ex.indicators if x.layout == "lines"]
    assert ("指标2:随访老年人", "800人", "812人", Decimal(5), Decimal(5)) in got
    assert ("指标3:建立电子档案", "3000份", "3000份", Decimal(5), Decimal(5)) in got


RUBRIC = (  # a scoring rubric: explanation and standard columns between the points and the score
    "序号 | 一级 指标 |\n二级 指标 |\n三级 指标 |\n指标分值 | 指标解释 | 指标说明及评分标准 | 自评得分 |\n"
    "1 | 决策 (20分) |\n目标设定 (8分) | 绩效目标 合理性 | 4 | 是否设置年度绩效目标，目标是否合理。 | 设置目标得2分；目标合理得2分。 |\n4 |\n"
    "2 | 绩效目标 明确性 | 4 | 目标是否明确、量化。 | 目标明确且量化得4分。 | 3 | ||\n")


def test_when_a_rubric_has_explanation_columns_then_points_and_score_are_read(tmp_path):
    ex = _read(tmp_path, "2023年度部门整体支出绩效评价自评表\n" + RUBRIC)
    got = [(x.level1, x.level2, x.level3, x.weight, x.score) for x in ex.indicators]
    assert got == [("决策", "目标设定", "绩效目标合理性", Decimal(4), Decimal(4)),
                   ("决策", "目标设定", "绩效目标明确性", Decimal(4), Decimal(3))]


# a funds block of label-then-figure pairs (Hebei: one line under its header; a central transfer-payment
# form: one cell per line, a colon after each label); the figure after the pairs is the rate only
# under a rate header
PAIRS_LINE = ("项目名称: 甲补贴 金额单位: 万元\n二、预算执行情况 预算安排情况(调整后) 资金到位情况 资金执行情况 预算执行进度(%)\n"
              "预算数 12.50 到位数 12.50 执行数 11.25 90.00\n其中:财政资金 12.50 其中:财政资金 12.50 其中:财政资金 11.25\n")
PAIRS_CELLS = "乙资金区域绩效目标自评表\n\n专项名称\n\n乙资金\n\n预算执行情况\n\n预算数:\n\n4.6\n\n执行数:\n\n4.6\n\n20\n\n其中:中央补助\n\n4.6 万元\n"


@pytest.mark.parametrize("text, budget, actual, rates", [
    (PAIRS_LINE, ["125000"], ["112500"], ["0.9"]),
    (PAIRS_CELLS, ["46000"], ["46000"], []),
])
def test_when_the_funds_block_is_label_figure_pairs_then_budget_actual_and_rate_are_read(tmp_path, text, budget,
                                                                                        actual, rates):
    ex = _read(tmp_path, text)
    rows = [f for f in ex.facts if f.rule_id == "table.fund_row"]
    assert sorted(str(f.value) for f in rows if f.metric == "spend.project" and f.basis == "budget") == budget
    assert sorted(str(f.value) for f in rows if f.metric == "spend.project" and f.basis == "actual") == actual
    assert [str(f.value) for f in rows if f.metric == "budget.execution_rate"] == rates


def test_when_the_self_score_is_a_form_cell_under_a_money_unit_then_it_is_read_in_points(tmp_path):
    # a summary form flattened one cell per line with `|`: the table's 单位：万元 scales its money,
    # not the score; the unit's own 自评等级 is its grade, not the evaluator's 评价等级 above it
    text = ("丙镇人民政府2023年丁项目\n绩效评价报告\n评价分值:85.2分评价等级:良 | ||||\n概要 | ||||\n评价机构(盖章):戊公司单位:万元、个 | ||||\n项目名称 |\n"
            "丁项目 |\n自评方式 |\n单位自评 |\n自评分值 |\n92.5 |\n自评等级 |\n优 | |||\n")
    ex = _read(tmp_path, text)
    scores = [f for f in ex.facts if f.metric == "score.self"]
    assert [(str(f.value), f.unit) for f in scores] == [("92.5", "point")]
    assert ex.grade.grade == "优"


def test_when_a_fragment_has_no_header_then_rows_of_the_template_shape_are_read(tmp_path):
    # a page cut below the header (Sichuan template: 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分,
    # 得分 left blank); a qualitative row breaks over two lines
    text = ("办理及时率 | = | 100 | % | 98 | 10 |\n|\n| |||\n成本指标 | 宣传经费 | = | 3 | 万元 | 3 | 10 |\n|\n| ||\n"
            "效益指标 | 社会效益指标 | 资料发放覆盖率 | ≥ | 85 | % | 90 | 20 |\n|\n| |\n"
            "可持续影响指标 | 长效机制健全性 | 定性 | 健全 |\n| 基本健全 | 10 |\n|\n| ||\n合计 | 100 |\n")
    ex = _read(tmp_path, text)
    rows = {x.level3: (x.target_text, x.target_op, x.actual_text, x.weight, x.score) for x in ex.indicators}
    assert rows == {"办理及时率": ("100", "eq", "98", Decimal(10), None),
                    "宣传经费": ("3", "eq", "3", Decimal(10), None),
                    "资料发放覆盖率": ("85", "ge", "90", Decimal(20), None),
                    "长效机制健全性": ("健全", None, "基本健全", Decimal(10), None)}


def test_when_pipe_rows_have_no_comparator_cells_then_no_template_row_is_read(tmp_path):
    text = "项目 | 2022年 | 2023年 | 增减 |\n人员经费 | 100 | 120 | 20 |\n公用经费 | 30 | 25 | 5 |\n"
    assert _read(tmp_path, text).indicators == [] or all(x.layout == "execution" for x in _read(tmp_path, text).indicators)


def test_when_a_dump_prints_the_funds_label_before_its_header_then_the_cells_after_the_header_are_read(tmp_path):
    # a PDF text dump of a city template: the row label, other form cells, the header, then the cells
    text = ("2021 年市级甲资金项目自评表 单位名称:乙局 项目名称 甲资金 预算执行 情况(万元) (20 分) 一级指标 年度财政 资金总额 "
            "项目实施单位 丙中心 □ 3、一次性项目 □ 预算数 (A) 执行数(B) 执行率(B/A) 得分 (20 分*执行率) 50.5 45.45 90% 18 "
            "三级指标 年初目标值 (A) 实际完成值 (B) 得分\n")
    rows = [f for f in _read(tmp_path, text).facts if f.rule_id == "table.fund_row"]
    assert sorted((f.metric, str(f.value), str(f.basis)) for f in rows) == [
        ("budget.execution_rate", "0.9", "None"), ("spend.project", "454500", "actual"), ("spend.project", "505000", "budget")]


def test_when_header_words_carry_their_annotations_as_cells_then_the_header_is_still_read(tmp_path):
    # a PDF dump splits 年初目标值 (A) / 实际完成值 (B) into cells of their own
    text = ("三级指标 年初目标值 (A) 实际完成值 (B) 得分 办理件数 200 230 10 办结及时率 95% 98% 10\n")
    rows = {x.level3: (x.target_text, x.actual_text, x.score) for x in _read(tmp_path, text).indicators}
    assert rows == {"办理件数": ("200", "230", Decimal(10)), "办结及时率": ("95%", "98%", Decimal(10))}


TRANSFER_HEAD = ["行次", "全年预算数 (A)", "统筹整合资金数 (B)", "扣除统筹整合资金后预算金额 (C)", "全年到位资金 (D)",
                 "预算到位 (D/C×100%)", "全年执行资金 (E)", "预算执行 (E/C×100%)"]
TRANSFER_ROWS = [["年度资金总额(万元):", "1", "40.000000", "", "40.000000", "40.000000", "100.00%", "30.000000", "75.00%"],
                 ["其中:中央财政资金(万元)", "2", "40.000000", "", "40.000000", "40.000000", "100.00%", "30.000000", "75.00%"]]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_when_a_transfer_form_leaves_a_column_blank_then_its_funds_row_is_read_by_the_header(tmp_path, fmt):
    # the transfer-payment form (资金投入情况): 行次 first, 统筹整合资金数 left blank, a 预算到位 % before
    # the 预算执行 (E/C×100%) rate; the 其中 row under it in the same columns
    blocks = ["甲县林业局2024年度乙资金项目绩效评价表", [["资金投入情况（万元）", *TRANSFER_HEAD], *TRANSFER_ROWS]]
    if fmt == "docx":
        path = make_docx(tmp_path / "form.docx", blocks)
    else:  # a web page flattened with spaces, the blank cell gone
        path = tmp_path / "form.txt"
        path.write_text("\n".join([blocks[0], "资金投入情况", "(万元)", " ".join(TRANSFER_HEAD)]
                                  + [" ".join(c for c in r if c) for r in TRANSFER_ROWS]) + "\n", encoding="utf-8")
    facts = [f for f in process_file(path, RULES).facts if f.rule_id == "table.fund_row"]
    assert sorted((f.metric, str(f.value), str(f.basis)) for f in facts if f.kind == "level") == [
        ("budget.execution_rate", "0.75", "None"), ("spend.project", "300000", "actual"),
        ("spend.project", "400000", "budget")]
    assert sorted(str(f.value) for f in facts if f.kind == "part") == ["300000", "400000"]


def test_when_a_block_title_holds_a_rate_word_then_the_funds_header_is_still_read_in_order(tmp_path):
    # 预算执行情况 titles the block; 预算执行 alone names the rate column of the transfer form
    text = ("2022年度项目支出绩效自评表\n预算执行情况(万元) (20分) | 预算数(A) | 执行数(B) | 执行率(B/A) | 得分 (20分*执行率) |\n"
            "年度财政资金总额 | 120.5 | 60.25 | 50.00% | 10 |\n")
    facts = [f for f in _read(tmp_path, text).facts if f.rule_id == "table.fund_row"]
    assert sorted((f.metric, str(f.value)) for f in facts) == [
        ("budget.execution_rate", "0.5"), ("spend.project", "1205000"), ("spend.project", "602500")]


SCORE_FORM = ("丙补助资金区域绩效目标自评表\n\n专项名称\n\n丙补助资金\n\n中央主管部门\n\n丁总局\n\n自评得分\n\n省级财政部门\n\n"
              "戊省财政厅\n\n省级主管部门\n\n戊省丁局\n\n{score}\n\n预算执行情况\n")


@pytest.mark.parametrize("score, expected", [("92", ["92"]), ("92.5分", ["92.5"]), ("120", [])])
def test_when_a_form_prints_the_self_score_after_the_rows_it_spans_then_it_is_read(tmp_path, score, expected):
    # a merged 自评得分 value cell, flattened one cell per line: the figure comes after the label | value
    # cells of the rows beside it; a figure above the full marks is no score
    ex = _read(tmp_path, SCORE_FORM.format(score=score))
    assert [str(f.value) for f in ex.facts if f.metric == "score.self"] == expected


def test_when_a_header_follows_the_self_score_label_then_no_form_score_is_read(tmp_path):
    # 自评得分 as an indicator table's header cell: the figure after it is a row's, not the total
    text = "三级指标\n\n指标分值\n\n指标解释\n\n自评得分\n\n1\n\n规划 (15分)\n"
    assert [f for f in _read(tmp_path, text).facts if f.metric == "score.self"] == []


SUMMARY_FORM = [["项目名称", "丁镇人民政府2023年戊项目"], ["自评分值", "95"], ["自评等级", "优"],
                ["各级资金 投入总数", "88.5"], ["抽查资金总数", "88.5"], ["资金抽查占比", "100%"]]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_when_an_evaluation_summary_form_states_the_funds_invested_then_it_is_the_project_spend(tmp_path, fmt):
    # an outside evaluator's summary form (评价概要表, 单位：万元): 各级资金投入总数 is the project's money
    title = "丁镇人民政府2023年戊项目\n绩效评价报告\n评价机构全称(盖章):己公司单位:万元、类、个"
    if fmt == "docx":
        path = make_docx(tmp_path / "summary.docx", [title, SUMMARY_FORM])
    else:  # a web page: one cell per line, each ending with |
        path = tmp_path / "summary.txt"
        path.write_text(title + " | ||||\n" + "".join(f"{a} |\n{b} |\n" for a, b in SUMMARY_FORM), encoding="utf-8")
    spend = [f for f in process_file(path, RULES).facts if f.metric == "spend.project"]
    assert sorted({str(f.value) for f in spend}) == ["885000"]


def test_when_a_header_has_a_second_line_of_sub_columns_then_its_words_are_no_row(tmp_path):
    # a two-line header flattened with spaces (自评得分 over 单项指标得分 | 权重占比 | 折算得分): the header
    # words of the second line are neither a row's name nor its target or actual
    text = ("四、年度绩效指标完成情况 一级指标 二级指标 三级指标 年度指标值 实际完成值 单项指标完成情况 自评得分\n"
            "单项指标得分 权重占比 折算得分\n"
            "产出指标 数量指标 发放人数 ≥500人 520人 完成 20 20 4.00\n")
    rows = _read(tmp_path, text).indicators
    assert [x.level3 for x in rows if x.layout != "execution"][:1] == ["发放人数"]
    cells = {t for x in rows for t in (x.level3, x.target_text, x.actual_text)}
    assert not cells & {"单项指标完成情况", "自评得分", "单项指标得分", "权重占比", "折算得分"}


def test_when_a_dump_prints_a_header_word_among_the_rows_then_it_is_no_level_name(tmp_path):
    # a PDF dump interleaves the header's cells with the rows: 二级指标 is a column's name, not a row's level
    text = "三级指标 年初目标值 实际完成值 得分 办理件数 200 230 10 二级指标 办结及时率 95% 98% 10\n"
    rows = [(x.level1, x.level2, x.level3) for x in _read(tmp_path, text).indicators if x.layout != "execution"]
    assert rows == [("", "", "办理件数"), ("", "", "办结及时率")]


def test_when_indicator_header_and_level_cells_follow_the_self_score_label_then_no_form_score_is_read(tmp_path):
    # one cell per line: 自评得分 heads a column of an indicator table, the figure below is a row's target
    text = "三级指标\n\n年度指标值\n\n自评得分\n\n偏差原因\n\n产出指标\n\n数量指标\n\n95\n"
    assert [f for f in _read(tmp_path, text).facts if f.metric == "score.self"] == []


# layouts of the second real set (tests/cases/real/selfeval2), written anew here ---------------

TRADITIONAL_GLOSSED_DUMP = (  # a traditional-script mirror with pinyin glosses, one row a line, cells by spaces
    "年度績效目標(biāo)(80分) 一級指標(biāo) 二級指標(biāo) 三級指標(biāo) 年初目標(biāo)值(A) 實際完成值(B) 得分\n"
    "產(chǎn)出指標(biāo) 數量指標(biāo) 舉辦專題講座 不少于12場 12場 8\n"
    "印發宣傳資料 5000份 4800份 7\n"
    "質量指標(biāo) 活動覆蓋率 穩步提升 穩步提升 6\n")


def test_when_a_traditional_page_glosses_its_words_then_rows_are_read_in_its_own_script(tmp_path):
    ex = _read(tmp_path, "2022年度宣傳經費項目自評表\n" + TRADITIONAL_GLOSSED_DUMP + "\n")
    got = [(x.level3, x.target_text, x.actual_text, x.score) for x in ex.indicators if x.layout != "execution"]
    assert got == [("舉辦專題講座", "不少于12場", "12場", Decimal(8)),
                   ("印發宣傳資料", "5000份", "4800份", Decimal(7)),
                   ("活動覆蓋率", "穩步提升", "穩步提升", Decimal(6))]
    assert all(x.quote == ex.document.text[x.start:x.end] for x in ex.indicators)


@pytest.mark.parametrize("ge, eq", [("≧", "═"), ("≥", "﹦")])
def test_when_comparator_cells_use_variant_glyphs_then_the_fragment_rows_are_read(tmp_path, ge, eq):
    # a 公开14表 whose header ran into the rows before it (no header read): 指标性质 cells printed ≧ / ═
    text = (f"| 年度 总体 目标 | 预期目标 | 实际完成情况 | 产出指标 | 数量指标 | 受资助学生人数 | {ge} | 600 | 人次 | 598 | 10 | 9 |\n"
            f"| 质量指标 | 补助发放准确率 | {eq} | 100 | % | 100% | 10 | 10 |\n")
    ex = _read(tmp_path, text)
    rows = [(x.level3, x.target_op, x.target_value, x.actual_text, x.weight, x.score) for x in ex.indicators]
    assert rows == [("受资助学生人数", "ge", Decimal(600), "598", Decimal(10), Decimal(9)),
                    ("补助发放准确率", "eq", Decimal(1), "100%", Decimal(10), Decimal(10))]


def test_when_a_header_runs_on_after_the_goal_cells_of_its_line_then_its_rows_are_read(tmp_path):
    # the ministry template flattened: 年度总体目标 cells, then the header, in one `|` line
    text = ("| 年度 总体 目标 | 预期目标 | 实际完成情况 | 建成村级服务站3个 | 建成村级服务站3个 | | 绩效指标 | 一级指标 | "
            "二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |\n|\n"
            "产出指标 | 数量指标 | 新建服务站 | ≥3个 | 3个 | 20 | 20 | 无 |\n"
            "时效指标 | 完工时限 | 2023年12月 | 2023年10月 | 10 | 10 | 无 |\n")
    ex = _read(tmp_path, text)
    rows = [(x.level2, x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in ex.indicators]
    assert rows == [("数量指标", "新建服务站", "≥3个", "3个", Decimal(20), Decimal(20)),
                    ("时效指标", "完工时限", "2023年12月", "2023年10月", Decimal(10), Decimal(10))]


def test_when_a_two_line_header_is_flattened_line_after_line_then_columns_take_the_rows_order(tmp_path):
    # 公开14表: the first header line (年度指标值 | 实际完成值 | 分值 | 得分 | …) before the second (一级指标 |
    # … | 指标性质 | 指标值 | 度量单位), the first row run on; one row as many cells as the columns by chance
    text = ("| 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 | "
            "指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 受助学生人数 | ≥ | 700 | 人次 | 702 | 10 | 10 |\n"
            "| 社会效益 指标 | 政策知晓率 | = | 100 | % | 98% | 10 | 9 | | 生态效益 指标 |\n")
    ex = _read(tmp_path, text)
    rows = [(x.level3, x.target_op, x.target_text, x.actual_text, x.weight, x.score) for x in ex.indicators]
    assert rows == [("受助学生人数", "ge", "700", "702", Decimal(10), Decimal(10)),
                    ("政策知晓率", "eq", "100", "98%", Decimal(10), Decimal(9))]


def test_when_a_row_is_cut_after_its_target_then_its_level_name_is_no_indicator(tmp_path):
    # a central transfer-payment form (no points columns); the page cut after the last row's target
    text = ("二级指标 | 三级指标 | 指标值 | 全年实际完成值 | 未完成原因和改进措施 | |\n产 出 指 标 |\n"
            "数量指标 | 享受救助人次 | ≥5000人次 | 6012 | |||\n质量指标 | 救助合规率 | 100")
    ex = _read(tmp_path, text + "\n")
    rows = [(x.level2, x.level3, x.target_text, x.actual_text) for x in ex.indicators]
    assert rows == [("数量指标", "享受救助人次", "≥5000人次", "6012"), ("质量指标", "救助合规率", "100", "")]


YUNNAN_DUMP_TARGETS_ONLY = (  # the 20+80 template as a space dump, a row a line, only the targets filled
    "年度绩效目标\n(80分)\n一级\n指标\n二级指标 三级指标 年初目标值(A) 实际完成值(B) 得分\n"
    "产出指标 数量指标 新建圈舍面积(平方米) 3000\n"
    "购置设备(台) 12\n"
    "质量指标 工程合格率(%) 95\n"
    "效益指标 年新增产值 (万元) 400\n"
    "带动农户数(户) 150\n"
    "总分\n")


def test_when_a_dump_prints_a_row_a_line_with_only_targets_then_each_line_is_one_row(tmp_path):
    ex = _read(tmp_path, "2021年度项目支出绩效自评表\n" + YUNNAN_DUMP_TARGETS_ONLY)
    rows = [(x.level3, x.target_value, x.actual_text, x.score) for x in ex.indicators if x.layout != "execution"]
    assert rows == [("新建圈舍面积(平方米)", Decimal(3000), "", None), ("购置设备(台)", Decimal(12), "", None),
                    ("工程合格率(%)", Decimal(95), "", None), ("年新增产值(万元)", Decimal(400), "", None),
                    ("带动农户数(户)", Decimal(150), "", None)]


MINISTRY_FUNDS_HEAD = ["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.parametrize("rate, actual, want", [("0.935", "37.4", "0.935"), ("0.5", "0.2", "0.005")])
def test_when_the_execution_rate_is_printed_without_its_percent_then_the_amounts_tell_fraction_from_percent(
        tmp_path, fmt, rate, actual, want):
    row = ["年度资金总额", "40", "40", actual, "10", rate, "9"]
    blocks = ["某局2022年度项目支出绩效自评表", [MINISTRY_FUNDS_HEAD, row]]
    if fmt == "docx":
        path = make_docx(tmp_path / "form.docx", blocks)
    else:  # the ministry template as a space dump
        path = tmp_path / "form.txt"
        path.write_text("\n".join([blocks[0], " ".join(MINISTRY_FUNDS_HEAD), " ".join(row)]) + "\n", encoding="utf-8")
    ex = process_file(path, RULES)
    assert [f.value for f in ex.facts if f.metric == "budget.execution_rate"] == [Decimal(want)]
    execution = [x for x in ex.indicators if x.layout == "execution"]
    assert [x.actual_value for x in execution] == [Decimal(want)]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_when_a_funds_cell_carries_its_own_wan_under_a_wan_yuan_header_then_it_is_scaled_once(tmp_path, fmt):
    # a central transfer-payment 绩效目标自评表: 资金投入情况(万元) | 全年预算数(A) | 全年执行数(B) | 预算执行率
    head = ["资金投入情况(万元)", "全年预算数(A)", "全年执行数(B)", "预算执行率(B/A×100%)"]
    row = ["年度资金总额:", "2150.5万", "2000万", "93%"]
    blocks = ["甲县医疗保障局2022年度中央对地方转移支付项目绩效目标自评表", [head, row]]
    if fmt == "docx":
        path = make_docx(tmp_path / "form.docx", blocks)
    else:
        path = tmp_path / "form.txt"
        path.write_text("\n".join([blocks[0], " | ".join(head) + " |", " | ".join(row) + " |"]) + "\n", encoding="utf-8")
    facts = [f for f in process_file(path, RULES).facts if f.metric == "spend.project"]
    assert sorted((str(f.basis), f.value) for f in facts) == [("actual", Decimal(20000000)),
                                                                ("budget", Decimal(21505000))]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.parametrize("unit, scale", [("万元", 10000), ("元", 1)])
def test_when_a_funds_row_leaves_its_first_budget_blank_then_the_rate_confirms_the_columns(tmp_path, fmt, unit, scale):
    # the ministry template with 年初预算数 left blank; the table's money unit stated in the header cell
    head = [f"项目资金 ({unit})", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
    row = ["年度资金总额", "", "50", "45", "10", "90.00%", "9"]
    blocks = ["某局2023年度项目支出绩效自评表", [head, row]]
    if fmt == "docx":
        path = make_docx(tmp_path / "form.docx", blocks)
    else:  # `|` cells, the label alone on its line, the blank cell gone
        path = tmp_path / "form.txt"
        path.write_text("\n".join([blocks[0], head[0] + " |", "| " + " | ".join(head[1:]) + " |", "年度资金总额 |",
                                   "| " + " | ".join(c for c in row[1:] if c) + " |"]) + "\n", encoding="utf-8")
    facts = process_file(path, RULES).facts
    assert sorted((f.metric, str(f.basis), f.value) for f in facts if f.rule_id == "table.fund_row") == [
        ("budget.execution_rate", "None", Decimal("0.9")),
        ("spend.project", "actual", Decimal(45 * scale)), ("spend.project", "budget", Decimal(50 * scale))]


CELL_PER_LINE_TOTAL_WITH_MARKS = (  # one cell per line between | lines; the total's label states the full marks
    "一级指标\n|\n二级指标\n|\n三级指标\n|\n年初目标值(A)\n|\n实际完成值(B)\n|\n得分\n|\n||||\n"
    "满意度指标(10分)\n|\n服务对象满意度指标\n|\n优抚对象满意率\n|\n95%\n|\n98%\n|\n10\n|\n||||\n"
    "总分(100分)\n|\n96\n|\n自评等级\n|\n优\n|\n||||||\n")


def test_when_the_total_label_states_the_full_marks_then_its_one_figure_is_the_score_and_no_row(tmp_path):
    ex = _read(tmp_path, "2022年度项目支出绩效自评表\n" + CELL_PER_LINE_TOTAL_WITH_MARKS)
    assert [(x.level3, x.target_text, x.actual_text, x.score) for x in ex.indicators] == [
        ("优抚对象满意率", "95%", "98%", Decimal(10))]
    assert [f.value for f in ex.facts if f.metric == "score.self"] == [Decimal(96)]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.parametrize("unit, scale", [("万元", 10000), ("元", 1)])
def test_when_a_form_pairs_planned_and_spent_funds_with_their_unit_then_budget_and_actual_are_read(
        tmp_path, fmt, unit, scale):
    # the Hunan 财政支出项目绩效评价自评报告 form: label / (unit) / figure, a cell a line
    pairs = [("计划安排资金", "80"), ("实际到位资金", "80"), ("实际支出", "72"), ("结余", "8")]
    title = "某县卫健局2021年度财政支出项目绩效评价自评报告"
    if fmt == "docx":
        path = make_docx(tmp_path / "form.docx", [title, [[c for label, fig in pairs for c in (f"{label}\n({unit})", fig)]]])
    else:
        path = tmp_path / "form.txt"
        path.write_text(title + "\n\n" + "\n\n".join(f"{label}\n\n({unit})\n\n{fig}" for label, fig in pairs) + "\n",
                        encoding="utf-8")
    facts = [f for f in process_file(path, RULES).facts if f.metric == "spend.project"]
    assert sorted((str(f.basis), f.value) for f in facts) == [("actual", Decimal(72 * scale)),
                                                                ("budget", Decimal(80 * scale))]


def test_when_a_fragment_of_targets_leaves_the_actual_blank_then_its_rows_are_read_in_the_template(tmp_path):
    # a Sichuan 部门预算项目支出绩效自评表 cut below its header, 完成值 and 得分 left blank; a compound unit
    text = ("宣传资料发放及时率 | = | 100 | % | 5 | ||||||\n"
            "成本指标 | 宣传资料印制成本 | ≤ | 20000 | 元 | 5 | |||||\n"
            "人均补助标准 | = | 2 | 元/人 | 5 | ||||||\n"
            "满意度指标 | 服务对象满意度指标 | 参保群众满意度 | ≥ | 90 | % | 10 | ||||\n合计 | 100 | |||||||||\n")
    ex = _read(tmp_path, text)
    rows = [(x.level3, x.target_op, x.target_value, x.target_unit, x.actual_text, x.weight, x.score)
            for x in ex.indicators]
    assert rows == [("宣传资料发放及时率", "eq", Decimal(1), "ratio", "", Decimal(5), None),
                    ("宣传资料印制成本", "le", Decimal(20000), "yuan", "", Decimal(5), None),
                    ("人均补助标准", "eq", Decimal(2), "元/人", "", Decimal(5), None),
                    ("参保群众满意度", "ge", Decimal("0.9"), "ratio", "", Decimal(10), None)]


MINISTRY_DUMP_HEADER_PIECES = (  # the ministry template as space rows; 年度 / 实际 over 指标值 / 完成值 on the next line
    "绩效指标 一级指标 二级指标 三级指标 年度 实际 分值 得分 偏差原因分析及改进措施\n指标值 完成值\n"
    "产出指标 数量指标 指标1:修缮面积 5000平方米 5000平方米 10 10\n"
    "质量指标 指标1:验收通过率 100% 95% 10 8\n"
    "指标2:文明施工 ≥95% 97% 10 10\n")


def test_when_header_pieces_stand_over_words_printed_after_the_last_column_then_they_take_their_places(tmp_path):
    ex = _read(tmp_path, "某局2022年度项目支出绩效自评表\n" + MINISTRY_DUMP_HEADER_PIECES + "\n")
    rows = [(x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in ex.indicators]
    assert rows == [("指标1:修缮面积", "5000平方米", "5000平方米", Decimal(10), Decimal(10)),
                    ("指标1:验收通过率", "100%", "95%", Decimal(10), Decimal(8)),
                    ("指标2:文明施工", "≥95%", "97%", Decimal(10), Decimal(10))]


def test_when_a_fraction_rate_is_read_then_it_keeps_its_printed_precision_and_raises_no_ratio_finding(tmp_path):
    # 27.8 / 29 = 0.9586: the printed 0.958 is within the precision of the rounded amounts
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "form.txt").write_text(
        "某局2022年度项目支出绩效自评表\n" + " ".join(MINISTRY_FUNDS_HEAD) + "\n年度资金总额 29 29 27.8 9 0.958 8\n",
        encoding="utf-8")
    db = tmp_path / "out.duckdb"
    run([tmp_path / "docs"], db, quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    rates = con.execute("SELECT CAST(value AS VARCHAR) FROM facts WHERE metric = 'budget.execution_rate'").fetchall()
    assert [Decimal(r[0]) for r in rates] == [Decimal("0.958")]
    assert con.execute("SELECT count(*) FROM findings WHERE \"check\" = 'ratio'").fetchone()[0] == 0


@pytest.mark.parametrize("sentence, basis, value", [
    ("2022年年度内，计划使用财政资金3.75万元（每人服装单价0.4万元），购买执法服装。", "budget", Decimal(37500)),
    ("（2）项目资金执行情况。实际执行9265.35万元，项目执行率88.74%。其中中央补助经费执行7177.37万元。",
     "actual", Decimal("92653500")),
])
def test_when_a_project_report_states_its_planned_or_executed_funds_in_a_sentence_then_they_are_the_project_spend(
        tmp_path, sentence, basis, value):
    ex = _read(tmp_path, "某局2022年度项目支出绩效自评报告\n" + sentence + "\n")
    assert [(str(f.basis), f.value) for f in ex.facts if f.metric == "spend.project"] == [(basis, value)]


@pytest.mark.parametrize("heading, figure, expected", [
    ("（一）自评得分", "100分。", ["100"]), ("一、自评得分", "96.5分", ["96.5"]),
    ("（一）自评得分", "1", []),  # no points word: a table's 自评得分 header over a row's figure
])
def test_when_a_numbered_heading_names_the_self_score_then_the_points_on_the_next_line_are_read(
        tmp_path, heading, figure, expected):
    ex = _read(tmp_path, f"某馆2022年度项目支出绩效自评报告\n一、自评结论\n\n{heading}\n\n{figure}\n\n（二）绩效目标完成情况\n")
    assert [str(f.value) for f in ex.facts if f.metric == "score.self"] == expected


def test_when_a_total_row_stands_apart_below_an_indicator_row_then_that_row_names_no_metric_of_the_total(tmp_path):
    # 合计 | 100 | 100 set apart by an empty border line: the row above (聘用人员满意度 …) is no caption
    text = ("某局2022年度项目支出绩效自评表\n"
            "满意度指标 | 服务对象满意度指标 | 聘用人员满意度 | ≥ | 95 | % | 95 | 5 | 5 |\n| |||\n合计 | 100 | 100 |\n")
    ex = _read(tmp_path, text)
    assert [(f.metric, str(f.value)) for f in ex.facts] == [("score.self", "100")]


SENTENCE_CELL_ROWS = [  # a 数量指标 row whose name lists its targets in sentences, its borders printed
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["", "产出指标", "数量指标", "慰问伤残军人50人；烈士家庭6户；驻军部队8家。", "100%", "100%", "20", "20", ""],
    ["", "", "质量指标", "补助经费足额拨付率", "100%", "100%", "20", "20", ""],
]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_when_a_bordered_name_cell_holds_sentences_then_its_row_is_read(tmp_path, fmt):
    title = "某局2022年度项目支出绩效自评表"
    if fmt == "docx":
        path = make_docx(tmp_path / "table.docx", [title, SENTENCE_CELL_ROWS])
    else:
        path = tmp_path / "table.txt"
        path.write_text(title + "\n" + "".join(" | ".join(r) + " |\n" for r in SENTENCE_CELL_ROWS), encoding="utf-8")
    rows = [(x.level3, x.target_text, x.actual_text, x.score) for x in process_file(path, RULES).indicators
            if x.layout != "execution"]
    assert rows == [("慰问伤残军人50人；烈士家庭6户；驻军部队8家。", "100%", "100%", Decimal(20)),
                    ("补助经费足额拨付率", "100%", "100%", Decimal(20))]


NAME_ONLY_ROWS = [  # the last row's cells left blank (unfilled, or the page cut after its name); a placeholder row
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["效益指标", "可持续影响指标", "设施可持续使用年限", "≥15年", "15年", "10", "10", "无"],
    ["产出指标", "数量指标", "指标2：", "", "", "", "", ""],
    ["满意度指标", "服务对象满意度指标", "受益农户满意度", "", "", "", "", ""],
]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_when_a_row_prints_its_levels_and_name_with_blank_cells_then_it_is_read_without_values(tmp_path, fmt):
    title = "某局2023年度项目支出绩效自评表"
    if fmt == "docx":
        path = make_docx(tmp_path / "table.docx", [title, NAME_ONLY_ROWS])
    else:  # the page cut after the last row's name: no border after it
        lines = [" | ".join(r) + " |" for r in NAME_ONLY_ROWS[:3]] + [" | ".join(NAME_ONLY_ROWS[3][:3]) + " "]
        path = tmp_path / "table.txt"
        path.write_text(title + "\n" + "\n".join(lines), encoding="utf-8")
    rows = [(x.level1, x.level3, x.target_text, x.score) for x in process_file(path, RULES).indicators
            if x.layout != "execution"]
    assert rows == [("效益指标", "设施可持续使用年限", "≥15年", Decimal(10)), ("满意度指标", "受益农户满意度", "", None)]


def test_when_a_dump_states_a_target_in_a_sentence_then_its_row_is_read(tmp_path):
    # a space-separated dump: the 成本 row's target is a sentence, its actual and points follow
    text = ("某局2022年度项目支出绩效自评表\n"
            "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n"
            "产出指标 数量指标 指标1:修缮面积 5000平方米 5000平方米 10 10\n"
            "成本指标 项目成本控制在预算内 本着节约的原则,控制在预算中。 100% 5 5\n"
            "效益指标 社会效益指标 文物价值展示 程度较高 程度较高 15 15\n")
    rows = [(x.level3, x.target_text, x.actual_text, x.weight, x.score) for x in _read(tmp_path, text).indicators]
    assert rows == [("指标1:修缮面积", "5000平方米", "5000平方米", Decimal(10), Decimal(10)),
                    ("项目成本控制在预算内", "本着节约的原则,控制在预算中。", "100%", Decimal(5), Decimal(5)),
                    ("文物价值展示", "程度较高", "程度较高", Decimal(15), Decimal(15))]


TEMPLATE_PLACEHOLDERS = (  # the Anhui template as space rows, its unfilled 指标2： / …… rows kept
    "某局2022年度项目支出绩效自评表\n"
    "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n"
    "产出指标 数量指标 指标1:完成灌区改造项目数量 1 1 10 10\n指标2:\n……\n"
    "质量指标 指标1:工程质量合格 10 10\n指标2:\n……\n"
    "效益指标 生态效益指标 指标1:/ / /\n指标2:\n……\n"
    "满意度指标 服务对象满意度指标 指标1:服务对象满意度 90% 100% 10 10\n指标2:\n……\n")


def test_when_a_template_keeps_its_unfilled_rows_then_they_are_no_names_nor_levels(tmp_path):
    rows = [(x.level3, x.target_text, x.actual_text, x.weight, x.score)
            for x in _read(tmp_path, TEMPLATE_PLACEHOLDERS).indicators]
    assert [r for r in rows if r[0] in ("指标2:", "……", "/") or r[1] == "……"] == []
    assert [r[0] for r in rows if r[4] is not None] == [
        "指标1:完成灌区改造项目数量", "指标1:工程质量合格", "指标1:服务对象满意度"]


BLANK_RATE_FUNDS = [["项目资金（万元）", "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "执行率(B/A)", "得分"],
                    ["年度资金总额：", "880", "880", "836", "10", "", "9.5"]]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.parametrize("score, read", [("9.5", True), ("6", False)])
def test_when_a_funds_row_leaves_its_rate_blank_then_the_score_rule_confirms_the_columns(tmp_path, fmt, score, read):
    # 880 880 836 10 _ 9.5: the rate left blank; 10 × 836/880 = 9.5 confirms the reading (6 does not)
    rows = [BLANK_RATE_FUNDS[0], BLANK_RATE_FUNDS[1][:-1] + [score]]
    title = "某局2022年度项目支出绩效自评表"
    if fmt == "docx":
        path = make_docx(tmp_path / "funds.docx", [title, rows])
    else:
        path = tmp_path / "funds.txt"
        path.write_text(title + "\n" + "\n".join(" ".join(c for c in r if c) for r in rows) + "\n", encoding="utf-8")
    ex = process_file(path, RULES)
    spend = sorted((str(f.basis), f.value) for f in ex.facts if f.metric == "spend.project")
    execution = [(x.weight, x.score) for x in ex.indicators if x.layout == "execution"]
    if read:
        assert spend == [("actual", Decimal(8360000)), ("budget", Decimal(8800000)), ("budget", Decimal(8800000))]
        assert execution == [(Decimal(10), Decimal(score))]
    else:
        assert spend == [] and execution == []


def test_when_a_row_is_cut_after_the_figure_beside_its_comparator_then_that_figure_is_the_target(tmp_path):
    # the Sichuan layout (指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分), the page cut after 指标值
    text = ("部门预算项目支出绩效自评表(2023年度)\n"
            "绩效指标(90分) | 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 完成值 | 权重 | 得分 | 未完成原因分析 |\n"
            "产出指标 | 数量指标 | 购置设备数量 | ≥ | 13 | 台 | 13 | 45 | 45 | ||\n"
            "产出指标 | 质量指标 | 设备验收合格率 | = | 100 | \n")
    rows = [(x.level3, x.target_op, x.target_text, x.actual_text, x.weight, x.score)
            for x in _read(tmp_path, text).indicators if x.layout != "execution"]
    assert rows == [("购置设备数量", "ge", "13", "13", Decimal(45), Decimal(45)),
                    ("设备验收合格率", "eq", "100", "", None, None)]


def test_when_a_row_repeats_its_level_one_name_as_level_two_then_both_levels_are_read(tmp_path):
    # 满意度指标(10分) | 满意度指标: level 1, then level 2; an empty 经济效益指标 before them closed the block above
    text = ("某镇2022年度项目支出绩效自评表\n"
            "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n"
            "效益指标(30分) 社会效益指标 对维护市场公平的影响程度 效果明显 达成预期指标 10 10\n"
            "经济效益指标 满意度指标(10分) 满意度指标 公众满意度 ≥90% 95% 10 10\n")
    rows = [(x.block, x.level1, x.level2, x.level3) for x in _read(tmp_path, text).indicators]
    assert rows == [("effect", "效益指标", "社会效益指标", "对维护市场公平的影响程度"),
                    ("satisfaction", "满意度指标", "满意度指标", "公众满意度")]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_when_a_form_prints_its_funds_sources_between_the_planned_and_spent_pairs_then_both_are_read(tmp_path, fmt):
    # the Zhejiang 项目支出绩效评价报告 form: 计划安排资金 | 实际到位资金, then its 其中 rows by source,
    # then 实际支出 on a row of its own; a 其中 row's figure is a part, not the spending
    rows = [["计划安排资金(万元)", "64.5", "实际到位资金(万元)", "64.5"],
            ["其中:中央财政", "", "其中:中央财政", ""],
            ["市县财政", "64.5", "市县财政", "64.5"],
            ["实际支出(万元)", "58.2", "", ""]]
    title = "某市项目支出绩效评价报告(道路保洁费)"
    if fmt == "docx":
        path = make_docx(tmp_path / "form.docx", [title, "一、项目基本信息", rows])
    else:
        path = tmp_path / "form.txt"
        path.write_text(title + "\n一、项目基本信息 |\n" + "\n".join(" | ".join(r) + " |" for r in rows) + "\n",
                        encoding="utf-8")
    facts = [f for f in process_file(path, RULES).facts if f.metric == "spend.project"]
    assert sorted((str(f.basis), f.value) for f in facts) == [("actual", Decimal(582000)), ("budget", Decimal(645000))]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_when_a_row_name_opens_with_a_figure_or_a_year_then_it_is_the_name_not_the_target(tmp_path, fmt):
    # a name stated as a figure with words after it (≥300天开放服务) or a year (2023年全年): words, not
    # a measure; its own target follows it
    rows = [["年度绩效目标 (80分)", "一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"],
            ["产出指标(40分)", "时效指标", "开放时长", "全天开放", "全天开放", "10"],
            ["2023年全年", "≥300天", "≥300天"],
            ["效益指标(30分)", "可持续影响指标", "≥300天开放服务", "≥300天", "≥310天", "10"]]
    title = "2023年度甲馆数字资源项目支出绩效自评表"
    if fmt == "docx":
        grid = [rows[0]] + [[""] * (7 - len(r) - (1 if len(r) == 3 else 0)) + r + ([""] if len(r) == 3 else [])
                            for r in rows[1:]]  # the merged cells on the left blank, the blank 得分 on the right
        path = make_docx(tmp_path / "t.docx", [title, grid])
    else:
        path = tmp_path / "t.txt"
        path.write_text(title + "\n" + "\n".join(" | ".join(r) + " |" for r in rows) + "\n", encoding="utf-8")
    got = [(x.level2, x.level3, x.target_text, x.actual_text) for x in process_file(path, RULES).indicators
           if x.layout != "execution"]
    assert got == [("时效指标", "开放时长", "全天开放", "全天开放"), ("时效指标", "2023年全年", "≥300天", "≥300天"),
                   ("可持续影响指标", "≥300天开放服务", "≥300天", "≥310天")]
    assert parse_measure("≥300天开放服务", V, U).qualitative and not parse_measure("≥300天", V, U).qualitative


def test_when_prose_states_the_rate_as_share_of_budget_and_the_score_after_the_grade_then_both_are_read(tmp_path):
    # 完成预算的98% is the execution rate, 分数为95分 after the self-evaluated grade the report's score;
    # an indicator row named 预算资金执行率 (its target 95%, its actual 100% beside it) states no rate
    text = ("2023年度乙站项目支出绩效自评报告\n一、项目资金使用情况\n项目全年预算数为50万元，执行数为49万元，完成预算的98%。\n"
            "二、绩效指标完成情况\n时效指标 预算资金执行率 95% 100% 10\n"
            "三、自评结论\n根据项目实施情况，自评绩效等级为“优”，分数为95分。\n")
    facts = _read(tmp_path, text).facts
    assert [f.value for f in facts if f.metric == "budget.execution_rate"] == [Decimal("0.98")]
    assert [f.value for f in facts if f.metric == "score.self"] == [Decimal(95)]


# an OCR'd copy with every cell run together, nothing between them: the header's words, the level
# names and the template's row numbers (指标1) cut it; a row's values are cut where the target is its
# actual (else both end in one unit) and the score its weight — a note may follow the score
RUN_ON_WEIGHTED = ("2022年度甲县农技中心良种推广项目绩效目标自评表\n年度总体目标完成良种推广300亩绩效指标一级指标二级指标三级指标分值"
                   "年度指标值全年实际值得分未完成原因及改进措施产出指标(50分)数量指标指标1推广良种面积10300亩300亩10"
                   "指标2培训农户次数105次5次10质量指标指标1种子发芽率1095%95%9时效指标指标1按期完成推广10是是10\n"
                   "效益指标(50分)社会效益指标指标1带动农户增收20≥8%≥8%18加强宣传引导\n")
RUN_ON_SCORED = ("2021年度乙科渔业补贴项目自评表\n年度绩效目标(80分)二级指标三级指标年初目标值(A)实际完成值(B)得分"
                 "数量指标发放补贴户数8820质量指标补贴发放率100%100%10满意度指标服务对象满意度补贴对象满意度95%96%40总分90\n")


@pytest.mark.parametrize("fmt", ["txt", "docx"])
@pytest.mark.parametrize("text, rows", [
    (RUN_ON_WEIGHTED, [("数量指标", "指标1推广良种面积", "300亩", "300亩", 10, 10, ""),
                       ("数量指标", "指标2培训农户次数", "5次", "5次", 10, 10, ""),
                       ("质量指标", "指标1种子发芽率", "95%", "95%", 10, 9, ""),
                       ("时效指标", "指标1按期完成推广", "是", "是", 10, 10, ""),
                       ("社会效益指标", "指标1带动农户增收", "≥8%", "≥8%", 20, 18, "加强宣传引导")]),
    (RUN_ON_SCORED, [("数量指标", "发放补贴户数", "8", "8", None, 20, ""),
                     ("质量指标", "补贴发放率", "100%", "100%", None, 10, ""),
                     ("服务对象满意度", "补贴对象满意度", "95%", "96%", None, 40, "")]),
])
def test_when_the_table_cells_run_together_then_rows_are_cut_by_names_and_matching_values(tmp_path, fmt, text, rows):
    if fmt == "docx":
        path = make_docx(tmp_path / "ocr.docx", text.strip().split("\n"))
    else:
        path = tmp_path / "ocr.txt"
        path.write_text(text, encoding="utf-8")
    got = [(x.level2, x.level3, x.target_text, x.actual_text, x.weight, x.score, x.note)
           for x in process_file(path, RULES).indicators if x.layout != "execution"]
    assert got == [(l2, l3, t, a, None if w is None else Decimal(w), Decimal(s), n) for l2, l3, t, a, w, s, n in rows]


def test_when_run_together_rows_cannot_be_cut_apart_then_no_row_is_guessed(tmp_path):
    # two unnumbered rows in one piece, their figures disagreeing (320人次 | 2%): no cut fits, no row;
    # the numbered row after them still is read
    text = ("2022年度丙卫生院部门整体支出绩效自评表\n一级指标二级指标三级指标年度指标值实际完成值得分产出指标数量指标"
            "任务1:门诊人次增加300人次320人次5任务2:体检率提高2%达成目标值5质量指标指标1诊断准确率95%95%10\n")
    got = [(x.level2, x.level3, x.target_text, x.actual_text, x.score) for x in _read(tmp_path, text).indicators
           if x.layout != "execution"]
    assert got == [("质量指标", "指标1诊断准确率", "95%", "95%", Decimal(10))]


def test_when_a_dump_prints_a_target_in_sub_columns_then_the_pieces_make_one_cell(tmp_path):
    # a template whose 预期指标值 has sub-columns (符号 | 值 | 单位) dumped with spaces between them:
    # >= | 95 | %(百分比) is one target, not three cells (nor a second row cut at the percent sign)
    text = ("2022年度项目支出绩效自评表\n一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分\n"
            "产出指标 质量指标 验收合格率 >= 95 %(百分比) 98% 10 10\n产出指标 时效指标 按期完工率 ≥ 90 % 100% 10 9\n")
    got = [(x.level2, x.level3, x.target_text, x.actual_text, x.weight, x.score)
           for x in _read(tmp_path, text).indicators if x.layout != "execution"]
    assert got == [("质量指标", "验收合格率", ">= 95 %(百分比)", "98%", Decimal(10), Decimal(10)),
                   ("时效指标", "按期完工率", "≥ 90 %", "100%", Decimal(10), Decimal(9))]


def test_when_a_dump_breaks_up_a_header_below_its_rows_then_its_pieces_make_no_row(tmp_path):
    # a PDF dump prints the rows before the rest of the header: 年度 | 绩效 | 目标 (80 | 分) and the
    # level names with their points, (60 | 分), are header pieces, never a row's name or values
    text = ("2021 年甲资金项目自评表 单位名称:乙局 三级指标 年初目标值 (A) 实际完成值 (B) 得分 "
            "培训人次(人次) 500 520 10 发放手册(册) 300 300 10 二级指标 数量指标 年度 绩效 目标 (80 分) "
            "产出指标 (60 分) 效益指标 (20 分) 总分 100\n")
    got = [(x.level3, x.target_text, x.actual_text, x.score)
           for x in _read(tmp_path, text).indicators if x.layout != "execution"]
    assert got == [("培训人次(人次)", "500", "520", Decimal(10)), ("发放手册(册)", "300", "300", Decimal(10))]
