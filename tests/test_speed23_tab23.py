"""round 23 (tab23): the cheaper tests before self-evaluation's readers and extract's table passes
give what the plain code they replaced gives.

Each fast path is checked against the code it replaced (kept here as the reference) on the real
sets' pages, data/raw and strings built to hit the edges.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.holding import least
from pipeline.ingest import read_document
from pipeline.model import Document
from pipeline.reading import read_text
from pipeline.selfeval import vocab as V
from pipeline.selfeval.fragment import _marks, fragment_rows
from pipeline.selfeval.prose import prose_indicators
from pipeline.selfeval.read import read_grade
from pipeline.selfeval.runon import _may_name_rows

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(ROOT.glob("tests/cases/real/*/docs/*")) + sorted((ROOT / "data" / "raw").glob("0*"))


@pytest.fixture(scope="module")
def texts(ruleset):
    """Every real page's original and readable text, and strings built from the header words."""
    out = []
    for path in PAGES:
        try:
            original = read_document(path).text
        except IngestError:
            continue
        out += [original, read_text(original, ruleset.reading).text]
    assert len(out) > 500
    return out + _built(ruleset, 400)


def _built(ruleset, count: int) -> list[str]:
    """Header words, annotations, brackets and whitespace run together at random: words cut by a
    line break or an annotation, annotations cut by a space, brackets that close nothing."""
    vocab = ruleset.indicators
    rng = random.Random(23)
    words = [w for w, _ in vocab.header_words] + list(vocab.grade_labels) + [s for s, _ in vocab.grade_names]
    words += list(vocab.prose_target) + list(vocab.prose_score) + [w for w, _ in vocab.prefix_ops]
    bits = ["(A)", "（B/A）", "(", "）", "( A )", "(xi)", "(abcdef)", "\n", " ", "\t", "\u3000", "\x1c", "95%",
            "，", "得分", "指", "标", "值"]
    out = []
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(1, 30)):
            w = rng.choice(words)
            if rng.random() < 0.4 and len(w) > 1:  # a word cut by a break or an annotation
                k = rng.randint(1, len(w) - 1)
                w = w[:k] + rng.choice(bits) + w[k:]
            pieces.append(w)
            if rng.random() < 0.5:
                pieces.append(rng.choice(bits))
        out.append("".join(pieces))
    return out


# holding: a text holds one of the words exactly when it holds one of the least -----------------

def test_least_words_hold_the_same(ruleset, texts):
    vocab = ruleset.indicators
    lists = [vocab.grade_labels, vocab.prose_target, vocab.prose_score, _marks(vocab.prefix_ops),
             tuple(w for w, r in vocab.header_words if r == "level3"), tuple(w for w, _ in vocab.header_words)]
    lists += [ws for ws in V._header_words(vocab.header_words)[1].values()]
    assert any(len(least(ws)) < len(set(ws)) for ws in lists)  # the shortcut drops words here
    for words in lists:
        assert set(least(words)) <= set(words)
        for text in texts:
            assert any(w in text for w in words) == any(w in text for w in least(words))


# self-evaluation's gates as before ----------------------------------------------------------

def _may_head_before(header_words, min_roles, text):
    bare = V._ANNOTATION.sub("", "".join(text.split()))
    named, words = V._header_words(header_words)
    if not any(word in bare for word in words["level3"] + words["target"]) and not named & {"level3", "target"}:
        return False
    roles = named | {role for role, ws in words.items() if any(w in bare for w in ws)}
    return len(roles) >= min_roles and bool(roles & {"level3", "target"}) and (
        bool(roles & {"weight", "score"}) or {"target", "actual"} <= roles)


def test_may_head_as_before(ruleset, texts):
    vocab = ruleset.indicators
    heads = 0
    for text in texts:
        before = _may_head_before(vocab.header_words, vocab.min_roles, text)
        assert vocab.may_head(text) == before, text[:80]
        heads += before
    assert 30 < heads < len(texts)  # both answers are met


def test_annotation_found_by_its_openings(texts):
    """An annotation opens with one of its brackets: the text holds one exactly when one of the
    per-bracket patterns finds one, and the page's annotations are the same either way."""
    found = 0
    for text in texts + ["(A)", "（A)", "(A）", "((A))", "（A(B)）", "(ABCDEF)", "(×÷)", "( A)"]:
        bare = "".join(text.split())
        whole = [m.span() for m in V._ANNOTATION.finditer(bare)]
        apart = sorted(m.span() for p in V._ANNOTATION_AT for m in p.finditer(bare))
        assert whole == apart, text[:80]
        found += bool(whole)
    assert found > 20


def _grade_before(document, ruleset):
    vocab = ruleset.indicators
    if not any(w in document.text for w in vocab.grade_labels):
        return None
    found = list(vocab.grade_pattern.finditer(document.text))
    found.sort(key=lambda m: m.group("label") not in vocab.own_grade_labels)
    for m in found[:1]:
        return dict(vocab.grade_names)[m.group("grade")], m.group("grade"), m.start("grade"), m.end("grade")
    return None


def test_grade_as_before(ruleset, texts):
    graded = 0
    for n, text in enumerate(texts):
        document = Document(f"d{n}", "x.txt", "txt", text, "")
        got = read_grade(document, ruleset)
        want = _grade_before(document, ruleset)
        assert (got is None) == (want is None), text[:80]
        if want is not None:
            assert (got.grade, got.raw, got.start, got.end) == want
            graded += 1
    assert graded > 10


def test_readers_gates_as_before(ruleset, texts):
    """fragment, prose and run-on rows: the gate's words cut to the least, the same rows."""
    vocab = ruleset.indicators
    names = tuple(w for w, role in vocab.header_words if role == "level3")
    for text in texts:
        assert _may_name_rows(text, vocab) == any(w in text for w in names)
        marks = any(w in text for w in _marks(vocab.prefix_ops))
        if not marks:
            assert fragment_rows("d", text, vocab, ruleset.units) == []
        if not any(w in text for w in vocab.prose_target) or not any(w in text for w in vocab.prose_score):
            assert prose_indicators("d", text, vocab, ruleset.units) == []


# fund rows: the pairs' pattern tried where a pair label starts --------------------------------

def _pair_texts(ruleset, texts, count: int) -> list[str]:
    """The pages, and pair labels with figures, units, colons, bars and breaks run together."""
    rows = ruleset.fundrows
    rng = random.Random(2301)
    labels = [w for w, _ in rows.pair_columns]
    bits = [" ", "\n", "|", "｜", "\t", "：", ":", "（万元）", "(元)", "6.84", "８０", "其中", "x", "，", "计划"]
    built = ["".join(rng.choice(labels + bits) for _ in range(rng.randint(1, 40))) for _ in range(count)]
    return texts + built


def test_pair_matches_as_finditer(ruleset, texts):
    from pipeline.extraction.fundrows import _pair_matches
    rows = ruleset.fundrows
    found = 0
    for text in _pair_texts(ruleset, texts, 3000):
        want = [(m.span(), m.groups()) for m in rows.pair_label.finditer(text)]
        assert [(m.span(), m.groups()) for m in _pair_matches(text, rows)] == want, text[:80]
        found += len(want)
    assert found > 200


# groups read by number: the same groups as by name -------------------------------------------

def test_groups_by_number_as_by_name(ruleset, texts):
    from pipeline.extraction.tables import _COLON_FIG, _COLON_LABEL, _LABEL_COLON
    from pipeline.selfeval.measure import _NUM, _NUMBER, _UNIT
    vocab = ruleset.indicators
    grade = vocab.grade_pattern
    seen = 0
    for text in texts:
        for line in text.split("\n"):
            m = _LABEL_COLON.fullmatch(line)
            if m:
                assert (m.group(_COLON_LABEL), m.span(_COLON_FIG)) == (m.group("label"), m.span("fig"))
                seen += 1
            m = _NUMBER.match(line.strip()[:12])
            if m:
                assert (m.group(_NUM), m.group(_UNIT)) == (m.group("num"), m.group("unit"))
        for m in grade.finditer(text):
            assert m.span(grade.groupindex["grade"]) == m.span("grade")
    assert seen > 100


def test_grade_matches_opening_at_labels(ruleset, texts):
    from pipeline.holding import opening_at
    vocab = ruleset.indicators
    found = 0
    for text in texts + ["自评等级为优秀，评价等级：良", "等级等级为优", "绩效等级评定优"]:
        want = [(m.span(), m.groups()) for m in vocab.grade_pattern.finditer(text)]
        assert [(m.span(), m.groups()) for m in opening_at(vocab.grade_pattern, vocab.grade_labels, text)] == want
        found += len(want)
    assert found > 20


def test_row_label_matches_as_finditer(ruleset, texts):
    from pipeline.extraction.fundrows import row_matches
    rows = ruleset.fundrows
    rng = random.Random(2302)
    words = list(rows.labels) + list(rows.score_labels)
    bits = [" ", "  ", "\t", "\n", "|", "｜", "x", "：", "(100分)", "（万元）", "96", "1.56", "年度"]
    built = ["".join(rng.choice(words + bits) for _ in range(rng.randint(1, 30))) for _ in range(3000)]
    found = 0
    for text in texts + built:
        for pattern, labels in ((rows.label, rows.labels), (rows.score_label, rows.score_labels)):
            want = [(m.span(), m.groups()) for m in pattern.finditer(text)]
            assert [(m.span(), m.groups()) for m in row_matches(pattern, labels, text)] == want, text[:80]
            found += len(want)
    assert found > 1000
