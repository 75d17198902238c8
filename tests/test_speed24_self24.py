"""round 24 (self24): the row grammar's search reads every stream as the plain search did.

``parse_stream`` asks what the grammar asks of a cell once (``rows._Facts``) and the value
columns' readings after a level-3 cell once for that cell; the plain search it replaced (kept here
as the reference) asked both again for every prefix tried. Checked on every stream the reader
can meet on the real sets' pages and data/raw: each run of text lines and of grid lines, under the
headers found in it and under every template.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import read_document
from pipeline.reading import read_text, readable_document
from pipeline.selfeval import read as R
from pipeline.selfeval import rows as S
from pipeline.selfeval import measure as M
from pipeline.selfeval import vocab as V
from pipeline.selfeval.measure import is_comparator, parse_measure, plain_number

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(ROOT.glob("tests/cases/real/*/docs/*")) + sorted((ROOT / "data" / "raw").glob("0*"))
_RUN = 800  # cells of a run at most (the reader's window)


# the plain search (pipeline/selfeval/rows.py at 138fef2) -------------------------------------



def _is_name(tok, vocab) -> bool:
    """A level-3 cell, as round 23 asked it of the vocabulary cell by cell (rows.py now reads it
    from the cell's remembered facts)."""
    t = tok.text.strip()
    return bool(S._WORDS.search(t)) and plain_number(t, vocab.points) is None and not is_comparator(t, vocab) \
        and not S._header_word(t, vocab) \
        and (tok.bounded or not S._PROSE.search(t) and t not in vocab.fillers) \
        and not vocab.is_total(t) \
        and not vocab.is_placeholder(t) \
        and parse_measure(t, vocab, None).qualitative


def _level_cell(tok, vocab) -> bool:
    """A level cell, as round 23 asked it."""
    return bool(vocab.block_of(tok.text) or vocab.is_level2(tok.text) or vocab.has_points(tok.text))

def _after_nature(got: dict) -> float:
    """The cost of reading a value other than the target right after a row's comparator cell, as
    round 23's search added it (rows.py now reads it from the cell's facts)."""
    return S._NATURE_WITHOUT_TARGET if "nature" in got and "target" not in got else 0.0


def _opens(tok) -> float:
    """The cost of reading a row's value from the cell that opens a dump's line, as round 23 added it."""
    return S._LINE_OPENING if tok.opens_line else 0.0

def _parse_stream_plain(toks, header, vocab):
    slots = [r for r in header.values if r != "note"]
    n = len(toks)
    inf = float("inf")
    best = [inf] * (n + 1)
    choice = [None] * (n + 1)
    best[n] = 0.0
    for i in range(n - 1, -1, -1):
        cost = (2.0 if plain_number(toks[i].text, vocab.points) is not None else 1.0) + best[i + 1]
        best[i], choice[i] = cost, ("skip",)
        for p in range(0, S._MAX_PREFIX + 1):
            j = i + p
            if j >= n:
                break
            prefix = toks[i:j]
            pcost = _prefix_cost_plain(prefix, vocab)
            if pcost is None or not _is_name(toks[j], vocab):
                continue
            block = vocab.block_of(toks[j].text)
            if block == vocab.execution_block:
                pcost += S._EXECUTION_AS_NAME
            elif block or vocab.is_level2(toks[j].text):
                pcost += S._LEVEL_AS_NAME
            if S._PROSE.search(toks[j].text):
                pcost += S._SENTENCE_AS_NAME
            for assigned, k, scost in _slots_plain(toks, j + 1, slots, vocab):
                total = pcost + scost + best[k]
                if total < best[i]:
                    best[i], choice[i] = total, ("row", prefix, toks[j], assigned, k)
    rows = S.chosen_rows(choice, toks)  # unchanged since round 23: the choices are what is compared
    return S._wrapped_cells([r for row in rows for r in _pushed_values_plain(row, slots, vocab)], slots)


def _pushed_values_plain(row, slots, vocab):
    raw, trailing = row
    at = len(raw.prefix)
    while at > 0 and not _level_cell(raw.prefix[at - 1], vocab):
        at -= 1
    names = raw.prefix[at:]
    wanted = [r for r in slots if r in S._VALUE_ROLES]
    if not names or not trailing or not {"weight", "score"} <= set(wanted) or not set(wanted) <= set(raw.cells):
        return [row]
    whole = [(got, k) for got, k, _ in _slots_plain(trailing, 0, slots, vocab) if set(wanted) <= set(got)]
    if not whole:
        return [row]
    got, k = min(whole, key=lambda g: g[1])
    name = S.Tok(" ".join(t.text for t in names), names[0].start, names[-1].end, bounded=names[0].bounded)
    above = S.RawRow({**{r: t for r, t in raw.cells.items() if r != "level3"}, "level3": name}, raw.prefix[:at])
    below = S.RawRow({**got, "level3": raw.cells["level3"]}, [])
    return [(above, []), (below, trailing[k:])]


def _prefix_cost_plain(prefix, vocab):
    cost = 0.0
    level2_only = False
    for t in prefix:
        if plain_number(t.text, vocab.points) is not None or is_comparator(t.text, vocab) or S._header_word(t.text, vocab) \
                or vocab.is_placeholder(t.text) or not t.bounded and t.text.strip() in vocab.fillers:
            return None
        if not (vocab.block_of(t.text) or vocab.is_level2(t.text) or vocab.has_points(t.text)):
            cost += 0.6
        elif level2_only and vocab.is_level2(t.text):
            cost += S._LEVEL2_AFTER_LEVEL2
        level2_only = vocab.is_level2(t.text) and not vocab.block_of(t.text)
    return cost


def _slots_plain(toks, at, slots, vocab):
    out = []

    def walk(i, s, got, cost):
        if s == len(slots):
            out.append((dict(got), i, cost))
            return
        role = slots[s]
        if role == S._LONE_SCORE:
            walk(i, s + 1, got, cost + 0.1)
            role = "score"
        if role in ("nature", "unit", "other"):
            skip = 0.1
            if role == "unit" and i < len(toks) and S._UNIT_CELL.match(toks[i].text.strip()) and "target" in got \
                    and plain_number(got["target"].text) is not None:
                skip = S._UNIT_AFTER_BARE
            walk(i, s + 1, got, cost + skip)
        elif slots[s] != S._LONE_SCORE:
            walk(i, s + 1, got, cost + S._MISSING + S._EARLY * (len(slots) - s))
        if i >= len(toks):
            return
        text = toks[i].text.strip()
        if role == "other":
            if text:
                number = plain_number(text, vocab.points) is not None
                walk(i + 1, s + 1, {**got, role: toks[i]}, cost + (S._NUMBER_AS_OTHER if number else 0.0))
        elif role == "nature":
            if is_comparator(text, vocab):
                walk(i + 1, s + 1, {**got, role: toks[i]}, cost)
        elif role == "unit":
            if S._UNIT_CELL.match(text) and plain_number(text, vocab.points) is None:
                walk(i + 1, s + 1, {**got, role: toks[i]}, cost)
        elif role in ("weight", "score"):
            if plain_number(text, vocab.points) is not None:
                extra = _after_nature(got)
                if role == "score" and "weight" in got and plain_number(text, vocab.points) > plain_number(got["weight"].text, vocab.points):
                    extra = 0.5
                walk(i + 1, s + 1, {**got, role: toks[i]}, cost + extra + _opens(toks[i]))
        elif text and not vocab.block_of(text) and not vocab.is_level2(text) and not is_comparator(text, vocab) \
                and not vocab.is_total(text) and not S._header_word(text, vocab) and not vocab.has_points(text) \
                and (toks[i].bounded or text not in vocab.fillers):
            bare = S._BARE if plain_number(text, vocab.points) is not None and "weight" in slots else 0.0
            bare += _after_nature(got) if role != "target" else 0.0
            if S._PROSE.search(text) and not toks[i].bounded:
                bare += S._SENTENCE_AS_VALUE
            walk(i + 1, s + 1, {**got, role: toks[i]}, cost + bare + _opens(toks[i]))

    walk(at, 0, {}, 0.0)
    return out


# the streams of the real pages ----------------------------------------------------------------

def _documents(ruleset):
    for path in PAGES:
        try:
            document = read_document(path)
        except IngestError:
            continue
        yield document
        reading = read_text(document.text, ruleset.reading, join=False)
        if reading.text != document.text:
            yield readable_document(document, reading)


def _streams(document, vocab):
    """Each run of text lines and of grid lines (cut at ``_RUN`` cells), with the headers whose
    rows the reader would cut from it: the first header found in the run, and every template."""
    lines = R._lines(document, vocab)
    runs, run, kind = [], [], None
    for k, cells in lines + [("end", [])]:
        filled = [c for c in cells if c.text.strip()]
        if k != kind or len(run) >= _RUN:
            if run:
                runs.append(run)
            run, kind = [], k
        run += filled
    for toks in runs:
        headers = [S.Header(roles, 0, 0) for roles in vocab.templates]
        for at in range(len(toks)):
            found = S.stream_header(toks, at, vocab) or S.scattered_header(toks, at, vocab)
            if found is not None:
                headers.append(found[0])
                toks = toks[found[1]:]
                break
        for header in headers:
            yield toks, header


def _shape(rows):
    return [(sorted((r, t) for r, t in raw.cells.items()), raw.prefix, trailing) for raw, trailing in rows]


@pytest.fixture(scope="module")
def streams(ruleset):
    vocab = ruleset.indicators
    out = [s for document in _documents(ruleset) for s in _streams(document, vocab)]
    assert len(out) > 300
    return out


def test_parse_stream_cuts_the_rows_the_plain_search_cut(ruleset, streams):
    vocab = ruleset.indicators
    read = 0
    for toks, header in streams:
        want = _parse_stream_plain(toks, header, vocab)
        assert _shape(S.parse_stream(toks, header, vocab)) == _shape(want), (header.roles, toks[:5])
        read += len(want)
    assert read > 2000  # the runs hold rows, not only skipped cells


def test_cells_with_separators_at_their_ends_are_read_as_before(ruleset, streams):
    """str.strip trims \\x1c-\\x1f, the vocabulary's squeeze does not: a cell so edged is asked as
    printed before a name and trimmed as a name or value, as the plain search asked it."""
    vocab = ruleset.indicators
    edges = ["\x1c", "\x1f ", " \x1e", ""]
    read = 0
    for toks, header in streams[::3]:
        edged = [S.Tok(edges[n % 4] + t.text + edges[(n + 1) % 4], t.start, t.end, bounded=t.bounded,
                       opens_line=t.opens_line) for n, t in enumerate(toks)]
        want = _parse_stream_plain(edged, header, vocab)
        assert _shape(S.parse_stream(edged, header, vocab)) == _shape(want), (header.roles, edged[:5])
        read += len(want)
    assert read > 300


def test_value_readings_are_the_plain_ones_in_the_same_order(ruleset, streams):
    """Every reading of the value columns, cost and order included (the search keeps the first
    of equal costs), from every cell of the streams."""
    vocab = ruleset.indicators
    asked = 0
    for toks, header in streams[::7]:
        slots = [r for r in header.values if r != "note"]
        for at in range(0, len(toks), 3):
            assert S._slots(toks, at, slots, vocab) == _slots_plain(toks, at, slots, vocab)
            asked += 1
    assert asked > 1000


def test_cell_facts_are_remembered_within_a_bound(ruleset, streams):
    vocab = ruleset.indicators
    toks = streams[0][0]
    S._facts(toks[0], vocab)
    assert 0 < len(vocab._cell_facts) <= 100_001
    assert S._facts(toks[0], vocab) is S._facts(S.Tok(toks[0].text, 0, 0, bounded=toks[0].bounded,
                                                      opens_line=toks[0].opens_line), vocab)


# the vocabulary's cell tests as before ---------------------------------------------------------

def _squeeze_plain(text):
    return V._SPACES.sub("", text or "")


def _role_of_plain(vocab, cell):
    text = V._ANNOTATION.sub("", _squeeze_plain(cell))
    for word, role in vocab.header_words:
        if word in text and len(text) - len(word) <= V._HEADER_SLACK:
            return role
    return None


def _level_name_plain(vocab, name):
    text = _squeeze_plain(name)
    for mark in V._point_marks(vocab.points):
        text = mark.sub("", text)
    return text


def _has_points_plain(vocab, name):
    text = _squeeze_plain(name)
    return any(mark.search(text) for mark in V._point_marks(vocab.points))


def _bare_name_plain(name):
    return V._POINTS.sub("", _squeeze_plain(name))


def _one_measure_plain(before, word, vocab):
    if R._FIGURE.match(word):
        return any(before == w for w, _ in vocab.prefix_ops)
    if R._PERCENT.match(word):
        return bool(R._OPEN_FIGURE.fullmatch(before)) and (
            plain_number(before) is not None or any(before.startswith(w) for w, _ in vocab.prefix_ops))
    return False


@pytest.fixture(scope="module")
def cells(ruleset):
    """Every cell of the real pages' lines, and pieces built to hit the fast paths' edges: names
    ending in points or brackets, header words with annotations, whitespace of every kind."""
    vocab = ruleset.indicators
    out = set()
    for document in _documents(ruleset):
        for _, toks in R._lines(document, vocab):
            out.update(t.text for t in toks)
    words = [w for w, _ in vocab.header_words] + [w for w, _ in vocab.blocks] + sorted(vocab.level2) \
        + sorted(vocab.total_labels) + [w for w, _ in vocab.prefix_ops]
    tails = ["", "(10分)", "（10分）", "(10分)\n", "(A)", "（B/A）", " ", "\x1c", "\u3000", "\u2028", "(",
             ")", "）", "(abcdefghij)", "(10 分)", "xx", "得分", "(10分)(5分)"]
    for w in words:
        for t in tails:
            out.update({w + t, t + w, w[:1] + t + w[1:], " " + w + t})
    assert len(out) > 5000
    return sorted(out)


def test_squeeze_and_names_as_before(ruleset, cells):
    vocab = ruleset.indicators
    pointed = 0
    for text in cells + ["", None]:
        assert V._squeeze(text) == _squeeze_plain(text)
        if text is None:
            continue
        assert vocab.level_name(text) == _level_name_plain(vocab, text), text
        assert vocab.has_points(text) == _has_points_plain(vocab, text), text
        assert V._bare_name(text) == _bare_name_plain(text), text
        pointed += _has_points_plain(vocab, text)
    assert pointed > 100


def test_role_of_as_before(ruleset, cells):
    vocab = ruleset.indicators
    named = 0
    for text in cells:
        want = _role_of_plain(vocab, text)
        assert vocab.role_of(text) == want, text
        named += want is not None
    assert 500 < named < len(cells)


def test_one_measure_as_before(ruleset, cells):
    vocab = ruleset.indicators
    words = [w for w, _ in vocab.prefix_ops] + ["98", "%", "%(百分比)", "98%", "≥98", "x", "１０"]
    joined = 0
    for before in cells[::5] + words:
        for word in words + ["(万元)", "95％"]:
            want = _one_measure_plain(before, word, vocab)
            assert R._one_measure(before, word, vocab) == want, (before, word)
            joined += want
    assert joined > 50


# the templates' gate ---------------------------------------------------------------------------

def test_a_page_without_comparator_words_has_no_comparator_cell(ruleset):
    """``_may_compare`` is a necessary test: where it says no, no cell of the page's lines is a lone
    comparator (so the templates, which read only runs holding one, read nothing)."""
    vocab = ruleset.indicators
    said_no = asked = 0
    built = ["| ≥ | 95% |\n", "|≥ |\n", "| 不 少 于 |\n", "a\t不\u3000少于\tb\tc\td\n", "| 正向 指标 |\n", "|以 上|"]
    documents = list(_documents(ruleset)) + [R.Document(f"b{n}", "b.txt", "txt", t, "") for n, t in enumerate(built)]
    for document in documents:
        cells = [t for _, toks in R._lines(document, vocab) for t in toks]
        comparators = any(is_comparator(t.text, vocab) for t in cells)
        may = R._may_compare(document.text, vocab)
        assert may or not comparators, document.doc
        said_no += not may
        asked += comparators
    assert said_no > 30 and asked > 10


def _plain_number_plain(cell, points=()):
    text = (cell or "").strip().translate(M._FULLWIDTH)
    for word in points:
        if text.endswith(word):
            text = text[: -len(word)].rstrip()
            break
    m = M._PLAIN.fullmatch(text)
    return M.Decimal(m.group(1)) if m else None


def test_plain_number_as_before(ruleset, cells):
    vocab = ruleset.indicators
    figures = 0
    extra = ["", None, " ", "９.５", "１０分", "10 分", "０", "．5", "5．", "分", " 8 ", "\x1c8", "8\x1c", "1,000", "95%"]
    for text in cells + extra:
        for points in ((), vocab.points):
            want = _plain_number_plain(text, points)
            assert M.plain_number(text, points) == want, text
            figures += want is not None
    assert figures > 100
