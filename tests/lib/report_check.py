#!/usr/bin/env python3
"""Checks OUT/report.html against the CSVs beside it (tests/report.sh,
tests/browser.sh). Usage: report_check.py OUT_DIR [HTML_FILE]

HTML_FILE defaults to OUT/report.html; the browser test passes the DOM
Chromium dumped, so the same checks hold for the page as rendered.
  - no script, no external resource (src/href/url() other than #anchors);
  - every theme of theme_prevalence.csv has a table row with the same k
    and n (data attributes and the visible "k of n"), and every theme
    present (k > 0) its article whose heading line says "k of n documents";
  - every quote shown under a theme is a passage coded to that theme
    (quotes.csv, passages.csv), at most one per document;
  - every document of documents.csv has its row, with its learning,
    recommendation and context passages counted as in passages.csv;
  - under every theme present, "Documents featuring it" links as many
    documents as theme_prevalence.csv counts, and "Recommendations coded
    with it" lists recommendation passages coded to the theme whenever
    passages.csv has one (columns found by name, wherever they are).
Prints "ok - ..." / "FAIL - ..." lines; exits 1 on any failure.
"""
import csv, html, re, sys
from html.parser import HTMLParser

out = sys.argv[1]
page = sys.argv[2] if len(sys.argv) > 2 else f"{out}/report.html"
fails = 0

def check(cond, what):
    global fails
    print(("ok - " if cond else "FAIL - ") + what)
    fails += not cond

def rows(name):
    with open(f"{out}/{name}", newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))

def unguard(s):
    return s[1:] if s[:1] == "'" and s[1:2] in ("=", "+", "-", "@", "\t", "\r") else s

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []          # (tag, attrs)
        self.stack = []
        self.rows = {}          # theme -> (k, n, text)
        self.articles = {}      # theme -> text of its .kn paragraph
        self.quotes = {}        # theme -> [text of blockquote p]
        self.doc_rows = set()
        self.cur_row = None
        self.cur_art = None
        self.capture = None
        self.buf = []
        self.external = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        for k in ("src", "href", "action", "data", "poster"):
            v = a.get(k)
            if v is not None and not v.startswith("#"):
                self.external.append(f"{tag} {k}={v}")
        if "url(" in (a.get("style") or ""):
            self.external.append(f"{tag} style url()")
        if tag == "tr" and "data-theme" in a:
            self.cur_row = a["data-theme"]
            self.rows[self.cur_row] = [a.get("data-k"), a.get("data-n"), ""]
            self.capture, self.buf = "row", []
        if tag == "tr" and (a.get("id") or "").startswith("doc-"):
            self.doc_rows.add(a["id"])
        if tag == "article" and (a.get("id") or "").startswith("theme-"):
            self.cur_art = a["id"][6:]
            self.quotes[self.cur_art] = []
        if tag == "p" and a.get("class") == "kn" and self.cur_art:
            self.capture, self.buf = "kn", []
        if tag == "blockquote" and self.cur_art:
            self.capture, self.buf = "quote", []
    def handle_endtag(self, tag):
        if tag == "tr" and self.capture == "row":
            self.rows[self.cur_row][2] = "".join(self.buf)
            self.capture = None
        elif tag == "p" and self.capture == "kn":
            self.articles[self.cur_art] = "".join(self.buf)
            self.capture = None
        elif tag == "p" and self.capture == "quote":
            self.quotes[self.cur_art].append("".join(self.buf))
            self.capture = "quote-footer"
        elif tag == "blockquote":
            self.capture = None
        elif tag == "article":
            self.cur_art = None
    def handle_data(self, d):
        if self.capture in ("row", "kn", "quote"):
            self.buf.append(d)

text = open(page, encoding="utf-8").read()
p = Page()
p.feed(text)
check(not any(t == "script" for t, _ in p.tags), "no <script> element")
check(not p.external, f"nothing fetched ({p.external[:3]})")
check(not re.search(r"@import|url\(", text), "no @import or url() in the CSS")
check(any(t == "svg" for t, _ in p.tags), "inline SVG charts")
check(any(t == "th" for t, _ in p.tags) and any(t == "h2" for t, _ in p.tags),
      "real headings and table headers")

prev = rows("theme_prevalence.csv")
bad = []
for r in prev:
    t, k, n = r["theme"], r["documents"], r["n"]
    got = p.rows.get(t)
    if not got or got[0] != k or got[1] != n or f"{k} of {n}" not in got[2]:
        bad.append(f"{t}: row {got}")
    if int(k) > 0:
        kn = p.articles.get(t, "")
        if not kn.startswith(f"{k} of {n} documents"):
            bad.append(f"{t}: article says {kn[:40]!r}")
    elif t in p.articles:
        bad.append(f"{t}: article for an absent theme")
check(not bad, f"every theme's k and n as in theme_prevalence.csv ({len(prev)} themes) {bad[:3]}")

themes_of = {}
for r in rows("passages.csv"):
    themes_of.setdefault(unguard(r["text"]), set()).update(t for t in r["themes"].split(";") if t)
qrows = rows("quotes.csv")
bad = []
shown = 0
for t, qs in p.quotes.items():
    texts = {}
    for q in qrows:
        if q["theme"] == t:
            texts.setdefault(unguard(q["text"]), q["doc_id"])
    docs = []
    for s in qs:
        shown += 1
        s = s.rstrip()
        full = [x for x in texts if x == s or (s.endswith("…") and x.startswith(s[:-1].rstrip()))]
        if not full or t not in themes_of.get(full[0], set()):
            bad.append(f"{t}: {s[:50]!r}")
        else:
            docs.append(texts[full[0]])
    if len(docs) != len(set(docs)):
        bad.append(f"{t}: two quotes from one document")
check(not bad, f"every quote shown ({shown}) is a passage of its theme, one per document {bad[:3]}")

docs = rows("documents.csv")
check(len(p.doc_rows) == len(docs), f"one row per document ({len(p.doc_rows)} of {len(docs)})")

# Passage counts by type per document, and recommendation texts per theme.
by_type = {}
recs = {}
for r in rows("passages.csv"):
    k = by_type.setdefault(r["doc_id"], {"learning": 0, "recommendation": 0, "context": 0})
    k[r["type"]] = k.get(r["type"], 0) + 1
    if r["type"] == "recommendation":
        for t in r["themes"].split(";"):
            if t:
                recs.setdefault(t, set()).add(unguard(r["text"]))
bad = []
for m in re.finditer(r'<tr id="doc-\d+"><th scope="row">(.*?)</th>(.*?)</tr>', text, re.S):
    doc = unguard(html.unescape(m.group(1)))
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c))
             for c in re.findall(r"<td[^>]*>(.*?)</td>", m.group(2), re.S)]
    want = by_type.get(doc, {"learning": 0, "recommendation": 0, "context": 0})
    got = cells[2:5] if len(cells) >= 5 else None
    if got != [str(want["learning"]), str(want["recommendation"]), str(want["context"])]:
        bad.append(f"{doc}: {got} against {want}")
check(not bad, f"each document row counts its passages by type as passages.csv {bad[:3]}")

k_of = {r["theme"]: int(r["documents"]) for r in prev}
bad_feat, bad_recs, listed = [], [], 0
for m in re.finditer(r'<article id="theme-([^"]+)">(.*?)</article>', text, re.S):
    t, body = m.group(1), m.group(2)
    feat = re.search(r"<h4>Documents featuring it</h4>\s*<p>(.*?)</p>", body, re.S)
    n_feat = len(re.findall(r'<a href="#doc-', feat.group(1))) if feat else -1
    if n_feat != k_of.get(t, -2):
        bad_feat.append(f"{t}: {n_feat} linked, {k_of.get(t)} in theme_prevalence.csv")
    part = re.search(r"<h4>Recommendations coded with it</h4>(.*?)<h4>", body, re.S)
    items = re.findall(r"<li>(.*?) <span class=\"note\">", part.group(1), re.S) if part else []
    if recs.get(t) and not items:
        bad_recs.append(f"{t}: none listed, {len(recs[t])} in passages.csv")
    for it in items:
        listed += 1
        s = html.unescape(it).rstrip()
        if not any(x == s or (s.endswith("…") and x.startswith(s[:-1].rstrip()))
                   for x in recs.get(t, ())):
            bad_recs.append(f"{t}: {s[:50]!r} is not a recommendation coded to it")
check(not bad_feat, f"each theme links the documents featuring it, as many as theme_prevalence.csv counts {bad_feat[:3]}")
check(not bad_recs and (listed or not recs),
      f"each theme lists its recommendation passages ({listed} listed) {bad_recs[:3]}")
sys.exit(1 if fails else 0)
