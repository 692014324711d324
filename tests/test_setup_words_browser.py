"""An empty plant set up at a desk in Chromium (1280x800, by clicking), read for its words: the page
names the plant it is set up as; a parts file with the plant's own extra columns is not refused
whole; the preview names parts by number; one good row is one row; a stock row on a rack and a
child of a refused parent are told what is really wrong."""
import pytest
from playwright.sync_api import expect

from staging.domain.people.users import create_user
from staging.store.models import Location, Part

from .test_setup_browser import import_file, setup

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(page, live_server, app):
    """An admin signed in at a desk on an empty plant (no demo), on the checklist."""
    create_user("admin", "admin", "password-123")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/login")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + "/setup")
    return page

PARTS_FROM_ERP = """number,revision,description,uom,gtin,Lieferant,Preis EUR
RES-100,B,Polypropylene resin,kg,09501101530003,Borealis,1.20
BOX-600,A,Carton,ea,,Smurfit,0.35
"""
LOCATIONS = """code,name,kind,parent,capacity
WH,Warehouse,storage,,
R-A,Rack A,storage,WH,
A-01-1,Rack A bay 1 level 1,storage,R-A,2
RCV-1,Dock door 1,receiving,,
"""


def test_an_empty_plant_is_not_called_the_demo_plant(desk):
    page = desk
    setup(page)
    expect(page.locator("h1")).to_have_text("Setting up the plant")
    expect(page).to_have_title("Setup · Staging")


def test_a_parts_file_with_unknown_columns_can_be_imported_without_them(desk, tmp_path):
    page = desk
    import_file(page, "Import parts", tmp_path / "parts.csv", PARTS_FROM_ERP)
    expect(page.locator("#preview")).to_contain_text("Unknown columns: Lieferant, Preis EUR")
    assert Part.select().count() == 0
    page.get_by_role("button", name="Leave out the columns Lieferant, Preis EUR and preview again").click()
    expect(page.locator("#ignored")).to_contain_text("the columns Lieferant, Preis EUR")
    good = page.locator("#good")
    expect(good).to_contain_text("RES-100 rev B")  # the part, not "1"
    expect(good).to_contain_text("BOX-600 rev A")
    page.screenshot(path="/tmp/setup-unknown-columns-1280.png", full_page=True)
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("#preview")).to_contain_text("Imported 2 rows: 2 created")
    assert {p.label for p in Part.select()} == {"RES-100 rev B", "BOX-600 rev A"}


def test_one_good_row_is_one_row_and_refusals_say_what_is_wrong(desk, tmp_path):
    page = desk
    bad_parent = LOCATIONS.replace("WH,Warehouse,storage,,", "WH,Warehouse,storage,,-2")
    import_file(page, "Import locations", tmp_path / "locations.csv", bad_parent)
    refused = page.locator("#refused")
    expect(refused).to_contain_text("Capacity must be a whole number")
    expect(refused).to_contain_text("Its parent WH is refused on line 2: correct that row")
    expect(refused).not_to_contain_text("add it first")
    import_file(page, "Import locations", tmp_path / "locations.csv", LOCATIONS)
    page.get_by_role("button", name="Import 4 rows").click()
    import_file(page, "Import parts", tmp_path / "parts.csv", "number,revision,description,uom,gtin\n"
                "RES-100,B,Resin,kg,\n")
    page.get_by_role("button", name="Import 1 row").click()

    import_file(page, "Import stock", tmp_path / "stock.csv", "lpn,part,revision,quantity,lot,location\n"
                ",RES-100,B,10,L1,A-01-1\n,RES-100,B,10,L2,R-A\n")
    expect(page.locator("#refused")).to_contain_text(
        "R-A is Rack A, which holds no pallets: name a bin, lane, machine or station in the location column.")
    expect(page.locator("#refused")).not_to_contain_text("scan the label")
    page.get_by_role("button", name="Import only the 1 good row", exact=True).click()
    expect(page.locator("#preview")).to_contain_text("Imported 1 row")
    assert Location.get(code="A-01-1").kind == "storage"
