"""Machine states in real Chromium: an operator's handheld (360x640) scans a machine, Down and a numbered
reason, and that machine's task vanishes from another operator's handheld until Running brings it back;
a lead at the desk (1280x800) reaches the machine page from the floor board, is refused Down without a
reason on the screen, sets it with one, and finds the downtime in the shift's logbook and the report."""
import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain import inventory, logbook
from staging.domain.inventory import Ctx
from staging.domain.machines import states
from staging.store.models import LineSidePlace, MachineState, WorkOrder, WorkOrderLine, utcnow

from .plant import loc
from .test_tasks_browser import panel, sign_in, wedge

pytestmark = pytest.mark.browser


@pytest.fixture
def two_lines(web_plant):
    """M1 runs WO-1 (500 kg resin short, a pallet beside its lane); M2's released WO-2 is short 100 screws."""
    plant = web_plant
    lane_m1, lane_m2 = loc("L-M1", "staging"), loc("L-M2", "staging")
    LineSidePlace.create(machine=plant.machine, place=lane_m1, kind="lane")
    LineSidePlace.create(machine=plant.machine2, place=lane_m2, kind="lane")
    wo2 = WorkOrder.create(number="WO-2", part=plant.product, quantity=10, machine=plant.machine2, status="released")
    WorkOrderLine.create(work_order=wo2, part=plant.screw, quantity=Decimal("100"))
    stager = Ctx(plant.users["stager"])
    plant.resin = inventory.receive(stager, plant.resin_b, "500", plant.bin1).unit
    plant.screws = inventory.receive(stager, plant.screw, "100", plant.bin1).unit
    return plant


def test_down_on_one_handheld_pauses_the_machines_tasks_on_another_until_running(browser, live_server, two_lines):
    from staging.domain.people.users import create_user
    create_user("operator2", "operator", "password-123")
    line = two_lines
    other = browser.new_page()  # a second handheld, its own session
    sign_in(other, live_server, "operator2", 360, 640, "/scan")
    other.get_by_role("button", name="Tasks").click()
    panel(other, "info", f"Next: {line.resin.lpn} → L-M1")

    hh = browser.new_page()
    sign_in(hh, live_server, "operator1", 360, 640, "/scan")
    wedge(hh, "M1")
    panel(hh, "wait", "M1")
    wedge(hh, "CMD:MACHINE:DOWN")
    panel(hh, "wait", "M1 down: why?")
    expect(hh.locator("#panel")).to_contain_text("1 No material")
    expect(hh.locator(".down-reasons button")).to_have_count(len(states.down_reasons()))
    assert hh.evaluate("document.documentElement.scrollWidth") <= 360
    hh.screenshot(path="/tmp/machine-state-reasons-360.png", full_page=True)
    wedge(hh, "coffee")  # not a reason: refused, the question stays
    panel(hh, "bad", "“coffee” is not one of the plant's down reasons")
    assert MachineState.select().count() == 0
    wedge(hh, "1")
    panel(hh, "ok", "M1: down")
    expect(hh.locator("#panel")).to_contain_text("Down: No material. Its staging tasks are paused")
    hh.screenshot(path="/tmp/machine-state-down-360.png", full_page=True)
    now = states.current(line.machine)
    assert (now["state"], now["reason"], now["by"]) == ("down", "No material", "operator1")

    other.get_by_role("button", name="Tasks").click()  # M1's task is gone: M2's is next
    panel(other, "info", f"Next: {line.screws.lpn} → L-M2")
    wedge(other, line.resin.lpn)  # its pallet scanned anyway: refused in words
    panel(other, "bad", "M1 is down (No material): its staging is paused until it runs again")
    expect(other.locator(".panel-title")).to_have_text("Task paused")
    other.screenshot(path="/tmp/machine-state-paused-other-360.png", full_page=True)

    wedge(hh, "CMD:MACHINE:RUNNING")  # the machine scanned before is still the one
    panel(hh, "ok", "M1: running")
    expect(hh.locator("#panel")).to_contain_text("back on the list")
    other.get_by_role("button", name="Tasks").click()
    panel(other, "info", f"Next: {line.resin.lpn} → L-M1")


def test_a_lead_sets_the_state_on_the_machine_page_and_finds_the_downtime_in_the_logbook(page, live_server, two_lines,
                                                                                          app):
    line = two_lines
    cal = logbook.Calendar.from_config(app.config)
    now = utcnow()
    shift_start = cal.window(*cal.at(now))[0]
    went_down = max(now - datetime.timedelta(minutes=30), shift_start)
    states.set_state(line.operator, line.machine, "down", "Tooling", at=went_down)
    minutes = round((now - went_down).total_seconds() / 60)

    sign_in(page, live_server, "lead1", 1280, 800, "/floor")
    page.get_by_role("link", name="M1").first.click()
    section = page.locator("#machine-state")
    expect(section).to_contain_text("Machine state: down (Tooling)")
    expect(section).to_contain_text("Staging tasks for this machine are paused")
    section.get_by_label("State").select_option("maintenance")
    section.get_by_role("button", name="Set state").click()
    expect(page.locator("#machine-state .alert.ok")).to_contain_text("M1 is maintenance since")
    section.get_by_label("State").select_option("down")
    section.get_by_label("Down reason").select_option("")
    section.get_by_role("button", name="Set state").click()
    expect(page.locator("#machine-state .alert.error")).to_contain_text("A machine goes down for a reason")
    assert states.current(line.machine)["state"] == "maintenance"
    section.get_by_label("State").select_option("down")
    section.get_by_label("Down reason").select_option("Breakdown")
    section.get_by_role("button", name="Set state").click()
    expect(page.locator("#machine-state .alert.ok")).to_contain_text("M1 is down (Breakdown) since")
    expect(section).to_contain_text("set by lead1")
    page.screenshot(path="/tmp/machine-state-page-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})
    page.screenshot(path="/tmp/machine-state-page-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("link", name="Logbook,").click()
    stops = page.locator("table.stops")
    expect(page.get_by_role("heading", name="Machine downtime (from its states)")).to_be_visible()
    if minutes >= 1:  # a shift that began a minute ago has no whole minute of it yet
        expect(stops).to_contain_text("Tooling")
        expect(stops).to_contain_text(f"{minutes} min")
        expect(page.locator("dl.facts div", has_text="Machine down")).to_contain_text(f"{minutes} min")
    page.screenshot(path="/tmp/machine-state-logbook-1280.png", full_page=True)

    page.goto(f"{live_server}/reports")
    page.get_by_role("link", name="Downtime", exact=True).first.click()
    expect(page.get_by_role("heading", name="Downtime", exact=True)).to_be_visible()
    if minutes >= 1:
        expect(page.locator("table.downtime")).to_contain_text("Tooling")
    page.screenshot(path="/tmp/machine-state-report-1280.png", full_page=True)
