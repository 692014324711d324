"""The print queue: every label for a network printer is a stored job (PrintJob) that waits until the
printer says it can print (its `~HS` host status, printer_status.py), then goes out once.

Who sends: whoever holds the printer's lease (a conditional UPDATE of its row: on PostgreSQL the
row lock lets one of two concurrent takers win, on SQLite writers take turns), so among all app
processes of all hosts one sender talks to a printer at a time and its jobs leave in order. The
request that made a job tries at once; the background sender (printsender.py) tries again every 10 s
while jobs wait, after a restart too.

Sent once, in this order: the job is marked `sending` (attempts + 1) and committed BEFORE a byte goes
out; after the printer took the data the job becomes `sent` in the same transaction as its label
print rows. A crash between the two leaves the job `sending`; the next lease holder finds it and does
NOT send it again: it fails it as "may have printed", and a person looks at the printer and reprints
(the label then says REPRINT) or marks it sent. A label printed twice is always a person's choice.
A connection that was never made sent nothing: that job simply waits again. No Flask here."""
import datetime
import os
import socket
import uuid

from ..domain.errors import Conflict, Invalid, NotFound
from ..domain.people.permissions import authorize
from ..domain.words import Words
from ..store.db import write_transaction
from ..store.models import LabelPrint, Printer, PrintJob, User, utcnow
from . import labels, printer_status, printing

LEASE = datetime.timedelta(minutes=2)  # a holder renews it before every job; longer than one send
ACTIVE = ("queued", "sending")
MAX_COPIES = 20


def reason(printer):
    """Why a printer does not print now, in words; None when it prints."""
    if printer.status == "paper_out":
        return Words("{printer} has no paper", printer=printer.name)
    if printer.status == "ribbon_out":
        return Words("{printer} is out of ribbon", printer=printer.name)
    if printer.status == "head_open":
        return Words("{printer} has its head open", printer=printer.name)
    if printer.status == "paused":
        return Words("{printer} is paused", printer=printer.name)
    if printer.status == "offline":
        return Words("{printer} does not answer ({why})", printer=printer.name, why=printer.status_note)
    if printer.status_note == "buffer full":
        return Words("{printer} has a full buffer", printer=printer.name)
    return None


def not_printing(places):
    """For the floor board: the printers that cannot print now (no paper, head open, paused,
    offline), with why, and per place given (a machine, a station) the reason of the printer that
    serves it. Costs nothing more while every printer prints."""
    down = [p for p in printing.printers() if reason(p) is not None]
    if not down:
        return [], {}
    ids = {p.id for p in down}
    served = {}
    for place in places:
        printer = printing.printer_for(place)
        if printer is not None and printer.id in ids:
            served[place.id] = reason(printer)
    return [(p, reason(p)) for p in down], served


# --- asking a printer ---------------------------------------------------------------------------------

def check(printer, *, connect_timeout=printing.DEFAULT_TIMEOUT, answer_timeout=printer_status.STATUS_TIMEOUT):
    """Ask the printer (~HS) and keep the answer on its row: the state, since when, when asked."""
    status = printer_status.query(printer.host, printer.port, connect_timeout=connect_timeout,
                                  answer_timeout=answer_timeout)
    now = utcnow()
    changed = status.state != printer.status or printer.status_since is None
    values = {"status": status.state, "checked_at": now, "status_note": status.note[:200]}
    if changed:
        values["status_since"] = now
    Printer.update(**values).where(Printer.id == printer.id).execute()
    for name, value in values.items():
        setattr(printer, name, value)
    return status


# --- jobs ---------------------------------------------------------------------------------------------

def enqueue(user, printer, batch, *, copies=1, request=None, reprint=False):
    """Store labels for a printer as a queued job (rendered now, at its size and resolution). The
    same `request` id again gives the job it made. Labels printed before, or waiting in another job,
    say REPRINT: a second label for one thing is always a reprint."""
    printing._authorize(user, batch)
    if request:
        earlier = PrintJob.get_or_none(PrintJob.request == str(request)[:64])
        if earlier is not None:
            return earlier
    copies = _copies(copies)
    labels.mark_reprints(batch)
    waiting = {code for row in PrintJob.select(PrintJob.codes).where(
        PrintJob.state.in_(ACTIVE), PrintJob.kind == batch[0].kind).tuples() for code in row[0].split("\n")}
    for label in batch:
        label.mark_reprint(reprint or label.reprint or label.code in waiting)
    payload = labels.zpl(batch, printer.size, printer.dpi) * copies
    return rendered(user, printer, batch, payload, copies=copies, request=request)


def rendered(user, printer, batch, payload, *, copies=1, request=None):
    """Store labels already rendered (a batch made in the background) as a queued job."""
    return PrintJob.create(printer=printer, user=user, kind=batch[0].kind, codes="\n".join(lb.code for lb in batch),
                           copies=copies, reprint=any(lb.reprint for lb in batch), payload=payload,
                           request=str(request)[:64] if request else None, error=_waiting(printer))


def _copies(copies):
    text = str(copies if copies is not None else 1).strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_COPIES:
        raise Invalid("Copies: a number from 1 to {most}.", most=MAX_COPIES)
    return int(text)


def _waiting(printer):
    why = reason(printer)
    return str(why) if why is not None else ""


def print_to(user, printer_name, batch, *, copies=1, request=None, timeout=printing.DEFAULT_TIMEOUT):
    """Print labels on a network printer, at its resolution and on its media size: queued, then
    tried at once. The job, sent or still queued with why it waits."""
    printer = printing.get_printer(printer_name)
    job = enqueue(user, printer, batch, copies=copies, request=request)
    dispatch(printer, timeout=timeout)
    return PrintJob.get_by_id(job.id)


def get_job(job_id):
    job = PrintJob.get_or_none(PrintJob.id == job_id) if str(job_id).isdigit() else None
    if job is None:
        raise NotFound("No print job {job}.", job=str(job_id)[:20])
    return job


def waiting(printer):
    return list(PrintJob.select().where(PrintJob.printer == printer, PrintJob.state.in_(ACTIVE))
                .order_by(PrintJob.id))


def sent_lately(printer, limit=5):
    return list(PrintJob.select().where(PrintJob.printer == printer, PrintJob.state == "sent")
                .order_by(PrintJob.id.desc()).limit(limit))


def failed(printer, limit=20):
    return list(PrintJob.select().where(PrintJob.printer == printer, PrintJob.state == "failed")
                .order_by(PrintJob.id.desc()).limit(limit))


def queued_counts():
    rows = (PrintJob.select(PrintJob.printer, PrintJob.id).where(PrintJob.state.in_(ACTIVE)).tuples())
    counts = {}
    for printer_id, _ in rows:
        counts[printer_id] = counts.get(printer_id, 0) + 1
    return counts


def _set(job_id, when=("queued",), **values):
    """Change a job only if it is still in one of `when`: True when it was."""
    return PrintJob.update(updated_at=utcnow(), **values).where(
        PrintJob.id == job_id, PrintJob.state.in_(when)).execute() == 1


def cancel(user, job_id):
    authorize(user, "print_labels")
    job = get_job(job_id)
    if not _set(job.id, ("queued", "failed"), state="cancelled"):
        raise Conflict("Job {job} is {state}: only a waiting or failed job can be cancelled.", job=job.id,
                       state=job.state)
    return get_job(job.id)


def retry(user, job_id, timeout=printing.DEFAULT_TIMEOUT):
    """A failed job waits again (its wait starts anew) and is tried at once."""
    authorize(user, "print_labels")
    job = get_job(job_id)
    if not _set(job.id, ("failed",), state="queued", error=_waiting(job.printer), queued_at=utcnow()):
        raise Conflict("Job {job} is {state}: only a failed job can be tried again.", job=job.id, state=job.state)
    dispatch(job.printer, timeout=timeout)
    return get_job(job.id)


def reprint(user, job_id, settings, timeout=printing.DEFAULT_TIMEOUT):
    """The same labels again as a new job, saying REPRINT (a person's choice, never the queue's)."""
    job = get_job(job_id)
    if job.kind not in ("unit", "location"):
        raise Invalid("Only unit and location labels are reprinted; print a new test label instead.")
    batch = [labels.one(job.kind, code, settings) for code in job.codes.split("\n") if code]
    new = enqueue(user, job.printer, batch, copies=job.copies, reprint=True)
    dispatch(job.printer, timeout=timeout)
    return get_job(new.id)


def mark_sent(user, job_id):
    """Someone looked: the job that may have printed did print. Recorded like a send."""
    authorize(user, "print_labels")
    job = get_job(job_id)
    with write_transaction():
        done = PrintJob.update(state="sent", error="", sent_at=utcnow(), updated_at=utcnow()).where(
            PrintJob.id == job.id, PrintJob.state == "failed", PrintJob.attempts > 0).execute()
        if not done:
            raise Conflict("Job {job} never went to the printer: only a job that may have printed can be marked "
                           "as printed. Retry or reprint it.", job=job.id)
        _record(job)
    return get_job(job.id)


def test_label(user, printer, timeout=printing.DEFAULT_TIMEOUT):
    """A test label (the printer's name and the time) through the queue like any other."""
    authorize(user, "print_labels")
    stamp = utcnow().strftime("%Y-%m-%d %H:%M UTC")
    text = f"TEST {printer.name} {stamp}".replace("^", " ").replace("~", " ")
    payload = (f"^XA^CI28^FO40,40^A0N,40,40^FD{text}^FS^FO40,100^GB700,4,4^FS^XZ\n").encode()
    job = PrintJob.create(printer=printer, user=user, kind="test", codes="", payload=payload,
                          error=_waiting(printer))
    dispatch(printer, timeout=timeout)
    return get_job(job.id)


def _record(job):
    """The print history of a sent job: one printed row per label (none for a test label)."""
    now, user = utcnow(), User.get_or_none(User.id == job.user_id)
    rows = [{"kind": job.kind, "code": code, "user": user.id if user else None, "printer": job.printer_id,
             "output": "printer", "size": job.printer.size, "reprint": job.reprint and job.kind == "unit",
             "printed": True, "print_job": job.id, "at": now} for code in job.codes.split("\n") if code]
    for chunk in labels._chunks(rows, 200):
        LabelPrint.insert_many(chunk).execute()


# --- sending: one lease holder per printer --------------------------------------------------------------

def _holder():
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _take_lease(printer, holder):
    now = utcnow()
    with write_transaction():
        return Printer.update(lease_holder=holder, lease_until=now + LEASE).where(
            Printer.id == printer.id,
            Printer.lease_until.is_null() | (Printer.lease_until < now) | (Printer.lease_holder == holder)
        ).execute() == 1


def _release(printer, holder):
    Printer.update(lease_holder=None, lease_until=None).where(
        Printer.id == printer.id, Printer.lease_holder == holder).execute()


def dispatch(printer, *, timeout=printing.DEFAULT_TIMEOUT, answer_timeout=printer_status.STATUS_TIMEOUT):
    """Send the printer's waiting jobs in order while it is ready, asking its status before each.
    Returns how many were sent; 0 at once when another sender holds the printer."""
    holder = _holder()
    if not _take_lease(printer, holder):
        return 0
    try:
        _orphans(printer)
        _time_out(printer)
        sent = 0
        while (job := _next(printer)) is not None:
            if not _take_lease(printer, holder):  # renewed before every job: never sent by two
                break
            status = check(printer, connect_timeout=timeout, answer_timeout=answer_timeout)
            if not status.sendable:
                _note_waiting(printer)
                break
            if not _send(job, printer, timeout):
                break
            sent += 1
        return sent
    finally:
        _release(printer, holder)


def _next(printer):
    return (PrintJob.select().where(PrintJob.printer == printer, PrintJob.state == "queued")
            .order_by(PrintJob.id).first())


def _orphans(printer):
    """A job left `sending` by a sender that died (its lease ran out): it may have printed. Not sent
    again by itself; a person checks the printer, then reprints or marks it sent."""
    PrintJob.update(state="failed", updated_at=utcnow(), error=str(Words(
        "May have printed: the sender stopped while sending it. Check {printer}, then reprint or mark it "
        "printed.", printer=printer.name))).where(PrintJob.printer == printer, PrintJob.state == "sending").execute()


def _time_out(printer):
    limit = utcnow() - datetime.timedelta(minutes=max(printer.timeout_minutes or 0, 0))
    why = _waiting(printer) or "the printer was not ready"
    message = str(Words("Waited {minutes} minutes and was not printed: {why}.", minutes=printer.timeout_minutes,
                        why=why))
    PrintJob.update(state="failed", error=message, updated_at=utcnow()).where(
        PrintJob.printer == printer, PrintJob.state == "queued", PrintJob.queued_at < limit).execute()


def _note_waiting(printer):
    why = _waiting(printer)
    PrintJob.update(error=why, waited=why, updated_at=utcnow()).where(
        PrintJob.printer == printer, PrintJob.state == "queued").execute()


def _send(job, printer, timeout):
    """One job on the wire. False when the printer stopped taking jobs (the job waits again)."""
    if not _set(job.id, ("queued",), state="sending", attempts=PrintJob.attempts + 1):
        return True  # cancelled meanwhile: go on with the next
    try:
        printing.send(printer, bytes(job.payload), timeout)
    except printing.PrinterError as err:
        if not err.connected:  # nothing went out: it waits for the printer again
            Printer.update(status="offline", status_note=err.message[:200], status_since=utcnow()).where(
                Printer.id == printer.id, Printer.status != "offline").execute()
            _set(job.id, ("sending",), state="queued", error=err.message, waited=err.message)
            return False
        _set(job.id, ("sending",), state="failed", error=str(Words(
            "May have printed: {problem} Check {printer}, then reprint or mark it printed.",
            problem=err.message, printer=printer.name)))
        return True
    with write_transaction():
        if _set(job.id, ("sending",), state="sent", error="", sent_at=utcnow()):
            _record(PrintJob.get_by_id(job.id))
    return True
