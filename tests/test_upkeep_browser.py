"""Upkeep in Chromium, as people meet it: a wall screen opened from its link on a TV (1920x1080)
with nobody signed in shows an overdue calibration and a machine's state; an operator calls andon
from the handheld (360x640, wedge scans); the wall shows the call; a lead answers it from the
header's badge at the desk (1280x800), refused without what was done; the machine page shows
maintenance due and a lead records it done."""
import datetime
import re

import pytest
from playwright.sync_api import expect

from staging.domain import logbook
from staging.domain.machines import andon, states, upkeep
from staging.store.models import AndonCall, utcnow

from .plant import loc
from .test_scan_browser import wedge

pytestmark = pytest.mark.browser

TV = {"width": 1920, "height": 1080}
HANDHELD = {"width": 360, "height": 640}
DESK = {"width": 1280, "height": 800}


def sign_in(browser, live_server, username, then, viewport):
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(live_server + "/login?next=" + then)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + then)
    return page


@pytest.fixture
def link(app, runner, web_plant, live_server):
    app.config["WALL_REFRESH_SECONDS"] = 1  # a TV's 10 s would make the test wait for its polls
    result = runner.invoke(args=["create-screen", "Hall 2 door"])
    assert result.exit_code == 0, result.output
    return live_server + re.search(r"(/wall/\S+)$", result.output.strip()).group(1)


def test_the_wall_shows_an_overdue_calibration_and_an_andon_call_the_lead_then_closes(browser, live_server, link,
                                                                                       web_plant):
    plant = web_plant
    upkeep.add_tool(plant.lead, "GA-1", "Bore gauge 40 mm", "gauge", machine=plant.machine,
                    calibration_due=utcnow() - datetime.timedelta(days=3))
    states.set_state(plant.operator, plant.machine2, "down", "Breakdown")

    tv = browser.new_context(viewport=TV).new_page()  # no sign-in, no cookies: the link alone
    tv.goto(link)
    due = tv.locator(".wall-due")
    expect(due).to_contain_text("Bore gauge 40 mm")
    expect(due.locator(".due-overdue")).to_contain_text("calibration overdue since")
    expect(tv.locator(".wall-states")).to_contain_text("Breakdown")
    expect(tv.locator(".wall-calls")).to_contain_text("No open calls")

    handheld = sign_in(browser, live_server, "operator1", "/scan", HANDHELD)
    expect(handheld.locator("#code")).to_be_focused()
    wedge(handheld, "CMD:SAFETY")
    expect(handheld.locator("#panel")).to_contain_text("Scan the machine or place first")
    wedge(handheld, "M1")
    expect(handheld.locator("#panel")).to_contain_text("M1")
    wedge(handheld, "CMD:SAFETY")
    expect(handheld.locator("#panel")).to_contain_text("Andon called: Safety at M1")
    expect(handheld.locator("#panel")).to_have_attribute("data-tone", "ok")
    wedge(handheld, "GA-1")  # the gauge's label: named, in red
    expect(handheld.locator("#panel")).to_contain_text("Bore gauge 40 mm: calibration overdue")
    expect(handheld.locator("#panel")).to_have_attribute("data-tone", "bad")

    # The wall polls itself: the call shows without a reload.
    expect(tv.locator(".wall-calls")).to_contain_text("M1")
    expect(tv.locator(".wall-calls")).to_contain_text("1 open andon call")

    lead = sign_in(browser, live_server, "lead1", "/floor", DESK)
    badge = lead.locator("#andon-badge")
    expect(badge).to_have_text("Andon: 1 open")
    badge.click()
    lead.wait_for_url(live_server + "/andon")
    call = lead.locator(".call").first
    call.get_by_role("button", name="Acknowledge").click()
    expect(lead.locator(".alert.ok")).to_contain_text("Acknowledged")
    expect(tv.locator(".wall-calls")).to_contain_text("lead1 is on the way")
    lead.locator(".call").first.get_by_role("button", name="Close the call").click()
    expect(lead.locator("#andon-error")).to_contain_text("Write what was done")
    assert AndonCall.get().closed_at is None
    lead.locator(".call").first.get_by_label("What was done").fill("Oil spill bound, guard refitted")
    lead.locator(".call").first.get_by_role("button", name="Close the call").click()
    expect(lead.locator(".alert.ok")).to_contain_text("closed")
    expect(lead.locator("table")).to_contain_text("Oil spill bound, guard refitted")
    expect(lead.locator("#andon-badge")).to_be_hidden()  # none open: the badge is gone from the header
    expect(tv.locator(".wall-calls")).to_contain_text("No open calls")


def test_a_revoked_screen_says_so_on_the_tv(browser, live_server, link, web_plant):
    tv = browser.new_context(viewport=TV).new_page()
    tv.goto(link)
    expect(tv.locator("h1")).to_contain_text("Hall 2 door")
    admin = sign_in(browser, live_server, "admin1", "/setup", DESK)
    admin.get_by_role("link", name="Wall screens").click()
    admin.wait_for_url(live_server + "/admin/screens")
    admin.get_by_role("button", name="Switch off Hall 2 door").click()
    expect(admin.locator(".alert.ok")).to_contain_text("switched off")
    expect(tv.locator("#refused")).to_contain_text("switched off by an admin")


def test_the_machine_page_shows_maintenance_due_and_a_lead_records_it_done(browser, live_server, web_plant):
    plant = web_plant
    upkeep.add_plan(plant.lead, "Grease the spindle", machine=plant.machine, every_days="30",
                    now=utcnow() - datetime.timedelta(days=33))
    lead = sign_in(browser, live_server, "lead1", "/floor", DESK)
    expect(lead.locator("#upkeep-due")).to_contain_text("1 maintenance or calibration overdue")
    lead.locator(".tile a", has_text="M1").first.click()
    lead.wait_for_url(live_server + "/machines/M1")
    section = lead.locator("section.upkeep")
    expect(section.locator(".due-overdue")).to_contain_text("Grease the spindle")
    section.get_by_role("button", name="Record as done").click()
    expect(lead.locator("#upkeep-error")).to_contain_text("Write what was done")
    lead.get_by_label("What was done: Grease the spindle").fill("Greased, 2 pumps")
    lead.get_by_role("button", name="Record as done").click()
    lead.wait_for_url(live_server + "/machines/M1")
    expect(lead.locator(".alert.ok")).to_contain_text("Recorded as done")
    expect(lead.locator("section.upkeep .due-overdue")).to_have_count(0)
    lead.get_by_role("link", name="Maintenance history").click()
    lead.wait_for_url(live_server + "/machines/M1/maintenance")
    expect(lead.locator("table")).to_contain_text("Greased, 2 pumps")


def test_a_call_raised_while_a_lead_looks_at_the_floor_shows_in_the_header(browser, live_server, web_plant, app):
    """No call open: no badge in the header. A call raised meanwhile appears there by itself."""
    from staging.domain import logbook
    from staging.domain.machines import andon
    lead = sign_in(browser, live_server, "lead1", "/floor", DESK)
    expect(lead.locator("#andon-badge")).to_be_hidden()
    andon.call(web_plant.operator, "safety", web_plant.machine, logbook.Calendar.from_config(app.config))
    expect(lead.locator("#andon-badge")).to_have_text("Andon: 1 open", timeout=15000)


def test_a_floor_bigger_than_the_tv_goes_round_and_each_page_fits_the_screen(browser, live_server, link, web_plant):
    for n in range(1, 31):  # with M1 and M2, 32 tiles: three pages of 12
        loc(f"P{n:02d}", "machine", name=f"Press {n}")
    states.set_state(web_plant.lead, "P07", "down", "Breakdown")
    for n in range(3):  # the side column at its fullest: three open calls
        andon.call(web_plant.operator, "material", f"P0{n + 1}", logbook.Calendar.from_settings(
            "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00", "Europe/Berlin", 60))
    tv = browser.new_context(viewport=TV).new_page()
    tv.goto(link)
    page_note = tv.locator(".wall-page")
    for number in (1, 2, 3, 1):  # by itself, a page at each refresh
        expect(page_note).to_contain_text(f"page {number} of 3")
        tv.screenshot(path=f"/tmp/floor/wall-page-{number}-1920.png", full_page=True)
        assert tv.evaluate("document.documentElement.scrollHeight") <= TV["height"], f"page {number} overflows"
    expect(tv.locator(".wall-calls")).to_contain_text("3 open andon calls")  # on every page
