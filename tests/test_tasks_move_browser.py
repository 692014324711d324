"""Move mode does staging tasks too (issues 12 and 16), in Chromium at 360x640 typing as a wedge: the
task's pallet put down in another lane is moved but the task stays open (amber, saying where it still
goes); brought on to the task's lane it completes the task, as Tasks mode does, and the queue moves on."""
import pytest
from playwright.sync_api import expect

from staging.store.models import StagingTask, Unit

from .test_tasks_browser import line, panel, sign_in, wedge  # noqa: F401 (line is a fixture)

pytestmark = pytest.mark.browser


def test_move_mode_into_the_task_lane_completes_the_task(page, live_server, line):  # noqa: F811
    first, second = line.pallets[0].lpn, line.pallets[1].lpn
    sign_in(page, live_server, "operator1", 360, 640, "/scan")
    page.get_by_role("button", name="Tasks").click()
    panel(page, "info", f"Next: {first} → L-M1")
    task = StagingTask.get(StagingTask.unit == line.pallets[0].id)

    page.get_by_role("button", name="Move").click()
    wedge(page, first)
    panel(page, "wait", first)
    wedge(page, "LANE-1")  # not the task's lane: moved, the task stays open, said in amber
    panel(page, "wait", f"{first} → LANE-1")
    expect(page.locator("#panel")).to_contain_text(f"task {task.id}, which goes to L-M1: the task stays open")
    page.screenshot(path="/tmp/floor/move-other-lane-360.png")
    assert Unit.get_by_id(line.pallets[0].id).location.code == "LANE-1"

    wedge(page, first)
    wedge(page, "L-M1", "Tab")
    panel(page, "ok", f"{first} → L-M1")
    expect(page.locator("#panel")).to_contain_text(f"Staged. Task {task.id} is done.")
    page.screenshot(path="/tmp/floor/move-task-lane-360.png")
    staged = Unit.get_by_id(line.pallets[0].id)
    assert (staged.location.code, staged.status, staged.work_order.number) == ("L-M1", "staged", "WO-1")
    assert StagingTask.get_by_id(task.id).state == "done"

    page.get_by_role("button", name="Tasks").click()  # the queue has moved on
    panel(page, "info", f"Next: {second} → L-M1")
    desk = page.context.browser.new_page()
    sign_in(desk, live_server, "lead1", 1280, 800, "/floor")
    desk.get_by_role("link", name="M1").first.click()
    done = desk.locator("#machine-tasks li.task", has_text=first)
    expect(done).to_contain_text(f"{first} RES-100 rev B · 300 kg")
    expect(done.locator(".task-state")).to_have_text("done")
    desk.close()
