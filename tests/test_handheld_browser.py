"""The handheld at 360x640 in real Chromium, scans typed as a keyboard wedge (issue 12): the
material check on every load, what the first scan says, part of a pallet, undo, GS1 labels."""
import pytest
from playwright.sync_api import expect

from staging.store.models import Entry, Unit

from .test_scan_browser import shows, wedge, where

pytestmark = pytest.mark.browser


def sign_in(page, live_server, username, width=360, height=640, then="/scan"):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server + "/login?next=" + then)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + then)
    return page


@pytest.fixture
def operator(page, live_server, web_plant):
    sign_in(page, live_server, "operator1")
    expect(page.locator("#code")).to_be_focused()
    return page


def loads():
    return Entry.select().where(Entry.kind == "load").count()


# --- item 1: wrong material does not load green ---------------------------------------------------------

def test_wrong_material_is_refused_red_by_machine_and_by_move(operator, web_plant):
    screw = web_plant.receive(part=web_plant.screw)
    operator.click("button.mode >> text=Load")
    wedge(operator, "M1")
    shows(operator, "wait", "M1: scan pallets")
    wedge(operator, screw.lpn)
    shows(operator, "bad", "Wrong material")
    expect(operator.locator("#panel")).to_contain_text("M1 needs RES-100 rev B (WO-1)")
    expect(operator.locator("#panel")).to_contain_text("A lead can load it anyway")
    expect(operator.locator("#panel button.override")).to_have_count(0)  # not for an operator
    operator.click("button.mode >> text=Move")
    operator.wait_for_timeout(1600)  # the page ignores the same code again within 1.5 s (double reads)
    wedge(operator, screw.lpn)
    wedge(operator, "M1", "Tab")
    shows(operator, "bad", "Wrong material")
    assert where(screw) == "RCV-1" and loads() == 0


def test_over_supply_is_amber_and_says_how_much(operator, web_plant):
    pallet = web_plant.receive(qty="700")
    wedge(operator, pallet.lpn)
    wedge(operator, "M1")
    shows(operator, "wait", f"{pallet.lpn} → M1")
    expect(operator.locator("#panel")).to_contain_text("200 kg more than it needs")
    expect(operator.locator("#panel")).to_contain_text("Counts for WO-1")
    assert where(pallet) == "M1"


def test_a_lead_overrides_and_the_machine_page_shows_it(page, live_server, web_plant):
    screw = web_plant.receive(part=web_plant.screw)
    sign_in(page, live_server, "lead1")
    page.click("button.mode >> text=Load")
    wedge(page, "M1")
    wedge(page, screw.lpn)
    shows(page, "bad", "Wrong material")
    assert loads() == 0
    page.screenshot(path="/tmp/hh-override-panel.png")
    page.click("#panel button.override >> text=Trial run")
    shows(page, "wait", f"{screw.lpn} → M1")
    expect(page.locator("#panel")).to_contain_text("Loaded by override")
    assert where(screw) == "M1"
    entry = Entry.select().where(Entry.kind == "load").get()
    assert (entry.reason, entry.user.username) == ("Override: Trial run", "lead1")
    # At the desk: the floor board, then the machine.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/floor")
    page.click("a >> text=M1")
    expect(page.locator("#overrides")).to_contain_text(screw.lpn)
    expect(page.locator("#overrides")).to_contain_text("Override: Trial run")
    expect(page.locator("#overrides")).to_contain_text("lead1")
    page.screenshot(path="/tmp/hh-machine-override.png")


# --- item 4: the first scan says what the pallet is ------------------------------------------------------

def test_the_first_scan_says_what_the_pallet_is(operator, web_plant):
    from staging.domain.inventory import stage
    pallet = web_plant.receive(qty="12.5", lot="LOT-77")
    stage(web_plant.ctx(), pallet, "LANE-1", web_plant.wo)
    wedge(operator, pallet.lpn)
    shows(operator, "wait", f"{pallet.lpn}: where to?")
    facts = operator.locator("#panel .facts")
    expect(facts.nth(0)).to_have_text("RES-100 rev B · 12.5 kg · lot LOT-77")
    expect(facts.nth(1)).to_have_text("At LANE-1 · Staged · for WO-1")
    operator.screenshot(path="/tmp/hh-first-scan.png")


def test_a_pallet_on_qc_hold_says_so_and_its_move_is_amber(operator, web_plant):
    from staging.domain.inventory import hold
    pallet = web_plant.receive()
    hold(web_plant.ctx(), pallet, "Wet packaging")
    wedge(operator, pallet.lpn)
    shows(operator, "wait", "is on QC hold")
    expect(operator.locator("#panel .facts").nth(1)).to_contain_text("ON QC HOLD")
    wedge(operator, "A-01-1")
    shows(operator, "wait", f"{pallet.lpn} → A-01-1")
    expect(operator.locator("#panel")).to_contain_text("on QC hold: it stays on hold")
    assert where(pallet) == "A-01-1" and Unit.get_by_id(pallet.id).status == "hold"


# --- item 3: part of a pallet ------------------------------------------------------------------------------

def test_split_on_the_scan_page_and_print_the_new_label(operator, web_plant):
    pallet = web_plant.receive(qty="100")
    operator.click("button.mode >> text=Split")
    wedge(operator, pallet.lpn)
    shows(operator, "wait", f"{pallet.lpn}: how much?")
    wedge(operator, "150")
    shows(operator, "bad", "take less than that")
    wedge(operator, "20,5")
    shows(operator, "wait", f"Take 20.5 off {pallet.lpn}")
    wedge(operator, "LANE-1")
    shows(operator, "ok", ": 20.5 kg → LANE-1")
    new = Unit.select().order_by(Unit.id.desc()).get()
    expect(operator.locator("#panel .panel-title")).to_have_text(f"{new.lpn}: 20.5 kg → LANE-1")
    expect(operator.locator("#panel")).to_contain_text("keeps 79.5 kg")
    operator.screenshot(path="/tmp/hh-split.png")
    link = operator.locator("#panel a.print")
    expect(link).to_contain_text(f"Print label for {new.lpn}")
    with operator.expect_download() as download:
        link.click()  # the label opens beside the scan page, as a download
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"  # an operator may print the label of their own split
    operator.click("button.mode >> text=Move")
    wedge(operator, new.lpn)  # the new label scans: the part taken is a unit of its own
    expect(operator.locator("#panel")).to_contain_text("RES-100 rev B · 20.5 kg · lot L1")
    assert (new.location.code, new.split_from_id, Unit.get_by_id(pallet.id).quantity) == ("LANE-1", pallet.id, 79.5)


def test_split_on_the_unit_page(page, live_server, web_plant):
    pallet = web_plant.receive(qty="100")
    sign_in(page, live_server, "operator1", 1280, 800, then="/inventory")
    page.fill("input[name=q]", pallet.lpn)  # the header's search box goes straight to the unit
    page.press("input[name=q]", "Enter")
    expect(page.locator("h1")).to_contain_text(pallet.lpn)
    form = page.locator("#split")
    for quantity, to, refusal in (("100", "", "move the whole unit"), ("abc", "", "must be a number"),
                                  ("5", "NOPE", "No location"), ("5", "SCRAP", "scrap location")):
        form.locator("input[name=quantity]").fill(quantity)
        form.locator("input[name=to]").fill(to)
        form.locator("button[type=submit]").click()
        expect(page.locator("#split .alert.error")).to_contain_text(refusal)
    assert Unit.select().count() == 1
    form.locator("input[name=quantity]").fill("30")
    form.locator("input[name=to]").fill("LANE-1")
    form.locator("button[type=submit]").click()
    new = Unit.select().order_by(Unit.id.desc()).get()
    expect(page.locator("h1")).to_contain_text(new.lpn)
    expect(page.locator(".alert.ok")).to_contain_text(f"30 kg taken off {pallet.lpn}, now at LANE-1")
    expect(page.locator("#print-block a >> text=PDF 4x6")).to_be_visible()  # its own split: printable
    page.screenshot(path="/tmp/hh-unit-split.png", full_page=True)
    assert (Unit.get_by_id(pallet.id).quantity, new.quantity) == (70, 30)


# --- item 5: Undo says what it will reverse and asks ------------------------------------------------------

def test_undo_asks_then_reverses_the_last_change_of_this_device(operator, web_plant):
    a, b = web_plant.receive(), web_plant.receive()
    wedge(operator, a.lpn)
    wedge(operator, "LANE-1")
    shows(operator, "ok", f"{a.lpn} → LANE-1")
    wedge(operator, b.lpn)  # scanned, not moved: Undo is about the last recorded change
    shows(operator, "wait", f"{b.lpn}: where to?")
    undo = operator.locator(".commands button >> text=Undo")
    expect(operator.locator(".commands button >> text=Cancel")).to_be_visible()
    undo.click()
    shows(operator, "wait", "Undo this?")
    expect(operator.locator("#panel")).to_contain_text(f"Your move of {a.lpn} to LANE-1: it goes back to RCV-1.")
    operator.screenshot(path="/tmp/hh-undo-ask.png")
    assert where(a) == "LANE-1"
    wedge(operator, "CMD:UNDO")  # the second tap, or a scan of UNDO from the command sheet
    shows(operator, "ok", f"Undone: {a.lpn} → RCV-1")
    assert where(a) == "RCV-1" and where(b) == "RCV-1"
    undo.click()
    shows(operator, "bad", "Nothing of yours to undo on this device")


def test_undo_asked_then_kept(operator, web_plant):
    a = web_plant.receive()
    wedge(operator, a.lpn)
    wedge(operator, "A-01-1")
    shows(operator, "ok", f"{a.lpn} → A-01-1")
    operator.locator(".commands button >> text=Undo").click()
    shows(operator, "wait", "Undo this?")
    operator.click("#panel button >> text=No, keep it")
    shows(operator, "info", "Cancelled")
    assert where(a) == "A-01-1"


# --- item 9: GS1 from a wedge that drops GS ----------------------------------------------------------------

GTIN = "09501101530003"


@pytest.fixture
def stager(page, live_server, web_plant):
    web_plant.resin_b.gtin = GTIN
    web_plant.resin_b.save()
    sign_in(page, live_server, "stager1")
    page.click("button.mode >> text=Receive")
    shows(page, "info", "Receive")
    return page


def test_a_pending_label_is_not_merged_with_the_next_scan(stager, web_plant):
    wedge(stager, "]C101" + GTIN + "10LOT46")  # a label with no quantity
    shows(stager, "wait", "how much?")
    wedge(stager, GTIN)  # the next scan: a plain EAN
    shows(stager, "bad", "was not used")
    expect(stager.locator("#panel")).to_contain_text("still waits for its quantity")
    assert Unit.select().count() == 0
    wedge(stager, "25")
    shows(stager, "ok", "Received")
    assert [(u.lot, u.quantity) for u in Unit.select()] == [("LOT46", 25)]


def test_a_lot_that_may_hide_a_quantity_asks_for_one_confirming_scan(stager, web_plant):
    dropped = "]C101" + GTIN + "10LOT46" + "3010"  # lot LOT46, quantity (30)10: the GS was dropped
    wedge(stager, dropped)
    shows(stager, "wait", "Check the label")
    expect(stager.locator("#panel")).to_contain_text("may end in a quantity (AI 30, value 10)")
    expect(stager.locator("#panel .facts").nth(1)).to_have_text("Lot LOT463010 · no quantity")
    stager.screenshot(path="/tmp/hh-gs1-check.png")
    wedge(stager, GTIN)
    shows(stager, "bad", "first confirm the label's values")
    stager.click(".commands button >> text=Cancel")
    shows(stager, "info", "Cancelled")
    assert Unit.select().count() == 0
    stager.wait_for_timeout(1600)  # the page drops the same code again within 1.5 s
    wedge(stager, dropped)
    shows(stager, "wait", "Check the label")
    stager.click(".commands button >> text=Done")  # the values are right: take them
    shows(stager, "wait", "how much?")
    wedge(stager, "10")
    shows(stager, "ok", "Received")
    assert [(u.lot, u.quantity) for u in Unit.select()] == [("LOT463010", 10)]


def test_an_offline_replay_onto_a_machine_is_checked_too(operator, web_plant):
    screw, resin = web_plant.receive(part=web_plant.screw), web_plant.receive()
    down = {"on": True}

    def maybe_drop(route):
        if down["on"] and route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()
    operator.route("**/scan", maybe_drop)
    for code in (screw.lpn, "M1", resin.lpn, "M1"):
        wedge(operator, code)
        operator.wait_for_timeout(30)
    expect(operator.locator("#queued")).to_contain_text("4 queued")
    down["on"] = False
    operator.evaluate("window.dispatchEvent(new Event('online'))")
    expect(operator.locator(".replayed")).to_contain_text("4 queued scans sent, 1 refused")
    assert "Wrong material" in operator.inner_text("#recent")
    assert where(screw) == "RCV-1" and where(resin) == "M1" and loads() == 1
