"""Generate a synthetic corpus of 绩效自评报告 from the sample reports, for throughput measurements.

Each report is one of the sample reports (data/raw/*.txt|docx|pdf, read with
``pipeline.ingest.read_document``) with its figures scaled, its unit renamed and its years
shifted (each synthetic unit reports for four consecutive years, so the year-on-year checks
have work), generic wording swapped (bench/variants.yaml) and runs of body paragraphs
shuffled, written as
.txt (UTF-8, or GB18030 for a share of them), .docx or .pdf in the requested mix. The same seed
gives the same corpus. Output goes under bench/corpus/ (git-ignored).

Usage:

    python bench/make_corpus.py --count 1000 --mix txt=1 --out bench/corpus/txt-1000
    python bench/make_corpus.py --count 1000 --mix txt=6,docx=3,pdf=1 --out bench/corpus/mix-1000
"""
from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
VARIANTS = yaml.safe_load((Path(__file__).with_name("variants.yaml")).read_text(encoding="utf-8"))
NUMBER = re.compile(r"(?<![\d.])(\d+)(\.\d+)?(?![\d.])")
YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")


YEARS_PER_UNIT = 4  # each synthetic unit reports for this many consecutive years
FIRST_YEAR = 2019


def load_samples(raw: Path = RAW) -> list[tuple[str, str, int | None]]:
    """(text, unit name, year) of every sample report; unit and year from catalog.csv when it has them."""
    from pipeline.ingest import read_document

    catalog = {}
    if (raw / "catalog.csv").exists():
        with open(raw / "catalog.csv", encoding="utf-8-sig", newline="") as fh:
            catalog = {row["file"]: row for row in csv.DictReader(fh)}
    files = sorted(p for p in raw.iterdir() if p.suffix.lower() in {".txt", ".docx", ".pdf"})
    out = []
    for p in files:
        row = catalog.get(p.name, {})
        year = (row.get("year") or "").strip()
        out.append((read_document(p).text, row.get("unit") or "", int(year) if year.isdigit() else None))
    return out


def unit_name(k: int) -> str:
    """The k-th synthetic unit: place + town + suffix, spread so that neighbours differ."""
    places, towns, suffixes = VARIANTS["places"], VARIANTS["towns"], VARIANTS["suffixes"]
    k = (k * 7919) % (len(places) * len(towns) * len(suffixes))  # 7919 is prime: a permutation
    return places[k % len(places)] + towns[k // len(places) % len(towns)] + suffixes[k // (len(places) * len(towns))]


def vary(text: str, unit: str, sample_year: int | None, new_unit: str, year: int, rng: random.Random) -> str:
    """A new report from a sample: another unit and year, other figures and wording."""
    shift = year - sample_year if sample_year else 0
    factor = rng.uniform(0.5, 2.0)
    if unit:
        text = text.replace(unit, new_unit)
    for a, b in VARIANTS["synonyms"]:
        if rng.random() < 0.5:
            text = text.replace(a, b)
        elif rng.random() < 0.5:
            text = text.replace(b, a)
    text = YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    text = NUMBER.sub(lambda m: _scale(m, factor), text)
    text = _shuffle_paragraphs(text, rng)
    title = text.strip().split("\n", 1)[0]
    if new_unit not in title:  # reports are titled with their unit and year; some samples are not
        text = VARIANTS["title"].format(unit=new_unit, year=year) + "\n" + text
    return text


def _scale(m: re.Match, factor: float) -> str:
    whole, frac = m.group(1), m.group(2) or ""
    if (not frac and int(whole) <= 12) or YEAR.fullmatch(whole):  # list numbers, months; years
        return m.group(0)
    places = len(frac) - 1 if frac else 0
    value = round(float(whole + frac) * factor, places)
    return f"{value:.{places}f}"


def _shuffle_paragraphs(text: str, rng: random.Random) -> str:
    """Shuffle runs of consecutive body paragraphs (lines over 30 characters), half of them."""
    lines, out, run = text.split("\n"), [], []
    for line in lines + [""]:
        if len(line) > 30:
            run.append(line)
            continue
        if len(run) > 1 and rng.random() < 0.5:
            rng.shuffle(run)
        out += run + [line]
        run = []
    return "\n".join(out[:-1])


# --- writers -------------------------------------------------------------------------------

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')


def write_docx(path: Path, text: str) -> None:
    """A minimal .docx (what Word needs to open it): one paragraph per line."""
    body = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' for line in text.split("\n"))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/document.xml", xml)


def write_pdf(path: Path, text: str) -> None:
    """A text-layer A4 PDF (reportlab, CID font STSong-Light: no font file needed)."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    rl_config.invariant = 1
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")
    story = [Paragraph(escape(line), style) for line in text.split("\n") if line.strip()]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def write(path: Path, text: str, rng: random.Random, gb18030_share: float) -> None:
    if path.suffix == ".docx":
        write_docx(path, text)
    elif path.suffix == ".pdf":
        write_pdf(path, text)
    else:
        path.write_bytes(text.encode("gb18030" if rng.random() < gb18030_share else "utf-8"))


# --- the corpus ----------------------------------------------------------------------------

def parse_mix(mix: str) -> list[tuple[str, float]]:
    """"txt=6,docx=3,pdf=1" → [("txt", 0.6), ("docx", 0.3), ("pdf", 0.1)]."""
    parts = [(k.strip(), float(v)) for k, v in (p.split("=") for p in mix.split(","))]
    total = sum(w for _, w in parts)
    return [(k, w / total) for k, w in parts]


def _make_one(args) -> int:
    i, out, seed, mix, gb18030_share = args
    rng = random.Random(seed * 1_000_003 + i)
    text, unit, sample_year = SAMPLES[rng.randrange(len(SAMPLES))]
    new_unit, year = unit_name(i // YEARS_PER_UNIT), FIRST_YEAR + i % YEARS_PER_UNIT
    text = vary(text, unit, sample_year, new_unit, year, rng)
    kind = rng.choices([k for k, _ in mix], [w for _, w in mix])[0]
    path = Path(out) / f"{i:06d}_{new_unit}_{year}.{kind}"
    write(path, text, rng, gb18030_share)
    return path.stat().st_size


SAMPLES: list[tuple[str, str, int | None]] = []


def _init(samples):
    global SAMPLES
    SAMPLES = samples


def make_corpus(out: Path, count: int, mix: str = "txt=1", seed: int = 1, gb18030_share: float = 0.2,
                jobs: int = 2) -> int:
    """Write ``count`` reports into ``out``; return their total size in bytes."""
    out.mkdir(parents=True, exist_ok=True)
    samples = load_samples()
    tasks = [(i, str(out), seed, parse_mix(mix), gb18030_share) for i in range(count)]
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(samples,)) as pool:
        return sum(pool.map(_make_one, tasks, chunksize=50))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--mix", default="txt=1", help="format weights, e.g. txt=6,docx=3,pdf=1")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gb18030", type=float, default=0.2, help="share of .txt files written in GB18030")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    started = time.monotonic()
    size = make_corpus(args.out, args.count, args.mix, args.seed, args.gb18030, args.jobs)
    print(f"{args.count} reports, {size / 2**20:.1f} MB in {args.out} ({time.monotonic() - started:.0f} s)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
