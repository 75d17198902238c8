"""A chosen hit → a Fact: normalized value, metric (the rule's, or inherited from the figure
before it), kind (level, prior, plan, target, change, share), basis and period."""
from __future__ import annotations

import logging
from functools import lru_cache

import regex

from ..figscan import figures_of as figures_in  # one figure scan of a sentence, shared with attribute
from ..figscan import scanner
from ..model import Basis, DocMeta, Document, Fact, Kind, Match, new_fact, replaced
from ..normalize import Units, parse_quantity
from ..rules import RuleSet, expand
from .basis import read_basis, split_basis
from .context import clause_start_at, context_of, in_target_section, is_target, read_period, year_line_above
from .labels import last_label_in, lookup_label

log = logging.getLogger(__name__)


def to_facts(document: Document, hits: list[Match], meta: DocMeta, ruleset: RuleSet, units: Units) -> list[Fact]:
    facts: list[Fact] = []
    by_span: dict[int, Fact] = {}
    text = document.text
    for hit in hits:
        q = _quantity(text[hit.start:hit.end], units, hit.rule.unit_map)
        if q is None:
            log.debug("%s: %r does not parse", hit.rule.id, text[hit.start:hit.end])
            continue
        fact = make_fact(hit, q, meta, ruleset, by_span, text)
        if fact is None:
            continue
        facts.append(fact)
        by_span[fact.start] = fact
        if hit.rule.also:
            facts.extend(replaced(fact, metric=m) for m in hit.rule.also if ruleset.metric_unit(m) == fact.unit)
    return facts


@lru_cache(maxsize=4096)
def _quantity(figure: str, units: Units, unit_map: tuple[tuple[str, str], ...]):
    """``parse_quantity`` remembered with the rule's unit map as well (normalize caches only the
    figures read without one): the same figures come back in report after report."""
    return parse_quantity(figure, units, dict(unit_map) or None)


def make_fact(hit: Match, q, meta: DocMeta, ruleset: RuleSet, by_span: dict[int, Fact], text: str) -> Fact | None:
    rule, sentence = hit.rule, hit.sentence
    kind = rule.kind
    if q.unit == "" and rule.metric is not None and ruleset.metric_unit(rule.metric) == "point":
        q = replaced(q, unit="point")  # 自评得分98: a score needs no 分 after its label
    if q.unit == "" and rule.metric is not None and (q.value == 0 or ruleset.metric_unit(rule.metric) == "yuan"):
        # 费为0: zero in the metric's unit; 运行维护费38万。: a money rule's figure without 元 (MONEY allows it
        # only as 万 or 亿 at a clause's end) is money
        q = replaced(q, unit=ruleset.metric_unit(rule.metric))
    label = text[hit.label_start:hit.label_end]
    relative_to = None
    value = q.value
    metric = rule.metric
    if not rule.inherits and rule.project_report_metric and meta.report_type == ruleset.project_report:
        metric = rule.project_report_metric  # 全年实际支出296.84万元 in a 项目支出 report: the project's
    if kind == Kind.SHARE:
        if q.unit != "ratio":
            return None
        # 人员经费占基本支出的87.6%: the part named right before 占 in its clause comes first;
        # else (基本支出366.62万元，占67.48%) the figure just before
        rel = hit.label_start - sentence.start
        c_start = clause_start_at(sentence.text, max(rel - 1, 0), ruleset.layout)
        metric = last_label_in(sentence.text[c_start:max(rel - 1, c_start)], ruleset)
        if metric is None:
            prev = previous_fact(hit, by_span, ruleset, text, want=lambda u: u != "ratio")
            if prev is None:
                return None
            metric = prev.metric
        relative_to = lookup_label(label, ruleset)
    elif kind == Kind.CHANGE:
        metric = _change_metric(hit, label, by_span, ruleset, text)
        if metric is None:
            return None
        if q.unit not in ("ratio", ruleset.metric_unit(metric)):
            return None
        if hit.groups.get("dir") and _is_down(hit.groups["dir"], ruleset.fragments["DOWN"]):
            value = -value
        relative_to = "previous_year"
    elif rule.inherits:
        prev = previous_fact(hit, by_span, ruleset, text, want=lambda u: u == q.unit, past_changes=True)
        above = _label_line_above(text, sentence.start, ruleset)
        if prev is not None:
            metric = prev.metric
        elif above is not None and ruleset.metric_unit(above) == q.unit:
            metric = above  # 基本支出：⏎2018年年初预算数为1973.4万元: the label line above names it
        elif rule.project_report_metric and meta.report_type == ruleset.project_report:
            metric = rule.project_report_metric  # 全年预算数210万元 in a 项目支出 report
        elif _previous_figure(hit, ruleset, text, lambda u: u == q.unit, past_changes=True) is not None:
            return None  # the figure before it is not a fact we know: do not guess
        if metric is None:
            return None
    if metric is None:
        return None
    if kind != Kind.SHARE and not (kind == Kind.CHANGE and q.unit == "ratio") and q.unit != ruleset.metric_unit(metric):
        return None
    context = context_of(hit, ruleset.layout)
    basis, qualifier = split_basis(rule.basis or read_basis(context.text, context.fig, ruleset, context.fig_clause_start),
                                   rule.qualifier)
    if basis is None and meta.money_basis is not None and q.unit == "yuan":
        basis = meta.money_basis  # a budget document's amount: a budget, though no word says so
    period = read_period(context.text, hit.label_start - sentence.start, context.fig, meta.year, ruleset.layout,
                         context.clause_start)
    if period is None and (above := year_line_above(text, sentence.start, ruleset.layout)) != meta.year:
        period = above  # 2019年 alone on the line above: that year's (None when there is none)
    if kind == Kind.LEVEL:
        if period is not None and meta.year is not None and period < meta.year:
            kind = Kind.PRIOR
        elif period is not None and meta.year is not None and period > meta.year:
            kind = Kind.PLAN  # a later year's plan: not the report's own figure
        elif ruleset.metric_unit(metric) != "yuan" and (is_target(sentence.text, hit.start - sentence.start, ruleset)
                                                         or in_target_section(sentence.section, ruleset)):
            kind = Kind.TARGET
        elif _comparator(ruleset).search(sentence.text, 0, hit.start - sentence.start):
            kind, basis = Kind.TARGET, Basis.BUDGET  # 指标值≥3000亩, 执行率≥95%: the goal, not the result
    if kind == Kind.TARGET and basis is None:
        basis = Basis.BUDGET  # a plan, task or goal of the year is its budget (gold/README.md)
    if kind == Kind.CHANGE:
        period = period if period is not None and (meta.year is None or period < meta.year) else None
    return new_fact(
        doc=sentence.doc, metric=metric, value=value, unit=q.unit, kind=kind, approx=q.approx,
        basis=basis, quote=sentence.text, start=hit.start, end=hit.end, rule_id=rule.id,
        section=sentence.section, sentence_index=sentence.index, raw=q.raw, qualifier=qualifier,
        relative_to=relative_to, step=q.step, label=label, period=period,
    )


LABEL_LINE_CHARS = 12  # a label line is short: 基本支出： / （二）项目支出：


def _label_line_above(text: str, start: int, ruleset: RuleSet) -> str | None:
    """The metric a short label line ending in a colon names, when it is the line right above ``start``'s
    line, blank lines aside (the paragraph under 基本支出： is about 基本支出)."""
    end = text.rfind("\n", 0, start)
    above = ""
    while end > 0 and not above:  # blank lines between are no lines
        begin = text.rfind("\n", 0, end) + 1
        above, end = text[begin:end].strip(), begin - 1
    if not above or len(above) > LABEL_LINE_CHARS or above[-1] not in ":：":
        return None
    return lookup_label(above[:-1], ruleset)


def _comparator(ruleset: RuleSet) -> regex.Pattern:
    return _compiled(ruleset.fragments["COMPARATOR"])


@lru_cache(maxsize=8)
def _compiled(fragment: str) -> regex.Pattern:
    return regex.compile(fragment)


@lru_cache(maxsize=4)
def _down_pattern(fragment: str) -> regex.Pattern:
    return regex.compile(fragment)


def _is_down(word: str, fragment: str) -> bool:
    """Whether a change word says the figure went down (减少, 下降 …)."""
    return bool(_down_pattern(fragment).fullmatch(word))


CHANGE_WORDS = 16  # how far before a figure its change word (增加, 减少了…) is looked for


_CHANGED: dict[str, regex.Pattern] = {}


def _changed(ruleset: RuleSet) -> regex.Pattern:
    """The compiled ``CHANGED`` fragment (common.yaml): a change word right before a figure."""
    fragment = ruleset.fragments["CHANGED"]
    if fragment not in _CHANGED:
        _CHANGED[fragment] = regex.compile(expand(fragment, ruleset.fragments, "rules/common.yaml"))
    return _CHANGED[fragment]


def _previous_figure(hit: Match, ruleset: RuleSet, text: str, want, past_changes: bool = False) -> tuple[int, int] | None:
    """Span of the nearest figure before ``hit`` in its sentence whose unit satisfies ``want``; with
    ``past_changes``, a difference (增加758.97万元) is looked past."""
    sentence = hit.sentence
    limit = min(hit.label_start, hit.start) - sentence.start
    changed = _changed(ruleset) if past_changes else None
    last = None
    for start, end, unit in figures_in(sentence.text, ruleset.figure, ruleset.units):
        if end > limit:
            break
        if want(unit) and not (changed and changed.search(sentence.text, max(start - CHANGE_WORDS, 0), start)):
            last = (sentence.start + start, sentence.start + end)
    return last


def previous_fact(hit: Match, by_span: dict[int, Fact], ruleset: RuleSet, text: str, want,
                  past_changes: bool = False) -> Fact | None:
    """The fact read from the nearest figure before ``hit`` in its sentence, if it is one."""
    span = _previous_figure(hit, ruleset, text, want, past_changes)
    if span is None:
        return None
    for start in range(span[0], span[1]):
        if start in by_span:
            return by_span[start]
    return None


def _change_metric(hit: Match, label: str, by_span: dict[int, Fact], ruleset: RuleSet, text: str) -> str | None:
    """The metric a change is about: named between 比上年 and 增加, named before 比, the figure
    just before it, or the heading of its section."""
    named = lookup_label(label, ruleset) if label.strip() else None
    if named:
        return named
    sentence = hit.sentence
    rel = hit.label_start - sentence.start
    c_start = clause_start_at(sentence.text, max(rel - 1, 0), ruleset.layout)
    found = last_label_in(sentence.text[c_start:rel], ruleset)
    if found:
        # 公务用车购置费同口径比2018年减少334万元: a kind of the metric changed (rules/scope.yaml categories), not the
        # metric: no change of the metric's to read
        kinds = ruleset.scope.categories.get(found, ()) if ruleset.scope is not None else ()
        return None if any(w in sentence.text[c_start:rel] for w in kinds) else found
    head = _list_head(hit, by_span, ruleset, text)
    if head is not None:  # 三公经费3万元，其中接待费…、出国费0万元，比上年减少1万元: the total changed
        return head.metric
    prev = previous_fact(hit, by_span, ruleset, text, want=lambda u: True)
    if prev is not None:
        return prev.metric
    for title in reversed(sentence.section.split(" > ")):
        found = last_label_in(title, ruleset)
        if found:
            return found
    return None


def _list_head(hit: Match, by_span: dict[int, Fact], ruleset: RuleSet, text: str) -> Fact | None:
    """The total a partial list (其中…: rules/common.yaml enumeration.partial) in the same sentence
    breaks down, when a change follows the list."""
    sentence = hit.sentence
    before = text[sentence.start:hit.label_start]
    openers = [at for word in ruleset.enumeration.get("partial", ()) if (at := before.find(word)) >= 0]
    if not openers:
        return None
    at = min(openers)
    if any(word in before[at:] for word in ruleset.enumeration.get("item_break", ())):
        return None  # …；公务接待费1万元，比上年增加0.5万元: the item's own change (previous_fact finds it)
    pattern, _unit, fig = scanner(ruleset.figure)  # the pattern's twin: the same figures, half the instructions
    figures = list(pattern.finditer(before[:at]))
    if not figures:
        return None
    return by_span.get(sentence.start + figures[-1].start(fig))


def stock_of_the_year(facts: list[Fact], stock: frozenset[str], year: int | None) -> list[Fact]:
    """A headcount stated as it stood in another year is the report's own when the report states
    none for its year: the latest earlier year (本部门2019年人员编制42人 in a 2020 report), else the
    year after it (a 2021 决算 written in 2022: 2022年中心编制数20人) — a headcount is no plan."""
    if year is None:
        return facts
    stated = {f.metric for f in facts if f.kind == Kind.LEVEL}
    chosen: dict[str, int] = {}
    for f in facts:
        if f.kind == Kind.PRIOR and f.metric in stock and f.metric not in stated and f.period is not None:
            chosen[f.metric] = max(chosen.get(f.metric, f.period), f.period)
    for f in facts:
        if (f.kind == Kind.PLAN and f.metric in stock and f.metric not in stated and f.metric not in chosen
                and f.period == year + 1):
            chosen[f.metric] = f.period
    if not chosen:
        return facts
    return [replaced(f, kind=Kind.LEVEL) if f.kind in (Kind.PRIOR, Kind.PLAN) and chosen.get(f.metric) == f.period else f
            for f in facts]
