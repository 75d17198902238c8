"""rules/attribution.yaml, compiled: the cue words that name a metric next to a figure.

Loaded once with the rest of the rules (pipeline/rules.py) and used by pipeline/attribute.py.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import ahocorasick
import regex
import yaml

from .errors import RuleError
from .model import Rule

GLUE_KEPT = 4096  # gaps remembered by Cues.glue


@dataclass(frozen=True)
class Cues:
    """rules/attribution.yaml, compiled."""

    domain_units: frozenset[str]
    reach_before: int
    reach_after: int
    not_between: tuple[str, ...]
    not_before: tuple[str, ...]
    gap: regex.Pattern
    any_cue: regex.Pattern  # any cue or basis word: a sentence without one has nothing to attribute
    follow: regex.Pattern  # between two figures: the second is the first's metric on another basis
    after_not_between: tuple[str, ...]
    before: regex.Pattern  # one alternation of every before-cue, longest first (before_metric names its metric)
    after: regex.Pattern
    before_metric: dict[str, str]
    after_metric: dict[str, str]
    rules: dict[str, Rule]
    task_words: tuple[str, ...] = ()  # a figure labelled with one is a task (占总任务879户)
    task_share: regex.Pattern = regex.compile(r"(?!)")  # between a task and the share of it done (的)
    task_whole: regex.Pattern | None = None  # a whole stated before the work done of it (总数…户中)
    task_then: regex.Pattern = regex.compile(r"(?!)")  # between that whole and the done figure's label
    split_chars: frozenset[str] = frozenset()  # the spaces that may split a word (内设 机构): taken out before cues are looked for
    split_space: regex.Pattern | None = None  # one or two of them between two Han characters
    after_then_not: tuple[str, ...] = ()  # right after an after-cue: the figure counts a remainder (已签约未腾房)
    not_units: dict[str, tuple[str, ...]] = field(default_factory=dict)  # metric → surface units its figures are never in
    after_all: regex.Pattern | None = None  # between a figure and a cue after it: all of it was done (100%拆除)
    list_item: regex.Pattern | None = None  # between two figures of one list (，杨陵初心农场)
    share_after: regex.Pattern | None = None  # between a done figure and its share of the task (，占总户数的)
    share_whole_units: frozenset[str] = frozenset()  # units whose tasks are found by the share done
    share_whole_words: tuple[str, ...] = ()  # one of these before the whole in its clause names it a task (需拆迁)
    share_whole_slack: Decimal = Decimal(0)  # how far a misstated share may be off the only task that fits it
    share_names_whole: tuple[str, ...] = ()  # in the share's wording, these name its whole (占总户数的, 完成率): any figure fits
    task_after: regex.Pattern | None = None  # right after a figure: it is the task of the metric done before it (的全年任务)
    part_open: tuple[str, ...] = ()  # opening a figure's clause before it: the figure is a part (其中4户为货币化安置)
    before_longest: int | None = None  # the length of the longest before-cue (None: not known, every position is tried)
    # the same words as Aho–Corasick automata (values: (length, word)): one pass over a window finds
    # every cue, where the alternations above try each of ~200 words at every position
    any_words: ahocorasick.Automaton | _NoWords | None = None
    before_words: ahocorasick.Automaton | _NoWords | None = None
    after_words: ahocorasick.Automaton | _NoWords | None = None
    # (before?, unit) → the before- or after-cue words naming a metric of that unit, made when first asked
    _of_unit: dict = field(default_factory=dict, repr=False, compare=False)
    # the gaps between a cue and its figure already read (gap → whether ``gap`` matches it), at most
    # GLUE_KEPT: few and short (most are empty), where a ``regex`` match costs ≈ 12 K instructions
    glue_memo: dict = field(default_factory=dict, repr=False, compare=False)

    def glue(self, gap: str) -> bool:
        """Whether only glue words stand in ``gap`` (``gap`` matches it), remembered in ``glue_memo``."""
        memo = self.glue_memo
        found = memo.get(gap)
        if found is None:
            if len(memo) >= GLUE_KEPT:
                memo.clear()
            found = memo[gap] = self.gap.match(gap, None, None, False) is not None
        return found

    def unit_refused(self, metric: str, raw: str) -> bool:
        """Whether a figure written ``raw`` is in a surface unit ``metric`` is never counted in
        (信访 in 人次: people received, not petitions)."""
        return any(raw.rstrip().endswith(u) for u in self.not_units.get(metric, ()))

    def words_of_unit(self, before: bool, unit: str, metric_unit) -> ahocorasick.Automaton | _NoWords:
        """The before-cue words (``before``) or the after-cue words that name a metric counted in ``unit``
        (``metric_unit``: metric → its unit, the RuleSet's), as an automaton (made once a side and unit)."""
        key = before, unit
        got = self._of_unit.get(key)
        if got is None:
            metric_of = self.before_metric if before else self.after_metric
            got = self._of_unit[key] = word_automaton(w for w, m in metric_of.items() if metric_unit(m) == unit)
        return got


def load_cues(directory: Path, metrics: frozenset[str], defaults: dict) -> Cues:
    """Read ``attribution.yaml`` of a rules folder; ``defaults`` is common.yaml's context every rule gets."""
    path = Path(directory) / "attribution.yaml"
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    before = {str(w): m for m, words in (data.get("before") or {}).items() for w in words}
    after = {str(w): m for m, words in (data.get("after") or {}).items() for w in words}
    follow_words = {str(w): "" for w in data.get("follow_words") or ()}
    if "" in before or "" in after or "" in follow_words:
        raise RuleError("attribution.yaml: an empty cue word")
    split_chars = str(data.get("split_space") or "")
    if split_chars and any(w[0] in split_chars or w[-1] in split_chars for w in (*before, *after)):
        # a space that may split a word is taken out between Han characters: a cue word cannot start or end in one
        raise RuleError("attribution.yaml: a cue word starts or ends with a split_space character")
    for m in set(before.values()) | set(after.values()) | set(data.get("not_units") or {}):
        if m not in metrics:
            raise RuleError(f"attribution.yaml: unknown metric {m!r}")
    forbid_pattern = regex.compile(defaults["forbid_sentence_pattern"]) if defaults.get("forbid_sentence_pattern") else None
    item_title = regex.compile(defaults["item_title"]) if defaults.get("item_title") else None
    context = _context(data.get("context") or {}, metrics)
    rules = {
        m: Rule(id=f"attribute.{m}", metric=m, pattern=None, source="rules/attribution.yaml",
                forbid=tuple(defaults.get("forbid_clause") or ()) + tuple(str(w) for w in data.get("not_in_clause") or ())
                + context.get(m, {}).get("forbid", ()),
                require=context.get(m, {}).get("require", ()),
                forbid_before=context.get(m, {}).get("forbid_before", ()),
                forbid_sentence=tuple(defaults.get("forbid_sentence") or ()), forbid_pattern=forbid_pattern,
                forbid_item=item_title)
        for m in set(before.values()) | set(after.values())
    }
    return Cues(
        domain_units=frozenset(data.get("domain_units") or ()),
        reach_before=int(data.get("reach_before", 10)),
        reach_after=int(data.get("reach_after", 14)),
        not_between=tuple(data.get("not_between") or ()),
        not_before=tuple(data.get("not_before") or ()),
        gap=regex.compile(str(data.get("gap") or "")),
        any_cue=_alternation({**before, **after, **follow_words}),
        follow=regex.compile(str(data.get("follow") or r"(?!)(?P<basis>)")),
        after_not_between=tuple(data.get("after_not_between") or ()),
        before=_alternation(before),
        after=_alternation(after),
        before_metric=before,
        after_metric=after,
        rules=rules,
        task_words=tuple(str(w) for w in data.get("task_words") or ()),
        task_share=regex.compile(str(data.get("task_share") or r"(?!)")),
        task_whole=regex.compile(str(data["task_whole"])) if data.get("task_whole") else None,
        task_then=regex.compile(str(data.get("task_then") or r"(?!)")),
        split_chars=frozenset(str(data.get("split_space") or "")),
        split_space=_split_space(str(data.get("split_space") or "")),
        after_then_not=tuple(str(w) for w in data.get("after_then_not") or ()),
        not_units={str(m): tuple(str(u) for u in us or ()) for m, us in (data.get("not_units") or {}).items()},
        after_all=regex.compile(str(data["after_all"])) if data.get("after_all") else None,
        list_item=regex.compile(str(data["list_item"])) if data.get("list_item") else None,
        share_after=regex.compile(str(data["share_after"])) if data.get("share_after") else None,
        share_whole_units=frozenset(data.get("share_whole_units") or ()),
        share_whole_words=tuple(str(w) for w in data.get("share_whole_words") or ()),
        share_whole_slack=Decimal(str(data.get("share_whole_slack") or 0)),
        share_names_whole=tuple(str(w) for w in data.get("share_names_whole") or ()),
        task_after=regex.compile(str(data["task_after"])) if data.get("task_after") else None,
        part_open=tuple(str(w) for w in data.get("part_open") or ()),
        before_longest=max(map(len, before), default=0),
        any_words=word_automaton({**before, **after, **follow_words}),
        before_words=word_automaton(before),
        after_words=word_automaton(after),
    )


CONTEXT_KEYS = ("require", "forbid", "forbid_before")  # a metric's context words in attribution.yaml, as in a rule


def _context(data: dict, metrics: frozenset[str]) -> dict[str, dict[str, tuple[str, ...]]]:
    """attribution.yaml ``context``: metric → the clause words its attributed figures need or must
    not have, and the words that must not stand before them in the sentence (as a rule's)."""
    out = {}
    for metric, words in data.items():
        if metric not in metrics:
            raise RuleError(f"attribution.yaml: context: unknown metric {metric!r}")
        unknown = set(words or {}) - set(CONTEXT_KEYS)
        if unknown:
            raise RuleError(f"attribution.yaml: context of {metric}: unknown keys {sorted(unknown)}")
        out[str(metric)] = {k: tuple(str(w) for w in (words or {}).get(k) or ()) for k in CONTEXT_KEYS}
    return out


def _split_space(chars: str) -> regex.Pattern | None:
    if not chars:
        return None
    return regex.compile(r"(?<=\p{Han})[" + regex.escape(chars) + r"]{1,2}(?=\p{Han})")


def word_automaton(words):
    """An Aho–Corasick automaton over the words, each found as (length, word); with no words, one
    that finds nothing (``NO_WORDS``: an automaton without words cannot be searched, and asking one
    its ``kind`` before each search costs ≈ 1,700 instructions — as much as the search of a clause)."""
    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, (len(w), w))
    if automaton.kind == ahocorasick.EMPTY:
        return NO_WORDS
    automaton.make_automaton()
    return automaton


class _NoWords:
    """What ``word_automaton`` gives for no words: its search finds nothing."""

    __slots__ = ()
    kind = ahocorasick.EMPTY

    def iter(self, text: str, *bounds) -> Iterator:
        return iter(())

    def keys(self) -> Iterator:
        return iter(())


NO_WORDS = _NoWords()


def longest_at_each_start(automaton, text: str, lo: int = 0) -> dict[int, int]:
    """start → length of the longest word starting there, of the words wholly in ``text[lo:]``: what an
    overlapped search of the words' alternation (longest first) matches at each position from ``lo``."""
    found: dict[int, int] = {}
    for end, (size, _word) in automaton.iter(text, lo):
        start = end + 1 - size
        if found.get(start, 0) < size:
            found[start] = size
    return found


def has_word(automaton, text: str) -> bool:
    """Whether any of the automaton's words stands in ``text`` (a search of their alternation)."""
    for _ in automaton.iter(text):
        return True
    return False


def _alternation(words: dict[str, str]) -> regex.Pattern:
    ordered = sorted(words, key=len, reverse=True)
    return regex.compile("|".join(regex.escape(w) for w in ordered) or r"(?!)")
