"""round 24 (self24b): the self-evaluation reader's regex calls pass concurrent=False by position.

``regex`` takes no keywords cheaply and hands the GIL back inside every call unless told
``concurrent=False``; the reader passes it by position. These tests pin which position is
``concurrent`` for each method (a slip would silently set ``partial``, ``overlapped``, ``pos`` or
``endpos`` instead), and that every such call in pipeline/selfeval puts ``False`` there.
"""
from __future__ import annotations

import ast
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
# method → index of concurrent among its positional arguments (string first; sub: repl, string, count, pos, endpos)
_CONCURRENT_AT = {"search": 3, "match": 3, "fullmatch": 3, "finditer": 4, "findall": 4, "sub": 5}


def test_concurrent_stands_where_the_reader_passes_it():
    abc = regex.compile("abc")
    for method in ("search", "match", "fullmatch"):
        call = getattr(abc, method)
        assert call("ab", None, None, None, True) is not None  # the 5th is partial: a partial match
        assert call("ab", None, None, True) is None  # so the 4th is not partial (concurrent)
        assert call("abc", None, None, False).span() == (0, 3)
    assert [m.span() for m in abc.finditer("ab", None, None, False, None, True)] == [(0, 2)]  # 6th: partial
    assert list(abc.finditer("ab", None, None, False, True)) == []  # 5th: concurrent
    aa = regex.compile("aa")
    assert aa.findall("aaa", None, None, True) == ["aa", "aa"]  # 4th: overlapped
    assert aa.findall("aaa", None, None, False, True) == ["aa"]  # 5th: concurrent (the 6th is the timeout)
    assert [m.span() for m in aa.finditer("aaa", None, None, True)] == [(0, 2), (1, 3)]
    a = regex.compile("a")
    assert a.sub("", "xaxa", 0, 2) == "xax"  # 4th: pos
    assert a.sub("", "xaxa", 0, None, 2) == "xxa"  # 5th: endpos
    assert a.sub("", "xaxa", 0, None, None, False) == "xx"  # 6th: concurrent (the 7th is the timeout)


def _calls():
    for path in sorted((ROOT / "pipeline" / "selfeval").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in _CONCURRENT_AT and len(node.args) > _CONCURRENT_AT[node.func.attr]:
                yield path.name, node


def test_every_positional_concurrent_in_the_reader_is_false_and_nothing_more_follows():
    seen = 0
    for name, node in _calls():
        at = _CONCURRENT_AT[node.func.attr]
        arg = node.args[at]
        assert isinstance(arg, ast.Constant) and arg.value is False, (name, node.lineno)
        assert len(node.args) == at + 1 and not node.keywords, (name, node.lineno)
        for before in node.args[1 if node.func.attr != "sub" else 2:at]:  # pos, endpos (and overlapped): never True
            assert not (isinstance(before, ast.Constant) and before.value is True), (name, node.lineno)
        seen += 1
    assert seen > 50


# the vocabulary's per-cell memos of role_of and is_total ----------------------------------------

def _real_cells():
    from pipeline.errors import IngestError
    from pipeline.ingest import read_document

    pages = sorted(ROOT.glob("tests/cases/real/*/docs/*")) + sorted((ROOT / "data" / "raw").glob("0*"))
    cells = set()
    for path in pages:
        try:
            text = read_document(path).text
        except IngestError:
            continue
        for line in text.splitlines():
            cells.update(c for c in regex.split(r"[\t|｜]", line) if c)  # grid cells, spaces kept
            cells.update(line.split())
    return sorted(cells)


def test_role_and_total_memos_answer_as_the_plain_questions_on_every_real_cell():
    from pipeline.rules import load_rules
    from pipeline.selfeval import vocab as V

    vocab = load_rules().indicators
    built = ["总 分", "总分(100分)", "总分（100分）", " 目标值(A) ", "实际完成值（B）", "指 标 值", "分值", "", " ", "(A)"]
    cells = _real_cells() + built
    roles = named = totals = 0
    for _round in range(2):  # asked, then answered from the memo
        for cell in cells:
            role = vocab.role_of(cell)
            assert role == vocab._role_of(cell), cell
            assert vocab.is_total(cell) == (vocab.level_name(cell) in vocab.total_labels), cell
            roles += 1
            named += role is not None
            totals += vocab.is_total(cell)
    assert roles > 10_000 and named > 100 and totals > 10
    assert 0 < len(vocab._cell_roles) <= V._CELL_MEMO and 0 < len(vocab._cell_totals) <= V._CELL_MEMO


# least(words) once for a vocabulary's words ------------------------------------------------------

def test_may_head_and_least_once_answer_as_built_each_time_on_every_real_page():
    from pipeline.holding import least, least_once
    from pipeline.rules import load_rules
    from pipeline.selfeval import vocab as V

    vocab = load_rules().indicators
    for words in (vocab.prose_target, vocab.prose_score, vocab.grade_labels):
        assert least_once(words) == least(words) and least_once(words) is least_once(words)
    named, words = V._header_words(vocab.header_words)
    heads = least(words["level3"] + words["target"])
    headed = 0
    for cell in _real_cells()[::3] + ["指标 名称 目标值 实际值 分值 得分", "三级指标|年度指标值(A)|实际完成值(B)|分值"]:
        bare = V._ANNOTATION.sub("", "".join(cell.split()))
        plain = (any(w in bare for w in heads) or bool(named & {"level3", "target"})) and (lambda roles: (
            len(roles) >= vocab.min_roles and bool(roles & {"level3", "target"})
            and (bool(roles & {"weight", "score"}) or {"target", "actual"} <= roles)))(
            named | {role for role, ws in words.items() if any(w in bare for w in least(ws))})
        assert vocab.may_head(cell) == plain, cell
        headed += plain
    assert headed >= 2
