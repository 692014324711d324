"""Code 128 and GS1-128: a payload -> the module pattern every output draws, and the same
symbol as ^BC field data for the printer."""
import re

from barcode.charsets import code128
from barcode.codex import Code128, Gs1_128

from ...domain import codes
from ...domain.errors import Invalid

GS = "\x1d"  # the GS1 separator, as a scanner sends it
QUIET = 10  # modules of white either side of a Code 128 symbol

# What may go into a barcode: printable ASCII except ^ and ~ (ZPL's command prefixes, and
# characters a keyboard wedge types differently on different layouts).
BARCODE_SAFE = re.compile(r"^[\x20-\x5d\x5f-\x7d]{1,80}$")


def encode(payload, gs1=False):
    """(module pattern, ^BC field data) for Code 128, or GS1-128 when gs1 (payload: raw AI digits).

    The printer gets the encoder's own choice of start code and subset switches, so a Zebra's
    ^BC draws the same symbol, module for module, as the PNG, SVG and PDF."""
    if not BARCODE_SAFE.match(payload.replace(GS, "") if gs1 else payload):
        raise Invalid("“{payload}” cannot be printed as a barcode: use printable characters without ^ or ~ (at most "
                      "80).", payload=codes.shown(payload))
    if gs1:  # a GS after a variable-length element is an FNC1 in the symbol (python-barcode: \xf1)
        payload = payload.replace(GS, "\xf1")
    encoder = (Gs1_128 if gs1 else Code128)(payload, writer=_NO_WRITER)
    values = encoder._build()  # what .build() draws; called once, it keeps state between calls
    symbol = (*values, encoder._calculate_checksum(values))
    pattern = "".join(code128.CODES[v] for v in symbol) + code128.STOP + "11"
    return pattern, _zpl_data(values)


_NO_WRITER = object()  # the encoder only encodes here: spare it building an SVG writer per symbol
_ZPL_START = {103: ("A", ">9"), 104: ("B", ">:"), 105: ("C", ">;")}
_ZPL_SWITCH = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}


def _zpl_data(values):
    subset, out = _ZPL_START[values[0]]
    parts = [out]
    for v in values[1:]:
        if v == 102:
            parts.append(">8")  # FNC1
        elif v in _ZPL_SWITCH[subset]:
            parts.append(">" + str(v - 94))  # >5 CODE C, >6 CODE B, >7 CODE A
            subset = _ZPL_SWITCH[subset][v]
        elif subset == "C":
            parts.append(f"{v:02d}")
        else:
            ch = chr(v + 32)
            parts.append("><" if ch == ">" else ch)
    return "".join(parts)
