"""First start of an empty plant (SEED_DEMO=0) in Chromium at 1280x800: the first admin, with the
password `init-db` printed once, signs in and lands on the setup checklist, not on an empty inventory."""
import pytest
from playwright.sync_api import expect

from staging.first_start import prepare

pytestmark = pytest.mark.browser


def first_admin_password(app):
    said = []
    prepare(app.config, echo=said.append)
    line = next(line for line in said if "sign in as" in line)
    return line.split("with password")[1].split()[0]


def sign_in(page, base, username, password):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")


def test_the_first_admin_lands_on_the_setup_checklist(page, live_server, app):
    sign_in(page, live_server, "admin", first_admin_password(app))
    page.wait_for_url(live_server + "/setup")
    expect(page.locator("h1")).to_contain_text("Setting up")
    for step in ("locations", "parts", "people", "printers", "stock", "work_orders"):
        expect(page.locator(f"#step-{step}")).to_contain_text("○")
    expect(page.get_by_role("link", name="CSV template").first).to_be_visible()
    page.screenshot(path="/tmp/first-start-1280.png")


def test_a_set_up_plant_sends_the_admin_to_the_inventory(page, live_server, web_plant):
    sign_in(page, live_server, "admin1", "password-123")
    page.wait_for_url(live_server + "/inventory")


def test_a_wrong_password_on_first_start_is_refused_on_the_screen(page, live_server, app):
    first_admin_password(app)
    sign_in(page, live_server, "admin", "not-the-password")
    expect(page.locator(".alert.error, [role=alert]").first).to_contain_text("Wrong user name or password")
    assert page.url.startswith(live_server + "/login")
