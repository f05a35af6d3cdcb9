#!/usr/bin/env python3
"""Writes the generated seeds of fuzz/corpus: small PDFs (record/ and pdf/).

The other seeds are written by hand. Run from the top folder:
python3 fuzz/mkseeds.py. Text is ours, made up for the seeds.
"""
import gzip
import zlib


def pdf(pages, compress=False, info=True):
    """pages: list of content streams (bytes). Helvetica and Times, A4."""
    objs = []

    def add(b):
        objs.append(b)
        return len(objs)

    cat = add(None)
    pages_id = add(None)
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Bold >>")
    kids = []
    for content in pages:
        if compress:
            data = zlib.compress(content)
            s = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data)
                    + data + b"\nendstream")
        else:
            s = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                        b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> "
                        b"/Contents %d 0 R >>" % (pages_id, f1, f2, s)))
    objs[cat - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
    objs[pages_id - 1] = (b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % k for k in kids)
                          + b"] /Count %d >>" % len(kids))
    if info:
        add(b"<< /Title (Seed) /Producer (revmine fuzz seeds) >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, cat, xref)
    return bytes(out)


def text(lines, font=b"F1", size=11, x=72, y=770, lead=14):
    """lines of text (bytes) placed one under the other."""
    s = b"BT /%s %d Tf %d TL %d %d Td\n" % (font, size, lead, x, y)
    for ln in lines:
        s += b"(" + ln.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '\n"
    return s + b"ET\n"


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


def pdfs():
    d = "fuzz/corpus/pdf/"
    body = [b"The family moved three times in two years and the school",
            b"was not told; information about the pri-",
            b"mary concerns stayed with the health visitor.",
            b"",
            b"Practitioners did not escalate when the plan drifted."]
    head = text([b"Learning from the review"], font=b"F2", size=16, y=800)
    foot = text([b"Page 1 of 2"], size=9, x=280, y=40)
    write(d + "one_page.pdf", pdf([head + text(body) + foot]))
    two_col = (text([b"Left column words run on", b"down the page in a nar-",
                     b"row measure for reading."], x=56) +
               text([b"Right column starts here", b"and carries the second",
                     b"half of the paragraph."], x=320))
    write(d + "two_columns.pdf", pdf([two_col, text([b"Page two text."])], compress=True))
    write(d + "blank.pdf", pdf([b""], info=False))
    items = text([b"Recommendations", b"1. Review the escalation policy.",
                  b"2. Ensure records are shared.", b"- a bullet item"])
    write(d + "items.pdf", pdf([items, items]))
    # odd but legal: a rotated text matrix, a huge font size and a tiny one
    odd = (b"BT /F1 12 Tf 0 1 -1 0 300 400 Tm (sideways text) Tj ET\n"
           b"BT /F1 200 Tf 20 500 Td (Big) Tj ET\n"
           b"BT /F1 0.5 Tf 20 100 Td (tiny text) Tj ET\n")
    write(d + "odd_matrix.pdf", pdf([odd]))


def records():
    d = "fuzz/corpus/record/"

    def rec(lines, name, cut=None):
        body = ("revmine-record\t6\tfuzzconfig\n" +
                "".join("\t".join(ln) + "\n" for ln in lines)).encode()
        data = body + b"end\t" + ("%08x" % zlib.crc32(body)).encode() + b"\n"
        data = gzip.compress(data[:cut] if cut else data, mtime=0)  # records are gzip
        write(d + name, data)

    rec([("m", "2", ""),
         ("p", "1", "heading", "context", "1", "1", "0", "", "Findings"),
         ("p", "1", "paragraph", "learning", "0.75", "9", "0", "Findings",
          "Information was not shared\\tbetween agencies\\n."),
         ("l", "information_sharing", "2.5", "0.81", "information .. shared"),
         ("l", "neglect", "1", "-1", "neglect"),
         ("t", "inform", "information", "1"), ("s", "share", "d", "1"),
         ("p", "2", "item", "recommendation", "1", "4", "1", "Recommendations",
          "- Review the \\\\ policy"),
         ("t", "polici", "policy", "1"), ("s", "review", "", "1")], "full.rec")
    rec([("m", "1", "no text layer on page 2")], "empty.rec")
    rec([("m", "1", ""), ("m", "1", "")], "two_meta.rec")
    rec([("m", "1", ""), ("p", "-5", "paragraph", "context", "nan", "99999999999", "0", "", "x")],
        "bad_numbers.rec")
    rec([("m", "3", ""), ("p", "1", "paragraph", "context", "0.5", "2", "0", "", "two words"),
         ("t", "two", "two", "1")], "cut.rec", cut=60)


if __name__ == "__main__":
    pdfs()
    records()
