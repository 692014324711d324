"""The desk pages in the reader's language, in real Chromium: a browser that asks for German
(Accept-Language from the context's locale) gets German headings, buttons and header links, reached
by clicking as a lead does; a Polish handheld gets the floor board in Polish. No English nav words remain."""
import re

import pytest
from playwright.sync_api import expect

from staging.store.models import OutputRecord

pytestmark = pytest.mark.browser

# The header's links in English: none of them may be left on a translated page.
ENGLISH_NAV = {"Inventory", "Scan", "Floor", "Work orders", "Trace", "Reports", "Labels", "Setup", "Settings",
               "People", "Sign out"}


@pytest.fixture
def reader(browser):
    """A browser context per language and screen: reader("de-DE", 1280, 800) -> a page."""
    contexts = []

    def open_page(locale, width, height):
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, base, username, heading):
    """Sign in by typing; the sign-in page is already in the browser's language (`heading`)."""
    page.goto(base + "/login")
    expect(page.locator("h1")).to_have_text(heading)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(base + "/inventory")


def click_header(page, name):
    """A header link, clicked as a person does (htmx swaps the body; the link is then current)."""
    page.get_by_role("banner").get_by_role("link", name=name, exact=True).click()
    expect(page.locator("header.top nav a[aria-current]")).to_have_text(name)


def no_english_nav(page):
    links = {text.strip() for text in page.locator("header.top a, header.top button").all_inner_texts()}
    assert not links & ENGLISH_NAV, links & ENGLISH_NAV
    expect(page.locator("main")).not_to_contain_text("Work orders")


def test_a_german_lead_reads_the_floor_a_work_order_and_the_logbook_in_german(reader, live_server, web_plant):
    page = reader("de-DE", 1280, 800)
    sign_in(page, live_server, "lead1", "Anmelden")
    expect(page.locator("html")).to_have_attribute("lang", "de")

    click_header(page, "Halle")
    expect(page.locator("h1")).to_contain_text("alle Maschinen und Ausgabestationen")
    expect(page.locator("p.legend")).to_contain_text("Fehlmenge jetzt oder falsch")
    # WO-1 runs on M1 with nothing of its resin staged: short now, the order's status in German.
    expect(page.locator("li.tile", has_text="M1")).to_contain_text("Fehlmenge jetzt")
    expect(page.locator("li.tile", has_text="M1")).to_contain_text("WO-1 · läuft")
    no_english_nav(page)
    page.screenshot(path="/tmp/i18n-floor-de-1280.png", full_page=True)

    page.locator("li.tile", has_text="M1").get_by_role("link").click()
    expect(page.locator("h2", has_text="Auf der Maschine")).to_be_visible()
    expect(page.locator("table.lines thead")).to_contain_text("Bedarf")
    expect(page.locator("table.lines thead")).to_contain_text("Fehlmenge")

    click_header(page, "Fertigungsaufträge")
    expect(page.locator("h1")).to_have_text("Fertigungsaufträge")
    page.locator("table").get_by_role("link", name="WO-1").click()
    expect(page.locator("h2", has_text="Material, Verbrauch und Abfall")).to_be_visible()
    expect(page.get_by_role("button", name="Ausschuss melden")).to_be_visible()
    no_english_nav(page)
    # Bad input on the German page: the refusal is on the screen, nothing is recorded.
    page.fill("input[name=rejected]", "zwölf")
    page.get_by_role("button", name="Ausschuss melden").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Ausschuss melden")).to_be_visible()  # still German
    assert OutputRecord.select().count() == 0

    click_header(page, "Berichte")
    page.locator("main").get_by_role("link", name="Schichtbuch", exact=True).click()
    expect(page.locator("h1")).to_have_text("Schichtbuch")
    expect(page.locator("p.legend")).to_contain_text("überfällig: nicht rechtzeitig abgeschlossen")
    expect(page.locator("table.logs thead")).to_contain_text("Station")
    no_english_nav(page)


def test_a_german_admin_reads_the_setup_checklist_in_german(reader, live_server, web_plant):
    page = reader("de-DE", 1280, 800)
    sign_in(page, live_server, "admin1", "Anmelden")
    click_header(page, "Einrichtung")
    expect(page.locator("h1")).to_contain_text("Einrichtung des Werks")
    expect(page.locator("#step-locations")).to_contain_text("Lagerplätze")
    expect(page.locator("#step-locations")).to_contain_text("Plätze, die Einheiten aufnehmen")
    expect(page.locator("#step-locations").get_by_role("link", name="Fächerbereich anlegen")).to_be_visible()
    expect(page.locator("#step-work_orders")).to_contain_text("Fertigungsaufträge")
    expect(page.get_by_role("heading", name="Letzte Änderungen")).to_be_visible()
    no_english_nav(page)
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\bMake a range of bins\b|\bLatest changes\b"))


def test_a_polish_handheld_shows_the_floor_board_in_polish(reader, live_server, web_plant):
    page = reader("pl-PL", 360, 640)
    sign_in(page, live_server, "lead1", "Zaloguj")
    click_header(page, "Hala")
    expect(page.locator("h1")).to_contain_text("wszystkie maszyny i stanowiska wyjściowe")
    expect(page.locator("li.tile", has_text="M1")).to_contain_text("Brak teraz")
    expect(page.locator("li.tile", has_text="M1")).to_contain_text("WO-1 · w toku")
    expect(page.get_by_role("banner").get_by_role("link", name="Zlecenia produkcyjne")).to_be_visible()
    no_english_nav(page)
    page.screenshot(path="/tmp/i18n-floor-pl-360.png", full_page=True)


def test_a_browser_asking_for_english_still_reads_english(reader, live_server, web_plant):
    page = reader("en-US", 1280, 800)
    sign_in(page, live_server, "lead1", "Sign in")
    click_header(page, "Floor")
    expect(page.locator("h1")).to_contain_text("every machine and output station")
    expect(page.locator("li.tile", has_text="M1")).to_contain_text("WO-1 · running")
