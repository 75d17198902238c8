"""Where the time goes, stage by stage, on a sample of a corpus, in one process (no workers).

Stages timed per file: ingest (read_document), reading, segment, meta (read_meta), extract (split
with cProfile into the rule scan, normalize, tables, parts, jieba word bounds), attribute, scope,
restore, self-evaluation (pipeline/selfeval, as process_file calls it); then load
(Store.write_batch, batches of 100) and the checks (run_checks + replace_findings). Also times
each rule's pattern alone over every text: which rules cost most.

Usage:

    python bench/profile_stages.py bench/corpus/txt-1000 --files 300
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections import defaultdict
from pathlib import Path

# extract's own functions (pipeline/extraction/*.py, normalize.py) → a sub-stage name
SUBSTAGES = {
    ("scan.py", "find_hits"): "extract: rule scan (regex + context)",
    ("scan.py", "_word_bounds"): "extract: jieba word bounds",
    ("resolve.py", "to_facts"): "extract: hits → facts",
    ("normalize.py", "parse_quantity"): "normalize (parse_quantity)",
    ("tables.py", "extract_tabular"): "extract: tables and forms",
    ("parts.py", "enumerate_parts"): "extract: 其中 parts",
}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--files", type=int, default=300)
    ap.add_argument("--suffix", help="only files with this suffix, e.g. .pdf")
    ap.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                    help="stage times in CPU time of this process (steadier on a shared machine) or wall time")
    args = ap.parse_args(argv)

    from pipeline.attribute import attribute
    from pipeline.checks import run_checks
    from pipeline.extract import extract
    from pipeline.reading import read_text, readable_document, restore
    from pipeline.scope import scope
    from pipeline.ingest import read_document
    from pipeline.load import Store
    from pipeline.model import Extraction
    from pipeline.rules import load_rules
    from pipeline.segment import read_meta, segment
    from pipeline.selfeval.read import self_evaluation
    from pipeline.workers import warm_up

    t = time.perf_counter()
    ruleset = load_rules()
    t_rules = time.perf_counter() - t
    t = time.perf_counter()
    warm_up(ruleset)
    t_warm = time.perf_counter() - t
    files = sorted(p for p in args.corpus.iterdir() if p.is_file() and p.suffix == (args.suffix or p.suffix))
    files = files[: args.files]
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    stage = defaultdict(float)
    extractions, texts = [], []
    for path in files:  # pass 1: stage times, no profiler (it inflates call-heavy code)
        t0 = clock()
        original = read_document(path)
        t1 = clock()
        reading = read_text(original.text, ruleset.reading)
        document = readable_document(original, reading)
        t1b = clock()
        sentences = segment(document, ruleset.layout)
        t2 = clock()
        meta = read_meta(document, ruleset.layout)
        t3 = clock()
        facts = extract(document, sentences, meta, ruleset)
        t4 = clock()
        attributed, mentions = attribute(document, sentences, facts, meta, ruleset)
        t5 = clock()
        facts = scope(sorted(facts + attributed, key=lambda f: (f.start, f.kind)), document.text, ruleset.scope)
        t6 = clock()
        facts, mentions = restore(facts, reading, original.text), restore(mentions, reading, original.text)
        t7 = clock()
        self_evaluation(original, document, reading, ruleset)
        t8 = clock()
        stage["ingest"] += t1 - t0
        stage["reading (script, glosses, spaces)"] += t1b - t1
        stage["segment"] += t2 - t1b
        stage["meta"] += t3 - t2
        stage["extract (incl. normalize)"] += t4 - t3
        stage["attribute (quantities, cues)"] += t5 - t4
        stage["scope"] += t6 - t5
        stage["restore offsets"] += t7 - t6
        stage["self-evaluation (pipeline/selfeval)"] += t8 - t7
        extractions.append(Extraction(original, meta, tuple(facts), tuple(mentions)))
        texts.append(document.text)
    profile = cProfile.Profile()  # pass 2: inside extract, under the profiler
    for ex in extractions:
        sentences = segment(ex.document, ruleset.layout)
        profile.enable()
        extract(ex.document, sentences, ex.meta, ruleset)
        profile.disable()

    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.duckdb") as store:
        t = clock()
        for i in range(0, len(extractions), 100):
            store.write_batch(extractions[i:i + 100])
        stage["load (write_batch)"] = clock() - t
        t = clock()
        findings = list(run_checks(store.con))
        stage["checks (run_checks)"] = clock() - t
        t = clock()
        store.replace_findings(findings)
        stage["checks (replace_findings)"] = clock() - t

    sub = defaultdict(float)
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in pstats.Stats(profile).stats.items():
        name = SUBSTAGES.get((Path(filename).name, func))
        if name:
            sub[name] += ct

    per_rule = []
    for rule in ruleset.rules:
        t = clock()
        for text in texts:
            for _ in rule.pattern.finditer(text):
                pass
        per_rule.append((clock() - t, rule.id, rule.source))

    n = len(files)
    total = sum(v for k, v in stage.items())
    print(f"{n} files from {args.corpus}; once per process: rules {t_rules:.2f} s, warm-up (jieba) {t_warm:.2f} s\n")
    print("| stage | ms/file | share |\n|---|---:|---:|")
    for k, v in stage.items():
        print(f"| {k} | {1000 * v / n:.2f} | {100 * v / total:.0f}% |")
    print("\n| inside extract, under cProfile (cumulative, overlapping; profiler overhead included) | ms/file |\n|---|---:|")
    for k, v in sorted(sub.items(), key=lambda kv: -kv[1]):
        print(f"| {k} | {1000 * v / n:.2f} |")
    print("\n| rule (pattern alone over every text) | ms/file | source |\n|---|---:|---|")
    for secs, rid, src in sorted(per_rule, reverse=True)[:10]:
        print(f"| {rid} | {1000 * secs / n:.2f} | {src} |")
    print(f"| all {len(per_rule)} rules | {1000 * sum(s for s, _, _ in per_rule) / n:.2f} | |")
    print("\nTop functions inside extract (tottime):")
    pstats.Stats(profile).sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
