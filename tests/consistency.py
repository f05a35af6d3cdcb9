#!/usr/bin/env python3
"""Independent recomputation of revmine's summaries from its own outputs.

Reads OUT/passages.csv, documents.csv and the matrices and checks:
  - doc_theme_matrix.csv equals the theme counts in passages.csv;
  - theme_prevalence.csv passages and by-type counts equal passages.csv,
    documents equals the co-occurrence diagonal and the document rule;
  - theme_cooccurrence.csv is symmetric and equals documents featuring both;
  - theme_prevalence.csv n is the documents not in error, and label and
    group are the codebook's (codebook path as 4th argument, default
    codebook/default.cb);
  - quotes.csv: every quote is a passage coded to its theme, with that
    passage's page, section, type and text, at most one per document and
    theme, in order of confidence;
  - every figure of theme_pairs.csv and theme_prevalence.csv agrees with a
    recomputation from the counts (exact integer/fraction arithmetic for
    Fisher and BH; relative tolerance 1e-6 for measures, 1e-5 for p/q,
    1e-4 for intervals).
Usage: consistency.py OUT_DIR [MIN_LR MIN_ANY [CODEBOOK]]
"""
import csv, math, sys
from fractions import Fraction

out = sys.argv[1]
min_lr = int(sys.argv[2]) if len(sys.argv) > 2 else 1
min_any = int(sys.argv[3]) if len(sys.argv) > 3 else 2
codebook = sys.argv[4] if len(sys.argv) > 4 else "codebook/default.cb"
errors = []

def rows(name):
    with open(f"{out}/{name}", newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))

def close(a, b, rel, what):
    if a == "" and b is None:
        return
    if a == "" or b is None:
        errors.append(f"{what}: got {a!r}, want {b!r}")
        return
    a = float(a)
    if math.isinf(b) or abs(a - b) > rel * max(abs(b), 1e-300) and abs(a - b) > 1e-12:
        errors.append(f"{what}: got {a!r}, want {b!r}")

docs = [d for d in rows("documents.csv") if d["status"] != "error"]
doc_ids = [d["doc_id"] for d in docs]
passages = rows("passages.csv")
prev = rows("theme_prevalence.csv")
themes = [r["theme"] for r in prev]
T = len(themes)

# per document, per theme: (passages, learning+recommendation passages)
count = {d: {t: [0, 0] for t in themes} for d in doc_ids}
by_type = {t: {"learning": 0, "recommendation": 0, "context": 0} for t in themes}
pass_sets = []
for p in passages:
    ts = [t for t in p["themes"].split(";") if t]
    pass_sets.append(set(ts))
    for t in ts:
        count[p["doc_id"]][t][0] += 1
        if p["type"] in ("learning", "recommendation"):
            count[p["doc_id"]][t][1] += 1
        by_type[t][p["type"]] += 1

def features(d, t):
    n_any, n_lr = count[d][t]
    return (min_lr > 0 and n_lr >= min_lr) or (min_any > 0 and n_any >= min_any)

feat = {t: {d for d in doc_ids if features(d, t)} for t in themes}

for r in rows("doc_theme_matrix.csv"):
    for t in themes:
        if int(r[t]) != count[r["doc_id"]][t][0]:
            errors.append(f"doc_theme_matrix {r['doc_id']} {t}")

co = {r["theme"]: r for r in rows("theme_cooccurrence.csv")}
for a in themes:
    for b in themes:
        if int(co[a][b]) != len(feat[a] & feat[b]) or co[a][b] != co[b][a]:
            errors.append(f"theme_cooccurrence {a} {b}")

Z = 1.959964
n_docs = len(doc_ids)
for r in prev:
    t = r["theme"]
    k = len(feat[t])
    if int(r["documents"]) != k:
        errors.append(f"prevalence documents {t}")
    if int(r["n"]) != n_docs:
        errors.append(f"prevalence n {t}: {r['n']}, want {n_docs}")
    if int(r["passages"]) != sum(by_type[t].values()):
        errors.append(f"prevalence passages {t}")
    for ty in ("learning", "recommendation", "context"):
        if int(r[ty]) != by_type[t][ty]:
            errors.append(f"prevalence {ty} {t}")
    if n_docs:
        ph = k / n_docs
        den = 1 + Z * Z / n_docs
        mid = ph + Z * Z / (2 * n_docs)
        half = Z * math.sqrt(ph * (1 - ph) / n_docs + Z * Z / (4 * n_docs * n_docs))
        close(r["share"], ph, 1e-6, f"share {t}")
        close(r["ci_low"], max(0.0, (mid - half) / den), 1e-4, f"ci_low {t}")
        close(r["ci_high"], min(1.0, (mid + half) / den), 1e-4, f"ci_high {t}")

def fisher(a, b, c, d):
    n = a + b + c + d
    r1, c1 = a + b, a + c
    def prob(x):
        return Fraction(math.comb(r1, x) * math.comb(n - r1, c1 - x), math.comb(n, c1))
    po = prob(a)
    lo, hi = max(0, r1 + c1 - n), min(r1, c1)
    return float(sum(p for p in (prob(x) for x in range(lo, hi + 1)) if p <= po * Fraction(10**7 + 1, 10**7)))

def expect(n11, na, nb, n):
    n10, n01, n00 = na - n11, nb - n11, n - na - nb + n11
    e = {"expected": na * nb / n}
    e["jaccard"] = n11 / (na + nb - n11) if na + nb - n11 else None
    e["pmi"] = math.log2(n11 * n / (na * nb)) if n11 else None
    e["npmi"] = (1.0 if n11 == n else e["pmi"] / -math.log2(n11 / n)) if n11 else -1.0
    m = na * (n - na) * nb * (n - nb)
    e["phi"] = (n11 * n00 - n10 * n01) / math.sqrt(m) if m else None
    e["chi2"] = n * (n11 * n00 - n10 * n01) ** 2 / m if m else None
    e["p_chi2"] = math.erfc(math.sqrt(e["chi2"] / 2)) if m else None
    cells = [n11, n10, n01, n00]
    if 0 in cells:
        cells = [x + 0.5 for x in cells]
    orr = cells[0] * cells[3] / (cells[1] * cells[2])
    se = math.sqrt(sum(1 / x for x in cells))
    e["odds_ratio"], e["or_low"], e["or_high"] = orr, math.exp(math.log(orr) - Z * se), math.exp(math.log(orr) + Z * se)
    e["p_fisher"] = fisher(n11, n10, n01, n00)
    g = 0.0
    for o, rt, ct in ((n11, na, nb), (n10, na, n - nb), (n01, n - na, nb), (n00, n - na, n - nb)):
        if o:
            g += o * math.log(o * n / (rt * ct))
    e["g2"] = max(0.0, 2 * g)
    return e

for r in rows("passage_themes.csv"):
    if not r["evidence"].strip():
        errors.append(f"passage_themes: empty evidence {r['doc_id']} {r['passage']} {r['theme']}")

pairs = rows("theme_pairs.csv")
for level in ("document", "passage"):
    lv = [r for r in pairs if r["level"] == level]
    if len(lv) != T * (T - 1) // 2:
        errors.append(f"theme_pairs: {len(lv)} {level} rows, want {T * (T - 1) // 2}")
    ps = []
    for r in lv:
        a, b = r["theme_a"], r["theme_b"]
        if level == "document":
            n, na, nb, nab = n_docs, len(feat[a]), len(feat[b]), len(feat[a] & feat[b])
        else:
            n = len(pass_sets)
            na = sum(a in s for s in pass_sets)
            nb = sum(b in s for s in pass_sets)
            nab = sum(a in s and b in s for s in pass_sets)
        if [int(r[k]) for k in ("n_ab", "n_a", "n_b", "n")] != [nab, na, nb, n]:
            errors.append(f"theme_pairs counts {a} {b} {level}")
            continue
        e = expect(nab, na, nb, n)
        for k in ("expected", "jaccard", "pmi", "npmi", "phi", "odds_ratio", "chi2", "g2"):
            close(r[k], e[k], 1e-6, f"{k} {a} {b} {level}")
        for k in ("or_low", "or_high"):
            close(r[k], e[k], 1e-4, f"{k} {a} {b} {level}")
        for k in ("p_chi2", "p_fisher"):
            close(r[k], e[k], 1e-5, f"{k} {a} {b} {level}")
        ps.append((e["p_fisher"], r))
    m = len(ps)
    order = sorted(range(m), key=lambda i: ps[i][0])
    q = [0.0] * m
    run = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        run = min(run, ps[i][0] * m / rank)
        q[i] = run
    for i, (p, r) in enumerate(ps):
        close(r["q_fisher"], q[i], 1e-5, f"q_fisher {r['theme_a']} {r['theme_b']} {level}")

# labels and groups straight from the codebook file
cb, cur = {}, None
for line in open(codebook, encoding="utf-8"):
    w = line.split("#", 1)[0].split(None, 1) if not line.lstrip().startswith("#") else []
    if not w:
        continue
    if w[0] == "theme":
        cur = w[1].strip()
        cb[cur] = {"label": cur, "group": ""}
    elif w[0] == "types":
        cur = None
    elif cur and w[0] in ("label", "group"):
        cb[cur][w[0]] = line.strip().split(None, 1)[1] if len(w) > 1 else ""
for r in prev:
    want = cb.get(r["theme"])
    if not want or r["label"] != want["label"] or r["group"] != want["group"]:
        errors.append(f"prevalence label/group {r['theme']}: {r['label']!r} {r['group']!r}, want {want}")

# quotes: each one a passage of its theme, one per document and theme
by_key = {(p["doc_id"], p["passage"]): p for p in passages}
conf_of = {(r["doc_id"], r["passage"], r["theme"]): r.get("confidence", "")
           for r in rows("passage_themes.csv")}
seen = set()
last = {}
for q in rows("quotes.csv"):
    p = by_key.get((q["doc_id"], q["passage"]))
    t = q["theme"]
    if not p or t not in p["themes"].split(";"):
        errors.append(f"quote {t} {q['doc_id']} {q['passage']}: passage not coded to the theme")
        continue
    for k in ("page", "section", "type", "text"):
        if q[k] != p[k]:
            errors.append(f"quote {t} {q['doc_id']} {q['passage']}: {k} differs")
    if (t, q["doc_id"]) in seen:
        errors.append(f"quote {t}: two from {q['doc_id']}")
    seen.add((t, q["doc_id"]))
    c = float(q["confidence"])
    pc = conf_of.get((q["doc_id"], q["passage"], t), "")
    if pc != "" and abs(float(pc) - c) > 0.0005:
        errors.append(f"quote {t} {q['doc_id']} {q['passage']}: confidence {c}, label has {pc}")
    if not 0 < c <= 1 or c > last.get(t, 2):
        errors.append(f"quote {t} {q['doc_id']}: confidence {c} out of order")
    last[t] = c

for e in errors[:20]:
    print("consistency:", e)
print(f"consistency: {len(errors)} disagreements over {len(pairs)} pair rows, {len(prev)} themes, {len(passages)} passages")
sys.exit(1 if errors else 0)
