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
