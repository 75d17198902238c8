"""``jixiao report``: the audit report (HTML pages and an Excel workbook) from the database."""
from __future__ import annotations

from pathlib import Path

import click

from .cli_options import db_option, rules_option

DEFAULT_OUT = Path("data/out/report")


def register(group) -> None:
    """Add this module's commands to the ``jixiao`` click group."""
    @group.command()
    @db_option
    @rules_option
    @click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT,
                  show_default=True, help="Folder to write index.html, unit-*.html and jixiao_report.xlsx into.")
    def report(db, rules_dir, out):
        """Write the audit report: HTML pages (index.html, one page per unit) and jixiao_report.xlsx.

        The pages show each unit's figures by year and every finding with its evidence (the
        quoted sentences, the figure marked, file, section and rule). The workbook has the
        sheets 事实, 问题, 对比, 绩效指标 (every self-evaluation row), 无法读取 and 运行记录. The database is opened read-only. Metric names come
        from the rules (--rules DIR, default the packaged ones); the pages and the workbook say
        which rules the last run read with. When `jixiao serve` has recorded decisions
        (DB.review.sqlite beside the database), each finding shows its review status.

        Example:

            jixiao report --db data/out/jixiao.duckdb --out data/out/report
        """
        from .load import connect
        from .report import write_report
        from .rules import load_rules
        from .serve.decisions import review_path

        ruleset = load_rules(rules_dir)
        con = connect(db, read_only=True)
        try:
            paths = write_report(con, out, ruleset, review_file=review_path(db))
        finally:
            con.close()
        click.echo(f"报告已写入 {paths.out_dir}：{paths.index.name}、{len(paths.units)} 个单位页面、{paths.xlsx.name}")
