"""The single writer's cost per report: streamed results (both engines today) vs Parquet partitions.

The Ray engine ships each file's ``Extraction`` to the parent, the local workers the rows built
from it (pipeline/rows.py); the parent unpickles them and loads them with ``Store.write_batch``
(whole files per transaction). The alternative for a big cluster is that
each task writes Parquet files and the parent loads them in bulk (docs/scale.md). This measures,
in CPU time of one process, what each costs the writer per report, on the same extractions:

- stream: ``pickle.loads`` of the Extraction (what a pipe or Ray's object store hands over) +
  ``write_batch`` in batches of 100 into a fresh database;
- stream rows (what the local workers send since issue 13's third step, pipeline/rows.py): what a
  worker pays to build a file's rows (``rows_of``), and what the writer pays to unpickle them and
  ``write_batch`` them;
- parquet: what a task would pay to write its rows (DuckDB ``COPY … TO`` the per-file tables of
  that database, as a stand-in for a task's writer), and what the parent pays to load them into
  a fresh database (``INSERT INTO … SELECT * FROM read_parquet``).

The files are extracted first (not timed). Usage:

    python bench/bench_writer.py bench/corpus/mix-1000 [--files 500] [--repeat 3]
"""
from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TABLES = ("documents", "facts", "quantities", "indicators")  # what write_batch writes per file


def cpu_ms(fn) -> float:
    started = time.process_time()
    fn()
    return 1000 * (time.process_time() - started)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    from pipeline.load import Store
    from pipeline.model import Extraction
    from pipeline.rows import rows_of
    from pipeline.run import discover, safe_process
    from pipeline.rules import load_rules

    ruleset = load_rules()
    extractions = [r for r in (safe_process(p, ruleset, None, None) for p in discover([args.corpus])[:args.files])
                   if isinstance(r, Extraction)]
    n = len(extractions)
    blobs = [pickle.dumps(x, protocol=pickle.HIGHEST_PROTOCOL) for x in extractions]
    print(f"{n} reports extracted from {args.corpus}; pickled Extraction {sum(map(len, blobs)) / n / 1024:.1f} KB/report")
    rows_blobs = [pickle.dumps(rows_of(x), protocol=pickle.HIGHEST_PROTOCOL) for x in extractions]
    print(f"pickled Rows {sum(map(len, rows_blobs)) / n / 1024:.1f} KB/report")
    rows: dict[str, list[float]] = {"unpickle": [], "write_batch": [], "rows_of (in the worker)": [],
                                    "unpickle Rows": [], "write_batch (Rows)": [],
                                    "parquet write": [], "parquet load": []}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            rows["unpickle"].append(cpu_ms(lambda: [pickle.loads(b) for b in blobs]) / n)
            with Store(tmp / "stream.duckdb", metrics=ruleset.metrics) as store:
                rows["write_batch"].append(cpu_ms(lambda: [store.write_batch(extractions[i:i + 100])
                                                           for i in range(0, n, 100)]) / n)
            with Store(tmp / "rows.duckdb", metrics=ruleset.metrics) as by_rows:
                rows["rows_of (in the worker)"].append(cpu_ms(lambda: [rows_of(x) for x in extractions]) / n)
                shipped = []
                rows["unpickle Rows"].append(cpu_ms(lambda: shipped.extend(pickle.loads(b) for b in rows_blobs)) / n)
                rows["write_batch (Rows)"].append(cpu_ms(lambda: [by_rows.write_batch(shipped[i:i + 100])
                                                                  for i in range(0, n, 100)]) / n)
            with Store(tmp / "stream.duckdb", metrics=ruleset.metrics) as store:
                con = store.con
                rows["parquet write"].append(cpu_ms(lambda: [
                    con.execute(f"COPY {t} TO '{tmp / t}.parquet' (FORMAT parquet)") for t in TABLES]) / n)
            with Store(tmp / "bulk.duckdb", metrics=ruleset.metrics) as bulk:
                def load() -> None:
                    with_txn = bulk.con
                    with_txn.execute("BEGIN")
                    for t in TABLES:
                        with_txn.execute(f"INSERT INTO {t} SELECT * FROM read_parquet('{tmp / t}.parquet')")
                    with_txn.execute("COMMIT")
                rows["parquet load"].append(cpu_ms(load) / n)
                counts = [bulk.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
            with Store(tmp / "stream.duckdb", read_only=True) as check:
                assert counts == [check.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
    print("| writer step | CPU ms/report (best of %d) | reports/s one core |" % args.repeat)
    print("|---|---:|---:|")
    for name, values in rows.items():
        best = min(values)
        print(f"| {name} | {best:.2f} | {1000 / best:,.0f} |")


if __name__ == "__main__":
    main()
