"""Document → sentences with offsets, sections, and what the report says about itself.

The layout vocabulary (heading markers, sentence and clause ends, title words, how unit
names end) lives in rules/document.yaml.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from .figscan import twin
from .memo import per_object
from .model import Basis, DocMeta, Document, Section, Sentence, builder
from .proptwin import lead_scan, property_twin
from .resources import packaged_rules_dir

PLAIN_HEADING_LEVEL = 9
_CLOSERS = "”’」』）)\"'"
_YEAR_WORD = "年"  # what every year mention ends with: a text without it names no year (year_mentions)
_YEAR = regex.compile(r"(?<![0-9０-９])((?:19|20|１９|２０)[0-9０-９]{2})" + _YEAR_WORD)
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
# the regex calls below take their arguments by position with concurrent=False (as
# pipeline/extraction/scan.py FINDITER_ARGS): by default the regex package drops and retakes the GIL
# inside every call, which a worker's one thread would only hand to itself


@dataclass(frozen=True)
class Layout:
    """rules/document.yaml, compiled."""

    headings: tuple[tuple[int, regex.Pattern], ...]
    max_heading_chars: int
    plain_words: tuple[str, ...]
    plain_max: int
    sentence_end: str
    clause_end: str
    report_types: tuple[tuple[str, tuple[str, ...]], ...]
    report_type_hints: tuple[tuple[str, tuple[str, ...]], ...]  # weaker words, read when no type word is found
    title_words: tuple[str, ...]
    title_lines: int
    unit_name: regex.Pattern
    unit_tail: regex.Pattern  # a further name part right after a unit name (…局 + 征地事务中心)
    sentence_split: regex.Pattern  # a sentence end with the closing quotes and brackets after it
    clause_left: regex.Pattern  # the text back to the previous clause end
    clause_right: regex.Pattern  # the text up to the next clause end
    event_before: regex.Pattern | None = None  # right before YYYY年: the year dates an event (成立于)
    event_after: regex.Pattern | None = None  # from its 年 on: the year dates an event (年组建)
    year_line: regex.Pattern | None = None  # a line that is a year alone (2019年): the lines under it are that year's
    accounts_year: regex.Pattern | None = None  # from its 年 on: the year's final accounts are stated (年…决算数)
    compared_year: regex.Pattern | None = None  # right before YYYY年: the year a figure is compared with (比2018年)
    budget_words: tuple[str, ...] = ()  # in the opening lines: a budget document (部门预算编制的说明)
    budget_not: tuple[str, ...] = ()  # … unless one of these stands there too (决算)


@lru_cache(maxsize=4)
def load_layout(directory: str | None = None) -> Layout:
    """Read a rules folder's document.yaml (cached); without a folder, the packaged one.

    The pipeline passes the ``RuleSet``'s layout (``load_rules``); the default serves the
    doctests and library callers."""
    data = yaml.safe_load((Path(directory or packaged_rules_dir()) / "document.yaml").read_text(encoding="utf-8"))
    event = data.get("event_year") or {}
    suffixes = "|".join(sorted(map(regex.escape, data["unit_suffixes"]), key=len, reverse=True))
    return Layout(
        headings=tuple((h["level"], regex.compile(r"[ \t\u3000]*(?:" + h["pattern"] + ")")) for h in data["headings"]),
        max_heading_chars=int(data["max_heading_chars"]),
        plain_words=tuple(data["plain_heading"]["words"]),
        plain_max=int(data["plain_heading"]["max_chars"]),
        sentence_end=data["sentence_end"],
        clause_end=data["clause_end"],
        report_types=tuple((k, tuple(v)) for k, v in data["report_types"].items()),
        report_type_hints=tuple((k, tuple(v)) for k, v in (data.get("report_type_hints") or {}).items()),
        title_words=tuple(data["title"]["words"]),
        title_lines=int(data["title"]["title_lines"]),
        unit_name=regex.compile(data["unit_prefix"] + r"[\p{Han}]{1,20}?(?:" + suffixes + ")"),
        unit_tail=regex.compile(r"[\p{Han}]{1,10}?(?:" + suffixes + ")"),
        sentence_split=regex.compile("[" + regex.escape(data["sentence_end"]) + "]+[" + regex.escape(_CLOSERS + data["sentence_end"]) + "]*"),
        clause_left=regex.compile("(?r)[^" + regex.escape(data["clause_end"] + data["sentence_end"]) + "\n]*"),
        clause_right=regex.compile("[^" + regex.escape(data["clause_end"] + data["sentence_end"]) + "\n]*"),
        event_before=_optional(event.get("before")),
        event_after=_optional(event.get("after")),
        year_line=_optional(data.get("year_line")),
        accounts_year=_optional(data.get("accounts_year")),
        compared_year=_optional(data.get("compared_year")),
        budget_words=tuple((data.get("budget_document") or {}).get("words") or ()),
        budget_not=tuple((data.get("budget_document") or {}).get("not") or ()),
    )


def _optional(pattern: str | None) -> regex.Pattern | None:
    return regex.compile(pattern) if pattern else None


@lru_cache(maxsize=1)
def _default_layout() -> Layout:
    return load_layout()


def heading_level(line: str, layout: Layout) -> int | None:
    """The heading level of a line, or None for prose.

    >>> heading_level("（一）部门基本情况", load_layout())
    2
    >>> heading_level("1、拟订征地方案；", load_layout()) is None
    True
    >>> heading_level("基本支出情况", load_layout())
    9
    >>> heading_level("73 |", load_layout()) is None
    True
    """
    body = line.strip()
    return _heading_level(body, layout) if body else None


def _heading_level(body: str, layout: Layout) -> int | None:
    """``heading_level`` of a stripped, non-empty line."""
    short = len(body) <= layout.max_heading_chars
    if not short and len(body) > layout.plain_max:
        return None  # too long for either kind: a marker would give None too
    return _short_heading_level(body, short, layout, _stops(layout.sentence_end), _markers(layout.headings))


def _short_heading_level(body: str, short: bool, layout: Layout, stops: regex.Pattern,
                         markers: regex.Pattern | None) -> int | None:
    """``_heading_level`` of a line short enough for one kind (``short``: for a marked heading);
    ``stops`` and ``markers`` are the layout's (``_stops``, ``_markers``), looked up once a document."""
    if body[-1] in "；;，,、：:" or stops.search(body, 0, len(body) - 1):
        return None
    level = _marked_level(body, layout.headings, markers)
    if level is not None:
        if not _HAN_TWIN.search(body):
            return None  # 73 | — a figure cell on its own line, not a numbered heading
        return level if short else None
    if (
        len(body) <= layout.plain_max
        and not _sentence_marks(layout.sentence_end).search(body)
        and body.endswith(layout.plain_words)
    ):
        return PLAIN_HEADING_LEVEL
    return None


def _marked_level(body: str, headings: tuple[tuple[int, regex.Pattern], ...], markers: regex.Pattern | None) -> int | None:
    """The level of the first heading marker the line opens with, or None: one match of ``markers``
    (group k is marker k) where there is one, else each marker in turn."""
    if markers is None:
        return next((level for level, marker in headings if marker.match(body, None, None, False)), None)
    m = markers.match(body, None, None, False)
    return None if m is None else headings[m.lastindex - 1][0]


@lru_cache(maxsize=4)
def _markers(headings: tuple[tuple[int, regex.Pattern], ...]) -> regex.Pattern | None:
    """The heading markers as one pattern, marker k its group k, or None where they cannot be joined
    (a marker with groups or flags of its own). An alternation tried at one place takes its first
    alternative that matches — what trying the markers one by one in their order gives.

    >>> layout = load_layout()
    >>> _markers(layout.headings).match("（一）部门基本情况").lastindex
    3
    """
    plain = regex.compile("").flags
    if not headings or any(marker.groups or marker.flags != plain for _, marker in headings):
        return None
    return regex.compile("|".join(f"({marker.pattern})" for _, marker in headings))


@lru_cache(maxsize=4)
def _stops(sentence_end: str):
    """Any sentence end (one search, not one ``in`` per character), as its ``re`` twin (the same
    match: pipeline/proptwin.py), which skips to a set's characters for less than ``regex``."""
    return property_twin(regex.compile("[" + regex.escape(sentence_end) + "]"))


def segment(document: Document, layout: Layout | None = None) -> list[Sentence]:
    """Split a document into headings, table rows and sentences, each with its offsets.

    A line break always ends a sentence; table rows are one sentence each (kind ``row``).
    """
    layout = layout or load_layout()
    text = document.text
    doc = document.doc
    table_spans = sorted((t.start, t.end) for t in document.tables)
    table_starts = [s for s, _ in table_spans]
    stack: list[tuple[int, str]] = []
    section = ""  # the titles of the stack joined: computed when a heading changes it, not per sentence
    pieces: list[tuple] = []  # (section, start, end, text, kind), made Sentences at the end
    add = pieces.append
    shapes = _shapes(layout)
    stops, markers = _stops(layout.sentence_end), _markers(layout.headings)  # looked up once a document
    end = -1
    for line in text.split("\n"):
        start = end + 1
        end = start + len(line)
        shape = shapes.get(line)
        if shape is None:
            shape = _shape(line, layout, stops, markers)
            if len(shapes) >= _SHAPES_KEPT:
                shapes.clear()
            shapes[line] = shape
        if shape is _BLANK:
            continue
        kind, lead, body, more = shape  # more: the heading's level, or the prose line's sentences
        lead += start
        if table_starts:
            i = bisect_right(table_starts, start) - 1
            if i >= 0 and table_spans[i][0] <= start < table_spans[i][1]:
                add((section, lead, lead + len(body), body, "row"))  # the line's text: its stripped body
                continue
        if kind == "heading":
            while stack and stack[-1][0] >= more:
                stack.pop()
            stack.append((more, body))
            section = " > ".join(title for _, title in stack)
            add((section, lead, lead + len(body), body, "heading"))
        elif kind == "row":
            add((section, lead, lead + len(body), body, "row"))
        else:
            for at, sentence in more:  # the line's sentences: (offset in the line, text)
                at += start
                add((section, at, at + len(sentence), sentence, "prose"))
    return _sentences(doc, pieces)


def _shape(line: str, layout: Layout, stops: regex.Pattern, markers: regex.Pattern | None):
    """What a line is, whatever its place: _BLANK, or (kind, offset of its stripped body, the body,
    the heading level for kind ``heading`` / its sentences as (offset, text) for kind ``prose``).
    Only the line's own characters decide it (the markers and table patterns read the body alone,
    the sentence ends are a set of characters with no lookaround: rules/document.yaml through
    load_layout), so lines met again — a report's headings and wording recur — are read once.
    ``stops`` and ``markers``: the layout's (``_stops``, ``_markers``)."""
    body = line.strip()
    if not body:
        return _BLANK
    lead = len(line) - len(line.lstrip())
    if "\t" in body or _tabular(body):
        return "row", lead, body, None
    short = len(body) <= layout.max_heading_chars
    level = _short_heading_level(body, short, layout, stops, markers) \
        if short or len(body) <= layout.plain_max else None
    if level is not None:
        return "heading", lead, body, level
    sentences, pos = [], 0
    stops = [m.end() for m in _sentence_split(layout).finditer(line)]
    stops.append(len(line))
    for stop in stops:
        if stop <= pos:
            continue  # the line's end, where the last sentence end already stood
        piece = line[pos:stop]
        sentence = piece.strip()  # str.strip drops what str.isspace says
        if sentence:
            sentences.append((pos + len(piece) - len(piece.lstrip()), sentence))
        pos = stop
    return "prose", lead, body, tuple(sentences)


_BLANK = ()  # the shape of a line of spaces


@per_object(limit=4)
def _sentence_split(layout: Layout):
    """The layout's sentence split as its ``re`` twin (the same matches: pipeline/proptwin.py), which
    skips to the sentence ends for less than ``regex`` asking its set of every character."""
    return property_twin(layout.sentence_split)


@per_object(limit=1)
def _shapes(layout: Layout) -> dict:
    """The layout's line → shape memo (a new one when the layout changes)."""
    return {}


_SHAPES_KEPT = 4096  # lines remembered at most (then the memo starts again): ≈ 1.2 KB a line, ≈ 5 MB full


def _sentences(doc: str, pieces: list[tuple]) -> list[Sentence]:
    """The Sentences of ``pieces`` ((section, start, end, text, kind), in order; ``index`` their place),
    built by ``model.builder`` (a frozen dataclass's ``__init__`` was a third of segment's cost)."""
    make = _new_sentence
    return [make(doc, sec, index, s, e, body, kind) for index, (sec, s, e, body, kind) in enumerate(pieces)]


_new_sentence = builder(Sentence)


_HAN = regex.compile(r"\p{Han}")  # compiled once: heading_level runs on every line
_HAN_TWIN = property_twin(_HAN)  # its re twin (\p{Han} spelled out): the same match
# a cell separator between two cells; the lookbehind (not a leading \S) lets the engine skip to
# the next space, tab or | instead of trying the pattern at every character (10x faster)
_TABULAR = regex.compile(r"(?<=\S)(?:[ \u3000]{2,}|\t|[ \u3000]*[|｜][ \u3000]*)[^\s|｜]")
# what _TABULAR's separator holds at least: two spaces (of either width), a tab or a bar
_SEPARATORS = ("  ", " \u3000", "\u3000 ", "\u3000\u3000", "\t", "|", "｜")
# whether a line holds one of them: one re search (it skips to their first characters), not one ``in`` each
_SEPARATOR_SCAN = re.compile("|".join(map(re.escape, _SEPARATORS)))


@lru_cache(maxsize=4)
def _sentence_marks(sentence_end: str) -> re.Pattern:
    """Any sentence end, comma or semicolon (what a plain heading holds none of): one ``re`` search,
    not one ``in`` a character."""
    return re.compile("[" + re.escape(sentence_end + "，,；;") + "]")


def _looks_tabular(line: str) -> bool:
    """A line of cells separated by runs of spaces, tabs or | (a flattened web table), with no
    sentence punctuation."""
    return _tabular(line.strip())


def _tabular(body: str) -> bool:
    """``_looks_tabular`` of a stripped line: the punctuation and the separators asked first (str
    methods), the pattern only where both allow it."""
    return not ("。" in body or "，" in body or "；" in body) and _SEPARATOR_SCAN.search(body) is not None \
        and bool(_TABULAR.search(body, None, None, False))


def sections(sentences: list[Sentence]) -> list[Section]:
    """The headings found by :func:`segment`, each with the span it governs."""
    heads = [s for s in sentences if s.kind == "heading"]
    end_of_doc = sentences[-1].end if sentences else 0
    out = []
    for i, head in enumerate(heads):
        level = len(head.section.split(" > ")) if head.section else 1
        end = end_of_doc
        for later in heads[i + 1:]:
            later_level = len(later.section.split(" > ")) if later.section else 1
            if later_level <= level:
                end = later.start
                break
        out.append(Section(level, head.text, head.start, end))
    return out


def clause_span(text: str, pos: int, layout: Layout | None = None) -> tuple[int, int]:
    """The clause of ``text`` around position ``pos`` (clause ends: rules/document.yaml).

    >>> clause_span("甲1，乙2；丙3", 3)
    (3, 5)
    """
    layout = layout or _default_layout()
    left = layout.clause_left.match(text, 0, pos, False)
    right = layout.clause_right.match(text, pos, None, False)
    return left.start(), right.end()


def read_meta(document: Document, layout: Layout | None = None) -> DocMeta:
    """Unit name, fiscal year and report type from the title and opening lines."""
    layout = layout or load_layout()
    text = document.text
    opening = layout.title_lines * 4  # the lines looked at: the text is split no further
    head_lines = [ln.strip() for ln in text.split("\n", opening)[:opening] if ln.strip()][: layout.title_lines]
    title = next((ln for ln in head_lines if any(map(ln.__contains__, layout.title_words))), "")
    whole_title = _whole_title(title, head_lines, layout)
    report_type = _report_type(whole_title, layout) or _report_type(text[:3000], layout) \
        or _report_type(text[:3000], layout, layout.report_type_hints) \
        or _report_type(whole_title, layout, layout.report_type_hints)
    year, year_source = None, "none"
    if title and (years := year_mentions(title)):
        year, year_source = years[0][1], "title"
    else:
        mentions = year_mentions(text)
        # a year that dates an event or a filing (填报日期：2022年7月16日), or that a figure is compared with
        # (同口径比2018年减少830万元), is no candidate, unless it is the only kind
        counts = Counter(y for at, y in mentions if not dates_an_event(text, at, layout)
                         and not _compared(text, at, layout)) \
            or Counter(y for _, y in mentions)
        if counts:
            # of two years named equally often, the one whose final accounts are stated, then the later
            accounts = {y for at, y in mentions if layout.accounts_year is not None
                        and layout.accounts_year.match(text[at + 4:at + 40], None, None, False) is not None}
            year, year_source = max(counts.items(), key=lambda kv: (kv[1], kv[0] in accounts, kv[0]))[0], "text"
        elif dates := [int(m.group("y") or m.group("y2")) for m in _DATE_SCAN.finditer(text)]:
            # no 2023年 anywhere (a news page: 今年以来…): the year of its earliest date (发布日期 2018-05-04)
            year, year_source = min(dates), "date"
    unit, unit_source = _unit_from_title(title, layout), "title"
    if not unit and title:  # the name on its own line above the title
        above = head_lines[: head_lines.index(title)]
        unit = next((ln for ln in reversed(above) if layout.unit_name.fullmatch(ln, None, None, False)), None)
    if not unit:
        unit, unit_source = _unit_from_text(text, layout), "text"
    if not unit:
        unit_source = "none"
    opening_text = "\n".join(head_lines[:2])  # the title, or the page's first lines where it has none
    money_basis = Basis.BUDGET if any(map(opening_text.__contains__, layout.budget_words)) \
        and not any(map(opening_text.__contains__, layout.budget_not)) else None
    return DocMeta(unit, year, report_type, unit_source, year_source, money_basis=money_basis)


def _whole_title(title: str, head_lines: list[str], layout: Layout) -> str:
    """The title with the line before it when the title line is only its last words (a title broken
    across two lines: **县2023年度中央水利发展资金 / 绩效自评报告)."""
    if not title or not title.startswith(layout.title_words):
        return title
    at = head_lines.index(title)
    return head_lines[at - 1] + title if at else title


def _report_type(text: str, layout: Layout, types=None) -> str | None:
    for name, words in types if types is not None else layout.report_types:
        if any(map(text.__contains__, words)):
            return name
    return None


_TITLE_CUT = regex.compile(r"(?:部门|单位)?(?:整体支出|项目支出|预算|绩效|部门).*$")
_TITLE_YEAR = regex.compile(r"(?:附件[0-9一二三四五六七八九十]*\s*)?(?:(?:19|20)[0-9]{2}年度?)")


def _unit_from_title(title: str, layout: Layout) -> str | None:
    if not title:
        return None
    name = _TITLE_CUT.sub("", title, 0, None, None, False)
    name = _TITLE_YEAR.sub("", name, 0, None, None, False).strip(" \t\u3000:：")
    m = layout.unit_name.fullmatch(name, None, None, False)
    return name if m else None


def _unit_from_text(text: str, layout: Layout) -> str | None:
    """The unit name the opening of the report uses, scored by how often its own name recurs."""
    window = text[:6000]
    names = Counter()
    tail = property_twin(layout.unit_tail).match  # its re twin: the same match at a place, for less
    for start, end in _unit_spans(layout.unit_name, window):
        name = window[start:end]
        names[name] += 1
        # 株洲市自然资源和规划局 may be the start of 株洲市自然资源和规划局征地事务中心
        if longer := tail(window, end):
            names[name + longer.group(0)] += 1
    if not names:
        return None

    def score(name: str) -> tuple[int, int]:
        return (text.count(_without_place(name)), len(name))

    best = max(names, key=score)
    fuller = [n for n in names if n.startswith(best) and n != best and score(n)[0] >= 2]
    best = max(fuller, key=len) if fuller else best
    return best if score(best)[0] >= 2 else None


def _unit_spans(pattern: regex.Pattern, text: str) -> list[tuple[int, int]]:
    """``pattern.finditer``'s spans, found for less: its lead scan (a name starts after a character
    its lookbehinds accept, pipeline/proptwin.py) or else its ``re`` twin."""
    scan = lead_scan(pattern)
    if scan is not None:
        return scan.spans(text)
    return [m.span() for m in property_twin(pattern).finditer(text)]


_PLACE = regex.compile(r"^(?:[\p{Han}]{2,4}?(?:省|自治区|市|州|盟|县|区|旗))+")


def _without_place(name: str) -> str:
    """A unit name without its place prefix: how a report refers to itself (市征收安置事务中心).

    >>> _without_place("长沙市望城区征地服务中心")
    '征地服务中心'
    """
    return _PLACE.sub("", name, 0, None, None, False) or name


_DATE = regex.compile(r"(?<![0-9])(?:(?P<y>(?:19|20)[0-9]{2})[-/.][01]?[0-9][-/.][0-3]?[0-9]"
                      r"|[0-3]?[0-9][.][01]?[0-9][.](?P<y2>(?:19|20)[0-9]{2}))(?![0-9])")
# its re twin (pipeline/figscan.py: the same matches, for half the instructions; the year of a
# day-first date is group y2, re allowing a name once): scanned over a whole page without a YYYY年
_DATE_SCAN = twin(_DATE)


def year_mentions(text: str) -> list[tuple[int, int]]:
    """(offset, year) of each ``YYYY年`` in a text.

    >>> year_mentions("2023年度比２０２４年")
    [(0, 2023), (7, 2024)]
    """
    if _YEAR_WORD not in text:
        return []  # most clauses before a figure name no year: no scan
    return [(m.start(), int(m.group(1).translate(_FULLWIDTH))) for m in _YEAR.finditer(text, None, None, False, False)]


def _compared(text: str, at: int, layout: Layout) -> bool:
    """Whether the year written at ``at`` is the base of a comparison (比2018年减少, 与2019年相比): another
    year's, named because the report's own figures are set against it.

    >>> _compared("同口径比2018年减少830万元", 4, load_layout()), _compared("2019年预算3328万元", 0, load_layout())
    (True, False)
    """
    return layout.compared_year is not None and layout.compared_year.search(text, max(0, at - 6), at, False) is not None


def dates_an_event(text: str, at: int, layout: Layout | None) -> bool:
    """Whether the year written at ``at`` (YYYY年) dates an event, not a period: 成立于1958年.

    >>> dates_an_event("我局成立于1958年，设17个内设机构", 5, load_layout())
    True
    >>> dates_an_event("我局2020年设17个内设机构", 2, load_layout())
    False
    >>> dates_an_event("我局2003年组建，设17个内设机构", 2, load_layout())
    True
    """
    if layout is None:
        return False
    if layout.event_before is not None and layout.event_before.search(text, max(0, at - 8), at, False):
        return True
    # the pattern is anchored (^年…): matched on the text from the 年 on, not at an offset of the whole
    return layout.event_after is not None and layout.event_after.match(text[at + 4:at + 40], None, None, False) is not None
