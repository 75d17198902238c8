"""docs/schema.md against a real database: every table, view and column documented, and nothing more.

The page's format (stated at its top): under ``## Tables`` and ``## Views``, one ``### name``
heading per relation, then ``| column | type | 中文 | meaning |`` rows. The database is built
by running the pipeline on data/raw into a temporary file.
"""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_MD = ROOT / "docs" / "schema.md"
KIND_OF_SECTION = {"Tables": "table", "Views": "view"}


def parse_schema_doc(text: str) -> dict[str, dict]:
    """name → {"kind": table|view, "columns": {column: type}, "zh": [中文 cells]} from the page."""
    relations: dict[str, dict] = {}
    section, current = None, None
    for line in text.splitlines():
        if line.startswith("## "):
            section, current = KIND_OF_SECTION.get(line[3:].strip()), None
        elif line.startswith("### ") and section:
            name = line[4:].strip().strip("`")
            assert name not in relations, f"{name} documented twice"
            current = relations[name] = {"kind": section, "columns": {}, "zh": []}
        elif current is not None and line.startswith("|"):
            cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
            if cells[0] in ("column", "") or set(cells[0]) <= set("-: "):
                continue
            assert len(cells) == 4, f"{line!r}: want | column | type | 中文 | meaning |"
            assert cells[0] not in current["columns"], f"{cells[0]} twice in {name}"
            current["columns"][cells[0]] = cells[1]
            current["zh"].append(cells[2])
    return relations


def database_relations(con) -> dict[str, dict]:
    """name → {"kind", "columns": {column: data_type}} from information_schema."""
    out: dict[str, dict] = {}
    rows = con.execute(
        "SELECT t.table_name, t.table_type, c.column_name, c.data_type "
        "FROM information_schema.tables t JOIN information_schema.columns c "
        "  USING (table_catalog, table_schema, table_name) "
        "WHERE t.table_schema = 'main' AND t.table_catalog = current_database() "
        "ORDER BY t.table_name, c.ordinal_position").fetchall()
    for name, table_type, column, data_type in rows:
        entry = out.setdefault(name, {"kind": "view" if table_type == "VIEW" else "table", "columns": {}})
        entry["columns"][column] = data_type
    return out


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = tmp_path_factory.mktemp("schema") / "jixiao.duckdb"
    result = CliRunner().invoke(cli, ["run", str(ROOT / "data" / "raw"), "--db", str(db), "--quiet"])
    assert result.exit_code in (0, 3), result.output
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def documented():
    return parse_schema_doc(SCHEMA_MD.read_text(encoding="utf-8"))


def test_when_parsing_the_doc_then_it_finds_tables_and_views(documented):
    assert {"documents", "facts", "audit_findings", "metric_values", "unit_year_wide", "yoy"} <= set(documented)
    assert documented["facts"]["columns"]["value"] == "DECIMAL(38,6)"


def test_when_a_relation_exists_then_it_is_documented(con, documented):
    missing = sorted(set(database_relations(con)) - set(documented))
    assert not missing, f"tables/views missing from docs/schema.md: {missing}"


def test_when_a_relation_is_documented_then_it_exists(con, documented):
    extra = sorted(set(documented) - set(database_relations(con)))
    assert not extra, f"docs/schema.md documents tables/views that do not exist: {extra}"


def test_when_documented_then_kind_columns_and_types_match(con, documented):
    actual = database_relations(con)
    problems = []
    for name in sorted(set(actual) & set(documented)):
        want, have = documented[name], actual[name]
        if want["kind"] != have["kind"]:
            problems.append(f"{name}: documented as a {want['kind']}, is a {have['kind']}")
        for column in have["columns"].keys() - want["columns"].keys():
            problems.append(f"{name}.{column}: not documented")
        for column in want["columns"].keys() - have["columns"].keys():
            problems.append(f"{name}.{column}: documented but does not exist")
        for column in have["columns"].keys() & want["columns"].keys():
            if have["columns"][column] != want["columns"][column]:
                problems.append(f"{name}.{column}: type {have['columns'][column]}, "
                                f"documented {want['columns'][column]}")
    assert not problems, "\n".join(problems)


def test_when_a_column_is_documented_then_it_has_a_chinese_term(documented):
    cjk = re.compile(r"[\u4e00-\u9fff]")
    lacking = [name for name, rel in documented.items() for zh in rel["zh"] if not cjk.search(zh)]
    assert not lacking, f"columns without a 中文 term in: {sorted(set(lacking))}"


def test_when_the_doc_gives_example_queries_then_they_run(con):
    blocks = re.findall(r"```sql\n(.*?)```", SCHEMA_MD.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) >= 5
    for block in blocks:
        code = "\n".join(line for line in block.splitlines() if not line.lstrip().startswith("--"))
        for statement in (s for s in code.split(";") if s.strip()):
            con.execute(statement).fetchall()
