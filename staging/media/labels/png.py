"""PNG: a raster label at the printer's resolution."""
import io
from pathlib import Path

from .elements import Bars, Rect, Text
from .placement import place

FONT_FILES = {
    False: ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    True: ("/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
           "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
_fonts = {}


def _pil_font(bold, size):
    from PIL import ImageFont
    key = (bold, size)
    if key not in _fonts:
        font = None
        for path in FONT_FILES[bold]:
            if Path(path).exists():
                font = ImageFont.truetype(path, size)
                break
        _fonts[key] = font or ImageFont.load_default(size)
    return _fonts[key]


def png(label, size, dpi=203):
    """A raster label at the printer's resolution: bars from the module pattern, N whole dots
    per module, so every bar and space is exactly as wide as the printer would make it."""
    from PIL import Image, ImageDraw
    p = place(label, size, dpi)
    img = Image.new("L", (p.width, p.height), 255)
    draw = ImageDraw.Draw(img)
    for it in p.items:
        if isinstance(it, Bars):
            for start, n in it.runs:
                x0 = it.x + start * it.module
                draw.rectangle([x0, it.y, x0 + n * it.module - 1, it.y + it.h - 1], fill=0)
        elif isinstance(it, Text):
            font = _pil_font(it.bold, it.size)
            anchor, ax = {"left": ("ls", it.x), "center": ("ms", it.x + it.w // 2),
                          "right": ("rs", it.x + it.w)}[it.align]
            for i, line in enumerate(it.lines):
                draw.text((ax, it.y + i * it.pitch + round(it.size * 0.8)), line, font=font, fill=0, anchor=anchor)
        elif isinstance(it, Rect):
            if it.thickness:
                draw.rectangle([it.x, it.y, it.x + it.w - 1, it.y + it.h - 1], outline=0, width=it.thickness)
            else:
                draw.rectangle([it.x, it.y, it.x + it.w - 1, it.y + it.h - 1], fill=0)
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(dpi, dpi), optimize=False)
    return buf.getvalue()
