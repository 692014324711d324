"""At the desk (Chromium, 1280x800, by clicking): a part with stock keeps its unit of measure and the
form says why, keeping what was typed; a location's capacity typed 2,0 is 2, and a capacity below what
it holds is refused on the screen."""
import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.store.models import Location, Part

from .test_desk_browser import header, sign_in

pytestmark = pytest.mark.browser


def test_a_new_uom_for_a_part_with_stock_is_refused_on_the_form(page, live_server, web_plant):
    web_plant.receive(qty="11")
    sign_in(page, live_server, "admin")
    header(page, "Setup")
    page.get_by_role("main").get_by_role("link", name="Parts", exact=True).first.click()
    page.locator("tr", has_text="Resin").filter(has_not_text="old").get_by_role("link", name="RES-100").click()
    page.fill("input[name=uom]", "g")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#refusal")).to_contain_text("RES-100 rev B is counted in kg")
    expect(page.locator("#refusal")).to_contain_text("its unit of measure cannot become g")
    expect(page.locator("input[name=uom]")).to_have_value("g")
    page.screenshot(path="/tmp/part-uom-refused-1280.png", full_page=True)
    assert Part.get_by_id(web_plant.resin_b.id).uom == "kg"


def test_capacity_typed_with_a_comma_and_below_what_the_bin_holds(page, live_server, web_plant):
    for _ in range(2):
        inventory.move(web_plant.ctx(), web_plant.receive().lpn, "A-01-1")
    sign_in(page, live_server, "admin")
    header(page, "Setup")
    page.get_by_role("main").get_by_role("link", name="Locations", exact=True).first.click()
    page.fill("input[name=q]", "A-01-1")
    page.get_by_role("button", name="Search").click()
    page.locator("#locations").get_by_role("link", name="A-01-1").click()
    page.fill("input[name=capacity]", "1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#refusal")).to_contain_text("A-01-1 holds 2 units now: a capacity of 1 is less.")
    expect(page.locator("input[name=capacity]")).to_have_value("1")
    page.screenshot(path="/tmp/capacity-refused-1280.png", full_page=True)
    assert Location.get(Location.code == "A-01-1").capacity is None
    page.fill("input[name=capacity]", "2,0")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Location A-01-1 saved.")
    assert Location.get(Location.code == "A-01-1").capacity == 2
