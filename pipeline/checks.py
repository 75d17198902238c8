"""Facts → findings: where a report contradicts itself, its own arithmetic, or the same unit's
other reports. Which metrics relate how is data (rules/checks.yaml); this module is the engine.

Every finding carries the facts it rests on (their quotes and spans are verbatim from the
reports) and a message in Simplified Chinese.

Checks: ``conflict`` (one metric, two values), ``sum`` (parts ≠ total), ``ratio`` (a stated
share or change ≠ what the stated figures give), ``staffing`` (在职 > 编制 …), ``zero`` (a
total given as 0 while its parts are not), ``yoy`` (a stated change or previous-year figure
≠ the previous year's report; large jumps as info).
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

import regex

from .formatting import metric_name, show
from .indicator_rows import indicator_rows
from .model import OPEN, Fact, Finding, Indicator, SelfGrade, basis_class
from .normalize import Units, approx_range, decimal_text, parse_quantity
from .rules import RuleSet, load_rules, normalize_label
from .selfeval_checks import DocSelfEvaluation, SelfEvaluationChecker

ZERO = Decimal(0)


@dataclass(frozen=True)
class DocInfo:
    """What the checks need to know about a report."""

    doc: str
    unit: str | None
    unit_key: str | None
    year: int | None


# intervals ------------------------------------------------------------------------------

COUNT_UNITS = {"person", "household", "building", "item"}


class FactList(list):
    """A report's (or a unit's) facts, indexed on first use: the checks look facts up by metric,
    sentence or total instead of scanning them all for each fact they check (a compiled volume
    of thousands of reports is one document: a scan per fact would be quadratic)."""

    def _index(self, name: str, key) -> dict:
        index = self.__dict__.get(name)
        if index is None:
            index = defaultdict(list)
            for f in self:
                k = key(f)
                if k is not None:
                    index[k].append(f)
            self.__dict__[name] = index
        return index

    def levels(self, metric: str) -> list[Fact]:
        """The level facts of a metric, in list order."""
        return self._index("_levels", lambda f: f.metric if f.kind == "level" else None).get(metric, [])

    def of_sentence(self, metric: str, sentence_index: int) -> list[Fact]:
        """The facts of a metric (any kind) in one sentence, in list order."""
        return self._index("_sentences", lambda f: (f.metric, f.sentence_index)).get((metric, sentence_index), [])

    def grouped(self, start: int) -> list[Fact]:
        """The facts whose group is the total at ``start``, in list order."""
        return self._index("_groups", lambda f: f.group).get(start, [])

    def by_start(self, metric: str) -> tuple[list[int], list[Fact]]:
        """The level facts of a metric sorted by start (stable), and their starts."""
        cache = self.__dict__.setdefault("_by_start", {})
        if metric not in cache:
            ordered = sorted(self.levels(metric), key=lambda f: f.start)
            cache[metric] = [f.start for f in ordered], ordered
        return cache[metric]


def _levels_of(fs: list[Fact], metric: str) -> list[Fact]:
    if isinstance(fs, FactList):
        return fs.levels(metric)
    return [f for f in fs if f.kind == "level" and f.metric == metric]


def interval(f: Fact, units: Units | None = None) -> tuple[Decimal, Decimal]:
    """The values a stated figure stands for: its qualifier's range (余 近 约), ± half its last
    decimal (366.62万元), or exactly itself (a count, a whole number, zero). ``units``: the
    RuleSet's, to re-read an approximate figure's qualifier (default: the packaged units).

    >>> from pipeline.selftest import facts_of
    >>> from pipeline.rules import load_rules
    >>> [interval(f) for f in facts_of("签订协议1300余份，基本支出366.62万元，人员编制17名", load_rules())]
    [(Decimal('1300'), Decimal('1400')), (Decimal('3666150'), Decimal('3666250')), (Decimal('17'), Decimal('17'))]
    """
    return _interval(f.value, f.unit, f.approx, f.raw, f.step, units)


# bounded small: a worker checks report after report for hours, and every report brings new values
# (65,536 entries grew each worker by ≈ 2.5 MB a thousand reports, to ≈ 40 MB; bench/RESULTS.md, round 22)
@lru_cache(maxsize=8192)
def _interval(value: Decimal, unit: str, approx: bool, raw: str, step: Decimal,
              units: Units | None) -> tuple[Decimal, Decimal]:
    if approx:
        q = parse_quantity(raw, units)
        if q is not None and q.value:
            lo, hi = approx_range(q)
            scale = value / q.value
            return lo * scale, hi * scale
    if value == 0 or unit in COUNT_UNITS or not _has_decimals(raw):
        return value, value
    half = (step or ZERO) / 2
    return value - half, value + half


def rounding(f: Fact, units: Units | None = None) -> Decimal:
    """Half the width of a figure's interval: how far rounding can have moved it."""
    lo, hi = interval(f, units)
    return (hi - lo) / 2


def _has_decimals(raw: str) -> bool:
    return "." in raw or "．" in raw or "点" in raw


def _agree(a: Fact, b: Fact, units: Units | None = None) -> bool:
    """Two statements of one figure agree: their ranges overlap, or the finer one rounds to the
    coarser one (1087.21万元 and 1087万元)."""
    if _overlap(interval(a, units), interval(b, units)):
        return True
    if a.approx or b.approx:
        return False
    return abs(a.value - b.value) * 2 <= max(a.step or ZERO, b.step or ZERO) and a.unit not in COUNT_UNITS


def stated(f: Fact) -> str:
    """A figure as the report wrote it, or formatted when the text gave no unit (a table cell).

    >>> from decimal import Decimal
    >>> stated(Fact("d", "spend.basic", Decimal("3221500"), "yuan", "level", False, None, "", 0, 0, "", raw="322.15"))
    '322.15万元'
    """
    raw = f.raw.strip()
    if raw and not raw[-1].isdigit():
        return raw
    return show(f.value, f.unit)


def _sum_interval(parts: list[Fact], units: Units | None = None) -> tuple[Decimal, Decimal]:
    return sum((interval(p, units)[0] for p in parts), ZERO), sum((interval(p, units)[1] for p in parts), ZERO)


def _overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _clusters(facts: list[Fact], units: Units | None = None) -> list[list[Fact]]:
    """Group statements that agree (transitively).

    Facts come in order of their ranges' lower ends, so one overlaps a member of the last group
    exactly when its lower end is at most the group's highest upper end: asked first, that spares
    comparing it with every member (a metric stated in each of a volume's 2,000 reports)."""
    groups: list[list[Fact]] = []
    top = ZERO  # the highest upper end of the last group's ranges
    for f in sorted(facts, key=lambda x: interval(x, units)[0]):
        lo, hi = interval(f, units)
        if groups and (lo <= top or any(_agree(f, g, units) for g in reversed(groups[-1]))):
            groups[-1].append(f)
            top = max(top, hi)
        else:
            groups.append([f])
            top = hi
    return groups


def doubtful_ocr(evidence: Iterable[Fact], threshold: float) -> str:
    """A note for a finding that rests on figures OCR read with confidence below ``threshold``
    (rules/checks.yaml ``ocr.low_confidence``): the finding may be the OCR's error, not the report's.

    >>> from pipeline.selftest import facts_of
    >>> from pipeline.rules import load_rules
    >>> f = facts_of("人员编制17名", load_rules())[0]
    >>> doubtful_ocr([replace(f, ocr_confidence=0.62)], 0.9)
    '（注意：所依据的数字 17名 来自扫描件 OCR 识别，置信度低（0.62），请核对原件）'
    >>> doubtful_ocr([f, replace(f, ocr_confidence=0.97)], 0.9)
    ''
    """
    low = [f for f in evidence if f.ocr_confidence is not None and f.ocr_confidence < threshold]
    if not low:
        return ""
    shown = "、".join(f"{f.raw or show(f.value)}" for f in low)
    worst = min(f.ocr_confidence for f in low)
    return f"（注意：所依据的数字 {shown} 来自扫描件 OCR 识别，置信度低（{worst:.2f}），请核对原件）"


# the engine ------------------------------------------------------------------------------

class Checker:
    """Runs every check of the RuleSet's checks.yaml over facts grouped by report."""

    def __init__(self, ruleset: RuleSet | None = None):
        """``ruleset``: the rules of the run (default: the packaged rules)."""
        ruleset = ruleset or load_rules()
        self.config = ruleset.checks
        self.metrics = ruleset.metrics
        self.names = ruleset.metric_names
        self.units = ruleset.units  # approximate figures are re-read with the rules' units
        self.severity = self.config["severity"]
        self.ocr_low = float((self.config.get("ocr") or {}).get("low_confidence", 0))
        number = (self.config.get("conflict") or {}).get("document_number")
        self._document_number = regex.compile(number) if number else None

    def name(self, metric: str) -> str:
        return metric_name(metric, self.metrics, self.names)

    def unit_of(self, metric: str) -> str:
        return self.metrics[metric]["unit"]

    def run(self, facts: Iterable[Fact], docs: dict[str, DocInfo], checked: Container[str] = ()) -> list[Finding]:
        """The findings of a unit group's facts: each report's own, then year on year. ``checked``:
        reports whose own findings were found where they were read (pipeline/doc_checks.py)."""
        by_doc: dict[str, list[Fact]] = defaultdict(list)
        for f in facts:
            by_doc[f.doc].append(f)
        out: list[Finding] = []
        for doc, fs in sorted(by_doc.items()):
            fs = by_doc[doc] = FactList(fs)
            if doc not in checked:
                out += self.document(fs, docs.get(doc) or DocInfo(doc, None, None, None))
        out += self.yoy(by_doc, docs)
        return out

    def document(self, fs: FactList, info: DocInfo) -> list[Finding]:
        """The findings of one report's own facts (``fs`` in the order the database gives them)."""
        out: list[Finding] = []
        zeros = self.zero(fs, info)
        out += zeros
        out += self.conflict(fs, info)
        sums = self.sums(fs, info, skip_totals={f.metrics[0] for f in zeros})
        flagged = {(f.metrics[0], f.stated) for f in sums + zeros}
        out += sums
        out += [f for f in self.enumerations(fs, info) if (f.metrics[0], f.stated) not in flagged]
        out += self.ratios(fs, info)
        out += self.staffing(fs, info)
        return out

    def _finding(self, info: DocInfo, check: str, metrics: Iterable[str], message: str, evidence: Iterable[Fact],
                 rule_id: str, stated: Decimal | None = None, expected: Decimal | None = None,
                 severity: str | None = None) -> Finding:
        ev = tuple(sorted(set(evidence), key=lambda f: (f.doc, f.start, f.kind)))
        message += doubtful_ocr(ev, self.ocr_low)
        return Finding(doc=info.doc, check=check, severity=severity or self.severity[check],
                       metrics=tuple(dict.fromkeys(metrics)), message=message, stated=stated, expected=expected,
                       evidence=ev, rule_id=rule_id, unit=info.unit, year=info.year)

    # conflict ----------------------------------------------------------------------------
    def conflict(self, fs: list[Fact], info: DocInfo) -> list[Finding]:
        out = []
        eligible = set(self.config["conflict"]["metrics"])
        cited = self._cited_document
        groups: dict[tuple, list[Fact]] = defaultdict(list)
        for f in fs:
            if f.kind == "level" and f.metric in eligible:
                groups[(f.metric, basis_class(f), f.qualifier, cited(f))].append(f)
        items = _list_items(fs)
        for (metric, basis, qualifier, _cited), group in sorted(groups.items(), key=lambda kv: str(kv[0])):
            clusters = _clusters(group, self.units)
            if len(clusters) < 2 or _items_of_one_list(clusters, items):
                continue
            out.append(self._conflict_finding(info, metric, basis, qualifier, clusters))
        out += self._conflict_across_parts(fs, info, eligible)
        out += self._conflict_table_vs_text(fs, info, eligible)
        flagged = {m for f in out for m in f.metrics}
        out += [f for f in self._conflict_year_totals(fs, info, eligible) if f.metrics[0] not in flagged]
        return out

    def _cited_document(self, f: Fact) -> str | None:
        """The one document number (呼财农指【2023】19号) the figure's sentence cites before it, when it
        cites exactly one: an allocation by one document is not another document's (rules/checks.yaml
        ``conflict.document_number``)."""
        pattern = self._document_number
        if pattern is None:
            return None
        at = f.quote.find(f.raw) if f.raw else -1
        cited = set(pattern.findall(f.quote[:at] if at >= 0 else f.quote))
        return cited.pop() if len(cited) == 1 else None

    def _conflict_year_totals(self, fs: list[Fact], info: DocInfo, stock: set[str]) -> list[Finding]:
        """A count of work stated twice as the whole year's (全年共完成征收土地２４１６亩 … 全年完成征地
        2461亩), exactly, with values that cannot both be true."""
        words = (tuple(self.config["conflict"].get("year_total", ())),
                 tuple(self.config["conflict"].get("year_total_not", ())))
        parts = {(f.doc, f.start) for f in fs if f.kind == "part"}
        groups: dict[tuple, dict[tuple, list[Fact]]] = defaultdict(lambda: defaultdict(list))
        for f in fs:
            if (f.kind == "level" and f.metric not in stock and not f.approx and (f.doc, f.start) not in parts
                    and _states_year_total(f, words)):
                groups[(f.metric, basis_class(f), f.qualifier)][(f.doc, f.sentence_index)].append(f)
        out = []
        for (metric, basis, qualifier), by_sentence in sorted(groups.items(), key=lambda kv: str(kv[0])):
            # one statement per sentence: a sentence with several is a list, not two totals
            clusters = _clusters([g[0] for g in by_sentence.values() if len(g) == 1], self.units)
            if len(clusters) >= 2:
                out.append(self._conflict_finding(info, metric, basis, qualifier, clusters))
        return out

    def _conflict_table_vs_text(self, fs: list[Fact], info: DocInfo, stock: set[str]) -> list[Finding]:
        """A count of work with one value in the text and another in a table of the same report
        (签订征拆协议1,035户 in the text, 签约户数 1053户 in the 绩效指标 table)."""
        out = []
        groups: dict[tuple, tuple[list[Fact], list[Fact]]] = defaultdict(lambda: ([], []))
        for f in fs:
            if f.kind == "level" and f.metric not in stock:
                tabular = f.rule_id.startswith(("table.", "form."))
                groups[(f.metric, basis_class(f), f.qualifier)][1 if tabular else 0].append(f)
        for (metric, basis, qualifier), (text_facts, table_facts) in sorted(groups.items(), key=lambda kv: str(kv[0])):
            if not text_facts or not table_facts:
                continue
            in_text, in_table = _clusters(text_facts, self.units), _clusters(table_facts, self.units)
            if len(in_text) == 1 and len(in_table) == 1 and not _agree(in_text[0][0], in_table[0][0], self.units):
                out.append(self._conflict_finding(info, metric, basis, qualifier, [in_text[0], in_table[0]]))
        return out

    def _conflict_across_parts(self, fs: list[Fact], info: DocInfo, stock: set[str]) -> list[Finding]:
        """A count of work (签约, 征地 …) stated in the same words in two parts of one file (the
        整体支出 report and its 附件 项目支出 report) with one value in each part, but not the same."""
        out = []
        groups: dict[tuple, dict[str, list[Fact]]] = defaultdict(lambda: defaultdict(list))
        for f in fs:
            if f.kind == "level" and f.metric not in stock and f.label:
                groups[(f.metric, basis_class(f), f.qualifier, normalize_label(f.label))][_doc_part(f)].append(f)
        for (metric, basis, qualifier, _label), parts in sorted(groups.items(), key=lambda kv: str(kv[0])):
            if len(parts) < 2:
                continue
            per_part = [_clusters(group, self.units) for group in parts.values()]
            if any(len(c) != 1 for c in per_part):
                continue  # a part states several values in these words: parts of a whole, not a contradiction
            clusters = _clusters([f for c in per_part for f in c[0]], self.units)
            if len(clusters) >= 2:
                out.append(self._conflict_finding(info, metric, basis, qualifier, clusters))
        return out

    def _conflict_finding(self, info: DocInfo, metric: str, basis: str, qualifier: str | None,
                          clusters: list[list[Fact]]) -> Finding:
        values = "、".join(stated(c[0]) for c in clusters)
        what = self.name(metric) + (f"（{qualifier}）" if qualifier else "")
        basis_zh = ("预算数" if basis == "budget" else "实际数") if self.unit_of(metric) == "yuan" else ""
        return self._finding(
            info, "conflict", [metric],
            f"「{what}」{basis_zh}在报告中出现不同数值：{values}。",
            [c[0] for c in clusters] + [f for c in clusters for f in c[1:]], f"conflict.{metric}",
            stated=clusters[-1][0].value, expected=clusters[0][0].value,
        )

    # helpers: one value per metric ---------------------------------------------------------
    def _single(self, fs: list[Fact], metric: str, basis: str | None = None, qualifier: str | None = None) -> Fact | None:
        """The value of a metric when the report states exactly one (overlapping statements count once)."""
        if isinstance(fs, FactList):  # asked again for each share and sum of a report: remembered
            memo = fs.__dict__.setdefault("_single", {})
            key = (metric, basis, qualifier)
            if key not in memo:
                levels = fs.levels(metric)
                memo[key] = self._single(list(levels), metric, basis, qualifier) if levels else None
            return memo[key]
        cands = [f for f in _levels_of(fs, metric) if f.qualifier == qualifier
                 and (basis is None or basis_class(f) == basis)]
        if len(cands) == 1:  # one statement is one cluster, and its own best
            return cands[0]
        clusters = _clusters(cands, self.units)
        if len(clusters) != 1:
            return None
        return min(clusters[0], key=lambda f: (f.approx, f.step, f.start, f.doc))

    # sum -----------------------------------------------------------------------------------
    def sums(self, fs: list[Fact], info: DocInfo, skip_totals: set[str]) -> list[Finding]:
        out = []
        for rel in self.config["sums"]:
            if rel["total"] in skip_totals:
                continue
            for basis in ("actual", "budget"):
                total = self._single(fs, rel["total"], basis)
                if total is None:
                    continue
                parts = [p for p in (self._single(fs, m, basis) for m in rel["parts"]) if p is not None]
                if not parts or self._listed_consistently(fs, total):
                    continue
                found = self._compare_sum(info, total, parts, rel["id"], complete=rel.get("exact") and len(parts) == len(rel["parts"]))
                if found:
                    out.append(found)
        return out

    def _listed_consistently(self, fs: list[Fact], total: Fact) -> bool:
        """The report lists the parts of this total itself, and they add up to it."""
        same = {f.start for f in fs if f.kind == "level" and f.metric == total.metric
                and _overlap(interval(f, self.units), interval(total, self.units))}
        groups: dict[int, list[Fact]] = defaultdict(list)
        for f in fs:
            if f.kind == "part" and f.group in same and f.unit == total.unit:
                groups[f.group].append(f)
        return any(len(parts) >= 2 and _overlap(_sum_interval(parts, self.units), interval(total, self.units)) for parts in groups.values())

    def _compare_sum(self, info: DocInfo, total: Fact, parts: list[Fact], rule_id: str, complete: bool) -> Finding | None:
        lo = sum(interval(p, self.units)[0] for p in parts)
        hi = sum(interval(p, self.units)[1] for p in parts)
        t_lo, t_hi = interval(total, self.units)
        exceeds = lo > t_hi
        short = complete and hi < t_lo
        if not (exceeds or short):
            return None
        stated_sum = sum(p.value for p in parts)
        names = " + ".join(f"{p.qualifier or self.name(p.metric) if p.kind == 'part' else self.name(p.metric)} {stated(p)}" for p in parts)
        diff = stated_sum - total.value
        what = self.name(total.metric)
        message = (f"分项之和与合计不符：「{what}」为 {stated(total)}，"
                   f"而 {names} 合计 {show(stated_sum, total.unit)}（差 {show(abs(diff), total.unit)}）。")
        severity = self.severity["sum"] if exceeds else self.severity["sum_shortfall"]
        metrics = [total.metric] + [p.metric for p in parts]
        return self._finding(info, "sum", metrics, message, [total, *parts], rule_id, stated=total.value,
                             expected=stated_sum, severity=severity)

    def enumerations(self, fs: list[Fact], info: DocInfo) -> list[Finding]:
        """A stated total and the list of parts the report gives right after it."""
        out = []
        totals = {f.start: f for f in fs if f.kind in ("level", "total")}
        groups: dict[int, list[Fact]] = defaultdict(list)
        for f in fs:
            if f.kind == "part" and f.group is not None:
                groups[f.group].append(f)
        for start, parts in sorted(groups.items()):
            total = totals.get(start)
            if total is None or len(parts) < 2 or any(p.rule_id.endswith(OPEN) for p in parts):
                continue  # (a list the text ends in may go on: its sum says nothing)
            complete = parts[0].label != "其中" or total.unit != "yuan"
            found = self._compare_sum(info, total, parts, f"sum.listed.{parts[0].label}", complete=complete)
            if found:
                out.append(found)
        return out

    # ratio ---------------------------------------------------------------------------------
    def ratios(self, fs: list[Fact], info: DocInfo) -> list[Finding]:
        out = []
        parents = self.config["parents"]
        levels = FactList(f for f in fs if f.kind == "level")
        for share in (f for f in fs if f.kind == "share"):
            whole_metric = share.relative_to or parents.get(share.metric)
            if not whole_metric or whole_metric == share.metric:
                continue
            part = _nearest_before(levels, share, share.metric)
            whole = _same_sentence(levels, share, whole_metric) or self._single(fs, whole_metric, basis_class(part) if part else None)
            if part is None or whole is None or whole.value == 0:
                continue
            expected = self._off_ratio(share, part, whole)
            if expected is not None:
                out.append(self._finding(
                    info, "ratio", [share.metric, whole_metric],
                    f"比例与数字不符：报告称「{self.name(share.metric)}」占「{self.name(whole_metric)}」"
                    f"{show(share.value, 'ratio')}，按所列 {stated(part)} ÷ {stated(whole)} 计算应为 {show(expected.quantize(Decimal('0.0001')), 'ratio')}。",
                    [share, part, whole], "ratio.share", stated=share.value, expected=expected))
        out += self._change_ratios(fs, info, levels)
        out += self._execution_rates(fs, info, levels)
        out += self._task_shares(fs, info)
        return out

    def _off_ratio(self, stated_: Fact, part: Fact, whole: Fact) -> Decimal | None:
        """part ÷ whole when the stated ratio is further from it than its last digit (``slack`` steps) and
        the rounding of the two figures allow; None when it holds."""
        expected = part.value / whole.value
        tol = Decimal(str(self.config["ratio"]["slack"])) * stated_.step + _ratio_rounding(part, whole, self.units)
        return expected if abs(stated_.value - expected) > tol else None

    def _task_shares(self, fs: list[Fact], info: DocInfo) -> list[Finding]:
        """完成总任务95户的92.36%: the share of a task done against the figure done ÷ the task, both
        stated just before it in its sentence (a sub-area's line too: a contradiction is one wherever)."""
        out = []
        stated_ = FactList(f for f in fs if f.kind in ("level", "target", "sub"))
        # a sub-area's share is set aside as kind sub with its line (scope), and still checked
        for share in (f for f in fs if f.kind in ("share", "sub") and f.unit == "ratio" and f.relative_to == f.metric):
            before = [f for f in stated_.of_sentence(share.metric, share.sentence_index) if f.end <= share.start]
            task = max((f for f in before if f.basis == "budget"), key=lambda f: f.start, default=None)
            done = max((f for f in before if f.basis != "budget" and task is not None and f.end <= task.start),
                       key=lambda f: f.start, default=None)
            if task is None or done is None or task.value == 0:
                continue
            expected = self._off_ratio(share, done, task)
            if expected is not None:
                out.append(self._finding(
                    info, "ratio", [share.metric],
                    f"完成比例与数字不符：报告称完成「{self.name(share.metric)}」任务的 {show(share.value, 'ratio')}，按所列 "
                    f"{stated(done)} ÷ 任务 {stated(task)} 计算应为 {show(expected.quantize(Decimal('0.0001')), 'ratio')}。",
                    [share, done, task], "ratio.task", stated=share.value, expected=expected))
        return out

    def _execution_rates(self, fs: list[Fact], info: DocInfo, levels: list[Fact]) -> list[Finding]:
        """A stated execution rate against the actual ÷ budget stated in its row or sentence."""
        rel = self.config.get("execution") or {}
        out = []
        for rate in (f for f in levels if f.metric == rel.get("rate")):
            for metric in rel.get("of") or ():
                near = _in_sentence(levels, metric, rate.sentence_index)
                actual = [f for f in near if f.basis == "actual"]
                budgets = [f for f in near if f.basis == "budget"]
                budget = ([f for f in budgets if f.qualifier] or budgets)[-1:]  # the adjusted one where given
                if len(actual) != 1 or not budget or budget[0].value == 0:
                    continue
                expected = self._off_ratio(rate, actual[0], budget[0])
                if expected is not None:
                    out.append(self._finding(
                        info, "ratio", [rate.metric, metric],
                        f"执行率与数字不符：报告称「{self.name(rate.metric)}」{show(rate.value, 'ratio')}，按所列执行数 "
                        f"{stated(actual[0])} ÷ 预算数 {stated(budget[0])} 计算应为 "
                        f"{show(expected.quantize(Decimal('0.0001')), 'ratio')}。",
                        [rate, actual[0], budget[0]], "ratio.execution", stated=rate.value, expected=expected))
                break
        return out

    def _change_ratios(self, fs: list[Fact], info: DocInfo, levels: list[Fact]) -> list[Finding]:
        """比上年减少3.96万元，下降49.8%: the relative change must match the absolute one and this year's level."""
        out = []
        changes = FactList(f for f in fs if f.kind == "change")
        for rel in (c for c in changes if c.unit == "ratio"):
            absolute = next((c for c in changes.of_sentence(rel.metric, rel.sentence_index)
                             if c.unit != "ratio" and c.start < rel.start), None)
            current = _nearest_before(levels, rel, rel.metric)
            if absolute is None or current is None:
                continue
            previous = current.value - absolute.value
            if previous == 0:
                continue
            expected = absolute.value / previous
            possible = _change_range(interval(current, self.units), interval(absolute, self.units))
            slack = Decimal(str(self.config["ratio"]["slack"])) * rel.step
            if possible is not None and not possible[0] - slack <= rel.value <= possible[1] + slack:
                out.append(self._finding(
                    info, "ratio", [rel.metric],
                    f"增减比例与数字不符：「{self.name(rel.metric)}」本年 {stated(current)}，比上年变化 {stated(absolute)}"
                    f"（上年应为 {show(previous, current.unit)}），变化率应为 {show(expected.quantize(Decimal('0.0001')), 'ratio')}，"
                    f"报告称 {show(rel.value, 'ratio')}。",
                    [current, absolute, rel], "ratio.change", stated=rel.value, expected=expected))
        return out

    # staffing --------------------------------------------------------------------------------
    def staffing(self, fs: list[Fact], info: DocInfo) -> list[Finding]:
        out = []
        for rel in self.config["staffing"]:
            part_metric, _, part_q = rel["part"].partition("/")
            whole_metric, _, whole_q = rel["whole"].partition("/")
            parts = [f for f in fs if f.kind == "level" and f.metric == part_metric and f.qualifier == (part_q or None)]
            wholes = [f for f in fs if f.kind == "level" and f.metric == whole_metric and f.qualifier == (whole_q or None)]
            if not parts or not wholes:
                continue
            whole = max(wholes, key=lambda f: interval(f, self.units)[1])
            part = max(parts, key=lambda f: interval(f, self.units)[0])
            if interval(part, self.units)[0] > interval(whole, self.units)[1]:
                out.append(self._finding(
                    info, "staffing", [part_metric, whole_metric],
                    f"「{self.name(part_metric)}{('（' + part_q + '）') if part_q else ''}」{stated(part)} 超过"
                    f"「{self.name(whole_metric)}」{stated(whole)}（多 {show(part.value - whole.value, part.unit)}）。",
                    [part, whole], rel["id"], stated=part.value, expected=whole.value, severity=rel.get("severity")))
        return out

    # zero ----------------------------------------------------------------------------------
    def zero(self, fs: list[Fact], info: DocInfo) -> list[Finding]:
        out = []
        for rel in self.config["zero"]:
            # a stated total (kind total: a 自评表 funds row of 0 whose 其中 row holds the amounts) or a level
            zeros = [f for f in fs if f.kind in ("level", "total") and f.metric == rel["total"] and f.value == 0
                     and not f.approx]
            for total in zeros:
                parts = []
                for metric in rel["parts"]:
                    nonzero = [f for f in _levels_of(fs, metric) if metric != total.metric and f.value != 0]
                    same_basis = [f for f in nonzero if basis_class(f) == basis_class(total)]
                    if same_basis or nonzero:
                        parts.append((same_basis or nonzero)[0])
                grouped = fs.grouped(total.start) if isinstance(fs, FactList) else [f for f in fs if f.group == total.start]
                parts += [f for f in grouped if f.kind in ("part", "level") and f.value != 0]
                if not parts:
                    continue
                shown = "、".join(f"{self.name(p.metric)} {stated(p)}" for p in parts[:4])
                out.append(self._finding(
                    info, "zero", [total.metric] + [p.metric for p in parts],
                    f"合计填报为 0：「{self.name(total.metric)}」为 {stated(total)}，但其组成部分不为 0：{shown}。",
                    [total, *parts], rel["id"], stated=total.value, expected=sum(p.value for p in parts if p.basis != "budget") or None))
                break
        return out

    # yoy -----------------------------------------------------------------------------------
    def yoy(self, by_doc: dict[str, list[Fact]], docs: dict[str, DocInfo]) -> list[Finding]:
        out = []
        by_unit_year: dict[tuple[str, int], list[str]] = defaultdict(list)
        for doc, info in sorted(docs.items()):  # the same findings whatever order the reports were loaded in
            if info.unit_key and info.year:
                by_unit_year[(info.unit_key, info.year)].append(doc)
        jump = Decimal(str(self.config["yoy"]["jump"]))
        for (unit_key, year), doc_list in sorted(by_unit_year.items()):
            prev_docs = by_unit_year.get((unit_key, year - 1))
            if not prev_docs:
                continue
            prev_facts = _facts_of(by_doc, prev_docs)
            for doc in doc_list:
                info = docs[doc]
                fs = by_doc.get(doc, [])
                out += self._stated_changes(info, fs, prev_facts)
                for metric in self.config["yoy"]["jump_metrics"]:
                    for basis in ("actual", "budget"):
                        cur = self._single(fs, metric, basis)
                        old = self._single(prev_facts, metric, basis) if cur is not None else None
                        if cur is None or old is None or old.value == 0:
                            continue
                        change = (cur.value - old.value) / old.value
                        if abs(change) > jump:
                            out.append(self._finding(
                                info, "yoy", [metric],
                                f"与上年报告相比变动较大：「{self.name(metric)}」{year - 1}年 {stated(old)}，{year}年 {stated(cur)}"
                                f"（{show(change.quantize(Decimal('0.0001')), 'ratio')}），请核实。",
                                [cur, old], "yoy.jump", stated=cur.value, expected=old.value, severity=self.severity["yoy_jump"]))
        return out

    def _stated_changes(self, info: DocInfo, fs: list[Fact], prev_facts: list[Fact]) -> list[Finding]:
        out = []
        for c in (f for f in fs if f.kind in ("change", "prior")):
            basis = basis_class(c)
            old = self._single(prev_facts, c.metric, basis) or self._single(prev_facts, c.metric)
            if old is None:
                continue
            if c.kind == "prior":
                if not _overlap(interval(c, self.units), interval(old, self.units)):
                    out.append(self._finding(
                        info, "yoy", [c.metric],
                        f"上年数字与上年报告不符：本报告称上年「{self.name(c.metric)}」为 {stated(c)}，上年报告为 {stated(old)}。",
                        [c, old], "yoy.prior", stated=c.value, expected=old.value))
                continue
            cur = self._single(fs, c.metric, basis) or self._single(fs, c.metric)
            if cur is None:
                continue
            if c.unit == "ratio":
                if old.value == 0:
                    continue
                expected = (cur.value - old.value) / old.value
                tol = c.step * Decimal(str(self.config["ratio"]["slack"])) + 2 * (rounding(cur, self.units) + rounding(old, self.units)) / abs(old.value)
                shown_expected = show(expected.quantize(Decimal("0.0001")), "ratio")
            else:
                expected = cur.value - old.value
                tol = rounding(c, self.units) + rounding(cur, self.units) + rounding(old, self.units)
                shown_expected = show(expected, c.unit)
            if abs(c.value - expected) > tol:
                out.append(self._finding(
                    info, "yoy", [c.metric],
                    f"与上年报告不符：本报告称「{self.name(c.metric)}」比上年变化 {show(c.value, c.unit)}，"
                    f"但本年 {stated(cur)}、上年报告 {stated(old)}，实际变化 {shown_expected}。",
                    [c, cur, old], "yoy.change", stated=c.value, expected=expected))
        return out


def _facts_of(by_doc: dict[str, list[Fact]], docs: list[str]) -> FactList:
    """The facts of ``docs``, in their order. One report's are its own FactList, so what was
    worked out on them as this year's (``Checker._single`` remembers) serves them as last year's."""
    if len(docs) == 1 and isinstance(by_doc.get(docs[0]), FactList):
        return by_doc[docs[0]]
    return FactList(f for d in docs for f in by_doc.get(d, []))


def _list_items(fs: list[Fact]) -> dict[int, int]:
    """Figure start → the start of the total whose listed item it is (a part of a list)."""
    return {f.start: f.group for f in fs if f.kind == "part" and f.group is not None}


def _items_of_one_list(clusters: list[list[Fact]], items: dict[int, int]) -> bool:
    """Every value is an item of one and the same list (基本支出…，其中工资福利支出(人员支出)326.5万元，…，
    对个人和家庭补助支出(人员支出)45.8万元): two items, named alike, not two statements of one figure."""
    lists = {items.get(f.start) for c in clusters for f in c}
    return len(lists) == 1 and None not in lists


def _doc_part(f: Fact) -> str:
    """The part of a file a fact stands in: its 附件 (an attached report), or the main text."""
    top = f.section.split(" > ")[0]
    return top if top.startswith("附件") else ""


def _in_sentence(levels: list[Fact], metric: str, sentence_index: int) -> list[Fact]:
    """The facts of a metric in one sentence (``levels``: a FactList, or any list)."""
    if isinstance(levels, FactList):
        return levels.of_sentence(metric, sentence_index)
    return [f for f in levels if f.metric == metric and f.sentence_index == sentence_index]


def _nearest_before(levels: list[Fact], anchor: Fact, metric: str) -> Fact | None:
    """The level of a metric nearest before ``anchor``: in its sentence, else anywhere before it
    (the first in list order among facts that start at the same place)."""
    same = [f for f in _in_sentence(levels, metric, anchor.sentence_index) if f.start < anchor.start]
    if same:
        return max(same, key=lambda f: f.start)
    if not isinstance(levels, FactList):
        levels = FactList(levels)
    starts, ordered = levels.by_start(metric)
    i = bisect_left(starts, anchor.start)
    return ordered[bisect_left(starts, starts[i - 1])] if i else None


def _same_sentence(levels: list[Fact], anchor: Fact, metric: str) -> Fact | None:
    same = _in_sentence(levels, metric, anchor.sentence_index)
    return same[0] if len(same) == 1 else None


def _change_range(current: tuple[Decimal, Decimal], change: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal] | None:
    """The relative changes a stated level and absolute change allow, each anywhere in its rounding
    interval: change ÷ (level − change), monotone in each figure while the previous year's level
    (level − change) keeps its sign, so its corners bound it; None when that level may be 0.

    >>> from decimal import Decimal as D
    >>> [round(x, 4) for x in _change_range((D("52050"), D("52150")), (D("-1500"), D("-500")))]
    [Decimal('-0.0280'), Decimal('-0.0095')]
    """
    lows, highs = current[0] - change[1], current[1] - change[0]  # the previous level's range
    if lows <= 0 <= highs:
        return None
    corners = [a / (c - a) for c in current for a in change]
    return min(corners), max(corners)


def _ratio_rounding(part: Fact, whole: Fact, units: Units | None = None) -> Decimal:
    """How far part/whole can move when both are rounded to their stated digits."""
    return rounding(part, units) / whole.value + part.value * rounding(whole, units) / (whole.value * whole.value)


def _states_year_total(f: Fact, words: tuple[tuple[str, ...], tuple[str, ...]]) -> bool:
    """The clause before the figure's label says it is the year's whole (全年共完成…), and not of
    one project or one part (全年为XX项目完成征地…, 其中…): words are (year_total, year_total_not)."""
    yes, no = words
    at = f.quote.find(f.label) if f.label else -1
    if at < 0:
        return False
    head = f.quote[:at]
    clause = head[max(head.rfind(c) for c in "，,；;：:。") + 1:]
    return any(w in clause for w in yes) and not any(w in clause for w in no)


# the database edge -------------------------------------------------------------------------

FACT_COLUMNS = ", ".join(("CAST(f.{0} AS VARCHAR)" if c in ("value", "step") else "f.{0}").format(c) for c in (
    "doc", "metric", "value", "unit", "kind", "approx", "basis", "quote", "start", '"end"', "rule_id", "section",
    "sentence_index", "raw", "qualifier", "relative_to", "step", "part_of", "label", "period", "id",
    "ocr_confidence"))


def _fact_of(r, group: int | None = None) -> Fact:
    """A row of FACT_COLUMNS as a Fact; ``group``: the start of the total it is a part of."""
    value, step = r[2], r[16]
    return Fact(r[0], r[1], ZERO if value is None else decimal_text(value), r[3], r[4], bool(r[5]), r[6], r[7],
                r[8], r[9], r[10], r[11] or "", r[12], r[13] or "", r[14], r[15],
                ZERO if step is None else decimal_text(step), group, r[18] or "", r[19], r[21])




GROUP_KEY = "coalesce(d.unit_key, 'doc:' || f.doc)"
_DOC_GROUP_KEY = GROUP_KEY.replace("f.doc", "d.doc")  # the same key, of a documents row alone


def unit_groups(con, chunk: int = 10_000, only: tuple[str, list] | None = None):
    """(facts, documents) of one unit at a time — every year of it, since year-on-year checks
    compare them — read from the database a range of units at a time (about ``chunk`` facts),
    so memory holds one range, not the archive, in Python and in DuckDB (a sort of every fact
    ran out of DuckDB's memory limit at 10,000 reports with 128 MB).

    ``only``: (an SQL condition on ``f``, its parameters) — read only the facts it holds; the
    documents of a group are still every report that has a fact in it (as without ``only``).

    Each report with a fact gets its group's number (the groups numbered in the order of their
    keys, into a temporary table of reports); which facts to read are found once by a narrow scan
    (row id and group number, into a temporary table); each range then fetches its facts by row
    id, which DuckDB pushes into the scan of facts (measured at 10,000 reports: 28 ranges, each a
    full scan of facts, were most of run_checks' time), and its reports from the table of
    reports. Nothing of the archive is held in Python (a DocInfo and the member lists of every
    report), and the temporary table of facts holds two numbers a fact (12 bytes), not the group's
    name (≈ 44 bytes of UTF-8 and a 16-byte string header: an estimated ≈ 160 MB of DuckDB's memory
    for the 2.7 million facts of 100,000 reports, not measured apart)."""
    condition, params = only if only is not None else ("TRUE", [])
    con.execute(f"CREATE OR REPLACE TEMP TABLE jixiao_members AS SELECT d.doc, d.unit, d.unit_key, d.year, "
                f"CAST(dense_rank() OVER (ORDER BY {_DOC_GROUP_KEY}) AS INTEGER) AS grp FROM documents d "
                "WHERE d.doc IN (SELECT doc FROM facts) ORDER BY grp, d.doc")
    con.execute(f"CREATE OR REPLACE TEMP TABLE jixiao_read AS SELECT f.rowid AS fact, m.grp "
                f"FROM facts f JOIN jixiao_members m USING (doc) WHERE {condition}", params)
    # every group with a fact, in order, each counted by the facts it reads: a range ends on a group
    sizes = con.execute("SELECT g.grp, count(r.fact) FROM (SELECT DISTINCT grp FROM jixiao_members) g "
                        "LEFT JOIN jixiao_read r USING (grp) GROUP BY g.grp ORDER BY g.grp").fetchall()
    for first, last in _ranges(sizes, chunk):
        rows = con.execute(
            f"SELECT {FACT_COLUMNS}, r.grp FROM jixiao_read r JOIN facts f ON f.rowid = r.fact "
            "WHERE r.grp BETWEEN ? AND ? ORDER BY r.grp, f.doc, f.start, f.rowid", [first, last]
        ).fetchall()
        read = {group[0][-1]: group for group in _runs(rows)}
        members = con.execute("SELECT doc, unit, unit_key, year, grp FROM jixiao_members "
                              "WHERE grp BETWEEN ? AND ? ORDER BY grp, doc", [first, last]).fetchall()
        for group in _runs(members):  # the reports of one group, sorted
            docs = {r[0]: DocInfo(r[0], r[1], r[2], r[3]) for r in group}
            facts, _ = _group(read.get(group[0][-1], []), docs)
            yield facts, docs


def _runs(rows: list) -> Iterator[list]:
    """Consecutive rows of one group (its key last in each row)."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][-1] != rows[start][-1]:
            yield rows[start:i]
            start = i


def _ranges(sizes: list[tuple[str, int]], chunk: int) -> list[tuple[str, str]]:
    """Consecutive (first, last) group keys holding about ``chunk`` facts each; a group is never split."""
    out, first, total = [], None, 0
    for key, count in sizes:
        if first is None:
            first = key
        total += count
        if total >= chunk:
            out.append((first, key))
            first, total = None, 0
    if first is not None:
        out.append((first, sizes[-1][0]))
    return out


def _group(rows: list, docs: dict[str, DocInfo]) -> tuple[list[Fact], dict[str, DocInfo]]:
    starts = {r[20]: r[8] for r in rows}  # fact id → start: a part names its total by id
    facts = [_fact_of(r, starts.get(r[17])) if r[17] else _fact_of(r) for r in rows]
    names = sorted({f.doc for f in facts})  # sorted: a set's order changes from one process to the next
    return facts, {d: docs[d] for d in names if d in docs}


def run_checks(con, ruleset: RuleSet | None = None, checked: Container[str] | None = None) -> Iterator[Finding]:
    """Every finding the facts in the database support, one unit at a time (``ruleset``: the
    rules whose checks.yaml, metrics and names apply; default: the packaged rules); then the
    self-evaluation tables of those reports (pipeline/selfeval_checks.py). ``checked``: reports
    whose own findings were found where they were read (pipeline/doc_checks.py): only their
    year-on-year and self-evaluation findings are found here."""
    checked = checked or ()
    ruleset = ruleset or load_rules()
    checker = Checker(ruleset)
    scores = SelfEvaluationChecker(ruleset.checks.get("score") or {}, ruleset.indicators, checker.severity)
    # the reports with a self-evaluation, once: most unit groups have none, and asking per group costs
    evaluated = {r[0] for r in con.execute(
        "SELECT DISTINCT doc FROM indicators UNION SELECT doc FROM documents WHERE grade IS NOT NULL").fetchall()}
    for facts, docs in unit_groups(con, only=_left_to_check(con, checker, scores.metric, checked)):
        yield from checker.run(facts, docs, checked)
        with_tables = {d: i for d, i in docs.items() if d in evaluated}
        for doc in self_evaluations(con, facts, with_tables, scores.metric) if with_tables else ():
            yield from scores.run(doc)


def _left_to_check(con, checker: Checker, score_metric: str, checked: Container[str]) -> tuple[str, list] | None:
    """Which facts run_checks still needs (a condition for ``unit_groups``): all of a report not
    ``checked``; of a checked one, what the year-on-year checks compare (stated changes and
    previous-year figures, the levels of their metrics and of the jump metrics) and the stated
    self-evaluation totals — levels only: ``Checker._single`` reads levels, and
    ``SelfEvaluationChecker`` a level total (measured at 10,000 reports: a quarter fewer facts read
    back). None: every fact (no report was checked)."""
    if not checked:
        return None
    con.execute("CREATE OR REPLACE TEMP TABLE jixiao_checked AS SELECT UNNEST(?::VARCHAR[]) AS doc",
                [sorted(checked)])
    changed = [r[0] for r in con.execute("SELECT DISTINCT metric FROM facts WHERE kind IN ('change', 'prior')").fetchall()]
    metrics = sorted({*changed, *checker.config["yoy"]["jump_metrics"], score_metric})
    return ("f.doc NOT IN (SELECT doc FROM jixiao_checked) OR f.kind IN ('change', 'prior') "
            "OR (f.kind = 'level' AND f.metric IN (SELECT UNNEST(?::VARCHAR[])))", [metrics])


def self_evaluations(con, facts: list[Fact], docs: dict[str, DocInfo], metric: str) -> list[DocSelfEvaluation]:
    """The indicators, grade and stated totals of each report of a unit group that has indicators."""
    names = sorted(docs)
    if not names:
        return []
    grades = {r[0]: SelfGrade(r[0], r[1], r[2] or r[1], r[2] or "", r[3] or 0, r[4] or 0) for r in con.execute(
        "SELECT doc, grade, grade_quote, grade_start, grade_end FROM documents WHERE grade IS NOT NULL "
        "AND doc IN (SELECT UNNEST(?::VARCHAR[]))", [names]).fetchall()}
    by_doc = indicator_rows(con, names)
    out = []
    for doc in sorted(set(by_doc) | set(grades)):
        info = docs[doc]
        totals = tuple(f for f in facts if f.doc == doc and f.metric == metric)
        grade = grades.get(doc)
        if grade is not None:  # the quote column holds the sentence; the raw grade is the span's text
            grade = SelfGrade(doc, grade.grade, grade.grade, grade.raw, grade.start, grade.end)
        out.append(DocSelfEvaluation(doc, tuple(by_doc.get(doc, ())), grade, totals, info.unit, info.year))
    return out


def print_findings(con, echo: Callable[[str], None] = print) -> None:
    """Print the findings grouped by unit and year, errors first."""
    rows = con.execute(
        "SELECT unit, year, severity, \"check\", doc, message FROM audit_findings "
        "ORDER BY unit NULLS LAST, year, CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, doc"
    ).fetchall()
    current = None
    for unit, year, severity, check, doc, message in rows:
        if (unit, year) != current:
            current = (unit, year)
            echo(f"\n{unit or '（未识别单位）'} {year or ''}")
        echo(f"  [{severity}] {check} {doc}：{message}")
