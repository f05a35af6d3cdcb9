"""The script a user would write instead of revmine: PyMuPDF for the text,
scikit-learn for the counts. Passages are blank-line separated blocks;
themes are keyword lists matched on the vectorizer's vocabulary; writes
documents, doc-term counts and doc-theme counts as CSV.
Usage: python3 pymupdf_sklearn.py OUTDIR FILE.pdf..."""
import csv, re, sys
import fitz
from sklearn.feature_extraction.text import CountVectorizer

THEMES = {"information_sharing": ["information", "sharing", "shared", "communication"],
          "neglect": ["neglect", "neglected", "hygiene", "hunger"],
          "domestic_abuse": ["domestic", "abuse", "violence", "coercive"],
          "escalation": ["escalation", "escalate", "challenge", "disagreement"],
          "voice_of_child": ["voice", "wishes", "feelings", "lived"]}
out, files = sys.argv[1], sys.argv[2:]
docs, passages, owner = [], [], []
for i, path in enumerate(files):
    try:
        with fitz.open(path) as d:
            text = "\n".join(page.get_text() for page in d)
    except Exception as e:  # encrypted, damaged
        docs.append((path, "error", str(e))); continue
    docs.append((path, "ok", ""))
    for block in re.split(r"\n\s*\n", text):
        if block.strip():
            passages.append(" ".join(block.split())); owner.append(i)
vec = CountVectorizer(stop_words="english")
X = vec.fit_transform(passages).tocsr()
vocab = vec.get_feature_names_out()
with open(f"{out}/documents.csv", "w", newline="") as f:
    csv.writer(f).writerows([("path", "status", "message")] + docs)
with open(f"{out}/doc_term_counts.csv", "w", newline="") as f:
    w, per_doc = csv.writer(f), {}
    for row, doc in enumerate(owner):
        cnt = per_doc.setdefault(doc, {})
        for j, n in zip(X.indices[X.indptr[row]:X.indptr[row + 1]], X.data[X.indptr[row]:X.indptr[row + 1]]):
            cnt[j] = cnt.get(j, 0) + n
    w.writerow(("doc", "term", "count"))
    for doc in sorted(per_doc):
        w.writerows((files[doc], vocab[j], n) for j, n in sorted(per_doc[doc].items()))
    index = {t: j for j, t in enumerate(vocab)}
with open(f"{out}/doc_theme_matrix.csv", "w", newline="") as f:
    w = csv.writer(f); w.writerow(["doc"] + list(THEMES))
    hits = {t: X[:, [index[k] for k in ks if k in index]].sum(axis=1).A1 > 0 for t, ks in THEMES.items()}
    rows = {}
    for row, doc in enumerate(owner):
        r = rows.setdefault(doc, [0] * len(THEMES))
        for k, t in enumerate(THEMES):
            r[k] += int(hits[t][row])
    w.writerows([files[d]] + r for d, r in sorted(rows.items()))
