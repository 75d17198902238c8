"""Sentences × rules → facts, each carrying its rule id, quote and offsets.

The stages inside, in order:

1. every rule's pattern runs over the document text (bounded by a regex timeout); a hit
   counts only inside one sentence and when its context words allow it;
2. where several rules read the same figure, the highest priority (then the nearest label) wins;
3. each figure is normalized (pipeline/normalize.py); its metric is the rule's, or — for
   rules that inherit — the metric of the figure just before it; its basis and period come
   from the words before it in its clause;
4. lists of parts after a total (其中…、包括…) become ``part`` facts of that total;
5. labels and figures in table cells and form lines (pipeline/tabular.py) add their facts.
"""
from __future__ import annotations

import logging
from bisect import bisect_right
from dataclasses import replace
from functools import lru_cache

import regex

from .model import DocMeta, Document, Fact, Match, Rule, Sentence
from .normalize import Units, parse_quantity
from .rules import RuleSet, normalize_label
from .segment import clause_span, year_mentions

log = logging.getLogger(__name__)
_NO_META = DocMeta(None, None, None)
PROJECT_REPORT = "项目支出"
REGEX_TIMEOUT_S = 2.0
_BRACKETS = "（）()"
_OPENERS = "（("


def extract(document: Document, sentences: list[Sentence], meta: DocMeta, ruleset: RuleSet,
            units: Units | None = None) -> list[Fact]:
    """All facts a document states, in document order."""
    from .tabular import extract_tabular  # tabular reuses this module's helpers

    units = units or ruleset.units
    hits = _choose(_find_hits(document.text, sentences, ruleset, meta))
    facts = _to_facts(document, hits, meta, ruleset, units)
    facts += extract_tabular(document, sentences, meta, ruleset, units, taken={(f.start, f.end) for f in facts})
    facts.sort(key=lambda f: (f.start, f.kind))
    facts += enumerate_parts(document.text, sentences, facts, ruleset, units, meta)
    return stock_of_the_year(facts, ruleset.headcounts, meta.year)


def stock_of_the_year(facts: list[Fact], stock: frozenset[str], year: int | None) -> list[Fact]:
    """A headcount stated as it stood in an earlier year is the report's own when the report
    states none for its year (本部门2019年人员编制42人 in a 2020 report): the latest such year."""
    if year is None:
        return facts
    stated = {f.metric for f in facts if f.kind == "level"}
    latest: dict[str, int] = {}
    for f in facts:
        if f.kind == "prior" and f.metric in stock and f.metric not in stated and f.period is not None:
            latest[f.metric] = max(latest.get(f.metric, f.period), f.period)
    if not latest:
        return facts
    return [replace(f, kind="level") if f.kind == "prior" and latest.get(f.metric) == f.period else f
            for f in facts]


# 1. hits ---------------------------------------------------------------------------------

def _find_hits(text: str, sentences: list[Sentence], ruleset: RuleSet, meta: DocMeta) -> list[Match]:
    starts = [s.start for s in sentences]
    hits = []
    found: dict[str, list[int]] = {}  # anchor → where it stands, shared by the rules naming it
    for rule in ruleset.rules:
        if rule.report_types and meta.report_type not in rule.report_types:
            continue
        try:  # the timeout bounds the whole scan, so collect first and judge context after
            matches = _scan(rule, text, found)
        except TimeoutError:
            log.warning("rule %s timed out on a document; skipped", rule.id)
            continue
        for m in matches:
            i = bisect_right(starts, m.start("fig")) - 1
            if i < 0:
                continue
            sentence = sentences[i]
            if m.start() < sentence.start or m.end() > sentence.end:
                continue
            hit = Match(rule, sentence, m.start("fig"), m.end("fig"), m.start("label"), m.end("label"),
                      {k: v for k, v in m.groupdict().items() if v is not None})
            if rule.forbid_item is not None and _under_item_title(text, sentence, rule.forbid_item):
                continue
            if context_allows(hit, ruleset):
                hits.append(hit)
    return hits


# a match reaches at most this far before / after the anchor it contains
ANCHOR_BEFORE, ANCHOR_AFTER = 32, 64


def _scan(rule: Rule, text: str, found: dict[str, list[int]] | None = None) -> list:
    """Every match of a rule: over the whole text, or — when the rule has anchors — only in the
    windows around their occurrences (str.find is far cheaper than trying the pattern everywhere).
    ``found`` caches each anchor's positions across the rules of one document."""
    if not rule.anchors:
        return list(rule.pattern.finditer(text, timeout=REGEX_TIMEOUT_S))
    found = {} if found is None else found
    windows = []
    for anchor in rule.anchors:
        if anchor not in found:
            found[anchor] = _occurrences(text, anchor)
        size = len(anchor)
        windows += [(max(0, at - ANCHOR_BEFORE), at + size + ANCHOR_AFTER) for at in found[anchor]]
    windows.sort()
    merged: list[list[int]] = []
    for a, b in windows:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [m for a, b in merged for m in rule.pattern.finditer(text, a, b, timeout=REGEX_TIMEOUT_S)]


def _occurrences(text: str, word: str) -> list[int]:
    """Every position of ``word`` in ``text``, overlapping ones included."""
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def _under_item_title(text: str, sentence: Sentence, item_title) -> bool:
    """The sentence follows, on its line, the title of one budget item
    (2、安置地块前期经费。实际支出48.62万元): its amounts are that item's, not the unit's."""
    head = text[text.rfind("\n", 0, sentence.start) + 1:sentence.start].strip()
    return bool(head) and bool(item_title.fullmatch(head))


def context_allows(hit: Match, ruleset: RuleSet) -> bool:
    rule, sentence = hit.rule, hit.sentence
    stext = sentence.text
    if any(w in stext for w in rule.forbid_sentence):
        return False
    if rule.forbid_pattern is not None and rule.forbid_pattern.search(stext):
        return False
    if rule.require_sentence and not any(w in stext for w in rule.require_sentence):
        return False
    lo = min(hit.label_start, hit.start) - sentence.start
    hi = max(hit.label_end, hit.end) - sentence.start
    c_start = clause_span(stext, lo, ruleset.layout)[0] if lo < len(stext) else lo
    c_end = clause_span(stext, max(hi - 1, 0), ruleset.layout)[1]
    clause = stext[c_start:c_end]
    if any(w in clause for w in rule.forbid):
        return False
    if rule.require and not any(w in clause for w in rule.require):
        return False
    before = stext[: min(hit.label_start, hit.start) - sentence.start]
    if rule.forbid_before and any(w in before for w in rule.forbid_before):
        return False
    if rule.require_before and not any(w in before for w in rule.require_before):
        return False
    if rule.whole_word and hit.label_end > hit.label_start:
        # segment a window around the label only: jieba's cost grows with the text it reads
        lo = max(0, hit.label_start - sentence.start - WORD_WINDOW)
        hi = min(len(stext), hit.label_end - sentence.start + WORD_WINDOW)
        bounds = _word_bounds(stext[lo:hi], ruleset.jieba_words)
        if hit.label_start - sentence.start - lo not in bounds or hit.label_end - sentence.start - lo not in bounds:
            return False
    return True


WORD_WINDOW = 8  # characters of context on each side of a label for the word-boundary check


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for line in words:  # the RuleSet's jieba_dict.txt lines
        parts = line.split()
        if parts and not line.startswith("#"):
            tokenizer.add_word(parts[0], int(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None)
    return tokenizer


@lru_cache(maxsize=256)
def _word_bounds(text: str, words: tuple[str, ...]) -> frozenset[int]:
    """Offsets where jieba (with the domain dictionary) puts a word boundary."""
    bounds = {0, len(text)}
    for _word, start, end in _tokenizer(words).tokenize(text):
        bounds.add(start)
        bounds.add(end)
    return frozenset(bounds)


# 2. one reading per figure ---------------------------------------------------------------

def _choose(hits: list[Match]) -> list[Match]:
    """Keep one hit per figure: the highest priority, then the label nearest the figure."""
    def rank(h: Match):
        # a longer reading of the same figure is the more specific one: “三公”经费支出合计3.86万元
        # is 三公经费, not 支出合计
        span = max(h.end, h.label_end) - min(h.start, h.label_start)
        gap = h.start - h.label_end if h.label_end <= h.start else h.label_start - h.end
        return (-h.rule.priority, -span, abs(gap))

    chosen: list[Match] = []
    for hit in sorted(hits, key=lambda h: (h.start, rank(h))):
        if chosen and hit.start < chosen[-1].end:
            if rank(hit) < rank(chosen[-1]):
                chosen[-1] = hit
            continue
        chosen.append(hit)
    return chosen


# 3. facts --------------------------------------------------------------------------------

def _to_facts(document: Document, hits: list[Match], meta: DocMeta, ruleset: RuleSet, units: Units) -> list[Fact]:
    facts: list[Fact] = []
    by_span: dict[int, Fact] = {}
    text = document.text
    for hit in hits:
        q = parse_quantity(text[hit.start:hit.end], units, dict(hit.rule.unit_map) or None)
        if q is None:
            log.debug("%s: %r does not parse", hit.rule.id, text[hit.start:hit.end])
            continue
        fact = make_fact(hit, q, meta, ruleset, by_span, text)
        if fact is None:
            continue
        facts.append(fact)
        by_span[fact.start] = fact
    return facts


def make_fact(hit: Match, q, meta: DocMeta, ruleset: RuleSet, by_span: dict[int, Fact], text: str) -> Fact | None:
    rule, sentence = hit.rule, hit.sentence
    kind = rule.kind
    if q.unit == "" and q.value == 0 and rule.metric is not None:
        q = replace(q, unit=ruleset.metric_unit(rule.metric))  # 费为0: zero in the metric's unit
    label = text[hit.label_start:hit.label_end]
    relative_to = None
    value = q.value
    metric = rule.metric
    if not rule.inherits and rule.project_report_metric and meta.report_type == PROJECT_REPORT:
        metric = rule.project_report_metric  # 全年实际支出296.84万元 in a 项目支出 report: the project's
    if kind == "share":
        if q.unit != "ratio":
            return None
        # 人员经费占基本支出的87.6%: the part named right before 占 in its clause comes first;
        # else (基本支出366.62万元，占67.48%) the figure just before
        rel = hit.label_start - sentence.start
        c_start, _ = clause_span(sentence.text, max(rel - 1, 0), ruleset.layout)
        metric = last_label_in(sentence.text[c_start:max(rel - 1, c_start)], ruleset)
        if metric is None:
            prev = previous_fact(hit, by_span, ruleset, text, want=lambda u: u != "ratio")
            if prev is None:
                return None
            metric = prev.metric
        relative_to = lookup_label(label, ruleset)
    elif kind == "change":
        metric = _change_metric(hit, label, by_span, ruleset, text)
        if metric is None:
            return None
        if q.unit not in ("ratio", ruleset.metric_unit(metric)):
            return None
        if hit.groups.get("dir") and _is_down(hit.groups["dir"], ruleset.fragments["DOWN"]):
            value = -value
        relative_to = "previous_year"
    elif rule.inherits:
        prev = previous_fact(hit, by_span, ruleset, text, want=lambda u: u == q.unit)
        if prev is not None:
            metric = prev.metric
        elif rule.project_report_metric and meta.report_type == PROJECT_REPORT:
            metric = rule.project_report_metric  # 全年预算数210万元 in a 项目支出 report
        elif _previous_figure(hit, ruleset, text, lambda u: u == q.unit) is not None:
            return None  # the figure before it is not a fact we know: do not guess
        if metric is None:
            return None
    if metric is None:
        return None
    if kind != "share" and not (kind == "change" and q.unit == "ratio") and q.unit != ruleset.metric_unit(metric):
        return None
    basis, qualifier = split_basis(rule.basis or read_basis(sentence.text, hit.start - sentence.start, ruleset),
                                   rule.qualifier)
    period = read_period(sentence.text, hit.label_start - sentence.start, hit.start - sentence.start, meta.year, ruleset.layout)
    if kind == "level":
        if period is not None and meta.year is not None and period < meta.year:
            kind = "prior"
        elif period is not None and meta.year is not None and period > meta.year:
            kind = "plan"  # a later year's plan: not the report's own figure
        elif ruleset.metric_unit(metric) != "yuan" and (_is_target(sentence.text, hit.start - sentence.start, ruleset)
                                                         or _in_target_section(sentence.section, ruleset)):
            kind = "target"
        elif _comparator(ruleset).search(sentence.text, 0, hit.start - sentence.start):
            kind, basis = "target", "budget"  # 指标值≥3000亩, 执行率≥95%: the goal, not the result
    if kind == "target" and basis is None:
        basis = "budget"  # a plan, task or goal of the year is its budget (gold/README.md)
    if kind == "change":
        period = period if period is not None and (meta.year is None or period < meta.year) else None
    return Fact(
        doc=sentence.doc, metric=metric, value=value, unit=q.unit, kind=kind, approx=q.approx,
        basis=basis, quote=sentence.text, start=hit.start, end=hit.end, rule_id=rule.id,
        section=sentence.section, sentence_index=sentence.index, raw=q.raw, qualifier=qualifier,
        relative_to=relative_to, step=q.step, label=label, period=period,
    )


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


def _enumeration_opener(ruleset: RuleSet) -> regex.Pattern:
    """What opens a list of parts right after a total: a bracket, or 其中/包括/分别为…"""
    words = ruleset.enumeration["complete"] + ruleset.enumeration["partial"]
    return _opener_pattern(tuple(words))


@lru_cache(maxsize=4)
def _opener_pattern(words: tuple[str, ...]) -> regex.Pattern:
    return regex.compile(r"[ \t]*(?:[（(]|[，,：:]?[ \t]*(" + "|".join(words) + r")[：:，,]?)")


@lru_cache(maxsize=2048)
def figures_in(text: str, figure: regex.Pattern, units: Units) -> tuple[tuple[int, int, str], ...]:
    """(start, end, canonical unit) of every figure with a unit in a sentence (cached: several
    stages ask about the same sentence)."""
    out = []
    for m in figure.finditer(text):
        q = parse_quantity(m.group("fig"), units)
        if q is not None:
            out.append((m.start("fig"), m.end("fig"), q.unit))
    return tuple(out)


def _previous_figure(hit: Match, ruleset: RuleSet, text: str, want) -> tuple[int, int] | None:
    """Span of the nearest figure before ``hit`` in its sentence whose unit satisfies ``want``."""
    sentence = hit.sentence
    limit = min(hit.label_start, hit.start) - sentence.start
    last = None
    for start, end, unit in figures_in(sentence.text, ruleset.figure, ruleset.units):
        if end > limit:
            break
        if want(unit):
            last = (sentence.start + start, sentence.start + end)
    return last


def previous_fact(hit: Match, by_span: dict[int, Fact], ruleset: RuleSet, text: str, want) -> Fact | None:
    """The fact read from the nearest figure before ``hit`` in its sentence, if it is one."""
    span = _previous_figure(hit, ruleset, text, want)
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
    c_start, _ = clause_span(sentence.text, max(rel - 1, 0), ruleset.layout)
    found = last_label_in(sentence.text[c_start:rel], ruleset)
    if found:
        return found
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


MAX_LABEL_CHARS = 40
_LABEL_BRACKET_TAIL = regex.compile(r"[（(][^）)]*[）)]$")
def _list_head(hit: Match, by_span: dict[int, Fact], ruleset: RuleSet, text: str) -> Fact | None:
    """The total a 其中-list in the same sentence breaks down, when a change follows the list."""
    sentence = hit.sentence
    before = text[sentence.start:hit.label_start]
    at = before.find("其中")
    if at < 0:
        return None
    figures = list(ruleset.figure.finditer(before[:at]))
    if not figures:
        return None
    return by_span.get(sentence.start + figures[-1].start("fig"))


_LABEL_TAILS = regex.compile(r"(?:的|总额|总数|支出|开支|费用|金额|情况|合计)$")
_LABEL_VERBS = regex.compile(r"^(?:全年|累计|年度)?(?:完成|实施|实现|组织实施)")
_LABEL_HEADS = regex.compile(r"^(?:[0-9一二三四五六七八九十]+[、.．]|[（(][0-9一二三四五六七八九十]+[）)])?(?:其中|含)?")


def lookup_label(label: str, ruleset: RuleSet) -> str | None:
    """The metric a label names exactly (after trimming numbering, brackets and tails).

    >>> from pipeline.rules import load_rules
    >>> lookup_label("基本支出的", load_rules())
    'spend.basic'
    >>> lookup_label("“三公经费”支出", load_rules())
    'spend.three_public'
    """
    if len(label) > MAX_LABEL_CHARS:
        return None
    key = normalize_label(label)
    key = _LABEL_HEADS.sub("", key)
    key = _LABEL_BRACKET_TAIL.sub("", key)
    candidates = [key]
    while (m := _LABEL_TAILS.search(candidates[-1])) and m.start() > 0:
        candidates.append(candidates[-1][: m.start()])
    if (m := _LABEL_VERBS.match(key)) and m.end() < len(key):  # 完成征收土地面积 → 征收土地面积
        candidates.append(key[m.end():])
    for candidate in candidates:
        if candidate in ruleset.labels:
            return ruleset.labels[candidate]
        for word in ("预算数", "决算数", "实际数", "预算", "决算", "实际"):
            if candidate.endswith(word) and candidate[: -len(word)] in ruleset.labels:
                return ruleset.labels[candidate[: -len(word)]]
    return None


def last_label_in(text: str, ruleset: RuleSet) -> str | None:
    """The metric of the last metric label standing in ``text`` (longest label wins a tie)."""
    flat = normalize_label(text)
    best = None
    for label, metric in ruleset.labels.items():
        pos = flat.rfind(label)
        if pos >= 0:
            key = (pos + len(label), len(label))
            if best is None or key > best[0]:
                best = (key, metric)
    return best[1] if best else None


def _clean_basis_text(text: str, ruleset: RuleSet) -> str:
    for word in ruleset.basis_words["ignore"]:
        text = text.replace(word, "\0" * len(word))
    return text


def read_basis(sentence_text: str, fig_pos: int, ruleset: RuleSet) -> str | None:
    """budget / actual from the nearest basis word before the figure in its clause; a clause
    opening with 其中 takes the basis of the sentence's first clause.

    >>> from pipeline.rules import load_rules
    >>> read_basis("基本支出预算：2020年预算数365.5万元", 19, load_rules())
    'budget'
    >>> read_basis("2024年实际支出543.29万元，其中基本支出366.62万元", 26, load_rules())
    'actual'
    >>> read_basis("一般公共预算财政拨款收入543.29万元", 12, load_rules()) is None
    True
    """
    c_start, _ = clause_span(sentence_text, fig_pos, ruleset.layout)
    found = _nearest_basis(_clean_basis_text(sentence_text[c_start:fig_pos], ruleset), ruleset)
    if found:
        return found
    if sentence_text[c_start:].lstrip().startswith("其中") and c_start > 0:
        head_end = clause_span(sentence_text, 0, ruleset.layout)[1]
        return _nearest_basis(_clean_basis_text(sentence_text[:head_end], ruleset), ruleset)
    return None


def _nearest_basis(text: str, ruleset: RuleSet) -> str | None:
    """budget, adjusted or actual: the basis word ending nearest the end of ``text``."""
    best = None
    for basis in ("budget", "adjusted", "actual"):
        for word in ruleset.basis_words[basis]:
            pos = text.rfind(word)
            if pos >= 0 and (best is None or (pos + len(word), len(word)) > best[0]):
                best = ((pos + len(word), len(word)), basis)
    return best[1] if best else None


ADJUSTED = "调整预算"


def split_basis(basis: str | None, qualifier: str | None) -> tuple[str | None, str | None]:
    """An adjusted budget is a budget with the qualifier 调整预算.

    >>> split_basis("adjusted", None)
    ('budget', '调整预算')
    >>> split_basis("actual", "退休")
    ('actual', '退休')
    """
    if basis == "adjusted":
        return "budget", qualifier or ADJUSTED
    return basis, qualifier


def read_period(sentence_text: str, label_pos: int, fig_pos: int, doc_year: int | None = None, layout=None) -> int | None:
    """The year a figure is about: the year written nearest before it in its clause
    (2023年度…支出7.95万元), else — when it is not the report's own year — the nearest one before
    it in its sentence (2022年计划征收土地5000亩、签订协议1500户). A figure since an earlier year
    (2019年以来累计征地4.3万亩) is not the report year's either.

    >>> read_period("2022年计划征收土地5000亩、签订协议1500户", 16, 20, 2021)
    2022
    >>> read_period("自2019年以来累计签约1326户", 12, 14, 2020)
    2019
    >>> read_period("签约1043户，较2023年签约890户；拆除房屋520栋", 22, 24, 2024) is None
    True
    """
    lo = min(label_pos, fig_pos)
    c_start, _ = clause_span(sentence_text, lo, layout)
    years = year_mentions(sentence_text[:fig_pos])
    in_clause = [y for p, y in years if p >= c_start]
    if in_clause:
        return in_clause[-1]
    # a year earlier in the sentence governs only up to a ；, and not from inside a bracket closed
    # before the figure (在编18人（其中2人为2023年划转人员），退休人员9人)
    scope = max(sentence_text.rfind(c, 0, lo) for c in "；;") + 1
    years = [(p, y) for p, y in years if p >= scope and not _bracket_closes(sentence_text[p:fig_pos])]
    if years and years[-1][1] != doc_year:
        return years[-1][1]
    return None


def _bracket_closes(text: str) -> bool:
    """More brackets close than open in the text: it starts inside a bracket that ends in it."""
    return text.count("）") + text.count(")") > text.count("（") + text.count("(")



def _is_target(sentence_text: str, fig_pos: int, ruleset: RuleSet) -> bool:
    """A plan or a goal: 目标为/计划… before the figure in its sentence, 任务 in its clause."""
    before = sentence_text[:fig_pos]
    if any(w in before for w in ruleset.targets.get("sentence", ())):
        return True
    # a list joined by 、 shares its verb: 力争完成征地2000亩以上、签约900户以上
    phrase = before[max(before.rfind(c) for c in "，,；;") + 1:]
    return any(w in phrase for w in ruleset.targets.get("clause", ()))


def _in_target_section(heading: str, ruleset: RuleSet) -> bool:
    """The sentence stands under a heading of goals (项目绩效目标, 年度绩效指标), not of results: the
    nearest heading, going outwards, that names either decides."""
    for title in reversed(heading.split(" > ")):
        if any(w in title for w in ruleset.targets.get("section_not", ())):
            return False
        if any(w in title for w in ruleset.targets.get("section", ())):
            return True
    return False


# 4. parts of a total ---------------------------------------------------------------------

def enumerate_parts(text: str, sentences: list[Sentence], facts: list[Fact], ruleset: RuleSet, units: Units,
                    meta: DocMeta | None = None) -> list[Fact]:
    """Facts of kind ``part`` for the listed parts of a stated total.

    Money: a level fact followed by 其中/包括/分别为… (or a bracket) and at least two money
    figures, one per clause. Counts: level facts of the same metric after 其中 in the same
    sentence as the total (共实施拆迁项目118个，其中新启动项目75个…扫尾项目43个).
    """
    out: list[Fact] = []
    demoted: set[int] = set()
    by_sentence: dict[int, list[Fact]] = {}
    for f in facts:
        by_sentence.setdefault(f.sentence_index, []).append(f)
    index = {s.index: s for s in sentences}
    for s_index, group in sorted(by_sentence.items()):
        sentence = index.get(s_index)
        if sentence is None:
            continue
        levels = [f for f in group if f.kind == "level"]
        for total in levels:
            if total.unit == "yuan":
                out += _money_parts(text, sentence, total, ruleset, units)
        count_parts, only_parts = _count_parts(sentence, levels, ruleset, units)
        out += count_parts
        demoted |= only_parts
        nxt = index.get(s_index + 1)
        money = [f for f in levels if f.unit == "yuan"]
        if nxt is not None and money and nxt.kind == "prose" and nxt.text.startswith("其中"):
            out += _money_parts(text, nxt, money[-1], ruleset, units, whole_sentence=True)
    for sentence in sentences:
        if any(w in sentence.text for w in ("合计", "共计", "总计", "累计", "总额")):
            out += _trailing_total(sentence, by_sentence.get(sentence.index, []), facts, meta or _NO_META, ruleset, units)
    if demoted:
        facts[:] = [f for f in facts if not (f.kind == "level" and f.start in demoted)]
    return out


_CLAUSE_SPLIT = "，,；;"
_LIST_SPLIT = "、"
_NOT_A_PART = regex.compile(r"占|比|较|增加|减少|下降|增长|上升|节约|指标|预算数")
_TRAILING_TOTAL = regex.compile(r"(?:合计|共计|总计|累计|总额)(?:为|金额|金额为)?[ \t]*[：:]?[ \t]*$")


def _money_parts(text: str, sentence: Sentence, total: Fact, ruleset: RuleSet, units: Units,
                 whole_sentence: bool = False) -> list[Fact]:
    """The money items listed right after a total (其中… / 包括… / （…）), as part facts."""
    s = sentence.text
    if whole_sentence:
        rest_at = len("其中")
        marker = "其中"
    else:
        rest_at = total.end - sentence.start
        tail = s[rest_at:]
        m = _enumeration_opener(ruleset).match(tail)
        if not m:
            return []
        marker = m.group(1) or "（"
        if marker == "（" and not tail.lstrip().startswith(("（", "(")):
            return []
        rest_at += m.end()
    rest = s[rest_at:]
    if marker == "（":
        close = rest.find("）") if "）" in rest else rest.find(")")
        if close < 0:
            return []
        rest = rest[:close]
    items = _list_items(rest, ruleset, units)
    if len({split_basis(_nearest_basis(label, ruleset), None)[0] for _, _, _, label in items} - {None}) > 1:
        return []  # 公务用车运行维护费预算6.00万元，实际支出4.96万元: budgets beside actuals, not parts
    items = _until_sibling(items, total, ruleset)
    if len(items) < 2:
        return []
    return [_part(total, sentence, sentence.start + rest_at + a, b - a, q, label, marker) for a, b, q, label in items]


def _until_sibling(items: list, total: Fact, ruleset: RuleSet) -> list:
    """The items up to the first that names a metric which is no part of the total (基本支出612.35万元，
    其中人员经费…、日常公用经费…；项目支出826.30万元: 项目支出 is its sibling, the list ends before it)."""
    parents = ruleset.parents
    for i, (_, _, _, label) in enumerate(items):
        metric = lookup_label(label, ruleset) if label else None
        if metric is not None and metric != total.metric and parents.get(metric) not in (None, total.metric):
            return items[:i]
    return items


def _trailing_total(sentence: Sentence, facts: list[Fact], doc_facts: list[Fact], meta: DocMeta,
                    ruleset: RuleSet, units: Units) -> list[Fact]:
    """A list of money items closed by its own total (…、其他支出45.3万元，合计196.4万元): the total
    (kind ``total``, named after the metric stated elsewhere with the same value) and its parts."""
    s = sentence.text
    figures = [m for m in ruleset.figure.finditer(s)]
    if len(figures) < 3:
        return []
    last = figures[-1]
    lead = s[: last.start("fig")]
    if not _TRAILING_TOTAL.search(lead):
        return []
    q_total = parse_quantity(last.group("fig"), units)
    start = sentence.start + last.start("fig")
    if q_total is None or q_total.unit != "yuan" or any(f.start == start for f in facts):
        return []
    begin = max(lead.rfind("："), lead.rfind(":"), lead.rfind("用于")) + 1
    items = _list_items(lead[begin:_TRAILING_TOTAL.search(lead).start()], ruleset, units)
    if len(items) < 2:
        return []
    same = {f.metric for f in doc_facts if f.kind == "level" and f.unit == "yuan" and f.value == q_total.value}
    if len(same) == 1:
        metric = same.pop()
    elif not same and meta.report_type == "项目支出":
        metric = "spend.project"
    else:
        return []
    total = Fact(doc=sentence.doc, metric=metric, value=q_total.value, unit="yuan", kind="total", approx=q_total.approx,
                 basis=None, quote=s, start=start, end=start + len(last.group("fig")), rule_id="enumeration.合计",
                 section=sentence.section, sentence_index=sentence.index, raw=q_total.raw, step=q_total.step,
                 label="合计")
    return [total] + [_part(total, sentence, sentence.start + begin + a, b - a, q, label, "合计") for a, b, q, label in items]


def _list_items(rest: str, ruleset: RuleSet, units: Units) -> list[tuple[int, int, object, str]]:
    """(start, end, quantity, label) of each money item of a list, one figure per item: items are
    split at ，；, and at 、 only where an item would hold more than one figure."""
    items = []
    for chunk_at, chunk in _split_outside_brackets(rest, _CLAUSE_SPLIT):
        money = _money_in(chunk, ruleset, units)
        pieces = [(chunk_at, chunk)]
        if len(money) > 1:
            pieces = [(chunk_at + a, c) for a, c in _split_outside_brackets(chunk, _LIST_SPLIT)]
        for piece_at, piece in pieces:
            money = _money_in(piece, ruleset, units)
            if len(money) != 1 or _NOT_A_PART.search(piece[: money[0][0].start()]):
                continue
            m, q = money[0]
            label = piece[: m.start()].strip(" \t：:、") or ""
            items.append((piece_at + m.start("fig"), piece_at + m.end("fig"), q, label))
    return items


def _money_in(chunk: str, ruleset: RuleSet, units: Units):
    out = []
    for m in ruleset.figure.finditer(chunk):
        if _in_brackets(chunk, m.start()):
            continue
        q = parse_quantity(m.group("fig"), units)
        if q is not None and q.unit == "yuan":
            out.append((m, q))
    return out


def _part(total: Fact, sentence: Sentence, start: int, length: int, q, label: str, marker: str) -> Fact:
    return Fact(
        doc=total.doc, metric=total.metric, value=q.value, unit=q.unit, kind="part", approx=q.approx,
        basis=total.basis, quote=sentence.text, start=start, end=start + length, rule_id=f"enumeration.{marker}",
        section=sentence.section, sentence_index=sentence.index, raw=q.raw, qualifier=label or None,
        step=q.step, group=total.start, label=marker,
    )


def _split_outside_brackets(text: str, separators: str) -> list[tuple[int, str]]:
    """(offset, piece) of ``text`` split at ``separators`` that stand outside brackets."""
    out, depth, begin = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPENERS:
            depth += 1
        elif ch in "）)":
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in separators and not (ch == "," and 0 < i < len(text) - 1
                                                       and text[i - 1].isdigit() and text[i + 1].isdigit()):
            out.append((begin, text[begin:i]))
            begin = i + 1
    out.append((begin, text[begin:]))
    return out


def _in_brackets(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[:pos]:
        if ch in _OPENERS:
            depth += 1
        elif ch in "）)":
            depth = max(depth - 1, 0)
    return depth > 0


def _count_parts(sentence: Sentence, levels: list[Fact], ruleset: RuleSet, units: Units | None = None) -> tuple[list[Fact], set[int]]:
    """Same-metric facts after 其中 in a count's sentence: (part facts, starts of facts that are
    only parts). A stock (编制 20 其中行政编制4名、事业编制16名) or a lone subset (信访53件，其中
    网上信访21件) is not a figure of the unit's own; two or more parts of a flow (118个项目，其中
    新启动75个…扫尾43个) are figures in their own right and parts as well."""
    text = sentence.text
    at = text.find("其中")
    if at < 0:
        return [], set()
    figures = [m for m in ruleset.figure.finditer(text[:at])]
    if not figures:
        return [], set()
    total_end = sentence.start + figures[-1].end("fig")  # by its end: 签约1326户 is no 约1326户
    total = next((f for f in levels if f.end == total_end and f.unit != "yuan"), None)
    if total is None:
        return [], set()
    cut, stop = sentence.start + at, sentence.end
    if _in_brackets(text, at):  # （其中…）: the parts stand inside the bracket
        close = min((i for i in (text.find("）", at), text.find(")", at)) if i >= 0), default=len(text))
        stop = sentence.start + close
    parts = [f for f in levels if cut < f.start < stop and f.metric == total.metric and f.unit == total.unit]
    bare: list[Fact] = []
    if not parts and total.metric in ruleset.enumeration.get("unlabelled_parts", ()):
        bare = _bare_parts(sentence, total, levels, cut, stop, ruleset.figure, units)
        parts = bare
    if not parts:
        return [], set()
    as_parts = [replace(p, kind="part", group=total.start, rule_id="enumeration.其中", label="其中") for p in parts]
    if total.metric in ruleset.stock_metrics or len(parts) == 1:
        return as_parts, {p.start for p in parts}
    return as_parts + bare, set()


def _bare_parts(sentence: Sentence, total: Fact, levels: list[Fact], cut: int, stop: int, figure,
                units: Units | None) -> list[Fact]:
    """Parts listed without the total's label (共实施项目27个，其中新启动12个、续建15个): level
    facts of the total's metric — but only when they are two or more, one per list item, in the
    total's unit, exact, and add up to the total exactly: then nothing else can they be."""
    taken = {f.start for f in levels}
    found = []
    for m in figure.finditer(sentence.text, cut - sentence.start, stop - sentence.start):
        start = sentence.start + m.start("fig")
        q = parse_quantity(m.group("fig"), units)
        if start in taken or q is None or q.unit != total.unit or q.approx:
            continue
        found.append((start, sentence.start + m.end("fig"), q))
    if len(found) < 2 or total.approx or sum(q.value for _, _, q in found) != total.value:
        return []
    text = sentence.text
    for (_, end, _), (start, _, _) in zip(found, found[1:]):
        if not any(c in text[end - sentence.start:start - sentence.start] for c in "、，,；;"):
            return []  # two figures in one list item: not a plain list of parts
    return [replace(total, value=q.value, start=start, end=end, raw=q.raw, step=q.step, approx=False,
                    rule_id="enumeration.其中.unlabelled", label="") for start, end, q in found]

