"""``jixiao serve`` (pipeline/serve/): its routes through Starlette's test client, on a real DuckDB
file built by the real pipeline from data/raw and a hostile report written here (markup next to
its figures), each test with its own decision file.

The browser test and the test of a run while the server is up start real processes: they are in
tests/test_serve_browser.py and marked slow.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner
from markupsafe import escape
from openpyxl import load_workbook
from starlette.testclient import TestClient

from pipeline.cli import cli
from pipeline.report import write_report
from pipeline.run import run
from pipeline.serve.app import create_app
from pipeline.serve.decisions import DecisionStore

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = (
    "2023年度测试事务中心部门整体支出绩效自评报告\n\n"
    "一、单位基本情况\n"
    f"本单位在职人数40人，核定编制45人。{SCRIPT}单位核定编制42人。\n"
    f"二、预算执行情况\n{IMG}2023年整体支出150万元，其中基本支出100万元，项目支出50万元。\n"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("serve_in")
    for p in (ROOT / "data" / "raw").iterdir():
        shutil.copy(p, folder / p.name)
    (folder / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    with open(folder / "catalog.csv", "a", encoding="utf-8") as fh:
        fh.write("hostile.txt,测试事务中心,2023,整体支出,\n")
    path = tmp_path_factory.mktemp("serve_db") / "jixiao.duckdb"
    run([folder], path, quiet=True)
    return path


def _query(db: Path, sql: str, params=()) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


@pytest.fixture
def review_file(tmp_path) -> Path:
    return tmp_path / "review.sqlite"


@pytest.fixture
def client(db, review_file):
    app = create_app(db, review_file=review_file, secret="test-secret", allowed_hosts=("testserver",))
    with TestClient(app, follow_redirects=False) as c:
        yield c


def _keys(client) -> dict[str, str]:
    """message → the finding page's path, from the list page."""
    html = client.get("/").text
    rows = re.findall(r'<a href="(/finding/[^"]+)" class="open">(.*?)</a>', html)
    assert rows, html[:500]
    return {message: href for href, message in rows}


def _token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _hidden(html: str) -> dict[str, str]:
    """The decision form's hidden fields: csrf, seen (the evidence hash shown), content_key."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', html))


def _hostile_conflict(client) -> str:
    return next(href for message, href in _keys(client).items() if "编制数" in message and "42人" in message
                and "45人" in message)


def _decide(client, href: str, **form) -> "object":
    hidden = _hidden(client.get(href).text)
    assert set(hidden) == {"csrf", "seen", "content_key"}
    return client.post(href + "/decide", data={**hidden, **form})


# the list ----------------------------------------------------------------------------------

def test_when_list_opened_then_every_finding_is_listed_as_new(client, db):
    response = client.get("/")
    assert response.status_code == 200
    messages = [m for (m,) in _query(db, "SELECT message FROM audit_findings")]
    assert len(messages) >= 5
    html = response.text
    for m in messages:
        assert str(escape(m)) in html
    assert len(re.findall(r"<tr data-href=", html)) == len(messages)
    assert re.search(rf'data-status="new">新发现 <b>{len(messages)}</b>', html)
    assert re.search(r'data-status="dismissed">已排除 <b>0</b>', html)


def test_when_filtered_by_check_severity_unit_or_year_then_only_those_are_listed(client, db):
    conflicts = _query(db, "SELECT count(*) FROM audit_findings WHERE \"check\" = 'conflict'")[0][0]
    html = client.get("/", params={"check": "conflict"}).text
    assert len(re.findall(r"<tr data-href=", html)) == conflicts > 0
    warnings = _query(db, "SELECT count(*) FROM audit_findings WHERE severity = 'warning'")[0][0]
    html = client.get("/", params={"severity": "warning"}).text
    assert len(re.findall(r"<tr data-href=", html)) == warnings > 0
    unit_key, n = _query(db, "SELECT coalesce(d.unit_key, d.unit, 'doc:' || d.doc) AS k, count(*) FROM audit_findings a "
                             "JOIN documents d USING (doc) GROUP BY k ORDER BY count(*) DESC, k LIMIT 1")[0]
    html = client.get("/", params={"unit": unit_key}).text
    assert len(re.findall(r"<tr data-href=", html)) == n
    year = _query(db, "SELECT year FROM audit_findings WHERE year IS NOT NULL LIMIT 1")[0][0]
    in_year = _query(db, "SELECT count(*) FROM audit_findings WHERE year = ?", [year])[0][0]
    html = client.get("/", params={"year": str(year)}).text
    assert len(re.findall(r"<tr data-href=", html)) == in_year
    html = client.get("/", params={"check": "no-such-check"}).text
    assert 'id="empty"' in html and "<tr data-href=" not in html


def test_when_a_filter_value_is_sql_then_it_is_only_a_value(client, db):
    html = client.get("/", params={"unit": "' OR 1=1 --", "year": "2023; DROP TABLE facts"}).text
    assert 'id="empty"' in html
    assert _query(db, "SELECT count(*) FROM facts")[0][0] > 0


# decisions ---------------------------------------------------------------------------------

def test_when_dismissed_with_a_reason_then_it_is_stored_and_shown(client, review_file):
    href = _hostile_conflict(client)
    response = _decide(client, href, action="dismiss", reason="scope", comment="片区数与全单位数", reviewer="张三")
    assert response.status_code == 303 and response.headers["location"] == href
    page = client.get(href).text
    assert 'data-status="dismissed"' in page and "张三" in page and "片区数与全单位数" in page
    rows = DecisionStore(review_file).all()
    assert [(r.action, r.reason, r.reviewer, r.comment) for r in rows] == [("dismiss", "scope", "张三", "片区数与全单位数")]
    listing = client.get("/", params={"status": "dismissed"}).text
    assert len(re.findall(r"<tr data-href=", listing)) == 1 and href in listing
    assert re.search(r'data-status="dismissed">已排除 <b>1</b>', client.get("/").text)


def test_when_confirmed_then_a_note_keeps_the_status(client, review_file):
    href = _hostile_conflict(client)
    assert _decide(client, href, action="confirm", reviewer="张三").status_code == 303
    assert _decide(client, href, action="note", comment="已电话核实", reviewer="李四").status_code == 303
    page = client.get(href).text
    assert 'data-status="confirmed"' in page and "已电话核实" in page
    assert [r.action for r in DecisionStore(review_file).all()] == ["confirm", "note"]


@pytest.mark.parametrize("form, problem", [
    ({"action": "dismiss", "reviewer": "张三"}, "排除问题时必须选择理由"),
    ({"action": "dismiss", "reason": "other", "reviewer": "张三"}, "请在说明中写明"),
    ({"action": "dismiss", "reason": "no-such-reason", "reviewer": "张三"}, "排除问题时必须选择理由"),
    ({"action": "confirm", "reviewer": "  "}, "请填写审核人姓名"),
    ({"action": "note", "reviewer": "张三"}, "备注内容不能为空"),
    ({"action": "delete", "reviewer": "张三"}, "未知的操作"),
    ({"action": "confirm", "reviewer": "张三", "seen": "not-a-hash"}, "表单内容不完整或已过期"),
], ids=["no-reason", "other-without-text", "unknown-reason", "no-reviewer", "empty-note", "unknown-action",
        "stale-form"])
def test_when_a_decision_is_incomplete_then_400_and_nothing_stored(client, review_file, form, problem):
    response = _decide(client, _hostile_conflict(client), **form)
    assert response.status_code == 400
    assert problem in response.text
    assert DecisionStore(review_file).all() == []


@pytest.mark.parametrize("token", [None, "", "0" * 64], ids=["missing", "empty", "wrong"])
def test_when_csrf_token_missing_or_wrong_then_403_and_nothing_stored(client, review_file, token):
    href = _hostile_conflict(client)
    form = {"action": "confirm", "reviewer": "张三"}
    if token is not None:
        form["csrf"] = token
    response = client.post(href + "/decide", data=form)
    assert response.status_code == 403
    assert "安全令牌" in response.text
    assert DecisionStore(review_file).all() == []
    assert 'data-status="new"' in client.get(href).text


def test_when_decision_is_sent_by_get_then_it_is_refused(client, review_file):
    response = client.get(_hostile_conflict(client) + "/decide", params={"action": "confirm", "reviewer": "x"})
    assert response.status_code == 405
    assert DecisionStore(review_file).all() == []


# pages -------------------------------------------------------------------------------------

def test_when_finding_opened_then_evidence_cards_and_source_text_mark_each_figure(client, db):
    href = _hostile_conflict(client)
    html = client.get(href).text
    evidence = _query(db, "SELECT e.position, e.start, e.\"end\", d.text FROM finding_evidence e JOIN documents d "
                          "USING (doc) JOIN audit_findings a ON a.id = e.finding_id WHERE a.doc = 'hostile.txt' "
                          "AND a.\"check\" = 'conflict' ORDER BY e.position")
    assert len(evidence) >= 2
    for position, start, end, text in evidence:
        assert f'<mark class="ev" id="ev-{position}" title="证据 {position + 1}">{escape(text[start:end])}</mark>' in html
    assert html.count('<figure class="quote">') >= 2  # the report's evidence cards
    assert "<mark>42人</mark>" in html
    assert 'href="/unit?key=' in html and 'href="/doc/hostile.txt"' in html


def test_when_pages_show_hostile_report_text_then_markup_is_escaped(client):
    href = _hostile_conflict(client)
    for page in (client.get(href).text, client.get("/doc/hostile.txt").text):
        assert SCRIPT not in page and "<img" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert str(escape(IMG)) in page  # &#34;&gt;&lt;img src=x onerror=alert(1)&gt;
        assert len(re.findall(r"<script", page)) == 1  # the app's own file only
        assert '<script src="/static/serve.js" defer></script>' in page


def test_when_report_page_opened_then_every_fact_and_unattributed_figure_is_marked(client, db):
    doc, facts = _query(db, "SELECT doc, count(DISTINCT (start, \"end\")) FROM facts GROUP BY doc "
                            "ORDER BY count(*) DESC, doc LIMIT 1")[0]
    html = client.get(f"/doc/{doc}").text
    marked = re.findall(r'<mark class="fact" title="([^"]*)">([^<]*)</mark>', html)
    # overlapping spans are shown once: at least nine in ten distinct spans get their own mark
    assert facts * 0.9 <= len(marked) <= facts
    metric, raw, rule = _query(db, "SELECT metric, raw, rule_id FROM facts WHERE doc = ? AND kind = 'level' "
                                   "ORDER BY start LIMIT 1", [doc])[0]
    assert any(f"（{metric}）" in title and f"规则 {rule}" in title for title, _text in marked)
    # data/raw's reports state figures no rule classifies (e.g. 退役士官4人)
    loose = _query(db, "SELECT doc, count(*) FROM quantities WHERE metric IS NULL GROUP BY doc ORDER BY 2 DESC LIMIT 1")
    assert loose
    html = client.get(f"/doc/{loose[0][0]}").text
    assert len(re.findall(r'<mark class="unattr" title="未归类：', html)) >= 1
    assert f"{loose[0][1]} 个" in html


def test_when_unit_figures_opened_then_years_and_values_are_there(client, db):
    unit_key, year, metric = _query(db, "SELECT unit_key, year, metric FROM metric_values WHERE agree AND year IS NOT NULL "
                                        "ORDER BY unit_key, year, metric LIMIT 1")[0]
    html = client.get("/unit", params={"key": unit_key}).text
    assert f"<code>{escape(metric)}</code>" in html and f">{year}</th>" in html
    assert client.get("/unit", params={"key": "no such unit"}).status_code == 404


@pytest.mark.parametrize("path", ["/finding/0000000000000000", "/finding/" + "f" * 64, "/doc/no-such-report.txt",
                                  "/unit?key=nobody", "/no/such/page"])
def test_when_id_unknown_then_404_page(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "未找到该页面" in response.text


def test_when_finding_id_of_this_run_is_used_then_the_page_opens_too(client, db):
    fid, message = _query(db, "SELECT id, message FROM audit_findings ORDER BY id LIMIT 1")[0]
    html = client.get(f"/finding/{fid}").text
    assert str(escape(message)) in html


def test_every_page_sends_a_content_security_policy(client):
    for path in ("/", _hostile_conflict(client), "/doc/hostile.txt", "/no/such/page"):
        response = client.get(path)
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        assert response.headers["x-frame-options"] == "DENY"


def test_when_host_header_is_foreign_then_refused(db, review_file):
    app = create_app(db, review_file=review_file, secret="s")  # default: 127.0.0.1, localhost only
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get("/").status_code == 400
    for local in ("http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"):
        with TestClient(app, base_url=local) as c:
            assert c.get("/").status_code == 200, local


def test_when_database_missing_then_503_page_says_so(tmp_path):
    app = create_app(tmp_path / "none.duckdb", secret="s", allowed_hosts=("testserver",))
    with TestClient(app) as c:
        response = c.get("/")
    assert response.status_code == 503 and "数据库不存在" in response.text


HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("held", flush=True)
    sys.stdin.readline()
""")


@pytest.mark.slow
def test_when_a_writer_holds_the_database_then_503_busy_page_not_a_traceback(db, review_file, tmp_path):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    app = create_app(copy, review_file=review_file, secret="s", allowed_hosts=("testserver",))
    with TestClient(app) as c:
        href = _hostile_conflict(c)
        hidden = _hidden(c.get(href).text)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(copy)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with TestClient(app) as c:
            response = c.get("/")
            assert response.status_code == 503
            assert "数据库正在被 jixiao run 写入，请稍后刷新" in response.text
            assert response.headers["retry-after"] == "5"
            assert "Traceback" not in response.text
            # a decision sent while the run writes is stored all the same (key and hashes are in the form)
            posted = c.post(href + "/decide", data={**hidden, "action": "dismiss", "reason": "explained",
                                                    "reviewer": "张三"}, follow_redirects=False)
            assert posted.status_code == 303
    finally:
        holder.communicate("\n", timeout=30)
    assert [(d.action, d.key, d.doc) for d in DecisionStore(review_file).all()] == [("dismiss", href.split("/")[-1], None)]
    with TestClient(app) as c:
        assert c.get("/").status_code == 200
        assert 'id="status" data-status="dismissed"' in c.get(href).text


# export and the static report --------------------------------------------------------------

def test_when_exported_then_the_workpaper_lists_reviewed_findings_with_decisions(client, db):
    href = _hostile_conflict(client)
    _decide(client, href, action="dismiss", reason="other", comment="=1+1 见附件", reviewer="张三")
    response = client.get("/export.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["审核底稿"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(rows) == 1  # only the reviewed one by default
    row = rows[0]
    assert (row["单位"], row["年度"], row["报告"], row["审核状态"], row["决定"], row["审核人"]) == \
           ("测试事务中心", 2023, "hostile.txt", "已排除", "排除（误报）", "张三")
    assert row["理由"].startswith("其他") and row["说明"] == "=1+1 见附件"
    assert "核定编制【42人】" in row["证据原文"] and row["审核时间"]
    formula = next(c for c in ws[2] if c.value == "=1+1 见附件")
    assert formula.data_type == "s"
    everything = load_workbook(io.BytesIO(client.get("/export.xlsx", params={"status": "new"}).content))["审核底稿"]
    total = _query(db, "SELECT count(*) FROM audit_findings")[0][0]
    assert everything.max_row - 1 == total - 1


def test_when_report_written_after_review_then_each_finding_shows_its_status(client, db, review_file, tmp_path):
    href = _hostile_conflict(client)
    _decide(client, href, action="dismiss", reason="rounding", reviewer="张三")
    con = duckdb.connect(str(db), read_only=True)
    try:
        paths = write_report(con, tmp_path / "report", review_file=review_file)
    finally:
        con.close()
    index = paths.index.read_text(encoding="utf-8")
    total = _query(db, "SELECT count(*) FROM audit_findings")[0][0]
    assert index.count("review review-dismissed") == 1
    assert index.count("review review-new") == total - 1
    wb = load_workbook(paths.xlsx)
    statuses = [r[-1] for r in wb["问题"].iter_rows(min_row=2, values_only=True)]
    assert sorted(statuses).count("已排除") == 1 and statuses.count("新发现") == total - 1


def test_when_no_decision_file_then_report_shows_no_status(db, tmp_path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        paths = write_report(con, tmp_path / "report", review_file=tmp_path / "none.sqlite")
    finally:
        con.close()
    assert "review-" not in paths.index.read_text(encoding="utf-8").split("</style>")[1]


def test_serve_command_has_help_with_example():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "jixiao serve --db" in result.output and "--port" in result.output


def test_when_serve_database_missing_then_one_error_line(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: 数据库不存在：{tmp_path / 'none.duckdb'}（请先运行 jixiao run）"]


def test_when_a_report_has_a_self_evaluation_then_its_page_shows_the_table_with_the_flagged_row(tmp_path):
    from test_selfeval import write

    folder = tmp_path / "in"
    folder.mkdir()
    write(folder, "ministry", "full_marks_missed_target", "txt")  # 验收合格率 ≥95%, actual 93%, full marks
    db = tmp_path / "se.duckdb"
    run([folder], db, quiet=True)
    app = create_app(db, review_file=tmp_path / "r.sqlite", secret="s", allowed_hosts=("testserver",))
    with TestClient(app, follow_redirects=False) as c:
        html = c.get("/doc/ministry_full_marks_missed_target.txt").text
    assert "绩效自评" in html and 'class="indicators"' in html
    flagged = re.findall(r'<tr class="flagged">(.*?)</tr>', html)
    assert len(flagged) == 1 and "验收合格率" in flagged[0]
    assert html.count("<tr") - html.count("<tr class=\"flagged\"") >= 5  # the other rows and the header
