"""Checks the batchA answer keys: pairing, quotes, values vs numbers in quotes, metric keys,
approx flags, duplicates, and sources.tsv rows. Exit 1 on any problem."""
import re, sys, pathlib, yaml
B = pathlib.Path(__file__).parent
METRICS = yaml.safe_load(open("/work/shared/metrics.yaml", encoding="utf-8"))
QUAL_BEFORE = ("约", "近")
QUAL_AFTER = ("余", "多", "左右", "以上")
NUM = re.compile(r"\d[\d,]*(?:\.\d+)?")
errs = []
docs = {p.name for p in (B / "docs").glob("a*.txt")}
keys = {p.name[:-5] for p in (B / "gold").glob("a*.txt.yaml")}
for d in sorted(docs - keys): errs.append(f"{d}: no key")
for k in sorted(keys - docs): errs.append(f"{k}: key without doc")

def candidates(n, quote, doc, unit):
    c = {n}
    if unit == "yuan" and ("万" in quote or "万元" in doc): c.add(n * 1e4)
    if unit == "yuan" and "亿" in quote: c.add(n * 1e8)
    if unit == "ratio": c.add(n / 100)
    if unit == "mu": c |= {n * 15, n / 666.67}
    return c

for k in sorted(keys & docs):
    doc = (B / "docs" / k).read_text(encoding="utf-8")
    g = yaml.safe_load((B / "gold" / (k + ".yaml")).read_text(encoding="utf-8"))
    if g.get("doc") != k: errs.append(f"{k}: doc field {g.get('doc')}")
    if not g.get("unit"): errs.append(f"{k}: empty unit")
    seen = set()
    for f in g.get("facts") or []:
        m, v, q = f.get("metric"), f.get("value"), f.get("quote", "")
        if m not in METRICS: errs.append(f"{k}: unknown metric {m}"); continue
        if f.get("basis") not in (None, "budget", "actual"): errs.append(f"{k}: bad basis {f.get('basis')}")
        if q not in doc: errs.append(f"{k}: quote not in doc: {q!r}")
        unit = METRICS[m]["unit"]
        hit = None
        for mo in NUM.finditer(q):
            n = float(mo.group().replace(",", ""))
            if any(abs(c - v) <= 1e-6 * max(1, abs(v)) + 1e-9 for c in candidates(n, q, doc, unit)):
                hit = mo; break
        if hit is None: errs.append(f"{k}: {m}={v} not produced by a number in {q!r}")
        else:
            before = q[max(0, hit.start() - 1):hit.start()]
            after = q[hit.end():hit.end() + 4]
            after = re.sub(r"^(万元|万|亿元|元|人|名|个|户|亩|公顷|平方米|件|起|批次|分|%)", "", after)
            qual = before in QUAL_BEFORE or any(after.startswith(s) for s in QUAL_AFTER)
            if qual != bool(f.get("approx")): errs.append(f"{k}: approx flag {f.get('approx')} vs qualifier {qual} in {q!r}")
        key = (m, round(float(v), 4), f.get("basis"))
        if key in seen: errs.append(f"{k}: duplicate {key}")
        seen.add(key)
    for x in g.get("findings") or []:
        if x.get("check") not in ("conflict", "sum", "ratio", "staffing", "yoy", "zero", "score"):
            errs.append(f"{k}: bad finding check {x.get('check')}")
        for m in x.get("metrics", []):
            if m not in METRICS: errs.append(f"{k}: finding metric {m}")
        if not x.get("note"): errs.append(f"{k}: finding without note")

src = B / "sources.tsv"
if src.exists():
    rows = src.read_text(encoding="utf-8").rstrip("\n").split("\n")
    if rows[0] != "file\turl\tunit\tyear\tkind\tnotes": errs.append("sources.tsv: bad header")
    files = []
    for r in rows[1:]:
        c = r.split("\t")
        if len(c) != 6: errs.append(f"sources.tsv: {len(c)} columns: {r[:40]}"); continue
        files.append(c[0])
        if c[4] not in ("land", "other"): errs.append(f"sources.tsv: kind {c[4]}")
    if sorted(files) != sorted(docs): errs.append("sources.tsv: files differ from docs")
    known = set(open("/tmp/known_urls.txt").read().split())
    for r in rows[1:]:
        if r.split("\t")[1] in known: errs.append(f"sources.tsv: known url {r.split(chr(9))[1]}")
else:
    errs.append("sources.tsv missing")
print("\n".join(errs) if errs else f"OK: {len(docs)} docs")
sys.exit(1 if errs else 0)
