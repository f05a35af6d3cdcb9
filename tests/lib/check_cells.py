"""Checks every CSV of an output folder cell by cell: the file is valid
UTF-8 and well-formed CSV, and no text cell starts with a character a
spreadsheet would run as a formula (= + - @, tab, CR). Numbers (-0.5,
+3) are numbers, not formulas. Exit status 1 and a line per fault."""
import csv
import os
import sys

BAD = ("=", "+", "-", "@", "\t", "\r")


def is_number(s):
    try:
        float(s)
        return s.strip() == s and s.lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")
    except ValueError:
        return False


def main(folder):
    faults = 0
    names = sorted(n for n in os.listdir(folder) if n.endswith(".csv"))
    if not names:
        print("no CSV in", folder)
        return 1
    for name in names:
        raw = open(os.path.join(folder, name), "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            print(f"{name}: not valid UTF-8 ({e})")
            faults += 1
            continue
        try:
            rows = list(csv.reader(text.splitlines(keepends=True), strict=True))
        except csv.Error as e:
            print(f"{name}: malformed CSV ({e})")
            faults += 1
            continue
        for i, row in enumerate(rows, 1):
            for j, cell in enumerate(row, 1):
                if cell.startswith(BAD) and not is_number(cell):
                    print(f"{name}: row {i} column {j} starts with {cell[:1]!r}: {cell[:40]!r}")
                    faults += 1
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
