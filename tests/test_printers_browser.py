"""Printers you can trust, in Chromium: the handheld's panel says where a split's label went when the
printer has no paper (and offers the PDF at once); the label prints once when the paper is back. The
fleet page, reached by clicking from the floor board, shows each printer's state and since when, its
failed jobs with Retry, Cancel and Reprint, a test label, and refuses a bad printer on screen."""
import pytest
from playwright.sync_api import expect

from staging.domain import inventory
from staging.media import labels, printing, printqueue, printsender
from staging.store.models import LabelPrint, Printer, PrintJob, Unit

from .printer_peer import PrinterPeer
from .test_handheld_browser import sign_in
from .test_scan_browser import shows, wedge

PLAIN = labels.Settings()
TIMED_OUT = "Waited 30 minutes and was not printed: Floor Zebra has no paper."


@pytest.fixture
def floor_zebra(web_plant):
    peer = PrinterPeer(paper_out=True)
    printing.save_printer(web_plant.users["admin"], "Floor Zebra", "127.0.0.1", peer.port, serves="R-A")
    yield peer
    peer.close()


def labels_sent(peer):
    return [data for data in peer.jobs if b"^XA" in data]


@pytest.mark.browser
def test_a_split_at_a_place_whose_printer_has_no_paper_says_queued_offers_the_pdf_and_prints_once_later(
        page, live_server, web_plant, floor_zebra):
    pallet = inventory.receive(web_plant.ctx("stager"), web_plant.resin_b, "100", web_plant.dock, lot="L1").unit
    sign_in(page, live_server, "operator1")
    page.click("button.mode >> text=Split")
    wedge(page, pallet.lpn)
    wedge(page, "20")
    wedge(page, "A-01-1")  # a bin in rack R-A, which the Floor Zebra serves
    shows(page, "ok", ": 20 kg → A-01-1")
    panel = page.locator("#panel")
    expect(panel).to_contain_text("Label queued: Floor Zebra has no paper.")
    expect(panel.locator("a.print")).to_be_visible()  # the PDF, at once
    page.screenshot(path="/tmp/floor/split-queued-no-paper-360.png")
    new = Unit.select().order_by(Unit.id.desc()).get()
    assert labels_sent(floor_zebra) == [] and not LabelPrint.select().exists()
    job = PrintJob.get()
    assert (job.state, job.error) == ("queued", "Floor Zebra has no paper")

    floor_zebra.set()  # paper back: the background sender prints it, once
    sender = printsender.Sender(waiting_every=0, idle_every=0, timeout=2, answer_timeout=0.5)
    assert sender.run_once() == 1 and sender.run_once() == 0
    [zpl] = labels_sent(floor_zebra)
    assert new.lpn.encode() in zpl and b"REPRINT" not in zpl
    assert PrintJob.get_by_id(job.id).state == "sent"
    assert LabelPrint.get(LabelPrint.code == new.lpn).printed


def failed_job(web_plant, unit, error, attempts=0):
    job = printqueue.enqueue(web_plant.stager, Printer.get(Printer.name == "Floor Zebra"),
                             labels.unit_labels([unit.lpn], PLAIN))
    PrintJob.update(state="failed", error=error, attempts=attempts).where(PrintJob.id == job.id).execute()
    return job


@pytest.mark.browser
def test_the_fleet_page_shows_state_since_when_and_failed_jobs_are_retried_cancelled_and_reprinted(
        page, live_server, web_plant, floor_zebra):
    printqueue.check(Printer.get(Printer.name == "Floor Zebra"), answer_timeout=0.5)
    waited = failed_job(web_plant, web_plant.receive(), TIMED_OUT)
    unwanted = failed_job(web_plant, web_plant.receive(), TIMED_OUT)
    maybe = failed_job(web_plant, web_plant.receive(), "May have printed: the sender stopped while sending it.", 1)
    late = printqueue.print_to(web_plant.stager, "Floor Zebra", labels.unit_labels([web_plant.receive().lpn], PLAIN),
                               timeout=2)
    assert late.state == "queued"
    sign_in(page, live_server, "admin1", 1280, 800, "/floor")
    expect(page.locator(".printer-down")).to_contain_text("Printer: Floor Zebra has no paper, since")
    page.screenshot(path="/tmp/floor/floor-printer-down-1280.png")
    page.get_by_role("link", name="Labels", exact=True).first.click()
    page.get_by_role("link", name="Printers").click()
    row = page.locator("tr.printer", has_text="Floor Zebra")
    expect(row.locator(".printer-state")).to_contain_text("paper out")
    expect(row.locator(".printer-state")).to_contain_text("since ")
    expect(row).to_contain_text("R-A")
    expect(row.locator(".printer-queue")).to_contain_text("1 waiting")
    expect(page.locator("tr.failed-job")).to_have_count(3)
    page.screenshot(path="/tmp/floor/printers-fleet-1280.png", full_page=True)

    floor_zebra.set()  # paper back
    page.locator(f"#job-{waited.id}").get_by_role("button", name="Retry").click()
    expect(page.locator(".alert.ok")).to_contain_text(f"Job {waited.id}: sent.")
    # The label that waited went out behind it, in order; the page says why it had waited.
    expect(page.locator(f"#sent-{late.id}")).to_contain_text("Floor Zebra has no paper")
    page.locator(f"#job-{unwanted.id}").get_by_role("button", name="Cancel").click()
    expect(page.locator(".alert.ok")).to_contain_text(f"Job {unwanted.id}: cancelled.")
    page.locator(f"#job-{maybe.id}").get_by_role("button", name="Reprint").click()
    expect(page.locator(".alert.ok")).to_contain_text(": sent.")
    expect(page.locator("tr.failed-job")).to_have_count(1)  # the one that may have printed stays, said
    sent = labels_sent(floor_zebra)
    assert [b"REPRINT" in z for z in sent] == [False, False, True]
    assert PrintJob.get_by_id(unwanted.id).state == "cancelled"

    page.locator("tr.printer", has_text="Floor Zebra").get_by_role("button", name="Test label").click()
    expect(page.locator(".alert.ok")).to_contain_text("Test label on Floor Zebra: sent.")
    assert b"TEST Floor Zebra" in floor_zebra.wait(4)[3]
    expect(page.locator("tr.printer", has_text="Floor Zebra").locator(".printer-state")).to_contain_text("ready")


@pytest.mark.browser
def test_a_bad_printer_is_refused_on_screen_and_nothing_saved(page, live_server, web_plant):
    sign_in(page, live_server, "admin1", 1280, 800, "/labels/printers")
    form = page.locator("form.labels-form")
    form.get_by_label("Name").fill("Dock Zebra")
    form.get_by_label("Host or IP").fill("zebra dock!")
    form.get_by_label("Port").fill("99999")
    form.get_by_label("Labels wait (minutes)").fill("0")
    form.get_by_role("button", name="Save printer").click()
    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("is not a host name or IP address")
    expect(refusal).to_contain_text("The port is a number from 1 to 65535")
    expect(refusal).to_contain_text("A label waits 1 to 1440 minutes")
    page.screenshot(path="/tmp/floor/printers-refused-1280.png", full_page=True)
    assert not printing.printers()


@pytest.mark.browser
def test_the_fleet_page_on_a_handheld(page, live_server, web_plant, floor_zebra):
    printqueue.check(Printer.get(Printer.name == "Floor Zebra"), answer_timeout=0.5)
    failed_job(web_plant, web_plant.receive(), TIMED_OUT)
    sign_in(page, live_server, "stager1", 360, 640, "/labels/printers")
    expect(page.locator("tr.printer", has_text="Floor Zebra")).to_contain_text("paper out")
    page.screenshot(path="/tmp/floor/printers-fleet-360.png", full_page=True)


@pytest.mark.browser
def test_the_open_fleet_page_follows_a_printer_and_a_keyboard_user_keeps_their_place(
        page, live_server, web_plant, floor_zebra):
    zebra = Printer.get(Printer.name == "Floor Zebra")
    printqueue.check(zebra, answer_timeout=0.5)
    sign_in(page, live_server, "lead1", 1280, 800, "/labels/printers")
    state = page.locator("tr.printer", has_text="Floor Zebra").locator(".printer-state")
    expect(state).to_contain_text("paper out")
    page.locator(f"#test-{zebra.id}").focus()  # tabbed to its Test label button
    floor_zebra.set()  # paper back: the next look at the printer (the sender's) finds it ready
    printqueue.check(zebra, answer_timeout=0.5)
    expect(state).to_contain_text("ready", timeout=12000)  # no reload: the page fetched the fleet again
    assert page.evaluate("document.activeElement.id") == f"test-{zebra.id}"
    page.keyboard.press("Enter")
    expect(page.locator(".alert.ok")).to_contain_text("Test label on Floor Zebra: sent.")
