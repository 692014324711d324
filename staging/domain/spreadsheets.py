"""Rows of an export as a spreadsheet opens them: CSV in the downloading person's locale (field
separator, decimal mark, a UTF-8 BOM) and XLSX with real dates and numbers, a frozen header, a
filter over every column and widths that fit the values.

A row holds plain values: text, numbers (Decimal), and times as naive plant-local datetimes. The
CSV writes a time as `2026-12-04 07:54:19` (every spreadsheet reads that as a date); the XLSX
writes a datetime cell with a date format, so a planner can sort and filter by it."""
import csv
import datetime
import io
import itertools
from dataclasses import dataclass
from decimal import Decimal

THOUSANDTHS = Decimal("0.001")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
XLSX_TIME_FORMAT = "yyyy-mm-dd h:mm:ss"  # openpyxl's own for a datetime: unambiguous in every language
WIDTH_SAMPLE = 200  # rows read ahead to size the columns (the rest stream as they come)
MAX_WIDTH = 60


def neutralise(value):
    """A text cell a spreadsheet would run as a formula gets a leading apostrophe; numbers
    (a negative quantity) stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    if isinstance(value, Decimal):  # the same three places from SQLite and PostgreSQL
        return value.quantize(THOUSANDTHS)
    return value


# Languages whose spreadsheets read a decimal comma, and so expect ";" between CSV fields.
DECIMAL_COMMA = {"de", "fr", "es", "it", "nl", "pt", "pl", "cs", "sk", "sl", "hu", "ro", "da", "sv", "nb", "no",
                 "fi", "ru", "uk", "tr", "el", "hr", "bg", "lt", "lv", "et", "id", "vi"}


@dataclass(frozen=True)
class CsvStyle:
    """How a person's spreadsheet reads a CSV: field separator and decimal mark (from their locale)."""
    separator: str = ","
    decimal: str = "."

    @classmethod
    def for_locale(cls, locale):
        language = str(locale or "en").replace("-", "_").split("_")[0].lower()
        return cls(";", ",") if language in DECIMAL_COMMA else cls(",", ".")


def _csv_cell(value, style):
    value = neutralise(value)
    if isinstance(value, Decimal):
        return str(value).replace(".", style.decimal)
    if isinstance(value, datetime.datetime):
        return value.strftime(TIME_FORMAT)
    return value


def csv_stream(header, rows, style=CsvStyle()):
    """Yield CSV text in pieces of about 16 kB: a UTF-8 BOM (so a spreadsheet reads the text as
    UTF-8), the header, then rows, every text cell neutralised, numbers with the locale's mark."""
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, delimiter=style.separator)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell, style) for cell in row])
        if buf.tell() > 16384:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate(0)
    yield buf.getvalue()


def _xlsx_cell(value):
    if value == "":
        return None  # an empty cell is not written at all (fewer cells: a smaller, faster workbook)
    value = neutralise(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _widths(header, sample):
    """Characters per column: the longest of the header and the first rows' values, within reason."""
    widths = [len(str(h)) for h in header]
    for row in sample:
        for i, value in enumerate(row[:len(widths)]):
            shown = len(XLSX_TIME_FORMAT) if isinstance(value, datetime.datetime) else len(str(value))
            widths[i] = max(widths[i], shown)
    return [min(MAX_WIDTH, w + 2) for w in widths]


def xlsx_file(header, rows, title):
    """The rows as an XLSX workbook (bytes), written in openpyxl's write-only (streaming) mode:
    numbers as numbers, times as dates with a date format, text neutralised; the header bold and
    frozen, a filter over every column, the columns as wide as their first rows need."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    # Widths and the frozen pane belong to the sheet's head: set before the first row is written.
    for i, width in enumerate(_widths(header, sample), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    count = 0
    # A datetime appended as it is becomes a date cell with openpyxl's date format
    # (yyyy-mm-dd h:mm:ss): a styled cell per row would cost several times the row itself.
    for row in itertools.chain(sample, rows):
        sheet.append([_xlsx_cell(value) for value in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(header)))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

