#!/usr/bin/env python3
"""Check the batchB answer keys: doc/key pairing, quotes, values, metric keys, approx, duplicates."""
import pathlib, re, sys, yaml

BASE = pathlib.Path(__file__).parent
METRICS = yaml.safe_load(open('/work/shared/metrics.yaml', encoding='utf-8'))
GLOSS = re.compile(r'\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)')   # pinyin glosses like 萬(wàn)
NUM = re.compile(r'\d[\d,]*(?:\.\d+)?')
QUAL_BEFORE = re.compile(r'(约|近|約)\s*$')
QUAL_AFTER = re.compile(r'^\s*(余|餘|多|左右|以上)')
CAPTION = re.compile(r'(单位|單位)\s*[:：]\s*(万元|萬元)|\((万元|萬元)\)|(万元|萬元)\)')
CHECKS = {'conflict', 'sum', 'ratio', 'staffing', 'yoy', 'zero', 'score'}

def close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))

def candidates(q, doc_has_caption):
    out = []
    for m in NUM.finditer(q):
        n = float(m.group().replace(',', ''))
        after = q[m.end():]
        after_s = after.lstrip()
        c = {n}
        if after_s[:1] in ('万', '萬'):
            c.add(n * 1e4)
        elif after_s[:1] in ('亿', '億'):
            c.add(n * 1e8)
        elif after_s[:1] in ('%', '%'):
            c.add(n / 100)
        elif doc_has_caption:
            c.add(n * 1e4)      # a table cell scaled by a 万元 caption
        before = q[:m.start()]
        approx = bool(QUAL_BEFORE.search(before)) or bool(QUAL_AFTER.match(after.lstrip('万萬亿億元人户亩个件名%')))
        out.append((m.group(), c, approx))
    return out

def main():
    errs, warns = [], []
    docs = {p.name for p in (BASE / 'docs').glob('*.txt')}
    keys = {p.name[:-5] for p in (BASE / 'gold').glob('*.yaml')}
    for d in sorted(docs - keys):
        errs.append(f'{d}: no key')
    for k in sorted(keys - docs):
        errs.append(f'{k}: key without doc')
    nfacts = nfind = 0
    for k in sorted(keys & docs):
        doc = (BASE / 'docs' / k).read_text(encoding='utf-8')
        key = yaml.safe_load((BASE / 'gold' / (k + '.yaml')).read_text(encoding='utf-8'))
        if key.get('doc') != k:
            errs.append(f'{k}: doc field {key.get("doc")!r}')
        if not key.get('unit'):
            errs.append(f'{k}: no unit')
        cap = bool(CAPTION.search(GLOSS.sub('', doc)))
        seen = set()
        for f in key.get('facts') or []:
            nfacts += 1
            tag = f'{k} {f.get("metric")}={f.get("value")}'
            if f.get('metric') not in METRICS:
                errs.append(f'{tag}: unknown metric')
            if f.get('basis') not in (None, 'budget', 'actual'):
                errs.append(f'{tag}: bad basis')
            q = f.get('quote', '')
            if q not in doc:
                errs.append(f'{tag}: quote not in doc: {q!r}')
                continue
            qs = GLOSS.sub('', q)
            cands = candidates(qs, cap)
            v = float(f['value'])
            hits = [(s, a) for s, c, a in cands if any(close(v, x) for x in c)]
            if not hits:
                digits = re.sub(r'[^\d]', '', qs)
                vs = ('%f' % (v / 1e4)).rstrip('0').rstrip('.').replace('.', '') if v >= 1e4 else ('%f' % v).rstrip('0').rstrip('.').replace('.', '')
                if vs and vs in digits:
                    warns.append(f'{tag}: value only as merged digits in {q!r}')
                else:
                    errs.append(f'{tag}: no number in quote gives the value: {q!r}')
                continue
            want = any(a for _, a in hits)
            if want != bool(f.get('approx', False)):
                errs.append(f'{tag}: approx should be {want}')
            sig = (f['metric'], round(v, 6), f.get('basis'))
            if sig in seen:
                errs.append(f'{tag}: duplicate (metric, value, basis)')
            seen.add(sig)
        for fd in key.get('findings') or []:
            nfind += 1
            if fd.get('check') not in CHECKS:
                errs.append(f'{k}: bad finding check {fd.get("check")}')
            for m in fd.get('metrics') or []:
                if m not in METRICS:
                    errs.append(f'{k}: finding metric {m} unknown')
            if not fd.get('note'):
                errs.append(f'{k}: finding without note')
    # sources.tsv
    src = BASE / 'sources.tsv'
    if src.exists():
        lines = src.read_text(encoding='utf-8').rstrip('\n').split('\n')
        if lines[0].split('\t') != ['file', 'url', 'unit', 'year', 'kind', 'notes']:
            errs.append('sources.tsv: bad header')
        files = set()
        for ln in lines[1:]:
            cols = ln.split('\t')
            if len(cols) != 6:
                errs.append(f'sources.tsv: {len(cols)} columns in {cols[0]}')
                continue
            files.add(cols[0])
            if cols[4] not in ('land', 'other'):
                errs.append(f'sources.tsv: kind {cols[4]} in {cols[0]}')
        if files != docs:
            errs.append(f'sources.tsv: files differ: {sorted(files ^ docs)}')
    else:
        errs.append('sources.tsv missing')
    for w in warns:
        print('WARN', w)
    for e in errs:
        print('ERR ', e)
    print(f'{len(docs)} docs, {nfacts} facts, {nfind} findings, {len(errs)} errors, {len(warns)} warnings')
    return 1 if errs else 0

if __name__ == '__main__':
    sys.exit(main())
