"""Check the batchD answer keys against their docs (independent of the project's rules)."""
import pathlib, re, sys, yaml
HERE = pathlib.Path(__file__).parent
METRICS = yaml.safe_load(open('/work/shared/metrics.yaml'))
CN = {'零':0,'〇':0,'一':1,'二':2,'两':2,'三':3,'四':4,'五':5,'六':6,'七':7,'八':8,'九':9,'十':10}
QUAL = ['余', '近', '约', '左右', '以上', '多', '餘', '約']
errs = []

def numbers(q):
    out = []
    for m in re.finditer(r'\d[\d,]*(?:\.\d+)?', q):
        s = m.group().replace(',', '')
        try: out.append((float(s), m.start(), m.end()))
        except ValueError: pass
    for m in re.finditer(r'[一二两三四五六七八九十]+', q):
        s = m.group(); v = 0
        if s == '十': v = 10
        elif len(s) == 1: v = CN[s]
        elif len(s) == 2 and s[0] == '十': v = 10 + CN[s[1]]
        elif len(s) == 2 and s[1] == '十': v = CN[s[0]] * 10
        elif len(s) == 3 and s[1] == '十': v = CN[s[0]] * 10 + CN[s[2]]
        else: continue
        out.append((float(v), m.start(), m.end()))
    return out

SCALES = [1, 1e3, 1e4, 1e8, 0.01, 15, 1 / 666.67, 1e3 * 1e4]

def produced(value, q):
    for n, a, b in numbers(q):
        for s in SCALES:
            x = n * s
            if abs(x - value) <= max(1e-6, abs(value) * 1e-6):
                return (n, a, b)
    return None

docs = {p.name for p in (HERE / 'docs').glob('d*.txt')}
keys = {p.name[:-5] for p in (HERE / 'gold').glob('d*.txt.yaml')}
for d in sorted(docs - keys): errs.append(f'{d}: no key')
for k in sorted(keys - docs): errs.append(f'{k}: key without doc')
nfacts = nfind = 0
for k in sorted(keys & docs):
    text = (HERE / 'docs' / k).read_text(encoding='utf-8')
    g = yaml.safe_load(open(HERE / 'gold' / (k + '.yaml'), encoding='utf-8'))
    if g.get('doc') != k: errs.append(f'{k}: doc field {g.get("doc")}')
    for f in ('unit', 'year', 'facts', 'findings'):
        if f not in g: errs.append(f'{k}: missing {f}')
    seen = set()
    for f in g.get('facts') or []:
        nfacts += 1
        m, v, q = f.get('metric'), f.get('value'), f.get('quote', '')
        if m not in METRICS: errs.append(f'{k}: unknown metric {m}')
        if f.get('basis') not in (None, 'budget', 'actual'): errs.append(f'{k}: bad basis {f}')
        if q not in text: errs.append(f'{k}: quote not in doc: {q!r}')
        hit = produced(float(v), q)
        if not hit: errs.append(f'{k}: value {v} not produced by a number in {q!r}')
        else:
            n, a, b = hit
            after = q[b:b + 4]; before = q[max(0, a - 1):a]
            qual = any(after.lstrip(' 万亿千').lstrip('元亩畝户戶人件个個批次栋棟套分').startswith(w) or after.startswith(w) for w in QUAL) \
                or any(w in after[:3] for w in QUAL) or before in ('近', '约', '約')
            if bool(f.get('approx')) != qual:
                errs.append(f'{k}: approx={f.get("approx")} but qualifier={qual} in {q!r}')
        t = (m, float(v), f.get('basis'))
        if t in seen: errs.append(f'{k}: duplicate {t}')
        seen.add(t)
    for fd in g.get('findings') or []:
        nfind += 1
        if fd.get('check') not in ('conflict', 'sum', 'ratio', 'staffing', 'yoy', 'zero', 'score'):
            errs.append(f'{k}: bad finding check {fd}')
        for m in fd.get('metrics', []):
            if m not in METRICS: errs.append(f'{k}: finding metric {m}')
print(f'{len(keys & docs)} keys, {nfacts} facts, {nfind} findings')
print('\n'.join(errs) if errs else 'clean')
sys.exit(1 if errs else 0)
