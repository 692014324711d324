"""The demo plant as a newcomer meets it after `make run`, in Chromium on a 360x640 handheld with
scans typed as a keyboard wedge: Olga's badge, Tasks shows the README's task at once; Sam receives
the command sheet's GS1-128 label (in the demo, a part's case label) and types its quantity."""
import pytest
from playwright.sync_api import expect

from staging.domain.people.users import set_password
from staging.domain.scan import scanner_check
from staging.first_start import prepare
from staging.store.models import Unit, User

from .test_handheld_browser import sign_in
from .test_scan_browser import shows, wedge

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(app):
    app.config["SEED_DEMO"] = True
    prepare(app.config, echo=lambda *_: None)
    return app


def test_the_demo_shows_a_task_at_once_and_receives_the_sheets_supplier_label(demo, page, live_server):
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(live_server + "/login")
    expect(page.locator("#badge")).to_be_focused()
    wedge(page, User.get(User.username == "olga").badge, "Tab")
    page.wait_for_url(live_server + "/scan")
    page.click("button.mode >> text=Tasks")
    shows(page, "info", "Next: P000063 → LANE-1")
    expect(page.locator("#panel")).to_contain_text(
        "Take 400 kg RES-PP-100 rev B off it, from D-04-2, for WO-24100 on M1")
    page.screenshot(path="/tmp/sw/demo-tasks-360.png")

    page.context.clear_cookies()
    set_password(User.get(User.username == "sam"), "password-123")
    sign_in(page, live_server, "sam")
    page.click("button.mode >> text=Receive")
    wedge(page, scanner_check.EXPECTED)
    shows(page, "wait", "how much?")
    expect(page.locator("#panel")).to_contain_text("PCB-CTL-3 rev E")
    page.fill("#qty", "abc")  # not a quantity: refused on the screen, nothing received
    page.click(".panel form.qty button.go")
    expect(page.locator("#panel")).to_have_attribute("data-tone", "bad")
    page.fill("#qty", "150")
    page.click(".panel form.qty button.go")
    shows(page, "ok", "Received")
    received = Unit.select().order_by(Unit.id.desc()).get()
    assert (received.part.label, received.quantity, received.lot) == ("PCB-CTL-3 rev E", 150, "yZ-7/q")
    page.screenshot(path="/tmp/sw/demo-receive-360.png")
