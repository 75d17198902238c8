"""Check the reports3 answer keys against the built files and their sources.

    python tests/cases/reports3/verify_reports3.py

For every gold/*.yaml:
  - doc exists, has a catalog.csv row, unit/year agree with the catalog;
  - every metric is a key of shared/metrics.yaml, every value a number;
  - every quote is a verbatim substring of what a reader sees:
      .txt   the decoded file (BOM / GB18030 handled);
      .docx  paragraphs, and table rows as cells joined by TAB (read back with python-docx);
      .pdf   the source text with "|" table lines turned into TAB-joined rows, and the
             prose also checked against the PDF's text layer (pdfminer, whitespace removed);
  - the quote contains a number that, with its unit (元/万元/亿元/亩/公顷/人/名/户/栋/个/件/起/
    批次/%; a bare table cell taken as 万元 or 元; a percentage as a fraction), equals the value;
    Chinese numerals and full-width digits included.
Then it re-does the arithmetic listed under "Checks" in the gold comments (ARITHMETIC below).
Exits 1 on any failure. Independent of jixiao's own code.
"""
from __future__ import annotations

import csv
import math
import re
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
METRICS_YAML = HERE.parent.parent / "fixtures" / "shared" / "metrics.yaml"  # the shared vocabulary, as bundled

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def cn_to_int(s: str) -> int | None:
    total, cur = 0, 0
    for ch in s:
        if ch in CN_DIGITS:
            cur = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (cur or 1) * CN_UNITS[ch]
            cur = 0
        else:
            return None
    return total + cur


SCALE = {"亿元": Decimal(10**8), "万元": Decimal(10**4), "元": Decimal(1), "公顷": Decimal(15)}
NUM = re.compile(r"(?P<num>\d[\d,]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)(?P<tail>余|多|近|左右)?(?P<unit>亿余?元|亿|万元|元|公顷|亩|人|名|户|份|栋|个|件|起|批次|%)?")


def numbers_in(quote: str) -> list[Decimal]:
    """Every candidate value a quote can stand for, in canonical units."""
    q = unicodedata.normalize("NFKC", quote)  # full-width digits -> ASCII
    out: list[Decimal] = []
    for m in NUM.finditer(q):
        raw = m.group("num")
        if raw[0].isdigit():
            val = Decimal(raw.replace(",", ""))
        else:
            n = cn_to_int(raw)
            if n is None:
                continue
            val = Decimal(n)
        unit = (m.group("unit") or "").replace("余", "")
        if unit == "%":  # a percentage -> a fraction (budget.execution_rate)
            out.append(val / 100)
        elif unit in ("亿元", "亿"):
            out.append(val * SCALE["亿元"])
        elif unit in SCALE:
            out.append(val * SCALE[unit])
        elif unit:
            out.append(val)
        else:  # a bare table cell: the table's unit line says 万元 or 元
            out += [val, val * SCALE["万元"]]
    return out


def table_row_text(line: str) -> str:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return "\t".join(c.strip() for c in body.split("|"))


def source_view(stem: str) -> str:
    lines = (HERE / "src" / f"{stem}.txt").read_text(encoding="utf-8").splitlines()
    return "\n".join(table_row_text(l) if l.lstrip().startswith("|") else l for l in lines)


def reader_view(path: Path) -> tuple[str, str | None]:
    """(text to match quotes against, extra squashed text layer for PDFs)."""
    if path.suffix == ".txt":
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            return data[3:].decode("utf-8"), None
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError:
            return data.decode("gb18030"), None
    if path.suffix == ".docx":
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        d = docx.Document(str(path))
        parts = []
        for child in d.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                parts.append(Paragraph(child, d).text)
            elif tag == "tbl":
                for row in Table(child, d).rows:
                    parts.append("\t".join(c.text for c in row.cells))
        return "\n".join(parts), None
    if path.suffix == ".pdf":
        from pdfminer.high_level import extract_text

        layer = re.sub(r"\s+", "", extract_text(str(path)))
        return source_view(path.stem), layer
    raise ValueError(path)


def close(a: Decimal, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


# The arithmetic quoted in the gold comments, re-done here (values as written in the reports).
def _r(x: float, nd: int = 2) -> float:
    return round(x + 1e-12, nd)


ARITHMETIC = {
    "h3_01": [
        ("basic+project=total", _r(796.32 + 440.16) == 1236.48),
        ("personnel+operating=basic", _r(702.15 + 94.17) == 796.32),
        ("project share 35.60%", _r(440.16 / 1236.48 * 100) == 35.60),
        ("basic share is NOT 68.5% (finding)", _r(796.32 / 1236.48 * 100) == 64.40),
        ("三公 parts", _r(1.18 + 3.44 + 0) == 4.62),
        ("三公 下降15.2%", _r(0.83 / (4.62 + 0.83) * 100, 1) == 15.2),
        ("project lines", _r(265 + 120 + 55.16) == 440.16),
        ("net assets", _r(386.75 - 201.33) == 185.42),
        ("projects 29+17", 29 + 17 == 46),
        ("附表 below totals", 486.2 + 392.5 + 216.8 + 305.6 < 2856.7 and 312 + 146 + 97 + 88 < 847 and 205 + 118 + 64 + 53 < 612),
        ("score", _r(8.5 + 9 + 18.5 + 14 + 24 + 19.5, 1) == 93.5 and 10 + 10 + 20 + 15 + 25 + 20 == 100),
    ],
    "h3_02": [
        ("basic+project=total", _r(401.27 + 182.64) == 583.91),
        ("personnel+operating", _r(356.08 + 45.19) == 401.27),
        ("shares", _r(401.27 / 583.91 * 100) == 68.72 and _r(182.64 / 583.91 * 100) == 31.28),
        ("三公", _r(0.58 + 1.78) == 2.36),
        ("project lines", _r(112.40 + 48.62 + 21.62) == 182.64),
        ("net assets", _r(128.64 - 73.90) == 54.74),
        ("resettled 156+137", 156 + 137 == 293),
        ("score", 19 + 28 + 29 + 19 == 95 and 20 + 30 + 30 + 20 == 100),
    ],
    "h3_03": [
        ("basic+project=total", _r(351.9 + 276.5, 1) == 628.4),
        ("personnel+operating", _r(298.7 + 53.2, 1) == 351.9),
        ("shares 56/44", round(351.9 / 628.4 * 100) == 56 and round(276.5 / 628.4 * 100) == 44),
        ("三公", _r(0.95 + 2.2) == 3.15),
        ("附件 200+76.5", _r(200 + 76.5, 1) == 276.5),
        ("satisfaction 463/500", _r(463 / 500 * 100, 1) == 92.6),
        ("staffing finding 16>12", 16 > 12),
        ("conflict 1035!=1053", 1035 != 1053),
        ("score", _r(15 * 4 + 9.5 + 10 + 9 + 10, 1) == 98.5 and 15 * 4 + 10 * 4 == 100),
    ],
    "h3_04": [
        ("basic+project=total", _r(4158236.52 + 1204500.00) == 5362736.52),
        ("personnel+operating", _r(3652810.40 + 505426.12) == 4158236.52),
        ("结余", _r(5410000.00 - 5362736.52) == 47263.48),
        ("执行率", _r(5362736.52 / 5410000 * 100) == 99.13),
        ("shares", [_r(4158236.52 / 5362736.52 * 100), _r(1204500 / 5362736.52 * 100), _r(3652810.40 / 4158236.52 * 100), _r(505426.12 / 4158236.52 * 100)] == [77.54, 22.46, 87.85, 12.15]),
        ("三公", _r(8650 + 27770) == 36420),
        ("project lines", _r(1016300 + 188200) == 1204500),
        ("per 公顷", _r(1016300 / 86.4 / 10000) == 1.18),
        ("公顷->亩", _r(86.4 * 15, 1) == 1296),
        ("score", 20 + 10 + 10 + 10 + 10 + 9 + 10 + 19 == 98 and 20 + 10 * 6 + 20 == 100),
    ],
    "h3_05": [
        ("年初 sums", _r(498.60 + 366.60) == 865.20 and _r(441.20 + 57.40) == 498.60),
        ("调整 sums", _r(512.38 + 612.18) == 1124.56 and _r(455.02 + 57.36) == 512.38),
        ("调整 - 年初", _r(1124.56 - 865.20) == 259.36),
        ("决算 personnel+operating", _r(455.02 + 57.36) == 512.38),
        ("决算 basic+project != total (finding)", _r(512.38 + 630.18) == 1142.56 != 1124.56),
        ("三公", _r(2.00 + 3.50) == 5.50 and _r(1.26 + 2.87) == 4.13 and _r(5.50 - 4.13) == 1.37),
        ("项目 +67%", round((612.18 - 366.60) / 366.60 * 100) == 67),
        ("conflict staff 17 vs 16", 17 != 16),
        ("score", 15 + 15 + 10 + 10 + 15 + 10 + 9 + 14 == 98 and 15 + 15 + 10 + 10 + 15 + 10 + 10 + 15 == 100),
    ],
    "h3_06": [
        ("年初", _r(4850000 + 1270000) == 6120000 and _r(4310000 + 540000) == 4850000),
        ("调整", _r(5302118.60 + 1734393.80) == 7036512.40 and _r(4702118.60 + 600000) == 5302118.60),
        ("决算", _r(5286940.25 + 1671267.40) == 6958207.65 and _r(4699832.07 + 587108.18) == 5286940.25),
        ("结余", _r(7036512.40 - 6958207.65) == 78304.75),
        ("执行 98.89%", _r(6958207.65 / 7036512.40 * 100) == 98.89),
        ("shares", _r(5286940.25 / 6958207.65 * 100) == 75.98 and _r(1671267.40 / 6958207.65 * 100) == 24.02),
        ("三公", 5460 + 16400 == 21860),
        ("projects 5+9", 5 + 9 == 14),
        ("lawsuits 20+2", 20 + 2 == 22),
        ("112.7% / 96.6%", _r(1127 / 1000 * 100, 1) == 112.7 and _r(398 / 412 * 100, 1) == 96.6),
        ("score", 15 + 15 + 10 * 5 + 9 + 10 == 99 and 15 + 15 + 10 * 7 == 100),
    ],
    "h3_07": [
        ("personnel+operating", _r(241.85 + 36.79) == 278.64),
        ("basic+project = income", _r(278.64 + 95.30) == 373.94),
        ("三公", _r(1.00 + 2.00) == 3.00 and _r(0.64 + 1.28) == 1.92 and _r(3.00 - 1.92) == 1.08 and _r(1.08 / 3.00 * 100) == 36),
        ("zero finding", 0 != 373.94),
        ("self-score", 18 + 27 + 29 + 20 == 94 and 20 + 30 + 30 + 20 == 100),
    ],
    "h3_08": [
        ("执行率", _r(342.68 / 350 * 100) == 97.91),
        ("结余", _r(350 - 342.68) == 7.32),
        ("lines", _r(186.4 + 98.52 + 21.36 + 36.4) == 342.68),
        ("per mu 868", round(1864000 / 2147.35) == 868),
        ("satisfaction", _r(386 / 400 * 100, 1) == 96.5),
        ("score", 20 + 10 * 5 + 9 + 10 + 9 == 98 and 20 + 10 * 8 == 100),
    ],
}


def main() -> int:
    metrics = yaml.safe_load(METRICS_YAML.read_text(encoding="utf-8"))
    catalog = {r["file"]: r for r in csv.DictReader((HERE / "catalog.csv").open(encoding="utf-8"))}
    errors: list[str] = []
    n_facts = n_findings = 0
    for gpath in sorted((HERE / "gold").glob("*.yaml")):
        g = yaml.safe_load(gpath.read_text(encoding="utf-8"))
        doc = g["doc"]
        if gpath.name != f"{doc}.yaml":
            errors.append(f"{gpath.name}: doc {doc} does not match the file name")
        path = HERE / doc
        if not path.exists():
            errors.append(f"{doc}: missing")
            continue
        row = catalog.get(doc)
        if not row:
            errors.append(f"{doc}: not in catalog.csv")
        elif row["unit"] != g["unit"] or int(row["year"]) != int(g["year"]):
            errors.append(f"{doc}: catalog {row['unit']} {row['year']} != gold {g['unit']} {g['year']}")
        text, layer = reader_view(path)
        src = source_view(path.stem)
        chars = len(src)
        if not 3000 <= chars <= 8000:
            errors.append(f"{doc}: {chars} characters")
        seen = set()
        for f in g["facts"]:
            n_facts += 1
            m, v, q = f["metric"], f["value"], f["quote"]
            if m not in metrics:
                errors.append(f"{doc}: unknown metric {m}")
            if (m, float(v)) in seen:
                errors.append(f"{doc}: duplicate fact {m}={v}")
            seen.add((m, float(v)))
            if q not in text:
                errors.append(f"{doc}: quote not in reader text: {q!r}")
            if q not in src:
                errors.append(f"{doc}: quote not in src: {q!r}")
            if layer is not None and "\t" not in q and re.sub(r"\s+", "", q) not in layer:
                errors.append(f"{doc}: quote not in PDF text layer: {q!r}")
            if not any(close(c, v) for c in numbers_in(q)):
                errors.append(f"{doc}: value {v} not found in quote {q!r} (saw {numbers_in(q)})")
        for x in g.get("findings") or []:
            n_findings += 1
            if x["check"] not in {"conflict", "sum", "ratio", "staffing", "yoy", "zero", "score"}:
                errors.append(f"{doc}: bad check {x['check']}")
            for m in x["metrics"]:
                if m not in {f["metric"] for f in g["facts"]}:
                    errors.append(f"{doc}: finding metric {m} has no fact")
        key = doc[:5]
        for name, ok in ARITHMETIC.get(key, []):
            if not ok:
                errors.append(f"{doc}: arithmetic check failed: {name}")
        print(f"{doc:45} {chars:5} chars  {len(g['facts']):3} facts  {len(g.get('findings') or []):2} findings")
    print(f"total: {n_facts} facts, {n_findings} findings")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
