"""``jixiao serve`` as a real process: a run while the server is up, and a real browser.

* ``jixiao run --force`` while the server answers requests: the run succeeds (it waits for a
  request's read-only connection to close), every response meanwhile is a page or the 503 "busy"
  page (never a 500), and the decision taken before is still there afterwards.
* Headless Chromium (Debian's, driven by Playwright; no browser is downloaded): open the list,
  open a finding, dismiss it with a reason, reload, re-run on the same files, change the report's
  figure and re-run. The finding page's screenshot goes to the test's own folder, or to
  docs/serve-finding.png (the README's picture) when ``JIXIAO_REFRESH_SCREENSHOT=1`` asks for it.

Both start processes and are marked slow; the browser test skips itself without chromium or
without the playwright package, like the report's browser test.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
JIXIAO = Path(sys.executable).parent / "jixiao"
DOCS_SCREENSHOT = ROOT / "docs" / "serve-finding.png"  # refreshed only on request: a test run leaves the checkout as it was
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
REPORT = (
    "2023年度测试事务中心部门整体支出绩效自评报告\n\n"
    "一、单位基本情况\n"
    "本中心为全额拨款事业单位，主要负责辖区征地拆迁与安置补偿工作。本单位在职人数40人，核定编制45人。\n"
    "年末人员结构稳定，<script>alert(1)</script>单位核定编制{second}人，其中管理岗位8人。\n"
    "二、预算执行情况\n"
    "2023年整体支出150万元，其中基本支出100万元，项目支出50万元。\n"
    "三、绩效目标完成情况\n"
    "全年完成征地1200亩，签约安置386户，办结来信来访65起，各项工作均按计划推进。\n"
)


def write_report(folder: Path, second: int) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text(REPORT.format(second=second), encoding="utf-8")
    (folder / "catalog.csv").write_text("file,unit,year\na.txt,测试事务中心,2023\n", encoding="utf-8")


def jixiao_run(folder: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(JIXIAO), "run", str(folder), "--db", str(db), "--quiet", "--workers", "0", *extra],
                          capture_output=True, text=True, timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``jixiao serve`` in a subprocess, until the block ends."""

    def __init__(self, db: Path):
        self.db = db
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "Server":
        self.proc = subprocess.Popen([str(JIXIAO), "serve", "--db", str(self.db), "--port", str(free_port())],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, (line, self.proc.stderr.read() if self.proc.poll() is not None else "")
        self.url = match.group(0)
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(self.url, timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and self.proc.poll() is None, "serve did not start"
            time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def conflict_href(html: str) -> str:
    return re.search(r'<a href="(/finding/[0-9a-f-]+)" class="open">「编制数」', html).group(1)


@pytest.mark.slow
def test_when_a_run_writes_while_serve_is_up_then_no_decision_is_lost_and_pages_answer(tmp_path):
    folder = tmp_path / "in"
    write_report(folder, second=42)
    for i, p in enumerate(sorted((ROOT / "data" / "raw").glob("*.txt")) * 6):  # a run long enough to overlap
        shutil.copy(p, folder / f"{i:02d}_{p.name}")
    db = tmp_path / "jixiao.duckdb"
    assert jixiao_run(folder, db).returncode == 0
    with Server(db) as server, httpx.Client(base_url=server.url, timeout=30) as client:
        href = conflict_href(client.get("/").text)
        page = client.get(href).text
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
        posted = client.post(href + "/decide", data={**hidden, "action": "dismiss", "reason": "scope",
                                                     "reviewer": "张三", "comment": "两处口径不同"})
        assert posted.status_code == 303
        statuses: list[int] = []
        unexplained: list[str] = []
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                response = client.get("/")
                statuses.append(response.status_code)
                if response.status_code == 503 and "数据库正在被 jixiao run 写入" not in response.text:
                    unexplained.append(response.text[:500])  # an assert here would not fail the test
                time.sleep(0.02)  # a reader clicking fast, not a flood

        poller = threading.Thread(target=poll)
        poller.start()
        try:
            rerun = jixiao_run(folder, db, "--force")
        finally:
            stop.set()
            poller.join(timeout=60)
        assert rerun.returncode == 0, rerun.stderr
        assert statuses and set(statuses) <= {200, 503}, sorted(set(statuses))
        assert unexplained == []
        assert 503 in statuses  # the run held the database for a while, and the page said so
        after = client.get(href)
        assert after.status_code == 200
        assert 'id="status" data-status="dismissed"' in after.text and "两处口径不同" in after.text


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (apt-get install chromium)")
def test_review_in_a_real_browser_survives_reruns_and_flags_changed_evidence(tmp_path):
    screenshot = DOCS_SCREENSHOT if os.environ.get("JIXIAO_REFRESH_SCREENSHOT") == "1" else tmp_path / "serve-finding.png"
    playwright = pytest.importorskip("playwright.sync_api")
    folder = tmp_path / "in"
    write_report(folder, second=42)
    db = tmp_path / "jixiao.duckdb"
    assert jixiao_run(folder, db).returncode == 0
    console: list[str] = []
    with Server(db) as server, playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.on("dialog", lambda d: console.append(f"dialog: {d.message}"))

            # the list, keyboard: j moves the selection, Enter opens
            page.goto(server.url)
            rows = page.locator("table.findings tbody tr")
            assert rows.count() >= 1
            assert page.locator("#counts [data-status=new] b").inner_text() == str(rows.count())
            target = next(i for i in range(rows.count()) if "「编制数」" in rows.nth(i).inner_text())
            for _ in range(target):
                page.keyboard.press("j")
            assert "「编制数」" in page.locator("tr.sel").inner_text()
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/finding/[0-9a-f]{64}"))
            finding_url = page.url

            # the finding: evidence cards, the report text beside with the figure scrolled into view
            assert page.locator("figure.quote").count() >= 2
            marks = page.locator("#source mark.ev")
            assert marks.count() >= 2
            second = page.locator("#source mark.ev", has_text="42人")
            assert second.count() == 1
            assert page.evaluate("""() => { const m = document.querySelector('#source mark.ev');
                const p = document.querySelector('#source').getBoundingClientRect(), r = m.getBoundingClientRect();
                return r.top >= p.top && r.bottom <= p.bottom; }""")
            text = page.locator("#source .doctext").inner_text()
            assert "<script>alert(1)</script>单位核定编制42人" in text  # shown as text
            assert page.locator("#source script").count() == 0

            # dismiss with a reason; reload: still dismissed
            page.fill("#reviewer", "张三")
            page.select_option("#reason", "scope")
            page.fill("#comment", "前后两处编制数口径不同")
            page.click("#dismiss")
            page.wait_for_load_state()
            assert page.locator("#status").get_attribute("data-status") == "dismissed"
            page.reload()
            assert page.locator("#status").get_attribute("data-status") == "dismissed"
            assert "前后两处编制数口径不同" in page.locator("#decision").inner_text()
            page.screenshot(path=str(screenshot), full_page=False)

            # jixiao run --force on the same files while the server is up: still dismissed
            rerun = jixiao_run(folder, db, "--force")
            assert rerun.returncode == 0, rerun.stderr
            page.goto(finding_url)
            assert page.locator("#status").get_attribute("data-status") == "dismissed"

            # the report's figure changes (42 → 43), re-run: the decision is kept, the finding needs another look
            write_report(folder, second=43)
            changed = jixiao_run(folder, db)
            assert changed.returncode == 0, changed.stderr
            page.goto(finding_url)
            assert page.locator("#status").get_attribute("data-status") == "recheck"
            assert page.locator("#status").inner_text() == "需复核"
            assert page.locator("#recheck").is_visible()
            assert "前后两处编制数口径不同" in page.locator("#decision").inner_text()
            assert page.locator("#source mark.ev", has_text="43人").count() == 1
            page.goto(server.url + "?status=recheck")
            assert page.locator("table.findings tbody tr").count() == 1
        finally:
            browser.close()
    assert console == []
    assert screenshot.stat().st_size > 10_000


@pytest.mark.slow
def test_when_serving_all_interfaces_then_a_warning_says_anyone_can_read(tmp_path):
    folder = tmp_path / "in"
    write_report(folder, second=42)
    db = tmp_path / "jixiao.duckdb"
    assert jixiao_run(folder, db).returncode == 0
    port = free_port()
    proc = subprocess.Popen([str(JIXIAO), "serve", "--db", str(db), "--host", "0.0.0.0", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = proc.stderr.readline()
        address = proc.stdout.readline()
        assert warning.startswith("警告：正在监听 0.0.0.0") and "任何人都可以" in warning
        assert f":{port}/" in address
        deadline = time.monotonic() + 30
        while True:  # any Host is accepted then: that is what serving the network means
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": f"192.0.2.7:{port}"}, timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.1)
        assert response.status_code == 200 and "问题列表" in response.text
    finally:
        proc.terminate()
        proc.wait(timeout=20)
