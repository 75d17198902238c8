"""The memory of a run's end (linking, the checks over the whole database, the findings swapped
in), replayed on a copy of a database a run has built, without reading the corpus again.

The copy is put in the state a run leaves it in before its end: the findings the workers found
(every check but ``yoy`` and ``score``) staged, every report ``checked``; then the run's end
(``link_units``, ``replace_findings(run_checks(…))``) runs while a thread samples this process's
VmRSS, Python's allocated blocks and DuckDB's own memory every 0.2 s. It prints the peaks and
whether the findings came out the same as the database's.

Usage:

    python bench/mem_checks.py bench/corpus/txt-30000.duckdb [--limit 128MB]
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from mem_trace import (
    _rss_kb,  # bench/ is on sys.path when this runs as a script; it puts the checkout on it too
)


def _rss_mb() -> float:
    return _rss_kb() / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--limit", help="DuckDB's memory cap for the end (default: the run's)")
    args = ap.parse_args()

    from pipeline import load
    from pipeline import run as run_mod
    from pipeline.load import STAGING, Store, database_memory
    from pipeline.rules import load_rules

    work = Path(tempfile.mkdtemp(prefix="mem_checks_"))
    db = work / "x.duckdb"
    shutil.copy(args.db, db)
    ruleset = load_rules()
    samples: list[tuple[float, int, float]] = []
    stop = threading.Event()
    with Store(db, metrics=ruleset.metrics) as store:
        con = store.con
        before = con.execute("SELECT id FROM audit_findings ORDER BY id").fetchall()
        store.stage_findings()
        con.execute(f"INSERT INTO {STAGING}audit_findings SELECT * FROM audit_findings "
                    "WHERE \"check\" NOT IN ('yoy', 'score')")
        con.execute(f"INSERT INTO {STAGING}finding_evidence SELECT e.* FROM finding_evidence e "
                    f"WHERE e.finding_id IN (SELECT id FROM {STAGING}audit_findings)")
        if hasattr(load, "CHECKED"):  # round 23: the checked files in a temporary table
            con.execute(f"INSERT INTO {load.CHECKED} SELECT doc FROM documents")
        else:  # before: a set of the Store
            store.checked.update(r[0] for r in con.execute("SELECT doc FROM documents").fetchall())
        cursor = con.cursor()

        def sample() -> None:
            while not stop.wait(0.2):
                mb = cursor.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0] or 0
                samples.append((_rss_mb(), sys.getallocatedblocks(), mb / 2**20))

        rss0, blocks0 = _rss_mb(), sys.getallocatedblocks()
        thread = threading.Thread(target=sample, daemon=True)
        thread.start()
        started, cpu = time.monotonic(), time.process_time()
        if args.limit:
            con.execute(f"SET memory_limit = '{args.limit}'")
        with database_memory():
            run_mod.link_units(con, ruleset)
            count = store.replace_findings(run_mod.run_checks(con, ruleset, store.checked), staged=True)
        took, cpu = time.monotonic() - started, time.process_time() - cpu
        stop.set()
        thread.join()
        after = con.execute("SELECT id FROM audit_findings ORDER BY id").fetchall()
    shutil.rmtree(work)
    print(f"{args.db.name} limit {args.limit or 'default'}: {count} findings ({'same' if after == before else 'DIFFERENT'}"
          f" ids), {took:.1f} s ({cpu:.1f} s CPU); RSS {rss0:.0f} → peak {max(s[0] for s in samples):.0f} MB, "
          f"blocks {blocks0 // 1000} → peak {max(s[1] for s in samples) // 1000} k, DuckDB peak {max(s[2] for s in samples):.0f} MB")


if __name__ == "__main__":
    main()
