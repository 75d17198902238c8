"""The ``jixiao`` command: a thin click layer over the library.

Library errors (:class:`~pipeline.errors.JixiaoError`) become one ``Error: …`` line and exit
status 1. ``jixiao run`` exits 0 when every file was read, 3 when some files failed (the
others are loaded), 1 on an error that stopped the run.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from . import cli_analyst, cli_report, cli_serve
from .cli_options import DEFAULT_DB, db_option, engine_options, rules_option  # noqa: F401 - DEFAULT_DB: the public default
from .errors import JixiaoError

EXIT_SOME_FILES_FAILED = 3


class JixiaoGroup(click.Group):
    """Turns library errors into one line at the boundary."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except JixiaoError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=JixiaoGroup)
@click.version_option(package_name="jixiao")
def cli():
    """jixiao (绩效): figures and findings from 绩效自评报告.

    Example:

        jixiao run data/raw && jixiao check
    """


class Progress:
    """files done / total on a terminal; silent otherwise (or with --quiet)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.enabled:
            width = 30
            filled = width * done // max(total, 1)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option
@rules_option
@click.option("--quiet", is_flag=True, help="No progress and no summary (for scripts); the exit status still tells.")
@click.option("--force", is_flag=True, help="Re-read files whose content (sha256) is already loaded.")
@click.option("--catalog", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A catalog.csv (file,unit,year,report_type,unit_key) besides those found in the input folders.")
@click.option("--password", help="Password for encrypted PDFs.")
@click.option("--workers", type=click.IntRange(min=0), default=None,
              help="Worker processes reading files [default: the machine's cores]. 0 reads in this process, "
                   "without time or memory limits (for debugging).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=60, show_default=True,
              help="Seconds one file may take; past that its worker is killed and the file recorded as failed.")
@click.option("--max-memory", type=click.IntRange(min=64), default=2048, show_default=True, metavar="MB",
              help="Memory (address space) one worker may use; a file needing more is recorded as failed.")
@click.option("--batch-size", type=click.IntRange(min=1), default=None, envvar="JIXIAO_BATCH",
              help="Whole files per database transaction [default: 100; env JIXIAO_BATCH].")
@click.option("--ocr", type=click.Choice(["auto", "off", "force"]), default="auto", show_default=True,
              help="Scans (image-only PDF pages, .png .jpg .tif files) by OCR: auto = when an OCR engine is "
                   "installed (pip install 'jixiao[ocr]'); off = never (a scan is recorded as unread); "
                   "force = every PDF page, text layer or not.")
@click.option("--ocr-page-timeout", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="Seconds added to --timeout for each page a file OCRs.")
@engine_options
def run(paths, db, rules_dir, quiet, force, catalog, password, workers, timeout, max_memory, batch_size, ocr,
        ocr_page_timeout, engine, address):
    """Read reports (.txt .docx .pdf, scans as .png .jpg .tif) under PATHS into the database, then run the checks.

    Each file is read in a worker process with a time and a memory limit: a file that hangs,
    exhausts memory or crashes its worker is recorded as failed and the run goes on. Only
    this process writes the database, whole files per transaction: after an interruption,
    run the same command again; files already loaded (same content) are skipped.

    \b
    Exit status:
      0  every file was read
      3  some files could not be read (each is listed and recorded in ingest_errors;
         the others are loaded)
      1  the run itself failed (e.g. the database is in use by another process)

    --rules DIR reads with your own copy of the rules (jixiao rules check --rules DIR first);
    the run records which rules it used (folder and fingerprint) in the runs table.

    --engine ray reads the files on a Ray cluster (--address ADDR; --workers: actors, default
    one per core of the cluster); this process still writes the database.

    Example:

        jixiao run data/raw --db data/out/jixiao.duckdb --workers 2 --timeout 60
        jixiao run archive/ --engine ray --address auto
    """
    from .workers import Limits, default_workers, start_fork_server

    if engine == "local" and workers != 0:
        start_fork_server()  # the workers' server loads while this process imports the rest
    from .run import run as run_pipeline

    if engine == "ray":
        from .engine_ray import import_ray

        import_ray()  # no Ray: one line, before the database is touched
    summary = run_pipeline(paths, db, quiet=quiet, force=force, catalog=catalog, password=password,
                           progress=Progress(not quiet),
                           workers=default_workers() if workers is None and engine == "local" else workers,
                           limits=Limits(timeout=timeout, max_memory_mb=max_memory,
                                         ocr_page_seconds=ocr_page_timeout),
                           batch_size=batch_size, rules=rules_dir, engine=engine, address=address, ocr=ocr)
    if not quiet:
        click.echo(f"读取 {summary.read} 个文件，跳过未变化 {summary.skipped} 个，失败 {len(summary.failed)} 个；"
                   f"写入 {summary.facts} 条数据，发现 {summary.findings} 个问题。")
        if summary.quantities:
            click.echo(f"覆盖率：{summary.claimed}/{summary.quantities} 个带单位的数字已归入指标"
                       f"（{summary.claimed / summary.quantities:.1%}），其余见 unattributed 视图。")
        for error in summary.failed:
            click.echo(f"  无法读取 {error.path}：{error.message}")
        click.echo(f"数据库：{db}")
        if summary.findings:
            from .checks import print_findings
            from .load import Store

            with Store(db, read_only=True) as store:
                print_findings(store.con, echo=click.echo)
    if summary.failed:
        sys.exit(EXIT_SOME_FILES_FAILED)


@cli.group()
def rules():
    """Validate and try the rules (the packaged ones, or --rules DIR).

    Example:

        jixiao rules check
    """


@rules.command("check")
@rules_option
def rules_check(rules_dir):
    """Load every rule file and run each rule's examples and counterexamples.

    Example:

        jixiao rules check --rules my_rules
    """
    from .rules import load_rules
    from .selftest import run_rule_examples

    ruleset = load_rules(rules_dir)
    failures = run_rule_examples(ruleset)
    for rule_id, message in failures:
        click.echo(f"FAIL {rule_id}: {message}")
    click.echo(f"{len(ruleset.rules)} rules, {len(failures)} failing examples")
    click.echo(f"规则目录：{ruleset.directory}（指纹 {ruleset.fingerprint[:12]}）")
    if failures:
        sys.exit(1)


@cli.command()
@db_option
@rules_option
def check(db, rules_dir):
    """Re-run the checks (rules' checks.yaml) and print the findings, grouped by unit and year, errors first.

    Example:

        jixiao check --db data/out/jixiao.duckdb
    """
    from .checks import print_findings, run_checks
    from .load import Store, database_memory
    from .rules import load_rules

    ruleset = load_rules(rules_dir)
    with Store(db, metrics=ruleset.metrics) as store, database_memory():
        store.replace_findings(run_checks(store.con, ruleset))
        print_findings(store.con, echo=click.echo)


def main() -> None:  # pragma: no cover
    """Entry point for ``python -m pipeline``."""
    cli()


# commands that live in their own modules (analyst queries, reports, the review page)
cli_analyst.register(cli)
cli_report.register(cli)
cli_serve.register(cli)
