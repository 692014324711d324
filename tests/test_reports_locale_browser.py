"""Reports read in German, Spanish and Polish in Chromium at a desk (1280x800): numbers and dates
in the reader's format, chart labels inside the chart, a header that holds its German words."""
import re

import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.store.models import Part, User

pytestmark = pytest.mark.browser


@pytest.fixture
def plant(web_plant):
    plant = web_plant
    long_part = Part.create(number="GEHAEUSE-VORDERTEIL-SCHWARZ-2000", revision="B", description="Gehäuse", uom="kg")
    for qty, scrapped in (("30", "2.5"), ("12", "2.25")):
        unit = plant.receive(part=long_part, qty=qty)
        inventory.move(plant.ctx(), unit.lpn, "A-01-1")
        inventory.scrap(plant.ctx(), unit.lpn, scrapped, reason="Verunreinigt durch Fremdmaterial im Trichter")
    return plant


def sign_in(page, base, language):
    User.update(language=language).where(User.username == "lead1").execute()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(base + "/login")
    page.fill("input[name=username]", "lead1")
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(base + "/inventory")


@pytest.mark.parametrize("language, reports, per_hour, waste", [
    ("de", "Berichte", r"\d+ Bewegungen, \d+,\d\d pro Stunde", "4,75"),
    ("es", "Informes", r"\d+ movimientos, \d+,\d\d por hora", "4,75"),
    ("pl", "Raporty", r"\d+ ruchów, \d+,\d\d na godzinę", "4,75")])
def test_the_reports_page_speaks_the_readers_numbers(page, live_server, plant, language, reports, per_hour, waste):
    sign_in(page, live_server, language)
    page.click(f"header.top nav >> text={reports}")
    moves = page.locator("figure.chart").first
    expect(moves.locator("figcaption")).to_have_text(re.compile(per_hour))
    assert not re.search(r"\d\.\d\d ", moves.locator("figcaption").inner_text())  # no English decimal point
    waste_chart = page.locator("figure.chart").nth(1)
    expect(waste_chart.locator("svg text").last).to_have_text(waste)
    # Every label starts inside the chart: nothing cut off on the left.
    lefts = waste_chart.locator("svg").evaluate(
        "svg => [...svg.querySelectorAll('text')].map(t => t.getBBox().x)")
    assert lefts and min(lefts) >= 0, lefts
    page.screenshot(path=f"/tmp/reports-{language}.png", full_page=True)


def test_the_german_header_holds_its_words_at_a_desk(page, live_server, plant):
    sign_in(page, live_server, "de")
    search = page.locator("header form.search input[name=q]")
    # The placeholder fits its box (measured in the box's own font).
    room, needed = search.evaluate("""el => {
        const style = getComputedStyle(el);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = `${style.fontSize} ${style.fontFamily}`;
        return [el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
                ctx.measureText(el.placeholder).width];
    }""")
    assert needed <= room, (needed, room)
    # One header row: "Hoher Kontrast" sits beside the navigation, not on a row of its own.
    contrast = page.locator("header.top form.theme button").bounding_box()
    nav = page.locator("header.top nav a").first.bounding_box()
    assert contrast["y"] < nav["y"] + nav["height"], (contrast, nav)
    page.screenshot(path="/tmp/header-de-1280.png")


def test_shift_names_are_in_the_readers_language(page, live_server, plant):
    sign_in(page, live_server, "de")
    page.click("header.top nav >> text=Berichte")
    link = page.locator("p.actions a").first
    expect(link).to_have_text(re.compile(r"Schichtbericht: \d{4}-\d\d-\d\d (Früh|Spät|Nacht)$"))
    expect(page.locator("td[data-label=Schicht]").first).to_have_text(re.compile(r"(Früh|Spät|Nacht)"))
    link.click()
    expect(page.locator("h1")).to_contain_text(re.compile(r"(Früh|Spät|Nacht)"))
    # The choice of shift still asks for the shift by its configured name.
    expect(page.locator("select[name=shift] option").first).to_have_attribute("value", "Early")
    expect(page.locator("select[name=shift] option").first).to_have_text("Früh")


def test_the_shift_report_names_its_day_in_the_readers_language(page, live_server, plant):
    sign_in(page, live_server, "de")
    page.click("header.top nav >> text=Berichte")
    page.locator("p.actions a").first.click()
    expect(page.locator("h1")).to_contain_text(re.compile(r"Schichtbericht: (Mo|Di|Mi|Do|Fr|Sa|So)\.? \d\d "))
    page.click("header.top nav >> text=Berichte")
    page.click("p.actions >> text=Schichtbuch")
    page.wait_for_url("**/logbook")
    first_shift = page.locator("main table thead th").nth(1)
    expect(first_shift).to_contain_text(re.compile(r"^(Mo|Di|Mi|Do|Fr|Sa|So)\.? \d\d (Früh|Spät|Nacht)"))
