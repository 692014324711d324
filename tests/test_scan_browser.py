"""The scan page in real Chromium at 360x640, typed into the way a keyboard-wedge scanner does."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain import codes
from staging.domain.inventory import move
from staging.store.models import Entry, Scan, Unit

from .conftest import shared_photos

pytestmark = pytest.mark.browser

GTIN = "09501101530003"


@pytest.fixture
def plant(web_plant):
    """The web plant with a GTIN on resin rev B, three pallets of it on the dock and one of rev A."""
    plant = web_plant
    plant.resin_b.gtin = GTIN
    plant.resin_b.save()
    plant.units = [plant.receive() for _ in range(3)]
    plant.old_rev = plant.receive(part=plant.resin_a)
    return plant


@pytest.fixture
def scanner(page, live_server, plant):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(live_server + "/login?next=/scan")
    page.fill("input[name=username]", "stager1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + "/scan")
    expect(page.locator("#code")).to_be_focused()
    return page


def wedge(page, text, suffix="Enter"):
    """What a wedge scanner does: the characters as fast keystrokes, then its suffix."""
    page.keyboard.type(text)
    page.keyboard.press(suffix)


def shows(page, tone, text):
    panel = page.locator("#panel")
    expect(panel).to_contain_text(text)
    expect(panel).to_have_attribute("data-tone", tone)
    expect(page.locator("#code")).to_be_focused()  # ready for the next scan


def where(unit):
    found = Unit.get_by_id(unit.id)
    return found.location.code if found.location_id else None


def moves():
    return [(e.unit.lpn, e.to_location.code) for e in Entry.select().where(Entry.kind.in_(("move", "load")))
            .order_by(Entry.id)]


def test_a_full_move_with_enter_and_with_tab(scanner, plant):
    unit = plant.units[0]
    assert scanner.get_attribute("#code", "inputmode") == "none"  # no soft keyboard over the page
    wedge(scanner, unit.lpn)
    shows(scanner, "wait", f"{unit.lpn}: where to?")
    wedge(scanner, "A-01-1", "Tab")
    shows(scanner, "ok", f"{unit.lpn} → A-01-1")
    assert where(unit) == "A-01-1"
    assert scanner.evaluate("document.documentElement.scrollWidth") <= 360
    expect(scanner.locator("#recent li").first).to_contain_text(f"{unit.lpn} → A-01-1")


def test_put_away_of_three_units(scanner, plant):
    wedge(scanner, "A-01-1")
    shows(scanner, "wait", "A-01-1: scan pallets")
    for unit in plant.units:
        wedge(scanner, unit.lpn)
        shows(scanner, "ok", f"{unit.lpn} → A-01-1")
    wedge(scanner, "CMD:DONE")
    shows(scanner, "ok", "Done with A-01-1")
    assert [where(u) for u in plant.units] == ["A-01-1"] * 3


def test_load_with_a_wrong_revision_is_refused(scanner, plant):
    scanner.click("button.mode >> text=Load")  # modes switch by tapping as well as by scanning
    shows(scanner, "info", "Load")
    wedge(scanner, "M1")
    wedge(scanner, plant.old_rev.lpn)
    shows(scanner, "bad", "Wrong revision")
    assert where(plant.old_rev) == "RCV-1" and moves() == []
    wedge(scanner, plant.units[0].lpn)
    shows(scanner, "ok", f"{plant.units[0].lpn} → M1")


def test_unknown_barcode_is_shown_escaped(scanner, plant):
    wedge(scanner, "<b>NOPE</b>")
    shows(scanner, "bad", "Unknown barcode")
    expect(scanner.locator("#panel .panel-code")).to_contain_text("<b>NOPE</b>")
    assert scanner.locator("#panel .panel-code b").count() == 0


def test_undo(scanner, plant):
    unit = plant.units[0]
    wedge(scanner, unit.lpn), wedge(scanner, "LANE-1")
    shows(scanner, "ok", f"{unit.lpn} → LANE-1")
    scanner.click("button.cmd >> text=Undo")
    shows(scanner, "wait", "Undo this?")  # it says what it would reverse, and asks
    assert where(unit) == "LANE-1"
    scanner.click("button.cmd >> text=Undo")
    shows(scanner, "ok", f"Undone: {unit.lpn} → RCV-1")
    assert where(unit) == "RCV-1"


def test_a_scan_split_across_two_bursts_is_one_scan(scanner, plant):
    unit = plant.units[0]
    scanner.keyboard.type(unit.lpn[:3])
    scanner.wait_for_timeout(150)  # the scanner's keystrokes arrive in two bursts
    scanner.keyboard.type(unit.lpn[3:])
    scanner.keyboard.press("Enter")
    shows(scanner, "wait", f"{unit.lpn}: where to?")
    wedge(scanner, "A-01-1")
    shows(scanner, "ok", f"{unit.lpn} → A-01-1")
    assert "Unknown barcode" not in scanner.inner_text("#recent")


def test_a_double_read_is_ignored(scanner, plant):
    unit = plant.units[0]
    wedge(scanner, "A-01-1")
    wedge(scanner, unit.lpn)
    wedge(scanner, unit.lpn)  # the same label read twice at once
    shows(scanner, "ok", f"{unit.lpn} → A-01-1")
    wedge(scanner, "CMD:DONE")
    shows(scanner, "ok", "Done with A-01-1")
    recent = scanner.inner_text("#recent")
    assert "already at" not in recent and recent.count(f"{unit.lpn} → A-01-1") == 1


def test_receive_from_a_gs1_string(scanner, plant):
    scanner.click("button.mode >> text=Receive")
    wedge(scanner, "]C1" "00012345678901234560" f"01{GTIN}" "10LOT-42\x1d" "3102012550")
    shows(scanner, "ok", "Received")
    link = scanner.locator("#panel a.print")
    href = link.get_attribute("href")
    unit = Unit.select().order_by(Unit.id.desc()).get()
    assert (unit.lot, unit.quantity, unit.part.number) == ("LOT-42", Decimal("125.5"), "RES-100")
    assert codes.resolve("00012345678901234560").obj == unit
    assert href.endswith(f"/labels/units/{unit.lpn}.pdf")


def test_offline_queue_replays_every_scan_once_in_order(scanner, plant, live_server):
    a, b, c = plant.units
    down = {"on": True}

    def maybe_drop(route):
        if down["on"] and route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()
    scanner.route("**/scan", maybe_drop)
    for code in (a.lpn, "A-01-1", b.lpn, "LANE-1", c.lpn, "M1"):
        wedge(scanner, code)
        scanner.wait_for_timeout(30)
    expect(scanner.locator("#queued")).to_contain_text("6 queued")
    shows(scanner, "queued", "No connection")
    scanner.reload()  # the queue lives in the browser, not in the page
    expect(scanner.locator("#queued")).to_contain_text("6 queued")
    scanner.wait_for_timeout(2500)  # later than the clock slack the server allows between hosts
    move(plant.ctx("lead"), c.lpn, "A-01-1")  # meanwhile, someone else moves c
    assert moves() == [(c.lpn, "A-01-1")]
    down["on"] = False
    scanner.evaluate("window.dispatchEvent(new Event('online'))")
    expect(scanner.locator(".replayed")).to_contain_text("6 queued scans sent, 2 refused")
    expect(scanner.locator("#queued")).to_be_hidden()
    assert moves() == [(c.lpn, "A-01-1"), (a.lpn, "A-01-1"), (b.lpn, "LANE-1")]
    recent = scanner.inner_text("#recent")
    assert "changed after you scanned it" not in recent  # the list shows titles; the panel the why
    assert "Changed meanwhile" in recent and "Not used" in recent
    assert Scan.select().count() == 2
    scanner.evaluate("window.dispatchEvent(new Event('online'))")  # nothing left to send twice
    assert len(moves()) == 3


def test_camera_upload_of_each_test_photo(scanner, plant):
    for photo in shared_photos():
        text = photo.with_suffix(".txt").read_text().strip()
        scanner.set_input_files("input[name=image]", str(photo))
        expect(scanner.locator("#panel .panel-code")).to_contain_text(text.splitlines()[0][:40])


def test_without_javascript_the_page_is_a_plain_form(browser, live_server, plant):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto(live_server + "/login?next=/scan")
    page.fill("input[name=username]", "stager1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + "/scan")
    unit = plant.units[0]
    page.fill("#code", unit.lpn)
    page.press("#code", "Enter")
    expect(page.locator("#panel")).to_contain_text(f"{unit.lpn}: where to?")
    page.fill("#code", "A-01-1")
    page.press("#code", "Enter")
    expect(page.locator("#panel")).to_contain_text(f"{unit.lpn} → A-01-1")
    assert where(unit) == "A-01-1"
    context.close()
