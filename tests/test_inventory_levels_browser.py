"""The inventory page of a large plant in Chromium at a desk (1280x800): areas and racks come folded
with their counts and fill, open on demand, and the list filters by location code."""
import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from tests.plant import loc

pytestmark = pytest.mark.browser


@pytest.fixture
def plant(web_plant):
    """The web plant and a second warehouse: 3 racks of 30 one-pallet bins, 3 pallets in rack W-01."""
    plant = web_plant
    area = loc("WH2", "storage", holds=False, name="Warehouse two")
    for r in range(1, 4):
        rack = loc(f"W-{r:02d}", "storage", area, holds=False, name=f"Rack {r}")
        for b in range(1, 31):
            loc(f"W-{r:02d}-{b:02d}", "storage", rack, capacity=1)
    plant.pallets = []
    for b in (1, 2, 3):
        unit = plant.receive(qty="10")
        inventory.move(plant.ctx(), unit.lpn, f"W-01-{b:02d}")
        plant.pallets.append(unit)
    return plant


def sign_in(page, base):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/login")
    page.fill("input[name=username]", "lead1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(base + "/inventory")


def test_a_large_area_comes_folded_with_its_counts_and_opens_on_demand(page, live_server, plant):
    sign_in(page, live_server)
    area = page.locator("li.group", has=page.locator("summary", has_text="WH2")).first
    summary = area.locator("summary").first
    expect(summary).to_contain_text("3 units")
    expect(summary).to_contain_text("90 places · 3 % full")
    # Folded: not one of its 93 locations is on the page until the lead opens it.
    assert page.locator("#places >> text=W-01-01").count() == 0
    assert page.locator("#places >> text=W-02").count() == 0
    summary.click()
    rack = area.locator("li.group", has=page.locator("summary", has_text="W-01")).first
    expect(rack.locator("summary")).to_contain_text("30 places · 10 % full")
    expect(area.locator("li.group summary", has_text="W-02")).to_contain_text("0 units")
    assert page.locator("#places >> text=W-01-01").count() == 0  # the racks only
    rack.locator("summary").click()
    bin_row = rack.locator("li.loc", has_text="W-01-02")
    expect(bin_row.locator(".count")).to_have_text("1/1")
    bin_row.locator("a").click()
    page.wait_for_url(live_server + "/locations/W-01-02")
    expect(page.locator("main")).to_contain_text(plant.pallets[1].lpn)
    page.screenshot(path="/tmp/inventory-levels-location.png")


def test_the_inventory_filters_by_location_code_and_says_when_nothing_matches(page, live_server, plant):
    sign_in(page, live_server)
    box = page.locator("#place-filter")
    box.fill("w-02-1")
    expect(page.locator("#places")).to_contain_text("10 locations whose code contains “W-02-1”")
    expect(page.locator("#places li.loc")).to_have_count(10)
    assert "q=w-02-1" in page.url  # the filter is in the address, to share or go back to
    page.screenshot(path="/tmp/inventory-levels-filter.png")
    box.fill("W")
    expect(page.locator("#places .alert")).to_have_text("Type at least 2 characters of a location code.")
    box.fill("<b>ZZ</b>")
    expect(page.locator("#places .alert")).to_have_text("No location code contains “<B>ZZ</B>”.")
    expect(page.locator("#places li")).to_have_count(0)
    box.fill("")
    expect(page.locator("#places li.group summary", has_text="WH2")).to_contain_text("3 units")


def test_the_header_search_from_the_inventory_finds_a_pallet(page, live_server, plant):
    sign_in(page, live_server)
    page.fill("header form.search input[name=q]", plant.pallets[0].lpn)
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url(live_server + f"/units/{plant.pallets[0].lpn}")
    expect(page.locator("main")).to_contain_text("W-01-01")


def test_in_german_on_a_handheld_the_folded_inventory_fits_the_screen(page, live_server, plant):
    from staging.store.models import User
    User.update(language="de").where(User.username == "lead1").execute()
    sign_in(page, live_server)
    page.set_viewport_size({"width": 360, "height": 640})
    summary = page.locator("li.group summary", has_text="WH2")
    expect(summary).to_contain_text("3 Einheiten")
    expect(summary).to_contain_text("90 Plätze · 3 % belegt")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/inventory-levels-de-360.png", full_page=True)
    page.locator("#place-filter").fill("W")
    expect(page.locator("#places .alert")).to_have_text("Geben Sie mindestens 2 Zeichen eines Lagerplatz-Codes ein.")
