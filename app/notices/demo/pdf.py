"""A small, valid one-page A4 PDF for demo attachments (no PDF library needed).

It is laid out like a printed notice (the issuing committee, the national motto, the title, the text)
in Vietnamese, with a subset of a Unicode TrueType font embedded. On a machine without such a font
it falls back to plain ASCII in the built-in Helvetica, which has no Vietnamese letters.
"""

import hashlib
import html
import re
import unicodedata
import zlib

from app.notices.demo.truetype import vietnamese_fonts

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 595, 842, 56
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc")
PARAGRAPH = re.compile(r"<(p|li)>(.*?)</\1>", re.S)
TAG = re.compile(r"<[^>]+>")


def html_paragraphs(body_html):
    """The paragraphs and list items of a notice's body as plain text (lists numbered, tables left out)."""
    paragraphs, number = [], 0
    for tag, inner in PARAGRAPH.findall(body_html):
        text = " ".join(html.unescape(TAG.sub(" ", inner)).split())
        number = number + 1 if tag == "li" else 0
        paragraphs.append(f"{number}. {text}" if tag == "li" else text)
    return paragraphs


def tiny_pdf(title, paragraphs, heading=""):
    """Return the bytes of an A4 PDF showing a heading (the issuer), a title and a few paragraphs of text."""
    fonts = vietnamese_fonts()
    if fonts is None:
        return _ascii_pdf(title, paragraphs)
    return _unicode_pdf(title, paragraphs, heading, fonts)


# --- Vietnamese, in an embedded font ---------------------------------------------------------------


class _Writer:
    """Lines of text in two fonts (regular F1, bold F2), placed top-down on one page."""

    def __init__(self, fonts):
        self.fonts = fonts
        self.used = [{}, {}]  # per font: glyph → the character it draws
        self.commands = []
        self.y = PAGE_HEIGHT - MARGIN

    def glyphs(self, text, bold):
        font, used = self.fonts[bold], self.used[bold]
        glyphs = []
        for char in unicodedata.normalize("NFC", text):
            glyph = font.glyph(char) or font.glyph(_ascii(char) or "?")
            used.setdefault(glyph, char)
            glyphs.append(glyph)
        return glyphs

    def width(self, text, size, bold=False):
        return sum(self.fonts[bold].advance(glyph) for glyph in self.glyphs(text, bold)) * size / 1000

    def wrap(self, text, size, bold=False, width=TEXT_WIDTH):
        """Break `text` into lines no wider than `width` points."""
        space = self.width(" ", size, bold)
        lines, words, used = [], [], 0.0
        for word in text.split():
            word_width = self.width(word, size, bold)
            if words and used + space + word_width > width:
                lines.append(" ".join(words))
                words, used = [], 0.0
            used += (space if words else 0.0) + word_width
            words.append(word)
        return lines + [" ".join(words)] if words else lines

    def show(self, text, size, x, bold=False):
        codes = "".join(f"{glyph:04X}" for glyph in self.glyphs(text, bold))
        self.commands.append(f"BT /F{2 if bold else 1} {size} Tf 1 0 0 1 {x:.1f} {self.y:.1f} Tm <{codes}> Tj ET")

    def line(self, text, size, bold=False, center=None, leading=1.35):
        """Write one line (centred on `center` if given); False once the page is full."""
        if self.y < MARGIN:
            return False
        x = MARGIN if center is None else center - self.width(text, size, bold) / 2
        self.show(text, size, x, bold)
        self.y -= size * leading
        return True


def _unicode_pdf(title, paragraphs, heading, fonts):
    writer = _Writer(fonts)
    left, right = MARGIN + 95, PAGE_WIDTH - MARGIN - 130  # centres of the two header columns
    top = writer.y
    for text in writer.wrap(heading.upper(), 10, True, 200):
        writer.line(text, 10, True, center=left)
    writer.y = top
    writer.line(MOTTO[0], 10, True, center=right)
    writer.line(MOTTO[1], 11, center=right)
    writer.y -= 24
    for text in writer.wrap(title, 14, True):
        writer.line(text, 14, True, center=PAGE_WIDTH / 2)
    writer.y -= 10
    for paragraph in paragraphs:
        if not all(writer.line(text, 11) for text in writer.wrap(paragraph, 11)):
            break
        writer.y -= 4
    return _document(writer, title)


def _font_objects(font, used, add):
    """Add the objects of an embedded Type 0 font drawing the `used` glyphs; return the font's reference."""
    tag = "".join(chr(65 + byte % 26) for byte in hashlib.sha256(repr(sorted(used)).encode()).digest()[:6])
    name = f"/{tag}+{font.name}"
    program = font.subset(used)
    file_ref = add(_stream(program, f"/Length1 {len(program)}"))
    descriptor = add(
        f"<< /Type /FontDescriptor /FontName {name} /Flags 32 /FontBBox [{' '.join(map(str, font.bbox))}] "
        f"/ItalicAngle 0 /Ascent {font.ascent} /Descent {font.descent} /CapHeight {font.cap_height} "
        f"/StemV 80 /FontFile2 {file_ref} >>".encode()
    )
    widths = " ".join(f"{glyph} [{font.advance(glyph)}]" for glyph in sorted(used))
    cid_font = add(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont {name} "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {descriptor} /CIDToGIDMap /Identity /W [{widths}] >>".encode()
    )
    to_unicode = add(_stream(_to_unicode(used)))
    return add(
        f"<< /Type /Font /Subtype /Type0 /BaseFont {name} /Encoding /Identity-H "
        f"/DescendantFonts [{cid_font}] /ToUnicode {to_unicode} >>".encode()
    )


def _to_unicode(used):
    """The CMap that lets a reader copy and search the text: glyph → character."""
    entries = [f"<{glyph:04X}> <{char.encode('utf-16-be').hex().upper()}>" for glyph, char in sorted(used.items())]
    blocks = "".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n"
        for chunk in (entries[start : start + 100] for start in range(0, len(entries), 100))
    )
    return (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{blocks}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()


def _document(writer, title):
    objects = [None, None, None]  # catalog, pages, page: their numbers are fixed

    def add(body):
        objects.append(body)
        return f"{len(objects)} 0 R"

    fonts = [
        f"/F{number} {_font_objects(font, used, add)}"
        for number, (font, used) in enumerate(zip(writer.fonts, writer.used, strict=True), 1)
        if used
    ]
    contents = add(_stream("\n".join(writer.commands).encode()))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    objects[2] = (
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] "
        f"/Resources << /Font << {' '.join(fonts)} >> >> /Contents {contents} >>"
    ).encode()
    return _assemble(objects, title)


def _stream(data, extra=""):
    packed = zlib.compress(data, 9)
    return f"<< /Length {len(packed)} /Filter /FlateDecode {extra}>>\nstream\n".encode() + packed + b"\nendstream"


# --- the fallback: ASCII in Helvetica ----------------------------------------------------------------


def _ascii(text):
    """Fold Vietnamese to plain ASCII."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("–", "-")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if ord(char) < 128 and unicodedata.category(char) != "Mn")


def _escape(text):
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text, width):
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def _ascii_pdf(title, paragraphs):
    lines = [(16, line) for line in _wrap(_ascii(title), 60)]
    for paragraph in paragraphs:
        lines.append((11, ""))
        lines.extend((11, line) for line in _wrap(_ascii(paragraph), 90))
    commands = ["BT", "/F1 16 Tf", "56 780 Td", "18 TL"]
    for size, line in lines[:45]:
        commands.append(f"/F1 {size} Tf ({_escape(line)}) Tj T*")
    commands.append("ET")
    stream = "\n".join(commands).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    return _assemble(objects, title)


def _assemble(objects, title):
    """Number the objects, add the document's title, and write the cross-reference table."""
    info = f"<< /Title <FEFF{title.encode('utf-16-be').hex().upper()}> /Producer (Cong khai demo) >>".encode()
    objects = [*objects, info]
    output = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(output))
        output += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(output)
    output += f"xref\n0 {len(objects) + 1}\n".encode()
    output += b"0000000000 65535 f \n"
    for offset in offsets:
        output += f"{offset:010d} 00000 n \n".encode()
    output += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    return bytes(output)
