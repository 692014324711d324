"""Where features meet, as people see it in Chromium: a lead closing an order with a pallet still
loaded (1280x800, by clicks), the handheld (360x640, scans typed as a wedge) refusing an undo
inside an output pallet and a held pallet into a lane, an operator printing the pallet they made,
and the machine page after Produce."""
import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.store.models import Unit, WorkOrder

from . import test_tasks_browser
from .test_desk_browser import header
from .test_desk_browser import sign_in as desk_sign_in
from .test_handheld_browser import sign_in as handheld_sign_in
from .test_output import outputs
from .test_scan_browser import shows, wedge, where

pytestmark = pytest.mark.browser


@pytest.fixture
def line(web_plant):
    """M1's lane L-M1 and three pallets of resin near and farther (tests/test_tasks_browser.py)."""
    return test_tasks_browser.line.__wrapped__(web_plant)


def test_closing_an_order_says_what_is_loaded_and_offers_to_unload_it(page, live_server, web_plant):
    loaded = web_plant.receive(qty="150")
    inventory.load(web_plant.ctx(), loaded, "M1", web_plant.wo)
    desk_sign_in(page, live_server)
    header(page, "Work orders")
    page.click("table >> text=WO-1")
    page.click("a.button:has-text('Edit')")
    page.wait_for_url("**/work-orders/WO-1/edit")
    page.select_option("select[name=status]", "closed")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/work-orders/WO-1")
    section = page.locator("section.leftovers")
    expect(section).to_contain_text(f"still has material at the line: {loaded.lpn} (loaded at M1)")
    page.screenshot(path="/tmp/ds/desk-closed-leftovers.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})  # the same page on a handheld
    expect(section.locator("button:has-text('Unload')")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/ds/hh-closed-leftovers.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    # A place that does not exist: refused on the screen, the pallet stays where it is.
    section.locator("input[name=to]").fill("NOWHERE-9")
    section.locator("button:has-text('Unload')").click()
    expect(page.locator("p.alert.error")).to_contain_text("No location with the code “NOWHERE-9”")
    assert where(loaded) == "M1"
    page.locator("section.leftovers input[name=to]").fill("A-01-1")
    page.locator("section.leftovers button:has-text('Unload')").click()
    expect(page.locator("p.alert.ok")).to_contain_text(f"{loaded.lpn} is now at A-01-1")
    expect(page.locator("section.leftovers")).to_have_count(0)
    assert where(loaded) == "A-01-1" and WorkOrder.get_by_id(web_plant.wo.id).status == "closed"


def test_the_handheld_refuses_to_undo_consumption_already_in_an_output_pallet(page, live_server, web_plant):
    outputs(web_plant)
    pallet = web_plant.receive(qty="500")
    inventory.load(web_plant.ctx(), pallet, "M1", web_plant.wo)
    handheld_sign_in(page, live_server, "operator1")
    wedge(page, "CMD:MODE:CONSUME")
    wedge(page, pallet.lpn)
    shows(page, "wait", pallet.lpn)
    wedge(page, "50")
    shows(page, "ok", f"Used 50 kg of {pallet.lpn}")
    made = inventory.produce(web_plant.ctx("lead"), "WO-1", "10").unit  # the lead's Produce at the station
    wedge(page, "CMD:UNDO")
    shows(page, "bad", f"already in output pallet {made.lpn}: Undo cannot take it back")
    expect(page.locator("#panel")).to_contain_text("Ask a lead to correct the consumption")
    page.screenshot(path="/tmp/ds/hh-undo-refused.png")
    assert Unit.get_by_id(pallet.id).quantity == 450


def test_a_held_pallet_scanned_into_a_lane_is_refused_red(page, live_server, web_plant):
    pallet = web_plant.receive()
    inventory.hold(web_plant.ctx(), pallet, "Wet packaging")
    handheld_sign_in(page, live_server, "operator1")
    wedge(page, pallet.lpn)
    shows(page, "wait", "is on QC hold")
    wedge(page, "LANE-1")
    shows(page, "bad", "held material does not go to a staging lane")
    page.screenshot(path="/tmp/ds/hh-held-lane.png")
    assert where(pallet) == "RCV-1"


def test_the_operator_who_produced_a_pallet_prints_its_label(page, live_server, web_plant):
    outputs(web_plant)
    handheld_sign_in(page, live_server, "operator1")
    wedge(page, "CMD:MODE:PRODUCE")
    wedge(page, "WO-1")
    shows(page, "wait", "WO-1: how much?")
    wedge(page, "12")
    shows(page, "ok", "print its label")
    link = page.locator("#panel a.print")
    made = Unit.get(Unit.part == web_plant.product.id)
    expect(link).to_contain_text(f"Print label for {made.lpn}")
    answer = page.request.get(live_server + link.get_attribute("href"))  # what the tap opens, as this handheld
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"


def test_the_machine_page_after_produce_shows_no_wrong_material(page, live_server, web_plant):
    outputs(web_plant)
    inventory.stage(web_plant.ctx(), web_plant.receive(qty="500"), "LANE-1", web_plant.wo)
    inventory.produce(web_plant.ctx(), "WO-1", "40")
    desk_sign_in(page, live_server)
    header(page, "Floor")
    expect(page.locator("ul.board li.tile", has_text="M1")).not_to_contain_text("wrong material")
    page.click("ul.board >> text=M1")
    page.wait_for_url("**/machines/M1")
    expect(page.locator("main")).not_to_contain_text("WRONG MATERIAL")
    expect(page.locator("main")).not_to_contain_text("not needed by this work order")
    page.screenshot(path="/tmp/ds/desk-machine-after-produce.png", full_page=True)


def test_consume_for_a_closed_order_is_refused_red_on_the_handheld(page, live_server, web_plant):
    from .test_seams import close
    pallet = web_plant.receive(qty="150")
    inventory.load(web_plant.ctx(), pallet, "M1", web_plant.wo)
    close(web_plant)
    handheld_sign_in(page, live_server, "operator1")
    wedge(page, "CMD:MODE:CONSUME")
    wedge(page, pallet.lpn)
    shows(page, "wait", pallet.lpn)
    wedge(page, "5")
    shows(page, "bad", "WO-1 is closed: nothing more can be consumed for it")
    page.screenshot(path="/tmp/ds/hh-closed-consume.png")
    assert Unit.get_by_id(pallet.id).quantity == 150


def test_the_task_panel_follows_a_split_of_its_pallet(page, live_server, line):
    from staging.domain import tasks
    first = tasks.next_for(line.users["stager"])
    tasks.claim(line.users["stager"], first.id, tasks.DEFAULT)  # someone else's: the operator gets the next
    second = line.pallets[1]
    inventory.split(web_plant_ctx(line), second, "230")  # 70 kg left on the task's pallet
    handheld_sign_in(page, live_server, "operator1")
    wedge(page, "CMD:MODE:TASKS")
    shows(page, "info", f"Next: {second.lpn} → L-M1")
    expect(page.locator("#panel")).to_contain_text("70 kg RES-100 rev B, from Z2-B1, for WO-1 on M1.")
    expect(page.locator("#panel")).not_to_contain_text("Take 200")
    page.screenshot(path="/tmp/ds/hh-task-replanned.png")


def web_plant_ctx(plant):
    return inventory.Ctx(plant.users["stager"], device="desk")
