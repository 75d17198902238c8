"""The memory of a run's write path alone: ``Store.write_batch`` fed batches of a built
database's rows, without reading any file, so 100,000 reports take minutes, not an hour.

The rows of the first 1,000 reports of ``source`` (their documents, facts, quantities,
indicators and staged findings, as a worker sends them: pipeline/rows.py) are read once; batch
``b`` is ten of them renamed ``<doc>~<b>`` (ids too), written into a fresh database under the
read phase's cap with the findings staged, as ``run`` does while the workers read. Every
``--every`` batches it prints VmRSS (now and peak), DuckDB's own memory and the time; at the
end DuckDB's memory by tag. ``--set NAME=VALUE``: a DuckDB setting; ``--no-staging``; ``--cap``.

Usage:

    python bench/mem_write.py bench/corpus/txt-10000.duckdb /tmp/w.duckdb --batches 1000
"""
from __future__ import annotations

import argparse
import time
from decimal import Decimal
from pathlib import Path

import mem_trace  # noqa: F401 - bench/ is on sys.path when this runs as a script; it puts the checkout on it too
from run_bench import _kb


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("db", type=Path)
    ap.add_argument("--batches", type=int, default=300)
    ap.add_argument("--every", type=int, default=50)
    ap.add_argument("--cap", help="DuckDB's cap (default: the read phase's, JIXIAO_DB_READ_MEMORY)")
    ap.add_argument("--no-staging", action="store_true")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()

    import duckdb

    from pipeline import load
    from pipeline.load import Store
    from pipeline.rows import (
        DOCUMENT_COLUMNS,
        EVIDENCE_COLUMNS,
        FACT_COLUMNS,
        FINDING_COLUMNS,
        INDICATOR_COLUMNS,
        QUANTITY_COLUMNS,
        Columns,
        Rows,
    )

    cap = args.cap or getattr(load, "READ_MEMORY_LIMIT", load.LOAD_MEMORY_LIMIT)
    tables = (("documents", DOCUMENT_COLUMNS, {0}), ("facts", FACT_COLUMNS, {0, 1, 11}),
              ("quantities", QUANTITY_COLUMNS, {0}), ("indicators", INDICATOR_COLUMNS, {0, 1}),
              ("audit_findings", FINDING_COLUMNS, {0, 3}), ("finding_evidence", EVIDENCE_COLUMNS, {0, 2, 3}))
    source = duckdb.connect(str(args.source), read_only=True)
    docs = [r[0] for r in source.execute("SELECT doc FROM documents ORDER BY doc LIMIT 1000").fetchall()]
    pool = []  # ten batches of 100 reports: each table's rows, Decimals as exact text
    for k in range(10):
        names = docs[k * 100:(k + 1) * 100]
        pool.append([[tuple(format(v, "f") if isinstance(v, Decimal) else v for v in row) for row in source.execute(
            f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)} FROM {table} "
            "WHERE doc IN (SELECT UNNEST(?::VARCHAR[]))", [names]).fetchall()] for table, columns, _ in tables])
    source.close()

    for f in (args.db, args.db.with_name(args.db.name + ".wal")):
        f.unlink(missing_ok=True)
    store = Store(args.db)
    for setting in args.set:
        name, _, value = setting.partition("=")
        store.con.execute(f"SET {name} = '{value}'")
    if not args.no_staging:
        store.stage_findings()
    cursor = store.con.cursor()
    started, peak = time.monotonic(), 0
    print(f"start: RSS {_kb('/proc/self/status', 'VmRSS') // 1024} MB, cap {cap}", flush=True)
    with store.memory_limit(cap):
        for b in range(args.batches):
            renamed = [[tuple(f"{v}~{b}" if i in places and v is not None else v for i, v in enumerate(row))
                        for row in rows] for rows, (_, _, places) in zip(pool[b % 10], tables)]
            cols = [Columns.of_rows(columns, rows) for rows, (_, columns, _) in zip(renamed, tables)]
            batch = Rows(list(cols[0].column("doc")), *cols[:4], findings=cols[4], evidence=cols[5])
            batch.checked = list(batch.docs)
            store.write_batch([batch])
            peak = max(peak, _kb('/proc/self/status', 'VmRSS'))
            if (b + 1) % args.every == 0:
                db = cursor.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0] or 0
                print(f"{(b + 1) * 100:7d} reports  RSS {_kb('/proc/self/status', 'VmRSS') // 1024:4d} MB  peak {peak // 1024:4d} MB  "
                      f"DuckDB {db // 2**20:4d} MB  {time.monotonic() - started:6.1f} s", flush=True)
    for tag, mb, spilled in cursor.execute(
            "SELECT tag, memory_usage_bytes // 1048576, temporary_storage_bytes // 1048576 FROM duckdb_memory() "
            "WHERE memory_usage_bytes + temporary_storage_bytes > 0").fetchall():
        print(f"  {tag}: {mb} MB in memory, {spilled} MB spilled")
    cursor.close()
    store.close()


if __name__ == "__main__":
    main()
