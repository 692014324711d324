"""An import preview of a large file in Chromium at a desk (1280x800): the summary and the refused
rows first, every table a page at a time, the file carried compressed from page to page and on to
the import."""
import re

import pytest
from playwright.sync_api import expect

from staging.store.models import Location

from .test_setup_browser import desk, import_file  # noqa: F401 (the admin at a desk, the checklist's imports)

pytestmark = pytest.mark.browser


def _locations(good, bad):
    rows = ["code,name,kind,parent,capacity", "HALL,Hall,storage,,"]
    rows += [f"H-{i:04d},Bin {i} with a long enough name to weigh,storage,HALL,2" for i in range(good)]
    rows += [f"X-{i:04d},Bin {i},cupboard,HALL," for i in range(bad)]  # a kind the plant does not know
    return "\n".join(rows) + "\n"


def test_a_large_preview_shows_the_problems_first_a_page_at_a_time(desk, tmp_path):  # noqa: F811
    page = desk
    text = _locations(good=3000, bad=250)
    import_file(page, "Import locations", tmp_path / "locations.csv", text)
    summary = page.locator("#preview .alert").first
    expect(summary).to_contain_text("250 of 3251 rows are refused")
    refused = page.locator("#refused tbody tr")
    expect(refused).to_have_count(100)
    expect(refused.first).to_contain_text("X-0000")
    pager = page.locator("#preview nav.pager").first
    expect(pager).to_contain_text("Page 1 of 3 (250)")
    expect(page.locator("#good tbody tr")).to_have_count(100)
    # The page weighs less than the file it previews: rows a page at a time, the file compressed.
    weight = page.evaluate("document.documentElement.outerHTML.length")
    assert weight < len(text) / 2, (weight, len(text))
    page.screenshot(path="/tmp/import-preview-1.png", full_page=False)
    pager.get_by_role("button", name="Next ›").click()
    expect(page.locator("#preview nav.pager").first).to_contain_text("Page 2 of 3 (250)")
    expect(refused.first).to_contain_text("X-0100")
    expect(refused).to_have_count(100)
    assert Location.select().count() == 0  # paging previews again: nothing written
    page.get_by_role("button", name=re.compile("Import only the 3001 good rows")).click()
    expect(page.locator("#preview .alert.ok")).to_contain_text("Imported 3001 rows")
    assert Location.select().count() == 3001 and Location.get(Location.code == "H-2999").capacity == 2
