"""The core is pure: one RuleSet in, facts out.

* No stage below ``run`` opens the rules folder: the RuleSet handed to ``process_file`` and
  to the checks carries everything (units, layout words, checks, jieba's words …). Checked in a
  fresh interpreter, whose audit hook refuses every ``open`` of a file inside a rules folder
  once the RuleSet is loaded; the facts must come out all the same (and be the facts of the
  usual run).
* No import cycle between the modules of ``pipeline/`` (read with ``ast``, imports inside
  functions included).
"""
from __future__ import annotations

import ast
import re
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.process import process_file
from pipeline.rules import RULES_DIR, load_rules
from pipeline.run import discover

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "pipeline"

GUARDED_RUN = r"""
import json, os, sys
from pathlib import Path
from pipeline.checks import Checker, DocInfo
from pipeline.process import process_file
from pipeline.rules import RULES_DIR, load_rules

rules_copy, files = sys.argv[1], sys.argv[2:]
ruleset = load_rules(rules_copy)
guarded = [os.path.abspath(rules_copy), os.path.abspath(RULES_DIR)]
refused = []

def hook(event, args):
    if event != "open" or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.abspath(os.fsdecode(args[0]))
    if any(path == d or path.startswith(d + os.sep) for d in guarded):
        refused.append(path)
        raise PermissionError(f"a rules file opened below run: {path}")

sys.addaudithook(hook)
facts, extracted, docs = [], [], {}
for name in files:
    extraction = process_file(Path(name), ruleset)
    facts += [[f.doc, f.metric, str(f.value), f.start, f.end, f.rule_id] for f in extraction.facts]
    extracted += extraction.facts
    meta = extraction.meta
    docs[extraction.document.doc] = DocInfo(extraction.document.doc, meta.unit, meta.unit_key, meta.year)
findings = sorted([f.doc, f.check, f.message] for f in Checker(ruleset).run(extracted, docs))
print(json.dumps({"facts": facts, "findings": findings, "refused": refused}, ensure_ascii=False))
"""


@pytest.mark.slow
def test_when_the_rules_folder_cannot_be_opened_after_loading_then_extraction_still_reads_every_fact(tmp_path):
    rules = tmp_path / "rules_copy"
    shutil.copytree(RULES_DIR, rules)
    files = discover([ROOT / "data" / "raw"])
    assert {p.suffix for p in files} >= {".txt", ".docx", ".pdf"}
    done = subprocess.run([sys.executable, "-c", GUARDED_RUN, str(rules), *map(str, files)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["refused"] == []
    ruleset = load_rules()
    expected = [[f.doc, f.metric, str(f.value), f.start, f.end, f.rule_id]
                for p in files for f in process_file(p, ruleset).facts]
    assert len(result["facts"]) > 100
    assert result["facts"] == expected
    # the checks too: their config, metric names and units come from the RuleSet
    messages = {message for _, _, message in result["findings"]}
    assert len(result["findings"]) >= 4 and any("「项目支出」" in m for m in messages)


# import cycles ----------------------------------------------------------------------------

def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The pipeline modules a module imports, anywhere in it (top level or inside functions)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}  # from . import cli_report
    return {m for m in found if m in modules and m != name}


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            out.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {module_name(p) for p in paths}
    return {module_name(p): imports_of(p, modules) for p in paths}


def test_when_pipeline_modules_import_each_other_then_there_is_no_cycle():
    graph = import_graph()
    assert "pipeline.rules" in graph["pipeline.run"] and "pipeline.process" in graph["pipeline.workers"]
    assert "pipeline.extraction.labels" in graph["pipeline.extraction.tables"]
    cycles = [sorted(c) for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles}"


def test_when_the_cycle_finder_meets_a_cycle_then_it_reports_it():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [c for c in strongly_connected(graph) if len(c) > 1] == [{"a", "b", "c"}]


# vocabulary only in data ------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Modules whose string constants may hold Chinese, and why. Everything else in pipeline/ must
# take its words from the RuleSet (rules/*.yaml). Docstrings are always allowed.
USER_TEXT = "user-facing text: messages, console / HTML / Excel wording"
ALLOWED_CJK = {
    "cli.py": USER_TEXT,
    "cli_analyst.py": USER_TEXT,
    "cli_report.py": USER_TEXT,
    "cli_serve.py": USER_TEXT + " (the review page's address, the --host warning)",
    "report.py": USER_TEXT,
    "process.py": USER_TEXT + " (the internal-error FileError)",
    "workers.py": USER_TEXT + " (timeout / memory FileErrors)",
    "engine_ray.py": USER_TEXT + " (crash / start-up FileErrors and errors of the Ray engine)",
    "load.py": USER_TEXT + " (database errors; column comments in the schema)",
    "ingest.py": "readers' reasons a file cannot be read",
    "readers/docx.py": "readers' reasons a file cannot be read",
    "readers/legacy.py": "readers' reasons a file cannot be read",
    "readers/pdf.py": "readers' reasons a file cannot be read",
    "readers/page_layout.py": "typography: heading numerals (一、 第…章 附件) and CJK punctuation that start or end a paragraph",
    "readers/scan.py": "readers' reasons a file cannot be read (OCR off, not installed, nothing recognized)",
    "readers/sniff.py": "readers' reasons (what a file really is)",
    "readers/txt.py": "readers' reasons a file cannot be read",
    "normalize.py": "numeral tables (零一二…, 万 亿) and unit parsing",
    "formatting.py": "display units in messages (万元, 亩 …)",
    # TODO(issue 10): domain words still in code, to move to rules/:
    "selfeval_checks.py": "finding messages",
    "checks.py": "finding messages; TODO: 预算数/实际数 column words, 其中, 附件, 点",
    "run.py": "console messages; TODO: catalog report-type aliases _REPORT_TYPES (整体支出, 项目支出 …)",
    "segment.py": "TODO: year pattern (…年), title trimming (整体支出|项目支出|预算|绩效), place-name prefix",
    "linking.py": "TODO: place-name prefix (省|自治区|市|州|盟|县|区|旗), shared with segment.py",
    "extraction/parts.py": "TODO: 其中 / 合计 / 共计 … / 用于, the _NOT_A_PART words, rule ids enumeration.其中 / .合计",
    "extraction/tables.py": "TODO: _BRACKET_UNIT and _BARE_FIGURE units, _COMPARATOR words, 单位：",
}
# single literals allowed in a module otherwise free of Chinese
ALLOWED_CJK_LITERALS = {
    "extraction/basis.py": {"其中", "调整预算"},  # TODO: the 其中 clause opener; the qualifier of adjusted budgets
}


def chinese_literals(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every str constant holding Chinese characters, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
            and CJK.search(n.value)]


def test_when_pipeline_code_holds_chinese_words_then_only_in_user_text_or_listed_places():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in ALLOWED_CJK:
            continue
        allowed = ALLOWED_CJK_LITERALS.get(name, set())
        found += [f"{name}:{line}: {text[:40]!r}" for line, text in chinese_literals(path) if text not in allowed]
    assert found == [], "Chinese words in code (move them to rules/*.yaml):\n" + "\n".join(found)


def test_when_a_module_is_allowed_chinese_then_it_exists_and_needs_it():
    for name in list(ALLOWED_CJK) + list(ALLOWED_CJK_LITERALS):
        assert (PACKAGE / name).exists(), name
        assert chinese_literals(PACKAGE / name), f"{name} holds no Chinese any more: take it off the list"


def test_every_package_of_the_code_is_shipped_in_the_wheel():
    """A subpackage missing from pyproject's package list installs a jixiao that cannot import it
    (tests/test_wheel.py shows it in minutes; this in milliseconds)."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "pipeline").rglob("__init__.py")}
    assert found and found <= listed, sorted(found - listed)
