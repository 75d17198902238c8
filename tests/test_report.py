"""The audit report (pipeline/report.py, `jixiao report`) on real DuckDB files.

Two databases, each built by running the whole pipeline once per module (a run reads jieba's
dictionary and takes seconds; every test writes its own report into its own tmp_path):

- ``sample_db``: the reports in data/raw. Its expectations are read from the database itself
  (units, evidence, a fact, a finding message), so the tests hold while the samples evolve;
- ``hostile_db``: tiny reports written here with known contents: a conflict (编制 45 vs 42, the
  45 stated twice in one sentence), a zero total, a unit name and a sentence carrying
  ``<script>``, a sentence starting with ``=``, and an empty file that cannot be read.

The expected mark position is computed here from documents.text and the evidence offsets,
independently of ``report.highlight``.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from markupsafe import escape
from openpyxl import load_workbook

from builders import make_docx
from pipeline.cli import cli
from pipeline.report import XLSX_NAME, write_report
from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
SHEETS = ["事实", "问题", "对比", "绩效指标", "无法读取", "运行记录"]

HOSTILE_REPORTS = {
    "a.txt": (
        "2023年度测试事务中心部门整体支出绩效自评报告\n\n"
        "一、单位基本情况\n"
        f"本单位在职人数45人，核定编制45人。{SCRIPT}单位核定编制42人。\n"
        "二、预算执行情况\n"
        "2023年整体支出0万元。其中基本支出120.5万元，项目支出30万元。\n"
    ),
    "b.txt": (
        "2024年度测试事务中心部门整体支出绩效自评报告\n\n"
        "一、单位基本情况\n"
        "=1+1 本单位核定编制40人，在职人数38人。\n"
        "二、预算执行情况\n"
        "2024年整体支出150万元，其中基本支出100万元，项目支出50万元。\n"
    ),
    "empty.txt": "",
}
HOSTILE_UNIT = f"{SCRIPT}测试中心"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    """data/raw through the pipeline, once for this module."""
    db = tmp_path_factory.mktemp("sample") / "jixiao.duckdb"
    run([ROOT / "data" / "raw"], db, quiet=True)
    return db


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    """Tiny reports with contradictions and markup in the unit name and in a quote."""
    folder = tmp_path_factory.mktemp("hostile_in")
    for name, text in HOSTILE_REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "catalog.csv").write_text(f"file,unit\na.txt,{HOSTILE_UNIT}\nb.txt,{HOSTILE_UNIT}\n", encoding="utf-8")
    db = tmp_path_factory.mktemp("hostile") / "jixiao.duckdb"
    run([folder], db, quiet=True)
    return db


# A 项目支出绩效自评表 in a .docx (python-docx), the ministry template: 验收合格率 misses its target
# (93% < ≥95%) yet gets full marks, so one row is the evidence of a `score` finding.
SELFEVAL_ROWS = [  # level1, level2, level3, target, actual, weight, score
    ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥50个", "50个", "20", "20"),
    ("", "质量指标", "验收合格率", "≥95%", "93%", "15", "15"),
    ("", "成本指标", "项目成本", "≤90万元", "88万元", "15", "15"),
    ("效益指标", "社会效益指标", "服务效果", "效果明显", "效果明显", "30", "28"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95%", "10", "10"),
]
SELFEVAL_UNIT = "测试基建服务中心"


@pytest.fixture(scope="module")
def selfeval_db(tmp_path_factory) -> Path:
    """One self-evaluation table with a flagged row, through the pipeline."""
    folder = tmp_path_factory.mktemp("selfeval_in")
    funds = [["项目资金（万元）", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
             ["年度资金总额", "100", "100", "98", "10", "98%", "9.8"]]
    table = [["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]]
    table += [["", *row, ""] for row in SELFEVAL_ROWS]
    table.append(["总分", "", "", "", "", "", "100", "97.8", ""])
    make_docx(folder / "se.docx", [f"{SELFEVAL_UNIT}2023年度项目支出绩效自评表", funds, table,
                                   "经自评，本项目自评得分97.8分，评价等级为“优”。"])
    (folder / "catalog.csv").write_text(f"file,unit\nse.docx,{SELFEVAL_UNIT}\n", encoding="utf-8")
    db = tmp_path_factory.mktemp("selfeval") / "jixiao.duckdb"
    run([folder], db, quiet=True)
    return db


def _report(db: Path, out: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return write_report(con, out)
    finally:
        con.close()


def _query(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


# HTML --------------------------------------------------------------------------------------

def test_when_report_written_then_index_and_one_page_per_unit_exist(sample_db, tmp_path):
    paths = _report(sample_db, tmp_path / "report")
    assert paths.index == tmp_path / "report" / "index.html" and paths.index.is_file()
    assert paths.xlsx.name == XLSX_NAME and paths.xlsx.is_file()
    # a unit is its unit_key; a report whose unit is unknown gets a page of its own
    units = _query(sample_db, "SELECT DISTINCT coalesce(unit_key, unit, 'doc:' || doc) FROM documents")
    assert len(paths.units) == len(units) > 1
    index = paths.index.read_text(encoding="utf-8")
    for page in paths.units:
        assert page.is_file()
        assert re.fullmatch(r"unit-[0-9a-f]{10,}\.html", page.name)
        assert f'href="{page.name}"' in index
    for (unit,) in units:
        if not unit.startswith("doc:"):
            assert str(escape(unit)) in index


def test_when_page_rendered_then_it_declares_chinese_and_fetches_nothing(sample_db, tmp_path):
    for name, html in _pages(_report(sample_db, tmp_path / "report").out_dir).items():
        assert html.startswith("<!DOCTYPE html>"), name
        assert '<html lang="zh-CN">' in html and '<meta charset="utf-8">' in html, name
        assert '"Noto Sans CJK SC"' in html and '"Microsoft YaHei"' in html, name
        assert "@media print" in html, name
        assert "<script" not in html.lower(), name
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//|@import|url\(""", html), name


def _assert_evidence_marked(db: Path, out: Path) -> int:
    pages = _pages(out)
    rows = _query(db, """
        SELECT e.finding_id, e.quote, e.start, e."end", d.text, f.raw
        FROM finding_evidence e JOIN documents d USING (doc) JOIN facts f ON f.id = e.fact_id""")
    for finding_id, quote, start, end, text, raw in rows:
        page = [html for name, html in pages.items() if name != "index.html" and f'id="f-{finding_id}"' in html]
        assert len(page) == 1, finding_id
        # the occurrence of the quote that contains the figure's span
        pos = next(i for i in range(max(0, end - len(quote)), start + 1) if text.startswith(quote, i))
        before, figure, after = quote[: start - pos], quote[start - pos: end - pos], quote[end - pos:]
        assert figure == raw
        assert f"{escape(before)}<mark>{escape(figure)}</mark>{escape(after)}" in page[0], (finding_id, quote)
    return len({r[0] for r in rows})


def test_every_finding_evidence_quote_appears_with_its_figure_marked(sample_db, tmp_path):
    findings = _query(sample_db, "SELECT count(*) FROM audit_findings")[0][0]
    assert findings > 0
    assert _assert_evidence_marked(sample_db, _report(sample_db, tmp_path / "report").out_dir) == findings


def test_when_figure_text_stated_twice_in_quote_then_mark_sits_at_its_span(hostile_db, tmp_path):
    """「在职人数45人，核定编制45人」: the 编制 evidence marks the second 45人, not the first."""
    out = _report(hostile_db, tmp_path / "report").out_dir
    findings = _query(hostile_db, "SELECT count(*) FROM audit_findings")[0][0]
    assert findings >= 2  # the 编制 conflict and the zero total at least
    assert _assert_evidence_marked(hostile_db, out) == findings
    assert "本单位在职人数45人，核定编制<mark>45人</mark>。" in "".join(_pages(out).values())


def test_when_unit_name_and_quote_contain_script_then_shown_as_text(hostile_db, tmp_path):
    paths = _report(hostile_db, tmp_path / "report")
    pages = _pages(paths.out_dir)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    for name, html in pages.items():
        assert "<script" not in html.lower(), name
    assert f"{escaped}测试中心" in pages["index.html"]
    unit_page = next(html for name, html in pages.items() if name.startswith("unit-") and "a.txt" in html)
    assert f"<h1>{escaped}测试中心</h1>" in unit_page
    assert f"{escaped}单位核定编制<mark>42人</mark>。" in unit_page


def test_when_statements_disagree_then_the_cell_is_marked_and_links_the_finding(hostile_db, tmp_path):
    pages = _pages(_report(hostile_db, tmp_path / "report").out_dir)
    unit_page = next(html for name, html in pages.items() if name.startswith("unit-") and "a.txt" in html)
    cell = re.search(r'<td class="num flagged">\s*<span class="v"[^>]*>45人</span><span class="v"[^>]*>42人</span>'
                     r'\s*<span class="ne"[^>]*>≠</span>\s*<span class="refs">(.*?)</span>', unit_page)
    assert cell, "编制数 2023 should show 45人 and 42人, marked"
    finding_id = _query(hostile_db, "SELECT id FROM audit_findings WHERE \"check\" = 'conflict'")[0][0]
    assert f'href="#f-{finding_id}"' in cell.group(1)


def test_when_file_unreadable_then_index_lists_it_with_its_reason(hostile_db, tmp_path):
    index = _report(hostile_db, tmp_path / "report").index.read_text(encoding="utf-8")
    assert "无法读取的文件（1）" in index
    assert "empty.txt" in index and "文件是空的（0 字节）" in index


def test_when_report_rewritten_then_stale_unit_pages_are_removed(hostile_db, tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    (out / "unit-0000000000.html").write_text("old", encoding="utf-8")
    (out / "notes.html").write_text("mine", encoding="utf-8")
    paths = _report(hostile_db, out)
    assert not (out / "unit-0000000000.html").exists()
    assert (out / "notes.html").exists()
    assert sorted(out.glob("unit-*.html")) == sorted(paths.units)


# Excel -------------------------------------------------------------------------------------

def _records(ws) -> list[dict]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row)) for row in ws.iter_rows(min_row=2, values_only=True)]


def test_when_xlsx_read_back_then_sheets_facts_and_findings_are_there(sample_db, tmp_path):
    wb = load_workbook(_report(sample_db, tmp_path / "report").xlsx)
    assert wb.sheetnames == SHEETS
    for ws in wb:
        assert ws.freeze_panes in ("A2", "G2"), ws.title
        assert all(c.font.b for c in ws[1]), ws.title
        assert ws.column_dimensions["A"].width >= 8
    doc, metric, value, raw, quote, unit = _query(sample_db, """
        SELECT f.doc, f.metric, f.value, f.raw, f.quote, coalesce(d.unit_key, d.unit) FROM facts f JOIN documents d
        USING (doc) WHERE f.kind = 'level' AND d.unit IS NOT NULL ORDER BY f.doc, f.start LIMIT 1""")[0]
    facts = _records(wb["事实"])
    assert len(facts) == _query(sample_db, "SELECT count(*) FROM facts")[0][0]
    fact = next(f for f in facts if (f["文件"], f["指标"], f["原文数字"]) == (doc, metric, raw))
    assert fact["数值"] == pytest.approx(float(value)) and fact["原文句子"] == quote and fact["单位"] == unit
    findings = _records(wb["问题"])
    messages = _query(sample_db, "SELECT message FROM audit_findings")
    assert sorted(f["说明"] for f in findings) == sorted(m for (m,) in messages)
    assert all(f["证据原文"] and "【" in f["证据原文"] for f in findings)


def test_when_hostile_xlsx_read_back_then_known_values_are_there(hostile_db, tmp_path):
    wb = load_workbook(_report(hostile_db, tmp_path / "report").xlsx)
    assert wb.sheetnames == SHEETS
    conflict = next(f for f in _records(wb["问题"]) if f["说明"] == "「编制数」在报告中出现不同数值：42人、45人。")
    assert (conflict["严重程度"], conflict["检查"], conflict["单位"]) == ("错误", "前后数值矛盾", HOSTILE_UNIT)
    assert "本单位在职人数45人，核定编制【45人】。" in conflict["证据原文"]
    comparison = _records(wb["对比"])
    total = next(r for r in comparison if r["指标"] == "spend.total")
    assert (total["计量单位"], total["口径"], total["2023"], total["2024"]) == ("万元", "实际数", 0, 150)
    basic = next(r for r in comparison if r["指标"] == "spend.basic")
    assert basic["2023"] == 120.5
    staff = next(r for r in comparison if r["指标"] == "staff.authorized")
    assert (staff["计量单位"], staff["2023"], staff["2024"], staff["数值不一致"]) == ("人", "45 / 42", 40, "是")


def test_when_text_looks_like_markup_or_formula_then_xlsx_keeps_it_as_text(hostile_db, tmp_path):
    wb = load_workbook(_report(hostile_db, tmp_path / "report").xlsx)
    quotes = [row[0] for row in wb["事实"].iter_rows(min_row=2, min_col=16, max_col=16, values_only=True)]
    assert "=1+1 本单位核定编制40人，在职人数38人。" in quotes
    assert f"{SCRIPT}单位核定编制42人。" in quotes
    formula_like = next(c for (c,) in wb["事实"].iter_rows(min_row=2, min_col=16, max_col=16) if c.value.startswith("="))
    assert formula_like.data_type == "s"  # written as text: Excel shows the sentence, computes nothing
    assert {row[0] for row in wb["事实"].iter_rows(min_row=2, max_col=1, values_only=True)} == {HOSTILE_UNIT}
    errors = list(wb["无法读取"].iter_rows(min_row=2, values_only=True))
    assert [(e[0], e[3], e[4]) for e in errors] == [("empty.txt", "empty", "文件是空的（0 字节）")]


# CLI ---------------------------------------------------------------------------------------

def test_when_cli_report_runs_then_files_are_written(sample_db, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["report", "--db", str(sample_db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file() and (out / XLSX_NAME).is_file()
    pages = len(list(out.glob("unit-*.html")))
    assert pages > 1 and f"{pages} 个单位页面" in result.output


def test_when_database_missing_then_one_error_line(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: 数据库不存在：{tmp_path / 'none.duckdb'}（请先运行 jixiao run）"]
    assert not (tmp_path / "o").exists()


def test_when_database_has_no_jixiao_tables_then_one_error_line(tmp_path):
    db = tmp_path / "other.duckdb"
    duckdb.connect(str(db)).close()
    result = CliRunner().invoke(cli, ["report", "--db", str(db), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: 数据库中缺少 jixiao 的表，请先运行 jixiao run")
    assert len(result.output.strip().splitlines()) == 1


def test_report_command_has_help_with_example():
    result = CliRunner().invoke(cli, ["report", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "jixiao report --db" in result.output
    assert "--out" in result.output and "data/out/report" in result.output


def test_when_a_report_has_a_self_evaluation_then_its_unit_page_shows_the_table_and_the_flagged_row(
        selfeval_db, tmp_path):
    paths = _report(selfeval_db, tmp_path / "report")
    page = next(p for p in paths.units if SELFEVAL_UNIT in p.read_text(encoding="utf-8"))
    html = page.read_text(encoding="utf-8")
    rows = re.findall(r'<tr class="indicator( flagged)?"[^>]*>(.*?)</tr>', html, re.S)
    names = [re.search(r"<th scope=\"row\">(.*?)</th>", body).group(1) for _, body in rows]
    assert [n for n in names if n != "预算执行率"] == [r[2] for r in SELFEVAL_ROWS]
    assert [n for (flag, _), n in zip(rows, names) if flag] == ["验收合格率"]
    flagged = next(body for flag, body in rows if flag)
    assert "≥95%" in flagged and "93%" in flagged and 'href="#f-' in flagged
    assert "98%" in html and "97.8" in html and "优" in html  # execution rate, total score, grade


def test_when_xlsx_read_back_then_the_indicator_sheet_has_every_row(selfeval_db, tmp_path):
    wb = load_workbook(_report(selfeval_db, tmp_path / "report").xlsx)
    rows = [r for r in _records(wb["绩效指标"]) if r["版式"] != "execution"]
    assert [(r["三级指标"], r["指标值原文"], r["完成值原文"], r["分值"], r["得分"]) for r in rows] == [
        (l3, target, actual, float(weight), float(score)) for _, _, l3, target, actual, weight, score in SELFEVAL_ROWS]
    assert {(r["单位"], r["年度"], r["文件"]) for r in rows} == {(SELFEVAL_UNIT, 2023, "se.docx")}
    assert [r["三级指标"] for r in rows if r["问题编号"]] == ["验收合格率"]
    assert (rows[1]["一级指标"], rows[1]["二级指标"], rows[1]["比较方式"], rows[1]["指标值"]) == ("产出指标", "质量指标", "ge", 0.95)
    assert len(_records(wb["绩效指标"])) == _query(selfeval_db, "SELECT count(*) FROM indicators")[0][0]


# a real browser ----------------------------------------------------------------------------

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
CONSOLE = re.compile(r":CONSOLE[:(]|Uncaught|Console error", re.IGNORECASE)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
def test_html_opens_in_chromium_without_console_errors(sample_db, hostile_db, tmp_path):
    pages = [*_report(sample_db, tmp_path / "sample").out_dir.glob("*.html"),
             *_report(hostile_db, tmp_path / "hostile").out_dir.glob("*.html")]
    assert len(pages) >= 4
    for page in pages:
        with tempfile.TemporaryDirectory() as profile:
            done = subprocess.run(
                [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
                capture_output=True, text=True, timeout=120,
            )
        assert done.returncode == 0, (page.name, done.stderr[-2000:])
        console = [line for line in done.stderr.splitlines() if CONSOLE.search(line)]
        assert console == [], page.name
        dom = done.stdout
        assert "<body>" in dom and "</html>" in dom and len(dom) > 1000, page.name
        assert "<script" not in dom.lower(), page.name


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
def test_when_a_unit_page_with_a_self_evaluation_is_opened_in_chromium_then_the_table_and_flagged_row_are_visible(
        selfeval_db, tmp_path):
    paths = _report(selfeval_db, tmp_path / "report")
    page = next(p for p in paths.units if SELFEVAL_UNIT in p.read_text(encoding="utf-8"))
    probe = tmp_path / "probe.html"  # the page, then a script that writes what is laid out into the DOM
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", """<script>
      const rows = [...document.querySelectorAll("table.indicators tr.indicator")];
      const seen = r => r.getBoundingClientRect().height > 0 && getComputedStyle(r).visibility !== "hidden";
      const flagged = rows.filter(r => r.classList.contains("flagged") && seen(r));
      const bg = flagged.length ? getComputedStyle(flagged[0].querySelector("td")).backgroundColor : "";
      document.body.setAttribute("data-probe", JSON.stringify({rows: rows.filter(seen).length,
        flagged: flagged.map(r => r.querySelector("th").textContent), bg}));
    </script></body>"""), encoding="utf-8")
    for asset in page.parent.iterdir():
        if asset.suffix != ".html":
            shutil.copy(asset, tmp_path / asset.name)
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
             "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    probe_json = re.search(r'data-probe="([^"]*)"', done.stdout).group(1).replace("&quot;", '"')
    import json
    seen = json.loads(probe_json)
    assert seen["rows"] >= len(SELFEVAL_ROWS)
    assert seen["flagged"] == ["验收合格率"]
    assert seen["bg"] not in ("", "rgba(0, 0, 0, 0)", "transparent")  # highlighted
