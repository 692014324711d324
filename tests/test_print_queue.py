"""Printers you can trust (SQLite and PostgreSQL): the host status `~HS` read from a real TCP peer
that speaks the printer's side (tests/printer_peer.py), a queue that keeps a label while the printer
has no paper and prints it exactly once when the paper is back (after a restart of the app too),
timeouts, cancel, retry, reprint, and two senders that never send one job twice."""
import datetime
import threading

import pytest

from staging.domain.errors import Conflict
from staging.media import labels, printer_status, printing, printqueue, printsender
from staging.store.db import bind, db, open_database
from staging.store.models import LabelPrint, Printer, PrintJob

from .printer_peer import PrinterPeer, hs_answer
from .test_labels import refused_port

PLAIN = labels.Settings(timezone="Europe/Berlin")
QUICK = {"timeout": 2, "answer_timeout": 0.5}


@pytest.fixture
def floor_zebra(plant):
    peer = PrinterPeer(paper_out=True)
    printing.save_printer(plant.users["admin"], "Floor Zebra", "127.0.0.1", peer.port, serves="R-A")
    yield peer
    peer.close()


def sender():
    return printsender.Sender(waiting_every=0, idle_every=0, **QUICK)


def label_for(unit):
    return labels.unit_labels([unit.lpn], PLAIN)


def sent_lpns(peer):
    return [data for data in peer.settle() if b"^XA" in data]


# --- what ~HS says -----------------------------------------------------------------------------------

@pytest.mark.parametrize("flags, state", [
    ({}, "ready"), ({"paper_out": True}, "paper_out"), ({"paused": True}, "paused"),
    ({"head_open": True}, "head_open"), ({"ribbon_out": True}, "ribbon_out"),
    ({"paper_out": True, "paused": True}, "paper_out"),  # a printer out of paper also pauses itself
])
def test_each_state_is_read_from_the_three_status_strings(flags, state):
    status = printer_status.parse(hs_answer(**flags))
    assert status.state == state
    assert status.sendable == (state == "ready")


def test_a_zebra_answer_as_it_comes_off_the_wire_is_read():
    # String 1 of a ZD420 with the media out and paused (fields b and c), string 2 with the head closed.
    wire = (b"\x02030,1,1,0812,000,0,0,0,000,0,0,0\x03\r\n\x02000,0,0,0,1,2,6,0,00000000,1,000\x03\r\n"
            b"\x021234,0\x03\r\n")
    assert printer_status.parse(wire).state == "paper_out"
    full = printer_status.parse(hs_answer(buffer_full=True))
    assert (full.state, full.sendable, full.note) == ("ready", False, "buffer full")
    assert printer_status.parse(b"garbage") is None


def test_the_status_is_asked_over_tcp_ready_paused_unknown_and_offline():
    peer = PrinterPeer(paused=True)
    try:
        assert printer_status.query("127.0.0.1", peer.port).state == "paused"
        peer.set()
        assert printer_status.query("127.0.0.1", peer.port).state == "ready"
        peer.answers_status = False  # takes the connection, never answers ~HS
        assert printer_status.query("127.0.0.1", peer.port, answer_timeout=0.3).state == "unknown"
        peer.switch_off()
        off = printer_status.query("127.0.0.1", peer.port)
        assert (off.state, off.note) == ("offline", "refused the connection")
        assert peer.jobs == []  # a status query is not a label
    finally:
        peer.close()
    assert printer_status.query("127.0.0.1", refused_port()).state == "offline"


# --- the queue -----------------------------------------------------------------------------------------

def test_a_label_for_a_printer_without_paper_waits_says_why_and_prints_once_when_the_paper_is_back(
        plant, floor_zebra):
    unit = plant.receive()
    job = printqueue.print_to(plant.stager, "Floor Zebra", label_for(unit), **{"timeout": 2})
    assert job.state == "queued" and job.error == "Floor Zebra has no paper"
    printer = Printer.get(Printer.name == "Floor Zebra")
    assert printer.status == "paper_out" and printer.status_since is not None
    assert str(printqueue.reason(printer)) == "Floor Zebra has no paper"
    assert sent_lpns(floor_zebra) == [] and not LabelPrint.select().exists()

    assert sender().run_once() == 0  # still no paper: it keeps waiting
    floor_zebra.set()  # paper back
    assert sender().run_once() == 1
    assert sender().run_once() == 0
    [zpl] = sent_lpns(floor_zebra)
    assert unit.lpn.encode() in zpl and b"REPRINT" not in zpl
    job = PrintJob.get_by_id(job.id)
    assert (job.state, job.attempts, job.error) == ("sent", 1, "")
    [row] = LabelPrint.select()
    assert (row.code, row.printed, row.print_job_id, row.reprint) == (unit.lpn, True, job.id, False)


def test_across_a_restart_of_the_app_the_waiting_label_prints_once(plant, floor_zebra, database_url):
    unit = plant.receive()
    job = printqueue.print_to(plant.stager, "Floor Zebra", label_for(unit), timeout=2)
    assert job.state == "queued"
    db.close()  # the app stops; a new one starts on the same database
    bind(open_database(database_url))
    db.connect(reuse_if_open=True)
    floor_zebra.set()
    fresh = sender().start()
    try:
        floor_zebra.wait(1)
    finally:
        fresh.stop()
    assert sender().run_once() == 0
    assert len(sent_lpns(floor_zebra)) == 1
    assert PrintJob.get_by_id(job.id).state == "sent"
    assert LabelPrint.select().where(LabelPrint.code == unit.lpn).count() == 1


def test_a_job_left_on_the_wire_by_a_crash_is_not_sent_again_but_said_and_reprinted_on_request(plant, floor_zebra):
    unit = plant.receive()
    job = printqueue.enqueue(plant.stager, Printer.get(Printer.name == "Floor Zebra"), label_for(unit))
    PrintJob.update(state="sending", attempts=1).where(PrintJob.id == job.id).execute()  # died mid-send
    floor_zebra.set()
    assert sender().run_once() == 0
    job = PrintJob.get_by_id(job.id)
    assert job.state == "failed" and job.error.startswith("May have printed")
    assert sent_lpns(floor_zebra) == []
    again = printqueue.reprint(plant.stager, job.id, PLAIN, timeout=2)
    assert again.state == "sent" and again.reprint
    [zpl] = sent_lpns(floor_zebra)
    assert b"REPRINT" in zpl
    assert [r.reprint for r in LabelPrint.select()] == [True]


def test_a_job_that_waited_too_long_fails_and_says_why(plant, floor_zebra):
    unit = plant.receive()
    job = printqueue.print_to(plant.stager, "Floor Zebra", label_for(unit), timeout=2)
    PrintJob.update(queued_at=job.queued_at - datetime.timedelta(minutes=31)).where(PrintJob.id == job.id).execute()
    sender().run_once()
    job = PrintJob.get_by_id(job.id)
    assert job.state == "failed"
    assert job.error == "Waited 30 minutes and was not printed: Floor Zebra has no paper."
    floor_zebra.set()
    sender().run_once()
    assert sent_lpns(floor_zebra) == []  # a failed job waits for a person


def test_cancel_and_retry(plant, floor_zebra):
    first, second = plant.receive(), plant.receive()
    one = printqueue.print_to(plant.stager, "Floor Zebra", label_for(first), timeout=2)
    two = printqueue.print_to(plant.stager, "Floor Zebra", label_for(second), timeout=2)
    assert printqueue.cancel(plant.stager, one.id).state == "cancelled"
    with pytest.raises(Conflict):
        printqueue.retry(plant.stager, one.id)
    PrintJob.update(state="failed", error="Waited").where(PrintJob.id == two.id).execute()
    floor_zebra.set()
    assert printqueue.retry(plant.stager, two.id, timeout=2).state == "sent"
    [zpl] = sent_lpns(floor_zebra)
    assert second.lpn.encode() in zpl and first.lpn.encode() not in zpl
    with pytest.raises(Conflict):
        printqueue.cancel(plant.stager, two.id)


def test_a_second_print_of_a_waiting_label_says_reprint_and_the_same_request_makes_one_job(plant, floor_zebra):
    unit = plant.receive()
    printer = Printer.get(Printer.name == "Floor Zebra")
    first = printqueue.enqueue(plant.stager, printer, label_for(unit), request="hh-1")
    assert printqueue.enqueue(plant.stager, printer, label_for(unit), request="hh-1").id == first.id
    second = printqueue.enqueue(plant.lead, printer, label_for(unit))
    assert not first.reprint and second.reprint
    floor_zebra.set()
    sender().run_once()
    assert [b"REPRINT" in z for z in sent_lpns(floor_zebra)] == [False, True]  # in order
    assert PrintJob.select().where(PrintJob.state == "sent").count() == 2


def test_an_offline_printer_keeps_the_label_until_it_is_switched_on(plant, floor_zebra):
    unit = plant.receive()
    floor_zebra.set()
    floor_zebra.switch_off()
    job = printqueue.print_to(plant.stager, "Floor Zebra", label_for(unit), timeout=2)
    assert job.state == "queued" and "does not answer" in job.error and "refused" in job.error
    floor_zebra.switch_on()
    assert sender().run_once() == 1
    assert len(sent_lpns(floor_zebra)) == 1


def test_a_printer_without_status_gets_its_labels_anyway(plant):
    peer = PrinterPeer(answers_status=False)
    try:
        printing.save_printer(plant.users["admin"], "Old", "127.0.0.1", peer.port)
        unit = plant.receive()
        job = printqueue.enqueue(plant.stager, Printer.get(Printer.name == "Old"), label_for(unit))
        assert printqueue.dispatch(job.printer, **QUICK) == 1
        assert Printer.get(Printer.name == "Old").status == "unknown"
        assert len(peer.wait(1)) == 1
    finally:
        peer.close()


def test_two_senders_never_send_one_job_twice(plant, floor_zebra):
    units = [plant.receive() for _ in range(6)]
    printer = Printer.get(Printer.name == "Floor Zebra")
    jobs = [printqueue.enqueue(plant.stager, printer, label_for(u)) for u in units]
    floor_zebra.set()
    start = threading.Barrier(3)
    sent = []

    def one_sender():
        with db.connection_context():
            start.wait()
            for _ in range(4):
                sent.append(printqueue.dispatch(Printer.get_by_id(printer.id), **QUICK))

    threads = [threading.Thread(target=one_sender) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(sent) == 6
    received = sent_lpns(floor_zebra)
    assert [next(u.lpn for u in units if u.lpn.encode() in z) for z in received] == [u.lpn for u in units]
    assert {PrintJob.get_by_id(j.id).state for j in jobs} == {"sent"}
    assert LabelPrint.select().count() == 6


def test_the_promise_holds_after_sends_and_names_a_sent_job_without_its_print_rows(plant, floor_zebra):
    from staging.domain.promises import print_jobs
    units = [plant.receive() for _ in range(2)]
    floor_zebra.set()
    jobs = [printqueue.print_to(plant.stager, "Floor Zebra", label_for(u), timeout=2) for u in units]
    printqueue.test_label(plant.stager, jobs[0].printer, timeout=2)
    assert [j.state for j in jobs] == ["sent", "sent"] and print_jobs.broken() == []
    LabelPrint.delete().where(LabelPrint.print_job == jobs[1].id).execute()
    assert print_jobs.broken() == [f"print job {jobs[1].id}: sent, 1 labels but 0 print rows"]
