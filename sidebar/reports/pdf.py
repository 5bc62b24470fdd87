"""A small PDF 1.4 writer for text and tables — enough for the printable program report, and
no more: US Letter pages, the standard Helvetica fonts (every PDF reader has them, so nothing
is embedded), text, rules, and tables that wrap their headings and break across pages with the
heading repeated. Text is encoded as WinAnsi (cp1252); a character outside it prints as "?".

Why not a library: the report is a few text tables, and this is ~300 lines that a reviewer can
read end to end, against a new dependency in a deployment that keeps its surface small.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0  # US Letter, in points
MARGIN = 50.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
FOOTER_Y = 30.0

# Advance widths (1/1000 em) of Helvetica and Helvetica-Bold for printable ASCII, from the
# Adobe Font Metrics of the standard 14 fonts; other WinAnsi characters use their own entries
# below or an average width (layout only: a slightly wrong guess moves text, it loses nothing).
_ASCII = "".join(chr(c) for c in range(32, 127))
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
)  # fmt: skip
_OTHER = {"–": 556, "—": 1000, "‘": 222, "’": 222, "“": 333, "”": 333, "•": 350, "…": 1000, "·": 278, "×": 584}
WIDTHS = {
    False: {**dict(zip(_ASCII, _REGULAR, strict=True)), **_OTHER},
    True: {**dict(zip(_ASCII, _BOLD, strict=True)), **_OTHER},
}


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    widths = WIDTHS[bold]
    return sum(widths.get(char, 556) for char in text) * size / 1000


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (a word longer than that stands alone)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size, bold=bold) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current or not lines:
        lines.append(current)
    return lines


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    out = bytearray(b"(")
    for byte in raw:
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif 32 <= byte < 127:
            out.append(byte)
        else:
            out += f"\\{byte:03o}".encode()
    out += b")"
    return bytes(out)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass
class Document:
    """Pages of drawing operations; ``y`` runs down the page from the top margin, as text is read."""

    title: str
    footer: str = ""
    pages: list[list[bytes]] = field(default_factory=list)
    y: float = 0.0

    def __post_init__(self) -> None:
        self.new_page()

    def new_page(self) -> None:
        self.pages.append([])
        self.y = MARGIN

    @property
    def room(self) -> float:
        """Vertical space left on the current page."""
        return PAGE_HEIGHT - MARGIN - self.y

    def ensure(self, height: float) -> None:
        if height > self.room and self.y > MARGIN:
            self.new_page()

    def text(self, x: float, y: float, text: str, *, size: float = 9, bold: bool = False) -> None:
        """Draw ``text`` with its baseline ``y`` points below the top of the page."""
        font = b"/F2" if bold else b"/F1"
        baseline = PAGE_HEIGHT - y
        self.pages[-1].append(
            b"BT " + font + f" {_number(size)} Tf {_number(x)} {_number(baseline)} Td ".encode()
            + _pdf_string(text) + b" Tj ET"
        )  # fmt: skip

    def rule(self, x1: float, y: float, x2: float, *, weight: float = 0.5, grey: float = 0.0) -> None:
        top = PAGE_HEIGHT - y
        self.pages[-1].append(
            f"q {_number(grey)} G {_number(weight)} w {_number(x1)} {_number(top)} m {_number(x2)} {_number(top)} l S Q".encode()
        )

    def paragraph(self, text: str, *, size: float = 9, bold: bool = False, after: float = 4) -> None:
        leading = size * 1.3
        for line in wrap(text, CONTENT_WIDTH, size, bold=bold):
            self.ensure(leading)
            self.y += leading
            self.text(MARGIN, self.y - size * 0.25, line, size=size, bold=bold)
        self.y += after

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], *, total_rows: int = 0) -> None:
        """A table: the first column left-aligned (labels), the others right-aligned (numbers).
        The last ``total_rows`` rows are set off by a heavier rule."""
        size, leading = 8.0, 10.0
        widths = _column_widths(header, rows, size)
        head_lines = [wrap(h, w - 6, size, bold=True) for h, w in zip(header, widths, strict=True)]
        head_height = max(len(lines) for lines in head_lines) * leading + 6

        def draw_header() -> None:
            self.rule(MARGIN, self.y, MARGIN + CONTENT_WIDTH, weight=0.8)
            x = MARGIN
            for index, (lines, width) in enumerate(zip(head_lines, widths, strict=True)):
                for n, line in enumerate(lines):
                    left = x + 3 if index == 0 else x + width - 3 - text_width(line, size, bold=True)
                    self.text(left, self.y + leading * (n + 1), line, size=size, bold=True)
                x += width
            self.y += head_height
            self.rule(MARGIN, self.y, MARGIN + CONTENT_WIDTH, weight=0.8)

        self.ensure(head_height + 2 * leading + 4)
        draw_header()
        for number, row in enumerate(rows):
            label_lines = wrap(row[0], widths[0] - 6, size)
            height = len(label_lines) * leading + 4
            if height > self.room:
                self.new_page()
                draw_header()
            is_total = number >= len(rows) - total_rows
            if is_total and number == len(rows) - total_rows:
                self.rule(MARGIN, self.y, MARGIN + CONTENT_WIDTH, weight=0.8)
            x = MARGIN
            for index, (value, width) in enumerate(zip(row, widths, strict=True)):
                if index == 0:
                    for n, line in enumerate(label_lines):
                        self.text(x + 3, self.y + leading * (n + 1), line, size=size, bold=is_total)
                else:
                    left = x + width - 3 - text_width(value, size, bold=is_total)
                    self.text(left, self.y + leading, value, size=size, bold=is_total)
                x += width
            self.y += height
            self.rule(MARGIN, self.y, MARGIN + CONTENT_WIDTH, weight=0.3, grey=0.6)
        self.y += 10

    def to_bytes(self, *, created: datetime.datetime | None = None) -> bytes:
        """The file: catalog, page tree, two fonts, info, then each page and its content."""
        objects: list[bytes] = []

        def add(body: bytes) -> int:
            objects.append(body)
            return len(objects)

        catalog = add(b"")  # filled in below, once the page tree's number is known
        pages_id = add(b"")
        regular = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        stamp = (created or datetime.datetime.now(datetime.UTC)).strftime("D:%Y%m%d%H%M%SZ")
        info = add(
            b"<< /Title "
            + _pdf_string(self.title)
            + b" /Producer (Sidebar) /CreationDate "
            + _pdf_string(stamp)
            + b" >>"
        )
        kids = []
        total = len(self.pages)
        for number, operations in enumerate(self.pages, start=1):
            footer = f"{self.footer} · page {number} of {total}" if self.footer else f"Page {number} of {total}"
            footer_op = (
                b"BT /F1 7.5 Tf "
                + f"{_number(MARGIN)} {_number(FOOTER_Y)} Td ".encode()
                + _pdf_string(footer)
                + b" Tj ET"
            )
            stream = b"\n".join([*operations, footer_op])
            content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
            kids.append(
                add(
                    b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] " % (pages_id, b"612", b"792")
                    + b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                    % (regular, bold, content)
                )
            )
        objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id
        objects[pages_id - 1] = (
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % kid for kid in kids) + b"] /Count %d >>" % len(kids)
        )

        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n" % (len(objects) + 1, catalog, info)
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], size: float) -> list[float]:
    """The label column as wide as its longest label (at most 38 % of the page); the number
    columns share the rest, each at least as wide as its widest value or heading word."""
    labels = [header[0], *(row[0] for row in rows)]
    label_width = min(max(text_width(label, size, bold=True) + 8 for label in labels), CONTENT_WIDTH * 0.38)
    others = range(1, len(header))
    if not others:
        return [CONTENT_WIDTH]
    needed = []
    for index in others:
        words = [text_width(word, size, bold=True) for word in header[index].split()] or [0.0]
        values = [text_width(row[index], size, bold=True) for row in rows]
        needed.append(max([*words, *values]) + 8)
    spare = CONTENT_WIDTH - label_width - sum(needed)
    if spare >= 0:
        share = spare / len(needed)
        return [label_width, *(width + share for width in needed)]
    label_width = max(CONTENT_WIDTH - sum(needed), CONTENT_WIDTH * 0.2)
    scale = (CONTENT_WIDTH - label_width) / sum(needed)
    return [label_width, *(width * scale for width in needed)]
