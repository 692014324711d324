"""A part's case and pallet GTINs typed on the part form in Chromium at 1280x800: saved, shown,
and a GTIN that is another part's refused on the screen with nothing saved."""
import pytest
from playwright.sync_api import expect

from staging.domain.setup import parts
from staging.store.models import Part

from .test_desk_browser import header, sign_in

pytestmark = pytest.mark.browser
CASE, PALLET = "09501101530010", "19501101530000"


def test_an_admin_gives_a_part_its_case_and_pallet_gtins(page, live_server, web_plant):
    parts.save(web_plant.users["admin"], {"number": "GLU-1", "gtin": PALLET})
    sign_in(page, live_server, "admin")
    header(page, "Setup")
    page.locator("main").get_by_role("link", name="Parts", exact=True).first.click()
    page.get_by_role("link", name="Add a part").click()
    page.fill("input[name=number]", "BOX-9")
    page.fill("input[name=gtin]", f"{CASE} {PALLET}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#refusal")).to_contain_text(f"GTIN {PALLET} is already part GLU-1's.")
    expect(page.locator("input[name=gtin]")).to_have_value(f"{CASE} {PALLET}")
    assert not Part.select().where(Part.number == "BOX-9").exists()
    page.fill("input[name=gtin]", f"{CASE}, 0{CASE[1:-1]}{'7'}")  # a typo in the check digit
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#refusal")).to_contain_text("is not valid")
    page.fill("input[name=gtin]", CASE)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="BOX-9").first.click()
    page.fill("input[name=gtin]", f"{CASE} 09501101530027")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("input[name=gtin]")).to_have_value(f"{CASE} 09501101530027")
    page.screenshot(path="/tmp/setup-shots/part-gtins-1280.png", full_page=True)
    assert parts.gtins_of(Part.get(Part.number == "BOX-9")) == [CASE, "09501101530027"]


def test_a_new_revision_supersedes_the_old_one_on_the_part_form(page, live_server, web_plant):
    sign_in(page, live_server, "admin")
    header(page, "Setup")
    page.locator("main").get_by_role("link", name="Parts", exact=True).first.click()
    page.get_by_role("link", name="Add a part").click()
    page.fill("input[name=number]", "RES-100")
    page.fill("input[name=revision]", "C")
    page.fill("input[name=supersedes]", "Z")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#refusal")).to_contain_text("RES-100 has no revision Z to supersede.")
    assert not Part.select().where(Part.number == "RES-100", Part.revision == "C").exists()
    page.fill("input[name=supersedes]", "B")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#parts tbody tr").nth(1)).to_contain_text("superseded by C")  # rows A, B, C
    page.locator("#parts tbody tr").nth(1).get_by_role("link", name="RES-100").click()
    expect(page.locator(".alert.warn")).to_contain_text("Superseded by revision C")
    page.screenshot(path="/tmp/setup-shots/part-superseded-1280.png", full_page=True)
