"""The plain data types passed between pipeline stages, and nothing else.

Every stage takes and returns these frozen dataclasses; dicts with magic keys stay
at the YAML and database edges. Offsets (``start``/``end``) are always character
offsets into ``Document.text``.
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter


class Kind(StrEnum):
    """What a fact states about its metric. A StrEnum: equal to its value ("level" …), which is
    what the database stores."""

    LEVEL = "level"  # the report year's own figure
    TARGET = "target"  # a plan, task or goal of the year (计划征地1500亩, 指标值≥95%)
    PLAN = "plan"  # a later year's figure
    PRIOR = "prior"  # an earlier year's figure
    CHANGE = "change"  # a change on the previous year (比上年增加61户)
    SHARE = "share"  # a part's share of a whole (占基本支出的87.6%)
    PART = "part"  # one item of a listed total (其中人员经费…)
    TOTAL = "total"  # a total closing its own list (…，合计196.4万元)
    SUB = "sub"  # a sub-area's, sub-unit's or one period's figure (pipeline/scope.py)


class Basis(StrEnum):
    """Whether an amount is a budget (预算, adjusted budgets included) or an actual (决算/实际)."""

    BUDGET = "budget"
    ACTUAL = "actual"


OPEN = ".open"  # rule_id suffix of the parts of a list the text ends in: the list may go on, its sum is not checked

@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its text is ``Document.text[start:end]``."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Table:
    """A table as it stands in ``Document.text``: rows of cells, one text line per row.

    ``rows`` keeps the cell grid (a merged cell appears once, in its first row/column).
    """

    start: int
    end: int
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True, slots=True)
class OcrSpan:
    """A piece of ``Document.text`` read by OCR: how sure the engine was (0–1) and its page (1-based)."""

    start: int
    end: int
    confidence: float
    page: int


@dataclass(frozen=True, slots=True)
class Document:
    """A report read into text. ``doc`` (the file name) is the key everywhere."""

    doc: str
    path: str
    kind: str  # the format actually read: txt | docx | pdf | html | image
    text: str
    sha256: str
    size: int = 0
    tables: tuple[Table, ...] = ()
    encoding: str | None = None  # txt only: utf-8, utf-8-sig, gb18030, utf-16
    pages: int | None = None  # pdf only
    warnings: tuple[str, ...] = ()  # readable but suspicious (e.g. some cid junk)
    ocr: str | None = None  # the OCR engine that read (some of) the text; None: no OCR
    ocr_spans: tuple[OcrSpan, ...] = ()  # the OCR'd pieces, in text order (pipeline/readers/scan.py)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the text span it governs (up to the next heading of the same or higher level)."""

    level: int
    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or a table row / form line) with offsets into the document text."""

    doc: str
    section: str  # innermost heading title, "" before the first heading
    index: int
    start: int
    end: int
    text: str
    kind: str = "prose"  # prose | heading | row (a table row or tabular line)


@dataclass(frozen=True, slots=True)
class DocMeta:
    """What a report says (or catalog.csv says) about itself."""

    unit: str | None
    year: int | None
    report_type: str | None  # 整体支出 | 项目支出 | None
    unit_source: str = "none"  # title | text | catalog | none
    year_source: str = "none"
    unit_key: str | None = None  # canonical unit after alias resolution
    money_basis: Basis | None = None  # budget for a budget document: its amounts with no basis word are budgets


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure read from text, in the canonical unit of metrics.yaml.

    ``step`` is the value of one unit in the last stated digit (365.5万元 → 1000 yuan):
    the rounding a check may allow for.
    """

    value: Decimal
    unit: str
    approx: bool
    raw: str
    step: Decimal
    qualifier: str | None = None  # 余 近 约 左右 以上 多 超过 …


@dataclass(frozen=True, slots=True)
class Rule:
    """One extraction rule compiled from rules/*.yaml."""

    id: str
    metric: str | None
    pattern: object  # a compiled ``regex`` pattern
    source: str  # "rules/land.yaml#3"
    kind: Kind = Kind.LEVEL  # level | change | share | part
    qualifier: str | None = None
    basis: Basis | None = None  # fixed basis, or None to read it from context
    inherits: bool = False  # take the metric of the preceding fact in the sentence
    require: tuple[str, ...] = ()  # words that must stand in the figure's clause
    forbid: tuple[str, ...] = ()  # words that must not stand in the figure's clause
    require_sentence: tuple[str, ...] = ()
    forbid_sentence: tuple[str, ...] = ()
    forbid_pattern: object | None = None  # a compiled pattern the sentence must not match
    require_before: tuple[str, ...] = ()  # words one of which stands before the figure in its sentence
    forbid_before: tuple[str, ...] = ()  # words that must not stand before the figure in its sentence
    report_types: tuple[str, ...] = ()  # only in reports of these types (项目支出 / 整体支出)
    anchors: tuple[str, ...] = ()  # every match contains one: the pattern runs only around them
    forbid_item: object | None = None  # a pattern: a line that opens with it is about one budget item
    unit_map: tuple[tuple[str, str], ...] = ()  # surface unit → canonical unit override
    whole_word: bool = False  # the label must start and end on jieba word boundaries
    project_report_metric: str | None = None  # what an unnamed amount is in a 项目支出 report
    also: tuple[str, ...] = ()  # further metrics the same figure states (收、支总计: income and spending)
    priority: int = 0  # among rules reading the same figure, the highest wins
    examples: tuple[tuple[tuple[str, object], ...], ...] = ()
    counterexamples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FigureContext:
    """Where a figure stands in its sentence, worked out once per hit (offsets into ``text``):
    the context checks, the basis and the period all read it instead of finding clauses again."""

    text: str  # the sentence
    fig: int  # the figure's start
    lead: int  # where the reading starts: the label's start or the figure's, whichever is first
    clause_start: int  # the clause (or clauses) holding the label and the figure
    clause_end: int
    fig_clause_start: int  # the start of the figure's own clause: its basis is read from there


@dataclass(frozen=True, slots=True)
class Match:
    """A rule's hit inside one sentence: the figure span and the label span (document offsets)."""

    rule: Rule
    sentence: Sentence
    start: int  # figure start
    end: int  # figure end
    label_start: int
    label_end: int
    groups: dict = field(default_factory=dict)  # named groups that matched: fig, label, dir …
    context: FigureContext | None = None  # set by the scan; None: worked out when needed


@dataclass(frozen=True, slots=True)
class Fact:
    """One stated figure, normalized, with its provenance."""

    doc: str
    metric: str
    value: Decimal
    unit: str
    kind: Kind  # or its plain value (facts read back from the database)
    approx: bool
    basis: Basis | None
    quote: str  # the sentence it stands in, verbatim
    start: int  # the figure's span in the document text
    end: int
    rule_id: str
    section: str = ""
    sentence_index: int = -1
    raw: str = ""
    qualifier: str | None = None
    relative_to: str | None = None  # share: the whole's metric; change: "previous_year"
    step: Decimal = Decimal(0)
    group: int | None = None  # part: start offset of the total it breaks down
    label: str = ""  # the label text that named the metric
    period: int | None = None  # the year the figure is about, when the text says so
    ocr_confidence: float | None = None  # read by OCR: the engine's lowest confidence under the figure (0–1)


@dataclass(frozen=True, slots=True)
class Finding:
    """An inconsistency shown to auditors, with the facts it rests on."""

    doc: str
    check: str  # conflict | sum | ratio | staffing | zero | yoy
    severity: str  # error | warning | info
    metrics: tuple[str, ...]
    message: str  # Simplified Chinese
    stated: Decimal | None
    expected: Decimal | None
    evidence: tuple[Fact, ...]
    rule_id: str = ""
    unit: str | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be read or processed: recorded, and the batch goes on."""

    path: str
    stage: str  # ingest | extract | load | worker
    code: str  # encrypted | scanned | corrupt | encoding | empty | too_large | timeout | …
    message: str  # Simplified Chinese, for auditors
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Mention:
    """A figure with a domain unit, and the metric of the fact that claims it (None: unclaimed)."""

    doc: str
    start: int
    end: int
    value: Decimal
    unit: str
    raw: str
    quote: str
    section: str
    metric: str | None = None


@dataclass(frozen=True, slots=True)
class IndicatorCell:
    """Where one value of an indicator row stands: its role (target, actual, weight, score …), its
    span in ``Document.text`` and, for a .docx/.pdf table, its table / row / column (else None)."""

    role: str
    start: int
    end: int
    table: int | None = None
    row: int | None = None
    col: int | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    """One row of a self-evaluation table (绩效自评表): names, target, actual, weight and score.

    ``target_value`` / ``actual_value`` are in ``target_unit`` / ``actual_unit`` (canonical where
    units.yaml knows the unit: 95% → 0.95 ratio); None when the cell is qualitative (达成预期指标),
    whose text is kept. ``block``: execution | output | cost | effect | satisfaction | None.
    """

    doc: str
    position: int  # the row's order among the document's indicators
    block: str | None
    level1: str
    level2: str
    level3: str
    target_text: str
    target_op: str | None  # ge gt le lt eq, or None
    target_value: Decimal | None
    target_unit: str
    actual_text: str
    actual_value: Decimal | None
    actual_unit: str
    weight: Decimal | None
    score: Decimal | None
    note: str
    quote: str  # the row, verbatim
    start: int
    end: int
    layout: str  # grid | lines | runon | prose | execution
    cells: tuple[IndicatorCell, ...] = ()


@dataclass(frozen=True, slots=True)
class SelfGrade:
    """The grade a report gives itself (评价等级为“优”), normalized to a key of the bands."""

    doc: str
    grade: str  # 优 良 中 差 (rules/indicators.yaml grade.names)
    raw: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one file yields: what the loader writes in one transaction."""

    document: Document
    meta: DocMeta
    facts: tuple[Fact, ...] = field(default_factory=tuple)
    mentions: tuple[Mention, ...] = field(default_factory=tuple)  # every domain quantity (pipeline/attribute.py)
    indicators: tuple[Indicator, ...] = field(default_factory=tuple)  # the self-evaluation table (pipeline/selfeval)
    grade: SelfGrade | None = None  # the grade the report gives itself
    # a part of a long file (pipeline/volumes.py): (index, count); None: the whole file
    part: tuple[int, int] | None = None



# Building the many facts and mentions a report makes. A frozen dataclass's ``__init__`` sets each
# field by ``object.__setattr__`` (≈ 40 K instructions a Fact, ≈ 67 K a ``dataclasses.replace`` of
# one). A slotted one whose slots are its init fields, with no ``__post_init__``, no default factory
# and no keyword-only field, is built the same by a function of the same signature (the same
# defaults, the same objects) that sets each slot through its descriptor: half the instructions.
# Any other class is built by the class itself, so what it checks is still checked.

def basis_class(f: Fact) -> str:
    """budget, or actual (a figure that does not say is what was spent): how checks and scope compare
    two figures' bases."""
    return "budget" if f.basis == "budget" else "actual"


def builder(cls):
    """A callable with ``cls``'s signature giving what ``cls(...)`` gives (eq, repr, hash, pickle,
    still frozen): the slot-setting function where the class allows it, else the class."""
    return (_SPECS.get(cls) or _spec_of(cls))[3]


def replaced(obj, **changes):
    """``dataclasses.replace(obj, **changes)`` for a dataclass whose fields are all init fields
    (≈ 2× cheaper: the fields read by one ``attrgetter``, the object built by ``builder``'s)."""
    cls = type(obj)
    names, get, where, make = _SPECS.get(cls) or _spec_of(cls)
    values = list(get(obj)) if len(names) > 1 else [get(obj)]
    for name, value in changes.items():  # the changed fields set by their place, not every field asked
        at = where.get(name)
        if at is None:
            raise TypeError(f"{cls.__name__} has no init field {name!r}")
        values[at] = value
    return make(*values)


def _spec_of(cls) -> tuple:
    """What ``builder`` and ``replaced`` need of a dataclass, remembered per class: its init field
    names, one getter of them all, each name's place, and the builder."""
    every = fields(cls)
    names = tuple(f.name for f in every if f.init)
    by_slots = names == tuple(f.name for f in every) == tuple(getattr(cls, "__slots__", ())) \
        and not hasattr(cls, "__post_init__") and cls.__new__ is object.__new__ \
        and all(not f.kw_only and not f.name.startswith("_") for f in every)
    make = _slot_builder(cls, every) if by_slots else cls
    _SPECS[cls] = names, attrgetter(*names), {n: i for i, n in enumerate(names)}, make
    return _SPECS[cls]


def _slot_builder(cls, every) -> object:
    """The function ``def build_<cls>(a, b, c=<c's default>, …)`` setting each slot by its
    descriptor's ``__set__`` (written out and compiled once, as dataclasses writes ``__init__``, a
    field's default factory called where it is not given; the helpers' names start with ``_``,
    which no field's name does)."""
    scope = {"_new": object.__new__, "_cls": cls, "_FACTORY": _FACTORY}
    params, sets = [], []
    for i, f in enumerate(every):
        scope[f"_set{i}"] = getattr(cls, f.name).__set__
        value = f.name
        if f.default_factory is not MISSING:
            scope[f"_factory{i}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            value = f"_factory{i}() if {f.name} is _FACTORY else {f.name}"
        elif f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        sets.append(f"    _set{i}(_obj, {value})")
    lines = [f"def build_{cls.__name__}({', '.join(params)}):", "    _obj = _new(_cls)"] + sets
    lines.append("    return _obj")
    exec("\n".join(lines), scope)  # noqa: S102 -- our own text, from the class's field names
    return scope[f"build_{cls.__name__}"]


_SPECS: dict[type, tuple] = {}
_FACTORY = object()  # a field with a default factory not given (as dataclasses' own sentinel)
new_fact = builder(Fact)  # Fact(...), as cheap as it can be
new_mention = builder(Mention)
