"""A unit's own page offers QC Hold and Release to those who may (Chromium, a desk at 1280x800,
reaching the unit by the header's search and clicking): a lead holds it, is told another lead must
release it (four eyes), and an admin releases it from the same page."""
import pytest
from playwright.sync_api import expect

from staging.store.models import Unit

from .test_desk_browser import sign_in

pytestmark = pytest.mark.browser


def open_unit(page, lpn):
    page.fill("header.top input[name=q]", lpn)
    page.press("header.top input[name=q]", "Enter")  # an LPN found exactly: straight to its page
    expect(page.locator("h1")).to_contain_text(lpn)


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")  # signed out before the next person signs in (else the two race)


def test_hold_and_release_from_the_unit_page(page, live_server, web_plant):
    lpn = web_plant.receive(lot="L9").lpn
    sign_in(page, live_server, "lead")
    open_unit(page, lpn)
    page.locator("#qc").get_by_role("link", name="Hold…").click()
    page.fill("input[name=reason]", "   ")  # blank: refused, nothing held
    page.get_by_role("button", name="Put on QC hold").click()
    expect(page.locator(".alert.error")).to_be_visible()
    assert Unit.get(lpn=lpn).status != "hold"
    page.fill("input[name=reason]", "Moisture above spec")
    with page.expect_navigation():  # the answer's page, not the form still showing
        page.get_by_role("button", name="Put on QC hold").click()
    page.locator("nav.crumbs").get_by_role("link", name=lpn).click()
    qc = page.locator("#qc")
    expect(qc).to_contain_text("by lead1: Moisture above spec")
    expect(qc).to_contain_text("another lead must release it")
    expect(qc.get_by_role("link", name="Release…")).to_have_count(0)
    page.screenshot(path="/tmp/unit-held-1280.png", full_page=True)
    sign_out(page)

    sign_in(page, live_server, "admin")
    open_unit(page, lpn)
    page.locator("#qc").get_by_role("link", name="Release…").click()
    page.fill("input[name=reason]", "Dried and measured again")
    with page.expect_navigation():  # the answer's page, not the form still showing
        page.get_by_role("button", name="Release the hold").click()
    page.locator("nav.crumbs").get_by_role("link", name=lpn).click()
    expect(page.locator("#qc").get_by_role("link", name="Hold…")).to_be_visible()
    assert Unit.get(lpn=lpn).status != "hold"


def test_a_stager_may_hold_but_not_release(page, live_server, web_plant):
    unit = web_plant.receive(lot="L9")
    sign_in(page, live_server, "stager")
    open_unit(page, unit.lpn)
    page.locator("#qc").get_by_role("link", name="Hold…").click()
    page.fill("input[name=reason]", "Torn wrap")
    with page.expect_navigation():  # the answer's page, not the form still showing
        page.get_by_role("button", name="Put on QC hold").click()
    page.locator("nav.crumbs").get_by_role("link", name=unit.lpn).click()
    expect(page.locator("#qc")).to_contain_text("A lead releases it.")
    expect(page.locator("#qc").get_by_role("link", name="Release…")).to_have_count(0)
