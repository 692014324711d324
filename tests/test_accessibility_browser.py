"""Accessibility, checked the way people meet the pages: axe-core (from the npm registry, read from
node_modules, never served) runs in Chromium on every page each role reaches, at the handheld's
360x640 and the desk's 1280x800; no serious or critical violation may remain. One page per URL
shape (the crawl's rule: /units/P1 and /units/P2 are one page), so the run stays short.

The rest is what axe cannot see: the scan panel announced to screen readers, every main action
reached with the keyboard alone, touch targets of at least 48 px on the handheld pages, the
high-contrast theme kept per device and applied before the first paint, and motion reduced when
the device asks."""
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from staging.domain import inventory

from .test_crawl_browser import Crawl, furnish, shape

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"handheld": {"width": 360, "height": 640}, "desk": {"width": 1280, "height": 800}}
MAX_PAGES = 40
# The rules of WCAG 2.x A and AA (and best practice: landmarks, one main, headings).
AXE_RUN_JS = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
        [v.id, v.impact, v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')]);
}"""


@pytest.fixture
def plant(web_plant, app):
    return furnish(web_plant, app)  # something on every page, as the crawl has it


def axe_source():
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make vendor` installs it from package-lock.json")
    return AXE.read_text()


def axe_violations(page, where):
    """Serious and critical violations on the page as it is now, one line each."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(axe_source())  # through the debugger, past the page's CSP (script-src 'self')
    return [f"{where}: {rule} ({impact}) at {targets}" for rule, impact, targets in page.evaluate(AXE_RUN_JS)]


def check_both_sizes(page, where):
    problems = []
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(30)  # a re-layout; axe reads computed styles
        problems += axe_violations(page, f"{where} at {name}")
    return problems


def page_urls(crawl, starts):
    """Every page shape reachable by links from `starts`, breadth first (bounded). The crawl's
    links leave out unboosted ones, such as Scan in the header: the scan page is a start."""
    seen, queue, pages = {shape(start) for start in starts}, list(starts), []
    while queue:
        url = queue.pop(0)
        crawl.page.goto(url)
        crawl.settle()
        if "text/html" not in (crawl.page.evaluate("() => document.contentType") or ""):
            continue
        pages.append(crawl.page.url)
        for href in crawl.links():
            if shape(href) not in seen and len(seen) < MAX_PAGES:
                seen.add(shape(href))
                queue.append(href)
    return pages


@pytest.mark.parametrize("role", ["operator", "stager", "lead", "admin"])
def test_every_page_passes_axe_for_every_role(page, live_server, plant, role):
    crawl = Crawl(page, live_server, role)
    crawl.sign_in()
    pages = page_urls(crawl, [page.url, live_server + "/scan"])
    assert any(shape(url) == "/scan/check" for url in pages), pages
    assert len(pages) >= 8, f"reached only {pages}"
    problems = []
    for url in pages:
        page.goto(url)
        crawl.settle()
        problems += check_both_sizes(page, f"{role} {shape(url)}")
    assert not problems, "\n".join(problems)


def test_signed_out_pages_pass_axe(page, live_server, plant):
    problems = []
    for path in ["/login", "/scan", "/no-such-page"]:
        page.goto(live_server + path)
        problems += check_both_sizes(page, f"signed out {urlsplit(page.url).path} (asked {path})")
    assert not problems, "\n".join(problems)


# --- what axe cannot see -------------------------------------------------------------------------------

def signed_in(page, live_server, username, then, size="handheld"):
    page.set_viewport_size(VIEWPORTS[size])
    page.goto(live_server + "/login?next=" + then)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "password-123")
    page.press("input[name=password]", "Enter")
    page.wait_for_url(live_server + then)
    return page


def test_the_scan_result_is_read_out_by_screen_readers(page, live_server, plant):
    """The panel is replaced on every scan; the live region that stays says its words."""
    signed_in(page, live_server, "operator1", "/scan")
    said = page.locator("#said")
    assert said.get_attribute("aria-live") == "assertive" and said.get_attribute("role") == "status"
    unit = plant.receive(qty="10")
    page.keyboard.type(unit.lpn)
    page.keyboard.press("Enter")
    expect(said).to_contain_text(f"{unit.lpn}: where to?")
    page.keyboard.type("NO-SUCH-CODE-1")
    page.keyboard.press("Enter")
    expect(said).to_contain_text("NO-SUCH-CODE-1")
    expect(said).not_to_contain_text("where to?")
    assert not axe_violations(page, "scan page showing a refusal")


FOCUSED_JS = """() => { const el = document.activeElement; if (el === document.body) return '';
    const label = el.labels && el.labels.length ? el.labels[0].textContent : '';
    return (el.getAttribute('aria-label') || el.textContent || label || el.value || el.id || '')
        .trim().replace(/\\s+/g, ' ') }"""
# The ring of a hidden file input is drawn on its label (the camera button).
RING_JS = """() => { const el = document.activeElement;
    return getComputedStyle(el.type === 'file' ? el.labels[0] : el).outlineStyle }"""


def tab_through(page, presses):
    """The names of what the Tab key reaches, in order (each with a visible focus ring)."""
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED_JS))
        if not reached[-1]:
            continue  # past the end of the page (the browser's own controls), or the start
        ring = page.evaluate(RING_JS)
        assert ring != "none", f"no focus ring on {reached[-1]!r}"
    return reached


def test_the_keyboard_reaches_every_action_of_the_scan_page(page, live_server, plant):
    signed_in(page, live_server, "operator1", "/scan")
    reached = tab_through(page, 40)
    for action in ["Go", "Type a code", "Move", "Load", "Done", "Cancel", "Undo", "Photo of a barcode",
                   "Sign out", "High contrast", "Floor", "Scanner check"]:
        assert any(name.startswith(action) for name in reached), f"Tab never reaches {action!r}: {reached}"
    # And a reached button works from the keyboard: Load mode with Enter.
    page.locator("#code").focus()
    while not page.evaluate(FOCUSED_JS).startswith("Load"):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("button.mode[aria-pressed=true]")).to_have_text("Load")


def test_the_keyboard_reaches_every_machine_on_the_floor_board(page, live_server, plant):
    signed_in(page, live_server, "lead1", "/floor", size="desk")
    reached = tab_through(page, 30)
    for action in ["Inventory", "Scan", "Floor", "Work orders", "High contrast", "M1"]:
        assert any(name.startswith(action) for name in reached), f"Tab never reaches {action!r}: {reached}"
    while not page.evaluate(FOCUSED_JS).startswith("M1"):
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/machines/M1")


TARGETS = "a[href], button, input:not([type=hidden]), select, summary, label.tool"
SMALL_TARGETS_JS = f"""() => [...document.querySelectorAll('{TARGETS}')]
    .filter(el => el.offsetParent !== null && !el.closest('.sr-only'))
    .filter(el => !(el.type === 'file'))  // the camera's label is the target
    .map(el => [el.outerHTML.slice(0, 90), el.getBoundingClientRect()])
    .filter(([, box]) => box.width > 0 && (box.height < 48 || box.width < 48))
    .map(([html, box]) => `${{Math.round(box.width)}}x${{Math.round(box.height)}} ${{html}}`)"""


@pytest.mark.parametrize("path", ["/scan", "/scan?type=1", "/scan/check"])
def test_touch_targets_on_handheld_pages_are_at_least_48_px(page, live_server, plant, path):
    signed_in(page, live_server, "operator1", path)
    page.locator("details.device").evaluate("d => d && (d.open = true)") if path == "/scan" else None
    small = page.evaluate(SMALL_TARGETS_JS)
    assert not small, f"{path}: targets smaller than 48x48 px:\n" + "\n".join(small)


def test_touch_targets_of_the_quantity_keypad(page, live_server, plant):
    signed_in(page, live_server, "operator1", "/scan")
    loaded = plant.receive(qty="30")
    inventory.move(plant.ctx(), loaded.lpn, "M1")
    page.keyboard.type("CMD:MODE:CONSUME")
    page.keyboard.press("Enter")
    page.keyboard.type(loaded.lpn)
    page.keyboard.press("Enter")
    expect(page.locator("#panel")).to_have_attribute("data-tone", "wait")
    small = page.evaluate(SMALL_TARGETS_JS)
    assert not small, "targets smaller than 48x48 px:\n" + "\n".join(small)


def test_signed_out_handheld_targets_are_at_least_48_px(page, live_server, plant):
    page.set_viewport_size(VIEWPORTS["handheld"])
    page.goto(live_server + "/login?next=/scan")
    small = page.evaluate(SMALL_TARGETS_JS)
    assert not small, "/login: targets smaller than 48x48 px:\n" + "\n".join(small)


# --- high contrast and reduced motion ------------------------------------------------------------------

def test_high_contrast_is_kept_per_device_from_the_first_paint_and_passes_axe(page, live_server, plant):
    signed_in(page, live_server, "operator1", "/scan")
    assert page.evaluate("() => document.documentElement.dataset.theme") is None
    toggle = page.get_by_role("button", name="High contrast")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    page.wait_for_url(live_server + "/scan")
    expect(page.get_by_role("button", name="High contrast")).to_have_attribute("aria-pressed", "true")
    # Before any script runs, the page the server sends is already in the theme: no flash.
    html = page.request.get(live_server + "/scan").text()
    assert re.search(r'<html[^>]* data-theme="contrast"', html)
    page.reload()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "contrast"
    assert page.evaluate("() => getComputedStyle(document.documentElement).backgroundColor") == "rgb(255, 255, 255)"
    problems = check_both_sizes(page, "high contrast /scan")
    page.get_by_role("link", name="Floor").click()
    page.wait_for_url(live_server + "/floor")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "contrast"
    problems += check_both_sizes(page, "high contrast /floor")
    assert not problems, "\n".join(problems)
    # Off again, from the desk header, and the page stays where it was.
    page.get_by_role("button", name="High contrast").click()
    page.wait_for_url(live_server + "/floor")
    assert page.evaluate("() => document.documentElement.dataset.theme") is None


def test_motion_is_reduced_when_the_device_asks(page, live_server, plant):
    signed_in(page, live_server, "lead1", "/floor", size="desk")
    indicator_js = """() => { const el = document.createElement('span'); el.className = 'htmx-indicator';
        document.body.append(el); const t = getComputedStyle(el).transitionDuration; el.remove(); return t }"""
    assert page.evaluate(indicator_js) != "0s"
    page.emulate_media(reduced_motion="reduce")
    assert page.evaluate(indicator_js) == "0s"


def test_the_webhooks_pages_pass_axe(page, live_server, plant):
    from staging.domain import events
    from staging.domain.webhooks import subscriptions
    from staging.store.db import write_transaction
    from staging.store.models import User, WebhookDelivery

    sub = subscriptions.add(User.get(User.username == "admin1"), "https://erp.example.com/in", ["unit.moved"])
    with write_transaction():  # one event on its dead list, as after a receiver failed for a day
        event = events.emit("unit.moved", "P00000042", {"unit": "P00000042"})
        WebhookDelivery.create(webhook=sub.id, event=event.id, dead=True, last_error="HTTP 500", last_status=500)
    signed_in(page, live_server, "admin1", "/settings", size="desk")
    page.click("main >> text=Webhooks")
    expect(page.locator("h1")).to_have_text("Webhooks")
    problems = check_both_sizes(page, "/admin/webhooks")
    page.click(f"#webhook-{sub.id} a >> nth=0")
    expect(page.locator("#dead")).to_be_visible()
    problems += check_both_sizes(page, "/admin/webhooks/<id>")
    assert not problems, "\n".join(problems)


def test_the_kanban_cards_page_passes_axe_with_cards_and_calls(page, live_server, plant):
    """The leads' kanban page with a loop, a call on its way and one waiting for stock."""
    from staging.domain import tasks
    from staging.domain.inventory import Ctx
    from staging.store.models import LineSidePlace

    from .plant import loc
    LineSidePlace.create(machine=plant.machine, place=loc("L-M1", "staging"), kind="lane")
    plant.receive(part=plant.screw, qty="40")
    cards = tasks.cards.make_loop(plant.lead, "L-M1", "FST-M6", "C", "40", 2)
    for card in cards:
        tasks.calls.call(Ctx(plant.operator), card.code, tasks.Rules())
    signed_in(page, live_server, "lead1", "/tasks", size="desk")
    page.get_by_role("link", name="Kanban cards").click()
    expect(page.get_by_role("heading", name="Kanban cards", exact=True)).to_be_visible()
    expect(page.locator("#calls")).to_contain_text("waiting for stock")
    problems = check_both_sizes(page, "lead /kanban")
    assert not problems, "\n".join(problems)


def test_the_printer_fleet_and_the_floor_board_with_a_printer_down_pass_axe(page, live_server, plant):
    from staging.media import labels, printing, printqueue
    from staging.store.models import Printer, PrintJob

    from .printer_peer import PrinterPeer
    peer = PrinterPeer(paper_out=True)
    try:
        printing.save_printer(plant.users["admin"], "Floor Zebra", "127.0.0.1", peer.port, serves="R-A")
        printer = Printer.get(Printer.name == "Floor Zebra")
        printqueue.check(printer, answer_timeout=0.5)
        units = [plant.receive() for _ in range(2)]
        waiting, failed = (printqueue.enqueue(plant.stager, printer, labels.unit_labels([u.lpn], labels.Settings()))
                           for u in units)
        PrintJob.update(state="failed", error="Waited 30 minutes", attempts=1).where(PrintJob.id == failed.id).execute()
        problems = []
        for username, path in [("admin1", "/labels/printers"), ("stager1", "/labels/printers"), ("lead1", "/floor")]:
            signed_in(page, live_server, username, path, "desk")
            expect(page.locator("main")).to_contain_text("Floor Zebra")
            problems += check_both_sizes(page, f"{username} {path}")
            page.context.clear_cookies()
        assert not problems, "\n".join(problems)
        assert waiting.state == "queued"
    finally:
        peer.close()


# --- upkeep: the wall screen, andon calls, maintenance, wall screens for admins ------------------------

def test_upkeep_pages_and_the_wall_screen_pass_axe(page, live_server, plant, runner):
    import datetime

    from staging.domain import logbook
    from staging.domain.machines import andon, states, upkeep
    from staging.store.models import utcnow
    link = runner.invoke(args=["create-screen", "Hall 2"]).output.strip().splitlines()[-1]
    link = live_server + link[link.index("/wall/"):]
    upkeep.add_tool(plant.lead, "GA-1", "Bore gauge", "gauge", machine=plant.machine,
                    calibration_due=utcnow() - datetime.timedelta(days=1))
    upkeep.add_plan(plant.lead, "Grease", machine=plant.machine, every_days="30",
                    now=utcnow() - datetime.timedelta(days=31))
    states.set_state(plant.operator, plant.machine, "down", "Breakdown")
    cal = logbook.Calendar.from_settings("Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00", "Europe/Berlin")
    andon.call(plant.operator, "safety", plant.machine, cal)
    andon.close(plant.lead, andon.call(plant.operator, "material", plant.machine, cal).id, "Brought", cal)
    problems = []
    page.goto(link)
    for name, size in {"handheld": VIEWPORTS["handheld"], "tv": {"width": 1920, "height": 1080}}.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(30)
        problems += axe_violations(page, f"wall at {name}")
    signed_in(page, live_server, "admin1", "/admin/screens", "desk")
    for path in ("/admin/screens", "/andon", "/maintenance", "/machines/M1/maintenance", "/machines/M1"):
        page.goto(live_server + path)
        problems += check_both_sizes(page, path)
        page.set_viewport_size({"width": 1920, "height": 1080})
        problems += axe_violations(page, f"{path} at 1920x1080")
    assert not problems, "\n".join(problems)


# --- machine states: the pages and panels they add, at the handheld's and the wall's sizes -------------------

STATE_SIZES = {"360x640": {"width": 360, "height": 640}, "1920x1080": {"width": 1920, "height": 1080}}


def test_machine_state_pages_pass_axe_at_360_and_1920(page, live_server, plant):
    """The machine page with its state form (and a refusal on it), the task list with a paused task, the
    logbook with the machine's stops, the downtime report and the handheld asking for a down reason."""
    import datetime

    from staging.domain.machines import states
    from staging.store.models import utcnow
    states.set_state(plant.operator, plant.machine, "down", "Tooling", at=utcnow() - datetime.timedelta(minutes=20))

    def both_sizes(where):
        found = []
        for name, size in STATE_SIZES.items():
            page.set_viewport_size(size)
            page.wait_for_timeout(30)
            found += axe_violations(page, f"{where} at {name}")
        return found

    signed_in(page, live_server, "lead1", "/machines/M1", size="desk")
    problems = both_sizes("machine page")
    page.locator("#ms-state").select_option("down")
    page.locator("#ms-reason").select_option("")
    page.get_by_role("button", name="Set state").click()
    expect(page.locator("#machine-state .alert.error")).to_be_visible()
    problems += both_sizes("machine page with a refusal")
    page.goto(live_server + "/tasks")
    problems += both_sizes("task list")
    page.goto(live_server + "/reports/downtime")
    expect(page.get_by_role("heading", name="Downtime", exact=True)).to_be_visible()
    problems += both_sizes("downtime report")
    page.goto(live_server + "/machines/M1")
    page.get_by_role("link", name="Logbook,").click()
    expect(page.locator("#machine-stops")).to_be_visible()
    problems += both_sizes("logbook")
    page.goto(live_server + "/scan")
    page.locator("#code").fill("M2")
    page.locator("#code").press("Enter")
    expect(page.locator("#panel")).to_contain_text("M2")
    page.locator("#code").fill("CMD:MACHINE:DOWN")
    page.locator("#code").press("Enter")
    expect(page.locator("#panel")).to_contain_text("M2 down: why?")
    problems += both_sizes("scan page asking for a down reason")
    assert not problems, "\n".join(problems)


def test_the_count_pages_pass_axe(page, live_server, plant):
    """Counts, a count with a line awaiting approval, its review, a refused plan, and the reports page
    with the accuracy: at both sizes."""
    from staging.domain import counts
    unit = plant.receive(qty="40")
    inventory.move(plant.ctx(), unit.lpn, "A-01-1")
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "10", unit=unit.lpn)
    counts.submit(plant.operator, count.id, "A-01-1")
    counts.enter(plant.stager, count.id, "A-01-1", "10", unit=unit.lpn)
    counts.submit(plant.stager, count.id, "A-01-1")
    signed_in(page, live_server, "lead1", "/counts", "desk")
    problems = check_both_sizes(page, "counts")
    page.get_by_role("button", name="Plan the count").click()
    expect(page.locator("#refusal")).to_be_visible()
    problems += check_both_sizes(page, "counts with a refused plan")
    for path in (f"/counts/{count.id}", f"/counts/{count.id}/review", "/reports"):
        page.goto(live_server + path)
        problems += check_both_sizes(page, path)
    assert not problems, "\n".join(problems)
