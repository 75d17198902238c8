"""Lists of parts: the items listed after a total (其中…、包括…, a bracket) become ``part`` facts
of it, and a list closed by its own total (…，合计196.4万元) a ``total`` and its parts."""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import regex

from ..figscan import scanner
from ..model import OPEN, DocMeta, Fact, Kind, Sentence, new_fact, replaced
from ..normalize import Units, parse_quantity
from ..rules import RuleSet, normalize_label
from .basis import nearest_basis, split_basis
from .labelgate import may_name
from .labels import lookup_label

_NO_META = DocMeta(None, None, None)
_OPENERS = "（("


def _figure(ruleset: RuleSet):
    """(the figure pattern's twin run by the standard library's engine, the number of its group
    ``fig``) (:func:`figscan.scanner`): it finds what the pattern finds, group for group, at half the
    instructions a character."""
    pattern, _unit, fig = scanner(ruleset.figure)
    return pattern, fig


def enumerate_parts(text: str, sentences: list[Sentence], facts: list[Fact], ruleset: RuleSet, units: Units,
                    meta: DocMeta | None = None) -> list[Fact]:
    """Facts of kind ``part`` for the listed parts of a stated total.

    Money: a level fact followed by 其中/包括/分别为… (or a bracket) and at least two money
    figures, one per clause. Counts: level facts of the same metric after 其中 in the same
    sentence as the total (共实施拆迁项目118个，其中新启动项目75个…扫尾项目43个).
    """
    out: list[Fact] = []
    demoted: set[int] = set()
    own: set[tuple[int, str]] = set()  # (start, metric) of money parts listed under a total of their own metric
    by_sentence: dict[int, list[Fact]] = {}
    for f in facts:
        by_sentence.setdefault(f.sentence_index, []).append(f)
    index = {s.index: s for s in sentences}
    text_end = len(text.rstrip())  # once, not a slice of the rest of the text per sentence
    for s_index, group in sorted(by_sentence.items()):
        sentence = index.get(s_index)
        if sentence is None:
            continue
        levels = [f for f in group if f.kind == Kind.LEVEL]
        found: list[Fact] = []
        for total in levels:
            if total.unit == "yuan":
                found += _money_parts(text, sentence, total, ruleset, units)
        count_parts, only_parts = _count_parts(sentence, levels, ruleset, units)
        found += count_parts
        if _cut_off(text_end, sentence):  # the list may go on past the excerpt: parts, but no sum to check
            found = [replaced(f, rule_id=f.rule_id + OPEN) for f in found]
        out += found
        demoted |= only_parts
        nxt = index.get(s_index + 1)
        money = [f for f in levels if f.unit == "yuan"]
        if nxt is not None and money and nxt.kind == "prose" and nxt.text.startswith("其中"):
            listed = _money_parts(text, _through_wraps(nxt, index, text), money[-1], ruleset, units, whole_sentence=True)
            out += listed
            own.update((p.start, p.metric) for p in listed if not _gross(money[-1], ruleset))
        for total in (f for f in levels if f.unit == "yuan" and not _gross(f, ruleset)) if found else ():
            own.update((p.start, p.metric) for p in found if p.group == total.start)
    for sentence in _holding(sentences, text, _TOTAL_WORD):
        out += _trailing_total(sentence, by_sentence.get(sentence.index, []), facts, meta or _NO_META, ruleset, units)
    if demoted:
        facts[:] = [f for f in facts if f.start not in demoted or f.kind != Kind.LEVEL]
    if own:  # 项目支出656.93万元。其中，本级项目支出385.58万元…: the item is a part of the total, not the unit's figure
        starts = {start for start, _metric in own}  # most facts start at none: one set lookup each
        facts[:] = [f for f in facts if f.start not in starts or not (f.kind == Kind.LEVEL and (f.start, f.metric) in own)]
    return out


def _holding(sentences: list[Sentence], text: str, words: re.Pattern) -> list[Sentence]:
    r"""The sentences (in order) in whose text ``words`` — a pattern of words of Han characters alone —
    finds a match: one scan of the whole text, each match placed in the sentence it starts in. A match
    in the text lies inside one sentence (a sentence's text is the document's between its offsets; what
    parts two sentences on one line is an end mark or a space, no Han character), so it is one the
    sentence's own search finds too.

    >>> from pipeline.model import Sentence
    >>> ss = [Sentence("d", "", 0, 0, 6, "合计3万元。"), Sentence("d", "", 1, 6, 10, "共4人。"), Sentence("d", "", 2, 11, 15, "总计5个")]
    >>> [s.index for s in _holding(ss, "合计3万元。共4人。\n总计5个", re.compile("合计|总计"))]
    [0, 2]
    """
    starts = [s.start for s in sentences]
    out: list[Sentence] = []
    for m in words.finditer(text):
        i = bisect_right(starts, m.start()) - 1
        if i >= 0 and m.end() <= sentences[i].end and (not out or out[-1] is not sentences[i]):
            out.append(sentences[i])
    return out


def _gross(total: Fact, ruleset: RuleSet) -> bool:
    """A gross total (收入总计…，其中本年收入合计…: scope.yaml gross_label): its same-metric item is the year's own."""
    return any(w in (total.label or "") for w in getattr(ruleset.scope, "gross", ()))


def _through_wraps(sentence: Sentence, index: dict[int, Sentence], text: str, most: int = 3) -> Sentence:
    """``sentence`` with the prose lines after it that carry it on (a line wrapped mid-clause: …，本⏎级项目支出…):
    while it ends in no end mark and the next sentence starts on the next line."""
    last = sentence
    for _ in range(most):
        nxt = index.get(last.index + 1)
        if (last.text.rstrip().endswith(_ENDS) or nxt is None or nxt.kind != "prose"
                or text[last.end:nxt.start].count("\n") != 1 or text[last.end:nxt.start].strip()):
            break
        last = nxt
    if last is sentence:
        return sentence
    return replaced(sentence, end=last.end, text=text[sentence.start:last.end])


def _cut_off(text_end: int, sentence: Sentence) -> bool:
    """A sentence the text ends in before it ends (an excerpt cut mid-list): its list may go on.
    ``text_end``: where the text's last non-blank character ends."""
    return sentence.end >= text_end and not sentence.text.rstrip().endswith(_ENDS)


_ENDS = ("。", "！", "？", "!", "?", "；", ";", "）", ")", "”", "\"")
_CLAUSE_SPLIT = "，,；;"
_LIST_SPLIT = "、"
_CLAUSE_MARK = re.compile("[" + re.escape(_CLAUSE_SPLIT) + "]")
_NOT_A_PART = regex.compile(r"占|比|较|增加|减少|下降|增长|上升|节约|指标|预算数")
_TOTAL_WORDS = "合计|共计|总计|累计|总额"
_TOTAL_WORD = re.compile(_TOTAL_WORDS)  # _TRAILING_TOTAL's words alone: a sentence with none closes no list
_TRAILING_TOTAL = regex.compile(r"(?:" + _TOTAL_WORDS + r")(?:为|金额|金额为)?[ \t]*[：:]?[ \t]*$")


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
    if len({split_basis(nearest_basis(label, ruleset), None)[0] for _, _, _, label in items} - {None}) > 1:
        return []  # 公务用车运行维护费预算6.00万元，实际支出4.96万元: budgets beside actuals, not parts
    items = _until_sibling(items, total, ruleset)
    items = _until_nested(items, ruleset)
    if len(items) < 2 or len({normalize_label(label) for _, _, _, label in items}) < len(items):
        return []  # 支出0万元，年初预算为0万元，差值为0万元；… : one row per item, not a list of parts
    return [_part(total, sentence, sentence.start + rest_at + a, b - a, q, label, marker) for a, b, q, label in items]


def _until_nested(items: list, ruleset: RuleSet) -> list:
    """The items before one that opens a list of its own (其中基本支出2994.57万元，包含工资福利支出…):
    those are the parts of the item before them, read as its own list."""
    words = tuple(ruleset.enumeration["complete"]) + tuple(ruleset.enumeration["partial"])
    for i, (_, _, _, label) in enumerate(items):
        if i and label.startswith(words):
            return items[:i]
    return items


def _until_sibling(items: list, total: Fact, ruleset: RuleSet) -> list:
    """The items up to the first that names a metric which is no part of the total (基本支出612.35万元，
    其中人员经费…、日常公用经费…；项目支出826.30万元: 项目支出 is its sibling, the list ends before it)."""
    parents = ruleset.parents
    for i, (_, _, _, label) in enumerate(items):
        metric = lookup_label(label, ruleset) if label and may_name(label, ruleset) else None
        if metric is not None and metric != total.metric and parents.get(metric) not in (None, total.metric):
            return items[:i]
    return items


def _trailing_total(sentence: Sentence, facts: list[Fact], doc_facts: list[Fact], meta: DocMeta,
                    ruleset: RuleSet, units: Units) -> list[Fact]:
    """A list of money items closed by its own total (…、其他支出45.3万元，合计196.4万元): the total
    (kind ``total``, named after the metric stated elsewhere with the same value) and its parts."""
    s = sentence.text
    figure, fig = _figure(ruleset)
    figures = list(figure.finditer(s))
    if len(figures) < 3:
        return []
    last = figures[-1]
    lead = s[: last.start(fig)]
    if not _TRAILING_TOTAL.search(lead):
        return []
    q_total = parse_quantity(last.group(fig), units)
    start = sentence.start + last.start(fig)
    if q_total is None or q_total.unit != "yuan" or any(f.start == start for f in facts):
        return []
    begin = max(lead.rfind("："), lead.rfind(":"), lead.rfind("用于")) + 1
    items = _list_items(lead[begin:_TRAILING_TOTAL.search(lead).start()], ruleset, units)
    if len(items) < 2:
        return []
    same = {f.metric for f in doc_facts if f.kind == Kind.LEVEL and f.unit == "yuan" and f.value == q_total.value}
    if len(same) == 1:
        metric = same.pop()
    elif not same and meta.report_type == ruleset.project_report:
        metric = "spend.project"
    else:
        return []
    total = new_fact(doc=sentence.doc, metric=metric, value=q_total.value, unit="yuan", kind=Kind.TOTAL, approx=q_total.approx,
                 basis=None, quote=s, start=start, end=start + len(last.group(fig)), rule_id="enumeration.合计",
                 section=sentence.section, sentence_index=sentence.index, raw=q_total.raw, step=q_total.step,
                 label="合计")
    return [total] + [_part(total, sentence, sentence.start + begin + a, b - a, q, label, "合计") for a, b, q, label in items]


def _list_items(rest: str, ruleset: RuleSet, units: Units) -> list[tuple[int, int, object, str]]:
    """(start, end, quantity, label) of each money item of a list, one figure per item: items are
    split at ，；, and at 、 only where an item would hold more than one figure."""
    items, fig = [], _figure(ruleset)[1]
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
            items.append((piece_at + m.start(fig), piece_at + m.end(fig), q, label))
    return items


def _money_in(chunk: str, ruleset: RuleSet, units: Units):
    out, (figure, fig) = [], _figure(ruleset)
    for m in figure.finditer(chunk):
        if _in_brackets(chunk, m.start()):
            continue
        q = parse_quantity(m.group(fig), units)
        if q is not None and q.unit == "yuan":
            out.append((m, q))
    return out


def _part(total: Fact, sentence: Sentence, start: int, length: int, q, label: str, marker: str) -> Fact:
    return new_fact(
        doc=total.doc, metric=total.metric, value=q.value, unit=q.unit, kind=Kind.PART, approx=q.approx,
        basis=total.basis, quote=sentence.text, start=start, end=start + length, rule_id=f"enumeration.{marker}",
        section=sentence.section, sentence_index=sentence.index, raw=q.raw, qualifier=label or None,
        step=q.step, group=total.start, label=marker,
    )


def _split_outside_brackets(text: str, separators: str) -> list[tuple[int, str]]:
    """(offset, piece) of ``text`` split at ``separators`` that stand outside brackets."""
    if not any(ch in text for ch in _BRACKETS):  # all outside: the separators alone, found by one pattern
        out, begin = [], 0
        for m in _separators(separators).finditer(text):
            i = m.start()
            if not (text[i] == "," and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()):
                out.append((begin, text[begin:i]))
                begin = i + 1
        out.append((begin, text[begin:]))
        return out
    return _split_walk(text, separators)


def _split_walk(text: str, separators: str) -> list[tuple[int, str]]:
    """``_split_outside_brackets`` by walking the text a character at a time, counting brackets."""
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


_BRACKETS = _OPENERS + "）)"


@lru_cache(maxsize=8)
def _separators(separators: str) -> re.Pattern:
    return re.compile("[" + re.escape(separators) + "]")


def _in_brackets(text: str, pos: int) -> bool:
    if "（" not in text[:pos] and "(" not in text[:pos]:
        return False  # nothing opened
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
    openers = partial_openers(sentence.text, ruleset)
    if not openers:
        return _bracket_count_parts(sentence, levels, ruleset, units)
    out: list[Fact] = []
    only: set[int] = set()
    for at in openers:  # each 其中 of the sentence opens a list of its own (其中：其中新启动…: once)
        found, demoted = _listed_after(sentence, at, levels, ruleset, units)
        seen = {(f.start, f.kind) for f in out}
        out += [f for f in found if (f.start, f.kind) not in seen]
        only |= demoted
    return out, only


def partial_openers(text: str, ruleset: RuleSet) -> list[int]:
    """Where the words that open a partial list (rules/common.yaml enumeration.partial: 其中) stand."""
    return sorted(at for word in ruleset.enumeration["partial"] for at in _occurrences(text, word))


def _occurrences(text: str, word: str):
    """Where ``word`` stands in ``text``, each after the end of the one before (as a pattern of the
    word alone finds them), by str.find: a pattern compiled from the word on every call costs more."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + max(len(word), 1))


def _listed_after(sentence: Sentence, at: int, levels: list[Fact], ruleset: RuleSet,
                  units: Units | None) -> tuple[list[Fact], set[int]]:
    """The parts of the 其中 list at ``at`` (sentence offset), of the count right before it — or,
    when that count has none there, of the last count before it in the unit the list is counted in
    (共征用土地158.811亩，签订征地协议69份，其中耕地596.0215亩…: the area's)."""
    text = sentence.text
    figure, fig = _figure(ruleset)
    figures = list(figure.finditer(text[:at]))
    if not figures:
        return [], set()
    cut, stop = sentence.start + at, sentence.start + list_end(text, at, ruleset)
    bracketed = _in_brackets(text, at)
    if bracketed:  # （其中…）: the parts stand inside the bracket
        close = min((i for i in (text.find("）", at), text.find(")", at)) if i >= 0), default=len(text))
        stop = min(stop, sentence.start + close)
    total_end = sentence.start + figures[-1].end(fig)  # by its end: 签约1326户 is no 约1326户
    total = next((f for f in levels if f.end == total_end and f.unit != "yuan"), None)
    if any(c in text[at:stop - sentence.start] for c in _OPENERS):
        # 其中行政编制6名（其中：…事业编制6名）: a bracket opened in the list breaks down its item, not the total
        levels = [f for f in levels if not (cut < f.start < stop and _in_brackets(text[at:], f.start - cut))]
    found = _parts_of(total, sentence, levels, cut, stop, ruleset, units) if total is not None else ([], set())
    if found[0] or bracketed:  # （其中…）breaks down the figure right before the bracket, or nothing
        return found
    first = next((f for f in _units_after(sentence, cut, stop, ruleset, units)), None)
    other = [f for f in levels if f.end <= cut and f.unit == first and f.unit != "yuan" and f is not total]
    return _parts_of(other[-1], sentence, levels, cut, stop, ruleset, units) if first and other else ([], set())


def _units_after(sentence: Sentence, cut: int, stop: int, ruleset: RuleSet, units: Units | None):
    """The canonical units of the figures between ``cut`` and ``stop`` (document offsets), in order."""
    figure, fig = _figure(ruleset)
    for m in figure.finditer(sentence.text, cut - sentence.start, stop - sentence.start):
        q = parse_quantity(m.group(fig), units)
        if q is not None:
            yield q.unit


def _parts_of(total: Fact, sentence: Sentence, levels: list[Fact], cut: int, stop: int, ruleset: RuleSet,
              units: Units | None) -> tuple[list[Fact], set[int]]:
    """The parts of ``total`` listed between ``cut`` and ``stop``: (part facts, starts of facts that
    are only parts)."""
    overlapping = ruleset.enumeration.get("overlapping", ())
    parts = [f for f in levels if cut < f.start < stop and f.metric == total.metric and f.unit == total.unit
             and not any(w in (f.label or "") for w in overlapping)  # 27个项目需征地: a subset, no kind
             and not _another_kind(total, f, ruleset)]
    bare: list[Fact] = []
    if not parts and total.metric in ruleset.enumeration.get("unlabelled_parts", ()):
        bare = _bare_parts(sentence, total, levels, cut, stop, ruleset, units)
        parts = bare
    if not parts:
        return [], set()
    if len(parts) == 1 and not bare and (sense := _own_sense(total, parts[0], sentence, cut, stop, ruleset, units)):
        return [replaced(parts[0], qualifier=sense)], {parts[0].start}  # 职工19人，其中在编13人，临时工4人: both
    as_parts = [replaced(p, kind=Kind.PART, group=total.start, rule_id="enumeration.其中", label="其中") for p in parts]
    if total.metric in ruleset.stock_metrics and len(parts) == 1 and not bare and _lists_beyond(levels, total, cut, stop, ruleset):
        return [replaced(total, kind=Kind.TOTAL)], {total.start}  # 实有120人（其中在职73人，退休47人）: 73 is the unit's
    if total.metric in ruleset.stock_metrics or len(parts) == 1 \
            or total.metric in ruleset.enumeration.get("parts_only", ()):
        return as_parts, {p.start for p in parts}
    if total.metric in ruleset.enumeration.get("kinds_only", ()):
        return as_parts, {p.start for p in bare}  # 征地790公顷，其中耕地355…林地254…: kinds of one area
    return as_parts + bare, set()


def _own_sense(total: Fact, part: Fact, sentence: Sentence, cut: int, stop: int, ruleset: RuleSet,
               units: Units | None) -> str | None:
    """The word of the metric's own strict sense (rules/common.yaml enumeration.own_sense: 在编 for the
    staff in post) that names the one part of ``total`` listed between ``cut`` and ``stop``, when the list
    goes on with headcounts of no metric's (现有职工19人，其中在编人员13人，招聘2人，临时工4人): the total
    counts others in, and the part is the metric itself."""
    words = ruleset.enumeration.get("own_sense", {}).get(total.metric, ())
    sense = next((w for w in words if w in (part.label or "") and w not in (total.label or "")), None)
    if sense is None:
        return None
    figure, fig = _figure(ruleset)
    others = [m for m in figure.finditer(sentence.text, cut - sentence.start, stop - sentence.start)
              if sentence.start + m.start(fig) != part.start
              and (q := parse_quantity(m.group(fig), units)) is not None and q.unit == total.unit]
    return sense if others else None


def _another_kind(total: Fact, item: Fact, ruleset: RuleSet) -> bool:
    """Whether ``item`` names a kind of the metric (rules/scope.yaml categories) other than the one
    ``total`` names: 行政编制39名，其中书记1名…；事业编制5名 — the 事业编制 is no part of the 行政编制."""
    kinds = ruleset.scope.categories.get(total.metric, ()) if ruleset.scope is not None else ()
    own = next((w for w in kinds if w in (total.label or "")), None)
    return own is not None and any(w != own and w in (item.label or "") for w in kinds)


def _lists_beyond(levels: list[Fact], total: Fact, cut: int, stop: int, ruleset: RuleSet) -> bool:
    """Whether the 其中 list (``cut``..``stop``) of ``total`` holds a figure of another metric that no
    headcount counts (退休47人: rules/common.yaml enumeration.beyond_stock)."""
    beyond = set(ruleset.enumeration.get("beyond_stock", ())) - {total.metric}
    return any(cut < f.start < stop and f.metric in beyond for f in levels)


def list_end(text: str, at: int, ruleset: RuleSet) -> int:
    """Where the 其中 list opened at ``at`` ends: at the first clause after it that opens with a
    new statement's word (…，其中集体土地652.5亩，国有土地106.3亩，截至12月15日，共征用土地158.8亩:
    rules/common.yaml enumeration.list_end), else at the sentence's end."""
    words = tuple(ruleset.enumeration.get("list_end", ()))
    for m in _CLAUSE_MARK.finditer(text, at + 2):  # the clause marks only, not every character
        if text.startswith(words, m.start() + 1):
            return m.start()
    return len(text)


def _bracket_count_parts(sentence: Sentence, levels: list[Fact], ruleset: RuleSet,
                         units: Units | None) -> tuple[list[Fact], set[int]]:
    """The parts of a count listed in a bracket right after it, one figure per item (全年共受理信访
    137件（涉土122件，涉矿3件，其它2件）): parts when the list is plainly whole — its last item is a
    catch-all (其他/其它: rules/common.yaml enumeration.catch_all) or the items add up to the count.
    Returns (part facts, starts of level facts that are only parts)."""
    text = sentence.text
    out: list[Fact] = []
    figure, fig = _figure(ruleset)
    for total in levels:
        if total.unit == "yuan":
            continue
        rel = total.end - sentence.start
        if rel >= len(text) or text[rel] not in _OPENERS:
            continue
        close = min((i for i in (text.find("）", rel), text.find(")", rel)) if i >= 0), default=-1)
        if close < 0:
            continue
        found, pieces = [], _split_outside_brackets(text[rel + 1:close], _CLAUSE_SPLIT + _LIST_SPLIT)
        for at, piece in pieces:
            figs = list(figure.finditer(piece))
            q = parse_quantity(figs[0].group(fig), units) if len(figs) == 1 else None
            if q is None or q.unit != total.unit:
                found = []
                break
            start = sentence.start + rel + 1 + at + figs[0].start(fig)
            found.append((start, start + len(figs[0].group(fig)), q, piece[:figs[0].start()].strip()))
        if len(found) < 2:
            continue
        whole = any(found[-1][3].startswith(w) for w in ruleset.enumeration.get("catch_all", ()))
        if not whole and sum(q.value for _, _, q, _ in found) != total.value:
            continue
        out += [replaced(total, value=q.value, start=s, end=e, raw=q.raw, step=q.step, approx=q.approx, kind=Kind.PART,
                        group=total.start, rule_id="enumeration.（", label="（", qualifier=label or None)
                for s, e, q, label in found]
    # as with 其中: the parts of a stock are no figures of their own; the kinds of a flow (行政应诉案件共12件
    # （复议7件、诉讼5件）) stay what their own words make them
    return out, {f.start for f in out if f.metric in ruleset.stock_metrics}


def _bare_parts(sentence: Sentence, total: Fact, levels: list[Fact], cut: int, stop: int, ruleset: RuleSet,
                units: Units | None) -> list[Fact]:
    """Parts listed without the total's label (共实施项目27个，其中新启动12个、续建15个): level
    facts of the total's metric — but only when they are two or more, one per list item, in the
    total's unit, exact, and add up to the total exactly: then nothing else can they be. Items
    that each name a kind of the total's metric (耕地596亩，林地147亩: rules/common.yaml
    enumeration.kind_words) are its parts whatever they add up to."""
    taken = {f.start for f in levels}
    found, named = [], True
    kinds = ruleset.enumeration.get("kind_words", ()) if total.metric in ruleset.enumeration.get("kinds_only", ()) else ()
    item_start = cut - sentence.start
    figure, fig = _figure(ruleset)
    for m in figure.finditer(sentence.text, cut - sentence.start, stop - sentence.start):
        start = sentence.start + m.start(fig)
        q = parse_quantity(m.group(fig), units)
        if start in taken or q is None or q.unit != total.unit or q.approx:
            continue
        named = named and any(w in sentence.text[item_start:m.start(fig)] for w in kinds)
        item_start = m.end(fig)
        found.append((start, sentence.start + m.end(fig), q))
    if len(found) < 2 or total.approx or (sum(q.value for _, _, q in found) != total.value and not named):
        return []
    text = sentence.text
    for (_, end, _), (start, _, _) in zip(found, found[1:]):
        if not any(c in text[end - sentence.start:start - sentence.start] for c in "、，,；;"):
            return []  # two figures in one list item: not a plain list of parts
    return [replaced(total, value=q.value, start=start, end=end, raw=q.raw, step=q.step, approx=False,
                    rule_id="enumeration.其中.unlabelled", label="") for start, end, q in found]


def _enumeration_opener(ruleset: RuleSet) -> regex.Pattern:
    """What opens a list of parts right after a total: a bracket, or 其中/包括/分别为…"""
    words = ruleset.enumeration["complete"] + ruleset.enumeration["partial"]
    return _opener_pattern(tuple(words))


@lru_cache(maxsize=4)
def _opener_pattern(words: tuple[str, ...]) -> regex.Pattern:
    return regex.compile(r"[ \t]*(?:[（(]|[，,：:]?[ \t]*(" + "|".join(words) + r")[：:，,]?)")
