"""Golden tests: the bundled sample reports (mixed .docx/.pdf/.txt) and the development set,
scored by the shared scorer (vendored in tests/fixtures/shared) on a real DuckDB file."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from pipeline.run import run

ROOT = Path(__file__).resolve().parent.parent
SCORER = ROOT / "tests" / "fixtures" / "shared" / "eval" / "score.py"
GOLD = ROOT / "tests" / "fixtures" / "shared" / "gold"


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("golden") / "jixiao.duckdb"
    summary = run([ROOT / "data" / "raw"], db, quiet=True)
    assert not summary.failed, summary.failed
    return db


def _score(db: Path, gold: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCORER), "--db", str(db), "--gold", str(gold), *args],
                          capture_output=True, text=True)


def test_when_samples_are_scored_then_f1_and_findings_recall_pass(sample_db):
    result = _score(sample_db, GOLD, "--min-f1", "0.95", "--min-findings-recall", "1.0")
    assert result.returncode == 0, result.stdout[-3000:]
    last = result.stdout.strip().splitlines()[-1]
    assert "alarms=0" in last, last


@pytest.mark.parametrize("gold_file", sorted(GOLD.glob("*.yaml")), ids=lambda p: p.name.split(".")[0])
def test_every_gold_fact_of_a_sample_is_extracted(sample_db, gold_file):
    gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
    stem = gold["doc"].split(".")[0]
    con = duckdb.connect(str(sample_db), read_only=True)
    rows = con.execute("SELECT metric, value FROM facts WHERE kind = 'level' AND doc LIKE ? || '.%'", [stem]).fetchall()
    con.close()
    got = {(m, float(v)) for m, v in rows}
    missing = [(f["metric"], f["value"]) for f in gold["facts"] if (f["metric"], float(f["value"])) not in got]
    assert not missing


def test_every_evidence_quote_is_verbatim_in_its_report(sample_db):
    con = duckdb.connect(str(sample_db), read_only=True)
    rows = con.execute("""
        SELECT e.quote, e.start, e."end", d.text, f.raw
        FROM finding_evidence e JOIN documents d USING (doc) JOIN facts f ON f.id = e.fact_id
    """).fetchall()
    con.close()
    assert rows
    for quote, start, end, text, raw in rows:
        assert quote in text
        assert text[start:end] == raw


# findings recall floor per set: reports5 keeps two misses on purpose (see its README: a 执行率 ratio
# with no metric, a conflict against an indicator-list line), so its floor is what it reaches
@pytest.mark.parametrize("folder, min_recall", [("reports", "0.9"), ("reports2", "0.9"), ("reports3", "0.9"),
                                                ("reports4", "0.9"), ("reports5", "0.66")])
def test_when_development_set_is_scored_then_quality_holds(tmp_path, folder, min_recall):
    """Reports in other wording and layouts (.txt in three encodings, .docx, .pdf), written by
    people who did not see the rules (tests/cases/reports*/README.md), with their answer keys.
    The rules were then improved on them: these thresholds guard against regressions; the
    numbers measured before that are in the issue notes."""
    source = ROOT / "tests" / "cases" / folder
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in source.iterdir():  # the reports and catalog.csv, not the sources they were built from
        if path.is_file() and path.suffix in {".txt", ".docx", ".pdf", ".csv"}:
            (inputs / path.name).write_bytes(path.read_bytes())
    db = tmp_path / "dev.duckdb"
    run([inputs], db, quiet=True)
    result = _score(db, source / "gold", "--min-f1", "0.95", "--min-findings-recall", min_recall)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "alarms=0" in result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("verifier", ["verify_gold.py", "reports3/verify_reports3.py"])
def test_dev_set_answer_keys_agree_with_their_reports(verifier):
    """The dev sets' keys are checked against the reports by scripts independent of jixiao
    (verbatim quotes, values, approx marks, known metrics): a wrong key would score us wrongly."""
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "cases" / verifier)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "facts" in done.stdout


# --- real public pages (tests/cases/real): the evidence of generalization ---------------------------
# Each real set's F1 with the rules as they stood before the real-reports work (commit 57881f0,
# scored when the set arrived: README "Quality, measured"). The rules may not fall back to it.
REAL_BEFORE = {"shared49": 0.656, "batchA": 0.705, "batchB": 0.538, "batchC": 0.575, "batchD": 0.473,
               "batchE": 0.750, "batchF": 0.320, "selfeval": 0.063,
               "selfeval2": 0.000, "batchG": 0.356, "selfeval3": 0.500, "batchH": 0.471,
               "batchI": 0.763, "batchJ": 0.192, "batchK": 0.529}
REAL = ROOT / "tests" / "cases" / "real"


def _real_db(tmp_path: Path, folder: str) -> Path:
    db = tmp_path / f"{folder}.duckdb"
    run([REAL / folder / "docs"], db, quiet=True)
    return db


def _f1(stdout: str) -> float:
    last = stdout.strip().splitlines()[-1]
    return float(last.split("F1=")[1].split()[0])


@pytest.mark.parametrize("folder", sorted(REAL_BEFORE))
def test_when_real_pages_are_scored_then_they_beat_the_rules_before_this_work(tmp_path, folder):
    """Real public pages nobody tuned to when they arrived (tests/cases/real/README.md): the score
    stays above the one the rules had before they were worked on; a fall is a regression."""
    result = _score(_real_db(tmp_path, folder), REAL / folder / "gold")
    assert _f1(result.stdout) > REAL_BEFORE[folder], result.stdout[-2500:]


def test_when_the_shared_real_pages_are_scored_then_the_issue_acceptance_holds(tmp_path):
    """The issue's bar on ../shared/real (vendored as tests/cases/real/shared49): facts F1 ≥ 0.95,
    every finding, no false alarm."""
    result = _score(_real_db(tmp_path, "shared49"), REAL / "shared49" / "gold",
                    "--min-f1", "0.95", "--min-findings-recall", "1.0")
    assert result.returncode == 0 and "alarms=0" in result.stdout.strip().splitlines()[-1]


def test_real_answer_keys_agree_with_their_pages():
    """The real sets' keys (written by annotators who did not see the rules) are checked against
    the pages: verbatim quotes, values, approx marks, known metrics. e005's 执行率 cell is OCR text
    with its figures run together (64.864.864.8100%): its facts are the annotator's reading, which
    no script can check, so that page is skipped; likewise s003 (an OCR'd 自评表: 1.561.56120)."""
    folders = [str(REAL / f) for f in sorted(REAL_BEFORE)]
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "cases" / "verify_gold.py"), "--real", *folders],
                          capture_output=True, text=True)
    problems = [ln for ln in done.stdout.splitlines()[:-1] if not ln.startswith(("e005.txt", "s003.txt"))]
    assert not problems, "\n".join(problems)
    assert " 0 gold files" not in done.stdout


# The indicator rows of the real 自评表 sets (issue 11), read correctly by the first reader of the
# rows when each set arrived (README "Quality, measured"): the reader may not fall back to it.
ROWS_FIRST_SIGHT = {"selfeval": 17 / 142, "selfeval2": 36 / 110}


@pytest.mark.parametrize("folder", sorted(ROWS_FIRST_SIGHT))
def test_when_real_self_evaluation_rows_are_scored_then_they_beat_the_first_sight_reading(tmp_path, folder):
    db = _real_db(tmp_path, folder)
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "cases" / "score_indicators.py"), "--db", str(db),
                           "--gold", str(REAL / folder / "gold")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.strip().splitlines()[-1]
    correct, keyed = last.split("correctly ")[1].split(" =")[0].split("/")
    assert int(keyed) > 0 and int(correct) / int(keyed) > ROWS_FIRST_SIGHT[folder], last
