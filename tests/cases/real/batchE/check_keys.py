"""Check the batch-E answer keys against their docs (independent of the project's rules).

- every doc has a key and vice versa; doc: field names the file
- metric keys exist in /work/shared/metrics.yaml
- every quote is a verbatim substring of its doc
- the value is produced by a number inside the quote under the scaling rules
  (yuan: x1 / x1e4 万 / x1e8 亿; ratio: % / 100; counts and points: x1)
- approx set exactly where a qualifier (余 近 约 左右 以上 多) touches the figure
- no duplicate (metric, value, basis)
- findings name known checks and metrics
"""
import pathlib, re, sys
from decimal import Decimal
import yaml

HERE = pathlib.Path(__file__).parent
METRICS = yaml.safe_load(pathlib.Path("/work/shared/metrics.yaml").read_text(encoding="utf-8"))
CHECKS = {"conflict", "sum", "ratio", "staffing", "yoy", "zero", "score"}
QUAL_AFTER = ("余", "多", "左右", "以上")
QUAL_BEFORE = ("近", "约")
NUM = re.compile(r"\d[\d,]*(?:\.\d+)?")

def candidates(value, unit):
    v = Decimal(str(value))
    if unit == "yuan":
        scales = [(Decimal(1), ""), (Decimal(10000), "万"), (Decimal(100000000), "亿")]
    elif unit == "ratio":
        scales = [(Decimal("0.01"), "%")]
    else:
        scales = [(Decimal(1), "")]
    out = []
    for sc, mark in scales:
        x = v / sc
        s = format(x.normalize(), "f")
        forms = {s}
        if "." not in s:
            forms |= {s + ".0", s + ".00"}
        else:
            ip, fp = s.split(".")
            forms |= {s + "0" * k for k in range(1, 3)}
        out.append((forms, mark))
    return out

def number_strings(quote):
    flat = quote.replace(",", "").replace(" ", "")
    # every digit run (with decimals) and every substring of it, for OCR-merged cells
    subs = set()
    for m in re.finditer(r"[\d.]+", flat):
        t = m.group(0)
        for i in range(len(t)):
            for j in range(i + 1, len(t) + 1):
                subs.add(t[i:j])
    return flat, subs

def qualifier_near(doc, quote, value_forms):
    # look for a qualifier right next to any number of the quote inside the doc
    idx = doc.find(quote)
    seg = doc[max(0, idx - 2): idx + len(quote) + 3]
    for m in NUM.finditer(seg):
        before = seg[max(0, m.start() - 1): m.start()]
        after = seg[m.end(): m.end() + 4]
        if before in QUAL_BEFORE:
            return True
        if any(after.lstrip("万亿元人户个亩名件").startswith(qq) or after.startswith(qq) for qq in QUAL_AFTER):
            return True
    return False

errors, warnings, nfacts, nfind = [], [], 0, 0
docs = {p.name for p in (HERE / "docs").glob("e*.txt")}
keys = {p.name[:-5] for p in (HERE / "gold").glob("e*.txt.yaml")}
for d in sorted(docs - keys):
    errors.append(f"{d}: no key")
for k in sorted(keys - docs):
    errors.append(f"{k}: key without doc")

for k in sorted(keys & docs):
    doc = (HERE / "docs" / k).read_text(encoding="utf-8")
    g = yaml.safe_load((HERE / "gold" / f"{k}.yaml").read_text(encoding="utf-8"))
    if g.get("doc") != k:
        errors.append(f"{k}: doc field {g.get('doc')!r}")
    if not g.get("unit"):
        errors.append(f"{k}: no unit")
    seen = set()
    for f in g.get("facts") or []:
        nfacts += 1
        m, v, qt = f.get("metric"), f.get("value"), f.get("quote")
        tag = f"{k}: {m}={v}"
        if m not in METRICS:
            errors.append(f"{tag}: unknown metric"); continue
        if qt not in doc:
            errors.append(f"{tag}: quote not in doc: {qt!r}"); continue
        unit = METRICS[m]["unit"]
        flat, subs = number_strings(qt)
        ok, used = False, None
        for forms, mark in candidates(v, unit):
            if forms & subs and (mark in ("", "%") and (mark == "" or "%" in qt) or mark in qt or mark == "万"):
                ok, used = True, mark
                break
        if not ok:
            errors.append(f"{tag}: value not produced by a number in quote {qt!r}")
        elif unit == "yuan" and used == "万" and "万" not in qt:
            if re.search(r"[((]万[元兀][))]|单位[::]\s*万元", doc):
                warnings.append(f"{tag}: 万 scale from the table caption (quote has no 万): {qt!r}")
            else:
                errors.append(f"{tag}: 万 scale but neither the quote nor a table caption says 万元")
        approx = bool(f.get("approx"))
        near = qualifier_near(doc, qt, None)
        if approx and not near:
            errors.append(f"{tag}: approx without qualifier")
        if near and not approx:
            warnings.append(f"{tag}: qualifier near the quote but approx not set: {qt!r}")
        if f.get("basis") not in (None, "budget", "actual"):
            errors.append(f"{tag}: bad basis {f.get('basis')}")
        key = (m, Decimal(str(v)), f.get("basis"))
        if key in seen:
            errors.append(f"{tag}: duplicate (metric, value, basis)")
        seen.add(key)
        for qq in QUAL_BEFORE + QUAL_AFTER:
            pass
    for fd in g.get("findings") or []:
        nfind += 1
        if fd.get("check") not in CHECKS:
            errors.append(f"{k}: finding check {fd.get('check')}")
        for m in fd.get("metrics") or []:
            if m not in METRICS:
                errors.append(f"{k}: finding metric {m}")
        if not fd.get("note"):
            errors.append(f"{k}: finding without note")

# sources.tsv
rows = (HERE / "sources.tsv").read_text(encoding="utf-8").rstrip("\n").split("\n")
if rows[0] != "file\turl\tunit\tyear\tkind\tnotes":
    errors.append("sources.tsv header")
files = [r.split("\t")[0] for r in rows[1:]]
if sorted(files) != sorted(docs):
    errors.append("sources.tsv files differ from docs")
for r in rows[1:]:
    if len(r.split("\t")) != 6:
        errors.append(f"sources.tsv bad row {r[:40]}")
known = set(pathlib.Path("/tmp/known_urls.txt").read_text().split())
for r in rows[1:]:
    if r.split("\t")[1] in known:
        errors.append(f"sources.tsv: reserved/known url {r.split(chr(9))[1]}")

for w in warnings:
    print("WARN", w)
for e in errors:
    print("ERR ", e)
print(f"{len(docs)} docs, {nfacts} facts, {nfind} findings, {len(errors)} errors, {len(warnings)} warnings")
sys.exit(1 if errors else 0)
