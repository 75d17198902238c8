#!/usr/bin/env python3
"""Check the answer keys of the plain-text dev sets (tests/cases/reports, reports2, reports4, reports5)
against their reports, independently of jixiao's own code.

For every FOLDER/gold/*.yaml: the report exists, names the key's unit and year; each fact's
metric is in metrics.yaml; each quote is a verbatim substring of the report; some number in the
quote, scaled by the unit that follows it (万 x1e4, 亿 x1e8, 公顷 x15, % x0.01; a bare table cell may be
in 万元), equals the value; approx is set exactly when a qualifier (余 近 约 左右 以上 多) touches
the figure; findings use known checks, known metrics, and metrics the key has facts of; every
report has a key. Prints one line per problem and a summary; exit 1 on any problem.
(tests/cases/reports3 has its own verifier: it reads .docx and .pdf.)

Usage: python tests/cases/verify_gold.py [FOLDER ...] [--metrics tests/fixtures/shared/metrics.yaml]
"""
from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FOLDERS = (HERE / "reports", HERE / "reports2", HERE / "reports4", HERE / "reports5")
METRICS = HERE.parent / "fixtures" / "shared" / "metrics.yaml"
CHECKS = {"conflict", "sum", "ratio", "staffing", "yoy", "zero", "score"}
QUAL_BEFORE = ("近", "约")
QUAL_AFTER = ("余", "左右", "以上", "多")
# the traditional forms of the characters the checks look at (real pages: tests/cases/real)
REAL_PAGES = False  # --real: pages whose unit and year annotators inferred (their notes say from what)
TRADITIONAL = str.maketrans("萬億頃畝戶約餘兩個棟項簽", "万亿顷亩户约余两个栋项签")
CN_DIG = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s: str) -> int | None:
    """Chinese numeral below 10,000 -> int ("二十三" -> 23, "三千零四十五" -> 3045)."""
    total, digit = 0, None
    for ch in s:
        if ch in CN_DIG:
            digit = CN_DIG[ch]
        elif ch in CN_UNIT:
            total += (1 if digit is None else digit) * CN_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def numbers(quote: str):
    """Yield (value, start, end) for each figure in the quote, already scaled by its unit."""
    text = unicodedata.normalize("NFKC", quote).translate(TRADITIONAL)
    for m in re.finditer(r"\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+", text):
        raw = m.group(0)
        if raw[0].isdigit():
            v = float(raw.replace(",", ""))
        else:
            iv = cn_to_int(raw)
            if iv is None or (iv == 0 and raw not in ("零", "〇")):
                continue
            v = float(iv)
        after = text[m.end():m.end() + 4].lstrip(" ").lstrip("余多").lstrip(" ")
        scales = [1.0]
        if after.startswith("%"):
            scales = [0.01]  # a percentage -> a fraction (budget.execution_rate)
        elif after.startswith("万"):
            scales = [1e4]
        elif after.startswith("亿"):
            scales = [1e8]
        elif after.startswith("千"):
            scales = [1e3]
        elif after.startswith("公顷"):
            scales = [15.0]
        elif after.startswith(("平方米", "㎡")):
            scales = [1.0, 1 / 666.67]  # land in 平方米 is stated in 亩
        elif not re.match(r"[^\s\d|—-]", after or " "):
            scales = [1.0, 1e4, 0.01]  # bare table cell: table in 万元, or a 执行率 column in %
        for k in scales:
            yield v * k, m.start(), m.end(), text


def touches_qualifier(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 1):start]
    if text[max(0, start - 2):start] in ("约为", "近为"):
        before = text[start - 2]
    if before == "约" and text[max(0, start - 2):start - 1] in ("签", "制", "合", "节", "预", "契"):
        before = ""  # 签约 / 节约 …: not the qualifier 约
    after = text[end:end + 5]
    after = re.sub(r"^(万|亿|千)", "", after)
    return before in QUAL_BEFORE or after.startswith(QUAL_AFTER) or re.match(r"^(?:批次|人次|公顷|[户亩人件栋个元起次名宗项家])?(余|左右|以上|多)", after) is not None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folders", nargs="*", type=Path, default=list(FOLDERS))
    ap.add_argument("--metrics", type=Path, default=METRICS)
    ap.add_argument("--real", action="store_true", help="real pages: the unit and year may be inferred")
    args = ap.parse_args(argv)
    global REAL_PAGES
    REAL_PAGES = args.real
    metrics = yaml.safe_load(args.metrics.read_text(encoding="utf-8"))
    problems, nfacts, nfind, ngold, nreports = [], 0, 0, 0, 0
    for folder in args.folders:
        counts = verify_folder(folder, metrics, problems)
        nfacts, nfind, ngold, nreports = (a + b for a, b in zip((nfacts, nfind, ngold, nreports), counts))
    for p in problems:
        print(p)
    print(f"{ngold} gold files, {nreports} reports, {nfacts} facts, {nfind} findings, {len(problems)} problems")
    return 1 if problems else 0


def verify_folder(folder: Path, metrics: dict, problems: list[str]) -> tuple[int, int, int, int]:
    """Append the problems of one folder's keys; return (facts, findings, gold files, reports)."""
    nfacts = nfind = 0
    golds = sorted((folder / "gold").glob("*.yaml"))
    for g in golds:
        d = yaml.safe_load(g.read_text(encoding="utf-8"))
        docs = folder / "docs" if (folder / "docs").is_dir() else folder
        rep = docs / d["doc"]
        if g.stem not in (d["doc"], Path(d["doc"]).stem):
            problems.append(f"{g.name}: doc field {d['doc']} does not match file name")
        if not rep.exists():
            problems.append(f"{g.name}: report {d['doc']} missing")
            continue
        text = rep.read_text(encoding="utf-8")
        if d.get("unit") and d["unit"] not in text and not REAL_PAGES:
            problems.append(f"{d['doc']}: unit {d['unit']} not named in the report")
        if d.get("year") and str(d["year"]) not in text and not REAL_PAGES:
            problems.append(f"{d['doc']}: year {d['year']} not in the report")
        seen, fact_metrics = set(), set()
        for f in d.get("facts") or []:
            nfacts += 1
            fact_metrics.add(f["metric"])
            tag = f"{d['doc']}: {f['metric']}={f['value']}"
            if f["metric"] not in metrics:
                problems.append(f"{tag}: unknown metric")
            q = f["quote"]
            if q not in text:
                problems.append(f"{tag}: quote not in report: {q!r}")
            hits = [(s, e, t) for v, s, e, t in numbers(q) if math.isclose(v, float(f["value"]), rel_tol=1e-6, abs_tol=1e-6)]
            if not hits:
                problems.append(f"{tag}: no figure in quote {q!r} gives this value")
            else:
                qual = any(touches_qualifier(t, s, e) for s, e, t in hits)
                if qual != bool(f.get("approx")):
                    problems.append(f"{tag}: approx={f.get('approx')} but qualifier={qual} in {q!r}")
            if f.get("basis") not in (None, "budget", "actual"):
                problems.append(f"{tag}: bad basis {f.get('basis')}")
            key = (f["metric"], float(f["value"]), f.get("basis"))
            if key in seen:
                problems.append(f"{tag}: duplicate fact")
            seen.add(key)
        for x in d.get("findings") or []:
            nfind += 1
            if x["check"] not in CHECKS:
                problems.append(f"{d['doc']}: unknown check {x['check']}")
            for m in x.get("metrics") or []:
                if m not in metrics:
                    problems.append(f"{d['doc']}: finding metric {m} unknown")
                elif m not in fact_metrics and not (x["check"] == "score" and m == "score.self"):
                    problems.append(f"{d['doc']}: finding names {m}, which has no fact")
    reports = sorted(p.name for p in (folder / "docs" if (folder / "docs").is_dir() else folder).glob("*.txt"))
    keyed = {yaml.safe_load(g.read_text(encoding="utf-8"))["doc"] for g in golds}
    problems += [f"{folder.name}/{r}: no gold file" for r in reports if r not in keyed]
    return nfacts, nfind, len(golds), len(reports)


if __name__ == "__main__":
    sys.exit(main())
