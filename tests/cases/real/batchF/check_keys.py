"""Check the batchF answer keys against their docs (independent of the project's rules).
Checks: doc<->key pairing; yaml fields; metric keys exist; every quote a verbatim substring
of its doc; the value produced by a number inside the quote under the scaling rules
(x1, 万 x1e4, 亿 x1e8, % /100, 公顷 x15, 平方米 /666.67); approx set exactly where a
qualifier (余 近 约 左右 以上 多, traditional too) touches that number; basis values; no
duplicate (metric, value, basis); findings well formed; sources.tsv has one row per doc."""
import csv, pathlib, re, sys, yaml
HERE = pathlib.Path(__file__).parent
METRICS = yaml.safe_load(open('/work/shared/metrics.yaml', encoding='utf-8'))
CN = {'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '兩': 2, '三': 3, '四': 4, '五': 5,
      '六': 6, '七': 7, '八': 8, '九': 9, '十': 10}
PRE_Q = ('近', '约', '約')
POST_Q = ('余', '餘', '多', '左右', '以上')
errs = []

def numbers(q):
    out = []
    for m in re.finditer(r'\d[\d,]*(?:\.\d+)?', q):
        out.append((float(m.group().replace(',', '')), m.start(), m.end()))
    for m in re.finditer(r'[一二两兩三四五六七八九十]+', q):
        s = m.group()
        if len(s) == 1: v = CN[s]
        elif len(s) == 2 and s[0] == '十': v = 10 + CN[s[1]]
        elif len(s) == 2 and s[1] == '十': v = CN[s[0]] * 10
        else: continue
        out.append((float(v), m.start(), m.end()))
    return out

def scales(q, b):
    tail = q[b:b + 3]
    s = [1.0]
    if tail.startswith(('万', '萬')): s.append(1e4)
    if tail.startswith('亿') or tail.startswith('億'): s.append(1e8)
    if tail.startswith('%'): s.append(0.01)
    if tail.startswith(('公顷', '公頃')): s.append(15.0)
    if tail.startswith(('平方米', '㎡')): s.append(1 / 666.67)
    return s

def produced(value, q):
    for n, a, b in numbers(q):
        for s in scales(q, b):
            if abs(n * s - value) <= max(1e-6, abs(value) * 1e-6):
                return n, a, b
    return None

def qualified(q, a, b):
    if q[max(0, a - 1):a] in PRE_Q:
        # 约 inside 签约 / 簽約 / 合约 / 预约 is not a qualifier
        if not (q[max(0, a - 1):a] in ('约', '約') and q[max(0, a - 2):a - 1] in ('签', '簽', '合', '预', '預', '契', '条', '條', '制')):
            return True
    tail = q[b:b + 6]
    tail = re.sub(r'^(万|萬|亿|億)?', '', tail)
    tail = re.sub(r'^(元|亩|畝|户|戶|人|件|个|個|栋|棟|幢|套|项|項|平方米|公顷|公頃)?', '', tail)
    return tail.startswith(POST_Q) or q[b:b + 1] in ('余', '餘', '多')

docs = {p.name for p in (HERE / 'docs').glob('f*.txt')}
keys = {p.name[:-5] for p in (HERE / 'gold').glob('f*.txt.yaml')}
for d in sorted(docs - keys): errs.append(f'{d}: no key')
for k in sorted(keys - docs): errs.append(f'{k}: key without doc')
nfacts = nfind = 0
for k in sorted(keys & docs):
    text = (HERE / 'docs' / k).read_text(encoding='utf-8')
    g = yaml.safe_load((HERE / 'gold' / (k + '.yaml')).read_text(encoding='utf-8'))
    if g.get('doc') != k: errs.append(f'{k}: doc field {g.get("doc")}')
    for f in ('unit', 'year', 'facts', 'findings'):
        if f not in g: errs.append(f'{k}: missing {f}')
    if g.get('year') is not None and not isinstance(g['year'], int): errs.append(f'{k}: year {g["year"]}')
    seen = set()
    for f in g.get('facts') or []:
        nfacts += 1
        m, v, q = f.get('metric'), f.get('value'), f.get('quote', '')
        if set(f) - {'metric', 'value', 'approx', 'basis', 'quote'}: errs.append(f'{k}: extra fields {f}')
        if m not in METRICS: errs.append(f'{k}: unknown metric {m}')
        if f.get('basis') not in (None, 'budget', 'actual'): errs.append(f'{k}: bad basis {f}')
        if q not in text: errs.append(f'{k}: quote not in doc: {q!r}')
        hit = produced(float(v), q)
        if not hit:
            errs.append(f'{k}: value {v} not produced by a number in {q!r}')
        else:
            n, a, b = hit
            if bool(f.get('approx')) != qualified(q, a, b):
                errs.append(f'{k}: approx={f.get("approx")} but qualifier={qualified(q, a, b)} in {q!r}')
        t = (m, float(v), f.get('basis'))
        if t in seen: errs.append(f'{k}: duplicate {t}')
        seen.add(t)
    for fd in g.get('findings') or []:
        nfind += 1
        if fd.get('check') not in ('conflict', 'sum', 'ratio', 'staffing', 'yoy', 'zero', 'score'):
            errs.append(f'{k}: bad finding check {fd}')
        if not fd.get('note'): errs.append(f'{k}: finding without note')
        for m in fd.get('metrics', []):
            if m not in METRICS: errs.append(f'{k}: finding metric {m}')
src = HERE / 'sources.tsv'
if src.exists():
    rows = list(csv.DictReader(src.open(encoding='utf-8'), delimiter='\t'))
    if list(rows[0].keys()) != ['file', 'url', 'unit', 'year', 'kind', 'notes']: errs.append('sources.tsv: bad header')
    files = [r['file'] for r in rows]
    if sorted(files) != sorted(docs): errs.append(f'sources.tsv: files {sorted(set(files) ^ docs)}')
    urls = [r['url'] for r in rows]
    if len(set(urls)) != len(urls): errs.append('sources.tsv: duplicate url')
    known = set(pathlib.Path('/tmp/known_urls.txt').read_text().split())
    for r in rows:
        if r['url'] in known: errs.append(f'{r["file"]}: url is reserved/known')
        if r['kind'] not in ('land', 'other'): errs.append(f'{r["file"]}: kind {r["kind"]}')
        g = yaml.safe_load((HERE / 'gold' / (r['file'] + '.yaml')).read_text(encoding='utf-8'))
        if str(g.get('year') or '') != r['year']: errs.append(f'{r["file"]}: year differs from key')
        if g.get('unit') != r['unit']: errs.append(f'{r["file"]}: unit differs from key')
else:
    errs.append('sources.tsv missing')
print(f'{len(keys & docs)} keys, {nfacts} facts, {nfind} findings')
print('\n'.join(errs) if errs else 'clean')
sys.exit(1 if errs else 0)
