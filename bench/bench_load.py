"""The loader alone: ``Store.write_batch`` throughput and the writer's memory, without extraction.

The sample reports are extracted once, then written as ``--files`` renamed copies in batches of
``--batch`` into a fresh database; prints files/s and the process's RSS every fifth of the way.
``--memory-limit`` sets DuckDB's ``memory_limit`` first (e.g. 100MB) to see what it bounds.

Usage:

    python bench/bench_load.py --files 10000 [--memory-limit 100MB]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> int:
    return int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) // 1024


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--memory-limit")
    args = ap.parse_args(argv)

    from pipeline.load import Store
    from pipeline.run import process_file
    from pipeline.rules import load_rules

    ruleset = load_rules()
    samples = [process_file(p, ruleset) for p in sorted((ROOT / "data" / "raw").iterdir())
               if p.suffix in {".txt", ".docx", ".pdf"}]

    def copies(start: int, n: int):
        for i in range(start, start + n):
            ex = samples[i % len(samples)]
            name = f"{i:07d}_{ex.document.doc}"
            yield replace(ex, document=replace(ex.document, doc=name, path=name),
                          facts=tuple(replace(f, doc=name) for f in ex.facts))

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "load.duckdb") as store:
        if args.memory_limit:
            store.con.execute(f"SET memory_limit = '{args.memory_limit}'")
        started = last = time.process_time()  # CPU time (DuckDB threads included): steadier on a shared machine
        step = max(args.files // 5, args.batch)
        for done in range(0, args.files, args.batch):
            store.write_batch(list(copies(done, args.batch)))
            if (done + args.batch) % step == 0:
                now = time.process_time()
                print(f"{done + args.batch:>8,} files  {step / (now - last):7.1f} files per CPU s  RSS {rss_mb()} MB", flush=True)
                last = now
        print(f"total {args.files / (time.process_time() - started):.1f} files per CPU s")


if __name__ == "__main__":
    main()
