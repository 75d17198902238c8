"""Options shared by the ``jixiao`` commands (pipeline/cli.py and the modules it registers)."""
from __future__ import annotations

from pathlib import Path

import click

DEFAULT_DB = Path("data/out/jixiao.duckdb")


def db_option(f):
    """The --db option every command shares."""
    return click.option("--db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB,
                        show_default=True, help="DuckDB database file.")(f)


def rules_option(f):
    """The --rules option of every command that reads with the rules."""
    return click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                        default=None, metavar="DIR",
                        help="Rules folder (a copy of rules/ with your own wording) [default: the rules jixiao ships with].")(f)


def engine_options(f):
    """--engine and --address of ``jixiao run``: where the files are read (pipeline/engine_ray.py)."""
    f = click.option("--address", default=None, metavar="ADDR",
                     help="With --engine ray: the Ray cluster to join (ray.init's address, e.g. auto or "
                          "ray://host:10001) [default: start a local Ray on this machine's cores].")(f)
    return click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                        help="local: worker processes on this machine; ray: Ray actors on a cluster "
                             "(pip install 'jixiao[ray]'), same limits, this process still the only writer.")(f)
