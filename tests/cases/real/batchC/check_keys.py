"""Check batchC answer keys: docs<->keys, quotes verbatim, values derivable, metrics known,
approx exactly where a qualifier touches the figure, no duplicate (metric, value, basis)."""
import pathlib, re, sys, yaml
HERE = pathlib.Path(__file__).parent
METRICS = yaml.safe_load(open("/work/shared/metrics.yaml", encoding="utf-8"))
docs = {p.name for p in (HERE / "docs").glob("c*.txt")}
keys = {p.name[:-5] for p in (HERE / "gold").glob("c*.txt.yaml")}
errs = []
for d in sorted(docs ^ keys):
    errs.append(f"{d}: doc without key or key without doc")
NUM = re.compile(r"\d+(?:\.\d+)?")
PRE = ("约", "近", "約")
POST = ("余", "多", "左右", "以上", "餘")
def scales(metric):
    u = METRICS[metric]["unit"]
    if u == "yuan": return [1, 1e4, 1e8]
    if u == "mu": return [1, 15, 1 / 666.67]
    if u == "ratio": return [0.01]
    return [1]
n_facts = n_find = 0
for k in sorted(keys & docs):
    text = (HERE / "docs" / k).read_text(encoding="utf-8")
    g = yaml.safe_load((HERE / "gold" / f"{k}.yaml").read_text(encoding="utf-8"))
    if g.get("doc") != k: errs.append(f"{k}: doc field {g.get('doc')}")
    seen = set()
    for f in g.get("facts") or []:
        n_facts += 1
        m, v, qt = f["metric"], f["value"], f["quote"]
        tag = f"{k}: {m}={v} «{qt}»"
        if m not in METRICS: errs.append(f"{tag}: unknown metric")
        if qt not in text: errs.append(f"{tag}: quote not in doc")
        if f.get("basis") not in (None, "budget", "actual"): errs.append(f"{tag}: bad basis")
        key = (m, float(v), f.get("basis"))
        if key in seen: errs.append(f"{tag}: duplicate")
        seen.add(key)
        hit = None
        for mo in NUM.finditer(qt):
            n = float(mo.group())
            if any(abs(n * s - v) <= 1e-6 * max(1, abs(v)) for s in scales(m)):
                hit = mo; break
        if not hit:
            errs.append(f"{tag}: no number in quote gives the value"); continue
        before, after = qt[:hit.start()], qt[hit.end():]
        b = before.rstrip(" ")
        b = b[:-1] if b.endswith("为") else b
        qual = (b.endswith(PRE) and not b.endswith(("签约", "簽約"))) or after.lstrip(" ").startswith(POST)
        if qual != bool(f.get("approx")):
            errs.append(f"{tag}: approx={f.get('approx')} but qualifier={qual}")
    for fd in g.get("findings") or []:
        n_find += 1
        if fd["check"] not in ("conflict", "sum", "ratio", "staffing", "yoy", "zero", "score"):
            errs.append(f"{k}: bad finding check {fd['check']}")
        for m in fd["metrics"]:
            if m not in METRICS: errs.append(f"{k}: finding metric {m} unknown")
print(f"{len(docs)} docs, {len(keys)} keys, {n_facts} facts, {n_find} findings")
print("\n".join(errs) if errs else "clean")
sys.exit(1 if errs else 0)
