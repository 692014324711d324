"""Labels against the database (SQLite and PostgreSQL): what goes on them, SSCCs that scan back
to their unit, printing to a real socket, the print history, batches."""
import socket
import time

import biip
import pytest

from staging.domain import codes, inventory
from staging.domain.errors import Forbidden, Invalid, NotFound
from staging.domain.scan.commands import MODES
from staging.media import labels, printing, printqueue
from staging.store.models import LabelJob, LabelPrint, Printer, PrintJob, WorkOrder

from .printer_peer import PrinterPeer

GS1 = labels.Settings(timezone="Europe/Berlin", gs1_prefix="1234567890", gs1_extension="0", plant="Test plant")
PLAIN = labels.Settings(timezone="Europe/Berlin")


class FakePrinter(PrinterPeer):
    """A ready printer on 127.0.0.1 (tests/printer_peer.py): answers ~HS and keeps what it was sent."""


@pytest.fixture
def fake_printer(plant):
    fake = FakePrinter()
    printing.save_printer(plant.users["admin"], "Dock Zebra", "127.0.0.1", fake.port, 203, "4x6")
    yield fake
    fake.close()


def refused_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # bound once, now nobody listens: connecting is refused
    return port


def staged(plant, n=3):
    units = [plant.receive(qty="10", lot=f"L{i}") for i in range(n)]
    for u in units:
        inventory.stage(plant.ctx("stager"), u.lpn, "LANE-1", "WO-1")
    return units


def formats(data):
    text = data.decode()
    return [f for f in text.split("^XZ") if f.strip()]


# --- what goes on the labels ------------------------------------------------------------------------

def test_a_unit_label_carries_part_quantity_lot_work_order_and_machine(plant):
    unit = staged(plant, 1)[0]
    label = labels.unit_labels([unit.lpn.lower()], PLAIN)[0]
    f = label.fields
    assert (f["lpn"], f["part"], f["revision"], f["description"]) == (unit.lpn, "RES-100", "B", "Resin")
    assert (f["qty"], f["uom"], f["lot"], f["work_order"]) == ("10", "kg", "L0", "WO-1")
    assert f["staged_for"] == "M1 M1" and f["date"] and f["received"]
    assert f["sscc"] == "" and f["reprint"] == ""


def test_unknown_lpns_are_named(plant):
    plant.receive()
    with pytest.raises(NotFound, match="NOPE-1"):
        labels.unit_labels(["P000001", "NOPE-1"], PLAIN)


def test_with_a_gs1_prefix_a_unit_gets_one_valid_sscc_that_scans_back_to_it(plant):
    a, b = plant.receive(), plant.receive()
    first = labels.unit_labels([a.lpn, b.lpn], GS1)
    again = labels.unit_labels([a.lpn], GS1)[0]
    sscc_a, sscc_b = first[0].fields["sscc"], first[1].fields["sscc"]
    assert sscc_a == again.fields["sscc"]  # stable: a reprint carries the same SSCC
    assert sscc_a != sscc_b
    for sscc in (sscc_a, sscc_b):
        assert len(sscc) == 18 and sscc.startswith("01234567890")
        assert biip.parse("00" + sscc).sscc.value == sscc
    # What the wedge types when the GS1-128 is scanned (pyzbar reads it the same) finds the unit.
    for text, unit in (("00" + sscc_a, a), ("00" + sscc_b, b), ("]C100" + sscc_a, a)):
        meaning = codes.resolve(text)
        assert (meaning.kind, meaning.obj.id) == ("unit", unit.id)
    assert first[0].fields["sscc_ai"] == "00" + sscc_a


def test_a_supplier_sscc_already_on_the_unit_is_reused(plant):
    unit = inventory.receive(plant.ctx("stager"), plant.resin_b, "5",
                             barcodes=[("00012345678901234560", "sscc")]).unit  # as the scan page registers it
    assert labels.unit_labels([unit.lpn], GS1)[0].fields["sscc"] == "012345678901234560"


def test_labels_for_a_work_order_a_receipt_and_a_range_of_locations(plant):
    units = staged(plant, 3)
    plant.receive()  # not staged: not on the work order's labels
    assert [lb.code for lb in labels.units_for_work_order("WO-1", PLAIN)] == sorted(u.lpn for u in units)
    start, end = units[0].created_at, units[-1].created_at
    import datetime
    receipt = labels.units_received("stager1", start - datetime.timedelta(seconds=1),
                               end + datetime.timedelta(seconds=1), PLAIN)
    assert [lb.code for lb in receipt][:3] == [u.lpn for u in units]
    with pytest.raises(Invalid):
        labels.units_received("operator1", start, end, PLAIN)
    # Racks hold no units and have no scannable code: only bins in the range.
    assert [lb.code for lb in labels.location_labels("A-01-1", "A-01-3")] == ["A-01-1", "A-01-2", "A-01-3"]
    assert [lb.code for lb in labels.location_labels("A-01-2")] == ["A-01-2"]


def test_badges_and_the_command_sheet(plant):
    plant.operator.badge = "B-7"
    plant.operator.save()
    codes.register(plant.operator, "B-7")
    # Keyed by user name (the print history is public to stagers); the code is only in the bars.
    assert [(lb.code, lb.fields["name"], lb.fields["badge"]) for lb in labels.badge_labels()] == [
        ("operator1", "operator1", "B-7")]
    sheet = labels.command_sheet()
    assert {"CMD:DONE", "CMD:CANCEL", "CMD:UNDO", "CMD:SIGNOUT"} <= {r["payload"] for r in sheet.rows["commands"]}
    assert len(sheet.rows["modes"]) == len(MODES) == 10 and sheet.rows["reasons"]  # Split, Tasks, Produce too


# --- printing -------------------------------------------------------------------------------------------

def test_a_batch_reaches_the_printer_as_one_zpl_format_per_unit(plant, fake_printer):
    units = staged(plant, 3)
    printqueue.print_to(plant.stager, "Dock Zebra", labels.units_for_work_order("WO-1", PLAIN))
    (data,) = fake_printer.wait(1)
    text = data.decode()
    assert text.startswith("^XA") and text.rstrip().endswith("^XZ")
    zpls = formats(data)
    assert len(zpls) == 3 and all(f.strip().startswith("^XA") for f in zpls)
    for unit, zpl in zip(sorted(units, key=lambda u: u.lpn), zpls):
        assert f"^FD{unit.lpn}^FS" in zpl and "^PW812" in zpl and "^BCN" in zpl
    rows = list(LabelPrint.select().order_by(LabelPrint.id))
    assert [(r.kind, r.code, r.output, r.printer.name, r.reprint) for r in rows] == [
        ("unit", u.lpn, "printer", "Dock Zebra", False) for u in sorted(units, key=lambda u: u.lpn)]


def test_a_reprint_is_marked_on_the_label_and_in_the_history(plant, fake_printer):
    unit = plant.receive()
    printqueue.print_to(plant.stager, "Dock Zebra", labels.unit_labels([unit.lpn], PLAIN))
    printqueue.print_to(plant.lead, "Dock Zebra", labels.unit_labels([unit.lpn], PLAIN))
    first, second = fake_printer.wait(2)
    assert b"REPRINT" not in first and b"REPRINT" in second
    assert [(r.user.username, r.reprint) for r in printing.history("unit", unit.lpn)] == [
        ("lead1", True), ("stager1", False)]


def test_a_printer_that_refuses_keeps_the_label_waiting_says_why_and_records_no_print(plant):
    printing.save_printer(plant.users["admin"], "Gone", "127.0.0.1", refused_port(), 300, "4x2")
    unit = plant.receive()
    job = printqueue.print_to(plant.stager, "Gone", labels.unit_labels([unit.lpn], PLAIN), timeout=2)
    assert job.state == "queued"
    assert "Gone does not answer" in job.error and "refused" in job.error
    assert LabelPrint.select().count() == 0


def test_a_printer_that_does_not_answer_times_out_clearly(plant):
    # A listening socket whose backlog is full never completes the handshake.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    fillers = [socket.create_connection(server.getsockname(), timeout=1) for _ in range(1)]
    printer = Printer(name="Slow", host="127.0.0.1", port=server.getsockname()[1])
    try:
        with pytest.raises(printing.PrinterError, match="Slow"):
            for _ in range(3):  # the kernel may accept one or two into the queue first
                printing.send(printer, b"^XA^XZ", timeout=0.5)
    finally:
        for s in fillers:
            s.close()
        server.close()


def test_operators_may_not_print_and_nothing_is_sent(plant, fake_printer):
    unit = plant.receive()
    with pytest.raises(Forbidden, match="print labels"):
        printqueue.print_to(plant.operator, "Dock Zebra", labels.unit_labels([unit.lpn], PLAIN))
    assert fake_printer.wait(1, seconds=0.3) == [] and LabelPrint.select().count() == 0


def test_only_an_admin_sets_up_printers_and_input_is_checked(plant):
    with pytest.raises(Forbidden):
        printing.save_printer(plant.lead, "P1", "10.0.0.1")
    with pytest.raises(Invalid):
        printing.save_printer(plant.users["admin"], "P1", "10.0.0.1; rm -rf /")
    with pytest.raises(Invalid):
        printing.save_printer(plant.users["admin"], "P1", "10.0.0.1", dpi=600)
    printer = printing.save_printer(plant.users["admin"], "P1", "10.0.0.1", 9100, 300, "100x50")
    assert (printer.dpi, printer.size) == (300, "100x50")
    printing.remove_printer(plant.users["admin"], "P1")
    assert printing.printers() == []


def test_a_downloaded_file_is_made_not_printed_until_confirmed(plant):
    unit = plant.receive()
    for _ in range(2):  # checked twice before printing: neither says REPRINT
        data = printing.download(plant.stager, labels.unit_labels([unit.lpn], PLAIN), "pdf", "4x2")
        assert data.startswith(b"%PDF")
    assert [(r.code, r.output, r.size, r.printed) for r in LabelPrint.select()] == [(unit.lpn, "pdf", "4x2", False)] * 2
    printing.for_html(plant.stager, labels.unit_labels([unit.lpn], PLAIN), "4x2")  # the print page, opened
    assert labels.mark_reprints(labels.unit_labels([unit.lpn], PLAIN))[0].reprint is False
    with pytest.raises(Forbidden):
        printing.confirm_printed(plant.operator, "unit", [unit.lpn])
    assert printing.confirm_printed(plant.stager, "unit", [unit.lpn]) == 1
    assert LabelPrint.select().where(LabelPrint.printed).count() == 1  # one print, not three
    assert labels.mark_reprints(labels.unit_labels([unit.lpn], PLAIN))[0].reprint is True
    with pytest.raises(Invalid):
        printing.confirm_printed(plant.stager, "unit", ["NOPE-9"])


def test_a_batch_file_is_printed_once_confirmed(plant):
    units = staged(plant, 3)
    job = printing.start_job(plant.stager, "unit", {"work_order": "WO-1"}, size="4x2", output="pdf",
                             settings=PLAIN, background=False)
    again = printing.start_job(plant.stager, "unit", {"work_order": "WO-1"}, size="4x2", output="pdf",
                               settings=PLAIN, background=False)
    # The second file's labels were made without REPRINT: the first file was never printed.
    assert LabelPrint.select().where(LabelPrint.job == again.id, LabelPrint.reprint).count() == 0
    assert printing.unconfirmed(job) == 3
    printing.confirm_job(plant.stager, job.id)
    assert printing.unconfirmed(job) == 0 and printing.unconfirmed(again) == 3
    assert all(lb.reprint for lb in labels.mark_reprints(labels.unit_labels([u.lpn for u in units], PLAIN)))


# --- batches ------------------------------------------------------------------------------------------------

def test_a_batch_job_renders_a_downloadable_file_and_records_its_labels(plant):
    units = staged(plant, 4)
    job = printing.start_job(plant.stager, "unit", {"work_order": "WO-1"}, size="4x2", output="zpl",
                             settings=PLAIN, background=False)
    job = LabelJob.get_by_id(job.id)
    assert (job.status, job.done, job.total) == ("done", 4, 4)
    name, mimetype, data = printing.job_file(job)
    assert name.endswith(".zpl") and len(formats(data)) == 4
    assert LabelPrint.select().where(LabelPrint.job == job).count() == len(units)


def test_a_batch_job_to_a_refusing_printer_waits_in_its_queue_says_so_and_records_nothing(plant):
    printing.save_printer(plant.users["admin"], "Gone", "127.0.0.1", refused_port(), 203, "4x6")
    staged(plant, 2)
    job = printing.start_job(plant.stager, "unit", {"work_order": "WO-1"}, size="4x2", output="printer",
                             printer_name="Gone", settings=PLAIN, background=False, timeout=2)
    job = LabelJob.get_by_id(job.id)
    [queued] = PrintJob.select()
    assert job.status == "done" and job.error == (
        f"Print job {queued.id} on Gone: queued. Gone does not answer (refused the connection)")
    assert queued.state == "queued" and len(queued.codes.split()) == 2
    assert LabelPrint.select().count() == 0


def test_a_job_in_a_thread_reports_progress_until_done(plant, fake_printer):
    staged(plant, 3)
    job = printing.start_job(plant.stager, "unit", {"work_order": "WO-1"}, size="4x2", output="printer",
                             printer_name="Dock Zebra", settings=PLAIN)
    deadline = time.monotonic() + 30
    while printing.job_for(plant.stager, job.id).status not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.05)
    job = printing.job_for(plant.stager, job.id)
    assert (job.status, job.done) == ("done", 3)
    assert len(formats(fake_printer.wait(1)[0])) == 3


def test_a_job_is_only_for_its_owner_or_an_admin(plant):
    plant.receive()
    job = printing.start_job(plant.stager, "commands", {}, size="a4", output="pdf", settings=PLAIN,
                             background=False)
    other = plant.users["admin"]
    assert printing.job_for(other, job.id).id == job.id
    from staging.domain.people.users import create_user
    with pytest.raises(NotFound):
        printing.job_for(create_user("stager2", "stager", "password-123"), job.id)
    with pytest.raises(NotFound):  # a lead neither: a badge batch holds every code in it
        printing.job_for(plant.users["lead"], job.id)


def test_a_batch_asks_for_a_sensible_request(plant):
    with pytest.raises(Invalid, match="Say which units"):
        printing.start_job(plant.stager, "unit", {}, size="4x6", output="pdf", settings=PLAIN)
    with pytest.raises(Invalid, match="comes in"):
        printing.start_job(plant.stager, "location", {"first": "A"}, size="a4", output="pdf", settings=PLAIN)
    with pytest.raises(NotFound, match="work order"):
        printing.start_job(plant.stager, "unit", {"work_order": "WO-404"}, size="4x6", output="pdf",
                           settings=PLAIN)
    assert WorkOrder.select().count() == 1 and LabelJob.select().count() == 0
