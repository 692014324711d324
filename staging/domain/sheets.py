"""Reading a workbook's first sheet without believing what it says about its own size.

A sheet declares its size (`<dimension ref="A1:XFD1048576"/>`) and openpyxl pads every row to it:
a 5 KB file would be read as 16,384 cells by a million rows and tie up a worker for half an hour.
Here the declared size is dropped, a row is only as wide as the header's last named column, and
reading stops at the row limit. Empty rows count toward the limit: a stray cell a million rows
below the data must not make us walk every empty row above it."""
import io

from .errors import Invalid


def too_many_rows(limit):
    return Invalid("More than {rows} rows, empty rows included: delete the empty rows below the data, "
                   "or split the file.", rows=limit)


def xlsx_rows(data, max_rows):
    """The header row (up to its last non-blank cell), then each row below it as a tuple of values
    as wide as the header; raises Invalid when the sheet has more than max_rows rows under the header."""
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise unreadable() from None
    try:
        sheet.reset_dimensions()
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        width = max((i + 1 for i, value in enumerate(header) if str(value or "").strip()), default=0)
        yield tuple(header[:width])
        if not width:
            return
        # One row past the limit is enough to know the sheet is too long.
        for count, row in enumerate(sheet.iter_rows(min_row=2, max_row=max_rows + 2, max_col=width,
                                                    values_only=True), start=1):
            if count > max_rows:
                raise too_many_rows(max_rows)
            yield row
    except Invalid:
        raise
    except Exception:  # a sheet's XML broken further down
        raise unreadable() from None
    finally:
        book.close()


def unreadable():
    return Invalid("This file cannot be read as an Excel workbook (XLSX): save it again as XLSX or CSV.")
