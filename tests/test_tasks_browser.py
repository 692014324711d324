"""Staging tasks in real Chromium: a lead at the desk (1280x800) sees the machine's shortage with
its task, reorders, assigns and cancels on the task list, and prints the pick list; an operator's
handheld (360x640) shows the next task, and scanning the pallet and the lane finishes it."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.domain.inventory import Ctx
from staging.store.models import LineSidePlace, StagingTask, Unit, WorkOrderLine, utcnow

from .plant import loc

pytestmark = pytest.mark.browser


@pytest.fixture
def line(web_plant):
    """M1 runs WO-1 (500 kg resin rev B short) and stages at L-M1 in area Z1; pallets in Z1 and Z2."""
    plant = web_plant
    hall = loc("H", "storage", holds=False)
    z1, z2 = loc("Z1", "storage", hall, holds=False), loc("Z2", "storage", hall, holds=False)
    plant.lane_m1 = loc("L-M1", "staging", z1)
    plant.near, plant.next_area = loc("Z1-B1", "storage", z1), loc("Z2-B1", "storage", z2)
    LineSidePlace.create(machine=plant.machine, place=plant.lane_m1, kind="lane")
    stager = Ctx(plant.users["stager"], at=utcnow())
    plant.pallets = [inventory.receive(stager, plant.resin_b, "300", where, lot="L7").unit
                     for where in (plant.near, plant.next_area, plant.next_area)]
    return plant


def sign_in(page, base, user, width, height, next_path):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{base}/login?next={next_path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}{next_path}")


def test_a_lead_sees_the_tasks_per_shortage_and_reorders_assigns_and_cancels(page, live_server, line):
    sign_in(page, live_server, "lead1", 1280, 800, "/floor")
    page.get_by_role("link", name="M1").first.click()
    tasks = page.locator("#machine-tasks")
    expect(tasks).to_contain_text("WO-1 · RES-100 rev B: short 500 kg")
    first, second = line.pallets[0].lpn, line.pallets[1].lpn
    expect(tasks.locator("li.task")).to_have_count(2)
    expect(tasks.locator("li.task").first).to_contain_text(f"{first} RES-100 rev B · 300 kg · Z1-B1 → L-M1 · open")
    expect(tasks.locator("li.task").nth(1)).to_contain_text(f"{second} RES-100 rev B · take 200 kg")
    page.wait_for_timeout(3500)  # the body polls: the tasks stay on the page
    expect(tasks.locator("li.task")).to_have_count(2)
    page.screenshot(path="/tmp/tasks-machine-1280.png", full_page=True)

    tasks.get_by_role("link", name="All tasks").click()
    expect(page.get_by_role("heading", name="Staging tasks")).to_be_visible()
    rows = page.locator("table.task-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(first)

    rows.nth(1).get_by_role("button", name="First").click()
    expect(page.locator(".alert.ok")).to_contain_text("is now first")
    expect(rows.nth(0)).to_contain_text(second)

    rows.nth(0).locator("input[name=person]").fill("nobody")
    rows.nth(0).get_by_role("button", name="Assign").click()
    expect(page.locator(".alert.error")).to_contain_text("No active user “nobody”")
    rows.nth(0).locator("input[name=person]").fill("operator1")
    rows.nth(0).get_by_role("button", name="Assign").click()
    expect(page.locator(".alert.ok")).to_contain_text("assigned to operator1")
    expect(rows.nth(0)).to_contain_text("for operator1")

    rows.nth(1).get_by_role("button", name="Cancel").click()
    expect(page.locator(".alert.ok")).to_contain_text("cancelled")
    # Not that pallet: the next one of the day takes its place.
    expect(rows).to_have_count(2)
    expect(page.locator("table.task-list")).not_to_contain_text(first)
    expect(page.locator("table.task-list")).to_contain_text(line.pallets[2].lpn)
    page.screenshot(path="/tmp/tasks-list-1280.png", full_page=True)

    page.get_by_role("link", name="Pick list per zone").click()
    expect(page.get_by_role("heading", name="Zone Z2")).to_be_visible()
    expect(page.locator(".zone")).to_contain_text(second)
    page.screenshot(path="/tmp/tasks-picklist-1280.png", full_page=True)


def test_an_operator_cannot_reorder_or_cancel(page, live_server, line):
    sign_in(page, live_server, "operator1", 1280, 800, "/floor")
    page.get_by_role("link", name="M1").first.click()
    page.locator("#machine-tasks").get_by_role("link", name="All tasks").click()
    expect(page.locator("table.task-list tbody tr")).to_have_count(2)
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)
    assert StagingTask.select().where(StagingTask.state == "open").count() == 2
    assert Unit.select().count() == 3 and WorkOrderLine.get().quantity == Decimal("500")


def wedge(page, text, suffix="Enter"):
    """A keyboard-wedge scanner: the characters as fast keystrokes, then its suffix."""
    page.keyboard.type(text)
    page.keyboard.press(suffix)


def panel(page, tone, text):
    expect(page.locator("#panel")).to_contain_text(text)
    expect(page.locator("#panel")).to_have_attribute("data-tone", tone)
    expect(page.locator("#code")).to_be_focused()


@pytest.fixture
def two_lines(web_plant):
    """M1's WO-1 short 500 kg (one pallet of 500 beside its lane); M2's released WO-2 short 100 screws."""
    from staging.store.models import WorkOrder
    plant = web_plant
    area = loc("Z1", "storage", holds=False)
    lane_m1, lane_m2 = loc("L-M1", "staging", area), loc("L-M2", "staging")
    LineSidePlace.create(machine=plant.machine, place=lane_m1, kind="lane")
    LineSidePlace.create(machine=plant.machine2, place=lane_m2, kind="lane")
    wo2 = WorkOrder.create(number="WO-2", part=plant.product, quantity=10, machine=plant.machine2, status="released")
    WorkOrderLine.create(work_order=wo2, part=plant.screw, quantity=Decimal("100"))
    stager = Ctx(plant.users["stager"])
    plant.pallets = [inventory.receive(stager, plant.resin_b, "500", loc("Z1-B1", "storage", area)).unit]
    plant.screws = inventory.receive(stager, plant.screw, "100", plant.bin1).unit
    return plant


def test_the_next_task_on_the_handheld_is_staged_by_two_scans_and_the_board_turns_green(
        browser, live_server, two_lines):
    line = two_lines
    desk = browser.new_page()
    sign_in(desk, live_server, "lead1", 1280, 800, "/floor")
    m1 = desk.locator("li.tile", has_text="M1").first
    expect(m1).to_have_class("tile st-now")

    hh = browser.new_page()
    sign_in(hh, live_server, "operator1", 360, 640, "/scan")
    hh.get_by_role("button", name="Tasks").click()
    pallet = line.pallets[0].lpn
    panel(hh, "info", f"Next: {pallet} → L-M1")
    expect(hh.locator("#panel")).to_contain_text("for WO-1 on M1")
    hh.screenshot(path="/tmp/tasks-handheld-next-360.png")

    wedge(hh, "L-M1")  # the place before the pallet: refused, on the screen
    panel(hh, "bad", "Scan the pallet first")
    wedge(hh, pallet)
    panel(hh, "wait", f"{pallet} → L-M1: scan L-M1")
    expect(desk.locator("body")).to_be_visible()
    wedge(hh, "L-M1", "Tab")
    panel(hh, "ok", f"Next: {line.screws.lpn} → L-M2")
    expect(hh.locator("#panel")).to_contain_text(f"{pallet} → L-M1 done: staged for WO-1")
    assert hh.evaluate("document.documentElement.scrollWidth") <= 360
    hh.screenshot(path="/tmp/tasks-handheld-done-360.png")
    staged = Unit.get_by_id(line.pallets[0].id)
    assert (staged.location.code, staged.status, staged.work_order.number) == ("L-M1", "staged", "WO-1")
    assert inventory.ledger.verify() == []

    expect(m1).to_have_class("tile st-ok", timeout=15000)  # the board polls
    desk.screenshot(path="/tmp/tasks-board-green-1280.png")


def test_another_pallet_of_the_part_is_accepted_and_said_a_wrong_one_refused(page, live_server, line):
    sign_in(page, live_server, "operator1", 360, 640, "/scan")
    wedge(page, "CMD:MODE:TASKS")  # from the command sheet
    first, _, third = (u.lpn for u in line.pallets)
    panel(page, "info", f"Next: {first} → L-M1")
    wrong = inventory.receive(Ctx(line.users["stager"]), line.resin_a, "300", line.near).unit
    wedge(page, wrong.lpn)
    panel(page, "bad", "not wanted by any task")
    wedge(page, third)  # the third pallet is not suggested yet: it fits the first task
    panel(page, "wait", f"Instead of {first}: same part and revision, accepted")
    wedge(page, "LANE-1")
    panel(page, "bad", "take it to L-M1")
    wedge(page, "L-M1")
    panel(page, "ok", f"{third} → L-M1 done: staged for WO-1")
    assert StagingTask.select().where(StagingTask.state == "done").get().unit_id == line.pallets[2].id


def test_a_lead_gives_a_machine_its_lane_and_the_shortage_gets_its_task(page, live_server, web_plant):
    pallet = web_plant.receive(qty="500")
    sign_in(page, live_server, "lead1", 1280, 800, "/floor")
    page.get_by_role("link", name="M1").first.click()
    expect(page.locator("#machine-tasks")).to_contain_text("M1 has no staging lane")
    page.locator("#machine-tasks").get_by_role("link", name="All tasks").click()
    page.get_by_role("link", name="Line-side places").click()
    expect(page.locator("#places-M1")).to_contain_text("none: no tasks for it")

    add = page.locator("form", has_text="Add a line-side place")
    add.get_by_label("Machine", exact=True).fill("M1")
    add.get_by_label("Staging location").fill("A-01-1")  # a storage bin: refused
    add.get_by_role("button", name="Add").click()
    expect(page.locator(".alert.error")).to_contain_text("A-01-1 is not a staging lane or bin")
    add.get_by_label("Machine", exact=True).fill("M1")
    add.get_by_label("Staging location").fill("lane-1")
    add.get_by_role("button", name="Add").click()
    expect(page.locator(".alert.ok")).to_contain_text("LANE-1 is now a line-side place of M1")
    expect(page.locator("#places-M1")).to_contain_text("LANE-1 lane")

    level = page.locator("form", has_text="Line-side min / max")
    level.get_by_label("Place").fill("LANE-1")
    level.get_by_label("Part (number, space, revision)").fill("FST-M6 C")
    level.get_by_label("Minimum").fill("500")
    level.get_by_label("Maximum").fill("100")
    level.get_by_role("button", name="Set").click()
    expect(page.locator(".alert.error")).to_contain_text("The maximum must be above the minimum")
    page.screenshot(path="/tmp/tasks-places-1280.png", full_page=True)

    page.get_by_role("link", name="Floor").first.click()
    page.get_by_role("link", name="M1").first.click()
    task = page.locator("#machine-tasks li.task")
    expect(task).to_contain_text(f"{pallet.lpn} RES-100 rev B · 500 kg · RCV-1 → LANE-1")
