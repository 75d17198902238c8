"""Analyst commands: ``jixiao sql``, ``jixiao compare``, ``jixiao export`` (sqlite-utils' shape).

Every command opens the database read-only (``--db``, default data/out/jixiao.duckdb), so it can
run beside a finished ``jixiao run`` and never changes the data. User input (a unit name, a
metric, query parameters) is passed to DuckDB as parameters, never pasted into SQL. The views
queried here are defined in :mod:`pipeline.views` and documented in docs/schema.md.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import click
import duckdb

from .cli_options import DEFAULT_DB
from .errors import JixiaoError
from .formatting import show
from .load import connect
from .views import EXPORT_EXCLUDE
BASIS_ZH = {"actual": "决算", "budget": "预算", "unspecified": "未注明"}
DISAGREE = "*"
XLSX_NAME = "jixiao.xlsx"


class QueryError(JixiaoError):
    """A query DuckDB rejected; the message is DuckDB's, on one line."""


# --- values as text ------------------------------------------------------------------------

def plain_text(value) -> str:
    """A cell as text: Decimals without trailing zeros, lists as JSON, NULL as ''.

    >>> plain_text(Decimal("3752300.000000")), plain_text(Decimal("0.498000")), plain_text(None)
    ('3752300', '0.498', '')
    >>> plain_text(["a.txt", "b.txt"])
    '["a.txt", "b.txt"]'
    """
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(jsonable(value), ensure_ascii=False)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return str(value)


def jsonable(value):
    """A value JSON can hold: integral Decimals → int, others → float; dates → ISO text.

    >>> jsonable([Decimal("17.000000"), Decimal("0.4980")])
    [17, 0.498]
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def display_width(text: str) -> int:
    """Terminal columns a string takes: wide and fullwidth characters (CJK) count two.

    >>> display_width("基本支出"), display_width("spend"), display_width("375.23万元")
    (8, 5, 10)
    """
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def render_table(columns: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[bool] = ()) -> str:
    """Cells already as text → an aligned table, padded by display width (CJK-aware).

    >>> print(render_table(["指标", "2020"], [["基本支出", "375.23万元"]], right=[False, True]))
    指标            2020
    --------  ----------
    基本支出  375.23万元
    """
    rows = [[c.replace("\n", " ") for c in row] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in rows]) for i, c in enumerate(columns)]
    right = list(right) + [False] * (len(columns) - len(right))

    def line(cells):
        out = []
        for cell, width, flush_right in zip(cells, widths, right):
            pad = " " * (width - display_width(cell))
            out.append(pad + cell if flush_right else cell + pad)
        return "  ".join(out).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths])] + [line(r) for r in rows])


# --- queries -------------------------------------------------------------------------------

def run_query(con: duckdb.DuckDBPyConnection, query: str, params: dict | None = None) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of a query; a DuckDB error becomes :class:`QueryError`."""
    try:
        cursor = con.execute(query, params or None)
        columns = [d[0] for d in cursor.description or []]
        return columns, cursor.fetchall() if columns else []
    except duckdb.Error as exc:
        raise QueryError(one_line(str(exc))) from exc


def one_line(message: str) -> str:
    """DuckDB's message without the echoed query and caret lines.

    >>> one_line('Catalog Error: Table with name nope does not exist!\\nDid you mean "x"?\\n\\nLINE 1: select\\n   ^')
    'Catalog Error: Table with name nope does not exist! Did you mean "x"?'
    """
    lines = [ln.strip() for ln in message.splitlines()]
    return " ".join(ln for ln in lines if ln and not ln.startswith("LINE ") and set(ln) != {"^"})


def find_units(con: duckdb.DuckDBPyConnection, pattern: str) -> list[tuple[str, list[str]]]:
    """(unit_key, the unit names its reports give) of units whose name or key contains pattern."""
    _, rows = run_query(
        con,
        "SELECT unit_key, list_sort(list_distinct(list(unit))) FROM reports "
        "WHERE contains(lower(coalesce(unit, '')), lower($p)) OR contains(lower(unit_key), lower($p)) "
        "GROUP BY unit_key ORDER BY unit_key", {"p": pattern})
    return [(key, names) for key, names in rows]


def parse_years(text: str | None) -> tuple[int, int] | None:
    """``2018-2020`` or ``2020`` → an inclusive range.

    >>> parse_years("2018-2020"), parse_years("2020"), parse_years(None)
    ((2018, 2020), (2020, 2020), None)
    """
    if not text:
        return None
    first, _, last = text.partition("-")
    try:
        lo, hi = int(first), int(last or first)
    except ValueError:
        raise click.BadParameter(f"年份应写作 2020 或 2018-2020，而不是 {text!r}", param_hint="--years")
    return (min(lo, hi), max(lo, hi))


def metric_selected(metric: str, wanted: Sequence[str]) -> bool:
    """A metric key, or a family prefix: ``spend`` selects spend.basic, spend.total ….

    >>> metric_selected("spend.basic", ["spend"]), metric_selected("spend.basic", ["staff.actual"])
    (True, False)
    """
    return not wanted or any(metric == w or metric.startswith(w.rstrip(".") + ".") for w in wanted)


def compare_table(con, unit_key: str, metrics: Sequence[str], years: tuple[int, int] | None):
    """(years, rows) for one unit: a row per metric × basis, a cell per year (formatted text)."""
    _, values = run_query(
        con,
        "SELECT metric, metric_zh, basis, year, value, unit_of_measure, agree, stated_values "
        "FROM metric_values WHERE unit_key = $k AND year IS NOT NULL "
        "ORDER BY metric, CASE basis WHEN 'actual' THEN 0 WHEN 'unspecified' THEN 1 ELSE 2 END, year",
        {"k": unit_key})
    values = [v for v in values if metric_selected(v[0], metrics) and (years is None or years[0] <= v[3] <= years[1])]
    all_years = sorted({v[3] for v in values})
    cells: dict[tuple[str, str, str], dict[int, str]] = {}
    for metric, zh, basis, year, value, uom, agree, stated in values:
        text = show(value, uom) if agree else " / ".join(show(s, uom) for s in stated) + " " + DISAGREE
        cells.setdefault((metric, zh, basis), {})[year] = text
    rows = [[metric, zh, BASIS_ZH.get(basis, basis)] + [by_year.get(y, "—") for y in all_years]
            for (metric, zh, basis), by_year in cells.items()]
    return all_years, rows


# --- export --------------------------------------------------------------------------------

def relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(name, 'table' | 'view') of every table and view in the database, tables first."""
    _, rows = run_query(
        con,
        "SELECT table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END AS kind "
        "FROM information_schema.tables WHERE table_schema = 'main' AND table_catalog = current_database() "
        "ORDER BY kind, table_name")
    return [(name, kind) for name, kind in rows]


def quote_ident(name: str) -> str:
    """A SQL identifier in double quotes.

    >>> quote_ident('end'), quote_ident('a"b')
    ('"end"', '"a""b"')
    """
    return '"' + name.replace('"', '""') + '"'


def export_query(name: str) -> str:
    """SELECT for one relation (its name comes from the catalog, never from the user).

    >>> export_query("documents")
    'SELECT * EXCLUDE ("text") FROM "documents"'
    """
    dropped = EXPORT_EXCLUDE.get(name, ())
    exclude = f" EXCLUDE ({', '.join(map(quote_ident, dropped))})" if dropped else ""
    return f"SELECT *{exclude} FROM {quote_ident(name)}"


def sheet_title(name: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, unique in the workbook.

    >>> sheet_title("a" * 40, set()) == "a" * 31
    True
    >>> sheet_title("x", {"x"})
    'x~2'
    """
    title, n = name[:31], 2
    while title in taken:
        suffix = f"~{n}"
        title, n = name[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def excel_cell(value):
    """A value openpyxl accepts: lists as JSON text, no control characters, ≤ 32767 characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, (list, tuple, dict)):
        value = plain_text(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
    return value


def export_all(con, fmt: str, out: Path) -> list[tuple[str, int, Path]]:
    """Write every table and view to ``out`` as parquet / csv files or one xlsx workbook."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    workbook, taken = None, set()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
    for name, _kind in relations(con):
        query = export_query(name)
        if fmt == "parquet":
            path = out / f"{name}.parquet"
            try:
                con.sql(query).write_parquet(str(path))
            except duckdb.Error as exc:
                raise QueryError(one_line(str(exc))) from exc
            count = run_query(con, f"SELECT count(*) FROM ({query})")[1][0][0]
        else:
            columns, rows = run_query(con, query)
            count = len(rows)
            if fmt == "csv":
                path = out / f"{name}.csv"
                with open(path, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads CJK right
                    write_csv(fh, columns, rows)
            else:
                path = out / XLSX_NAME
                sheet = workbook.create_sheet(sheet_title(name, taken))
                sheet.append(columns)
                for row in rows:
                    sheet.append([excel_cell(v) for v in row])
        written.append((name, count, path))
    if workbook is not None:
        workbook.save(out / XLSX_NAME)
    return written


def write_csv(fh, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    """Header and rows as CSV, each cell through :func:`plain_text`."""
    writer = csv.writer(fh)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([plain_text(v) for v in row])


# --- commands ------------------------------------------------------------------------------

def db_option(f):
    """--db: the database file, opened read-only."""
    return click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
                        show_default=True, help="DuckDB database file (opened read-only).")(f)


def is_number(value) -> bool:
    """True for the values a table right-aligns (numbers, not booleans)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


@click.command("sql")
@click.argument("query")
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="A query parameter: write $NAME in the query.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option("--json", "as_json", is_flag=True, help="A JSON array of objects, one per row.")
@db_option
def sql(query, params, as_csv, as_json, db):
    """Run a SQL query against the database and print the result.

    The views (metric_values, unit_year_wide, yoy, fact_provenance, finding_quotes …) are
    described in docs/schema.md. Pass values with -p NAME VALUE and write $NAME in the query.

    Example:

        jixiao sql "select unit, year, spend_basic from unit_year_wide"

        jixiao sql "select * from metric_values where unit like $u" -p u %开福% --csv
    """
    if as_csv and as_json:
        raise click.UsageError("--csv and --json exclude each other")
    with connect(db, read_only=True) as con:
        columns, rows = run_query(con, query, dict(params))
    if as_json:
        click.echo(json.dumps([dict(zip(columns, map(jsonable, r))) for r in rows], ensure_ascii=False, indent=2))
    elif as_csv:
        buf = io.StringIO()
        write_csv(buf, columns, rows)
        click.echo(buf.getvalue(), nl=False)
    elif columns:
        right = [bool(rows) and all(v is None or is_number(v) for v in col) for col in zip(*rows)] if rows else []
        click.echo(render_table(columns, [["NULL" if v is None else plain_text(v) for v in r] for r in rows], right))


@click.command("compare")
@click.option("--unit", required=True, help="Part of the unit name or unit_key (case-insensitive).")
@click.option("--metric", "metrics", multiple=True, help="A metric key or family (spend); repeatable; default all.")
@click.option("--years", metavar="YYYY[-YYYY]", help="Only these years, e.g. 2018-2020.")
@db_option
def compare(unit, metrics, years, db):
    """Show a unit's figures across years: a row per metric and basis, a column per year.

    --unit matches any part of the unit name or unit_key (case-insensitive); when several
    units match, each gets its own table. Figures come from the metric_values view (stated
    level figures only). A cell marked * lists every value the reports state for that year
    and basis, because they disagree. For scripts, query metric_values with `jixiao sql`.

    Example:

        jixiao compare --unit 开福 --years 2018-2020

        jixiao compare --unit 开福 --metric spend.basic --metric staff
    """
    span = parse_years(years)
    with connect(db, read_only=True) as con:
        matches = find_units(con, unit)
        if not matches:
            raise JixiaoError(f"没有单位的名称或 unit_key 包含「{unit}」"
                              "（jixiao sql \"select distinct unit, unit_key from reports\" 列出全部单位）")
        marked = False
        for i, (key, names) in enumerate(matches):
            all_years, rows = compare_table(con, key, metrics, span)
            title = " / ".join(n for n in names if n) or "（未识别单位）"
            click.echo(("\n" if i else "") + f"{title}  [unit_key: {key}]")
            if not rows:
                click.echo("  （所选年份和指标下没有数据）")
                continue
            marked = marked or any(c.endswith(DISAGREE) for r in rows for c in r)
            click.echo(render_table(["metric", "指标", "口径"] + [str(y) for y in all_years], rows,
                                    [False] * 3 + [True] * len(all_years)))
    if marked:
        click.echo(f"\n{DISAGREE} 同一年度、口径下报告给出了不同数值（说法不一，或是分项）：列出全部数值；"
                   "矛盾与否见 jixiao check。")


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["parquet", "csv", "xlsx"]), required=True,
              help="parquet / csv: a file per table and view; xlsx: one workbook, a sheet each.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Output folder (created if missing).")
@db_option
def export(fmt, out, db):
    """Write every table and view to a folder, as parquet, csv or one xlsx workbook.

    documents is written without its text column (the whole report text); read it with
    `jixiao sql "select doc, text from documents"`. CSV files are UTF-8 with a BOM, so that
    Excel shows Chinese right. Sheet names are the table/view names (≤ 31 characters).

    Example:

        jixiao export --format xlsx --out data/out/export
    """
    with connect(db, read_only=True) as con:
        try:
            written = export_all(con, fmt, out)
        except OSError as exc:
            raise JixiaoError(f"无法写入 {out}：{exc.strerror or exc}") from exc
    for name, count, path in written:
        dropped = EXPORT_EXCLUDE.get(name)
        note = f"（不含 {', '.join(dropped)} 列 / without {', '.join(dropped)}）" if dropped else ""
        click.echo(f"{name}: {count} 行 → {path}{note}")


def register(group) -> None:
    """Add sql, compare and export to the ``jixiao`` click group."""
    for command in (sql, compare, export):
        group.add_command(command)
