#!/usr/bin/env python3
"""Recomputes theme_by_group.csv from documents.csv and passages.csv alone.

Usage: groups_check.py OUT_DIR VARIABLE [VARIABLE...] [--rule MIN_LR MIN_ANY]

For each variable (a column of documents.csv), documents not in error with
a value are grouped by it; a document features a theme by the document rule
(default 1 learning-or-recommendation passage, or 2 of any type). Checked
to 1e-9 (relative): k, n, share, the Wilson interval, Fisher's exact test
(two groups) or Pearson's chi-square with G - 1 df (more), and BH q over
the themes. scipy (python3-scipy) computes the tests when installed;
otherwise exact rational arithmetic does (Fisher as R's fisher.test, the
chi-square tail by the regularized gamma function's series).
"""
import csv, math, sys
from fractions import Fraction

args = sys.argv[1:]
rule = (1, 2)
if "--rule" in args:
    i = args.index("--rule")
    rule = (int(args[i + 1]), int(args[i + 2]))
    args = args[:i] + args[i + 3:]
out, variables = args[0], args[1:]
try:
    from scipy import stats as sst
    have_scipy = True
except ImportError:
    have_scipy = False

def rows(name):
    with open(f"{out}/{name}", newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))

def unguard(s):
    return s[1:] if s[:1] == "'" and s[1:2] in ("=", "+", "-", "@", "\t", "\r") else s

docs = [d for d in rows("documents.csv") if d["status"] != "error"]
prev = rows("theme_prevalence.csv")
themes = [r["theme"] for r in prev]
count = {d["doc_id"]: {t: [0, 0] for t in themes} for d in docs}
for p in rows("passages.csv"):
    if p["doc_id"] not in count:
        continue
    for t in filter(None, p["themes"].split(";")):
        count[p["doc_id"]][t][0] += 1
        count[p["doc_id"]][t][1] += p["type"] in ("learning", "recommendation")

def features(d, t):
    a, lr = count[d][t]
    return (rule[0] > 0 and lr >= rule[0]) or (rule[1] > 0 and a >= rule[1])

Z = 1.959964
def wilson(k, n):
    if n == 0:
        return None, None
    if k == 0:
        lo = 0.0
    if k == n:
        hi = 1.0
    ph = k / n
    den = 1 + Z * Z / n
    mid = ph + Z * Z / (2 * n)
    half = Z * math.sqrt(ph * (1 - ph) / n + Z * Z / (4 * n * n))
    return (0.0 if k == 0 else (mid - half) / den), (1.0 if k == n else (mid + half) / den)

def fisher_exact(a, b, c, d):
    if have_scipy:
        return float(sst.fisher_exact([[a, b], [c, d]])[1])
    n = a + b + c + d
    r1, c1 = a + b, a + c
    def prob(x):
        return Fraction(math.comb(r1, x) * math.comb(n - r1, c1 - x), math.comb(n, c1))
    po = prob(a)
    lo, hi = max(0, r1 + c1 - n), min(r1, c1)
    return float(sum(p for p in (prob(x) for x in range(lo, hi + 1))
                     if p <= po * Fraction(10**7 + 1, 10**7)))

def chi2_test(k, n):
    K, N = sum(k), sum(n)
    table = [k, [a - b for a, b in zip(n, k)]]
    if have_scipy:
        x2, p, df, _ = sst.chi2_contingency(table, correction=False)
        return float(x2), int(df), float(p)
    x2 = Fraction(0)
    for i in range(len(n)):
        for obs, tot in ((k[i], K), (n[i] - k[i], N - K)):
            e = Fraction(n[i] * tot, N)
            x2 += (obs - e) ** 2 / e
    x2, df = float(x2), len(n) - 1
    # upper tail: 1 - P(df/2, x/2), series of the lower regularized gamma
    s, x = df / 2, x2 / 2
    if x == 0:
        return x2, df, 1.0
    term = total = 1 / s
    j = 1
    while term > 1e-17 * total:
        term *= x / (s + j)
        total += term
        j += 1
    return x2, df, 1 - math.exp(s * math.log(x) - x - math.lgamma(s)) * total

def bh(ps):
    idx = [i for i, p in enumerate(ps) if p is not None]
    m = len(idx)
    q = [None] * len(ps)
    run = 1.0
    for rank, i in reversed(list(enumerate(sorted(idx, key=lambda i: ps[i]), 1))):
        run = min(run, ps[i] * m / rank)
        q[i] = run
    return q

got = rows("theme_by_group.csv")
fails = 0
def close(a, b, what):
    global fails
    if b is None:
        ok = a == ""
    else:
        ok = a != "" and abs(float(a) - b) <= 1e-9 * max(1.0, abs(b))
    if not ok:
        fails += 1
        if fails <= 10:
            print(f"FAIL - {what}: got {a!r}, want {b!r}")

for var in variables:
    vals = {d["doc_id"]: d.get(var, "") for d in docs if d.get(var, "")}
    groups = sorted(set(vals.values()),
                    key=(lambda g: (int(g), g)) if all(g.lstrip("-").isdigit() for g in vals.values()) else None)
    mine = [r for r in got if r["variable"] == var]
    want_rows = len(themes) * len(groups)
    if len(mine) != want_rows:
        print(f"FAIL - {var}: {len(mine)} rows, want {want_rows}")
        fails += 1
        continue
    ps, tests = [], []
    for t in themes:
        k = [sum(features(d, t) for d, g in vals.items() if g == grp) for grp in groups]
        n = [sum(1 for g in vals.values() if g == grp) for grp in groups]
        K, N = sum(k), sum(n)
        if len(groups) == 2 and 0 < K < N:
            tests.append(("fisher", None, None, fisher_exact(k[0], n[0] - k[0], k[1], n[1] - k[1])))
        elif len(groups) > 2 and 0 < K < N:
            x2, df, p = chi2_test(k, n)
            tests.append(("chi2", x2, df, p))
        else:
            tests.append(("fisher" if len(groups) == 2 else "chi2" if len(groups) > 2 else "", None,
                          len(groups) - 1 if len(groups) > 2 else None, None))
        ps.append(tests[-1][3])
    qs = bh(ps)
    i = 0
    for ti, t in enumerate(themes):
        for gi, grp in enumerate(groups):
            r = mine[i]
            i += 1
            k = sum(features(d, t) for d, g in vals.items() if g == grp)
            n = sum(1 for g in vals.values() if g == grp)
            lo, hi = wilson(k, n)
            if (r["theme"], unguard(r["group"])) != (t, grp) or int(r["k"]) != k or int(r["n"]) != n:
                fails += 1
                print(f"FAIL - {var} {t} {grp}: row {r['theme']} {r['group']} {r['k']}/{r['n']}, want {k}/{n}")
                continue
            close(r["share"], k / n, f"{var} {t} {grp} share")
            close(r["ci_low"], lo, f"{var} {t} {grp} ci_low")
            close(r["ci_high"], hi, f"{var} {t} {grp} ci_high")
            test, x2, df, p = tests[ti]
            if r["test"] != test:
                fails += 1
                print(f"FAIL - {var} {t}: test {r['test']!r}, want {test!r}")
            close(r["statistic"], x2, f"{var} {t} statistic")
            close(r["p"], p, f"{var} {t} p")
            close(r["q"], qs[ti], f"{var} {t} q")
            if df is not None and r["df"] != str(df):
                fails += 1
                print(f"FAIL - {var} {t}: df {r['df']}, want {df}")
    print(f"{'ok' if not fails else 'FAIL'} - theme_by_group.csv by {var}: {len(themes)} themes x "
          f"{len(groups)} groups recomputed ({'scipy' if have_scipy else 'exact arithmetic'})")
sys.exit(1 if fails else 0)
