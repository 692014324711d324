"""Where the handheld's features meet, in real Chromium at 360x640 with scans typed as a keyboard
wedge: two handhelds racing for one task, a server fault that must not block the queue, a handheld
handed over with a scan still queued, a half-done move across a lost session, double reads, a lead's
override on an operator's handheld, and where a badge sign-in lands."""
import pytest
from playwright.sync_api import expect

from staging.domain.people import badges
from staging.domain.people.users import create_user
from staging.store.models import Entry, StagingTask, Unit

from .test_scan_browser import shows, wedge  # what a wedge scanner types; what the panel then says
from .test_tasks_browser import line  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


def handheld(browser, base, username):
    """A handheld of its own (its own cookies and storage), signed in and on the scan page."""
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.goto(f"{base}/login?next=/scan")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}/scan")
    expect(page.locator("#code")).to_be_focused()
    return page




def queued(page):
    return page.evaluate("JSON.parse(localStorage.getItem('scan-queue') || '[]').length")


@pytest.fixture
def omar(web_plant):
    return create_user("omar", "operator", "password-123", display_name="Omar Operator")


def test_a_second_handheld_on_a_claimed_task_is_told_who_has_it_and_offered_the_next(
        browser, live_server, line, omar):  # noqa: F811
    first, second = line.pallets[0].lpn, line.pallets[1].lpn
    olga = handheld(browser, live_server, "operator1")
    olga.get_by_role("button", name="Tasks").click()
    wedge(olga, first)
    shows(olga, "wait", "is yours")

    hh = handheld(browser, live_server, "omar")
    hh.get_by_role("button", name="Tasks").click()
    wedge(hh, first)
    shows(hh, "bad", "Task taken")
    expect(hh.locator("#panel")).to_contain_text("is taken by operator1: take the next one")
    expect(hh.locator("#panel")).to_contain_text(f"Next for you: {second} → L-M1")
    assert queued(hh) == 0  # answered: nothing stuck in the queue
    hh.screenshot(path="/tmp/hh/task-taken-360.png")
    wedge(hh, second)  # the next task, offered: it is his
    shows(hh, "wait", "is yours")
    assert StagingTask.get(StagingTask.unit == line.pallets[1]).claimed_by.username == "omar"


def test_a_server_fault_on_a_scan_does_not_hold_the_queue(browser, live_server, line):  # noqa: F811
    hh = handheld(browser, live_server, "operator1")
    failed = []

    def fail_once(route):
        if not failed:
            failed.append(route.request.post_data)
            route.fulfill(status=500, body="Internal Server Error")
        else:
            route.continue_()

    hh.route("**/scan", lambda route: fail_once(route) if route.request.method == "POST" else route.continue_())
    wedge(hh, line.pallets[0].lpn)
    shows(hh, "bad", "Not recorded")
    expect(hh.locator("#panel")).to_contain_text(line.pallets[0].lpn)
    assert queued(hh) == 0
    wedge(hh, line.pallets[0].lpn)  # scanned again: it goes through
    shows(hh, "wait", "where to?")
    wedge(hh, "L-M1")
    shows(hh, "ok", "L-M1")
    assert Unit.get_by_id(line.pallets[0].id).location.code == "L-M1"


def test_a_label_scanned_again_after_its_answer_is_sent_and_undo_scanned_twice_undoes(
        browser, live_server, line):  # noqa: F811
    from staging.domain.inventory import move
    pallet = line.pallets[0]
    move(line.ctx("lead"), pallet.lpn, "M1")
    hh = handheld(browser, live_server, "operator1")
    hh.get_by_role("button", name="Consume").click()
    wedge(hh, pallet.lpn)
    shows(hh, "wait", f"{pallet.lpn}: how much?")
    hh.locator("#panel form.qty input[name=qty]").fill("2")
    hh.locator("#panel form.qty").get_by_role("button", name="OK").click()
    shows(hh, "ok", f"Used 2 kg of {pallet.lpn}")
    wedge(hh, pallet.lpn)  # meant: the next use of the same pallet, within a second
    shows(hh, "wait", f"{pallet.lpn}: how much?")
    wedge(hh, "CMD:CANCEL")
    shows(hh, "info", "Cancelled")
    wedge(hh, "CMD:UNDO")  # as the command sheet says: scan UNDO twice
    shows(hh, "wait", "Undo this?")
    wedge(hh, "CMD:UNDO")
    shows(hh, "ok", "Undone")
    assert Unit.get_by_id(pallet.id).quantity == 300
    assert [e.kind for e in Entry.select().where(Entry.unit == pallet).order_by(Entry.id)][-2:] == ["consume", "undo"]


@pytest.fixture
def badged(line):  # noqa: F811
    """operator1, stager1 and lead1 with badges; the stager and the lead with the PIN 4711."""
    admin = line.users["admin"]
    line.badge = {name: badges.reissue(admin, name) for name in ("operator1", "stager1", "lead1")}
    for name in ("stager1", "lead1"):
        badges.set_pin(admin, name, "4711")
    return line


def badge_in(page, base, badge, pin=None):
    wedge(page, badge)
    if pin:
        expect(page.locator("input[name=pin]")).to_be_focused()
        page.keyboard.type(pin)
        page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/scan")


def test_a_leads_override_on_an_operators_handheld_comes_back_to_the_refusal_then_hands_back(
        browser, live_server, badged):
    screw = badged.receive(part=badged.screw)
    hh = browser.new_context(viewport={"width": 360, "height": 640}).new_page()
    hh.goto(live_server + "/login")
    badge_in(hh, live_server, badged.badge["operator1"])
    hh.get_by_role("button", name="Load", exact=True).click()
    wedge(hh, "M1")
    wedge(hh, screw.lpn)
    shows(hh, "bad", "A lead can load it anyway")
    expect(hh.locator("#panel button.override")).to_have_count(0)  # not the operator's to decide

    badge_in(hh, live_server, badged.badge["lead1"], "4711")
    shows(hh, "bad", f"operator1's load of {screw.lpn} onto M1 was refused")
    expect(hh.locator("#who")).to_have_text("lead1")
    expect(hh.locator("button.mode[aria-pressed=true]")).to_have_text("Load")
    hh.screenshot(path="/tmp/hh/override-lead-360.png")
    hh.click("#panel button.override >> text=Trial run")
    shows(hh, "wait", "Loaded by override")
    expect(hh.locator("#panel")).to_contain_text("The handheld is back with operator1")
    expect(hh.locator("#who")).to_have_text("operator1")
    entry = Entry.select().where(Entry.kind == "load").get()
    assert (entry.unit.lpn, entry.reason, entry.user.username) == (screw.lpn, "Override: Trial run", "lead1")
    hh.screenshot(path="/tmp/hh/override-back-360.png")
    wedge(hh, badged.pallets[0].lpn)  # scanning on: the operator's own again
    shows(hh, "ok", "M1")
    assert Entry.select().order_by(Entry.id.desc()).get().user.username == "operator1"


def test_a_lead_who_cancels_the_refusal_hands_back_at_once(browser, live_server, badged):
    screw = badged.receive(part=badged.screw)
    hh = browser.new_context(viewport={"width": 360, "height": 640}).new_page()
    hh.goto(live_server + "/login")
    badge_in(hh, live_server, badged.badge["operator1"])
    hh.get_by_role("button", name="Load", exact=True).click()
    wedge(hh, "M1")
    wedge(hh, screw.lpn)
    shows(hh, "bad", "Wrong material")
    badge_in(hh, live_server, badged.badge["lead1"], "4711")
    wedge(hh, "CMD:CANCEL")
    shows(hh, "info", "The handheld is back with operator1")
    expect(hh.locator("#who")).to_have_text("operator1")
    assert Unit.get_by_id(screw.id).location.code == "RCV-1"


@pytest.mark.parametrize("name", ["stager1", "lead1"])
def test_a_badge_sign_in_above_operator_on_a_handheld_lands_on_scan(browser, live_server, badged, name):
    hh = browser.new_context(viewport={"width": 360, "height": 640}).new_page()
    hh.goto(live_server + "/login")
    badge_in(hh, live_server, badged.badge[name], "4711")
    expect(hh.locator("#who")).to_have_text(name)
    expect(hh.locator("#code")).to_be_focused()


@pytest.fixture
def crew(badged, omar):
    """badged, and Omar with a badge of his own."""
    badged.badge["omar"] = badges.reissue(badged.users["admin"], "omar")
    return badged


def badge_handheld(browser, base, badge):
    page = browser.new_context(viewport={"width": 360, "height": 640}).new_page()
    page.goto(base + "/login")
    badge_in(page, base, badge)
    return page


def moved_by(unit):
    return [(e.to_location.code, e.user.username) for e in
            Entry.select().where(Entry.unit == unit, Entry.kind == "move").order_by(Entry.id)]


def test_a_handheld_handed_over_with_a_queued_scan_works_at_once_for_the_next_person(
        browser, live_server, crew):
    hers, his = crew.pallets[0], crew.pallets[1]
    hh = badge_handheld(browser, live_server, crew.badge["operator1"])
    hh.context.clear_cookies()  # her session is lost; her next scan waits in the queue
    wedge(hh, hers.lpn)
    shows(hh, "bad", "Signed out: scan your badge")
    wedge(hh, crew.badge["omar"])  # the next person takes the handheld
    shows(hh, "ok", "Signed in: Omar Operator")
    expect(hh.locator("#who")).to_have_text("omar")
    expect(hh.locator("#aside")).to_contain_text("1 scan of operator1 set aside: sent when operator1 signs in")
    expect(hh.locator("#aside-drop")).to_be_hidden()  # an operator cannot drop them
    hh.screenshot(path="/tmp/hh/aside-360.png")
    wedge(hh, his.lpn)  # his own scans go at once, under his name
    shows(hh, "wait", f"{his.lpn}: where to?")
    wedge(hh, "Z1-B1")
    shows(hh, "ok", f"{his.lpn} → Z1-B1")
    assert moved_by(his) == [("Z1-B1", "omar")]
    assert queued(hh) == 0 and moved_by(hers) == []

    wedge(hh, crew.badge["operator1"])  # she is back on this handheld: her scan goes first
    hh.wait_for_url(live_server + "/scan")
    shows(hh, "wait", f"{hers.lpn}: where to?")
    expect(hh.locator("#aside")).to_be_hidden()
    wedge(hh, "L-M1")
    shows(hh, "ok", f"{hers.lpn} → L-M1")
    assert moved_by(hers) == [("L-M1", "operator1")]


def test_a_lead_drops_set_aside_scans_with_a_reason(browser, live_server, crew):
    from staging.store.models import SecurityEvent
    hh = badge_handheld(browser, live_server, crew.badge["operator1"])
    hh.context.clear_cookies()
    wedge(hh, crew.pallets[0].lpn)
    shows(hh, "bad", "Signed out")
    wedge(hh, crew.badge["lead1"])
    expect(hh.locator("input[name=pin]")).to_be_focused()
    hh.keyboard.type("4711")
    hh.keyboard.press("Enter")
    hh.wait_for_url(live_server + "/scan")
    expect(hh.locator("#aside")).to_contain_text("1 scan of operator1 set aside")
    hh.get_by_role("button", name="Drop them").click()  # no reason: refused on the screen
    shows(hh, "bad", "Say why these scans are dropped")
    expect(hh.locator("#aside")).to_be_visible()
    hh.fill("#aside-reason", "Olga went home; pallet moved by hand")
    hh.screenshot(path="/tmp/hh/aside-lead-360.png")
    hh.get_by_role("button", name="Drop them").click()
    expect(hh.locator("#panel")).to_contain_text("Scans of operator1 dropped (1): Olga went home")
    expect(hh.locator("#aside")).to_be_hidden()
    event = SecurityEvent.get(SecurityEvent.kind == "scans_dropped")
    assert (event.actor, event.subject) == ("lead1", "operator1") and "Olga went home" in event.detail
    assert moved_by(crew.pallets[0]) == []


def test_a_half_done_move_survives_a_lost_session(browser, live_server, crew):
    pallet = crew.pallets[0]
    hh = badge_handheld(browser, live_server, crew.badge["operator1"])
    wedge(hh, pallet.lpn)
    shows(hh, "wait", f"{pallet.lpn}: where to?")
    hh.context.clear_cookies()  # the session ends
    wedge(hh, "L-M1")
    shows(hh, "bad", "Signed out: scan your badge")
    wedge(hh, crew.badge["operator1"])
    shows(hh, "ok", f"{pallet.lpn} → L-M1")  # the queued location completed her move
    assert moved_by(pallet) == [("L-M1", "operator1")]


def test_a_shift_with_two_handhelds_and_a_leads_desk(browser, live_server, crew):
    """Tasks raced between two handhelds, a handheld handed over with a scan queued, a lead's
    override on an operator's handheld, and the lead's desk seeing it all."""
    first, second = crew.pallets[0].lpn, crew.pallets[1].lpn
    screw = crew.receive(part=crew.screw)
    desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    desk.goto(live_server + "/login")
    desk.fill("input[name=username]", "lead1")
    desk.fill("input[name=password]", "password-123")
    desk.press("input[name=password]", "Enter")
    desk.wait_for_url(live_server + "/inventory")
    desk.get_by_role("link", name="Floor").first.click()
    desk.wait_for_url(live_server + "/floor")
    desk.locator("li.tile", has_text="M1").first.get_by_role("link", name="M1").first.click()
    desk.wait_for_url("**/machines/M1")
    expect(desk.locator("#machine-tasks")).to_contain_text(first)

    olga = badge_handheld(browser, live_server, crew.badge["operator1"])
    omar = badge_handheld(browser, live_server, crew.badge["omar"])
    for hh in (olga, omar):
        hh.get_by_role("button", name="Tasks").click()
        shows(hh, "info", f"Next: {first} → L-M1")
    wedge(olga, first)
    shows(olga, "wait", "is yours")
    wedge(omar, first)  # the race: she has it
    shows(omar, "bad", "taken by operator1: take the next one")
    wedge(omar, second)
    shows(omar, "wait", f"{second} → L-M1: scan L-M1")
    wedge(olga, "L-M1")
    shows(olga, "ok", f"{first} → L-M1 done: staged for WO-1")

    omar.context.clear_cookies()  # his session drops with the place still to scan
    wedge(omar, "L-M1")
    shows(omar, "bad", "Signed out: scan your badge")
    wedge(omar, crew.badge["operator1"])  # she borrows his handheld: at once, as herself
    shows(omar, "ok", "Signed in: operator1")
    expect(omar.locator("#aside")).to_contain_text("1 scan of omar set aside")
    wedge(omar, crew.badge["omar"])  # and gives it back: his place scan completes his task
    omar.wait_for_url(live_server + "/scan")
    shows(omar, "ok", f"split off {second}")  # his task took 200 kg off it
    expect(omar.locator("#panel")).to_contain_text("→ L-M1 done: staged for WO-1")
    expect(omar.locator("#aside")).to_be_hidden()
    staged = sorted((e.unit.lpn == first, e.user.username) for e in Entry.select().where(Entry.kind == "stage"))
    assert staged == [(False, "omar"), (True, "operator1")]

    olga.get_by_role("button", name="Load", exact=True).click()
    wedge(olga, "M1")
    wedge(olga, screw.lpn)
    shows(olga, "bad", "A lead can load it anyway")
    badge_in(olga, live_server, crew.badge["lead1"], "4711")  # the lead walks over
    shows(olga, "bad", "operator1's load of")
    olga.click("#panel button.override >> text=Trial run")
    shows(olga, "wait", "The handheld is back with operator1")
    expect(olga.locator("#who")).to_have_text("operator1")

    desk.reload()
    expect(desk.locator("#overrides")).to_contain_text(screw.lpn)
    expect(desk.locator("#overrides")).to_contain_text("Override: Trial run")
    desk.screenshot(path="/tmp/hh/shift-desk-1280.png", full_page=True)
    assert Unit.get_by_id(screw.id).location.code == "M1"


def test_a_double_read_is_sent_once_and_said(browser, live_server, line):  # noqa: F811
    pallet = line.pallets[0]
    hh = handheld(browser, live_server, "operator1")
    wedge(hh, "L-M1")
    shows(hh, "wait", "L-M1: scan pallets")
    wedge(hh, pallet.lpn)
    wedge(hh, pallet.lpn)  # the scanner read the label twice
    shows(hh, "ok", f"{pallet.lpn} → L-M1")
    expect(hh.locator("#double")).to_have_text(f"{pallet.lpn} read twice: sent once")
    assert "already" not in hh.inner_text("#scan")
    wedge(hh, "CMD:DONE")  # the next scan: the note goes
    shows(hh, "ok", "Done with L-M1")
    expect(hh.locator("#double")).to_be_hidden()
    assert Entry.select().where(Entry.unit == pallet, Entry.kind != "receive").count() == 1


def test_a_scan_queued_by_someone_the_session_no_longer_signs_for_is_set_aside(browser, live_server, crew):
    pallet = crew.pallets[0]
    hh = badge_handheld(browser, live_server, crew.badge["operator1"])
    other_tab = hh.context.new_page()  # the same browser signs in as Omar in another tab
    other_tab.goto(live_server + "/login")
    badge_in(other_tab, live_server, crew.badge["omar"])
    other_tab.close()
    wedge(hh, pallet.lpn)  # made on the page that still says operator1
    expect(hh.locator("#aside")).to_contain_text("1 scan of operator1 set aside")
    expect(hh.locator("#who")).to_have_text("omar")
    assert queued(hh) == 0
    assert not Entry.select().where(Entry.unit == pallet, Entry.kind != "receive").exists()
