"""PDF: labels at their exact size, one per page, or tiled on office sheets with cut marks."""
import functools
import io
from pathlib import Path

from ...domain.errors import Invalid
from .content import KIND_TITLES, SHEETS, SIZES
from .elements import Bars, Rect, Text, _font
from .placement import place
from .png import FONT_FILES

# Helvetica (a PDF's own font) writes only Western European letters: Polish captions and names
# (Ł, ę, ś) and anything else beyond it are written in Liberation Sans (or DejaVu Sans), embedded;
# Liberation Sans has Helvetica's widths, so text fits the same.
UNICODE_FONTS = {False: ("LabelSans", 0), True: ("LabelSans-Bold", 1)}
PT_PER_MM = 72 / 25.4
PDF_DPI = 300  # placement grid for PDF: bars fall on 1/300 in, crisp at 300 and 600 dpi


def _pdf_font(bold, lines):
    try:
        "".join(lines).encode("cp1252")
        return _font(bold)
    except UnicodeEncodeError:
        return _unicode_font(bold) or _font(bold)


@functools.cache
def _unicode_font(bold):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    name, _ = UNICODE_FONTS[bold]
    for path in FONT_FILES[bold]:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont(name, path))
            return name
    return None


def pdf(labels, size, sheet=None, progress=None):
    """A PDF: one page per label at the label's exact size, or labels tiled on A4/Letter sheets
    with cut marks. Barcodes are vector rectangles; text is Helvetica."""
    from reportlab.pdfgen import canvas
    if sheet and sheet not in SHEETS:
        raise Invalid("Sheets are {sheets}.", sheets=' or '.join(SHEETS))
    label_size = SIZES[size]
    sheet_size = SIZES[sheet] if sheet and size not in SHEETS else None
    page = sheet_size or label_size
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(page.width * PT_PER_MM, page.height * PT_PER_MM), pageCompression=1)
    c.setTitle(f"{KIND_TITLES.get(labels[0].kind, 'Labels') if labels else 'Labels'} labels")
    slots = sheet_slots(label_size, sheet_size) if sheet_size else [(0.0, 0.0)]
    for i, label in enumerate(labels):
        slot = i % len(slots)
        if i and slot == 0:
            c.showPage()
        ox, oy = slots[slot]
        if sheet_size:
            _cut_marks(c, ox, oy, label_size, page)
        _draw_pdf(c, place(label, size, PDF_DPI), ox, oy, page)
        if progress:
            progress(i + 1)
    c.showPage()
    c.save()
    return buf.getvalue()


SHEET_MARGIN = 4.0  # mm: inside what most office printers can reach
SHEET_GAP = 2.0


def sheet_slots(label, sheet):
    """Top-left corners (mm) of the labels that fit on a sheet, row by row."""
    cols = max(1, int((sheet.width - 2 * SHEET_MARGIN + SHEET_GAP) // (label.width + SHEET_GAP)))
    rows = max(1, int((sheet.height - 2 * SHEET_MARGIN + SHEET_GAP) // (label.height + SHEET_GAP)))
    left = (sheet.width - cols * label.width - (cols - 1) * SHEET_GAP) / 2
    top = (sheet.height - rows * label.height - (rows - 1) * SHEET_GAP) / 2
    return [(left + c * (label.width + SHEET_GAP), top + r * (label.height + SHEET_GAP))
            for r in range(rows) for c in range(cols)]


def _cut_marks(c, ox, oy, label, page):
    c.setStrokeGray(0.75)
    c.setLineWidth(0.3)
    c.setDash(2, 2)
    c.rect(ox * PT_PER_MM, (page.height - oy - label.height) * PT_PER_MM,
           label.width * PT_PER_MM, label.height * PT_PER_MM, stroke=1, fill=0)
    c.setDash()


def _draw_pdf(c, p, ox_mm, oy_mm, page):
    """Bars and solid boxes as one path in printer dots (whole numbers, y down: the placement's
    own grid), text as one text object in points. reportlab's per-call overhead, not the drawing,
    is most of the cost of a label, so each is made in as few calls as the PDF allows."""
    k = 72 / p.dpi  # points per dot
    ox, top = ox_mm * PT_PER_MM, page.height * PT_PER_MM - oy_mm * PT_PER_MM
    c.setFillGray(0)
    c.setStrokeGray(0)
    solid, text = [], c.beginText()
    for it in p.items:
        if isinstance(it, Bars):
            solid.append(it.pdf_path)
        elif isinstance(it, Rect) and not it.thickness:
            solid.append(f"{it.x} {it.y} {it.w} {it.h} re\n")
        elif isinstance(it, Rect):
            t = it.thickness * k
            c.setLineWidth(t)
            c.rect(ox + it.x * k + t / 2, top - (it.y + it.h) * k + t / 2, it.w * k - t, it.h * k - t,
                   stroke=1, fill=0)
        elif isinstance(it, Text):
            text.setFont(_pdf_font(it.bold, it.lines), it.size * k)
            for i, (dx, line) in enumerate(it.placed_lines):
                text.setTextOrigin(ox + (it.x + dx) * k, top - (it.y + i * it.pitch + it.size * 0.8) * k)
                text.textOut(line)
    if solid:
        c.saveState()
        c.transform(k, 0, 0, -k, ox, top)
        c.addLiteral("".join(solid) + "f")
        c.restoreState()
    c.drawText(text)
