"""A planner imports an ERP file written the German way (Chromium, 1280x800, by clicking): 1.200 beside
2400,5 is twelve hundred, a due date 31.12.2026 14:00 is read, and a number written the other way on
another line is refused on the screen with its line, nothing imported."""
import pytest
from playwright.sync_api import expect

from staging.store.models import WorkOrder

from .test_desk_browser import header, sign_in, upload_erp

pytestmark = pytest.mark.browser

HEADER = "work_order;product;product_rev;quantity;machine;due;part;part_rev;part_qty;uom\n"


def test_german_numbers_and_dates_in_an_erp_file(page, live_server, plant):
    sign_in(page, live_server)
    header(page, "Work orders")
    page.click("text=Import from ERP")
    upload_erp(page, HEADER + "WO-70;HSG-1;A;1.200;M1;31.12.2026 14:00;RES-100;B;2400,5;kg\n"
                              "WO-71;HSG-1;A;10;M1;;RES-100;B;1,200.5;kg\n")
    expect(page.locator("p.alert.error")).to_contain_text("1 of 2 rows are wrong")
    expect(page.locator("tr.row-bad")).to_contain_text(
        "“1,200.5” is written like 2,400.5, but line 2 writes this file's numbers like 2.400,5")
    expect(page.locator("tr.row-bad")).not_to_contain_text("must be a number")
    page.screenshot(path="/tmp/erp-numbers-refused-1280.png", full_page=True)
    assert not WorkOrder.select().where(WorkOrder.number.in_(["WO-70", "WO-71"])).exists()

    upload_erp(page, HEADER + "WO-70;HSG-1;A;1.200;M1;31.12.2026 14:00;RES-100;B;2400,5;kg\n")  # fixed
    expect(page.locator("table.preview")).to_contain_text("New work order WO-70: HSG-1 rev A × 1200 on M1")
    expect(page.locator("table.preview")).to_contain_text("Needs 2400.5 kg of RES-100 rev B")
    page.click("button:has-text('Import 1 work order')")
    expect(page.locator("[role=status]")).to_contain_text("WO-70")
    wo = WorkOrder.get(WorkOrder.number == "WO-70")
    assert wo.quantity == 1200 and wo.due_at is not None and wo.due_at.year == 2026
