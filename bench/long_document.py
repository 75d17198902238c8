"""Is any per-file stage super-linear? CPU time per MB of one long document, stage by stage.

Builds compiled volumes (汇编: many varied sample reports in one .txt, as make_corpus.py varies
them) of the requested sizes, then runs ``process_file``'s stages on each in this process and
prints CPU ms per MB for every stage. A flat column means the stage is linear in the size.
``--whole`` also times ``process_file`` itself and its peak RSS (this process's max RSS).

Usage:

    python bench/long_document.py --sizes 0.01,0.1,1,3 --out /tmp/volumes
    python bench/long_document.py --sizes 30 --out /tmp/volumes --whole
"""
from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def build_volume(path: Path, megabytes: float, seed: int = 1) -> Path:
    """A .txt of about ``megabytes`` MB: varied sample reports one after another (UTF-8)."""
    import make_corpus

    if path.exists() and abs(path.stat().st_size - megabytes * 2**20) < 64 * 2**10 + megabytes * 2**20 * 0.01:
        return path
    samples = make_corpus.load_samples()
    rng, parts, size, i = random.Random(seed), [], 0, 0
    while size < megabytes * 2**20:
        text, unit, year = samples[rng.randrange(len(samples))]
        new_unit = make_corpus.unit_name(i // make_corpus.YEARS_PER_UNIT)
        text = make_corpus.vary(text, unit, year, new_unit, make_corpus.FIRST_YEAR + i % make_corpus.YEARS_PER_UNIT, rng)
        parts.append(text)
        size += len(text.encode("utf-8")) + 2
        i += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(parts), encoding="utf-8")
    return path


def stage_times(path: Path, ruleset) -> dict[str, float]:
    """CPU seconds of each of process_file's stages on one file."""
    from pipeline.attribute import attribute
    from pipeline.extract import extract
    from pipeline.ingest import read_document
    from pipeline.reading import read_text, readable_document, restore
    from pipeline.scope import scope
    from pipeline.segment import read_meta, segment
    from pipeline.selfeval.read import self_evaluation

    clock, out = time.process_time, {}
    t = clock()
    original = read_document(path)
    out["ingest"], t = clock() - t, clock()
    reading = read_text(original.text, ruleset.reading)
    document = readable_document(original, reading)
    out["reading"], t = clock() - t, clock()
    sentences = segment(document, ruleset.layout)
    out["segment"], t = clock() - t, clock()
    meta = read_meta(document, ruleset.layout)
    out["meta"], t = clock() - t, clock()
    facts = extract(document, sentences, meta, ruleset)
    out["extract"], t = clock() - t, clock()
    attributed, mentions = attribute(document, sentences, facts, meta, ruleset)
    out["attribute"], t = clock() - t, clock()
    facts = scope(sorted(facts + attributed, key=lambda f: (f.start, f.kind)), document.text, ruleset.scope)
    out["scope"], t = clock() - t, clock()
    restore(facts, reading, original.text), restore(mentions, reading, original.text)
    out["restore"], t = clock() - t, clock()
    self_evaluation(original, document, reading, ruleset)
    out["selfeval"] = clock() - t
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="0.01,0.1,1,3,10,30", help="MB, comma-separated")
    ap.add_argument("--out", type=Path, default=Path("/tmp/jixiao-volumes"))
    ap.add_argument("--whole", action="store_true", help="time process_file itself (and its peak RSS)")
    args = ap.parse_args(argv)

    from pipeline.rules import load_rules
    from pipeline.workers import warm_up

    ruleset = load_rules()
    warm_up(ruleset)
    sizes = [float(s) for s in args.sizes.split(",")]
    rows = []
    for mb in sizes:
        path = build_volume(args.out / f"volume-{mb:g}MB.txt", mb)
        real_mb = path.stat().st_size / 2**20
        if args.whole:
            from pipeline.process import process_file

            t = time.process_time()
            ex = process_file(path, ruleset)
            secs = time.process_time() - t
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{path.name}: {real_mb:.2f} MB, process_file {secs:.1f} CPU s ({1000 * secs / real_mb:.0f} ms/MB), "
                  f"{len(ex.facts):,} facts, peak RSS {rss:.0f} MB", flush=True)
            continue
        times = stage_times(path, ruleset)
        rows.append((real_mb, times))
        print(f"{path.name}: {real_mb:.2f} MB, {sum(times.values()):.1f} CPU s", file=sys.stderr, flush=True)
    if rows:
        names = list(rows[0][1])
        print("| MB | " + " | ".join(names) + " | total |")
        print("|---:|" + "---:|" * (len(names) + 1))
        for mb, times in rows:
            cells = " | ".join(f"{1000 * times[n] / mb:.0f}" for n in names)
            print(f"| {mb:.2f} | {cells} | {1000 * sum(times.values()) / mb:.0f} |")
        print("\n(CPU ms per MB of the file; a column that grows with the size is super-linear)")


if __name__ == "__main__":
    main()
