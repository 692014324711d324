"""The exports' writers (staging.domain.spreadsheets): XLSX cells typed as a spreadsheet needs them,
CSV in a person's locale."""
import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from staging.domain.spreadsheets import CsvStyle, csv_stream, xlsx_file

AT = datetime.datetime(2026, 12, 4, 7, 54, 19)


def test_a_workbook_holds_dates_numbers_and_empty_cells_under_a_frozen_filtered_header():
    header = ["time", "lpn", "quantity", "work_order", "reason"]
    rows = [(AT, "P000001", Decimal("400000.000"), "", "=cmd"), (AT, "P000002", Decimal("2.5"), "WO-1", "ok")]
    sheet = load_workbook(io.BytesIO(xlsx_file(header, iter(rows), "inventory"))).active
    first = sheet[2]
    assert first[0].value == AT and first[0].is_date and first[0].number_format == "yyyy-mm-dd h:mm:ss"
    assert first[2].value == 400000 and first[3].value is None and first[4].value == "'=cmd"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:E3" and sheet["A1"].font.b
    assert sheet.column_dimensions["A"].width >= len("yyyy-mm-dd h:mm:ss")


def test_a_csv_follows_the_locale_it_is_written_for():
    rows = [(AT, Decimal("400000.000"), "x")]
    german = "".join(csv_stream(["time", "quantity", "note"], rows, CsvStyle.for_locale("de_DE")))
    english = "".join(csv_stream(["time", "quantity", "note"], rows, CsvStyle.for_locale("en")))
    assert german == "\ufefftime;quantity;note\r\n2026-12-04 07:54:19;400000,000;x\r\n"
    assert english == "\ufefftime,quantity,note\r\n2026-12-04 07:54:19,400000.000,x\r\n"
