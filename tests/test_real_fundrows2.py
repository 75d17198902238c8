"""Real pages, project forms: the total row of a 项目支出明细 table (计划支出数 | 实际支出数 … 支出合计),
flattened on one line, one cell per line or read from a Word table; and a funds row an OCR'd page
printed with its cells joined (年度财政资金总额2.342.34120).

Each case is a form shaped like one in tests/cases/real (the Hebei / Zhejiang 预算支出项目绩效评价报告
form, the Ningxia / Sichuan 项目支出绩效自评表 as OCR'd by document-sharing sites), not copied from
one, run through the whole per-file pipeline (process_file) on a real .txt or .docx file.
"""
from __future__ import annotations

from decimal import Decimal

from builders import make_docx

from pipeline.process import process_file
from pipeline.rules import load_rules

PROJECT_HEAD = "某县2023年乡村公路养护项目绩效自评报告\n"
DETAIL_HEADER = ["支出内容（经济科目）", "计划支出数", "实际支出数"]
DETAIL_ROWS = [["30226 劳务费", "12.4", "11.9"], ["31005 公路养护", "24.1", "23.6"], ["支出合计", "36.5", "35.5"]]


def money(path, metric: str = "spend.project") -> set[tuple[Decimal, str]]:
    return {(f.value, f.basis.value if f.basis else None) for f in process_file(path, load_rules()).facts
            if f.metric == metric}


def write(tmp_path, body: str, head: str = PROJECT_HEAD):
    path = tmp_path / "r.txt"
    path.write_text(head + body, encoding="utf-8")
    return path


def test_when_a_project_form_is_flattened_on_one_line_then_its_spending_total_row_gives_budget_and_actual(tmp_path):
    cells = " ".join(c for row in [DETAIL_HEADER, *DETAIL_ROWS] for c in row)
    body = f"项目名称 乡村公路养护 实际支出(万元) 二、项目支出明细情况 {cells} 三、项目考评情况 (一)项目基本情况\n"
    assert money(write(tmp_path, body)) == {(Decimal(365000), "budget"), (Decimal(355000), "actual")}


def test_when_the_spending_table_is_one_cell_per_line_then_its_only_column_is_read_in_the_headers_order(tmp_path):
    body = ("二、项目支出明细情况\n支出内容\n实际支出数\n会计凭证号\n备注\n道路修补\n8.5\n3月12号凭证\n"
            "桥涵维护\n4.2\n6月3号凭证\n支出合计\n\n12.7\n\n三、项目绩效自评情况\n")
    assert money(write(tmp_path, body)) == {(Decimal(127000), "actual")}


def test_when_the_spending_table_is_a_word_table_then_its_total_row_is_read(tmp_path):
    path = make_docx(tmp_path / "r.docx", [PROJECT_HEAD.strip(), "二、项目支出明细情况",
                                           [DETAIL_HEADER, *DETAIL_ROWS], "三、项目考评情况"])
    assert money(path) == {(Decimal(365000), "budget"), (Decimal(355000), "actual")}


def test_when_a_spending_total_stands_under_no_such_header_then_it_is_not_read(tmp_path):
    body = "二、支出情况\n支出内容 | 金额 |\n办公费 | 3.2 |\n支出合计 | 3.2 |\n"
    assert money(write(tmp_path, body)) == set()


def test_when_the_spending_table_lists_yuan_under_a_form_in_wan_then_the_total_agrees_with_the_form(tmp_path):
    body = ("计划安排资金\n(万元)\n18\n实际支出\n(万元)\n18\n二、项目支出明细情况\n支出内容 实际支出数 会计凭证号\n"
            "宣传材料 60000 2月8号\n设备购置 120000 5月6号\n支出合计 180000\n三、项目绩效自评情况\n")
    assert money(write(tmp_path, body)) == {(Decimal(180000), "budget"), (Decimal(180000), "actual")}


def test_when_an_ocr_page_joins_the_cells_of_a_funds_row_then_the_cut_the_rate_confirms_is_read(tmp_path):
    body = ("预算执行情况(万元)(20分)预算数(A)执行数(B)执行率(B/A)得分(20分*执行率)"
            "年度财政资金总额2.342.34120度效标二级指标三级指标\n")
    facts = process_file(write(tmp_path, body), load_rules()).facts
    assert {(f.metric, f.value, f.basis.value if f.basis else None) for f in facts
            if f.metric in ("spend.project", "budget.execution_rate")} == {
        ("spend.project", Decimal(23400), "budget"), ("spend.project", Decimal(23400), "actual"),
        ("budget.execution_rate", Decimal(1), None)}


def test_when_an_ocr_header_is_garbled_then_the_joined_row_is_read_in_the_templates_order(tmp_path):
    body = "项目资金(万兀)年度资金总额年初预匏数调整预算将,A、全年执行数(B)执行率(B/A)58.258.258.2100%年度总体目标\n"
    assert money(write(tmp_path, body)) == {(Decimal(582000), "budget"), (Decimal(582000), "actual")}


def test_when_no_cut_of_a_joined_run_is_confirmed_by_its_rate_then_nothing_is_read(tmp_path):
    body = "项目资金(万元)年度资金总额年初预算数全年预算数(A)全年执行数(B)执行率(B/A)47.352.138.5100%年度总体目标\n"
    assert money(write(tmp_path, body)) == set()


def test_when_a_departments_report_holds_a_project_spending_table_then_its_total_is_not_the_units_spending(tmp_path):
    cells = " ".join(c for row in [DETAIL_HEADER, *DETAIL_ROWS] for c in row)
    path = write(tmp_path, f"二、项目支出明细情况 {cells} 三、项目考评情况\n", head="某县交通运输局2023年度部门整体支出绩效自评报告\n")
    assert money(path, "spend.total") | money(path, "spend.project") == set()
