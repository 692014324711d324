"""A desk imports the same opening-stock file twice (Chromium, 1280x800, by clicking): the second
preview says the rows were imported before and importing books nothing; "book again" books them."""
import pytest
from playwright.sync_api import expect

from staging.store.models import Unit

from .test_setup_browser import LOCATIONS, PARTS, STOCK, desk, import_file  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def test_the_same_stock_file_twice_books_nothing_unless_booked_again(desk, tmp_path):  # noqa: F811
    page = desk
    import_file(page, "Import locations", tmp_path / "locations.csv", LOCATIONS)
    page.get_by_role("button", name="Import 7 rows").click()
    import_file(page, "Import parts", tmp_path / "parts.csv", PARTS.replace("09501101530004", ""))
    page.get_by_role("button", name="Import 3 rows").click()
    import_file(page, "Import stock", tmp_path / "stock.csv", STOCK)
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("#preview")).to_contain_text("Imported 2 rows: 2 created")

    import_file(page, "Import stock", tmp_path / "stock.csv", STOCK)
    expect(page.locator("#already-imported")).to_contain_text("2 rows were imported before")
    expect(page.locator("#good")).to_contain_text("already imported")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("#preview")).to_contain_text("Imported 2 rows: 0 created")
    assert Unit.select().count() == 2

    import_file(page, "Import stock", tmp_path / "stock.csv", STOCK)
    expect(page.locator("#already-imported")).to_be_visible()
    page.screenshot(path="/tmp/import-again-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})
    page.screenshot(path="/tmp/import-again-360.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_label("Book the rows without an LPN again").check()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("#preview")).to_contain_text("Imported 2 rows: 1 created")
    assert Unit.select().where(Unit.part == Unit.get(Unit.lpn == "OLD-1").part).count() == 1
    assert Unit.select().count() == 3
