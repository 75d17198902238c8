"""OCR engines compared on scans rendered from the seed reports (bench/RESULTS.md, "OCR").

The leading ~2 pages of each seed in data/raw (``--chars``), read as text, are the reference
run (written as a .txt: paragraphs and tab-joined table rows); the same text is drawn onto
A4 pages with Pillow (tests/builders.py ``render_pages``: Noto Sans CJK SC 12 pt, tables as
ruled grids) and saved as an image-only PDF in four variants: clean 300 dpi, clean 150 dpi,
rotated 1.5°, and a red stamp over the upper text. Each variant is read with each engine
(``$JIXIAO_OCR_ENGINE``) by ``process_file`` — the same code path as ``jixiao run`` — and
compared with the reference run:

- CER: edit distance between the reference text and the OCR'd text, whitespace removed,
  divided by the reference length (characters the OCR got wrong, dropped or added);
- figures found: the share of the reference run's facts (metric, kind, value) the scan run
  also found, and how many facts the scan run found that the reference did not (false figures);
- seconds per page: CPU time of this process and its children (Tesseract runs as a program)
  per page, and wall time.

Usage: python bench/ocr_compare.py [--engines rapidocr tesseract] [--variants clean300 …] [--seeds 002 …]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def levenshtein(a: str, b: str) -> int:
    """Edit distance (Myers/Hyyrö bit-parallel: one big-int step per character of ``b``).

    >>> levenshtein("kitten", "sitting"), levenshtein("", "abc"), levenshtein("预算数219.2万元", "预算数219.2万元")
    (3, 3, 0)
    >>> levenshtein("编制数9人", "编制数8人。")
    2
    """
    m = len(a)
    if not m:
        return len(b)
    peq: dict[str, int] = {}
    for i, c in enumerate(a):
        peq[c] = peq.get(c, 0) | (1 << i)
    full, top = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = full, 0, m
    for c in b:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _figures(extraction) -> Counter:
    return Counter((f.metric, str(f.kind), f.value.normalize()) for f in extraction.facts)


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    from pipeline.ingest import read_document
    from pipeline.ocr import engines
    from pipeline.process import process_file
    from pipeline.rules import load_rules
    from pipeline.run import read_catalogs
    from tests.builders import SCAN_VARIANTS, blocks_of_text, leading_blocks, make_scan_pdf, text_of_blocks

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", nargs="+", default=list(engines.ENGINES))
    ap.add_argument("--variants", nargs="+", default=list(SCAN_VARIANTS))
    ap.add_argument("--seeds", nargs="+", default=None, help="file name prefixes in data/raw")
    ap.add_argument("--chars", type=int, default=2500,
                    help="the leading paragraphs and table rows of each seed up to this many characters (~2 pages)")
    args = ap.parse_args()

    raw = ROOT / "data" / "raw"
    seeds = sorted(p for p in raw.iterdir() if p.name != "catalog.csv" and
                   (not args.seeds or any(p.name.startswith(s) for s in args.seeds)))
    entries = read_catalogs([raw])
    ruleset = load_rules()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.engines:
            os.environ[engines.ENGINE_ENV] = engine
            engines.get_engine.cache_clear()
            assert engines.get_engine().name == engine, f"{engine} is not installed"
            for variant in args.variants:
                total = Counter(cer_err=0, cer_len=0, want=0, found=0, extra=0, pages=0)
                cpu = wall = 0.0
                for seed in seeds:
                    blocks = leading_blocks(blocks_of_text(read_document(seed).text), args.chars)
                    text = text_of_blocks(blocks)
                    layer = Path(tmp) / f"{seed.stem}.txt"
                    layer.write_text(text, encoding="utf-8")
                    reference = process_file(layer, ruleset, entries.get(seed.name))
                    scan = make_scan_pdf(Path(tmp) / f"{seed.stem}.{variant}.pdf", blocks, SCAN_VARIANTS[variant])
                    c0, w0 = _cpu(), time.perf_counter()
                    got = process_file(scan, ruleset, entries.get(seed.name), ocr="force")
                    cpu += _cpu() - c0
                    wall += time.perf_counter() - w0
                    want, have = _figures(reference), _figures(got)
                    source = _squeeze(text)
                    total.update(cer_err=levenshtein(source, _squeeze(got.document.text)), cer_len=len(source),
                                 want=sum(want.values()), found=sum((want & have).values()),
                                 extra=sum((have - want).values()), pages=got.document.pages or 0)
                    print(f"{engine:9} {variant:9} {seed.name}: {got.document.pages} pages, "
                          f"{sum((want & have).values())}/{sum(want.values())} figures", file=sys.stderr, flush=True)
                rows.append((engine, variant, total["cer_err"] / total["cer_len"], total["found"], total["want"],
                             total["extra"], total["pages"], cpu / total["pages"], wall / total["pages"]))
    print("| engine | scan | CER | figures found | share | false figures | pages | CPU s/page | wall s/page |")
    print("|---|---|---|---|---|---|---|---|---|")
    for engine, variant, cer, found, want, extra, pages, cpu, wall in rows:
        print(f"| {engine} | {variant} | {cer:.2%} | {found}/{want} | {found / want:.3f} | {extra} | {pages} "
              f"| {cpu:.1f} | {wall:.1f} |")


if __name__ == "__main__":
    main()
