"""A lead editing a work order that has already consumed material, in Chromium at 1280x800: dropping
the line it used is refused on the screen, in words, and nothing changes (the same rule as the ERP
import and PUT /api/work-orders)."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain import inventory, workorders

from .test_desk_browser import header, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def started(web_plant):
    """WO-1 on M1 has consumed 40 kg of RES-100 rev B."""
    unit = web_plant.receive(qty="100")
    inventory.load(web_plant.ctx(), unit, "M1", web_plant.wo)
    inventory.consume(web_plant.ctx(), unit, "40")
    return web_plant


def lines(plant):
    return sorted((ln.part.number, ln.quantity) for ln in workorders.lines_of(plant.wo))


def test_dropping_a_used_material_line_is_refused_on_the_edit_page(page, live_server, started):
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("table >> text=WO-1")
    page.click("a.button:has-text('Edit')")
    page.wait_for_url("**/work-orders/WO-1/edit")
    first = page.locator("table.edit-lines tbody tr").first
    first.locator("input[name=part]").fill("FST-M6")
    first.locator("input[name=revision]").fill("C")
    first.locator("input[name=line_quantity]").fill("5")
    first.locator("input[name=uom]").fill("")
    page.click("button:has-text('Save')")
    expect(page.locator("p.alert.error")).to_contain_text("Nothing was saved")
    expect(page.locator(".field-error", has_text="RES-100")).to_have_text(
        "Work order WO-1 has already used RES-100 rev B: that material line stays (its quantity may change).")
    expect(first.locator("input[name=part]")).to_have_value("FST-M6")  # what was typed stays
    page.screenshot(path="/tmp/work-order-history-refused-1280.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 640})
    page.screenshot(path="/tmp/work-order-history-refused-360.png", full_page=True)
    assert lines(started) == [("RES-100", Decimal("500"))]


def test_changing_the_quantity_of_a_used_line_is_saved(page, live_server, started):
    sign_in(page, live_server)
    page.goto(live_server + "/work-orders/WO-1/edit")
    page.locator("table.edit-lines tbody tr").first.locator("input[name=line_quantity]").fill("450")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/work-orders/WO-1")
    expect(page.locator("main")).to_contain_text("Work order WO-1 saved.")
    assert lines(started) == [("RES-100", Decimal("450"))]
