"""The findings of a database with their stable keys and review status.

Read by the review pages (``jixiao serve``) and by ``jixiao report`` (the status column): both
see the same key for a finding, computed from the database's rows by pipeline/review_key.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from ..review_key import EvidenceItem, FindingFacts, assign_keys, content_key, evidence_hash
from .decisions import DecisionStore, Review


@dataclass(frozen=True)
class KeyedFinding:
    """An audit_findings row with its keys."""

    id: str  # audit_findings.id (changes when a figure moves; never stored with a decision)
    key: str
    content_key: str
    evidence_hash: str
    facts: FindingFacts


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def keyed_findings(con: duckdb.DuckDBPyConnection) -> list[KeyedFinding]:
    """Every finding (info notes included), in a stable order, with its keys."""
    evidence: dict[str, list[EvidenceItem]] = defaultdict(list)
    for fid, doc, sha, metric, basis, value, quote in con.execute(
        'SELECT e.finding_id, e.doc, d.sha256, e.metric, f.basis, e.value, e.quote '
        "FROM finding_evidence e LEFT JOIN facts f ON f.id = e.fact_id LEFT JOIN documents d ON d.doc = e.doc "
        "ORDER BY e.finding_id, e.position"
    ).fetchall():
        evidence[fid].append(EvidenceItem(doc, sha, metric, basis, _dec(value), quote or ""))
    rows = con.execute(
        'SELECT a.id, a.doc, d.sha256, a."check", a.rule_id, a.metrics, a.stated, a.expected '
        "FROM audit_findings a LEFT JOIN documents d USING (doc) ORDER BY a.doc, a.\"check\", a.id"
    ).fetchall()
    facts = [FindingFacts(doc, sha, check or "", rule_id or "", tuple(metrics or ()), _dec(stated), _dec(expected),
                          tuple(evidence.get(fid, ())))
             for fid, doc, sha, check, rule_id, metrics, stated, expected in rows]
    keys = assign_keys(facts)
    return [KeyedFinding(r[0], k, content_key(f), evidence_hash(f), f) for r, k, f in zip(rows, keys, facts)]


def reviews_by_id(con: duckdb.DuckDBPyConnection, review_file: Path | str) -> dict[str, tuple[KeyedFinding, Review]]:
    """audit_findings.id → (keys, review) for every finding, from the decision file (which may not exist)."""
    keyed = keyed_findings(con)
    reviews = DecisionStore(review_file).reviews((k.key, k.content_key, k.evidence_hash) for k in keyed)
    return {k.id: (k, reviews[k.key]) for k in keyed}
