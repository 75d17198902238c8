"""Where a long file's CPU goes when it is read in parts: each part, then the writer's steps.

Runs every part of a long .txt (pipeline/volumes.py) in this process, one after another, and
prints each part's CPU seconds, its facts and quantities, and the size and unpickling cost of
what a worker sends (the Extraction, and the rows pipeline/rows.py builds from it); then what
the parent does with the whole file: joining the parts, ``write_batch`` into a fresh database,
unit linking, the checks and their findings. CPU time of this one process (``time.process_time``).

Usage:

    python bench/volume_parts.py /tmp/volumes/volume-30MB.txt [--db /tmp/volume.duckdb]
"""
from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--db", type=Path, default=Path("/tmp/jixiao-volume-parts.duckdb"))
    args = ap.parse_args(argv)

    from pipeline.checks import run_checks
    from pipeline.linking import link_units
    from pipeline.load import Store
    from pipeline.process import process_file
    from pipeline.rows import merge_rows, rows_of
    from pipeline.rules import load_rules
    from pipeline.volumes import part_count
    from pipeline.workers import warm_up

    ruleset = load_rules()
    warm_up(ruleset)
    clock = time.process_time
    count = part_count(args.path.stat().st_size, args.path.suffix)
    parts = []
    for index in range(count):
        t = clock()
        ex = process_file(args.path, ruleset, part=(index, count))
        spent = clock() - t
        blob, rows = pickle.dumps(ex, protocol=pickle.HIGHEST_PROTOCOL), rows_of(ex)
        rows_blob = pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)
        t = clock()
        pickle.loads(blob)
        ex_s, t = clock() - t, clock()
        parts.append(pickle.loads(rows_blob))
        rows_s = clock() - t
        print(f"part {index}: {spent:.2f} CPU s, {len(ex.facts):,} facts, {len(ex.mentions):,} quantities; "
              f"unpickle Extraction {len(blob) / 2**20:.1f} MB {ex_s:.2f} s, Rows {len(rows_blob) / 2**20:.1f} MB "
              f"{rows_s:.2f} s", flush=True)
        del ex, blob, rows, rows_blob
    t = clock()
    whole = merge_rows(parts)
    print(f"join parts: {clock() - t:.2f} CPU s")
    del parts
    args.db.unlink(missing_ok=True)
    with Store(args.db, metrics=ruleset.metrics) as store:
        t = clock()
        store.write_batch([whole])
        print(f"write_batch: {clock() - t:.2f} CPU s")
        del whole
        t = clock()
        link_units(store.con, ruleset)
        print(f"link units: {clock() - t:.2f} CPU s")
        t = clock()
        findings = store.replace_findings(run_checks(store.con, ruleset))
        print(f"checks + findings: {clock() - t:.2f} CPU s ({findings:,} findings)")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
