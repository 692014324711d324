"""A spreadsheet cannot stall a worker: a workbook's declared size is not believed, rows are read
only as wide as the header and only up to the row limit, and empty rows (in a workbook or a CSV)
count toward it. The ERP preview is for those who may import work orders."""
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from staging.domain import workorders
from staging.domain.setup import imports
from staging.store.models import Location, WorkOrder

from .webutil import csrf_token, login

LOCATION_HEADER = ("code", "name", "kind", "parent", "capacity")
ERP_HEADER = ("work_order", "product", "product_rev", "quantity", "machine", "output_station", "status", "due",
              "part", "part_rev", "part_qty", "uom")


def hostile_workbook(header, rows, last_row, dimension="A1:XFD1048576"):
    """A small workbook whose sheet declares `dimension` and holds one more cell, in `last_row`."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                xml = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{dimension}"/>', xml)
                xml = xml.replace("</sheetData>", f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr">'
                                                  f'<is><t>x</t></is></c></row></sheetData>')
                data = xml.encode()
            dst.writestr(item, data)
    return out.getvalue()


def post_file(client, path, data, filename, **form):
    return client.post(path, data={"csrf_token": csrf_token(client, path), "file": (io.BytesIO(data), filename),
                                   **form}, content_type="multipart/form-data")


@pytest.fixture
def admin(client, web_plant):
    login(client, "admin1")
    return client


def test_the_hostile_workbook_is_a_few_kilobytes(app):
    data = hostile_workbook(LOCATION_HEADER, [], 1048576)
    assert len(data) < 8_000


def test_a_declared_size_is_not_believed_rows_are_as_wide_as_the_header(app, web_plant):
    data = hostile_workbook(ERP_HEADER, [("WO-77", "HSG-1", "A", "10", "M1", "", "planned", "", "RES-100", "B",
                                          "20", "kg")], 300, dimension="A1:XFD300")
    preview = workorders.preview(data, "UTC")
    lines = preview.text.splitlines()
    assert lines[0].split(",") == list(ERP_HEADER)
    assert {line.count(",") for line in lines} == {len(ERP_HEADER) - 1}  # not 16,383 commas a row
    assert len(lines) == 300


def test_a_stray_cell_far_below_the_data_is_refused_counting_the_empty_rows(admin):
    data = hostile_workbook(LOCATION_HEADER, [("A-9", "Aisle 9", "storage", "", "")], 150_000,
                            dimension="A1:E150000")
    response = post_file(admin, "/setup/import/locations", data, "locations.xlsx", step="import")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "More than 100000 rows, empty rows included: delete the empty rows below the data" in html
    assert not Location.select().where(Location.code == "A-9").exists()


@pytest.mark.parametrize("kind", ["locations", "parts", "users", "stock"])
def test_the_hostile_workbook_on_the_setup_imports_is_refused_in_words(admin, kind):
    header = {"locations": LOCATION_HEADER, "parts": ("number", "revision", "description", "uom", "gtin"),
              "users": ("username", "display_name", "role", "badge"),
              "stock": ("lpn", "part", "revision", "quantity", "lot", "location")}[kind]
    data = hostile_workbook(header, [], 1048576)
    response = post_file(admin, f"/setup/import/{kind}", data, f"{kind}.xlsx", step="preview")
    assert response.status_code == 422
    assert "More than 100000 rows, empty rows included" in response.get_data(as_text=True)


def test_the_hostile_workbook_on_the_erp_import_is_refused_in_words(client, web_plant):
    login(client, "lead1")
    data = hostile_workbook(ERP_HEADER, [], 1048576)
    response = post_file(client, "/work-orders/import", data, "orders.xlsx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"More than {workorders.MAX_ROWS} rows, empty rows included" in html and "Nothing was imported." in html
    assert WorkOrder.select().count() == 1  # the plant's own, nothing new


def test_the_erp_preview_is_for_those_who_may_import(client, web_plant):
    login(client, "operator1")
    page = client.get("/work-orders/import").get_data(as_text=True)
    assert "Only a lead or above may import work orders." in page and 'type="file"' not in page
    good = (",".join(ERP_HEADER) + "\nWO-50,HSG-1,A,10,M1,,planned,,RES-100,B,20,kg\n").encode()
    response = post_file(client, "/work-orders/import", good, "wo.csv")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "only a lead or above may change work orders" in html and "WO-50" not in html


def test_a_csv_of_empty_lines_is_refused_and_writes_nothing(admin):
    data = ",".join(LOCATION_HEADER).encode() + b"\n" + b"\n" * (15 * 1024 * 1024)
    response = post_file(admin, "/setup/import/locations", data, "locations.csv", step="import")
    assert response.status_code == 422
    assert "More than 100000 rows, empty rows included" in response.get_data(as_text=True)


def test_a_file_at_the_limit_still_imports(web_plant):
    text = ",".join(LOCATION_HEADER) + "\n" + "A-77,Aisle,storage,,\n" + "\n" * (imports.MAX_ROWS - 1)
    report = imports.run(web_plant.users["admin"], "locations", text, "locations.csv", dry_run=True)
    assert not report.problem, report.problem


def test_an_erp_row_with_an_order_but_no_material_is_a_row_error_not_a_crash(client, web_plant):
    login(client, "lead1")
    text = ",".join(ERP_HEADER) + "\nWO-88,HSG-1,A,10,M1,,planned,,,,,\n"
    response = post_file(client, "/work-orders/import", text.encode(), "wo.csv")
    assert response.status_code == 422
    assert "Material part number and quantity are missing." in response.get_data(as_text=True)
