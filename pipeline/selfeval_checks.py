"""The self-evaluation table against itself: findings of check ``score`` (rules/checks.yaml
``score``; words, full marks and grade bands in rules/indicators.yaml).

* score_sum — the rows' scores (the execution row's included) do not add up to the stated total;
  checked only when the weights add up to the full marks, so a row the reader missed is never a
  false finding;
* score_over_weight — a row scores above its weight;
* weight_total — the weights do not add up to the template's full marks (100; or 90 for the
  indicators when no execution row was read);
* full_marks_missed_target — full marks for a row whose actual misses its target (≥95% vs 93%,
  ≤90万元 vs 92万元), qualitative rows and rows in different units left alone;
* execution_score_rule — the execution row's score is not 执行率 × 分值 (capped at the weight; to a
  whole point either way);
* grade_band — the grade the report gives itself is not the band of its total score.

A stated execution rate against 执行数 ÷ 预算数 is pipeline/checks.py's ``execution`` (check
``ratio``), and a funds row of 0 over its 其中 row is its ``zero``: facts, not indicators.
Every finding carries its rows (quote and span) as evidence.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .formatting import show
from .model import Fact, Finding, Indicator, Kind, SelfGrade
from .selfeval.measure import Measure, missed
from .selfeval.vocab import IndicatorVocab

ZERO = Decimal(0)
EVIDENCE_METRIC = "score.indicator"


@dataclass(frozen=True)
class DocSelfEvaluation:
    """What the checks need of one report: its rows, grade, total scores and unit / year."""

    doc: str
    indicators: tuple[Indicator, ...]
    grade: SelfGrade | None
    totals: tuple[Fact, ...]  # score.self facts
    unit: str | None = None
    year: int | None = None


def row_fact(x: Indicator, value: Decimal | None = None) -> Fact:
    """An indicator row as evidence: its score (or ``value``), its row as the quote."""
    v = value if value is not None else (x.score if x.score is not None else ZERO)
    return Fact(doc=x.doc, metric=EVIDENCE_METRIC, value=v, unit="point", kind=Kind.LEVEL, approx=False,
                basis=None, quote=x.quote, start=x.start, end=x.end, rule_id=f"indicator.{x.layout}",
                raw=str(v), label=x.level3)


def grade_fact(g: SelfGrade) -> Fact:
    return Fact(doc=g.doc, metric="score.grade", value=ZERO, unit="", kind=Kind.LEVEL, approx=False, basis=None,
                quote=g.quote, start=g.start, end=g.end, rule_id="indicator.grade", raw=g.raw)


class SelfEvaluationChecker:
    """The ``score`` checks of rules/checks.yaml over one report's self-evaluation."""

    def __init__(self, config: dict, vocab: IndicatorVocab | None, severity: dict):
        self.config = config or {}
        self.vocab = vocab
        self.on = set(self.config.get("checks") or ())
        self.severity = {**{k: severity.get("score", "error") for k in self.on}, **(self.config.get("severity") or {})}
        self.metric = self.config.get("metric", "score.self")
        self.slack = Decimal(str(self.config.get("slack", "0.01")))

    def run(self, doc: DocSelfEvaluation) -> list[Finding]:
        if self.vocab is None or not self.on:
            return []
        rows = [x for x in doc.indicators if x.layout != "prose"]
        out: list[Finding] = []
        for name in ("score_over_weight", "full_marks_missed_target", "execution_score_rule", "weight_total",
                     "score_sum", "grade_band"):
            if name in self.on:
                out += getattr(self, name)(doc, rows)
        return out

    def _finding(self, doc: DocSelfEvaluation, name: str, message: str, evidence: Iterable[Fact],
                 stated: Decimal | None = None, expected: Decimal | None = None, metric: str | None = None) -> Finding:
        ev = tuple(sorted(set(evidence), key=lambda f: (f.start, f.metric)))
        return Finding(doc=doc.doc, check="score", severity=self.severity.get(name, "error"),
                       metrics=(metric or self.metric,), message=message, stated=stated, expected=expected,
                       evidence=ev, rule_id=f"score.{name}", unit=doc.unit, year=doc.year)

    # one row -------------------------------------------------------------------------------
    def score_over_weight(self, doc, rows) -> list[Finding]:
        return [self._finding(doc, "score_over_weight",
                              f"指标得分超过分值：「{x.level3}」分值 {_pts(x.weight)}，得分 {_pts(x.score)}。",
                              [row_fact(x)], stated=x.score, expected=x.weight)
                for x in rows if x.weight is not None and x.score is not None and x.score > x.weight]

    def full_marks_missed_target(self, doc, rows) -> list[Finding]:
        out = []
        for x in rows:
            if x.layout == "execution" or x.weight is None or x.score is None or x.score != x.weight or x.weight == 0:
                continue
            target = Measure(x.target_text, x.target_op, x.target_value, x.target_unit)
            actual = Measure(x.actual_text, None, x.actual_value, x.actual_unit)
            if missed(target, actual, self.vocab):
                out.append(self._finding(
                    doc, "full_marks_missed_target",
                    f"未达到指标值却得满分：「{x.level3}」指标值 {x.target_text}，实际完成 {x.actual_text}，"
                    f"得分 {_pts(x.score)}（满分 {_pts(x.weight)}）。", [row_fact(x)], stated=x.score))
        return out

    def execution_score_rule(self, doc, rows) -> list[Finding]:
        if self.vocab.execution_rule != "rate_times_weight":
            return []
        out = []
        for x in rows:
            if x.layout != "execution" or None in (x.weight, x.score, x.actual_value):
                continue
            expected = min(x.actual_value, Decimal(1)) * x.weight
            if abs(x.score - expected) >= 1:
                out.append(self._finding(
                    doc, "execution_score_rule",
                    f"预算执行得分与规则不符：执行率 {show(x.actual_value, 'ratio')} × 分值 {_pts(x.weight)} "
                    f"应得 {_pts(expected.quantize(Decimal('0.01')))}，报告得分 {_pts(x.score)}。",
                    [row_fact(x)], stated=x.score, expected=expected, metric="budget.execution_rate"))
        return out

    # the whole table -----------------------------------------------------------------------
    def _weights(self, rows) -> tuple[Decimal | None, list[Indicator]]:
        weighted = [x for x in rows if x.weight is not None]
        if not any(x.layout != "execution" for x in weighted):
            return None, weighted
        return sum((x.weight for x in weighted), ZERO), weighted

    def _complete(self, rows, scored: bool = False) -> bool:
        """The weights reach the full marks (``scored``: the execution row's included, so the
        scores can be added up to the total)."""
        total, weighted = self._weights(rows)
        if total is None:
            return False
        has_execution = any(x.layout == "execution" for x in weighted)
        if scored:
            return total == self.vocab.full_marks
        return total == self.vocab.full_marks or (not has_execution and total == self.vocab.indicator_marks)

    def weight_total(self, doc, rows) -> list[Finding]:
        total, weighted = self._weights(rows)
        if total is None or self._complete(rows):
            return []
        has_execution = any(x.layout == "execution" for x in weighted)
        expected = self.vocab.full_marks if has_execution or total > self.vocab.indicator_marks else self.vocab.indicator_marks
        # a row the reader missed takes at least the smallest weight away: a shortfall that large
        # may be that, so only weights above the full marks, or short by less than any row, are findings
        smallest = min((x.weight for x in weighted if x.weight), default=ZERO)
        if not (total > expected or expected - total < smallest) or not self._total_stated(doc):
            return []
        return [self._finding(doc, "weight_total",
                              f"各指标分值合计 {_pts(total)}，与满分 {_pts(expected)} 不符。",
                              [row_fact(x, x.weight) for x in weighted], stated=total, expected=expected)]

    def _total_stated(self, doc) -> Fact | None:
        """The stated total: the total row's (rule table.*) first, else the only value stated."""
        totals = [f for f in doc.totals if f.kind == "level"]
        table = [f for f in totals if f.rule_id.startswith("table.")]
        pool = table or totals
        values = {f.value for f in pool}
        return min(pool, key=lambda f: f.start) if len(values) == 1 else None

    def score_sum(self, doc, rows) -> list[Finding]:
        total = self._total_stated(doc)
        if total is None or not self._complete(rows, scored=True):
            return []
        scored = [x for x in rows if x.score is not None]
        got = sum((x.score for x in scored), ZERO)
        tol = self.slack * (len(scored) + 1) + (total.step or ZERO) / 2
        if abs(got - total.value) <= tol:
            return []
        return [self._finding(doc, "score_sum",
                              f"各指标得分之和 {_pts(got)} 与自评总分 {_pts(total.value)} 不符（差 {_pts(abs(got - total.value))}）。",
                              [total, *(row_fact(x) for x in scored)], stated=total.value, expected=got)]

    def grade_band(self, doc, rows) -> list[Finding]:
        total = self._total_stated(doc)
        if doc.grade is None or total is None:
            return []
        band = self.vocab.band_of(total.value)
        if band is None or band == doc.grade.grade:
            return []
        return [self._finding(doc, "grade_band",
                              f"评价等级与总分不符：总分 {_pts(total.value)} 应为“{band}”，报告自评为“{doc.grade.raw}”。",
                              [total, grade_fact(doc.grade)], stated=total.value)]


def _pts(v: Decimal | None) -> str:
    if v is None:
        return "—"
    text = format(v.normalize(), "f")
    return text + "分"
