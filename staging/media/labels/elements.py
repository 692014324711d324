"""Placed elements, in printer dots, each knowing its own ZPL; and fitting text to a width."""
import re
from dataclasses import dataclass
from functools import cached_property

from reportlab.pdfbase import pdfmetrics

from .content import Label, Size

# --- placed elements, in printer dots ----------------------------------------------------------------------
# Frozen, so a label's elements can be shared with the next label that has the same text there.

@dataclass(frozen=True)
class Text:
    x: int
    y: int  # top of the first line
    w: int
    size: int  # font size in dots
    lines: tuple
    bold: bool = False
    align: str = "left"

    @property
    def pitch(self):
        return round(self.size * 1.15)

    @cached_property
    def placed_lines(self):
        """(x offset in dots, line) of each line, aligned in the box by Helvetica's metrics."""
        share = {"left": 0, "center": 0.5, "right": 1}[self.align]
        return [(share * (self.w - _width(line, self.size, self.bold)) if share else 0, line) for line in self.lines]

    @cached_property
    def zpl(self):
        align = {"left": "L", "center": "C", "right": "R"}[self.align]
        return "\n".join(f"^FO{self.x},{self.y + i * self.pitch}^A0N,{self.size},{self.size}"
                         f"^FB{self.w},1,0,{align}^FH_^FD{zpl_text(line)}^FS" for i, line in enumerate(self.lines))


@dataclass(frozen=True)
class Bars:
    x: int
    y: int
    h: int
    module: int  # dots per module
    pattern: str  # "1101..." from the encoder, one character per module
    data: str  # the same symbol as ^BC field data (start code, subsets, FNC1)
    payload: str

    @property
    def width(self):
        return len(self.pattern) * self.module

    @cached_property
    def runs(self):
        """(start module, width in modules) of every bar."""
        return tuple((m.start(), m.end() - m.start()) for m in re.finditer("1+", self.pattern))

    @property
    def pdf_path(self):
        """PDF rectangles ("x y w h re") of the bars, in dots."""
        m = self.module
        return "".join(f"{self.x + start * m} {self.y} {n * m} {self.h} re\n" for start, n in self.runs)

    @property
    def zpl(self):
        # ^BC mode N with the encoder's own start/subset codes; payloads never hold ^ or ~.
        return f"^FO{self.x},{self.y}^BY{self.module}^BCN,{self.h},N,N,N,N^FD{self.data}^FS"


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int
    thickness: int = 0  # 0: filled

    @cached_property
    def zpl(self):
        return f"^FO{self.x},{self.y}^GB{self.w},{self.h},{self.thickness or min(self.w, self.h)}^FS"


@dataclass
class Placed:
    width: int
    height: int
    dpi: int
    items: list
    label: Label
    size: Size

def _font(bold):
    return "Helvetica-Bold" if bold else "Helvetica"


def _width(text, size, bold):
    # Helvetica metrics: the PDF font; Liberation Sans (PNG) and Zebra's font 0 are close to it.
    return pdfmetrics.stringWidth(text, _font(bold), size)


def fit(text, width, size, lines=1, bold=False, shrink=0.65):
    """Lines of text that fit the width, and the font size: one line shrinks (down to `shrink`)
    before it is cut; several lines wrap at spaces, and the last one is cut with an ellipsis."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if not text or width <= 0:
        return [], size
    if lines <= 1:
        w = _width(text, size, bold)
        if w > width:
            size = max(size * shrink, size * width / w)
        return [_cut(text, width, size, bold)], size
    words, out, current = text.split(" "), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if _width(trial, size, bold) <= width or not current:
            current = trial
        else:
            out.append(current)
            current = word
    out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _cut(out[-1] + " ...", width, size, bold, force=True)
    return [_cut(line, width, size, bold) for line in out], size


def _cut(text, width, size, bold, force=False):
    if not force and _width(text, size, bold) <= width:
        return text
    text = text.rstrip(". ")
    while text and _width(text + "...", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "..."

# ^FH_ field data: every ^ ~ _ and byte outside printable ASCII as _XX, so no typed text can
# become a command. Applied to the UTF-8 bytes (read as Latin-1: one character per byte).
_ZPL_ESCAPES = {b: f"_{b:02X}" for b in range(256) if not 0x20 <= b < 0x7F or b in (0x5E, 0x7E, 0x5F)}


def zpl_text(text):
    """Field data for ^FH_, with ^CI28 making the bytes UTF-8."""
    return text.encode("utf-8").decode("latin-1").translate(_ZPL_ESCAPES)
