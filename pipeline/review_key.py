"""Stable keys of a finding, so that an auditor's decision outlives re-runs (``jixiao serve``).

``audit_findings.id`` changes whenever a figure moves in its report (it hashes fact ids, which
hash character offsets), so a decision is not stored against it. Three pure functions instead:

* :func:`finding_key` — *which* finding this is: the report it is about (its file name, the key
  of ``documents``), the check, its rule, the metrics, and for every piece of evidence its
  report, metric and basis (预算/决算). A re-run, a corrected report with another figure, an
  edit elsewhere in the report: the key stays. Values are left out on purpose: a decision
  must survive a changed figure, and show it (below).
* :func:`content_key` — the same with every report named by the sha256 of its content instead
  of its file name: a renamed copy of a reviewed report finds its decisions by this one.
* :func:`evidence_hash` — *what* was reviewed: the stated and expected values, and each
  evidence's metric, value and quote (not its report's name or offsets: the key holds those). A decision records it; when a re-run gives a
  finding another evidence hash, the decision is kept and the finding needs another look.

Two findings of one report can share a key (rare: two conflicts of one metric and basis with
different qualifiers); :func:`assign_keys` numbers them (``…-2``) in the order of their values.
Should a corrected figure swap that order, both evidence hashes change too, so both findings
show "needs another look": a decision is never silently shown on the wrong finding.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class EvidenceItem:
    """One fact a finding rests on, as the keys see it."""

    doc: str
    sha256: str | None
    metric: str
    basis: str | None
    value: Decimal | None
    quote: str


@dataclass(frozen=True)
class FindingFacts:
    """What the keys of one finding are computed from (audit_findings + finding_evidence rows)."""

    doc: str
    sha256: str | None
    check: str
    rule_id: str
    metrics: tuple[str, ...]
    stated: Decimal | None
    expected: Decimal | None
    evidence: tuple[EvidenceItem, ...]


def number(value: Decimal | float | int | str | None) -> str:
    """A value as canonical text: equal numbers, equal text.

    >>> number(Decimal("45.000000")), number(Decimal("0.4980")), number(None), number(Decimal("1E+2"))
    ('45', '0.498', '', '100')
    """
    if value is None:
        return ""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _digest(payload) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def _identity(f: FindingFacts, by_content: bool) -> str:
    def name(doc: str, sha: str | None) -> str:
        return (sha or doc) if by_content else doc

    evidence = sorted({(name(e.doc, e.sha256), e.metric, e.basis or "") for e in f.evidence})
    return _digest(["finding/1", name(f.doc, f.sha256), f.check, f.rule_id, sorted(f.metrics), evidence])


def finding_key(f: FindingFacts) -> str:
    """Which finding this is, independent of its figures' values and offsets.

    >>> e = EvidenceItem("a.txt", "s1", "staff.authorized", None, Decimal(45), "编制45人。")
    >>> f = FindingFacts("a.txt", "s1", "conflict", "conflict.staff.authorized", ("staff.authorized",),
    ...                  Decimal(45), Decimal(42), (e,))
    >>> g = FindingFacts("a.txt", "s2", "conflict", "conflict.staff.authorized", ("staff.authorized",),
    ...                  Decimal(45), Decimal(43), (EvidenceItem("a.txt", "s2", "staff.authorized", None,
    ...                  Decimal(43), "编制43人。"),))
    >>> finding_key(f) == finding_key(g), len(finding_key(f))
    (True, 64)
    """
    return _identity(f, by_content=False)


def content_key(f: FindingFacts) -> str:
    """The finding's key with its reports named by content (sha256) rather than file name."""
    return _identity(f, by_content=True)


def evidence_hash(f: FindingFacts) -> str:
    """What an auditor saw when deciding: values and quotes, in evidence order.

    >>> e = EvidenceItem("a.txt", "s1", "staff.authorized", None, Decimal("45.000000"), "编制45人。")
    >>> f = FindingFacts("a.txt", "s1", "conflict", "r", ("staff.authorized",), Decimal(45), None, (e,))
    >>> evidence_hash(f) == evidence_hash(FindingFacts("a.txt", "other", "conflict", "r", ("staff.authorized",),
    ...     Decimal("45.0"), None, (EvidenceItem("a.txt", "s9", "staff.authorized", None, Decimal(45), "编制45人。"),)))
    True
    """
    return _digest(["evidence/1", number(f.stated), number(f.expected),
                    [[e.metric, number(e.value), e.quote] for e in f.evidence]])


def assign_keys(findings: Sequence[FindingFacts]) -> list[str]:
    """finding_key of each finding, made unique: the second of a shared key gets ``-2`` and so on,
    numbered in the order of the findings' values (stated, expected, evidence values)."""
    keys = [finding_key(f) for f in findings]
    groups: dict[str, list[int]] = defaultdict(list)
    for i, k in enumerate(keys):
        groups[k].append(i)
    for k, members in groups.items():
        if len(members) > 1:
            members.sort(key=lambda i: (number(findings[i].stated), number(findings[i].expected),
                                        [number(e.value) for e in findings[i].evidence], evidence_hash(findings[i])))
            for n, i in enumerate(members[1:], start=2):
                keys[i] = f"{k}-{n}"
    return keys
