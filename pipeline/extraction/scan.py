"""Every rule's pattern over a document: the hits that stand inside one sentence and whose
context words (rules/*.yaml require / forbid …, jieba word bounds) allow them."""
from __future__ import annotations

import logging
from bisect import bisect_right
from functools import lru_cache
from itertools import chain

import ahocorasick

from ..holding import any_word
from ..memo import per_object
from ..model import DocMeta, FigureContext, Match, Rule, Sentence, builder
from ..rules import RuleSet
from .context import context_of, figure_context
from .loose import loose_twin
from .needs import text_test, window_test
from .wordcut import is_word_bound

log = logging.getLogger(__name__)
REGEX_TIMEOUT_S = 2.0
# regex's finditer(string, pos, endpos, overlapped, concurrent, partial, timeout) after the window,
# by position: by keyword, CPython's argument parser makes a str of each parameter name it looks
# up (≈ 3,000 instructions a call, ≈ 60 windows a report); concurrent=False keeps the GIL, which a
# worker's one thread would only hand to itself (tests/test_speed23_scan23.py checks the order)
FINDITER_ARGS = (False, False, False, REGEX_TIMEOUT_S)


def find_hits(text: str, sentences: list[Sentence], ruleset: RuleSet, meta: DocMeta) -> list[Match]:
    starts = [s.start for s in sentences]
    hits = []
    windows = rule_windows(text, ruleset)  # rule's number → its merged windows (rules with anchors)
    loose = _loose_twins(ruleset)
    for number, (rule, test, fig, label, names) in enumerate(_plans(ruleset)):
        if rule.report_types and meta.report_type not in rule.report_types:
            continue
        if rule.anchors:
            merged = windows.get(number)
            if merged is None:
                continue  # none of its anchors stands in the text: no match can
        try:  # the timeout bounds the whole scan, so collect first and judge context after
            # finditer's arguments by position (FINDITER_ARGS): what scan() asks by keyword
            if not rule.anchors:
                matches = list(rule.pattern.finditer(text, None, None, *FINDITER_ARGS))
            else:
                if test is not None:
                    merged = [(a, b) for a, b in merged if test.match(text, a, b)]
                if (twin := loose[number]) is not None:
                    # most windows left hold no match, known cheaper; in the others no match starts
                    # before the twin's first, so the scan starts there (a lookbehind, ^ or \b reads
                    # the text before pos in both engines: pos is no edge of the text)
                    merged = [(t.start(), b) for a, b in merged if (t := twin.search(text, a, b)) is not None]
                matches = [m for a, b in merged for m in rule.pattern.finditer(text, a, b, *FINDITER_ARGS)]
        except TimeoutError:
            log.warning("rule %s timed out on a document; skipped", rule.id)
            continue
        for m in matches:
            start, end = m.span(fig)
            i = bisect_right(starts, start) - 1
            if i < 0:
                continue
            sentence = sentences[i]
            if m.start() < sentence.start or m.end() > sentence.end:
                continue
            if rule.forbid_item is not None and under_item_title(text, sentence, rule.forbid_item):
                continue
            if not sentence_allows(rule, sentence.text):
                continue
            label_start, label_end = m.span(label)
            context = figure_context(sentence, start, end, label_start, label_end, ruleset.layout)
            found = m.groups()  # by number: m.groupdict() looks each name up as above
            hit = _new_match(rule, sentence, start, end, label_start, label_end,
                             {k: found[i] for k, i in names if found[i] is not None}, context)
            if clause_allows(hit, context, ruleset):
                hits.append(hit)
    return hits


_new_match = builder(Match)  # Match(...) by its slots (model.builder)


# a match reaches at most this far before / after the anchor it contains
ANCHOR_BEFORE, ANCHOR_AFTER = 32, 64


def scan(rule: Rule, text: str, windows: dict[str, list[tuple[int, int]]] | None = None, test=None) -> list:
    """Every match of a rule: over the whole text, or — when the rule has anchors — only in the
    windows around their occurrences (finding them is far cheaper than trying the pattern everywhere).
    ``windows`` (from :func:`anchor_windows`) serves all the rules of one document; ``test`` (from
    :func:`needs.window_test`) passes over a window lacking the characters every match needs in
    their order, where the pattern would find nothing (over half the windows, each read once)."""
    if not rule.anchors:
        return list(rule.pattern.finditer(text, timeout=REGEX_TIMEOUT_S))
    if windows is None:
        windows = anchor_windows(text, rule.anchors)
    present = [w for a in rule.anchors if (w := windows.get(a))]
    merged = present[0] if len(present) == 1 else _merged(sorted(w for ws in present for w in ws))
    if test is not None:
        merged = [(a, b) for a, b in merged if test.match(text, a, b)]
    return [m for a, b in merged for m in rule.pattern.finditer(text, a, b, timeout=REGEX_TIMEOUT_S)]


def anchor_windows(text: str, anchors: tuple[str, ...]) -> dict[str, list[tuple[int, int]]]:
    """For every anchor standing in ``text``, the windows a match containing it may fill:
    ``ANCHOR_BEFORE`` characters before each occurrence to ``ANCHOR_AFTER`` after it, those
    that overlap or touch merged (one Aho–Corasick pass; anchors absent from the text absent)."""
    ends: dict[str, list[int]] = {}
    if anchors:
        automaton, sieve = _sieved_automaton(anchors)
        for end, (_size, anchor) in automaton.iter(sieve(text)):
            if anchor in ends:
                ends[anchor].append(end)
            else:
                ends[anchor] = [end]
    out = {}
    for anchor, at_ends in ends.items():
        before = len(anchor) - 1 + ANCHOR_BEFORE  # an occurrence ending at e starts at e - len + 1
        merged: list[tuple[int, int]] = []
        for e in at_ends:  # ascending, all of one length: a window never ends before the last one
            lo, hi = e - before, e + 1 + ANCHOR_AFTER
            if lo < 0:
                lo = 0
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        out[anchor] = merged
    return out


def rule_windows(text: str, ruleset: RuleSet) -> dict[int, list[tuple[int, int]]]:
    """For every rule (by its number in ``ruleset.rules``) one of whose anchors stands in ``text``,
    the windows :func:`scan` runs it in: the windows of its anchors' occurrences
    (:func:`anchor_windows`), those that overlap or touch merged. The same windows as ``scan``
    builds from ``anchor_windows``, built for all the rules at once: one automaton pass, then
    a loop over the rows (one per occurrence and rule naming its anchor; a real page holds ≈ 40)
    or, past ``FEW_OCCURRENCES``, array operations over them, instead of a Python loop over each
    anchor's occurrences and each rule's anchors."""
    anchors, before, count, first, rules = _window_plan(ruleset)
    if not anchors:
        return {}
    automaton, sieve = _sieved_automaton(anchors, numbered=True)
    found = list(automaton.iter(sieve(text)))  # (end, number of the anchor), ends ascending
    if not found:
        return {}
    if len(found) <= FEW_OCCURRENCES:
        return _few_rule_windows(found, _window_rows(ruleset))
    return _many_rule_windows(found, len(text), before, count, first, rules)


def _many_rule_windows(found: list[tuple[int, int]], size: int, before, count, first, rules) -> dict[int, list[tuple[int, int]]]:
    """:func:`rule_windows`' windows from the occurrences ``found`` in a text of ``size`` characters,
    by array operations over the rows (the arrays of :func:`_window_plan`)."""
    import numpy

    n = len(found)
    flat = numpy.fromiter(chain.from_iterable(found), numpy.int64, 2 * n)
    ends, ids = flat[0::2], flat[1::2]
    lo = ends - before.take(ids)
    numpy.maximum(lo, 0, out=lo)
    width = ends + (1 + ANCHOR_AFTER) - lo
    # one row per occurrence and rule naming its anchor (those of anchor k: rules[first[k]:first[k + 1]]),
    # each rule's rows in a band of its own (every window ends before ``band``)
    counts = count.take(ids)
    total = int(counts.sum())
    ahead = numpy.cumsum(counts)
    rule = rules.take(numpy.repeat(first.take(ids) + counts - ahead, counts) + numpy.arange(total))
    band = size + ANCHOR_AFTER + 1
    low = rule * band + numpy.repeat(lo, counts)
    order = numpy.argsort(low, kind="stable")
    low = low.take(order)
    # sorted by start, a row opens a window unless it starts at or before the furthest end before it
    reach = numpy.maximum.accumulate(low + numpy.repeat(width, counts).take(order))
    opens = numpy.empty(total, dtype=bool)
    opens[0] = True
    numpy.greater(low[1:], reach[:-1], out=opens[1:])
    head = numpy.flatnonzero(opens)
    owner = rule.take(order.take(head))
    base = owner * band
    pairs = list(zip((low.take(head) - base).tolist(), (reach.take(numpy.append(head[1:] - 1, total - 1)) - base).tolist()))
    cuts = [0, *(numpy.flatnonzero(owner[1:] != owner[:-1]) + 1).tolist(), len(pairs)]
    return {r: pairs[a:b] for r, a, b in zip(owner.take(cuts[:-1]).tolist(), cuts, cuts[1:])}


# up to this many anchor occurrences (a real page holds ≈ 40, a synthetic report ≈ 420), rule_windows
# builds the windows in a plain loop: ≈ 4,000 instructions an occurrence, against the array
# operations' ≈ 270,000 a page and 1,700 an occurrence (break-even near 120)
FEW_OCCURRENCES = 100


def _few_rule_windows(found: list[tuple[int, int]], plan: tuple) -> dict[int, list[tuple[int, int]]]:
    """:func:`rule_windows`' windows from the occurrences ``found``, row by row: each occurrence's
    window appended to each rule naming its anchor, each rule's sorted and merged (:func:`_merged`)."""
    before, naming = plan
    rows: dict[int, list[tuple[int, int]]] = {}
    for end, k in found:
        lo = end - before[k]
        window = (lo if lo > 0 else 0, end + 1 + ANCHOR_AFTER)
        for r in naming[k]:
            if r in rows:
                rows[r].append(window)
            else:
                rows[r] = [window]
    return {r: _merged(sorted(ws)) if len(ws) > 1 else ws for r, ws in rows.items()}


def _window_rows(ruleset: RuleSet) -> tuple:
    """What :func:`_few_rule_windows` reads, by an anchor's number (as in :func:`_window_plan`): how
    far before its end a window around it starts, and the numbers of the rules naming it."""
    return _window_rows_of(ruleset.rules)


@per_object()
def _window_rows_of(rules: tuple[Rule, ...]) -> tuple:
    anchors, before, count, first, numbers = _window_plan_of(rules)
    return (tuple(before.tolist()),
            tuple(tuple(numbers[f:f + c].tolist()) for f, c in zip(first.tolist(), count.tolist())))


def _window_plan(ruleset: RuleSet) -> tuple:
    """What :func:`rule_windows` reads, remembered per rules tuple as the anchors are: the
    anchors (:func:`_all_anchors`), and as arrays indexed by an anchor's number: how far before
    its end a window around it starts, how many rules name it and where their numbers start in
    the last array (those of anchor k at ``rules[first[k]:first[k] + count[k]]``)."""
    return _window_plan_of(ruleset.rules)


@per_object()
def _window_plan_of(rules: tuple[Rule, ...]) -> tuple:
    import numpy

    anchors = _anchors_of(rules)
    naming: dict[str, list[int]] = {a: [] for a in anchors}
    for number, rule in enumerate(rules):
        for a in dict.fromkeys(rule.anchors):
            naming[a].append(number)
    count = numpy.array([len(naming[a]) for a in anchors], dtype=numpy.int64)
    return (anchors, numpy.array([len(a) - 1 + ANCHOR_BEFORE for a in anchors], dtype=numpy.int64), count,
            numpy.cumsum(count) - count, numpy.array([r for a in anchors for r in naming[a]], dtype=numpy.int64))


def _merged(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted windows with those that overlap or touch joined."""
    merged: list[tuple[int, int]] = []
    for a, b in windows:
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _all_anchors(ruleset: RuleSet) -> tuple[str, ...]:
    """Every rule's anchors, each once, in a stable order (the automaton's cache key); remembered
    per rules tuple (held, so its id stays its own): collecting them costs ≈ 0.25 ms a document."""
    return _anchors_of(ruleset.rules)


@per_object()
def _anchors_of(rules: tuple[Rule, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a for rule in rules for a in rule.anchors))


def _plans(ruleset: RuleSet) -> tuple:
    """(rule, window test, number of its fig group, number of its label group, (name, index in
    ``m.groups()``) of each named group in ``groupdict`` order) for each rule, in the order of the
    rules; remembered per rules tuple, as the anchors are. The test is :func:`needs.window_test`'s
    (None where there is none). Groups are read by number: by name, the regex package first tries
    the name as a number and formats an error it then drops (≈ 2,000 instructions a name); groups
    sharing a name share their number, so the two agree."""
    return _plans_of(ruleset.rules)


@per_object()
def _plans_of(rules: tuple[Rule, ...]) -> tuple:
    return tuple(
        (rule, window_test(rule.pattern.pattern, rule.pattern.flags, rule.anchors) if rule.anchors else None,
         rule.pattern.groupindex["fig"], rule.pattern.groupindex["label"],
         tuple((name, number - 1) for name, number in rule.pattern.groupindex.items()))
        for rule in rules)


def _loose_twins(ruleset: RuleSet) -> tuple:
    """Each rule's loose twin (:func:`loose.loose_twin`, None where there is none), in the order of
    the rules; remembered per rules tuple, as the plans are (built by the warm-up's first scan)."""
    return _loose_twins_of(ruleset.rules)


@per_object()
def _loose_twins_of(rules: tuple[Rule, ...]) -> tuple:
    return tuple(loose_twin(rule.pattern) if rule.anchors else None for rule in rules)


def _window_tests(ruleset: RuleSet) -> tuple:
    """Each rule's window test, in the order of the rules (see :func:`_plans`)."""
    return tuple(plan[1] for plan in _plans(ruleset))



@lru_cache(maxsize=4)
def _automaton(anchors: tuple[str, ...]):
    """An Aho–Corasick automaton over the anchors: one pass over a text finds them all."""
    automaton = ahocorasick.Automaton()
    for anchor in anchors:
        automaton.add_word(anchor, (len(anchor), anchor))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=4)
def _sieved_automaton(anchors: tuple[str, ...], numbered: bool = False):
    """The automaton over the anchors, and a sieve for the text it reads: every character that
    can stand in no occurrence of an anchor becomes one filler character (length and offsets
    kept), so the anchors occur in the sieved text exactly where they occur in the text. A
    character can stand in one only if it is a one-character anchor or it and a neighbour are two
    adjacent characters of an anchor (with more than 255 distinct characters in the anchors: only
    if it stands in an anchor). The filler is the first character the automaton's root looks for
    (a dummy word that never occurs puts it there): the root looks a character up by a walk
    through all its children, and most of a report's characters are sieved out, so most steps
    end at the first child instead of the last. Each anchor's value: ``(size, anchor)``, or with
    ``numbered`` its number in ``anchors`` (a flat pair of integers for :func:`rule_windows`)."""
    import numpy

    letters = sorted(set("".join(anchors)))
    outside = (c for c in map(chr, range(0x110000)) if c not in letters)
    filler, never = next(outside), next(outside)
    automaton = ahocorasick.Automaton()
    automaton.add_word(filler + never, -1 if numbered else (0, None))  # ``never`` stands in no sieved text
    for number, anchor in enumerate(anchors):
        automaton.add_word(anchor, number if numbered else (len(anchor), anchor))
    automaton.make_automaton()
    fill = numpy.uint32(ord(filler))
    if len(letters) > 255:  # no 8-bit numbering: keep every character of the anchors
        kept = numpy.zeros(0x110000, dtype=bool)
        kept[[ord(c) for c in letters]] = True

        def keep(codes):
            return kept.take(codes)
    else:
        number = numpy.zeros(0x110000, dtype=numpy.uint16)  # 0: in no anchor
        number[[ord(c) for c in letters]] = numpy.arange(1, len(letters) + 1, dtype=numpy.uint16)
        alone = numpy.zeros(256, dtype=bool)  # one-character anchors
        pairs = numpy.zeros(1 << 16, dtype=bool)  # (first << 8) | second, adjacent in an anchor
        for anchor in anchors:
            at = [int(number[ord(c)]) for c in anchor]
            if len(at) == 1:
                alone[at[0]] = True
            pairs[[(a << 8) | b for a, b in zip(at, at[1:])]] = True

        def keep(codes):
            n = number.take(codes)  # take: a plain gather, cheaper than indexing by an array
            paired = pairs.take((n[:-1] << 8) | n[1:])
            kept = alone.take(n)
            kept[:-1] |= paired
            kept[1:] |= paired
            return kept

    def sieve(text: str) -> str:
        codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        return numpy.where(keep(codes), codes, fill).tobytes().decode("utf-32-le", "surrogatepass")
    return automaton, sieve


def anchor_positions(text: str, anchors: tuple[str, ...]) -> dict[str, list[int]]:
    """Every position of every anchor in ``text`` (overlapping ones included, ascending), in one
    pass — the same as ``_occurrences(text, anchor)`` for each anchor, which is one str.find loop
    per anchor."""
    found: dict[str, list[int]] = {anchor: [] for anchor in anchors}
    if anchors:
        for end, (size, anchor) in _automaton(anchors).iter(text):
            found[anchor].append(end - size + 1)
    return found


def _occurrences(text: str, word: str) -> list[int]:
    """Every position of ``word`` in ``text``, overlapping ones included."""
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def under_item_title(text: str, sentence: Sentence, item_title) -> bool:
    """The sentence follows, on its line, the title of one budget item
    (2、安置地块前期经费。实际支出48.62万元): its amounts are that item's, not the unit's."""
    head = text[text.rfind("\n", 0, sentence.start) + 1:sentence.start].strip()
    return bool(head) and bool(item_title.fullmatch(head))


def context_allows(hit: Match, ruleset: RuleSet) -> bool:
    """Whether the rule's context words (sentence, clause, before, word bounds) allow the hit."""
    return sentence_allows(hit.rule, hit.sentence.text) and clause_allows(hit, context_of(hit, ruleset.layout), ruleset)


def sentence_allows(rule: Rule, stext: str) -> bool:
    """The rule's sentence-wide words and pattern allow a hit in this sentence."""
    if any(w in stext for w in rule.forbid_sentence):
        return False
    if rule.forbid_pattern is not None and _may_search(rule.forbid_pattern, stext) \
            and rule.forbid_pattern.search(stext, None, None, False):  # by position: keeps the GIL
        return False
    if rule.require_sentence and not any(w in stext for w in rule.require_sentence):
        return False
    return True


def _may_search(pattern, stext: str) -> bool:
    """Whether ``pattern.search(stext)`` may find something: the sentence holds the characters
    every match needs, in their order (:func:`needs.text_test`; a sentence lacking them, most do,
    is passed over by one scan of the standard library's engine)."""
    test = _text_test(pattern)
    return test is None or test.match(stext) is not None


@per_object(limit=64)
def _text_test(pattern):
    return text_test(pattern.pattern, pattern.flags)


def clause_allows(hit: Match, context: FigureContext, ruleset: RuleSet) -> bool:
    """The rule's clause words, words before the figure and word bounds allow the hit."""
    rule, sentence = hit.rule, hit.sentence
    stext = context.text
    clause = stext[context.clause_start:context.clause_end]
    if rule.forbid and _any_word(rule.forbid).search(clause) and _forbidden_outside_figure(clause, context, hit, rule.forbid):
        return False
    if rule.require and not any(w in clause for w in rule.require):
        return False
    if rule.forbid_before or rule.require_before:
        before = stext[: context.lead]
        if rule.forbid_before and any(w in before for w in rule.forbid_before):
            return False
        if rule.require_before and not any(w in before for w in rule.require_before):
            return False
    if rule.whole_word and hit.label_end > hit.label_start:
        # segment a window around the label only: jieba's cost grows with the text it reads
        lo = max(0, hit.label_start - sentence.start - WORD_WINDOW)
        hi = min(len(stext), hit.label_end - sentence.start + WORD_WINDOW)
        window, words = stext[lo:hi], ruleset.jieba_words
        if not (is_word_bound(window, hit.label_start - sentence.start - lo, words)
                and is_word_bound(window, hit.label_end - sentence.start - lo, words)):
            return False
    return True


# one search instead of a generator over a rule's ≈ 13 forbidden words, per rule's word tuple
_any_word = per_object(limit=1024)(any_word)


def _forbidden_outside_figure(clause: str, context: FigureContext, hit: Match, words: tuple[str, ...]) -> bool:
    """A forbidden word stands in the clause other than starting inside the figure: the unit of
    260余亩均清表交地 (亩 + 均 'all') or 5户均已签约 makes no 亩均 / 户均 (per mu, per household)."""
    fig_start, fig_end = context.fig, context.fig + (hit.end - hit.start)
    for w in words:
        at = clause.find(w)
        while at >= 0:
            if not fig_start <= context.clause_start + at < fig_end:
                return True
            at = clause.find(w, at + 1)
    return False


WORD_WINDOW = 8  # characters of context on each side of a label for the word-boundary check
