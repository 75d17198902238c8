"""Round 23 (mem23): the parent's memory flat in the number of reports — each shortcut against
the plain code it replaces, on real inputs."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from pipeline.run import SUFFIXES, discover, discovered, run
from pipeline.ingest import IMAGE_SUFFIXES

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


def _plain_discover(paths):
    """discover as it was: every Path under each folder, sorted, then filtered."""
    found = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUFFIXES | IMAGE_SUFFIXES and not child.name.startswith("."):
                    found.append(child)
        else:
            found.append(p)
    return found


@pytest.fixture
def tree(tmp_path):
    """Real reports in a folder whose names sort differently as strings and as paths (a, a-b,
    a.txt, a/…), with hidden files, a hidden folder, other suffixes, upper case, a symlinked
    folder and a symlinked file."""
    reports = sorted(p for p in RAW.iterdir() if p.suffix in (".txt", ".docx", ".pdf"))[:6]
    assert len(reports) >= 4
    root = tmp_path / "in"
    for rel in ("a", "a/b", "a-b", "a b", "b", ".hidden", "深/层/目录"):
        (root / rel).mkdir(parents=True, exist_ok=True)
    names = ["a.txt", "a-b.TXT", "a/z.txt", "a/b/y.docx", "a-b/x.txt", "a b/w.pdf", "b/.dot.txt", ".hidden/v.txt",
             "深/层/目录/报告.txt", "深/甲.txt", "b/readme.md", "b/noext", "a.", "b/c.txt.bak", "b/IMG.PNG"]
    for i, name in enumerate(names):
        shutil.copy(reports[i % len(reports)], root / name)
    os.symlink(root / "a", root / "c-link")
    os.symlink(root / "a.txt", root / "b" / "linked.txt")
    return root


def test_discovered_is_sorted_rglob_filtered(tree, tmp_path):
    single = tmp_path / "single.rtf"
    single.write_text("x", encoding="utf-8")
    for paths in ([tree], [tree / "a", single, tree / "深"], [RAW], [tree, tree]):
        plain = _plain_discover(paths)
        assert discovered(paths) == [str(p) for p in plain]
        assert discover(paths) == plain
    got = discovered([tree])
    assert len(got) >= 10 and str(tree / "b" / "linked.txt") in got  # a symlinked file is read …
    assert not any("c-link" in p for p in got)  # … a symlinked folder is not gone into


def test_discovered_of_the_current_folder_names_files_as_path_does(tree, monkeypatch):
    monkeypatch.chdir(tree)
    assert discovered([Path(".")]) == [str(p) for p in _plain_discover([Path(".")])]
    got = discovered([Path(".")])
    assert ".hidden/v.txt" in got and "a-b.TXT" in got  # not ./a-b.TXT; a hidden folder's files are read


def test_a_run_reads_the_files_discover_finds_duplicates_and_all(tree, tmp_path):
    (tree / "b" / "a.txt").write_bytes((tree / "a.txt").read_bytes())  # a second file of one name
    summary = run([tree], tmp_path / "x.duckdb", workers=0)
    assert summary.seen == len(_plain_discover([tree]))
    assert summary.read + summary.skipped + len(summary.failed) == summary.seen
    assert [e.path for e in summary.failed if e.code == "duplicate_name"] == [str(tree / "b" / "a.txt")]


def test_a_runs_end_is_under_the_runs_duckdb_cap_and_says_so_when_it_runs_out(tmp_path):
    """Linking and the checks run under JIXIAO_DB_LOAD_MEMORY (as the reading does with workers):
    a cap too small for them stops the run with the one-line error naming that variable, and the
    files already loaded stay."""
    import subprocess
    import sys

    import duckdb

    db = tmp_path / "x.duckdb"
    env = {**os.environ, "JIXIAO_DB_LOAD_MEMORY": "1MB", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pipeline", "run", str(RAW), "--db", str(db), "--workers", "0",
                           "--quiet"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 1
    assert "JIXIAO_DB_LOAD_MEMORY" in done.stderr and "Traceback" not in done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] >= 5
        assert con.execute("SELECT count(*) FROM facts").fetchone()[0] > 50
    summary = run([RAW], tmp_path / "y.duckdb", workers=0)  # under the usual cap the same run ends
    assert summary.read >= 5 and summary.findings > 0


def test_names_again_are_the_files_a_run_skips_as_second_of_a_name(tree):
    from pipeline.run import _names_again

    (tree / "b" / "a.txt").write_bytes(b"x")
    (tree / "a" / "b" / "a.txt").write_bytes(b"y")
    files = discovered([tree, tree / "b", tree / "b" / "a.txt", Path("/etc/hostname")])
    plain, names = set(), set()  # the set of names the run held before
    for at, path in enumerate(files):
        if Path(path).name in names:
            plain.add(at)
        names.add(Path(path).name)
    assert _names_again(files) == plain and len(plain) >= 5


def test_the_checked_files_are_kept_by_the_database_and_are_those_the_batches_named(tmp_path):
    from pipeline.checks import run_checks
    from pipeline.doc_checks import checked_rows
    from pipeline.load import Store
    from pipeline.process import process_file
    from pipeline.rules import load_rules

    ruleset = load_rules()
    rows = [checked_rows(process_file(p, ruleset, None), ruleset) for p in discover([RAW])]
    named = {d for r in rows for d in r.checked}
    assert len(named) >= 3  # the reports whose own findings came with their rows
    with Store(tmp_path / "x.duckdb") as store:
        assert store.checked is None  # nothing staged
        store.stage_findings()
        assert store.checked == set()
        store.write_batch(rows[:2])
        assert store.checked == {d for r in rows[:2] for d in r.checked}
        store.write_batch(rows[2:])
        assert store.checked == named
        count = store.replace_findings(run_checks(store.con, ruleset, store.checked), staged=True)
        assert store.checked is None and count > 0
        assert store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'jixiao_staged'").fetchone()[0] == 0
    plain = run([RAW], tmp_path / "plain.duckdb", workers=0)
    assert plain.findings == count
