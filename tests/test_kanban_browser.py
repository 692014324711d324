"""Kanban in real Chromium: a lead at the desk (1280x800) reaches the cards page by clicking, makes a
two-card loop, and sees bad input refused on the screen; an operator's handheld (360x640) calls a card
by scanning it (a wedge typing its code, then Enter) in whatever mode it is in and sees "Called"; a
second handheld finds the task in Tasks, brings the pallet (scan pallet, scan place), and the lead's
page shows the call done and the card back in its loop."""
import pytest
from playwright.sync_api import expect

from staging.domain import tasks
from staging.domain.people.users import create_user
from staging.store.models import Call, KanbanCard, LineSidePlace, Unit

from .plant import loc

pytestmark = pytest.mark.browser


@pytest.fixture
def line(web_plant):
    """M1's lane L-M1, screws on a rack bin, a second operator."""
    plant = web_plant
    plant.lane_m1 = loc("L-M1", "staging")
    LineSidePlace.create(machine=plant.machine, place=plant.lane_m1, kind="lane")
    plant.screws = plant.receive(part=plant.screw, qty="40", at="A-01-1")
    create_user("operator2", "operator", "password-123")
    return plant


def sign_in(page, base, user, width, height, next_path):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{base}/login?next={next_path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}{next_path}")


def wedge(page, text, suffix="Enter"):
    """A keyboard-wedge scanner: the characters as fast keystrokes, then its suffix."""
    page.keyboard.type(text)
    page.keyboard.press(suffix)


def panel(page, tone, text):
    expect(page.locator("#panel")).to_contain_text(text)
    expect(page.locator("#panel")).to_have_attribute("data-tone", tone)
    expect(page.locator("#code")).to_be_focused()


def test_a_lead_makes_a_two_card_loop_by_clicking_and_bad_input_is_refused_on_screen(page, live_server, line):
    sign_in(page, live_server, "lead1", 1280, 800, "/floor")
    page.goto(f"{live_server}/tasks")
    page.get_by_role("link", name="Kanban cards").click()
    expect(page.get_by_role("heading", name="Kanban cards", exact=True)).to_be_visible()
    form = page.locator("form.kanban-form")
    form.get_by_label("Line-side place").fill("L-M1")
    form.get_by_label("Part number").fill("FST-M6")
    form.get_by_label("Revision").fill("C")
    form.get_by_label("Quantity per card").fill("lots")
    form.get_by_role("button", name="Make cards").click()
    expect(page.locator(".alert.error")).to_contain_text("Quantity must be a number, not “lots”")
    assert KanbanCard.select().count() == 0
    expect(form.get_by_label("Part number")).to_have_value("FST-M6")  # what was typed stays

    form.get_by_label("Line-side place").fill("LANE-1")  # a staging lane, but no machine's
    form.get_by_label("Quantity per card").fill("40")
    form.get_by_role("button", name="Make cards").click()
    expect(page.locator(".alert.error")).to_contain_text("LANE-1 is no machine's line-side place")
    assert KanbanCard.select().count() == 0

    form.get_by_label("Line-side place").fill("L-M1")
    form.get_by_label("Cards in the loop (2: two-bin)").fill("2")
    form.get_by_role("button", name="Make cards").click()
    expect(page.locator(".alert.ok")).to_contain_text("Cards KB000001, KB000002 made")
    page.set_viewport_size({"width": 360, "height": 640})
    page.screenshot(path="/tmp/kanban-cards-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    rows = page.locator("table.kanban-cards tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("card 2 of 2")
    expect(rows.nth(0)).to_contain_text("in the loop")
    with page.expect_download() as download:
        rows.nth(0).get_by_role("link", name="the whole loop of card KB000001").click()
    assert download.value.suggested_filename == "card-KB000001-4x2.pdf"
    page.screenshot(path="/tmp/kanban-cards-1280.png", full_page=True)
    rows.nth(0).get_by_role("button", name="Retire the loop of card KB000001").click()
    expect(page.locator(".alert.ok")).to_contain_text("The loop of card KB000001 is retired")
    expect(page.locator("table.kanban-cards")).to_have_count(0)
    assert KanbanCard.select().where(KanbanCard.active).count() == 0


def test_a_card_scanned_on_a_handheld_is_called_and_a_second_handheld_does_its_task(browser, live_server, line):
    card, _ = tasks.cards.make_loop(line.lead, "L-M1", "FST-M6", "C", "40", 2)
    pallet = line.screws.lpn

    caller = browser.new_page()
    sign_in(caller, live_server, "operator1", 360, 640, "/scan")
    caller.get_by_role("button", name="Consume").click()  # any mode: the card is like a command
    panel(caller, "info", "Consume")
    wedge(caller, card.code)
    panel(caller, "ok", "Called: 40 ea FST-M6 rev C to L-M1")
    expect(caller.locator("#panel")).to_contain_text(f"brings {pallet} from A-01-1")
    caller.screenshot(path="/tmp/kanban-called-360.png")

    runner = browser.new_page()
    sign_in(runner, live_server, "operator2", 360, 640, "/scan")
    wedge(runner, card.code)  # the same card on another handheld, while its call is open
    panel(runner, "bad", f"Card {card.code} is called already: task")
    runner.screenshot(path="/tmp/kanban-called-twice-360.png")
    runner.get_by_role("button", name="Tasks").click()
    panel(runner, "info", f"Next: {pallet} → L-M1")
    expect(runner.locator("#panel")).to_contain_text("a kanban call of M1")
    wedge(runner, pallet)
    panel(runner, "wait", f"{pallet} → L-M1: scan L-M1")
    wedge(runner, "L-M1")
    panel(runner, "ok", f"{pallet} → L-M1 done")
    runner.screenshot(path="/tmp/kanban-task-done-360.png")
    assert Unit.get_by_id(line.screws.id).location.code == "L-M1"
    assert Call.get().state == "done"

    desk = browser.new_page()
    sign_in(desk, live_server, "lead1", 1280, 800, "/tasks")
    desk.get_by_role("link", name="Kanban cards").click()
    expect(desk.locator("#calls")).to_contain_text(f"{card.code} to L-M1: done, back in the loop")
    expect(desk.locator("table.kanban-cards tbody tr").first).to_contain_text("in the loop")
    desk.screenshot(path="/tmp/kanban-done-1280.png", full_page=True)
