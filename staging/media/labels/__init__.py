"""Label kinds -> placed elements -> ZPL / SVG / PNG / PDF, from the layouts in labels/.

A layout (labels/<kind>-<size>.toml) says where text, barcodes and boxes go, in millimetres.
`place()` turns it into elements in printer dots for one resolution: every barcode module is a
whole number of dots, so raster output has even bars. Each output draws the same elements, so
the ZPL, the PDF and the previews agree. SVG and PDF use the 300 dpi placement.

Everything a user typed (lot, description, names) is data: escaped for SVG by Jinja's
autoescape, hex-escaped (^FH) for ZPL, and drawn as text in PNG and PDF. No Flask here.

content: what goes on each kind of label; placement: layouts and where things go; elements:
what is placed (and text fitting); barcodes: Code 128 encoding; zpl, svg, png, pdf: outputs."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
# Set before the modules below load, and read from here: svg at import, layout() at every call,
# so setting labels.LAYOUTS moves where layouts come from.
LAYOUTS = ROOT / "labels"

from ...domain import codes  # noqa: E402
from ...domain.errors import Invalid  # noqa: E402
from .barcodes import BARCODE_SAFE, QUIET, encode  # noqa: E402

# Not public, but used from outside: printing chunks its inserts, a test measures fitted text.
from .content import (  # noqa: E402
    DEFAULT_SIZE,
    DPIS,
    FORMATS,
    KIND_TITLES,
    KINDS,
    LABEL_SIZES,
    MAX_BATCH,
    SHEETS,
    SIZES,
    Label,
    Settings,
    Size,
    _chunks,  # noqa: E402, F401
    badge_label,
    badge_labels,
    card_label,
    card_labels,
    command_sheet,
    location_label,
    location_labels,
    make_sscc,
    mark_reprints,
    one,
    sscc_check_digit,
    sscc_code,
    tool_label,
    unit_labels,
    units_for_work_order,
    units_received,
    valid_sscc,
)
from .elements import (  # noqa: E402
    Bars,
    Placed,
    Rect,
    Text,
    _width,  # noqa: E402, F401
    fit,
    zpl_text,
)
from .pdf import PDF_DPI, PT_PER_MM, SHEET_GAP, SHEET_MARGIN, pdf, sheet_slots  # noqa: E402
from .placement import layout, place  # noqa: E402
from .png import FONT_FILES, png  # noqa: E402
from .svg import svg  # noqa: E402
from .zpl import zpl  # noqa: E402

__all__ = [
    "ROOT", "LAYOUTS", "MIMETYPES", "render",
    "BARCODE_SAFE", "QUIET", "encode",
    "DEFAULT_SIZE", "DPIS", "FORMATS", "KIND_TITLES", "KINDS", "LABEL_SIZES", "MAX_BATCH", "SHEETS", "SIZES",
    "Label", "Settings", "Size", "badge_label", "badge_labels", "card_label", "card_labels", "command_sheet",
    "location_label", "location_labels", "tool_label",
    "make_sscc", "mark_reprints", "one", "sscc_check_digit", "sscc_code", "unit_labels",
    "units_for_work_order", "units_received", "valid_sscc",
    "Bars", "Placed", "Rect", "Text", "fit", "zpl_text",
    "PDF_DPI", "PT_PER_MM", "SHEET_GAP", "SHEET_MARGIN", "pdf", "sheet_slots",
    "layout", "place", "FONT_FILES", "png", "svg", "zpl",
]


# --- one entry point for every output -----------------------------------------------------------------------

MIMETYPES = {"zpl": "application/vnd.zebra-zpl", "pdf": "application/pdf",
             "svg": "image/svg+xml", "png": "image/png"}


def render(labels, fmt, size, *, dpi=203, sheet=None, progress=None):
    """bytes of `labels` in a format: zpl and pdf take a batch; svg and png one label."""
    if not labels:
        raise Invalid("No labels to make.")
    for label in labels:
        layout(label.kind, size)  # refuses a size the kind does not come in
    if fmt == "zpl":
        if size in SHEETS:
            raise Invalid("A command sheet is a page: print it as PDF, not ZPL.")
        return zpl(labels, size, dpi, progress)
    if fmt == "pdf":
        return pdf(labels, size, sheet, progress)
    if fmt == "svg":
        return svg(labels[0], size).encode("utf-8")
    if fmt == "png":
        if dpi not in DPIS:
            raise Invalid("PNG is made at {dpis} dpi.", dpis=' or '.join(map(str, DPIS)))
        return png(labels[0], size, dpi)
    raise Invalid("Labels come as {formats}, not “{format}”.", formats=', '.join(FORMATS), format=codes.shown(fmt))
