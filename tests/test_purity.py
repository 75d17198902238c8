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
