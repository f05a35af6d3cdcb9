#!/usr/bin/env python3
"""Checks OUT/revmine.xlsx against the CSVs beside it (tests/xlsx.sh).

Every CSV written has its sheet (same name; long tables continue on
"name (2)"), with the same cells in the same places; a column whose every
non-empty cell is a plain decimal number holds numbers, every other cell
is a string equal to the CSV's text; no cell holds a formula and no string
begins with '='; the header row is frozen. Reads the workbook with zipfile
and the XML parser only. Usage: xlsx_check.py OUT_DIR
"""
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET

out = sys.argv[1]
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
fails = 0
def check(cond, what):
    global fails
    print(("ok - " if cond else "FAIL - ") + what)
    fails += not cond

z = zipfile.ZipFile(f"{out}/revmine.xlsx")
wb = ET.fromstring(z.read("xl/workbook.xml"))
rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
target = {r.get("Id"): r.get("Target") for r in rels}
sheets = [(s.get("name"), "xl/" + target[s.get("{%s}id" % NS["r"])].lstrip("/").replace("xl/", ""))
          for s in wb.find("m:sheets", NS)]
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))

def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1

NUM = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")
formulas = eq = 0
checked = 0
for name, part in sheets:
    xml = z.read(part)
    formulas += xml.count(b"<f>") + xml.count(b"<f ")
    root = ET.fromstring(xml)
    pane = root.find(".//m:pane", NS)
    if pane is None or pane.get("ySplit") != "1" or pane.get("state") != "frozen":
        check(False, f"{name}: header row frozen")
    base = re.sub(r" \(\d+\)$", "", name)
    with open(f"{out}/{base}.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    numeric = [all(NUM.match(r[i]) for r in rows[1:] if i < len(r) and r[i]) for i in range(len(rows[0]))]
    grid = {}
    for row in root.iter("{%s}row" % NS["m"]):
        for c in row.findall("m:c", NS):
            t = c.get("t")
            if t == "inlineStr":
                v = "".join(x.text or "" for x in c.iter("{%s}t" % NS["m"]))
            elif t == "s":
                v = shared[int(c.find("m:v", NS).text)]
            else:
                v = float(c.find("m:v", NS).text)
            grid[(int(row.get("r")) - 1, col_index(c.get("r")))] = (t, v)
            if isinstance(v, str) and v.startswith("="):
                eq += 1
    bad = []
    for ri, r in enumerate(rows[: 1 + 1048575] if name == base else []):
        for ci, cell in enumerate(r):
            got = grid.get((ri, ci))
            if cell == "":
                if got is not None:
                    bad.append((ri, ci, "not empty"))
            elif ri > 0 and numeric[ci]:
                if got is None or isinstance(got[1], str) or abs(got[1] - float(cell)) > 1e-12 * max(1, abs(float(cell))):
                    bad.append((ri, ci, cell, got))
            elif got is None or got[1] != cell:
                bad.append((ri, ci, cell[:30], got and str(got[1])[:30]))
    checked += 1
    check(not bad, f"sheet {name}: {len(rows)} rows as in {base}.csv, numbers typed as numbers {bad[:2]}")

import os
csvs = sorted(f[:-4] for f in os.listdir(out) if f.endswith(".csv"))
names = {re.sub(r" \(\d+\)$", "", n) for n, _ in sheets}
check(set(csvs) == names, f"every table is a sheet ({len(names)} of {len(csvs)})")
check(formulas == 0, "no formula in any cell")
check(eq == 0, "no cell begins with '='")
sys.exit(1 if fails else 0)
