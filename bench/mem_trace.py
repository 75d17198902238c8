"""Where the parent's memory goes during ``jixiao run``: a time series of the run's own process.

Runs ``pipeline.run.run`` in this process (workers as given) and samples, every ``--every``
seconds: the phase (read = workers reading and the batches loading; link; checks; end), the
files done, VmRSS of this process, Python's allocated blocks (``sys.getallocatedblocks``: the
Python objects alive), DuckDB's own memory (``duckdb_memory()``, asked on a cursor of the run's
database), the PSS of the whole process tree (this process, the fork server, the workers: what
run_bench.py's peak sums) and the largest PSS below this process (a worker's; once the workers
are gone, the fork server's, which then holds the pages they shared alone). ``--set
NAME=VALUE``: a DuckDB setting for the run's connection, to measure one (e.g.
``allocator_flush_threshold``). At the end it prints each phase's peaks and, for the read
phase, the slope per 1,000 files (least squares over the samples past the first 10 %), so two
corpus sizes need not both be run to see what grows. ``--tracemalloc N``: snapshots of Python's
allocations at N and at the end of reading, and the top 15 lines that grew between them (slows
the parent).

Usage:

    python bench/mem_trace.py bench/corpus/txt-30000 --db /tmp/t.duckdb --workers 2
    python bench/mem_trace.py bench/corpus/txt-10000 --db /tmp/t.duckdb --tracemalloc 2000
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))  # after PYTHONPATH: it picks the code measured

from run_bench import _kb, tree  # noqa: E402 - bench/ is on sys.path when this runs as a script


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--every", type=float, default=0.5)
    ap.add_argument("--tracemalloc", type=int, default=0, help="snapshot at this many files and at the end of reading")
    ap.add_argument("--out", type=Path, help="write the samples here (JSON lines)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="a DuckDB setting for the run's connection (e.g. allocator_flush_threshold=16MB)")
    args = ap.parse_args()

    import pipeline.checks as checks_mod
    import pipeline.load as load_mod
    import pipeline.run as run_mod

    for f in (args.db, args.db.with_name(args.db.name + ".wal")):
        f.unlink(missing_ok=True)
    state = {"phase": "start", "done": 0, "store": None, "snap": None, "diff": None}

    class Traced(load_mod.Store):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            for setting in args.set:
                name, _, value = setting.partition("=")
                self.con.execute(f"SET {name} = '{value}'")
            state["store"] = self
            state["cursor"] = self.con.cursor()

    def marked(name, fn):
        def wrapper(*a, **k):
            state["phase"] = name
            return fn(*a, **k)
        return wrapper

    run_mod.Store = Traced
    run_mod.link_units = marked("link", run_mod.link_units)
    run_mod.run_checks = marked("checks", checks_mod.run_checks)
    original_coverage = load_mod.Store.coverage
    Traced.coverage = lambda self: (state.__setitem__("phase", "end"), original_coverage(self))[1]

    if args.tracemalloc:
        tracemalloc.start(8)

    def progress(done: int, total: int, name: str) -> None:
        state["done"] = done
        if state["phase"] == "start" and done:
            state["phase"] = "read"
        if args.tracemalloc and done == args.tracemalloc:
            state["snap"] = tracemalloc.take_snapshot()
        if args.tracemalloc and done == total and state["snap"] is not None:
            state["diff"] = tracemalloc.take_snapshot().compare_to(state["snap"], "lineno")

    samples: list[dict] = []
    stop = threading.Event()
    started = time.monotonic()

    def sample() -> None:
        while not stop.wait(args.every):
            db = 0
            cur = state.get("cursor")
            if cur is not None:
                try:
                    db = cur.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0] or 0
                except Exception:  # noqa: BLE001 - a sample missed, not a failed run
                    db = -1
            below = [_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p, depth in tree(os.getpid()) if depth]
            parent = _kb("/proc/self/smaps_rollup", "Pss:")
            samples.append({"t": round(time.monotonic() - started, 2), "phase": state["phase"], "done": state["done"],
                            "rss_mb": round(_kb("/proc/self/status", "VmRSS") / 1024, 1), "blocks_k": sys.getallocatedblocks() // 1000,
                            "duckdb_mb": round(db / 2**20, 1) if db >= 0 else None,
                            "tree_pss_mb": round((parent + sum(below)) / 1024, 1),
                            "worker_pss_mb": round(max(below, default=0) / 1024, 1)})

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    summary = run_mod.run([args.folder], args.db, quiet=True, workers=args.workers, progress=progress)
    stop.set()
    thread.join()
    wall = time.monotonic() - started
    if args.out:
        args.out.write_text("".join(json.dumps(s) + "\n" for s in samples))
    print(f"{args.folder.name}: {summary.read} read, {summary.facts} facts, {summary.findings} findings, {wall:.0f} s")
    for phase in ("read", "link", "checks", "end"):
        got = [s for s in samples if s["phase"] == phase]
        if got:
            print(f"  {phase:7s} {got[-1]['t'] - got[0]['t']:6.0f} s  peak RSS {max(s['rss_mb'] for s in got):6.0f} MB"
                  f"  blocks {max(s['blocks_k'] for s in got):6d} k"
                  f"  DuckDB {max((s['duckdb_mb'] or 0) for s in got):6.0f} MB"
                  f"  tree PSS {max(s['tree_pss_mb'] for s in got):6.0f} MB"
                  f"  a worker's PSS {max(s['worker_pss_mb'] for s in got):5.0f} MB")
    read = [s for s in samples if s["phase"] == "read" and s["done"] > 0.1 * summary.seen]
    if len(read) > 2:
        for key in ("rss_mb", "blocks_k", "duckdb_mb", "tree_pss_mb", "worker_pss_mb"):
            xs = [s["done"] / 1000 for s in read if s[key] is not None]
            ys = [s[key] for s in read if s[key] is not None]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            var = sum((x - mx) ** 2 for x in xs)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0
            print(f"  read slope {key}: {slope:+.2f} per 1,000 files")
    if state["diff"]:
        print(f"  tracemalloc: grew between {args.tracemalloc} files and the end of reading")
        for stat in state["diff"][:15]:
            print("   ", stat)


if __name__ == "__main__":
    main()
