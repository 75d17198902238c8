"""speed22 (fact22): facts and mentions built by setting their slots, regex groups read by number,
the clause's start read alone — each gives what the plain code gives.

The plain code is the reference: the class's own ``__init__``, ``dataclasses.replace``, a group
read by its name, ``clause_span(...)[0]``; run on varied values, the real sets' pages and the edges
(defaults left out, positional and keyword calls, a missing or unknown field, a ``__post_init__``).
"""
from __future__ import annotations

import dataclasses
import pickle
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import read_document
from pipeline.model import Basis, Cell, Fact, Kind, Match, Mention, Quantity, builder, new_fact, new_mention, replaced

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(ROOT.glob("tests/cases/real/*/docs/*"))

FACT = dict(doc="r.txt", metric="staff", value=Decimal("42"), unit="person", kind=Kind.LEVEL, approx=False,
            basis=None, quote="人员编制42人。", start=4, end=7, rule_id="staff.1")
FULL = dict(FACT, section="一、总体", sentence_index=3, raw="42人", qualifier="在编", relative_to="previous_year",
            step=Decimal("0.01"), group=2, label="人员编制", period=2019, ocr_confidence=0.9, kind=Kind.PART,
            basis=Basis.BUDGET, approx=True)


def _same(got, want):
    assert type(got) is type(want)
    assert got == want and repr(got) == repr(want) and hash(got) == hash(want)
    assert pickle.loads(pickle.dumps(got)) == want and pickle.loads(pickle.dumps(want)) == got
    for f in dataclasses.fields(want):  # the very values: defaults are the class's own objects
        assert getattr(got, f.name) is getattr(want, f.name), f.name


def test_the_fast_path_is_taken_for_fact_and_mention():
    assert new_fact is not Fact and new_mention is not Mention
    assert builder(Fact) is new_fact and builder(Cell) is not Cell  # Cell: slotted, no __post_init__


@pytest.mark.parametrize("fields", [FACT, FULL, dict(FACT, value=Decimal("-0.5"), metric="", quote=""),
                                    dict(FACT, step=Decimal("1E+4"), period=None, group=0)])
def test_a_fact_built_is_the_class_s_fact(fields):
    want = Fact(**fields)
    _same(new_fact(**fields), want)
    _same(new_fact(*fields.values()), Fact(*fields.values()))  # positional, in the fields' order
    with pytest.raises(dataclasses.FrozenInstanceError):
        new_fact(**fields).start = 5  # still frozen
    with pytest.raises(dataclasses.FrozenInstanceError):
        del new_fact(**fields).metric


def test_the_defaults_are_the_class_s_defaults():
    got, want = new_fact(**FACT), Fact(**FACT)
    assert got.step is want.step and got.section == "" and got.sentence_index == -1 and got.group is None
    five = ("r.txt", 1, 3, Decimal(5), "mu", "5亩", "种植5亩。", "一、")
    _same(new_mention(*five), Mention(*five))
    _same(new_mention(*five, metric="land"), Mention(*five, "land"))


def test_a_call_the_class_refuses_is_refused():
    missing = {k: v for k, v in FACT.items() if k != "rule_id"}
    for bad in (lambda make: make(**missing), lambda make: make(**FACT, colour="red"),
                lambda make: make("r.txt", **FACT), lambda make: make(*range(25))):
        with pytest.raises(TypeError):
            bad(Fact)
        with pytest.raises(TypeError):
            bad(new_fact)


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:  # a __post_init__ of its own: built by the class, so it still runs
    a: int
    b: int = 0

    def __post_init__(self):
        if self.a < 0:
            raise ValueError("a < 0")


@dataclasses.dataclass(frozen=True, slots=True)
class _Listed:  # a default factory: each object gets its own list (the slot builder calls the factory)
    a: int
    items: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class _Plain:  # no slots: the class builds it
    a: int
    b: str = "x"


def test_classes_the_fast_path_cannot_serve_are_built_by_the_class():
    assert builder(_Checked) is _Checked and builder(_Plain) is _Plain
    with pytest.raises(ValueError):
        builder(_Checked)(-1)
    assert replaced(_Checked(1, 2), b=3) == _Checked(1, 3)
    with pytest.raises(ValueError):
        replaced(_Checked(1, 2), a=-1)  # the __post_init__ runs on the copy too
    assert replaced(_Plain(1), b="y") == _Plain(1, "y")


def test_a_default_factory_is_called_for_each_object_the_slot_builder_builds():
    assert builder(_Listed) is not _Listed and builder(Match) is not Match  # served by their slots
    assert builder(_Listed)(1) == _Listed(1) and builder(_Listed)(1, [2]).items == [2]
    first, second = builder(Match)(None, None, 1, 2, 0, 1), builder(Match)(None, None, 1, 2, 0, 1)
    assert first == Match(None, None, 1, 2, 0, 1) and first.groups == {} and first.groups is not second.groups
    assert builder(_Listed)(1).items is not builder(_Listed)(1).items
    assert replaced(_Listed(1, [2]), a=3) == _Listed(3, [2])


@pytest.mark.parametrize("changes", [{}, {"kind": Kind.PART}, {"kind": Kind.SUB, "group": 3},
                                     {"metric": "x", "basis": Basis.ACTUAL, "label": "其中"},
                                     {"value": Decimal(0), "start": 9, "end": 11, "raw": "0", "step": Decimal(1)}])
def test_replaced_is_replace(changes):
    for fact in (Fact(**FACT), Fact(**FULL)):
        _same(replaced(fact, **changes), dataclasses.replace(fact, **changes))
    mention = Mention("r.txt", 1, 3, Decimal(5), "mu", "5亩", "种植5亩。", "一、")
    _same(replaced(mention, metric="land"), dataclasses.replace(mention, metric="land"))
    q = Quantity(Decimal(3), "yuan", False, "3元", Decimal(1))
    _same(replaced(q, unit="point"), dataclasses.replace(q, unit="point"))
    _same(replaced(Cell(1, 2), end=5), Cell(1, 5))
    with pytest.raises(TypeError):
        replaced(Fact(**FACT), colour="red")  # a name that is no field: refused, as replace does


# groups by number --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def texts():
    out = []
    for path in PAGES:
        try:
            out.append(read_document(path).text)
        except IngestError:
            continue
    assert len(out) > 100
    return out


def test_numbers_are_the_pattern_s_groupindex_remembered(ruleset):
    from pipeline.groups import numbers

    assert numbers(ruleset.figure) == ruleset.figure.groupindex and numbers(ruleset.figure) is numbers(ruleset.figure)
    assert {"fig", "u"} <= set(numbers(ruleset.figure))


def test_a_group_read_by_number_is_the_group_read_by_name(ruleset, texts):
    from pipeline.groups import numbers

    rows = ruleset.fundrows
    patterns = [ruleset.figure] + [p for p in (rows.glued, rows.pair_label, rows.score_heading) if p is not None]
    assert len(patterns) == 4
    seen = dict.fromkeys(range(len(patterns)), 0)
    for text in texts + ["", "预算数 6.84 执行数 6.84", "年度资金总额1.561.56120", "总分 100分 得分96分"]:
        for i, pattern in enumerate(patterns):
            groups = numbers(pattern)
            for m in pattern.finditer(text):
                for name, number in groups.items():
                    assert m.span(number) == m.span(name) and m.group(number) == m.group(name), (name, text[:40])
                    assert m.start(number) == m.start(name) and m.end(number) == m.end(name)
                seen[i] += 1
    assert seen[0] > 1000 and seen[1] + seen[2] > 0


def test_the_clause_start_alone_is_the_clause_span_s_start(ruleset, texts):
    from pipeline.extraction.context import clause_start_at
    from pipeline.segment import clause_span

    layout = ruleset.layout
    for text in texts[::5] + ["", "，", "甲1，乙2；丙3", "比上年增加（其中，省级）5万元"]:
        for sentence in text.split("。")[:40]:
            for rel in range(0, len(sentence) + 1, 3):
                at = max(rel - 1, 0)
                assert clause_start_at(sentence, at, layout) == clause_span(sentence, at, layout)[0]
