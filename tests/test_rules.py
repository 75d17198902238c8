"""Every example and counterexample in rules/*.yaml, with the rule id as test id; rule loading errors."""
from __future__ import annotations

import shutil

import pytest

from pipeline.errors import RuleError
from pipeline.rules import RULES_DIR, load_rules
from pipeline.selftest import check_counterexample, check_example

RULESET = load_rules()
EXAMPLES = [pytest.param(rule, dict(ex), id=f"{rule.id}#{i}") for rule in RULESET.rules for i, ex in enumerate(rule.examples)]
COUNTER = [pytest.param(rule, text, id=f"{rule.id}!{i}") for rule in RULESET.rules for i, text in enumerate(rule.counterexamples)]


@pytest.mark.parametrize("rule, example", EXAMPLES)
def test_when_rule_example_then_value_is_read(rule, example):
    assert check_example(rule, example, RULESET) is None


@pytest.mark.parametrize("rule, text", COUNTER)
def test_when_counterexample_then_rule_reads_nothing(rule, text):
    assert check_counterexample(rule, text, RULESET) is None


def test_every_metric_of_the_vocabulary_has_a_rule():
    covered = {r.metric for r in RULESET.rules}
    assert set(RULESET.metrics) <= covered


def test_project_vocabulary_contains_the_shared_one(shared_dir):
    import yaml

    shared = yaml.safe_load((shared_dir / "metrics.yaml").read_text(encoding="utf-8"))
    assert set(shared) <= set(RULESET.metrics)
    for key, spec in shared.items():
        assert RULESET.metrics[key]["unit"] == spec["unit"]


def _broken_rules(tmp_path, text: str):
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    for path in rules.glob("*.yaml"):
        if path.name not in {"common.yaml", "labels.yaml", "metrics.yaml", "units.yaml", "checks.yaml",
                             "unit_aliases.yaml", "document.yaml"}:
            path.unlink()
    (rules / "bad.yaml").write_text(text, encoding="utf-8")
    return rules


@pytest.mark.parametrize("text, message", [
    ("- {id: x, metric: no.such, pattern: '(?P<label>a){MONEY}'}", "not in metrics.yaml"),
    ("- {id: x, metric: spend.basic, pattern: '(?P<label>a)('}", "does not compile"),
    ("- {id: x, metric: spend.basic, pattern: '(?P<label>a)[0-9]+'}", "(?P<fig>"),
    ("- {id: x, metric: spend.basic, pattern: '(?P<label>a){NOPE}'}", "unknown fragment"),
    ("- {id: x, metric: spend.basic, pattern: '(?P<label>a){MONEY}', colour: red}", "unknown keys"),
    ("- {id: x, metric: spend.basic, pattern: '(?P<label>a){MONEY}'}\n- {id: x, metric: spend.basic, pattern: '(?P<label>b){MONEY}'}", "already used"),
])
def test_when_rule_is_invalid_then_load_names_file_and_rule(tmp_path, text, message):
    with pytest.raises(RuleError) as info:
        load_rules(_broken_rules(tmp_path, text))
    assert message in str(info.value)
    assert "bad.yaml" in str(info.value)


def test_when_rules_run_around_their_anchors_then_they_find_what_a_full_scan_finds():
    """Anchored scanning (pipeline/extraction/scan.scan) is an optimization: on every bundled report it
    must give exactly the matches a scan of the whole text gives."""
    from pathlib import Path

    from pipeline.extraction.scan import scan as _scan

    root = Path(__file__).resolve().parent
    texts = [p.read_text(encoding="utf-8") for folder in ("fixtures/seeds", "cases/reports", "cases/reports2")
             for p in sorted((root / folder).glob("*.txt"))]
    assert len(texts) >= 25
    for rule in RULESET.rules:
        if rule.anchors:
            for text in texts:
                assert [m.span() for m in _scan(rule, text)] == [m.span() for m in rule.pattern.finditer(text)], rule.id
