"""minipdf.py: writes a small PDF from a list of object bodies (bytes),
numbered from 1 in order, with a correct cross-reference table; object 1
must be the catalog. For shell tests that make odd PDFs at test time
(tests/pdfbomb.sh, tests/hostile.sh)."""


def write_pdf(path, objs):
    out = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    with open(path, "wb") as f:
        f.write(out)
