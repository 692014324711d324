"""The handheld at 360x640 in Chromium, scans typed as a keyboard wedge: with the quantity keypad
open, Done, Cancel and Undo stay above the fold; Split offers no All, Produce no Standard pack for a
product without one; Waste asks pallet, reason, quantity and keeps the reason."""
import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.domain.inventory import Ctx
from staging.domain.scan import scanner_check
from staging.store.models import Entry

from .test_handheld_browser import sign_in
from .test_scan_browser import shows, wedge

pytestmark = pytest.mark.browser

FOLD = 640


@pytest.fixture
def operator(page, live_server, web_plant):
    sign_in(page, live_server, "operator1")
    expect(page.locator("#code")).to_be_focused()
    return page


def below_the_fold(page):
    """The commands whose bottom edge is below the 640 px screen, with the page scrolled to the top."""
    page.evaluate("window.scrollTo(0, 0)")
    out = []
    for name in ("Done", "Cancel", "Undo"):
        box = page.locator(f".commands button.cmd >> text={name}").bounding_box()
        if box is None or box["y"] + box["height"] > FOLD:
            out.append(name)
    return out


def test_with_the_keypad_open_done_cancel_and_undo_stay_above_the_fold(operator, web_plant, page):
    pallet = web_plant.receive(lot="LOT-2026-0815")
    inventory.load(Ctx(web_plant.operator), pallet, "M1")
    operator.click("button.mode >> text=Consume")
    wedge(operator, pallet.lpn)
    shows(operator, "wait", f"{pallet.lpn}: how much?")
    expect(operator.locator(".keypad")).to_be_visible()
    page.screenshot(path="/tmp/sw/keypad-consume-360.png", full_page=True)
    assert below_the_fold(operator) == []

    operator.click("button.mode >> text=Waste")  # the longest: the reasons' buttons too
    pallet, other = web_plant.receive(lot="LOT-2026-0816"), web_plant.receive()
    wedge(operator, pallet.lpn)
    shows(operator, "wait", f"{pallet.lpn}: why?")
    expect(operator.locator(".keypad")).to_have_count(0)  # no quantity before the reason
    operator.click("button.reason >> text=Damaged")
    shows(operator, "wait", f"{pallet.lpn}: how much?")
    expect(operator.locator(".keypad")).to_be_visible()
    assert below_the_fold(operator) == []
    page.screenshot(path="/tmp/sw/keypad-waste-360.png")
    operator.locator(".keypad button[data-key='5']").click()
    operator.click(".panel form.qty button.go")
    shows(operator, "ok", f"Wasted 5 kg of {pallet.lpn}")
    wedge(operator, other.lpn)  # the next pallet for the same reason: straight to how much
    shows(operator, "wait", f"{other.lpn}: how much?")
    expect(operator.locator(".panel-mode")).to_contain_text("Damaged")
    operator.set_viewport_size({"width": 1280, "height": 800})  # a desk or wall screen: the panel beside
    expect(operator.locator(".keypad")).to_be_visible()
    operator.screenshot(path="/tmp/sw/keypad-waste-1280.png")


def test_split_offers_no_all_and_a_refused_quantity_is_said(operator, web_plant):
    pallet = web_plant.receive()
    operator.click("button.mode >> text=Split")
    wedge(operator, pallet.lpn)
    shows(operator, "wait", f"{pallet.lpn}: how much?")
    expect(operator.locator(".panel form.qty button.all")).to_have_count(0)
    before = Entry.select().count()
    operator.fill("#qty", "100")  # all of it: refused on the screen, nothing written
    operator.click(".panel form.qty button.go")
    shows(operator, "bad", "move the whole pallet")
    expect(operator.locator(".panel form.qty button.all")).to_have_count(0)
    assert Entry.select().count() == before


def test_produce_offers_standard_pack_only_when_the_product_has_one(operator, web_plant):
    web_plant.wo.output_station = web_plant.lane
    web_plant.wo.save()
    operator.click("button.mode >> text=Produce")
    wedge(operator, "WO-1")
    shows(operator, "wait", "WO-1: how much?")
    expect(operator.locator(".panel form.qty button.all")).to_have_count(0)
    operator.fill("#qty", "abc")  # not a number: refused on the screen, nothing made
    operator.click(".panel form.qty button.go")
    expect(operator.locator("#panel")).to_have_attribute("data-tone", "bad")
    expect(operator.locator(".panel form.qty button.all")).to_have_count(0)
    web_plant.product.pack_qty = 50
    web_plant.product.save()
    operator.click("button.mode >> text=Produce")
    operator.wait_for_timeout(1600)  # the page ignores the same code again within 1.5 s (double reads)
    wedge(operator, "WO-1")
    shows(operator, "wait", "Standard pack (50 ea)")
    expect(operator.locator(".panel form.qty button.all")).to_have_text("Standard pack")


def test_the_scanner_check_names_gs_typed_as_text(operator):
    operator.click(".scan-foot a >> text=Scanner check")
    expect(operator.locator("#code")).to_be_focused()
    wedge(operator, scanner_check.EXPECTED.replace(scanner_check.GS, "<GS>"))
    panel = operator.locator("#panel")
    expect(panel).to_contain_text("The GS separator arrives as the text “<GS>”")
    expect(panel).to_contain_text("Send control characters")
    expect(panel.locator(".findings li")).to_have_count(1)  # no symbol swaps, no keyboard layout
    operator.screenshot(path="/tmp/sw/check-gs-360.png")


def test_count_names_a_pallet_moved_after_it_was_scanned(operator, web_plant):
    staying, leaving = web_plant.receive(), web_plant.receive()
    for unit in (staying, leaving):
        inventory.move(Ctx(web_plant.lead), unit, "A-01-1")
    operator.click("button.mode >> text=Count")
    wedge(operator, "A-01-1")
    shows(operator, "wait", "Counting A-01-1")
    wedge(operator, staying.lpn)
    shows(operator, "wait", f"{staying.lpn} ✓")
    wedge(operator, leaving.lpn)
    shows(operator, "wait", f"{leaving.lpn} ✓")
    inventory.move(Ctx(web_plant.lead), leaving, "LANE-1")  # a driver takes it away meanwhile
    operator.click(".commands button >> text=Done")
    shows(operator, "ok", "A-01-1: all there")
    expect(operator.locator("#panel")).to_contain_text(f"{leaving.lpn} moved out to LANE-1")
    expect(operator.locator("#panel .count")).to_have_count(0)  # nothing listed as not expected


def test_done_after_a_refused_load_points_at_cancel_and_undo_of_a_use_reads_as_a_use(operator, web_plant):
    screws, resin = web_plant.receive(part=web_plant.screw), web_plant.receive()
    operator.click("button.mode >> text=Load")
    wedge(operator, screws.lpn)
    wedge(operator, "M1")
    shows(operator, "bad", "Wrong material")
    operator.click(".commands button >> text=Done")
    shows(operator, "wait", "Or Cancel: nothing more is written.")
    operator.click(".commands button >> text=Cancel")
    shows(operator, "info", "Cancelled")
    inventory.load(Ctx(web_plant.operator), resin, "M1")
    operator.click("button.mode >> text=Consume")
    wedge(operator, resin.lpn)
    operator.fill("#qty", "40")
    operator.click(".panel form.qty button.go")
    shows(operator, "ok", f"Used 40 kg of {resin.lpn}")
    operator.click(".commands button >> text=Undo")
    shows(operator, "wait", "Undo this?")
    operator.click(".commands button >> text=Undo")
    shows(operator, "ok", f"Undone: use of 40 kg of {resin.lpn}")
    expect(operator.locator("#panel")).to_contain_text(f"{resin.lpn} holds 100 kg again, at M1.")
    expect(operator.locator("#panel")).not_to_contain_text("→")
