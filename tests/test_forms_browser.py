"""The desk's forms in Chromium at 1280x800, reached by clicking: bad input is refused with every
wrong field marked at once, each refusal next to its field, what was typed kept, nothing written."""
import pytest
from playwright.sync_api import expect

from staging.store.models import Location, LogNote, Part, Printer, Unit, User

from .test_desk_browser import header, sign_in
from .test_output import outputs

pytestmark = pytest.mark.browser


def refused(page, field, words):
    """The refusal next to `field`, and the field marked for a screen reader."""
    expect(page.locator(f"#err-{field}")).to_contain_text(words)
    expect(page.locator(f"#f-{field}")).to_have_attribute("aria-invalid", "true")


def test_a_new_location_with_three_wrong_fields_is_refused_field_by_field(page, live_server, web_plant):
    sign_in(page, live_server, "admin")
    header(page, "Setup")
    page.locator("main").get_by_role("link", name="Locations", exact=True).first.click()
    page.get_by_role("link", name="Add a location").click()
    page.fill("input[name=code]", "BIN 7")
    page.fill("input[name=name]", "Bin seven")
    page.fill("input[name=parent]", "NOWHERE")
    page.fill("input[name=capacity]", "-3")
    page.get_by_role("button", name="Save").click()
    refused(page, "code", "“BIN 7” is not a valid location code")
    refused(page, "parent", "The parent NOWHERE is not a location")
    refused(page, "capacity", "Capacity must be a whole number of at least 1, not “-3”.")
    expect(page.locator("#refusal")).to_contain_text("Nothing was saved: correct the fields marked below.")
    expect(page.locator("input[name=name]")).to_have_value("Bin seven")
    expect(page.locator("input[name=parent]")).to_have_value("NOWHERE")
    expect(page.locator("input[name=capacity]")).to_have_value("-3")
    page.screenshot(path="/tmp/forms-location-refused-1280.png", full_page=True)
    assert not Location.select().where(Location.name == "Bin seven").exists()


def test_a_new_part_and_a_new_person_show_all_their_refusals(page, live_server, web_plant):
    sign_in(page, live_server, "admin")
    header(page, "Setup")
    page.locator("main").get_by_role("link", name="Parts", exact=True).first.click()
    page.get_by_role("link", name="Add a part").click()
    page.fill("input[name=number]", "GLU-9")
    page.fill("input[name=description]", "Glue")
    page.fill("input[name=gtin]", "12345")
    page.fill("input[name=pack_qty]", "-5")
    page.fill("input[name=shelf_life_days]", "soon")
    page.get_by_role("button", name="Save").click()
    refused(page, "gtin", "GTIN “12345” is not valid")
    refused(page, "pack_qty", "Standard pack cannot be negative.")
    refused(page, "shelf_life_days", "Shelf life (days) must be a whole number of at least 1, not “soon”.")
    expect(page.locator("input[name=description]")).to_have_value("Glue")
    expect(page.locator("input[name=shelf_life_days]")).to_have_value("soon")
    assert not Part.select().where(Part.number == "GLU-9").exists()

    page.get_by_role("banner").get_by_role("link", name="People").click()
    page.get_by_role("link", name="Add a person").click()
    page.fill("input[name=username]", "nina")
    page.fill("input[name=display_name]", "Nina Night")
    page.fill("input[name=badge]", "BAD BADGE")
    page.fill("input[name=password]", "short")
    page.get_by_role("button", name="Save").click()
    refused(page, "badge", "is not a valid badge code")
    refused(page, "password", "A password needs at least 8 characters.")
    expect(page.locator("input[name=username]")).to_have_value("nina")
    expect(page.locator("input[name=display_name]")).to_have_value("Nina Night")
    expect(page.locator("input[name=badge]")).to_have_value("BAD BADGE")
    assert not User.select().where(User.username == "nina").exists()


def test_a_printer_with_a_bad_host_and_port_is_told_what_is_wrong_with_each(page, live_server, web_plant):
    sign_in(page, live_server, "admin")
    header(page, "Labels")
    page.locator("main").get_by_role("link", name="Printers").click()
    page.fill("input[name=name]", "Dock Zebra")
    page.fill("input[name=host]", "not a host!!")
    page.fill("input[name=port]", "99999")
    page.fill("input[name=serves]", "NOWHERE")
    page.get_by_role("button", name="Save printer").click()
    refused(page, "host", "“not a host!!” is not a host name or IP address")
    refused(page, "port", "The port is a number from 1 to 65535 (Zebra printers: 9100), not “99999”.")
    refused(page, "serves", "No location with the code “NOWHERE”")
    expect(page.locator("input[name=name]")).to_have_value("Dock Zebra")
    expect(page.locator("input[name=host]")).to_have_value("not a host!!")
    expect(page.locator("input[name=port]")).to_have_value("99999")
    page.screenshot(path="/tmp/forms-printer-refused-1280.png", full_page=True)
    assert Printer.select().count() == 0


def test_produce_pallet_with_a_negative_quantity_keeps_it_by_the_field(page, live_server, web_plant):
    outputs(web_plant)
    sign_in(page, live_server, "lead")
    header(page, "Work orders")
    page.locator("main").get_by_role("link", name="WO-1").first.click()
    page.fill("input[name=quantity]", "-5")
    page.get_by_role("button", name="Produce pallet").click()
    expect(page.locator("#err-produce")).to_contain_text("cannot be negative")
    expect(page.locator("input[name=quantity]")).to_have_value("-5")
    expect(page.locator("h1")).to_contain_text("WO-1")
    assert Unit.select().where(Unit.location == Location.get(code="OUT-1")).count() == 0


def test_a_log_note_refused_keeps_what_was_written(page, live_server, web_plant):
    sign_in(page, live_server, "lead")
    header(page, "Reports")
    page.click("main >> text=Logbook")
    page.locator("table.logs tr", has_text="M1").locator("a").last.click()
    page.select_option("select[name=kind]", "downtime")
    page.fill("input[name=minutes]", "ten")
    page.fill("textarea[name=text]", "Press 1 stopped: the mould was changed.")
    page.get_by_role("button", name="Add to the log").click()
    refused(page, "minutes", "Downtime needs its length in minutes.")
    expect(page.locator("textarea[name=text]")).to_have_value("Press 1 stopped: the mould was changed.")
    expect(page.locator("select[name=kind]")).to_have_value("downtime")
    expect(page.locator("input[name=minutes]")).to_have_value("ten")
    assert LogNote.select().count() == 0


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_long_note_and_a_long_description_wrap_instead_of_widening_the_page(page, live_server, web_plant,
                                                                             tmp_path):
    sign_in(page, live_server, "lead")
    header(page, "Reports")
    page.click("main >> text=Logbook")
    page.locator("table.logs tr", has_text="M1").locator("a").last.click()
    page.select_option("select[name=kind]", "note")
    page.fill("textarea[name=text]", "x" * 2000)  # the longest note there is, as one word
    page.get_by_role("button", name="Add to the log").click()
    expect(page.locator("main")).to_contain_text("Added to the log.")
    assert page_width(page) <= 1280
    page.screenshot(path="/tmp/forms-long-note-1280.png", full_page=False)

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")  # signed out before the admin signs in (else the two race)
    sign_in(page, live_server, "admin")
    header(page, "Setup")
    page.get_by_role("link", name="Import parts", exact=True).click()
    path = tmp_path / "parts.csv"
    path.write_text("number,revision,description,uom,gtin\nGLU-1,A," + "d" * 300 + ",ea,\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#refused")).to_contain_text("Description is at most 200 printable characters.")
    assert page_width(page) <= 1280


def test_a_note_longer_than_a_note_is_refused_by_its_field(page, live_server, web_plant):
    sign_in(page, live_server, "lead")
    header(page, "Reports")
    page.click("main >> text=Logbook")
    page.locator("table.logs tr", has_text="M1").locator("a").last.click()
    text = page.locator("textarea[name=text]")
    expect(text).to_have_attribute("maxlength", "2000")
    text.evaluate("el => el.removeAttribute('maxlength')")  # a pasted text, an old browser
    page.fill("textarea[name=text]", "y" * 5000)
    page.get_by_role("button", name="Add to the log").click()
    refused(page, "text", "That is 5000 characters: a note has at most 2000.")
    assert page_width(page) <= 1280
    assert LogNote.select().count() == 0
