"""A lead finds a pallet in real Chromium, on a handheld-sized screen and at a desk."""
import pytest

from staging.domain import inventory

pytestmark = pytest.mark.browser


@pytest.fixture
def plant(web_plant):
    """The web plant with a pallet of 40 kg in bin A-01-1."""
    plant = web_plant
    unit = plant.receive(qty="40", lot="LOT-9")
    inventory.move(plant.ctx(), unit.lpn, "A-01-1")
    plant.unit = unit
    return plant


def sign_in(page, base):
    page.goto(base + "/inventory")
    page.fill("input[name=username]", "lead1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(base + "/inventory")


@pytest.mark.parametrize("width, height", [(360, 640), (1280, 800)])
def test_from_inventory_to_a_pallets_history(page, live_server, plant, width, height):
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server)
    # Nothing wider than the screen: a handheld must not scroll sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("text=A-01-1")
    page.wait_for_url(live_server + "/locations/A-01-1")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click(f"text={plant.unit.lpn}")
    page.wait_for_url(live_server + f"/units/{plant.unit.lpn}")
    history = page.inner_text("table.entries")
    assert "RCV-1 → A-01-1" in history and "operator1" in history
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_search_as_you_type(page, live_server, plant):
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    page.set_viewport_size({"width": 360, "height": 640})
    sign_in(page, live_server)
    page.goto(live_server + "/search")
    page.type("input[name=q]", "LOT-")
    page.wait_for_selector(f"#results >> text={plant.unit.lpn}")
    assert "q=LOT-" in page.url  # the search is in the address, to share or go back to
    assert refused == []  # htmx runs under our CSP without inline code
