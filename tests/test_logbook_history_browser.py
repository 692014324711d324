"""A lead's locked log survives new shift names (Chromium, 1280x800, by clicking): after an admin
renames the shifts on /settings, the logbook owes nothing for the shifts before the change and the
locked Early log still opens, with its note, under the shift it was written in."""
import datetime

import pytest
from playwright.sync_api import expect

from staging.domain import logbook
from staging.store.models import utcnow

from .test_desk_browser import header, sign_in

pytestmark = pytest.mark.browser


def test_renamed_shifts_keep_the_locked_log_and_owe_nothing_before(page, live_server, web_plant, app):
    app.config["GO_LIVE"] = f"{utcnow() - datetime.timedelta(days=5):%Y-%m-%d}"
    app.extensions.pop("staging.calendar", None)
    cal = logbook.Calendar.from_config(app.config)
    day = cal.today() - datetime.timedelta(days=1)
    start, end = cal.window(day, "Early")
    logbook.add_note(web_plant.operator, web_plant.machine, day, "Early", "note", "Mould change on M1", cal,
                     now=start + datetime.timedelta(hours=1))
    logbook.submit(web_plant.lead, web_plant.machine, day, "Early", cal, now=end)

    sign_in(page, live_server, "admin")
    header(page, "Settings")
    page.fill("input[name=SHIFTS]", "Day=06:00-18:00,Night=18:00-06:00")
    page.click("button:has-text('Save settings')")
    expect(page.locator("main")).to_contain_text("Saved: SHIFTS")
    header(page, "Reports")
    page.click("main >> text=Logbook")
    expect(page.locator("table.logs thead")).to_contain_text("Day")
    expect(page.locator("table.logs td.overdue")).to_have_count(0)
    page.screenshot(path="/tmp/logbook-renamed-1280.png", full_page=True)
    page.locator("#earlier-logs").get_by_role("link", name=f"M1 · {day.isoformat()} Early").click()
    expect(page.locator("main")).to_contain_text("Mould change on M1")
    expect(page.locator("main")).not_to_contain_text("No shift")
    page.screenshot(path="/tmp/log-early-kept-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})  # the same pages on a phone, to look at
    page.go_back()
    expect(page.locator("#earlier-logs")).to_be_visible()
    page.screenshot(path="/tmp/logbook-renamed-360.png", full_page=True)
