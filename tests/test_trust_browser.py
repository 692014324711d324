"""What a person sees of the third trust round, in Chromium: an admin at the desk (1280x800) finds a
person's API tokens on the People page with their last use and revokes one, ends the tokens with a
password reset, and is refused a too-short password on screen; a handheld (360x640) that signed in
before still signs in with badge and PIN after a stranger's wrong passwords for that person."""
import pytest
from playwright.sync_api import expect

from staging.domain.people import badges
from staging.domain.people.users import create_token
from staging.store.models import ApiToken

from .test_scan_browser import wedge
from .test_signin_browser import _desk_sign_in
from .webutil import csrf_token

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(page, web_plant):
    page.set_viewport_size({"width": 1280, "height": 800})
    return page


def test_an_admin_revokes_a_token_and_a_reset_ends_the_rest(desk, web_plant, live_server, client):
    create_token("stager1", "label robot")
    create_token("stager1", "old export")
    _desk_sign_in(desk, live_server, "admin1")
    desk.click("header >> text=People")
    row = desk.locator("#user-stager1")
    expect(row).to_contain_text("API token label robot, last used never")
    desk.screenshot(path="/tmp/trust-people-tokens-1280.png", full_page=True)
    row.locator(".token", has_text="old export").locator("button:has-text('Revoke')").click()
    expect(desk.locator(".alert.ok")).to_contain_text("The API token is revoked")
    expect(desk.locator("#user-stager1")).not_to_contain_text("old export")
    desk.click("#user-stager1 >> text=stager1")
    expect(desk.locator("input[name=end_tokens]")).to_be_checked()
    desk.fill("form[action$='/password'] input[name=password]", "short")
    desk.click("button:has-text('Set the password')")
    expect(desk.locator(".alert.error")).to_be_visible()  # refused on screen, nothing ended
    assert ApiToken.select().where(ApiToken.revoked_at.is_null()).count() == 1
    desk.fill("form[action$='/password'] input[name=password]", "a-long-new-password")
    desk.click("button:has-text('Set the password')")
    expect(desk.locator(".alert.ok")).to_contain_text("New password set for stager1")
    desk.screenshot(path="/tmp/trust-person-reset-1280.png", full_page=True)
    assert ApiToken.select().where(ApiToken.revoked_at.is_null()).count() == 0


def test_a_strangers_wrong_passwords_do_not_stop_the_persons_handheld(page, web_plant, live_server, app):
    admin = web_plant.users["admin"]
    lead_badge, op_badge = badges.reissue(admin, "lead1"), badges.reissue(admin, "operator1")
    badges.set_pin(admin, "lead1", "4711")
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(live_server + "/login")
    wedge(page, op_badge)  # this handheld was used before: it carries its signed key
    page.wait_for_url("**/scan")
    page.context.clear_cookies(name="session")
    stranger = app.test_client()
    for _ in range(6):
        stranger.post("/login", data={"username": "lead1", "password": "wrong",
                                      "csrf_token": csrf_token(stranger)})
    page.goto(live_server + "/login")
    wedge(page, lead_badge)
    page.locator("input[name=pin]").fill("4711")
    page.keyboard.press("Enter")
    page.wait_for_url("**/scan")  # a badge sign-in lands on the scan page
    page.screenshot(path="/tmp/trust-handheld-after-flood-360.png")
