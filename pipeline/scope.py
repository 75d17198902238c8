"""Whose figure is it, and for which stretch of time?

Rules and cues read a figure's metric from the words next to it; this stage looks wider — at the
subject of its clause chain and its line — and sets aside the figures that are not the unit's of
the year (rules/scope.yaml): a sub-area's line in a progress bulletin (西津片区本期完成…), one
period's figure (本期, 上周), a 总计 beside the year's 合计, one kind of a metric listed beside the
others (行政编制26名、事业编制103名). Such a fact keeps its metric and provenance with kind ``sub``
(or ``part`` for a kind); the checks and the scorer read levels. Such a figure stays a level when
the report states its metric nowhere else: an itemised report with no total keeps its items, a
monthly bulletin its month.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

import regex
import yaml

from .memo import per_object
from .model import Fact, Kind, basis_class, replaced

# Kind's members as module globals: on Python 3.11 an attribute of an Enum class is looked up through
# the hook EnumType.__getattr__ installs (≈ 850 instructions: scope asks ≈ 25,000 over the real pages),
# a global in a few dozen. The same members: Kind.LEVEL is _LEVEL.
_LEVEL, _TARGET, _SUB, _PART, _SHARE, _CHANGE = Kind.LEVEL, Kind.TARGET, Kind.SUB, Kind.PART, Kind.SHARE, Kind.CHANGE

_CLAUSE_MARKS = "，,；;"  # split a clause chain into its clauses
_CHAIN_MARKS = "。：:！？!?"  # end a clause chain (as a line break does): a ； keeps the subject: 西津片区本期…；累计…605亩
_CLAUSE_SPLIT = regex.compile(f"[{_CLAUSE_MARKS}]")
_CLAUSE_START = regex.compile(f"[{_CLAUSE_MARKS}{_CHAIN_MARKS}]")
_CHAIN_START = regex.compile(f"[{_CHAIN_MARKS}\n]")
# the regex calls below take their arguments by position with concurrent=False (as
# pipeline/extraction/scan.py FINDITER_ARGS): by default the regex package drops and retakes the GIL
# inside every call, which a worker's one thread would only hand to itself


@dataclass(frozen=True)
class ScopeRules:
    """rules/scope.yaml, compiled."""

    sub_area_lead: regex.Pattern
    sub_unit_lead: regex.Pattern
    not_in_name: tuple[str, ...]  # a verb or particle inside a "name" (保障了…片区): an object, not a subject
    not_subject: tuple[str, ...]  # a clause opening with these has a verb first, not a subject (指导乡镇…)
    own_lead: regex.Pattern  # the unit's own office opening a clause (局机关, 本级): not another body
    name_lead: regex.Pattern  # before a subject's name in its clause (其中，): not part of the name
    sub_area_line: regex.Pattern
    sub_unit_item: regex.Pattern  # a numbered item title naming a body: the paragraph under it is that body's
    sub_unit_enumerated: regex.Pattern  # an enumerated item opening with a body's name: up to the next item, that body's
    item_marker: regex.Pattern  # any enumeration marker ((1) （二） ①): where one item ends and the next begins
    sub_unit_section: regex.Pattern  # a section title naming other bodies (直属事业单位): its figures are theirs
    interim: tuple[str, ...]
    interim_lead: regex.Pattern  # a clause opening with one month (7月签约199户): that month's figure
    multi_year: regex.Pattern
    gross: tuple[str, ...]
    narrow: dict[str, tuple[str, ...]]  # metric → words of one source of its total (财政拨款)
    categories: dict[str, tuple[str, ...]]
    category_followers: dict[str, tuple[str, ...]] = field(default_factory=dict)  # metric → metrics whose figures after a kind are the kind's
    narrow_share: tuple[str, ...] = ()  # words of a share's whole that make it one source's (占财政拨款支出的…)
    zero_gives_way: frozenset[str] = frozenset()  # a 0 of these beside a non-zero one is a category's
    interim_reset: tuple[str, ...] = ()  # after an interim word in a chain: the figures are cumulative again
    share_makes_part: frozenset[str] = frozenset()  # a count of these followed by its share of the total is a part
    project_subject: regex.Pattern = regex.compile(r"(?!)")  # a clause opening with a count of projects (46个逾期…项目)
    parts_sentence: tuple[str, ...] = ()  # a sentence opening with these breaks down the figure before it (其中，…)
    subjectless: tuple[str, ...] = ()  # a sentence opening with these goes on with the subject before it (累计发放…)


def load_scope(directory: str | Path) -> ScopeRules:
    """Read ``scope.yaml`` of a rules folder."""
    path = Path(directory) / "scope.yaml"
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
    return ScopeRules(
        sub_area_lead=regex.compile(data.get("sub_area_lead") or r"(?!)"),
        sub_unit_lead=regex.compile(data.get("sub_unit_lead") or r"(?!)"),
        own_lead=regex.compile(data.get("own_lead") or r"(?!)"),
        name_lead=regex.compile(data.get("name_lead") or r"^[ \t]*"),
        not_subject=tuple(str(w) for w in data.get("not_subject") or ()),
        not_in_name=tuple(str(w) for w in data.get("not_in_name") or ()),
        sub_area_line=regex.compile(data.get("sub_area_line") or r"(?!)"),
        sub_unit_item=regex.compile(data.get("sub_unit_item") or r"(?!)"),
        sub_unit_enumerated=regex.compile(data.get("sub_unit_enumerated") or r"(?!)"),
        item_marker=regex.compile(data.get("item_marker") or r"(?!)"),
        sub_unit_section=regex.compile(data.get("sub_unit_section") or r"(?!)"),
        interim=tuple(data.get("interim") or ()),
        interim_lead=regex.compile(data.get("interim_lead") or r"(?!)"),
        interim_reset=tuple(str(w) for w in data.get("interim_reset") or ()),
        multi_year=regex.compile(data.get("multi_year") or r"(?!)"),
        gross=tuple(data.get("gross_label") or ()),
        narrow={k: tuple(v or ()) for k, v in (data.get("narrow_label") or {}).items()},
        categories={k: tuple(v or ()) for k, v in (data.get("categories") or {}).items()},
        category_followers={k: tuple(v or ()) for k, v in (data.get("category_followers") or {}).items()},
        narrow_share=tuple(data.get("narrow_share") or ()),
        zero_gives_way=frozenset(data.get("zero_gives_way") or ()),
        share_makes_part=frozenset(data.get("share_makes_part") or ()),
        project_subject=regex.compile(data.get("project_subject") or r"(?!)"),
        parts_sentence=tuple(str(w) for w in data.get("parts_sentence") or ()),
        subjectless=tuple(str(w) for w in data.get("subjectless") or ()),
    )


def scope(facts: list[Fact], text: str, rules: ScopeRules) -> list[Fact]:
    """The facts with those that are not the unit's figure of the year set aside."""
    candidates = [i for i, f in enumerate(facts) if f.kind in (_LEVEL, _TARGET)]
    if not candidates:
        return facts
    title = _title(text)
    before = _Before(text)
    # a figure whose metric no other candidate states is never set aside, marked or not (``aside`` asks
    # for an unmarked one of its metric; a marked task's work done is one of its metric): not asked
    shared = _shared_metrics(facts, candidates)
    marked = {i for i in candidates if facts[i].metric in shared and _not_the_units(facts[i], before, rules, title)}
    marked |= _done_of_marked_tasks(facts, marked, text)
    own = {facts[i].metric for i in candidates if i not in marked}
    # a sub-area's task of the year gives way to the unit's own task only (任务为…交地的147亩 beside
    # 累计交地120亩: the task and the work done are two statements), not one period's (本期)
    own_tasks = {facts[i].metric for i in candidates if i not in marked and facts[i].kind == _TARGET}

    def aside(f: Fact) -> bool:
        if f.kind == _TARGET and f.metric not in own_tasks and not _one_period(f, before, rules):
            return False
        return f.metric in own

    out = [replaced(f, kind=_SUB) if i in marked and aside(f) else f for i, f in enumerate(facts)]
    out = _gross_beside_net(out, rules)
    out = _narrow_beside_whole(out, before, rules)
    out = _fewer_projects(_parts_of_the_sentence_before(out, text, rules), before, rules)
    out = _relations_follow(_shared_out(out, rules), facts)
    return _zero_beside_nonzero(_kinds_of_a_metric(out, text, rules), rules)


def _shared_metrics(facts: list[Fact], candidates: list[int]) -> set[str]:
    """The metrics two candidates or more state."""
    seen, shared = set(), set()
    for i in candidates:
        metric = facts[i].metric
        if metric in seen:
            shared.add(metric)
        else:
            seen.add(metric)
    return shared


def _fewer_projects(facts: list[Fact], before: _Before, rules: ScopeRules) -> list[Fact]:
    """Of two figures of one metric in one sentence whose clauses open with a count of projects (723个征迁交地
    项目完成交地30857.78亩；…46个逾期交地项目完成交地711.43亩), the one of fewer projects is a subset's."""
    counted: dict[tuple[int, str], list[tuple[int, int]]] = {}
    seen, twice = set(), set()  # a level alone of its metric in its sentence is never the fewer: not asked
    for f in facts:
        if f.kind == _LEVEL:
            key = f.sentence_index, f.metric
            (twice if key in seen else seen).add(key)
    if not twice:
        return facts
    for i, f in enumerate(facts):
        if f.kind != _LEVEL or (f.sentence_index, f.metric) not in twice:
            continue
        m = rules.project_subject.match(before.clause(f.start), None, None, False)
        if m is not None:
            counted.setdefault((f.sentence_index, f.metric), []).append((int(m.group("n")), i))
    aside = {i for group in counted.values() if len(group) > 1
             for n, i in group if n < max(k for k, _ in group)}
    return [replaced(f, kind=_SUB) if i in aside else f for i, f in enumerate(facts)]


def _parts_of_the_sentence_before(facts: list[Fact], text: str, rules: ScopeRules) -> list[Fact]:
    """A sentence opening with 其中 right after a figure's sentence on its line breaks that figure down
    (…征地任务近2万亩。其中，县城区…征地任务共14181.6亩；工业区…5244.3亩): its figures of the same metric and
    kind are parts of it, not statements of the unit's own."""
    if not rules.parts_sentence:
        return facts
    out = list(facts)
    for i, f in enumerate(facts):
        if f.kind not in (_LEVEL, _TARGET):
            continue
        line = text.rfind("\n", 0, f.start) + 1
        if not any(text.find(w, line, f.start + len(w)) >= 0 for w in rules.parts_sentence):
            continue  # the sentence start lies between the line's start and the figure: no such word opens it
        start = _sentence_start(text, f.start)
        if not text.startswith(rules.parts_sentence, start) or start == 0 or text[start - 1] == "\n":
            continue
        before = _sentence_start(text, start - 1)
        if any(g.metric == f.metric and g.kind == f.kind and before <= g.start < start for g in facts):
            out[i] = replaced(f, kind=_PART)
    return out


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts: after the last 。！？ or line break, spaces skipped."""
    line = text.rfind("\n", 0, pos) + 1  # the ends are looked for on the line only, not back to the text's start
    end = _SENTENCE_END_BACK.search(text, line, pos, False)  # the last one
    start = end.end() if end is not None else line
    while start < pos and text[start] in " \t\u3000":
        start += 1
    return start


def _done_of_marked_tasks(facts: list[Fact], marked: set[int], text: str) -> set[int]:
    """The work done of a sub-area's task, stated on its line after it with its share of the task
    (其中，C地块需拆迁90户…。截至7月22日，已签订拆迁协议85户，占应签订户数的94%): that sub-area's too."""
    done = set()
    for i in marked:
        task = facts[i]
        if task.kind != _TARGET:
            continue
        for j in range(i + 1, len(facts) - 1):
            f = facts[j]
            if "\n" in text[task.end:f.start]:
                break
            if f.metric != task.metric:
                continue
            if f.kind == _LEVEL and facts[j + 1].kind == _SHARE and facts[j + 1].metric == f.metric:
                done.add(j)
            break
    return done


def _not_the_units(f: Fact, before: _Before, rules: ScopeRules, title: str = "") -> bool:
    """One period's figure, several years', or a sub-area's or another body's."""
    text = before.text
    chain = before.chain(f.start)
    return (_one_period(f, before, rules) or _subject_is_other(chain, rules, title, before.says)
            or _subject_before_is_other(text, f.start, chain, rules, title)
            or rules.sub_area_line.match(before.line(f.start), None, None, False) is not None
            or before.under_item(f.start, rules.sub_unit_item)
            or _in_enumerated_body(before, f.start, rules)
            or before.in_section_of_others(f.section, rules.sub_unit_section))


def _one_period(f: Fact, before: _Before, rules: ScopeRules) -> bool:
    """One period's figure (本期, 上周, 7月…) or several years' (2016至2018年度)."""
    chain = before.chain(f.start)
    clause = before.clause(f.start)
    return (any(map(clause.__contains__, rules.interim)) or rules.interim_lead.match(clause, None, None, False) is not None
            or _interim_chain(chain, rules) or rules.multi_year.search(chain, None, None, False) is not None)


def _in_enumerated_body(before: _Before, pos: int, rules: ScopeRules) -> bool:
    """The last enumerated item before the figure at ``pos`` on its line opens with another body's name
    (…：(1)省妇联保育院:编制41名…，实有30人；(2)…): the figure is that body's."""
    starts, ends = before.markers(pos, rules.item_marker)
    k = bisect_right(ends, pos) - 1  # the last marker of the line ending before the figure
    return k >= 0 and rules.sub_unit_enumerated.match(before.text, starts[k], pos, False) is not None


def _interim_chain(chain: str, rules: ScopeRules) -> bool:
    """Whether the chain opened one period (上周平潭征迁工作取得新进展，全区实现19座房屋拆除) and no
    cumulative word (累计, 截至 …) stands between that period and the figure."""
    at = max(map(chain.rfind, rules.interim), default=-1)
    return at >= 0 and not any(map(chain[at:].__contains__, rules.interim_reset))


def _line_before(text: str, pos: int) -> str:
    """The non-empty line before the line of ``pos``."""
    end = text.rfind("\n", 0, pos)
    while end > 0:
        start = text.rfind("\n", 0, end) + 1
        if text[start:end].strip():
            return text[start:end]
        end = start - 1
    return ""


def _shared_out(facts: list[Fact], rules: ScopeRules) -> list[Fact]:
    """A count followed by its share of the whole of the same metric (来信235件、占55%; 来访555件，占比78.39%)
    is one kind's part of the total, not the total — when the report states the total elsewhere."""
    marked = set()
    for k, f in enumerate(facts):
        if f.kind != _SHARE or f.metric not in rules.share_makes_part or f.relative_to not in (None, ""):
            continue
        j = k - 1  # facts come in text order: the one right before the share, in its sentence
        while j >= 0 and facts[j].end > f.start and facts[j].sentence_index == f.sentence_index:
            j -= 1
        if j >= 0 and facts[j].sentence_index == f.sentence_index and facts[j].kind == _LEVEL \
                and facts[j].metric == f.metric:
            marked.add(j)
    own = {f.metric for i, f in enumerate(facts) if f.kind == _LEVEL and i not in marked}
    return [replaced(f, kind=_PART) if i in marked and f.metric in own else f for i, f in enumerate(facts)]


def _relations_follow(out: list[Fact], before: list[Fact]) -> list[Fact]:
    """A change or share in the sentence of a level set aside, of the same metric and after it,
    is that level's: set aside too, so no check compares it with the unit's own level."""
    aside = [(f.sentence_index, f.metric, f.start) for f, was in zip(out, before)
             if f.kind == _SUB and was.kind in (_LEVEL, _TARGET)]
    if not aside:
        return out
    return [replaced(f, kind=_SUB) if f.kind in (_CHANGE, _SHARE) and any(
        s == f.sentence_index and m == f.metric and start < f.start for s, m, start in aside) else f for f in out]


def _subject_is_other(chain: str, rules: ScopeRules, title: str = "", said: dict | None = None) -> bool:
    """Whether the subject of the chain's last clause is a sub-area or another body: the latest
    clause of the chain that names a subject decides (局机关编制17人，实有17人，环境监察大队编制34人，
    实有人数34人 — the last two are the 大队's); the unit's own office (局机关, 本级) is not another, nor
    an area the report's title names (巴城杨家坝和龙泉CDE地块征拆情况: 龙泉CDE地块共需拆迁380户)."""
    said = {} if said is None else said  # clause → what it says: the figures of a chain share its clauses
    other = False
    for clause in _clauses(chain):
        says = said[clause] if clause in said else said.setdefault(clause, _clause_says(clause, rules, title))
        if says is not None:
            other = says
    return other


def _clauses(chain: str) -> list[str]:
    """``_CLAUSE_SPLIT.split(chain)``, by plain string methods (a regex call costs more than the split)."""
    for mark in _CLAUSE_MARKS[1:]:
        chain = chain.replace(mark, _CLAUSE_MARKS[0])
    return chain.split(_CLAUSE_MARKS[0])


def _clause_says(clause: str, rules: ScopeRules, title: str) -> bool | None:
    """Whether a clause opens with another body or sub-area (True), with the unit's own office
    (False), or names no subject (None)."""
    subject = _subject_of(clause, rules)
    if subject is None or subject is False:
        return subject
    return not _titled(subject, title)


def _subject_of(clause: str, rules: ScopeRules) -> str | bool | None:
    """The name of the body or sub-area a clause opens with (its lead taken off), False when it opens
    with the unit's own office, None when it names no subject: read by three anchored patterns, so
    remembered across documents (a report's wording recurs from year to year; the title, which
    differs, is asked by the caller)."""
    memo = _subjects(rules)
    found = memo.get(clause, _UNREAD)
    if found is not _UNREAD:
        return found
    if len(memo) >= _SUBJECTS_KEPT:
        memo.clear()
    body = clause.strip(" \t\u3000")
    if rules.own_lead.match(body, None, None, False):
        found = False
    elif not body.startswith(rules.not_subject) and (
            m := rules.sub_unit_lead.match(body, None, None, False) or rules.sub_area_lead.match(body, None, None, False)) \
            and not any(map(m.group().__contains__, rules.not_in_name)):
        found = rules.name_lead.sub("", m.group(), 1, None, None, False)
    else:
        found = None
    memo[clause] = found
    return found


@per_object(limit=1)
def _subjects(rules: ScopeRules) -> dict:
    """The scope rules' clause → subject memo (a new one when the rules change)."""
    return {}


_SUBJECTS_KEPT = 8192  # clauses remembered at most (then the memo starts again)
_UNREAD = object()


def _subject_before_is_other(text: str, pos: int, chain: str, rules: ScopeRules, title: str) -> bool:
    """A sentence with no subject of its own (累计发放征地款642万元) goes on with the subject of the nearest
    sentence before it on its line that names one (八一村地块完成耕地丈量…。坟墓…。累计发放…): when that is a
    sub-area or another body, the figure is theirs. Subjectless sentences and those that name none (坟墓共284穴…)
    are passed over; one that opens with the unit's own office or a word of ``not_subject`` (全区, 各 …) ends the
    search."""
    if not rules.subjectless or not chain.startswith(rules.subjectless):
        return False
    line = text[text.rfind("\n", 0, pos) + 1:pos - len(chain)]
    for sentence in reversed(_SENTENCE_END.split(line, 0, False)[:-1]):
        sentence = sentence.strip(" \t\u3000")
        first = _CLAUSE_SPLIT.split(sentence, 1, False)[0].strip(" \t\u3000")
        if not sentence or sentence.startswith(rules.subjectless):
            continue
        if rules.own_lead.match(first, None, None, False) or first.startswith(rules.not_subject):
            return False  # the unit's own office, or the whole (全区, 全年 …) or an object after a verb
        if (m := rules.sub_unit_lead.match(first, None, None, False) or rules.sub_area_lead.match(first, None, None, False)) \
                and not any(map(m.group().__contains__, rules.not_in_name)):
            return not _titled(rules.name_lead.sub("", m.group(), 1, None, None, False), title)
    return False


def _title(text: str) -> str:
    """The document's first non-empty line, when it reads as a title (short, no clause or sentence
    break): a first line that is already a sentence names no title."""
    for line in text.split("\n", 8)[:8]:
        if line.strip():
            line = line.strip()
            return "" if len(line) > 60 or _CLAUSE_SPLIT.search(line, None, None, False) or _CHAIN_START.search(line, None, None, False) else line
    return ""


def _titled(name: str, title: str) -> bool:
    """Whether a subject's name stands in the title, two characters or more."""
    return len(name) >= 2 and name in title


class _Before:
    """The text before a figure on its line — from the line's start, its clause's, its clause
    chain's — each read once a figure: the scope rules ask about the same figures again and again."""

    __slots__ = ("text", "_line", "_clause", "_chain", "_markers", "says", "_items", "_sections")

    def __init__(self, text: str):
        self.text = text
        self._line: dict[int, str] = {}
        self._clause: dict[int, str] = {}
        self._chain: dict[int, str] = {}
        self._markers: dict[int, tuple[list[int], list[int]]] = {}  # a line's start → its markers
        self.says: dict[str, bool | None] = {}  # a clause → whose subject it names (_clause_says), for one title
        self._items: dict[int, bool] = {}  # a line's start → whether the line above is an item title
        self._sections: dict[str, bool] = {}  # a section → whether its title names other bodies

    def markers(self, pos: int, pattern: regex.Pattern) -> tuple[list[int], list[int]]:
        """Starts and ends of the enumeration markers on the line of ``pos``, found once a line: a marker
        holds no line break nor the start of another, so those ending before a figure are the ones a
        search of the line up to the figure finds."""
        text = self.text
        start = text.rfind("\n", 0, pos) + 1
        got = self._markers.get(start)
        if got is None:
            end = text.find("\n", pos)
            spans = [m.span() for m in pattern.finditer(text, start, end if end >= 0 else len(text), False, False)]
            got = self._markers[start] = [a for a, _ in spans], [b for _, b in spans]
        return got

    def under_item(self, pos: int, pattern: regex.Pattern) -> bool:
        """Whether the non-empty line above the line of ``pos`` matches ``pattern`` (asked once a line)."""
        start = self.text.rfind("\n", 0, pos) + 1
        got = self._items.get(start)
        if got is None:
            got = self._items[start] = pattern.match(_line_before(self.text, pos), None, None, False) is not None
        return got

    def in_section_of_others(self, section: str, pattern: regex.Pattern) -> bool:
        """Whether ``pattern`` finds a body other than the unit's own in the section's own title (once a section)."""
        got = self._sections.get(section)
        if got is None:
            got = self._sections[section] = pattern.search(section.rsplit(" > ", 1)[-1], None, None, False) is not None
        return got

    def line(self, pos: int) -> str:
        return self._remembered(self._line, pos, None)

    def clause(self, pos: int) -> str:
        return self._remembered(self._clause, pos, _CLAUSE_BACK)

    def chain(self, pos: int) -> str:
        return self._remembered(self._chain, pos, _CHAIN_BACK)

    def _remembered(self, cache: dict[int, str], pos: int, stops) -> str:
        """``_since(text, pos, stops)``, once a position."""
        got = cache.get(pos)
        if got is None:
            got = cache[pos] = _since(self.text, pos, stops)
        return got


def _since(text: str, pos: int, back: regex.Pattern | None) -> str:
    """The text before ``pos`` on its line, from just after the last break ``back`` finds (a break
    pattern compiled to search backwards: its clause for the clause ends, its clause chain for 。：,
    the whole line for None)."""
    start = text.rfind("\n", 0, pos) + 1
    if back is not None and (m := back.search(text, start, pos, False)):
        start = m.end()  # the last break: searched from ``pos`` backwards
    return text[start:pos].lstrip(" \t\u3000")


def _reversed(pattern: regex.Pattern) -> regex.Pattern:
    return regex.compile(pattern.pattern, pattern.flags | regex.REVERSE)


_CLAUSE_BACK, _CHAIN_BACK = _reversed(_CLAUSE_START), _reversed(_CHAIN_START)
_SENTENCE_END_BACK = regex.compile(r"[。！？!?]", regex.REVERSE)
_SENTENCE_END = regex.compile(r"[。！？!?]")  # compiled once: regex.split with a pattern's text looks it up each call
_KIND_LEAD_MARKS = "，,；;。：:\n"  # a kind's word is looked for after the last of these before its figure


def _after_last(text: str, marks: str) -> str:
    """``regex.split(f"[{marks}]", text)[-1]``: the text after the last of ``marks`` (all of it when none stands)."""
    return text[max(map(text.rfind, marks)) + 1:]


def _gross_beside_net(facts: list[Fact], rules: ScopeRules) -> list[Fact]:
    """收入总计 (with carry-overs) gives way to the year's own figure of the same report: 本年收入合计,
    or any other statement of the metric that is not a 总计 (收、支总计1483.5万元 … 本年支出1366.23万元)."""
    def labelled(f: Fact, words) -> bool:
        return f.kind == _LEVEL and any(map(f.label.__contains__, words))

    net = {f.metric for f in facts if f.kind == _LEVEL and not labelled(f, rules.gross)}
    return [replaced(f, kind=_SUB) if f.metric in net and labelled(f, rules.gross) else f for f in facts]


def _narrow_beside_whole(facts: list[Fact], before: _Before, rules: ScopeRules) -> list[Fact]:
    """One source's total (财政拨款收入总计1516.64万元) gives way to the unit's own total of the same
    metric (本单位收入为1687.45万元); alone, it is the report's statement of the metric."""
    def narrow_level(f: Fact) -> bool:
        # the clause's lead, or the title of the section it stands in (一般公共预算财政拨款支出决算具体情况)
        words = rules.narrow.get(f.metric, ())
        if not words:
            return False
        lead = before.clause(f.start)[-16:] + "|" + f.section.rsplit(" > ", 1)[-1]
        return any(map(lead.__contains__, words))

    narrow = [f.kind == _LEVEL and narrow_level(f) for f in facts]  # once a fact: asked twice below
    whole = {f.metric for f, n in zip(facts, narrow) if f.kind == _LEVEL and not n}
    narrow_whole = {w for m in whole for w in rules.narrow.get(m, ())}

    def is_narrow_share(f: Fact) -> bool:
        # a share of one source's total (占一般公共预算财政拨款总支出的70.80%) is not a share of the unit's
        return f.kind == _SHARE and any(w in f.label and w in narrow_whole for w in rules.narrow_share)

    return [replaced(f, kind=_SUB) if (n and f.metric in whole) or is_narrow_share(f) else f
            for f, n in zip(facts, narrow)]


def _kinds_of_a_metric(facts: list[Fact], text: str, rules: ScopeRules) -> list[Fact]:
    """Several kinds of a metric listed (行政编制26名、事业编制103名) are parts, not the metric; so are the kinds
    after a whole stated before them in the same sentence (编制数15名（其中行政编制4名、事业编制11名）, 公务用车购置及
    运行费785万元，…其中：购置费274万元，运行维护费511万元), whether or not a list reader took them; a kind stated
    as zero beside a non-zero kind, or beside a non-zero whole in its sentence, says nothing."""
    out = list(facts)
    for metric, words in rules.categories.items():
        def kind_of(f: Fact) -> str | None:
            # 机关工勤编制1名: the label may be 编制; 外事接待费支出决算0元: the kind opens its clause
            lead = f.label + _after_last(text[max(0, f.start - 14):f.start], _KIND_LEAD_MARKS)
            return next((w for w in words if w in lead), None)

        kinds = [(i, f, w) for i, f in enumerate(out)
                 if f.metric == metric and f.kind == _LEVEL and (w := kind_of(f))]
        if not kinds:
            continue
        first = min(f.start for _, f, _ in kinds)
        sentence_start = max(text.rfind(c, 0, first) for c in "。\n") + 1
        ends = [at for at in (text.find(c, first) for c in "。\n") if at >= 0]
        sentence_end = min(ends) if ends else len(text)
        wholes = [f for f in out if f.metric == metric and f.kind == _LEVEL and f.value != 0
                  and sentence_start <= f.start < sentence_end and kind_of(f) is None]
        whole_before = any(f.start < first for f in wholes)
        nonzero = [k for k in kinds if k[1].value != 0]
        # 外事接待费支出0万元 where the report states 公务接待费9.95万元 (on the same basis): the zero is a kind's,
        # not the metric's
        stated = {basis_class(f) for f in out
                  if f.metric == metric and f.kind == _LEVEL and f.value != 0 and kind_of(f) is None}
        if len({w for _, _, w in kinds}) < 2 and not wholes \
                and not any(f.value == 0 and basis_class(f) in stated for _, f, _ in kinds):
            continue
        for i, f, _ in kinds:
            if (f.value == 0 and (nonzero or basis_class(f) in stated)) or (len(nonzero) > 1 and not whole_before) \
                    or (whole_before and f.value != 0):
                out[i] = replaced(f, kind=_PART)
        if len(nonzero) > 1 and not whole_before:
            out = _followers_of_kinds(out, [f for _, f, _ in kinds], rules.category_followers.get(metric, ()))
    return out


def _followers_of_kinds(facts: list[Fact], kinds: list[Fact], followers: tuple[str, ...]) -> list[Fact]:
    """A figure of a follower metric after a kind in its sentence, before the next kind, is that
    kind's (行政编制50名，…，实有45人；工勤事业编制4名，实有4人): a part, not the unit's figure."""
    kinds = sorted(kinds, key=lambda k: k.start)
    out = list(facts)
    for i, f in enumerate(out):
        if f.metric not in followers or f.kind != _LEVEL:
            continue
        before = [k for k in kinds if k.start < f.start]
        if before and before[-1].sentence_index == f.sentence_index:
            out[i] = replaced(f, kind=_PART)
    return out


def _zero_beside_nonzero(facts: list[Fact], rules: ScopeRules) -> list[Fact]:
    """A headcount of 0 beside a non-zero one of the same metric is one category's (行政编制0人，实有人数0人；
    事业编制30人，实际25人): a part, not a second statement of the unit's figure."""
    nonzero = {f.metric for f in facts if f.kind == _LEVEL and f.value != 0 and f.metric in rules.zero_gives_way}
    return [replaced(f, kind=_PART) if f.kind == _LEVEL and f.value == 0 and f.metric in nonzero else f
            for f in facts]
