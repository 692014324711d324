"""An import's preview at any size of file: the file carried from the preview to the import in the
page compressed (a 50,000-pallet CSV is megabytes as it is, a few hundred kB gzipped and in base64),
and its refused and good rows shown a page at a time, the summary and the problems first."""
import base64
import binascii
import gzip
import math
import zlib
from dataclasses import dataclass

ROWS_PER_PAGE = 100
GZIP_MAGIC = b"\x1f\x8b"


def carry(data):
    """The file's bytes as text for a hidden field: gzip, then base64."""
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode() if data else ""


def carried(text, most):
    """The file back from `carry`'s text (or from plain base64, as API clients and older pages
    send it): at most `most` + 1 bytes (a bigger file is refused by the import as too large, and a
    small field cannot unpack into gigabytes). b"" when it is neither."""
    try:
        packed = base64.b64decode(text or "", validate=True)
        if not packed.startswith(GZIP_MAGIC):  # a CSV or a workbook (PK...) never starts so
            return packed
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(packed, most + 1)
    except (binascii.Error, ValueError, zlib.error):
        return b""


@dataclass
class Page:
    """One page of a preview's rows (`number` counts from 1)."""
    rows: list
    number: int
    pages: int
    total: int
    name: str  # the form field that asks for another page

    @property
    def first_line(self):
        return (self.number - 1) * ROWS_PER_PAGE + 1


def page_of(rows, asked, name):
    """The page `asked` (a form value: anything, kept within the pages there are) of `rows`."""
    pages = max(1, math.ceil(len(rows) / ROWS_PER_PAGE))
    try:
        number = min(pages, max(1, int(asked or 1)))
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * ROWS_PER_PAGE
    return Page(rows[start:start + ROWS_PER_PAGE], number, pages, len(rows), name)
