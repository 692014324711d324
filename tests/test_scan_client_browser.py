"""The scan page's client in Chromium at 360x640, typed into as a keyboard wedge: typed quantities
(box, keypad, scan field), a lost session, offline mode buttons and the compact layout."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from staging.domain.inventory import move
from staging.domain.scan.scanner_check import EXPECTED, GS
from staging.store.models import Entry, Unit

from .test_scan_browser import plant, scanner, shows, wedge  # noqa: F401 (fixtures and helpers)

pytestmark = pytest.mark.browser


def qty_of(unit):
    return Unit.get_by_id(unit.id).quantity


@pytest.fixture
def on_machine(plant):  # noqa: F811
    unit = plant.units[0]
    move(plant.ctx("lead"), unit.lpn, "M1")
    return unit


def consume(page, unit):
    page.click("button.mode >> text=Consume")
    wedge(page, unit.lpn)
    shows(page, "wait", f"{unit.lpn}: how much?")


def test_a_quantity_typed_in_the_box_is_sent_with_ok_and_with_enter(scanner, on_machine):  # noqa: F811
    consume(scanner, on_machine)
    scanner.click("#qty")  # the operator taps the panel's box and types on the soft keyboard
    scanner.keyboard.type("20")
    scanner.click("form.qty button.go")
    shows(scanner, "ok", f"Used 20 kg of {on_machine.lpn}")
    assert qty_of(on_machine) == Decimal("80")
    scanner.wait_for_timeout(1600)  # the same label again sooner would be a double read
    wedge(scanner, on_machine.lpn)
    scanner.click("#qty")
    scanner.keyboard.type("12,5")  # a decimal comma
    scanner.keyboard.press("Enter")
    shows(scanner, "ok", f"Used 12.5 kg of {on_machine.lpn}")
    assert qty_of(on_machine) == Decimal("67.5")


def test_the_keypad_types_a_quantity_with_big_keys(scanner, on_machine):  # noqa: F811
    consume(scanner, on_machine)
    keys = scanner.locator("form.qty button.key")
    for box in (keys.nth(i).bounding_box() for i in range(keys.count())):
        assert box["height"] >= 48 and box["width"] >= 48  # a gloved finger hits them
    for key in ("7", "9", "back", ".", "5"):  # the reader's decimal mark (English: a point; German: a comma)
        scanner.click(f"form.qty button.key[data-key='{key}']")
    expect(scanner.locator("#qty")).to_have_value("7.5")
    expect(scanner.locator("#code")).to_be_focused()  # the next wedge scan still lands in the field
    scanner.click("form.qty button.go")
    shows(scanner, "ok", f"Used 7.5 kg of {on_machine.lpn}")
    assert qty_of(on_machine) == Decimal("92.5")


def test_a_quantity_typed_in_the_scan_field_and_all(scanner, on_machine):  # noqa: F811
    consume(scanner, on_machine)
    wedge(scanner, "2,5")
    shows(scanner, "ok", f"Used 2.5 kg of {on_machine.lpn}")
    scanner.wait_for_timeout(1600)
    wedge(scanner, on_machine.lpn)
    scanner.fill("#qty", "3")  # All wins over a half-typed box
    scanner.click("form.qty button.all")
    shows(scanner, "ok", f"Used 97.5 kg of {on_machine.lpn}")
    assert qty_of(on_machine) == Decimal("0")


def test_waste_takes_a_typed_quantity(scanner, plant):  # noqa: F811
    unit = plant.units[1]
    scanner.click("button.mode >> text=Waste")
    scanner.click("button.reason >> text=Damaged")
    wedge(scanner, unit.lpn)
    shows(scanner, "wait", f"{unit.lpn}: how much?")
    scanner.click("#qty")
    scanner.keyboard.type("20")
    scanner.keyboard.press("Enter")
    shows(scanner, "ok", f"Wasted 20 kg of {unit.lpn}")
    assert qty_of(unit) == Decimal("80")


def test_a_bad_quantity_is_refused_on_the_screen_and_can_be_typed_again(scanner, on_machine):  # noqa: F811
    consume(scanner, on_machine)
    entries = Entry.select().count()
    scanner.click("#qty")
    scanner.keyboard.type("2x")
    scanner.keyboard.press("Enter")
    shows(scanner, "bad", "Quantity must be a number")
    scanner.click("form.qty button.go")  # an empty box says so too
    shows(scanner, "bad", "Quantity is missing")
    assert Entry.select().count() == entries and qty_of(on_machine) == Decimal("100")
    scanner.click("#qty")  # the box is still there for the right quantity
    scanner.keyboard.type("1")
    scanner.keyboard.press("Enter")
    shows(scanner, "ok", f"Used 1 kg of {on_machine.lpn}")


@pytest.fixture
def badge(plant):  # noqa: F811
    from staging.domain import codes
    from staging.domain.people import badges
    plant.stager.badge = "B-2001"
    plant.stager.save()
    codes.register(plant.stager, "B-2001")
    badges.set_pin(plant.users["admin"], "stager1", "4711")  # a stager's badge also needs the PIN
    return "B-2001"


def test_a_lost_session_asks_for_the_badge_and_carries_on_with_the_queue(scanner, plant, badge):  # noqa: F811
    unit = plant.units[0]
    scanner.click("button.mode >> text=Load")
    shows(scanner, "info", "Load")
    modes = scanner.locator("button.mode").count()
    scanner.context.clear_cookies()  # the session is gone (expired, signed out elsewhere)
    wedge(scanner, unit.lpn)
    shows(scanner, "bad", "Signed out: scan your badge")
    expect(scanner.locator("button.mode")).to_have_count(modes)  # the page keeps its buttons
    expect(scanner.locator("#queued")).to_contain_text("1 queued")
    assert "Please try again" not in scanner.inner_text("#scan")  # no error page in the panel
    wedge(scanner, plant.units[1].lpn)  # a pallet label by mistake: refused, still signed out
    expect(scanner.locator("#panel")).to_contain_text("Signed out: scan your badge")
    wedge(scanner, badge)  # a stager: the sign-in page asks for the PIN, then back to scanning
    scanner.locator("input[name=pin]").fill("4711")
    scanner.locator("input[name=pin]").press("Enter")
    scanner.wait_for_url("**/scan")
    shows(scanner, "wait", f"{unit.lpn}: where to?")  # signed in, and the queued scan went through
    expect(scanner.locator("#queued")).to_be_hidden()
    wedge(scanner, "M1")
    shows(scanner, "ok", f"{unit.lpn} → M1")
    assert [e.kind for e in Entry.select().where(Entry.unit == unit).order_by(Entry.id)] == ["receive", "load"]


def test_a_session_renewed_in_another_tab_does_not_refuse_the_scan(scanner, plant, live_server):  # noqa: F811
    other = scanner.context.new_page()  # the same operator signs in again in another tab
    other.goto(live_server + "/login")
    other.fill("input[name=username]", "stager1")
    other.fill("input[name=password]", "password-123")
    other.press("input[name=password]", "Enter")
    other.wait_for_url("**/inventory**")
    other.close()
    unit = plant.units[0]
    wedge(scanner, unit.lpn)
    shows(scanner, "wait", f"{unit.lpn}: where to?")


def offline(page):
    """Every POST fails as with no network; returns the switch to bring it back."""
    down = {"on": True}

    def maybe_drop(route):
        if down["on"] and route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()
    page.route("**/scan", maybe_drop)
    return down


def back_online(page, down):
    down["on"] = False
    page.evaluate("window.dispatchEvent(new Event('online'))")


def test_offline_the_mode_buttons_show_the_mode_in_force(scanner, plant, on_machine):  # noqa: F811
    down = offline(scanner)
    scanner.click("button.mode >> text=Consume")
    shows(scanner, "queued", "Saved: Consume mode")
    expect(scanner.locator("button.mode[aria-pressed=true]")).to_have_text("Consume")
    wedge(scanner, "CMD:MODE:LOAD")  # scanned from the command sheet: the same
    expect(scanner.locator("button.mode[aria-pressed=true]")).to_have_text("Load")
    back_online(scanner, down)
    expect(scanner.locator(".replayed")).to_contain_text("2 queued scans sent, all recorded")
    expect(scanner.locator("button.mode[aria-pressed=true]")).to_have_text("Load")


def test_after_a_replay_a_pending_quantity_is_not_all_recorded(scanner, plant, on_machine):  # noqa: F811
    down = offline(scanner)
    scanner.click("button.mode >> text=Consume")
    wedge(scanner, on_machine.lpn)
    expect(scanner.locator("#queued")).to_contain_text("2 queued")
    back_online(scanner, down)
    banner = scanner.locator(".replayed")
    expect(banner).to_contain_text(f"2 queued scans sent; not finished: {on_machine.lpn}: how much?")
    assert "all recorded" not in banner.inner_text()
    shows(scanner, "wait", f"{on_machine.lpn}: how much?")
    expect(scanner.locator("#qty")).to_be_visible()


def test_a_fresh_device_reads_a_code_sent_in_two_bursts_as_one_scan(scanner, plant):  # noqa: F811
    unit = plant.units[0]
    assert scanner.evaluate("localStorage.getItem('scan-suffix-seen')") is None  # never saw a suffix
    scanner.keyboard.type(unit.lpn[:4])
    scanner.wait_for_timeout(750)  # a Bluetooth wedge's second packet, late
    scanner.keyboard.type(unit.lpn[4:])
    scanner.keyboard.press("Enter")
    shows(scanner, "wait", f"{unit.lpn}: where to?")
    assert "Unknown barcode" not in scanner.inner_text("#recent")


def test_a_wedge_without_a_suffix_still_ends_a_scan_by_a_pause(scanner, plant):  # noqa: F811
    unit = plant.units[0]
    scanner.keyboard.type(unit.lpn)  # no Enter, no Tab
    shows(scanner, "wait", f"{unit.lpn}: where to?")
    scanner.keyboard.type("A-01-1")
    shows(scanner, "ok", f"{unit.lpn} → A-01-1")


def test_the_field_the_panel_and_the_mode_buttons_come_first_on_a_handheld(scanner, plant):  # noqa: F811
    def bottom(selector):
        box = scanner.locator(selector).last.bounding_box()
        return box["y"] + box["height"]
    assert scanner.locator("#code").bounding_box()["y"] < 30  # no site header above the field
    assert bottom("#panel") < bottom("button.mode") <= 640  # all on the first screen, no scrolling
    assert scanner.evaluate("typeof window.htmx") == "undefined"  # the page does not load it
    expect(scanner.locator("#who")).to_have_text("stager1")  # who is signed in, at the bottom
    scanner.click(".scan-foot a >> text=Inventory")  # the other pages are a tap away
    scanner.wait_for_url("**/inventory**")


def test_a_full_place_suggests_the_nearest_place_with_room(scanner, plant):  # noqa: F811
    first, second = plant.units[0], plant.units[1]
    move(plant.ctx("lead"), first.lpn, "A-01-2")  # A-01-2 takes one pallet
    wedge(scanner, second.lpn)
    wedge(scanner, "A-01-2")
    shows(scanner, "bad", "A-01-2 is full (1 of 1). A-01-1 has room.")
    wedge(scanner, "A-01-1")  # the operator takes the hint: the pallet is still pending
    shows(scanner, "ok", f"{second.lpn} → A-01-1")


def test_after_a_badge_hand_over_the_bar_shows_who_scans(scanner, plant):  # noqa: F811
    from staging.domain import codes
    plant.operator.badge = "B-1003"
    plant.operator.save()
    codes.register(plant.operator, "B-1003")
    wedge(scanner, "B-1003")
    shows(scanner, "ok", "Signed in")
    expect(scanner.locator("#who")).to_have_text("operator1")


@pytest.mark.parametrize("sent, suffix, told", [
    (EXPECTED, "Enter", "The scanner is set up right"),
    (EXPECTED.replace("yZ", "zY"), "Tab", "y and z are swapped"),
    (EXPECTED.replace(GS, ""), "Enter", "The GS separator is dropped"),
    (EXPECTED, None, "No suffix after the scan"),
    ("P000001", "Enter", "This is not the test barcode"),  # a pallet label by mistake
])
def test_the_scanner_check_says_what_is_wrong(scanner, sent, suffix, told):  # noqa: F811
    scanner.click(".scan-foot a >> text=Scanner check")
    expect(scanner.locator("#code")).to_be_focused()
    if suffix:
        wedge(scanner, sent, suffix)
    else:
        scanner.keyboard.type(sent)  # a scanner set up without a suffix
    expect(scanner.locator("#panel")).to_contain_text(told)
    assert Entry.select().count() == 4  # the plant's receipts only: the check writes nothing
