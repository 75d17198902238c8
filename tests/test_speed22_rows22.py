"""Round 22 (rows22): the rows a worker builds, the facts the end checks read back and the
year-on-year shortcuts give what the plain way gives — on generated reports of several units and
years, real pages and a real DuckDB file."""
from __future__ import annotations

import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipeline.checks import (FACT_COLUMNS, GROUP_KEY, Checker, DocInfo, FactList, _clusters, _left_to_check, _group,
                             run_checks, unit_groups)
from pipeline.doc_checks import checked_rows
from pipeline.load import STAGING, Store
from pipeline.model import Extraction
from pipeline.process import process_file
from pipeline.rows import FACT_COLUMNS as ROW_FACT_COLUMNS
from pipeline.rows import Columns, fact_id, rows_of
from pipeline.run import run
from pipeline.selfeval_checks import SelfEvaluationChecker

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "cases" / "real"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """24 generated reports: six units, four years each (bench/make_corpus.py)."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from make_corpus import make_corpus
    finally:
        sys.path.remove(str(ROOT / "bench"))
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, 24, jobs=1)
    return folder


@pytest.fixture(scope="module")
def loaded(corpus, tmp_path_factory) -> Path:
    """The corpus and some self-evaluation pages run into a database (findings included)."""
    db = tmp_path_factory.mktemp("db") / "x.duckdb"
    selfeval = tmp_path_factory.mktemp("selfeval")
    for page in sorted((REAL / "selfeval" / "docs").glob("s00*.txt")):
        (selfeval / page.name).write_bytes(page.read_bytes())
    run([corpus, selfeval], db, quiet=True)
    return db


# Columns.of_rows -----------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [[], [(1, "a", None)], [(1, "a", None), (2, "乙", Decimal("1.5")), (3, "", [])]])
def test_columns_of_rows_equal_rows_appended_one_by_one(rows):
    names = ("x", "y", "z")
    appended = Columns(names)
    for row in rows:
        appended.append(row)
    made = Columns.of_rows(names, rows)
    assert made.data == appended.data and len(made) == len(rows)
    made.append((9, "z", None))  # still lists: a later row can be added
    assert made.column("x")[-1] == 9


def test_columns_of_rows_refuses_a_row_of_the_wrong_width():
    with pytest.raises(ValueError):
        Columns.of_rows(("x", "y"), [(1, 2), (3,)])


def test_rows_of_holds_each_fact_in_its_columns(corpus, ruleset):
    paths = sorted(corpus.iterdir())[:6] + sorted((REAL / "selfeval" / "docs").glob("s00*.txt"))[:3]
    seen = 0
    for path in paths:
        ex = process_file(path, ruleset, None)
        assert isinstance(ex, Extraction)
        rows = rows_of(ex)
        assert len(rows.documents) == 1 and len(rows.facts) == len(ex.facts)
        assert len(rows.quantities) == len(ex.mentions) and len(rows.indicators) == len(ex.indicators)
        assert all(len(c) == len(rows.facts) for c in rows.facts.data)
        for i, f in enumerate(ex.facts):
            row = dict(zip(ROW_FACT_COLUMNS, (c[i] for c in rows.facts.data)))
            assert (row["id"], row["metric"], row["start"], row["quote"]) == (fact_id(f), f.metric, f.start, f.quote)
            assert Decimal(row["value"]) == f.value
            seen += 1
    assert seen > 50


# unit_groups ---------------------------------------------------------------------------------

def _plain_groups(con, only=None):
    """unit_groups the plain way: one query of every fact to read, grouped in Python."""
    condition, params = only if only is not None else ("TRUE", [])
    docs = {r[0]: DocInfo(*r) for r in con.execute("SELECT doc, unit, unit_key, year FROM documents").fetchall()}
    members = defaultdict(list)
    for doc, grp in con.execute(f"SELECT DISTINCT f.doc, {GROUP_KEY} AS grp FROM facts f JOIN documents d USING (doc) "
                                "ORDER BY grp, f.doc").fetchall():
        members[grp].append(doc)
    rows = con.execute(f"SELECT {FACT_COLUMNS}, {GROUP_KEY} AS grp FROM facts f JOIN documents d USING (doc) "
                       f"WHERE {condition} ORDER BY grp, f.doc, f.start, f.rowid", params).fetchall()
    by_group = defaultdict(list)
    for r in rows:
        by_group[r[-1]].append(r)
    return [(_group(by_group.get(key, []), docs)[0], {d: docs[d] for d in docs_of if d in docs})
            for key, docs_of in members.items()]


@pytest.mark.parametrize("chunk", [1, 7, 50, 10_000])
def test_unit_groups_are_the_plain_groups_whatever_the_ranges(loaded, ruleset, chunk):
    con = duckdb.connect(str(loaded), read_only=True)
    checker = Checker(ruleset)
    docs = sorted(r[0] for r in con.execute("SELECT doc FROM documents").fetchall())
    assert len(docs) > 24
    for checked in (set(), set(docs), set(docs[::2])):
        only = _left_to_check(con, checker, "score.self", checked)
        got = list(unit_groups(con, chunk=chunk, only=only))
        assert got == _plain_groups(con, only)
        assert sum(len(docs_) > 1 for _facts, docs_ in got) >= 4  # units of several years
    con.close()


def test_unit_groups_of_an_empty_database_yield_nothing(tmp_path):
    with Store(tmp_path / "x.duckdb") as store:
        assert list(unit_groups(store.con)) == []
        assert list(unit_groups(store.con, only=("f.kind = ?", ["change"]))) == []


def test_unit_groups_with_a_condition_no_fact_meets_still_yield_every_unit(loaded):
    con = duckdb.connect(str(loaded), read_only=True)
    got = list(unit_groups(con, chunk=5, only=("f.metric = ?", ["no.such.metric"])))
    assert got and all(facts == [] and docs for facts, docs in got)
    assert [docs for _f, docs in got] == [docs for _f, docs in unit_groups(con, chunk=5)]
    con.close()


# the checks' shortcuts -----------------------------------------------------------------------

def _single_plain(checker, fs, metric, basis=None, qualifier=None):
    cands = [f for f in fs if f.kind == "level" and f.metric == metric and f.qualifier == qualifier
             and (basis is None or ("budget" if f.basis == "budget" else "actual") == basis)]
    clusters = _clusters(cands, checker.units)
    return min(clusters[0], key=lambda f: (f.approx, f.step, f.start, f.doc)) if len(clusters) == 1 else None


def test_single_is_the_plain_cluster_answer(loaded, ruleset):
    con = duckdb.connect(str(loaded), read_only=True)
    checker = Checker(ruleset)
    asked = answered = 0
    for facts, _docs in unit_groups(con):
        by_doc = defaultdict(list)
        for f in facts:
            by_doc[f.doc].append(f)
        for fs in by_doc.values():
            listed = FactList(fs)
            for metric in sorted({f.metric for f in fs}) + ["no.such.metric"]:
                for basis in (None, "actual", "budget"):
                    want = _single_plain(checker, fs, metric, basis)
                    assert checker._single(listed, metric, basis) == want
                    assert checker._single(fs, metric, basis) == want  # a plain list, not remembered
                    asked += 1
                    answered += want is not None
    assert asked > 500 and answered > 100
    con.close()


def test_yoy_findings_are_those_of_plain_lists(loaded, ruleset):
    """One previous report's FactList is reused (its remembered answers with it): the findings
    equal those found on plain lists, which remember nothing."""
    con = duckdb.connect(str(loaded), read_only=True)
    checker = Checker(ruleset)
    found = 0
    for facts, docs in unit_groups(con):
        by_doc = defaultdict(list)
        for f in facts:
            by_doc[f.doc].append(f)
        listed = {d: FactList(fs) for d, fs in sorted(by_doc.items())}
        for fs in listed.values():  # asked as this year's first, as run does
            checker.document(fs, DocInfo(fs[0].doc, None, None, None))
        got = checker.yoy(listed, docs)
        assert got == checker.yoy({d: list(fs) for d, fs in by_doc.items()}, docs)
        found += len(got)
    assert found > 0
    con.close()


def test_run_checks_with_reports_checked_in_workers_equal_the_parents_own(loaded, ruleset):
    con = duckdb.connect(str(loaded), read_only=True)
    docs = sorted(r[0] for r in con.execute("SELECT doc FROM documents").fetchall())
    alone = list(run_checks(con, ruleset))
    yoy_only = list(run_checks(con, ruleset, set(docs)))
    assert {f.check for f in alone} >= {"yoy", "score"}
    assert yoy_only == [f for f in alone if f.check in ("yoy", "score")]
    con.close()


# staging -------------------------------------------------------------------------------------

def test_findings_are_staged_in_temporary_tables_and_an_old_runs_leftovers_go(corpus, ruleset, tmp_path):
    db = tmp_path / "x.duckdb"
    paths = sorted(corpus.iterdir())[:8]
    with Store(db) as store:  # a killed run of an older jixiao left its staging tables in the file
        store.con.execute(f"CREATE TABLE {STAGING}audit_findings AS SELECT * FROM audit_findings LIMIT 0")
        store.con.execute(f"CREATE TABLE {STAGING}finding_evidence AS SELECT * FROM finding_evidence LIMIT 0")
        store.stage_findings()
        kinds = dict(store.con.execute("SELECT table_name, table_type FROM information_schema.tables "
                                       "WHERE table_name LIKE 'staging_%'").fetchall())
        assert kinds == {f"{STAGING}audit_findings": "LOCAL TEMPORARY", f"{STAGING}finding_evidence": "LOCAL TEMPORARY"}
        store.write_batch([checked_rows(process_file(p, ruleset, None), ruleset) for p in paths])
        count = store.replace_findings(run_checks(store.con, ruleset, store.checked), staged=True)
        left = store.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'staging_%'")
        assert left.fetchone()[0] == 0
        staged = sorted(store.con.execute("SELECT * FROM audit_findings").fetchall())
    plain = tmp_path / "plain.duckdb"
    run(paths, plain, quiet=True)
    con = duckdb.connect(str(plain), read_only=True)
    assert count > 0 and staged == sorted(con.execute("SELECT * FROM audit_findings").fetchall())
    con.close()
