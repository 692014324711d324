"""The count program in real Chromium: a lead plans a blind count at the desk (1280x800) by
clicking; two operators count on handhelds (360x640) typing scans as a wedge, while a forklift
moves a pallet away; the small difference books itself, the large one goes to a blind recount by a
stager and to the review page, where a lead who counted neither approves it; the ledger and
`check` agree, and the accuracy shows on the reports page. Bad input is refused on screen."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain import inventory, promises
from staging.domain.people.users import create_user
from staging.store.models import Count, Entry, Unit

from .test_scan_browser import shows, wedge

pytestmark = pytest.mark.browser


@pytest.fixture
def shelf(web_plant):
    """A-01-1 holds 100 kg, 40 kg and 30 kg of resin, worth 1.85 a kg; a second operator."""
    plant = web_plant
    plant.resin_b.unit_value = Decimal("1.85")
    plant.resin_b.save()
    plant.pallets = [plant.receive(qty=qty, lot=f"L{n}") for n, qty in enumerate(("100", "40", "30"))]
    for unit in plant.pallets:
        inventory.move(plant.ctx(), unit, "A-01-1")
    create_user("operator2", "operator", "password-123")
    return plant


def signed_in(browser, base, user, width, height, next_path):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{base}/login?next={next_path}")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}{next_path}")
    return page


def count_mode(page):
    page.get_by_role("button", name="Count", exact=True).click()
    expect(page.locator("button.mode[aria-pressed=true]")).to_have_text("Count")


def test_a_blind_count_from_plan_to_approval_and_accuracy(browser, live_server, shelf, runner):
    full, half, moving = shelf.pallets
    desk = signed_in(browser, live_server, "lead1", 1280, 800, "/floor")
    desk.get_by_role("banner").get_by_role("link", name="Inventory", exact=True).click()
    desk.get_by_role("link", name="Counts: plan, follow and approve").click()
    expect(desk.get_by_role("heading", name="Plan a count")).to_be_visible()
    desk.get_by_label("Location codes").fill("NOPE")
    desk.get_by_role("button", name="Plan the count").click()
    expect(desk.locator("#refusal")).to_contain_text("There is no location NOPE")
    assert Count.select().count() == 0
    desk.get_by_label("Location codes").fill("A-01-1")
    desk.get_by_role("button", name="Plan the count").click()
    expect(desk.locator(".alert.ok")).to_contain_text("planned: 1 location.")
    count = Count.get()
    assert count.blind
    desk.screenshot(path="/tmp/counts-detail-1280.png", full_page=True)

    ann = signed_in(browser, live_server, "operator1", 360, 640, "/scan")
    count_mode(ann)
    shows(ann, "info", "Next count: A-01-1")
    wedge(ann, "A-01-1")
    shows(ann, "wait", "Counting A-01-1")
    wedge(ann, full.lpn)
    expect(ann.locator("#panel")).to_contain_text(f"{full.lpn}: how much?")
    expect(ann.locator("#panel")).not_to_contain_text("100")  # blind: nothing of what the books say
    wedge(ann, "abc")
    expect(ann.locator("#panel")).to_have_attribute("data-tone", "bad")
    expect(ann.locator("#panel")).to_contain_text("is not a quantity")
    wedge(ann, "99,5")
    shows(ann, "ok", f"{full.lpn}: 99.5 kg counted")
    ann.screenshot(path="/tmp/counts-handheld-360.png")

    ole = signed_in(browser, live_server, "operator2", 360, 640, "/scan")
    count_mode(ole)
    wedge(ole, "A-01-1")
    shows(ole, "wait", "Counting A-01-1")
    inventory.move(shelf.ctx("stager"), moving, "A-01-2")  # a forklift takes a pallet meanwhile
    wedge(ole, half.lpn)
    expect(ole.locator("#panel")).to_contain_text(f"{half.lpn}: how much?")
    wedge(ole, "20")
    shows(ole, "ok", f"{half.lpn}: 20 kg counted")

    ann.get_by_role("button", name="Done", exact=True).click()
    shows(ann, "wait", "A-01-1 counted")
    expect(ann.locator("#panel")).to_contain_text("a colleague recounts A-01-1")
    rows = list(Entry.select().where(Entry.kind == "count"))
    assert [(r.unit_id, r.delta) for r in rows] == [(full.id, Decimal("-0.5"))]  # the small one, at once
    assert Unit.get_by_id(moving.id).quantity == 30 and Unit.get_by_id(half.id).quantity == 40

    stager = signed_in(browser, live_server, "stager1", 360, 640, "/scan")
    count_mode(stager)
    shows(stager, "info", "Recount A-01-1")
    wedge(stager, "A-01-1")
    shows(stager, "wait", "Recounting A-01-1")
    wedge(stager, half.lpn)
    wedge(stager, "20")
    shows(stager, "ok", f"{half.lpn}: 20 kg counted")
    stager.get_by_role("button", name="Done", exact=True).click()
    shows(stager, "wait", "wait for a lead's approval")
    assert Unit.get_by_id(half.id).quantity == 40

    desk.get_by_role("banner").get_by_role("link", name="Inventory", exact=True).click()
    desk.get_by_role("link", name="Counts: plan, follow and approve").click()
    desk.get_by_role("link", name=f"Count {count.id}").click()
    expect(desk.locator("table.count-lines")).to_contain_text("moved during the count")
    desk.get_by_role("link", name="1 line awaits approval").click()
    line = desk.locator("table.count-lines tbody tr")
    expect(line).to_have_count(1)
    for text in (half.lpn, "40", "20", "-20 kg"):
        expect(line).to_contain_text(text)
    expect(line.locator("td").last).to_have_text("-37.00")  # 20 kg short at 1.85 a kg
    desk.screenshot(path="/tmp/counts-review-1280.png", full_page=True)
    desk.get_by_role("button", name="Approve and book 1 line").click()
    expect(desk.locator(".alert.ok")).to_contain_text("approved")
    assert Unit.get_by_id(half.id).quantity == 20 and Unit.get_by_id(moving.id).quantity == 30
    assert promises.broken() == []  # what `flask check` runs: the ledger and the counts agree
    checked = runner.invoke(args=["check"])
    assert checked.exit_code == 0 and "ok  counts: " in checked.output, checked.output

    desk.get_by_role("banner").get_by_role("link", name="Reports", exact=True).click()
    accuracy = desk.locator("table.accuracy")
    expect(accuracy).to_contain_text("R-A")
    expect(accuracy).to_contain_text("50")
    desk.screenshot(path="/tmp/counts-reports-1280.png", full_page=True)


def test_an_operator_who_counted_cannot_recount_and_a_counting_lead_cannot_approve(browser, live_server, shelf):
    full = shelf.pallets[0]
    desk = signed_in(browser, live_server, "lead1", 1280, 800, "/counts")
    desk.get_by_label("Location codes").fill("A-01-1")
    desk.get_by_label("Blind: counters are not told what the books expect").uncheck()
    desk.get_by_role("button", name="Plan the count").click()
    expect(desk.locator(".alert.ok")).to_contain_text("planned")
    lead = signed_in(browser, live_server, "lead1", 360, 640, "/scan")
    count_mode(lead)
    wedge(lead, "A-01-1")
    wedge(lead, full.lpn)
    wedge(lead, "1")
    shows(lead, "ok", "1 kg counted")
    lead.get_by_role("button", name="Done", exact=True).click()
    shows(lead, "wait", "a colleague recounts")
    wedge(lead, "A-01-1")
    shows(lead, "bad", "someone who did not count it")
    ole = signed_in(browser, live_server, "operator2", 360, 640, "/scan")
    count_mode(ole)
    wedge(ole, "A-01-1")
    wedge(ole, full.lpn)
    wedge(ole, "1")
    ole.get_by_role("button", name="Done", exact=True).click()
    shows(ole, "wait", "approval")
    desk.goto(f"{live_server}/counts/{Count.get().id}/review")
    expect(desk.get_by_role("alert")).to_contain_text("You counted in this count")
    expect(desk.get_by_role("button", name="Approve and book 1 line")).to_have_count(0)


def test_a_lead_sets_a_part_class_and_a_bad_one_is_refused_on_screen(browser, live_server, shelf):
    desk = signed_in(browser, live_server, "lead1", 1280, 800, "/counts")
    form = desk.locator("form", has=desk.get_by_role("button", name="Set the class"))
    form.get_by_label("Part number").fill("NOPE")
    form.get_by_role("button", name="Set the class").click()
    expect(desk.locator("#class-refusal")).to_contain_text("There is no part NOPE")
    form = desk.locator("form", has=desk.get_by_role("button", name="Set the class"))
    form.get_by_label("Part number").fill("FST-M6")
    form.get_by_label("Revision").fill("C")
    form.get_by_label("Class").select_option("A")
    form.get_by_role("button", name="Set the class").click()
    expect(desk.locator(".alert.ok")).to_contain_text("Count class of FST-M6 rev C saved")
    expect(desk.locator("#classes ~ p").last).to_contain_text("FST-M6 rev C: A")
    desk.screenshot(path="/tmp/counts-index-1280.png", full_page=True)
    desk.set_viewport_size({"width": 360, "height": 640})
    desk.screenshot(path="/tmp/counts-index-360.png", full_page=True)


def test_a_pallet_not_in_the_books_is_counted_by_part_revision_and_lot(browser, live_server, shelf):
    from staging.domain import counts
    from staging.store.models import CountEntry
    counts.plan(shelf.lead, "locations", locations=["A-01-2"])
    hh = signed_in(browser, live_server, "operator1", 360, 640, "/scan")
    count_mode(hh)
    wedge(hh, "A-01-2")
    shows(hh, "wait", "Counting A-01-2")
    hh.get_by_text("Pallet not in the books?").click()
    find = hh.locator("details.count-find form")
    find.get_by_label("Part number").fill("NOPE")
    find.get_by_label("Quantity").fill("4")
    find.get_by_role("button", name="Count it").click()
    expect(hh.locator("#panel")).to_have_attribute("data-tone", "bad")
    expect(hh.locator("#panel")).to_contain_text("There is no part NOPE")
    assert CountEntry.select().count() == 0
    hh.get_by_text("Pallet not in the books?").click()
    find = hh.locator("details.count-find form")
    find.get_by_label("Part number").fill("FST-M6")
    find.get_by_label("Revision").fill("C")
    find.get_by_label("Lot").fill("LX-1")
    find.get_by_label("Quantity").fill("12,5")
    find.get_by_role("button", name="Count it").click()
    shows(hh, "ok", "New find: 12.5 ea FST-M6")
    entry = CountEntry.get()
    assert (entry.unit_id, entry.lot, entry.quantity) == (None, "LX-1", Decimal("12.5"))
    hh.screenshot(path="/tmp/counts-find-360.png", full_page=True)
