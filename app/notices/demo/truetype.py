"""Read a TrueType font installed on the machine and cut it down to the glyphs a demo PDF uses.

No font library is needed: the few tables a PDF viewer reads (glyph outlines, their offsets and
widths, hinting) are copied, glyph numbers are kept, and the outlines not used are left empty.
"""

import struct
from functools import cache
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype")
# (regular, bold) in order of preference: a serif like the printed notices, then sans faces. The
# Makefile installs fonts-noto-core for the browser tests; fonts-dejavu-core comes with fontconfig.
# (Liberation, which Chromium brings, lacks some Vietnamese letters.)
FONT_FILES = (
    ("noto/NotoSerif-Regular.ttf", "noto/NotoSerif-Bold.ttf"),
    ("dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSerif-Bold.ttf"),
    ("noto/NotoSans-Regular.ttf", "noto/NotoSans-Bold.ttf"),
    ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
)
# A font is used only if it draws every letter of Vietnamese.
VIETNAMESE_LOWER = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
VIETNAMESE = VIETNAMESE_LOWER + VIETNAMESE_LOWER.upper()
# The tables a PDF viewer needs from an embedded TrueType font (PDF 32000-1, 9.9).
EMBEDDED_TABLES = (b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"prep")
COMPOSITE_MORE, COMPOSITE_WORDS = 0x0020, 0x0001
COMPOSITE_SCALE, COMPOSITE_XY_SCALE, COMPOSITE_2X2 = 0x0008, 0x0040, 0x0080


class TrueTypeFont:
    """One TrueType font file: character → glyph, glyph widths, metrics, and subsets."""

    def __init__(self, path):
        self.path = Path(path)
        self.name = self.path.stem.replace(" ", "")
        data = self.path.read_bytes()
        if data[:4] != b"\x00\x01\x00\x00":
            raise ValueError(f"{path} has no TrueType outlines")
        count = struct.unpack_from(">H", data, 4)[0]
        self.tables = {}
        for index in range(count):
            tag, _, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * index)
            self.tables[tag] = data[offset : offset + length]
        head, hhea = self.tables[b"head"], self.tables[b"hhea"]
        self.units_per_em = struct.unpack_from(">H", head, 18)[0]
        self.bbox = tuple(self.scaled(value) for value in struct.unpack_from(">4h", head, 36))
        self.ascent, self.descent = (self.scaled(value) for value in struct.unpack_from(">2h", hhea, 4))
        os2 = self.tables.get(b"OS/2", b"")
        has_cap_height = len(os2) >= 90 and struct.unpack_from(">H", os2, 0)[0] >= 2
        self.cap_height = self.scaled(struct.unpack_from(">h", os2, 88)[0]) if has_cap_height else self.ascent
        self.glyph_count = struct.unpack_from(">H", self.tables[b"maxp"], 4)[0]
        self._advances = _advances(self.tables[b"hmtx"], struct.unpack_from(">H", hhea, 34)[0])
        long_offsets = struct.unpack_from(">h", head, 50)[0] == 1
        self._offsets = _glyph_offsets(self.tables[b"loca"], self.glyph_count, long_offsets)
        self._cmap = _character_map(self.tables[b"cmap"])

    def scaled(self, value):
        """Font units → thousandths of the font size (PDF glyph space)."""
        return round(value * 1000 / self.units_per_em)

    def glyph(self, char):
        """The glyph number drawing `char`, or 0 (the font has none)."""
        return self._cmap.get(ord(char), 0)

    def advance(self, glyph):
        """The width of a glyph in thousandths of the font size."""
        return self.scaled(self._advances[min(glyph, len(self._advances) - 1)])

    def covers(self, text):
        return all(self.glyph(char) for char in text)

    def _outline(self, glyph):
        return self.tables[b"glyf"][self._offsets[glyph] : self._offsets[glyph + 1]]

    def _components(self, glyph):
        """The glyphs a composite glyph is built from (an accented letter: its letter and its marks)."""
        outline = self._outline(glyph)
        if len(outline) < 10 or struct.unpack_from(">h", outline, 0)[0] >= 0:
            return []
        found, position, flags = [], 10, COMPOSITE_MORE
        while flags & COMPOSITE_MORE:
            flags, component = struct.unpack_from(">HH", outline, position)
            found.append(component)
            position += 4 + (4 if flags & COMPOSITE_WORDS else 2)
            if flags & COMPOSITE_SCALE:
                position += 2
            elif flags & COMPOSITE_XY_SCALE:
                position += 4
            elif flags & COMPOSITE_2X2:
                position += 8
        return found

    def subset(self, glyphs):
        """Return a font file that draws only `glyphs` (and what they are built from), same glyph numbers."""
        keep, pending = {0}, list(glyphs)
        while pending:
            glyph = pending.pop()
            if glyph not in keep and glyph < self.glyph_count:
                keep.add(glyph)
                pending.extend(self._components(glyph))
        outlines, offsets = bytearray(), []
        for glyph in range(self.glyph_count):
            offsets.append(len(outlines))
            if glyph in keep:
                outline = self._outline(glyph)
                outlines += outline + b"\x00" * (-len(outline) % 4)
        offsets.append(len(outlines))
        head = bytearray(self.tables[b"head"])
        head[8:12] = b"\x00\x00\x00\x00"  # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", 1)  # long offsets in loca
        tables = {tag: self.tables[tag] for tag in EMBEDDED_TABLES if tag in self.tables}
        tables.update({b"glyf": bytes(outlines), b"loca": struct.pack(f">{len(offsets)}I", *offsets)})
        tables[b"head"] = bytes(head)
        font, offsets = _font_file(tables)
        adjustment = (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF
        font[offsets[b"head"] + 8 : offsets[b"head"] + 12] = struct.pack(">I", adjustment)
        return bytes(font)


def _advances(hmtx, metric_count):
    # hmtx holds (advance, left side bearing) pairs; glyphs past the last pair share its advance.
    return list(struct.unpack_from(f">{2 * metric_count}H", hmtx, 0)[::2]) or [0]


def _glyph_offsets(loca, glyph_count, long_offsets):
    if long_offsets:
        return struct.unpack_from(f">{glyph_count + 1}I", loca, 0)
    return [offset * 2 for offset in struct.unpack_from(f">{glyph_count + 1}H", loca, 0)]


def _character_map(cmap):
    """Code point → glyph from the font's Unicode cmap (format 12 for every plane, else format 4)."""
    count = struct.unpack_from(">H", cmap, 2)[0]
    subtables = {}
    for index in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", cmap, 4 + 8 * index)
        subtables[(platform, encoding)] = offset
    for key in ((3, 10), (0, 4), (3, 1), (0, 3)):
        offset = subtables.get(key)
        if offset is None:
            continue
        kind = struct.unpack_from(">H", cmap, offset)[0]
        if kind == 12:
            return _format_12(cmap, offset)
        if kind == 4:
            return _format_4(cmap, offset)
    raise ValueError("the font has no Unicode character map")


def _format_12(cmap, offset):
    groups = struct.unpack_from(">I", cmap, offset + 12)[0]
    mapping = {}
    for index in range(groups):
        first, last, glyph = struct.unpack_from(">III", cmap, offset + 16 + 12 * index)
        mapping.update((code, glyph + code - first) for code in range(first, last + 1))
    return mapping


def _format_4(cmap, offset):
    segments = struct.unpack_from(">H", cmap, offset + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", cmap, offset + 14)
    starts = struct.unpack_from(f">{segments}H", cmap, offset + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", cmap, offset + 16 + 4 * segments)
    range_at = offset + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", cmap, range_at)
    mapping = {}
    for index, (start, end, delta, range_offset) in enumerate(zip(starts, ends, deltas, ranges, strict=True)):
        for code in range(start, min(end, 0xFFFE) + 1):
            if range_offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_at + 2 * index + range_offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", cmap, at)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                mapping[code] = glyph
    return mapping


def _checksum(data):
    padded = bytes(data) + b"\x00" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _font_file(tables):
    """Assemble an sfnt file from its tables (sorted by tag, each on a 4-byte boundary); return it and their offsets."""
    tags = sorted(tables)
    power = 1 << (len(tags).bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, len(tags), power * 16, power.bit_length() - 1, (len(tags) - power) * 16)
    start = len(header) + 16 * len(tags)
    records, bodies, offsets = b"", b"", {}
    for tag in tags:
        body = tables[tag]
        offsets[tag] = start + len(bodies)
        records += struct.pack(">4sIII", tag, _checksum(body), offsets[tag], len(body))
        bodies += body + b"\x00" * (-len(body) % 4)
    return bytearray(header + records + bodies), offsets


@cache
def vietnamese_fonts():
    """Return (regular, bold) fonts that draw Vietnamese, or None; bold is the regular one if missing."""
    for regular_name, bold_name in FONT_FILES:
        regular = _load(FONT_DIR / regular_name)
        if regular is not None:
            return regular, _load(FONT_DIR / bold_name) or regular
    return None


def _load(path):
    try:
        font = TrueTypeFont(path)
    except (OSError, ValueError, KeyError, struct.error):
        return None
    return font if font.covers(VIETNAMESE) else None
