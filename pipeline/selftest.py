"""Run every rule's own examples and counterexamples (``jixiao rules check`` and the tests)."""
from __future__ import annotations

from decimal import Decimal

from .extract import extract
from .model import DocMeta, Document, Rule
from .rules import RuleSet
from .segment import segment

_META = DocMeta(unit=None, year=None, report_type=None)


def facts_of(text: str, ruleset: RuleSet, meta: DocMeta = _META):
    """Every fact the pipeline reads from a one-paragraph text."""
    document = Document("example.txt", "example.txt", "txt", text, "")
    return extract(document, segment(document, ruleset.layout), meta, ruleset)


def _meta_for(rule: Rule) -> DocMeta:
    """A rule read only in some report types (report_types) is tried in a report of the first."""
    return DocMeta(unit=None, year=None, report_type=rule.report_types[0]) if rule.report_types else _META


def check_example(rule: Rule, example: dict, ruleset: RuleSet) -> str | None:
    """None when the rule reads the example's value (and approx/basis when given), else why not."""
    facts = [f for f in facts_of(example["text"], ruleset, _meta_for(rule)) if f.rule_id == rule.id]
    want = Decimal(str(example["value"]))
    hits = [f for f in facts if f.value == want]
    if not hits:
        got = ", ".join(f"{f.metric}={f.value}" for f in facts) or "nothing"
        return f"{example['text']!r}: expected {want}, got {got}"
    fact = hits[0]
    if "approx" in example and fact.approx != bool(example["approx"]):
        return f"{example['text']!r}: approx {fact.approx}, expected {example['approx']}"
    if "basis" in example and fact.basis != example["basis"]:
        return f"{example['text']!r}: basis {fact.basis}, expected {example['basis']}"
    return None


def check_counterexample(rule: Rule, text: str, ruleset: RuleSet) -> str | None:
    """None when the rule reads nothing from the counterexample."""
    facts = [f for f in facts_of(text, ruleset, _meta_for(rule)) if f.rule_id == rule.id]
    if facts:
        return f"{text!r}: should not match, read {', '.join(f'{f.metric}={f.value}' for f in facts)}"
    return None


def run_rule_examples(ruleset: RuleSet) -> list[tuple[str, str]]:
    """(rule id, message) for every failing example or counterexample."""
    failures = []
    for rule in ruleset.rules:
        for example in rule.examples:
            message = check_example(rule, dict(example), ruleset)
            if message:
                failures.append((rule.id, message))
        for text in rule.counterexamples:
            message = check_counterexample(rule, text, ruleset)
            if message:
                failures.append((rule.id, message))
    return failures
