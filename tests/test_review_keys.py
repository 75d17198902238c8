"""A finding's stable key and its decision across re-runs (pipeline/review_key.py,
pipeline/serve/decisions.py, pipeline/serve/review.py), on real DuckDB files built by the real
pipeline from small reports written here."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipeline.run import run
from pipeline.serve.decisions import DecisionStore, review_path
from pipeline.serve.review import keyed_findings

REPORT = (
    "2023年度测试事务中心部门整体支出绩效自评报告\n\n"
    "一、单位基本情况\n"
    "本单位在职人数40人，核定编制45人。后文另称单位核定编制{second}人。\n"
    "二、预算执行情况\n"
    "2023年整体支出150万元，其中基本支出100万元，项目支出50万元。{tail}\n"
)


def _write(folder: Path, second: int = 42, tail: str = "") -> None:
    folder.mkdir(exist_ok=True)
    (folder / "a.txt").write_text(REPORT.format(second=second, tail=tail), encoding="utf-8")


def _keyed(db: Path):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {k.facts.check: k for k in keyed_findings(con)}
    finally:
        con.close()


@pytest.fixture
def folder(tmp_path) -> Path:
    _write(tmp_path / "in")
    return tmp_path / "in"


def test_when_rerun_with_force_then_key_and_evidence_hash_are_unchanged(folder, tmp_path):
    db = tmp_path / "j.duckdb"
    run([folder], db, quiet=True)
    first = _keyed(db)
    assert "conflict" in first, first
    run([folder], db, quiet=True, force=True)
    again = _keyed(db)
    assert {c: (k.key, k.content_key, k.evidence_hash) for c, k in first.items()} == \
           {c: (k.key, k.content_key, k.evidence_hash) for c, k in again.items()}


def test_when_the_figure_changes_then_key_stays_and_evidence_hash_changes(folder, tmp_path):
    db = tmp_path / "j.duckdb"
    run([folder], db, quiet=True)
    before = _keyed(db)["conflict"]
    _write(folder, second=43)
    run([folder], db, quiet=True)
    after = _keyed(db)["conflict"]
    assert after.key == before.key
    assert after.evidence_hash != before.evidence_hash
    assert after.content_key != before.content_key  # the report's content changed


def test_when_text_elsewhere_changes_then_evidence_hash_stays(folder, tmp_path):
    db = tmp_path / "j.duckdb"
    run([folder], db, quiet=True)
    before = _keyed(db)["conflict"]
    _write(folder, tail="各项工作均按计划推进。")
    run([folder], db, quiet=True)
    after = _keyed(db)["conflict"]
    assert (after.key, after.evidence_hash) == (before.key, before.evidence_hash)


def test_when_decided_then_status_follows_the_evidence(folder, tmp_path):
    db = tmp_path / "j.duckdb"
    run([folder], db, quiet=True)
    k = _keyed(db)["conflict"]
    store = DecisionStore(review_path(db))
    assert store.reviews([(k.key, k.content_key, k.evidence_hash)])[k.key].status == "new"
    store.record(key=k.key, content_key=k.content_key, action="dismiss", reason="scope", comment="片区数",
                 reviewer="张三", evidence_hash=k.evidence_hash)
    store.record(key=k.key, content_key=k.content_key, action="note", comment="待问单位", reviewer="李四",
                 evidence_hash=k.evidence_hash)
    review = store.reviews([(k.key, k.content_key, k.evidence_hash)])[k.key]
    assert (review.status, review.decision.reviewer, review.decision.reason) == ("dismissed", "张三", "scope")
    assert [n.comment for n in review.notes] == ["待问单位"]
    _write(folder, second=43)
    run([folder], db, quiet=True)
    changed = _keyed(db)["conflict"]
    review = store.reviews([(changed.key, changed.content_key, changed.evidence_hash)])[changed.key]
    assert review.status == "recheck" and review.decision.reason == "scope"
    store.record(key=k.key, content_key=k.content_key, action="reset", reviewer="张三",
                 evidence_hash=changed.evidence_hash)
    assert store.reviews([(k.key, k.content_key, k.evidence_hash)])[k.key].status == "new"


def test_when_the_report_is_renamed_then_its_decision_is_found_by_content(folder, tmp_path):
    db = tmp_path / "j.duckdb"
    run([folder], db, quiet=True)
    k = _keyed(db)["conflict"]
    store = DecisionStore(review_path(db))
    store.record(key=k.key, content_key=k.content_key, action="confirm", reviewer="张三",
                 evidence_hash=k.evidence_hash)
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    (folder / "a.txt").rename(renamed / "b.txt")
    db2 = tmp_path / "j2.duckdb"
    run([renamed], db2, quiet=True)
    moved = _keyed(db2)["conflict"]
    assert moved.key != k.key and moved.content_key == k.content_key
    assert store.reviews([(moved.key, moved.content_key, moved.evidence_hash)])[moved.key].status == "confirmed"


def test_when_two_findings_share_an_identity_then_keys_are_still_unique(tmp_path):
    """data/raw's 001 report has two conflicts of 项目支出 (budget and actual): distinct keys."""
    db = tmp_path / "j.duckdb"
    run([Path(__file__).resolve().parent.parent / "data" / "raw"], db, quiet=True)
    con = duckdb.connect(str(db), read_only=True)
    try:
        keyed = keyed_findings(con)
        count = con.execute("SELECT count(*) FROM audit_findings").fetchone()[0]
    finally:
        con.close()
    assert len(keyed) == count >= 4
    assert len({k.key for k in keyed}) == len(keyed)
