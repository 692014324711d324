"""A split's new part gets its label at once on the printer that serves where it went (issue 12):
a printer serves a place and everything in it (set up on the printers page); the operator who made
the split may print that one label (stagers and above print any). ZPL checked on a real socket."""
import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.domain.errors import Invalid
from staging.media import printing
from staging.store.models import LabelPrint, LineSidePlace, PrintJob, Unit

from .plant import loc
from .test_handheld_browser import sign_in
from .test_labels import FakePrinter, refused_port
from .test_scan_browser import shows, wedge


@pytest.fixture
def rack_printer(web_plant):
    fake = FakePrinter()
    printing.save_printer(web_plant.users["admin"], "Rack Zebra", "127.0.0.1", fake.port, 203, "4x6", serves="R-A")
    yield fake
    fake.close()


def test_the_printer_for_a_place_is_the_nearest_that_serves_it_or_is_named_like_it(plant):
    admin = plant.users["admin"]
    area = loc("Z1", "storage", plant.rack, holds=False)
    bin_in_area = loc("Z1-B1", "storage", area)
    assert printing.printer_for(bin_in_area) is None
    printing.save_printer(admin, "Hall", "127.0.0.1", 9100, serves="R-A")
    assert printing.printer_for(bin_in_area).name == "Hall"  # the rack it is in
    printing.save_printer(admin, "Z1", "127.0.0.1", 9100)  # named like the area: the area's own
    assert printing.printer_for(bin_in_area).name == "Z1"
    printing.save_printer(admin, "Bin", "127.0.0.1", 9100, serves="z1-b1")
    assert printing.printer_for(bin_in_area).name == "Bin"
    assert printing.printer_for(plant.lane) is None
    with pytest.raises(Invalid, match="No location with the code “NOPE”"):
        printing.save_printer(admin, "Hall", "127.0.0.1", 9100, serves="NOPE")
    assert printing.get_printer("Hall").serves.code == "R-A"  # nothing changed


@pytest.mark.browser
def test_a_split_on_the_handheld_prints_the_new_label_on_the_printer_serving_its_place(
        page, live_server, web_plant, rack_printer):
    pallet = inventory.receive(web_plant.ctx("stager"), web_plant.resin_b, "100", web_plant.dock, lot="L1").unit
    sign_in(page, live_server, "operator1")
    page.click("button.mode >> text=Split")
    wedge(page, pallet.lpn)
    wedge(page, "20")
    wedge(page, "A-01-1")  # a bin in rack R-A, which the Rack Zebra serves
    shows(page, "ok", ": 20 kg → A-01-1")
    new = Unit.select().order_by(Unit.id.desc()).get()
    expect(page.locator("#panel")).to_contain_text("Label printed on Rack Zebra.")
    page.screenshot(path="/tmp/floor/split-printed-360.png")
    [zpl] = rack_printer.wait(1)
    assert zpl.startswith(b"^XA") and new.lpn.encode() in zpl and b"RES-100" in zpl
    printed = LabelPrint.get(LabelPrint.code == new.lpn)
    assert (printed.user.username, printed.printed, printed.printer.name) == ("operator1", True, "Rack Zebra")
    assert not LabelPrint.select().where(LabelPrint.code == pallet.lpn).exists()  # not the pallet it came off

    wedge(page, pallet.lpn)  # the rest stays on the dock, which no printer serves: the PDF only
    wedge(page, "30")
    wedge(page, "LANE-1")
    shows(page, "ok", ": 30 kg → LANE-1")
    expect(page.locator("#panel")).not_to_contain_text("Label printed")
    expect(page.locator("#panel a.print")).to_be_visible()
    assert len(rack_printer.jobs) == 1


@pytest.mark.browser
def test_a_printer_that_does_not_answer_keeps_the_label_queued_says_so_and_offers_the_pdf(
        page, live_server, web_plant):
    printing.save_printer(web_plant.users["admin"], "Lane Zebra", "127.0.0.1", refused_port(), serves="LANE-1")
    pallet = inventory.receive(web_plant.ctx("stager"), web_plant.resin_b, "100", web_plant.dock).unit
    sign_in(page, live_server, "operator1")
    page.click("button.mode >> text=Split")
    wedge(page, pallet.lpn)
    wedge(page, "20")
    wedge(page, "LANE-1")
    expect(page.locator("#panel")).to_contain_text(
        "Label queued: Lane Zebra does not answer (refused the connection). It prints when the printer is ready")
    expect(page.locator("#panel a.print")).to_be_visible()
    page.screenshot(path="/tmp/floor/split-printer-down-360.png")
    assert not LabelPrint.select().exists()
    assert PrintJob.get().state == "queued"  # kept: it prints when the printer is back


@pytest.mark.browser
def test_an_admin_says_which_place_a_printer_serves_and_a_wrong_place_is_refused(page, live_server, web_plant):
    sign_in(page, live_server, "admin1", 1280, 800, "/floor")
    page.get_by_role("link", name="Labels", exact=True).first.click()
    page.get_by_role("link", name="Printers").click()
    form = page.locator("form.labels-form")
    form.get_by_label("Name").fill("Dock Zebra")
    form.get_by_label("Host or IP").fill("10.0.4.21")
    form.get_by_label("Serves (location)").fill("NOPE-9")
    form.get_by_role("button", name="Save printer").click()
    expect(page.locator(".alert.error")).to_contain_text("No location with the code “NOPE-9”")
    assert not printing.printers()
    form.get_by_label("Serves (location)").fill("rcv-1")
    form.get_by_role("button", name="Save printer").click()
    row = page.locator("table.units tr", has_text="Dock Zebra")
    expect(row).to_contain_text("RCV-1")
    page.screenshot(path="/tmp/floor/printers-1280.png", full_page=True)
    assert printing.get_printer("Dock Zebra").serves.code == "RCV-1"


@pytest.mark.browser
def test_a_task_that_takes_part_of_a_pallet_prints_the_new_label_at_its_lane(page, live_server, web_plant):
    lane = loc("L-M1", "staging")
    LineSidePlace.create(machine=web_plant.machine, place=lane, kind="lane")
    big = inventory.receive(web_plant.ctx("stager"), web_plant.resin_b, "2000", web_plant.bin1).unit  # 500 short
    fake = FakePrinter()
    try:
        printing.save_printer(web_plant.users["admin"], "Lane Zebra", "127.0.0.1", fake.port, serves="L-M1")
        sign_in(page, live_server, "operator1")
        page.get_by_role("button", name="Tasks").click()
        shows(page, "info", f"Next: {big.lpn} → L-M1")
        wedge(page, big.lpn)
        wedge(page, "L-M1")
        shows(page, "ok", "Label printed on Lane Zebra.")
        new = Unit.select().order_by(Unit.id.desc()).get()
        assert new.split_from_id == big.id and new.quantity == 500
        [zpl] = fake.wait(1)
        assert new.lpn.encode() in zpl
    finally:
        fake.close()
