"""Signing in as people do, in real Chromium: a handheld at 360x640 whose scanner types the badge
as a keyboard wedge (Enter or Tab), and a desk at 1280x800 clicking links."""
import re

import pytest
from playwright.sync_api import expect

from staging.domain.people import badges
from staging.domain.people.users import create_user
from staging.store.models import LoginFailure

from .test_scan_browser import wedge

pytestmark = pytest.mark.browser


@pytest.fixture
def people(web_plant):
    admin = web_plant.users["admin"]
    create_user("olga", "operator", display_name="Olga")
    web_plant.badge = {name: badges.reissue(admin, name) for name in ("operator1", "olga", "lead1")}
    badges.set_pin(admin, "lead1", "4711")
    return web_plant


@pytest.fixture
def handheld(page, live_server, people):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(live_server + "/login")
    expect(page.locator("#badge")).to_be_focused()
    return page


@pytest.fixture
def desk(page, live_server, web_plant):
    page.set_viewport_size({"width": 1280, "height": 800})
    return page


def who(page):
    """Who is signed in: the desk header's name, or on the scan page the bar below the scanning."""
    return page.locator("header .who-name, .scan-foot #who")


def test_a_badge_scan_ending_with_tab_signs_an_operator_in_on_the_scan_page(handheld, people, live_server):
    assert handheld.get_attribute("#badge", "inputmode") == "none"  # no soft keyboard over the page
    wedge(handheld, people.badge["operator1"], "Tab")
    handheld.wait_for_url(live_server + "/scan")  # operators land on Scan
    expect(who(handheld)).to_have_text("operator1")
    handheld.screenshot(path="/tmp/signin-scan-360.png")


def test_the_badge_field_can_be_typed_into_when_a_badge_will_not_scan(handheld, people, live_server):
    handheld.click("text=Type the badge code instead")
    assert handheld.get_attribute("#badge", "inputmode") == "text"
    handheld.keyboard.type(people.badge["olga"])
    handheld.keyboard.press("Enter")
    handheld.wait_for_url(live_server + "/scan")
    expect(who(handheld)).to_have_text(re.compile("olga", re.I))


def test_a_lead_badge_asks_for_the_pin_and_a_wrong_one_is_refused_on_screen(handheld, people, live_server):
    wedge(handheld, people.badge["lead1"])
    expect(handheld.locator("input[name=pin]")).to_be_focused()
    expect(handheld.locator("main")).to_contain_text("Badge of lead1")
    assert people.badge["lead1"] not in handheld.content()
    handheld.keyboard.type("0000")
    handheld.keyboard.press("Enter")
    expect(handheld.locator(".alert.error")).to_have_text("Wrong PIN.")
    handheld.screenshot(path="/tmp/signin-pin-360.png")
    expect(handheld.locator("input[name=pin]")).to_be_focused()  # the PIN field stays for another try
    handheld.fill("input[name=pin]", "4711")
    handheld.press("input[name=pin]", "Enter")
    handheld.wait_for_url(live_server + "/scan")  # a badge is scanned on a handheld: it scans on
    expect(who(handheld)).to_have_text("lead1")


def test_pallet_labels_scanned_at_the_sign_in_page_do_not_lock_out_the_right_badge(handheld, people, live_server):
    pallets = [people.receive() for _ in range(3)]
    for n in range(21):
        wedge(handheld, pallets[n % 3].lpn)
        expect(handheld.locator(".alert.error")).to_contain_text("That badge is not known here")
        expect(handheld.locator("#badge")).to_be_focused()
    assert LoginFailure.select().count() == 0
    wedge(handheld, people.badge["operator1"], "Tab")
    handheld.wait_for_url(live_server + "/scan")


def test_a_badge_hand_over_on_the_scan_page_shows_the_new_person_in_the_header(handheld, people, live_server):
    wedge(handheld, people.badge["operator1"])
    handheld.wait_for_url(live_server + "/scan")
    expect(who(handheld)).to_have_text("operator1")
    expect(handheld.locator("#code")).to_be_focused()
    wedge(handheld, people.badge["olga"])
    expect(who(handheld)).to_have_text(re.compile("olga", re.I))
    expect(handheld.locator("#panel")).to_contain_text("Signed in: Olga")
    expect(handheld.locator("#code")).to_be_focused()
    page = handheld.content()
    assert people.badge["olga"] not in page and people.badge["operator1"] not in page


def test_a_lead_badge_on_the_scan_page_asks_for_the_pin_then_carries_on_scanning(handheld, people, live_server):
    wedge(handheld, people.badge["operator1"])
    handheld.wait_for_url(live_server + "/scan")
    wedge(handheld, people.badge["lead1"])
    expect(handheld.locator("input[name=pin]")).to_be_focused()
    handheld.keyboard.type("4711")
    handheld.keyboard.press("Enter")
    handheld.wait_for_url(live_server + "/scan")
    expect(who(handheld)).to_have_text("lead1")


def _desk_sign_in(page, live_server, username="lead1", password="password-123"):
    page.goto(live_server + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(live_server + "/inventory")


def test_a_lead_changes_their_password_from_the_header_and_other_sessions_end(desk, web_plant, live_server, browser):
    other = browser.new_context()
    elsewhere = other.new_page()
    _desk_sign_in(elsewhere, live_server)
    _desk_sign_in(desk, live_server)
    desk.click("header .who-name")
    desk.wait_for_url(live_server + "/account")
    desk.fill("input[name=current]", "not-my-password")
    desk.fill("input[name=new]", "a-better-pass-1")
    desk.fill("input[name=repeat]", "a-better-pass-1")
    desk.click("button:has-text('Change password')")
    expect(desk.locator(".alert.error")).to_have_text("Your current password is not right.")
    desk.fill("input[name=current]", "password-123")
    desk.fill("input[name=new]", "a-better-pass-1")
    desk.fill("input[name=repeat]", "a-better-pass-2")
    desk.click("button:has-text('Change password')")
    expect(desk.locator(".alert.error")).to_contain_text("The two new passwords differ")
    desk.fill("input[name=current]", "password-123")
    desk.fill("input[name=new]", "a-better-pass-1")
    desk.fill("input[name=repeat]", "a-better-pass-1")
    desk.click("button:has-text('Change password')")
    expect(desk.locator(".alert.ok")).to_contain_text("Password changed")
    desk.screenshot(path="/tmp/account-1280.png")
    desk.click("text=Inventory")
    expect(who(desk)).to_have_text("lead1")  # this session carries on
    elsewhere.reload()
    assert "/login" in elsewhere.url  # the other one has ended
    other.close()


def test_a_stager_is_refused_the_badge_sheet_on_screen(desk, web_plant, live_server):
    _desk_sign_in(desk, live_server, "stager1")
    desk.click("header nav >> text=Labels")
    desk.check("input[name=kind][value=badge]")
    desk.click("button:has-text('Make labels')")
    expect(desk.locator(".alert.error")).to_contain_text("Only an admin prints other people's badges")


def test_an_admin_reissues_a_badge_from_the_people_page(desk, people, live_server):
    _desk_sign_in(desk, live_server, "admin1")
    desk.click("header >> text=People")
    row = desk.locator("#user-operator1")
    row.locator("button:has-text('Reissue badge')").click()
    expect(desk.locator(".alert.ok")).to_contain_text("operator1 has a new badge; the old one no longer works")
    desk.locator("#user-lead1 input[name=pin]").fill("12")
    desk.locator("#user-lead1 button:has-text('Set PIN')").click()
    expect(desk.locator(".alert.error")).to_have_text("A PIN is 4 to 12 digits.")
    desk.screenshot(path="/tmp/people-1280.png")
    assert people.badge["operator1"] not in desk.content()


def test_an_admin_reads_the_security_events_and_exports_them(desk, people, live_server):
    desk.goto(live_server + "/login")
    desk.fill("input[name=username]", "lead1")
    desk.fill("input[name=password]", "a-wrong-guess")
    desk.click("button:has-text('Sign in')")
    expect(desk.locator(".alert.error")).to_have_text("Wrong user name or password.")
    _desk_sign_in(desk, live_server, "admin1")
    desk.click("header >> text=People")
    desk.click("text=Security events")
    table = desk.locator("table.events")
    expect(table).to_contain_text("sign in failed")
    expect(table).to_contain_text("badge reissued")
    expect(table).to_contain_text("pin set")
    desk.select_option("select[name=kind]", "sign_in_failed")
    desk.click("button:has-text('Show')")
    expect(table.locator("tbody tr")).to_have_count(1)
    desk.screenshot(path="/tmp/events-1280.png")
    with desk.expect_download() as download:
        desk.click("text=Export all as CSV")
    text = open(download.value.path()).read()
    assert text.splitlines()[0] == "at_utc,kind,actor,subject,address,device,detail"
    assert ",sign_in_failed,,lead1,127.0.0.1" in text
    assert people.badge["lead1"] not in text and "4711" not in text


def test_a_lead_finds_no_security_events(desk, web_plant, live_server):
    _desk_sign_in(desk, live_server, "lead1")
    assert desk.locator("header >> text=People").count() == 0
    desk.goto(live_server + "/admin/security")
    expect(desk.locator("main")).to_contain_text("only an admin or above may manage users")
