"""The desk pages in real Chromium at 1280x800, reached the way a stager or a lead reaches them:
signing in, then clicking the header and the pages' links (htmx boosts every click)."""
import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.domain.people.users import create_user
from staging.store.models import WorkOrder, WorkOrderLine

pytestmark = pytest.mark.browser

SHOTS = "/tmp"


@pytest.fixture
def plant(web_plant):
    """The web plant with a pallet of resin staged in LANE-1 for WO-1 on M1."""
    plant = web_plant
    plant.unit = plant.receive(qty="40", lot="LOT-9")
    inventory.stage(plant.ctx("stager"), plant.unit.lpn, "LANE-1", "WO-1")
    return plant


def sign_in(page, base, role="lead", user=None):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/login")
    page.fill("input[name=username]", user or f"{role}1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(base + "/inventory")
    return page


def header(page, name):
    """Click a link in the header, as a person does (a boosted click: htmx swaps the body)."""
    page.click(f"header.top nav >> text={name}")
    expect(page.locator("header.top nav a[aria-current]")).to_have_text(name)  # the swap is done


def styled(page, selector, prop, value):
    """The element's computed style: proof that the page's stylesheet applies after the click."""
    return page.eval_on_selector(selector, f"el => getComputedStyle(el).{prop}") == value


# --- 1. refusals are on the screen ----------------------------------------------------------------------

def test_a_new_work_order_on_an_unknown_machine_is_refused_on_the_screen(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("text=New work order")
    page.wait_for_url("**/work-orders/new")
    page.fill("input[name=number]", "WO-77")
    page.fill("input[name=product]", "HSG-1")
    page.fill("input[name=quantity]", "10")
    page.fill("input[name=machines]", "M7")
    page.click("button:has-text('Save')")
    expect(page.locator("p.alert.error")).to_contain_text("Nothing was saved")
    expect(page.locator(".field-error", has_text="M7")).to_contain_text("is not a machine")
    expect(page.locator("input[name=number]")).to_have_value("WO-77")  # what was typed stays
    assert WorkOrder.get_or_none(WorkOrder.number == "WO-77") is None


def test_editing_a_work_order_onto_an_unknown_machine_is_refused_on_the_screen(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("table >> text=WO-1")
    page.click("a.button:has-text('Edit')")
    page.wait_for_url("**/work-orders/WO-1/edit")
    page.fill("input[name=machines]", "M7")
    page.click("button:has-text('Save')")
    expect(page.locator(".field-error", has_text="M7")).to_contain_text("is not a machine")
    assert WorkOrder.get(WorkOrder.number == "WO-1").machine.code == "M1"


ERP_BAD = ("work_order,product,product_rev,quantity,machine,output_station,status,due,part,part_rev,part_qty,uom\n"
           "WO-5,HSG-1,A,10,M7,,released,,RES-100,B,20,kg\n"
           "WO-6,HSG-1,A,10,M1,,released,,RES-100,B,20,kg\n")


def test_a_refused_erp_import_shows_its_rows_on_the_screen(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("text=Import from ERP")
    page.wait_for_url("**/work-orders/import")
    page.set_input_files("input[name=file]", files=[{"name": "erp.csv", "mimeType": "text/csv",
                                                     "buffer": ERP_BAD.encode()}])
    page.click("button:has-text('Preview')")
    expect(page.locator("p.alert.error")).to_contain_text("1 of 2 rows are wrong")
    expect(page.locator("tr.row-bad")).to_contain_text("“M7” is not a machine")
    page.screenshot(path=f"{SHOTS}/desk-import-refused.png", full_page=True)
    assert WorkOrder.select().where(WorkOrder.number.in_(["WO-5", "WO-6"])).count() == 0


def test_a_qc_hold_without_a_reason_is_refused_on_the_screen(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Floor")
    page.click("ul.board >> text=M1")
    page.click("text=Hold…")
    page.wait_for_url(f"**/units/{plant.unit.lpn}/hold")
    page.fill("input[name=reason]", "   ")  # passes the browser's `required`; the plant refuses it
    page.click("button:has-text('Put on QC hold')")
    expect(page.locator("p.alert.error")).to_be_visible()
    expect(page.locator("h1 .status")).to_have_text("staged")


def test_a_label_batch_for_an_unknown_pallet_is_refused_on_the_screen(page, live_server, plant):
    sign_in(page, live_server, "stager")
    header(page, "Labels")
    page.fill("textarea[name=lpns]", "NOPE-9")
    page.click("form.labels-form button[type=submit]")
    expect(page.locator("p.alert.error")).to_contain_text("NOPE-9")


def test_a_report_range_too_long_is_refused_on_the_reports_page(page, live_server, plant):
    # Found walking the desk: the refusal came as a bare "Bad request" page, the form gone with it.
    sign_in(page, live_server)
    header(page, "Reports")
    page.fill("input[name=from]", "2024-01-01")
    page.fill("input[name=to]", "2026-01-01")
    page.click("form.inline-form button:has-text('Show')")
    expect(page.locator("p.alert.error")).to_contain_text("Choose at most 400 days. Below: the last 7 days.")
    expect(page.locator("input[name=from]")).to_be_visible()  # still on the reports page, form in reach
    page.fill("input[name=from]", "2026-01-10")  # from after to: the same days, said in order
    page.fill("input[name=to]", "2026-01-04")
    page.click("form.inline-form button:has-text('Show')")
    expect(page.locator("h2", has_text="Downloads")).to_have_text("Downloads (2026-01-04 to 2026-01-10)")
    expect(page.locator("p.alert.error")).to_have_count(0)


# --- 2. every page keeps its styles after a click --------------------------------------------------------

def test_the_floor_board_reached_by_a_click_is_red_amber_green(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Floor")
    page.wait_for_url(live_server + "/floor")
    expect(page.locator("ul.board li.tile").first).to_be_visible()
    assert styled(page, "ul.board", "display", "grid")  # not a bullet list
    assert styled(page, "ul.board li.tile", "borderLeftWidth", "12px")
    page.screenshot(path=f"{SHOTS}/desk-floor-by-click.png")
    header(page, "Work orders")
    page.wait_for_url(live_server + "/work-orders/")
    assert styled(page, ".wo-status", "textTransform", "uppercase")
    header(page, "Reports")
    page.wait_for_url(re.compile(r".*/reports.*"))
    assert styled(page, "figure.chart", "borderTopStyle", "solid")


# --- 3. the header search lands -----------------------------------------------------------------------

def test_an_lpn_in_the_header_search_lands_on_the_unit_page(page, live_server, plant):
    sign_in(page, live_server)
    page.fill("header form.search input[name=q]", plant.unit.lpn)
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(live_server + f"/units/{plant.unit.lpn}")
    expect(page.locator("h1")).to_contain_text(plant.unit.lpn)
    expect(page.locator("header.top nav")).to_be_visible()


def test_a_part_in_the_header_search_shows_the_whole_search_page(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Floor")
    page.fill("header form.search input[name=q]", "RES-100")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(re.compile(r".*/search\?q=RES-100"))
    expect(page.locator("h1")).to_have_text("Search")
    expect(page.locator("header.top nav")).to_be_visible()
    expect(page.locator("#results")).to_contain_text(plant.unit.lpn)
    # The search page's own box still searches as one types, into the results only.
    page.fill("form.bigsearch input[name=q]", "LOT-9")
    expect(page.locator("#results")).to_contain_text(plant.unit.lpn)
    expect(page.locator("header.top nav")).to_have_count(1)


# --- 4. REPRINT only after a recorded print -----------------------------------------------------------

def label_svg(page, base, lpn):
    return page.request.get(f"{base}/labels/units/{lpn}.svg").text()


def test_a_checked_pdf_is_not_a_print_until_the_stager_confirms_it(page, live_server, plant):
    lpn = plant.unit.lpn
    sign_in(page, live_server, "stager")
    page.fill("header form.search input[name=q]", lpn)
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(live_server + f"/units/{lpn}")
    block = page.locator("#print-block")
    expect(block).to_contain_text("Not printed yet")
    for _ in range(2):  # the stager checks the PDF, twice
        with page.expect_download() as download:
            block.locator("a", has_text="PDF 4x6").click()
        assert download.value.suggested_filename.endswith(".pdf")
    assert "REPRINT" not in label_svg(page, live_server, lpn)
    block.locator("button", has_text="I printed the PDF").click()
    expect(block.locator("[role=status]")).to_contain_text("Recorded as printed")
    expect(block).to_contain_text("Printed 1×")
    expect(block).to_contain_text("The next one says REPRINT")
    assert "REPRINT" in label_svg(page, live_server, lpn)


def test_a_batch_pdf_is_recorded_as_printed_only_when_confirmed(page, live_server, plant):
    sign_in(page, live_server, "stager")
    header(page, "Labels")
    page.fill("textarea[name=lpns]", plant.unit.lpn)
    page.click("form.labels-form button[type=submit]")
    expect(page.locator("a.button", has_text="Download PDF")).to_be_visible()
    with page.expect_download():
        page.click("a.button:has-text('Download PDF')")
    expect(page.locator(".job")).to_contain_text("Not recorded as printed yet")
    assert "REPRINT" not in label_svg(page, live_server, plant.unit.lpn)
    page.click("button:has-text('I printed it: confirm')")
    expect(page.locator(".job [role=status]")).to_contain_text("Recorded as printed")
    assert "REPRINT" in label_svg(page, live_server, plant.unit.lpn)


# --- 5. no false alarms -------------------------------------------------------------------------------

def test_a_new_plants_floor_board_raises_no_false_alarms(page, live_server, plant):
    later = WorkOrder.create(number="WO-8", part=plant.product, quantity=10, machine=plant.machine2, status="planned",
                             due_at=datetime.datetime.utcnow() + datetime.timedelta(days=2))
    WorkOrderLine.create(work_order=later, part=plant.resin_b, quantity=Decimal("50"))
    sign_in(page, live_server)
    header(page, "Floor")
    board = page.locator("#board")
    expect(board.locator("ul.board li.tile").first).to_be_visible()
    # The plant began today: no shift before it owes a log.
    expect(board).not_to_contain_text("not submitted on time")
    m2 = board.locator("li.tile", has_text="M2")
    expect(m2.locator(".tile-state")).to_have_text("Nothing due in 4 h")
    assert "st-ok" not in m2.get_attribute("class")
    page.click("header.top nav >> text=Reports")
    page.click("text=Logbook")
    expect(page.locator("table.logs")).not_to_contain_text("overdue")


# --- 6. four eyes -------------------------------------------------------------------------------------

def test_a_lead_cannot_acknowledge_her_own_safety_note_another_lead_can(page, live_server, plant):
    create_user("lead2", "lead", "password-123")
    sign_in(page, live_server)
    header(page, "Floor")
    page.click("ul.board >> text=M1")
    page.click("text=Logbook,")
    page.select_option("select[name=kind]", "safety")
    page.fill("textarea[name=text]", "Forks bent on FL-3")
    page.click("button:has-text('Add to the log')")
    note = page.locator("ul.notes li", has_text="Forks bent on FL-3")
    expect(note).to_contain_text("another lead must acknowledge it")
    expect(note.locator("button", has_text="Acknowledge")).to_have_count(0)
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login**")
    sign_in(page, live_server, user="lead2")
    header(page, "Reports")
    page.click("main >> text=Logbook")
    note = page.locator("ul.notes li", has_text="Forks bent on FL-3")
    note.locator("button", has_text="Acknowledge").click()
    expect(page.locator("[role=status]")).to_contain_text("Safety issue acknowledged")
    expect(page.locator("ul.notes li", has_text="Forks bent on FL-3")).to_have_count(0)


def test_whoever_put_a_unit_on_hold_cannot_release_it(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Floor")
    page.click("ul.board >> text=M1")
    page.click("text=Hold…")
    page.fill("input[name=reason]", "Torn wrap")
    page.click("button:has-text('Put on QC hold')")
    expect(page.locator("h1 .status")).to_have_text("hold")
    page.fill("input[name=reason]", "Rewrapped")
    page.click("button:has-text('Release the hold')")
    expect(page.locator("p.alert.error")).to_contain_text("someone else must release it")
    expect(page.locator("h1 .status")).to_have_text("hold")


# --- 7. reports a planner can use ---------------------------------------------------------------------

def test_the_reports_page_shows_waste_by_part_and_reason(page, live_server, plant):
    loaded = plant.receive(qty="30")
    inventory.move(plant.ctx(), loaded.lpn, "M1")
    inventory.scrap(plant.ctx(), loaded.lpn, "2.5", reason="Contaminated")
    screws = plant.receive(part=plant.screw, qty="500")
    inventory.scrap(plant.ctx(), screws.lpn, "40", reason="Dropped")
    sign_in(page, live_server)
    header(page, "Reports")
    table = page.locator("table.waste")
    expect(table.locator("tbody tr").first).to_contain_text("FST-M6 rev C")
    expect(table).to_contain_text("Dropped")
    expect(table.locator("tr", has_text="RES-100 rev B")).to_contain_text("2.5 kg")
    chart = page.locator("figure.chart", has_text="Waste by part and reason")
    expect(chart.locator("svg rect")).to_have_count(2)
    expect(page.locator("figure.chart", has_text="Moves by hour of day")).to_contain_text("5 moves")
    page.mouse.wheel(0, 300)
    page.screenshot(path=f"{SHOTS}/desk-waste-report.png")


# --- 8. exports that open right in a spreadsheet ------------------------------------------------------

def _download(page, row, link):
    with page.expect_download() as download:
        row.locator("a", has_text=link).click()
    with open(download.value.path(), "rb") as fh:
        return download.value.suggested_filename, fh.read()


def test_the_excel_exports_hold_dates_and_numbers_with_a_frozen_filtered_header(page, live_server, plant):
    import io

    from openpyxl import load_workbook
    loaded = plant.receive(qty="30")
    inventory.move(plant.ctx(), loaded.lpn, "M1")
    inventory.scrap(plant.ctx(), loaded.lpn, "2.5", reason="Contaminated")
    sign_in(page, live_server)
    header(page, "Reports")
    for title, quantity_column in (("Waste", "wasted"), ("Inventory by location", "quantity")):
        name, data = _download(page, page.locator("table.downloads tr", has_text=title), "Excel")
        assert name.endswith(".xlsx")
        sheet = load_workbook(io.BytesIO(data)).active
        head = [c.value for c in sheet[1]]
        first = dict(zip(head, sheet[2], strict=True))
        time = first["time" if title == "Waste" else "since"]
        # A date a planner can sort by, shown as one; a quantity a number.
        assert isinstance(time.value, datetime.datetime) and time.is_date and "yyyy" in time.number_format
        assert isinstance(first[quantity_column].value, int | float)
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet[1][-1].column_letter}{sheet.max_row}"
        assert sheet[1][0].font.b
        widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
        assert widths["A"] >= len("LANE-1") and min(widths.values()) > 0 and len(widths) == len(head)
    waste = load_workbook(io.BytesIO(_download(page, page.locator("table.downloads tr", has_text="Waste"),
                                               "Excel")[1])).active
    assert [c.value for c in waste[2]][6] == 2.5 and [c.value for c in waste[2]][10] == "Contaminated"


def test_the_csv_export_follows_the_downloading_persons_locale_not_the_plants(page, live_server, plant, app):
    from staging.store.models import User
    loaded = plant.receive(qty="400000")
    inventory.move(plant.ctx(), loaded.lpn, "M1")
    inventory.scrap(plant.ctx(), loaded.lpn, "2.5", reason="Contaminated")
    app.config["PLANT_LOCALE"] = "en_US"  # an English-speaking plant...
    User.update(language="de").where(User.username == "lead1").execute()  # ...and a German planner
    sign_in(page, live_server)
    header(page, "Berichte")
    _, text = _download(page, page.locator("table.downloads tr", has_text="Abfall"), "CSV")
    assert text.startswith(b"\xef\xbb\xbf") and b";2,500;kg;" in text and b"Contaminated" in text
    _, stock = _download(page, page.locator("table.downloads tr").last, "CSV")
    assert b";400000,000;" in stock or b";399997,500;" in stock  # German Excel reads this as 399997.5
    assert b"400.000" not in stock and b"399997.500" not in stock
    # An English-speaking lead in a German plant: commas between fields, a decimal point.
    app.config["PLANT_LOCALE"] = "de_DE"
    User.update(language="en").where(User.username == "lead1").execute()
    page.reload()
    _, text = _download(page, page.locator("table.downloads tr", has_text="Waste"), "CSV")
    assert text.startswith(b"\xef\xbb\xbf") and b",2.500,kg," in text


ERP_NEW_PART = ("order;item;product_rev;qty;work center;output_station;status;due;material;part_rev;material qty;unit\n"
                "WO-1;HSG-1;A;150;M1;;running;;RES-100;B;750,5;kg\n"
                "WO-7;HSG-1;A;10;M2;;planned;;RES-10O;B;20;kg\n")  # a typo: the letter O for a zero


def test_an_erp_file_with_an_unknown_part_is_refused_until_the_lead_confirms(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("text=Import from ERP")
    page.set_input_files("input[name=file]", files=[{"name": "erp.csv", "mimeType": "text/csv",
                                                     "buffer": ERP_NEW_PART.encode()}])
    page.click("button:has-text('Preview')")
    expect(page.locator("table.preview")).to_contain_text("Update work order WO-1")
    expect(page.locator(".alert.warn")).to_contain_text("RES-10O rev B")
    page.click("button:has-text('Import 2 work orders')")
    expect(page.locator("p.alert.error")).to_contain_text("do not exist (RES-10O rev B)")
    assert WorkOrder.get_or_none(WorkOrder.number == "WO-7") is None
    page.check("input[name=create_parts]")
    page.click("button:has-text('Import 2 work orders')")
    expect(page.locator("[role=status]")).to_contain_text("WO-1, WO-7")
    assert WorkOrder.get(WorkOrder.number == "WO-1").quantity == 150


ERP_GERMAN = ("Auftrag;Artikel;Index;Menge;Maschine;Termin;Material;Materialindex;Materialmenge;ME\n"
              "WO-40;HSG-1;A;50;M1;2025-04-02 06:00;RES-100;B;120;kg\n")


def upload_erp(page, text, name="erp.csv"):
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.click("form[enctype='multipart/form-data'] button[type=submit]")


def test_an_erp_file_with_unknown_headers_is_mapped_once_then_read_straight_away(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("text=Import from ERP")
    upload_erp(page, ERP_GERMAN)
    columns = page.locator("section.import-columns")
    expect(columns).to_contain_text("Which column holds what?")
    expect(page.locator("select[name=col_quantity] option:checked")).to_have_text("Menge (e.g. 50)")  # a guess
    page.select_option("select[name=col_part_qty]", "")  # a required field left out
    page.click("button:has-text('Use these columns')")
    expect(page.locator("p.alert.error")).to_contain_text("Choose the file's column for part_qty")
    page.select_option("select[name=col_part_qty]", "Menge")  # the order's quantity twice
    page.click("button:has-text('Use these columns')")
    expect(page.locator("p.alert.error")).to_contain_text("“Menge” is chosen for both quantity and part_qty")
    page.screenshot(path=f"{SHOTS}/desk-import-columns-refused.png", full_page=True)
    page.select_option("select[name=col_part_qty]", "Materialmenge")
    page.click("button:has-text('Use these columns')")
    expect(page.locator("table.preview")).to_contain_text("New work order WO-40: HSG-1 rev A × 50 on M1")
    page.screenshot(path=f"{SHOTS}/desk-import-mapped.png", full_page=True)
    page.click("button:has-text('Import 1 work order')")
    expect(page.locator("[role=status]")).to_contain_text("WO-40")
    assert WorkOrder.get(WorkOrder.number == "WO-40").quantity == 50

    page.click("text=Import from ERP")  # the next export, with the same headers: no questions
    upload_erp(page, ERP_GERMAN.replace("WO-40", "WO-41"))
    expect(page.locator("table.preview")).to_contain_text("New work order WO-41")
    expect(page.locator("form.import-mapped")).to_contain_text("Columns read as the plant chose last time")
    expect(page.locator("section.import-columns")).to_have_count(0)
    page.click("button:has-text('Choose the columns again')")  # the way back, with the plant's choice
    expect(page.locator("select[name=col_part_qty] option:checked")).to_have_text("Materialmenge (e.g. 120)")
    upload_erp(page, ERP_GERMAN.split("\n")[0] + "\n")  # the headers and no rows
    expect(page.locator("p.alert.error")).to_contain_text("has no rows: there is nothing to import")
    assert WorkOrder.get_or_none(WorkOrder.number == "WO-41") is None


def test_a_board_whose_session_ended_sends_the_whole_window_to_sign_in(page, live_server, plant):
    # Found walking the desk: the board's poll followed the redirect and swapped the whole sign-in
    # page (header and all) into the board: a page inside a page, the old tiles gone, no way back.
    from staging.domain.people.users import end_sessions
    from staging.store.models import User
    sign_in(page, live_server)
    header(page, "Floor")
    expect(page.locator("ul.board li.tile").first).to_be_visible()
    end_sessions(User.get(User.username == "lead1"))  # signed out elsewhere, a password change, an admin
    page.wait_for_url("**/login?next=/floor", timeout=15000)  # the board polls every 5 s
    expect(page.locator("header.top")).to_have_count(1)
    page.fill("input[name=username]", "lead1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + "/floor")  # back where the lead was
    expect(page.locator("ul.board li.tile").first).to_be_visible()


def test_a_refused_fragment_shows_its_refusal_in_place_not_a_page_inside_the_page(page, live_server, plant):
    # Found walking the desk: a refusal to an htmx request (here the CSRF check after the stager
    # signed in again in another tab) came back as the whole error page, header and all, swapped
    # into the label block.
    lpn = plant.unit.lpn
    sign_in(page, live_server, "stager")
    page.fill("header form.search input[name=q]", lpn)
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(live_server + f"/units/{lpn}")
    block = page.locator("#print-block")
    expect(block).to_contain_text("Not printed yet")
    other_tab = page.context.new_page()
    other_tab.goto(live_server + "/login")
    other_tab.fill("input[name=username]", "stager1")
    other_tab.fill("input[name=password]", "password-123")
    other_tab.press("input[name=password]", "Enter")
    other_tab.wait_for_url(live_server + "/inventory")
    other_tab.close()
    block.locator("button", has_text="I printed the PDF").click()
    expect(page.locator("main [role=alert]")).to_contain_text("Reload it and try again")
    expect(page.locator("header.top")).to_have_count(1)
    expect(page.locator("main h1")).to_have_text(re.compile(lpn))  # still the unit's page
    page.screenshot(path=f"{SHOTS}/desk-fragment-refused.png")


def test_a_work_order_without_an_output_station_says_so_instead_of_offering_to_produce(page, live_server, plant):
    # Found walking the desk: "Produce pallet" was offered, then refused with "scan the output
    # station", a handheld's words that a lead at a desk cannot act on.
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("table >> text=WO-1")
    expect(page.locator(".alert.warn")).to_contain_text("no output station, so it cannot produce pallets here")
    expect(page.locator("button", has_text="Produce pallet")).to_have_count(0)
    page.click("text=Name its output station")
    page.wait_for_url("**/work-orders/WO-1/edit")


# --- 9. an admin reads the plant's settings in one page ----------------------------------------------

def test_an_admin_reads_the_plants_settings_in_one_page(page, live_server, plant, app):
    app.config["DATABASE_URL"] = "postgresql://staging:s3cret@db.plant/staging"
    sign_in(page, live_server, "admin")
    header(page, "Settings")
    table = page.locator("table.settings").last  # what only the environment sets
    expect(page.locator("select[name=QC_RELEASE_FOUR_EYES]")).to_have_value("on")
    expect(page.locator("input[name=PLANT_TIMEZONE]")).to_have_value("Europe/Berlin")
    expect(table.locator("tr", has_text="DATABASE_URL")).to_contain_text("staging:•••@db.plant")
    expect(table).not_to_contain_text("s3cret")


def test_only_an_admin_sees_the_settings(page, live_server, plant):
    sign_in(page, live_server)
    expect(page.locator("header.top nav a", has_text="Settings")).to_have_count(0)
    assert page.request.get(live_server + "/settings").status == 403
