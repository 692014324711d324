"""The plant language at the desk (Chromium, 1280x800, by clicking): a choice of the shipped
languages, not free text."""
import pytest
from playwright.sync_api import expect

from .test_desk_browser import header, sign_in

pytestmark = pytest.mark.browser


def test_the_plant_language_is_chosen_from_the_shipped_languages(page, live_server, web_plant, app):
    sign_in(page, live_server, "admin")
    header(page, "Settings")
    chooser = page.locator("select[name=PLANT_LOCALE]")
    expect(chooser.locator("option")).to_have_text(["English", "Deutsch", "Español", "Polski"])
    expect(page.locator("input[name=PLANT_LOCALE]")).to_have_count(0)
    chooser.select_option("pl")
    page.click("button:has-text('Save settings')")
    expect(page.locator("main")).to_contain_text("Saved: PLANT_LOCALE")
    expect(page.locator("select[name=PLANT_LOCALE] option:checked")).to_have_text("Polski")
    page.screenshot(path="/tmp/settings-language-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})
    page.screenshot(path="/tmp/settings-language-360.png", full_page=True)
    assert app.config["PLANT_LOCALE"] == "pl"
