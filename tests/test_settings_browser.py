"""The settings page in Chromium at 1280x800: an admin reaches it by clicking, changes the shifts,
and the logbook shows the new shift at once; a bad value is refused on the screen."""
import pytest
from playwright.sync_api import expect

from staging.store.models import MasterChange, Setting

from .test_desk_browser import header, sign_in

pytestmark = pytest.mark.browser


def test_an_admin_changes_the_shifts_and_the_logbook_shows_them(page, live_server, web_plant):
    sign_in(page, live_server, "admin")
    header(page, "Settings")
    page.fill("input[name=SHIFTS]", "Day=06:00-18:00, Night=18:00-06:00")
    page.click("button:has-text('Save settings')")
    expect(page.locator("main")).to_contain_text("Saved: SHIFTS")
    expect(page.locator("input[name=SHIFTS]")).to_have_value("Day=06:00-18:00,Night=18:00-06:00")
    expect(page.locator("table.changes")).to_contain_text("SHIFTS")
    page.screenshot(path="/tmp/settings-saved-1280.png", full_page=True)
    header(page, "Reports")
    page.click("main >> text=Logbook")
    expect(page.locator("h1")).to_have_text("Logbook")
    heads = page.locator("table.logs thead")
    expect(heads).to_contain_text("Day")
    expect(heads).not_to_contain_text("Early")


def test_a_bad_time_zone_and_malformed_shifts_are_refused_on_the_screen(page, live_server, web_plant, app):
    sign_in(page, live_server, "admin")
    header(page, "Settings")
    page.fill("input[name=PLANT_TIMEZONE]", "Europe/Berlinn")
    page.fill("input[name=SHIFTS]", "Early=6-14")
    page.click("button:has-text('Save settings')")
    expect(page.locator("#refusal")).to_contain_text("2 of the settings are not valid. Nothing was saved.")
    expect(page.locator("#err-PLANT_TIMEZONE")).to_contain_text("“Europe/Berlinn” is not a time zone")
    expect(page.locator("#err-SHIFTS")).to_contain_text("NAME=HH:MM-HH:MM")
    expect(page.locator("input[name=SHIFTS]")).to_have_value("Early=6-14")  # what was typed stays
    page.screenshot(path="/tmp/settings-refused-1280.png", full_page=True)
    assert Setting.select().count() == 0 and MasterChange.select().count() == 0
    assert app.config["PLANT_TIMEZONE"] == "Europe/Berlin"
