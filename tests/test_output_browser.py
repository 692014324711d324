"""Output pallets and a bad lot's trace in real Chromium (issue 17): produced on a handheld at 360x640
typed by a keyboard wedge, labels printed as PDF, one shipped; then a lead at a desk (1280x800,
clicking) traces the consumed lot, holds what is still in the plant and reads the recall list."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.store.models import Entry, Part, Unit

from .test_output import outputs
from .test_scan_browser import shows, wedge

pytestmark = pytest.mark.browser


@pytest.fixture
def plant(web_plant):
    """WO-1 running on M1 delivering to OUT-1; its housings come in packs of 12 and backflush
    5 kg of resin each; lot L42 (180 kg: three pallets' worth) is loaded on M1."""
    plant = web_plant
    outputs(plant)
    Part.update(pack_qty=Decimal("12"), backflush=True).where(Part.id == plant.product.id).execute()
    plant.lot = plant.receive(qty="180", lot="L42")
    inventory.load(plant.ctx(), plant.lot, "M1", plant.wo)
    return plant


def sign_in(page, base, user, path):
    page.goto(base + path)
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(base + path)


def pdf_behind(page, link):
    """Click a label link (it opens a new tab that downloads the PDF) and return the file's bytes."""
    downloads = []

    def watch(tab):
        tab.on("download", lambda d: downloads.append(d))
    page.context.on("page", watch)
    page.on("download", lambda d: downloads.append(d))  # Chromium reports a new tab's download here
    link.click()
    for _ in range(100):
        if downloads:
            break
        page.wait_for_timeout(50)
    page.context.remove_listener("page", watch)
    assert downloads, "the label link downloaded nothing"
    with open(downloads[0].path(), "rb") as f:
        return f.read()


def produce_on_the_handheld(page, base):
    page.set_viewport_size({"width": 360, "height": 640})
    sign_in(page, base, "stager1", "/scan")
    wedge(page, "CMD:MODE:PRODUCE")
    shows(page, "info", "Produce")
    wedge(page, "WO-1")
    shows(page, "wait", "WO-1: how much?")
    wedge(page, "twelve")  # not a number, not a code: refused on the panel, nothing made
    shows(page, "bad", "twelve")
    made = []
    for how in ("typed", "pack", "typed"):
        if how == "typed":
            # The same code within 1.5 s is a scanner's double read (scan.js): a person typing the
            # next pallet's quantity takes longer than that.
            page.wait_for_timeout(1600)
            wedge(page, "12")
        else:
            page.get_by_role("button", name="Standard pack").click()
        shows(page, "ok", "Produced P")
        link = page.locator("#panel a.print")
        for earlier in made:  # the panel of this pallet, not the one before
            expect(link).not_to_have_text(f"Print label for {earlier}")
        lpn = link.inner_text().rsplit(" ", 1)[-1]
        made.append(lpn)
        assert pdf_behind(page, link).startswith(b"%PDF")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/output-handheld.png")
    wedge(page, "CMD:MODE:MOVE")
    wedge(page, made[0])
    wedge(page, "SHIP-1")
    shows(page, "ok", f"{made[0]} → SHIP-1")
    expect(page.locator("#panel")).to_contain_text("Shipped.")
    return made


def test_produce_print_ship_then_trace_hold_and_recall(page, browser, live_server, plant):
    made = produce_on_the_handheld(page, live_server)
    units = [Unit.get(Unit.lpn == lpn) for lpn in made]
    assert [(u.quantity, u.location.code) for u in units] == [(12, "SHIP-1"), (12, "OUT-1"), (12, "OUT-1")]
    assert units[0].status == "shipped" and Unit.get_by_id(plant.lot.id).status == "empty"

    desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    sign_in(desk, live_server, "lead1", "/inventory")
    # The lead goes from the work order to the pallet it consumed, and from there to its lot.
    desk.get_by_role("link", name="Work orders").click()
    desk.get_by_role("link", name="WO-1").click()
    desk.get_by_role("link", name=plant.lot.lpn).first.click()
    desk.wait_for_url(f"**/units/{plant.lot.lpn}")
    desk.get_by_role("link", name="L42").click()
    expect(desk.locator("h1")).to_contain_text("Lot L42: where it went")
    outputs_table = desk.locator("table.trace").nth(1)
    for lpn in made:
        expect(outputs_table).to_contain_text(lpn)
    # A hold without a reason is refused on the screen, and nothing is held.
    desk.fill("input[name=reason]", "   ")
    desk.get_by_role("button", name="Hold all in plant").click()
    expect(desk.locator(".alert.error")).to_contain_text("Give a reason for the hold.")
    assert Entry.select().where(Entry.kind == "hold").count() == 0
    desk.fill("input[name=reason]", "Supplier lot L42 failed the melt test")
    desk.get_by_role("button", name="Hold all in plant").click()
    expect(desk.locator(".alert.ok")).to_contain_text(f"Put on hold: {made[1]}, {made[2]}.")
    assert [Unit.get(Unit.lpn == lpn).status for lpn in made] == ["shipped", "hold", "hold"]
    recall = desk.locator("#recall")
    expect(recall).to_contain_text(made[0])
    expect(recall).to_contain_text("SHIP-1")
    expect(recall).not_to_contain_text(made[1])
    expect(desk.locator("section.card")).to_contain_text("Everything still in the plant is on hold.")
    desk.screenshot(path="/tmp/output-trace-desk.png", full_page=True)
    with desk.expect_download() as csv_file:
        desk.get_by_role("link", name="Download CSV").click()
    text = open(csv_file.value.path(), encoding="utf-8").read()
    assert f"output,{made[0]},HSG-1 rev A,WO-1,12.000,shipped,SHIP-1" in text


def test_produce_on_the_work_order_page_and_its_refusals(page, live_server, plant):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "lead1", "/work-orders/")
    page.get_by_role("link", name="WO-1").click()
    page.fill("input[name=quantity]", "a dozen")
    page.get_by_role("button", name="Produce pallet").click()
    expect(page.locator("#err-produce")).to_contain_text("Quantity must be a number")
    page.fill("input[name=quantity]", "500")  # 2,500 kg of resin: only 180 kg is loaded
    page.get_by_role("button", name="Produce pallet").click()
    expect(page.locator("#err-produce")).to_contain_text("only 180 kg is loaded")
    assert Unit.select().where(Unit.part == plant.product.id).count() == 0
    page.fill("input[name=quantity]", "6")
    page.get_by_role("button", name="Produce pallet").click()
    expect(page.locator(".alert.ok").first).to_contain_text("Produced P")
    lpn = Unit.get(Unit.part == plant.product.id).lpn
    assert pdf_behind(page, page.get_by_role("link", name=f"Print label {lpn} (PDF)")).startswith(b"%PDF")
    expect(page.locator("dl.facts")).to_contain_text("6 / 0")  # good / rejected, from the pallet
    page.screenshot(path="/tmp/output-workorder.png", full_page=True)
    # A lot nobody has: the trace search says so on the screen.
    page.get_by_role("link", name="Trace").click()
    page.fill("input[name=lot]", "L99")
    page.get_by_role("button", name="Trace").click()
    expect(page.locator(".alert.error")).to_contain_text("No unit has the lot “L99”.")


def test_a_lead_returns_a_shipped_pallet_from_its_trace_page(page, live_server, plant):
    pallet = inventory.produce(plant.ctx(), "WO-1", "6").unit
    inventory.move(plant.ctx(), pallet.lpn, "SHIP-1")
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server, "lead1", "/inventory")
    page.get_by_role("link", name="Work orders").click()
    page.get_by_role("link", name="WO-1").click()
    page.get_by_role("link", name=pallet.lpn).click()
    page.get_by_role("link", name="Trace this pallet").click()
    form = page.locator("form.return")
    form.locator("input[name=to]").fill("OUT-1")
    form.get_by_role("button", name="Return from shipping").click()  # no reason: refused on the screen
    expect(page.locator(".alert.error")).to_contain_text("Give a reason.")
    assert Unit.get_by_id(pallet.id).status == "shipped"
    form = page.locator("form.return")
    form.locator("input[name=to]").fill("OUT-1")
    form.locator("input[name=reason]").fill("Left behind: the truck was full")
    form.get_by_role("button", name="Return from shipping").click()
    expect(page.locator(".alert.ok")).to_contain_text(f"{pallet.lpn} is back in the plant, at OUT-1.")
    back = Unit.get_by_id(pallet.id)
    assert (back.status, back.location.code) == ("output", "OUT-1")
    expect(page.locator("form.return")).to_have_count(0)
