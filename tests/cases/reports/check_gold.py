"""Check the dev-set answer keys against their reports.

For every gold/<report>.yaml: the report exists; every metric is in shared metrics.yaml;
every quote is a verbatim substring of the report; the quote holds a number that, scaled
by the unit written after it (亿 / 万 / 元; a bare number in a yuan metric is read as 万元,
the unit of every table in this set), equals the fact's value; approx facts carry a
qualifier (余 近 约 左右 以上 多) and exact facts do not carry one next to the number;
every finding names known metrics that have facts. Full-width digits and Chinese
numerals (十二, 二十三, 八百, 两) are read too.

Usage:  python tests/cases/reports/check_gold.py   (exit 1 on any problem)
"""
from __future__ import annotations

import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
METRICS_CANDIDATES = [
    p / "tests" / "fixtures" / "shared" / "metrics.yaml" for p in HERE.parents
] + [Path("/work/shared/metrics.yaml")]
QUALIFIERS = ("余", "近", "约", "左右", "以上", "多")
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def load_metrics() -> dict:
    for p in METRICS_CANDIDATES:
        if p.exists():
            return yaml.safe_load(p.read_text(encoding="utf-8"))
    raise SystemExit("metrics.yaml not found")


def cn_to_int(s: str) -> int:
    total, cur = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            cur = CN_DIGITS[ch]
        else:
            total += (cur or 1) * CN_UNITS[ch]
            cur = 0
    return total + cur


def numbers(quote: str):
    """Yield (Decimal value, text after the number) for each number in the quote."""
    text = unicodedata.normalize("NFKC", quote)
    for m in re.finditer(r"\d[\d,]*(?:\.\d+)?", text):
        yield Decimal(m.group().replace(",", "")), text[m.end():], text[max(0, m.start() - 2):m.start()]
    for m in re.finditer(r"[零一二两三四五六七八九十百千]+", text):
        if any(c in CN_UNITS for c in m.group()) or len(m.group()) == 1:
            yield Decimal(cn_to_int(m.group())), text[m.end():], text[max(0, m.start() - 2):m.start()]


def scale(after: str, unit: str) -> Decimal:
    after = after.lstrip()
    if unit != "yuan":
        return Decimal(1)
    if after.startswith("亿"):
        return Decimal(100000000)
    if after.startswith("万"):
        return Decimal(10000)
    if after.startswith("元"):
        return Decimal(1)
    return Decimal(10000)  # bare table cell: every table in this set is in 万元


def main() -> int:
    metrics = load_metrics()
    problems, n_facts, n_findings = [], 0, 0
    golds = sorted((HERE / "gold").glob("*.yaml"))
    for gp in golds:
        g = yaml.safe_load(gp.read_text(encoding="utf-8"))
        rp = HERE / g["doc"]
        if not rp.exists():
            problems.append(f"{gp.name}: report {g['doc']} missing")
            continue
        report = rp.read_text(encoding="utf-8")
        if g.get("unit") and g["unit"] not in report:
            problems.append(f"{gp.name}: unit {g['unit']} not named in the report")
        if str(g.get("year")) not in report:
            problems.append(f"{gp.name}: year {g.get('year')} not in the report")
        seen = set()
        fact_metrics = set()
        for f in g.get("facts") or []:
            n_facts += 1
            m, v, quote = f["metric"], Decimal(str(f["value"])), f["quote"]
            tag = f"{gp.name}: {m}={f['value']} «{quote}»"
            fact_metrics.add(m)
            if m not in metrics:
                problems.append(f"{tag}: unknown metric")
                continue
            key = (m, v, f.get("basis"))
            if key in seen:
                problems.append(f"{tag}: duplicate fact")
            seen.add(key)
            if quote not in report:
                problems.append(f"{tag}: quote not in report")
            unit = metrics[m]["unit"]
            hits = [(n, after, before) for n, after, before in numbers(quote) if n * scale(after, unit) == v]
            if not hits:
                problems.append(f"{tag}: no number in the quote gives the value")
                continue
            approx = bool(f.get("approx"))
            qualified = any(
                after.lstrip().startswith(qq) or after.lstrip()[1:].startswith(qq) or after.lstrip()[2:].startswith(qq)
                for _, after, before in hits for qq in QUALIFIERS
            ) or any(
                before.endswith(("近", "约")) and not before.endswith(("签约", "节约", "合约", "制约"))
                for _, _, before in hits
            )
            if approx and not qualified:
                problems.append(f"{tag}: approx but no qualifier next to the number")
            if not approx and qualified:
                problems.append(f"{tag}: qualifier next to the number but approx not set")
            if f.get("basis") not in (None, "budget", "actual"):
                problems.append(f"{tag}: bad basis")
        for x in g.get("findings") or []:
            n_findings += 1
            if x.get("check") not in {"conflict", "sum", "ratio", "staffing", "yoy", "zero"}:
                problems.append(f"{gp.name}: finding with unknown check {x.get('check')}")
            for m in x.get("metrics") or []:
                if m not in metrics:
                    problems.append(f"{gp.name}: finding names unknown metric {m}")
                elif m not in fact_metrics:
                    problems.append(f"{gp.name}: finding names {m}, which has no fact")
    reports = sorted(p.name for p in HERE.glob("*.txt"))
    keyed = {yaml.safe_load(p.read_text(encoding="utf-8"))["doc"] for p in golds}
    for r in reports:
        if r not in keyed:
            problems.append(f"report {r} has no gold file")
    for p in problems:
        print(p)
    print(f"{len(golds)} gold files, {n_facts} facts, {n_findings} findings, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
