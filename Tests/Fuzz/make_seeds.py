#!/usr/bin/env python3
"""Writes the fuzzer's PDF seeds into the folder given: small PDFs made here
from their page content (standard Helvetica, as the tests' TestPDF does), so
no PDF file is kept in the repository.

    python3 Tests/Fuzz/make_seeds.py OUT_DIR
"""
import os
import sys

# A made-up ILACS judgement table over two pages, with a running footer.
TABLE = [
    """BT /F1 16 Tf 72 762 Td (Inspection of Made-up local authority children's services) Tj ET
BT /F1 12 Tf 72 732 Td (Inspection dates: 4 March 2024 to 15 March 2024) Tj ET
BT /F1 12 Tf 72 712 Td (Lead inspector: Ann Example, His Majesty's Inspector) Tj ET
BT /F1 12 Tf 72 682 Td (Judgement) Tj ET
BT /F1 12 Tf 380 682 Td (Grade) Tj ET
BT /F1 12 Tf 72 652 Td (The impact of leaders on social work practice with) Tj ET
BT /F1 12 Tf 72 637.6 Td (children and families) Tj ET
BT /F1 12 Tf 380 652 Td (Requires improvement to) Tj ET
BT /F1 12 Tf 380 637.6 Td (be good) Tj ET
BT /F1 12 Tf 72 602 Td (Overall effectiveness) Tj ET
BT /F1 12 Tf 380 602 Td (Good) Tj ET
BT /F1 8 Tf 72 42 Td (Inspection of Made-up local authority children's services) Tj ET
BT /F1 10 Tf 520 42 Td (1) Tj ET
""",
    """BT /F1 12 Tf 72 742 Td (What needs to improve?) Tj ET
BT /F1 12 Tf 72 722 Td (1.) Tj ET
BT /F1 12 Tf 92 722 Td (Children are seen quickly.) Tj ET
BT /F1 8 Tf 72 42 Td (Inspection of Made-up local authority children's services) Tj ET
BT /F1 10 Tf 520 42 Td (2) Tj ET
"""
]


def pdf(pages):
    """A PDF with one page per content stream (A4, Helvetica as /F1)."""
    kids = " ".join("%d 0 R" % (4 + 2 * i) for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        ("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages))).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for i, content in enumerate(pages):
        body = content.encode("latin-1")
        objects.append(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
                        "/Contents %d 0 R >>" % (5 + 2 * i)).encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    for name, pages in [("empty-page.pdf", [""]), ("table.pdf", TABLE)]:
        with open(os.path.join(folder, name), "wb") as f:
            f.write(pdf(pages))


if __name__ == "__main__":
    main()
