"""Printing labels: network printers (ZPL over raw TCP 9100), the print history, and batches
rendered in the background with their progress in the database.

A print is recorded (LabelPrint) only after the printer took the data: a printer that does not
answer leaves no trace of a print that never happened. A PDF, ZPL file or print page made is
recorded as made, not printed (a stager checks a PDF before printing it): it becomes a print when
someone confirms it was printed. Only printed rows make the next label say REPRINT. No Flask here."""
import datetime
import re
import socket
import threading

from peewee import JOIN, fn

from ..domain import codes
from ..domain.errors import DomainError, Invalid, NotFound
from ..domain.inventory import made_by
from ..domain.people.permissions import authorize, can
from ..domain.setup.fields import Form
from ..domain.words import Words
from ..store.db import db, write_transaction
from ..store.models import LabelJob, LabelPrint, Location, Printer, User, utcnow
from . import labels

DEFAULT_TIMEOUT = 5.0
OUTPUTS = ("pdf", "zpl", "printer")
HOST = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.:-]{0,119}$")
STALE_AFTER = datetime.timedelta(minutes=2)  # a job silent this long died with its worker


class PrinterError(DomainError):
    """The printer did not take the labels: nothing was printed, nothing recorded."""
    status = 503
    title = "Printer not answering"
    connected = False  # True: the printer took the connection, so part of the labels may have gone out


# --- printers --------------------------------------------------------------------------------------

def printers(active_only=True):
    query = Printer.select().order_by(Printer.name)
    return list(query.where(Printer.active) if active_only else query)


def get_printer(name):
    printer = Printer.get_or_none(Printer.name == str(name or "").strip(), Printer.active)
    if printer is None:
        raise NotFound("No printer named “{name}”.", name=codes.shown(name or ''))
    return printer


def _may_set_up(user):
    # Printers are plant set-up, like users: admins only.
    authorize(user, "set_up_printers")


def _name(name):
    name = " ".join(str(name or "").split())
    if not name or len(name) > 40 or not name.isprintable():
        raise Invalid("A printer name is 1 to 40 printable characters.")
    return name


def _host(host):
    host = str(host or "").strip()
    if not host:
        raise Invalid("Give the printer's host name or IP address.")
    if not HOST.match(host):
        raise Invalid("“{host}” is not a host name or IP address: letters, digits, dots, colons and dashes, "
                      "like 10.0.4.21 or zebra-dock.plant.local.", host=codes.shown(host[:60]))
    return host


def _port(port):
    text = str(port).strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise Invalid("The port is a number from 1 to 65535 (Zebra printers: 9100), not “{port}”.",
                      port=codes.shown(text[:20]))
    return int(text)


def _minutes(wait):
    text = str(wait if wait not in (None, "") else 30).strip()
    if not text.isdigit() or not 1 <= int(text) <= 24 * 60:
        raise Invalid("A label waits 1 to 1440 minutes for the printer, not “{wait}”.", wait=codes.shown(text[:20]))
    return int(text)


def _dpi(dpi):
    text = str(dpi).strip()
    if not text.isdigit() or int(text) not in labels.DPIS:
        raise Invalid("The resolution is {dpis} dpi.", dpis=' or '.join(map(str, labels.DPIS)))
    return int(text)


def _size(size):
    if size not in labels.LABEL_SIZES:
        raise Invalid("The label size is one of {sizes}.", sizes=', '.join(labels.LABEL_SIZES))
    return size


def save_printer(user, name, host, port=9100, dpi=203, size="4x6", serves="", wait=30):
    """Add a printer, or change the one with this name; `serves`: the code of the place it serves
    (a station, an area, a hall), or "" for none; `wait`: minutes a label waits for it before it fails.
    Refused (fields.Refused): every wrong field at once."""
    _may_set_up(user)
    form = Form()
    place, wait = form.read("serves", _served, serves), form.read("wait", _minutes, wait)
    name, host = form.read("name", _name, name), form.read("host", _host, host)
    port, dpi, size = form.read("port", _port, port), form.read("dpi", _dpi, dpi), form.read("size", _size, size)
    form.check()
    with write_transaction():
        printer = Printer.get_or_none(Printer.name == name)
        if printer is None:
            return Printer.create(name=name, host=host, port=port, dpi=dpi, size=size, serves=place,
                                  timeout_minutes=wait)
        printer.host, printer.port, printer.dpi, printer.size, printer.active = host, port, dpi, size, True
        printer.timeout_minutes = wait
        printer.serves = place
        printer.save()
    return printer


def _served(code):
    code = str(code or "").strip()
    if not code:
        return None
    place = codes.find_location(code) or Location.get_or_none(Location.code == code.upper())
    if place is None:
        raise Invalid("No location with the code “{code}”: a printer serves a place that exists "
                      "(a station, an area or a hall), or none.", code=codes.shown(code))
    return place


def printer_for(place):
    """The printer for new labels at `place`: the one that serves it, else the one named like it (a
    station's own printer), else the same for the place it is in, and so on up; None when none does."""
    chain, seen = [], set()
    while place is not None and place.id not in seen and len(chain) < 12:
        chain.append(place)
        seen.add(place.id)
        place = place.parent if place.parent_id else None
    if not chain:
        return None
    found = list(Printer.select().where(Printer.active, Printer.serves.in_([p.id for p in chain])
                                        | Printer.name.in_([p.code for p in chain])))
    for here in chain:
        for printer in found:
            if printer.serves_id == here.id or printer.name == here.code:
                return printer
    return None


def remove_printer(user, name):
    _may_set_up(user)
    printer = get_printer(name)
    printer.active = False
    printer.save()
    return printer


def send(printer, data, timeout=DEFAULT_TIMEOUT):
    """Send ZPL to a printer's raw port. Raises PrinterError with what went wrong; its `connected`
    says whether bytes may have gone out (then the labels may have printed)."""
    where = f"{printer.host}:{printer.port}"
    try:
        sock = socket.create_connection((printer.host, printer.port), timeout=timeout)
    except ConnectionRefusedError:
        raise PrinterError("Printer {printer} ({where}) refused the connection: is it switched on, and is raw "
                           "printing on port {port} enabled? Nothing was printed.", printer=printer.name, where=where,
                           port=printer.port) from None
    except socket.timeout:
        raise PrinterError("Printer {printer} ({where}) did not answer within {timeout} s: is it on the network? "
                           "Nothing was printed.", printer=printer.name, where=where, timeout=f'{timeout:g}') from None
    except socket.gaierror:
        raise PrinterError("Printer {printer}: the host {host} is unknown. Nothing was printed.", printer=printer.name,
                           host=printer.host) from None
    except OSError as err:
        raise PrinterError("Printer {printer} ({where}) cannot be reached ({reason}). Nothing was printed.",
                           printer=printer.name, where=where, reason=err.strerror or str(err)) from None
    with sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError as err:
            failure = PrinterError("Printer {printer} ({where}) broke off while taking the labels ({reason}).",
                                   printer=printer.name, where=where, reason=err.strerror or str(err))
            failure.connected = True
            raise failure from None


# --- printing and the history ------------------------------------------------------------------------

def may_print(user, kind, code):
    """Stagers and above print any label; anyone prints the label of a unit they made (received,
    produced or split off): the panel that made it tells them to print it."""
    return can(user, "print_labels") or (kind == "unit" and made_by(user, code))


def _authorize(user, batch):
    if all(may_print(user, lb.kind, lb.code) for lb in batch) and batch:
        return
    authorize(user, "print_labels")  # says who may


def record(user, batch, *, output, size, printer=None, job=None):
    """The print history: one row per label, reprint when that label was printed before. Printed
    when it went to a printer; a file or page is only made, until confirmed (confirm_printed)."""
    _authorize(user, batch)
    rows = [{"kind": lb.kind, "code": lb.code, "user": user.id, "printer": printer.id if printer else None,
             "output": output, "size": size, "reprint": lb.reprint, "job": job.id if job else None,
             "printed": output == "printer", "at": utcnow()} for lb in batch]
    with write_transaction():
        for chunk in labels._chunks(rows, 200):
            LabelPrint.insert_many(chunk).execute()
    return len(rows)


def download(user, batch, fmt, size, *, dpi=203, sheet=None):
    """A ZPL or PDF file of labels, recorded as made: a download is not a print."""
    _authorize(user, batch)
    labels.mark_reprints(batch)
    data = labels.render(batch, fmt, size, dpi=dpi, sheet=sheet)
    record(user, batch, output=fmt, size=size)
    return data


def for_html(user, batch, size):
    """Labels for the browser's print page (the office-printer path), recorded as made, like a file."""
    authorize(user, "print_labels")
    labels.layout(batch[0].kind, size)
    labels.mark_reprints(batch)
    record(user, batch, output="html", size=size)
    return batch


def preview(batch, fmt, size, *, dpi=203):
    """An SVG or PNG of a label as it would print next (with REPRINT if printed before)."""
    labels.mark_reprints(batch)
    return labels.render(batch, fmt, size, dpi=dpi)


def confirm_printed(user, kind, codes_, job=None):
    """Someone printed these labels from a file or page they made: record them as printed, so the
    next label says REPRINT. Per label the latest made, unconfirmed row (of the job, if given)
    becomes the print. Returns how many were confirmed."""
    authorize(user, "print_labels")
    latest = (LabelPrint.select(fn.MAX(LabelPrint.id)).where(~LabelPrint.printed)
              .group_by(LabelPrint.kind, LabelPrint.code))
    with write_transaction():
        if job is not None:
            ids = [row[0] for row in latest.where(LabelPrint.job == job).tuples()]
        else:
            ids = [row[0] for chunk in labels._chunks([str(c) for c in codes_][:labels.MAX_BATCH])
                   for row in latest.where(LabelPrint.kind == kind, LabelPrint.code.in_(chunk)).tuples()]
        if not ids:
            raise Invalid("Nothing made here waits to be confirmed: make the PDF or print page first.")
        for chunk in labels._chunks(ids, 200):
            LabelPrint.update(printed=True, user=user.id, at=utcnow()).where(LabelPrint.id.in_(chunk)).execute()
    return len(ids)


def confirm_job(user, job_id):
    """A batch's PDF or ZPL file was printed: its labels are printed now. Returns the job."""
    authorize(user, "print_labels")  # before the lookup: an operator is told why, not "no such job"
    job = job_for(user, job_id)
    confirm_printed(user, job.kind, (), job=job)
    return job


def unconfirmed(job):
    """How many labels of a job are made but not yet confirmed as printed."""
    return LabelPrint.select().where(LabelPrint.job == job, ~LabelPrint.printed).count()


def history(kind, code, limit=20):
    return list(LabelPrint.select(LabelPrint, User, Printer)
                .join(User, on=(LabelPrint.user == User.id), attr="user")
                .switch(LabelPrint).join(Printer, JOIN.LEFT_OUTER, on=(LabelPrint.printer == Printer.id),
                                         attr="printer")
                .where(LabelPrint.kind == kind, LabelPrint.code == code)
                .order_by(LabelPrint.id.desc()).limit(limit))


def recent_prints(limit=15):
    return list(LabelPrint.select(LabelPrint, User)
                .join(User, on=(LabelPrint.user == User.id), attr="user")
                .order_by(LabelPrint.id.desc()).limit(limit))


# --- batches in the background ------------------------------------------------------------------------

def select(kind, criteria, settings):
    """The labels a batch form asks for.

    unit: `lpns` (one per line) or `work_order` or `received_by` + `since`/`until` (UTC);
    location: `first` and `last` codes; badge: `usernames` (empty: every badge); commands."""
    c = criteria
    if kind == "unit":
        if c.get("lpns"):
            return labels.unit_labels(_words(c["lpns"]), settings), f"{len(_words(c['lpns']))} units by LPN"
        if c.get("work_order"):
            return labels.units_for_work_order(c["work_order"], settings), f"units for work order {c['work_order']}"
        if c.get("received_by"):
            found = labels.units_received(c["received_by"], c.get("since"), c.get("until"), settings)
            return found, f"units received by {c['received_by']}"
        raise Invalid("Say which units: LPNs, a work order, or a receipt (who received them and when).")
    if kind == "location":
        found = labels.location_labels(c.get("first", ""), c.get("last") or None, settings)
        return found, f"locations {found[0].code} to {found[-1].code}"
    if kind == "badge":
        return labels.badge_labels(_words(c.get("usernames", "")), settings), "badges"
    if kind == "commands":
        return [labels.command_sheet(settings)], "command sheet"
    raise Invalid("Choose what to label: pallets/totes, locations, badges or the command sheet.")


def _words(text):
    return [w for w in re.split(r"[\s,;]+", str(text or "")) if w]


def start_job(user, kind, criteria, *, size, output, settings, printer_name=None, sheet=None, dpi=203,
              background=True, timeout=DEFAULT_TIMEOUT):
    """Check the request, pick the labels, and render them in a thread; returns the job row at once."""
    authorize(user, "print_labels")
    if output not in OUTPUTS:
        raise Invalid("Output is one of {outputs}.", outputs=', '.join(OUTPUTS))
    printer = get_printer(printer_name) if output == "printer" else None
    if printer is not None:
        size, dpi = printer.size, printer.dpi
    if kind not in labels.KINDS:
        raise Invalid("Choose what to label: pallets/totes, locations, badges or the command sheet.")
    labels.layout(kind, size)
    if output != "pdf":
        sheet = None
    if output in ("zpl", "printer") and size in labels.SHEETS:
        raise Invalid("The command sheet is a page: make it as a PDF.")
    found, what = select(kind, criteria, settings)
    labels.mark_reprints(found)
    job = LabelJob.create(user=user, kind=kind, size=size, output=output, printer=printer, sheet=sheet or "",
                          dpi=dpi, selection=what, total=len(found), status="queued")
    args = (job.id, found, timeout)
    if background:
        threading.Thread(target=_run_in_thread, args=args, name=f"label-job-{job.id}", daemon=True).start()
    else:
        run_job(*args)
    return job


def _run_in_thread(job_id, found, timeout):
    db.connect(reuse_if_open=True)  # this thread's own connection
    try:
        run_job(job_id, found, timeout)
    finally:
        if not db.is_closed():
            db.close()


def run_job(job_id, found, timeout=DEFAULT_TIMEOUT):
    job = LabelJob.get_by_id(job_id)
    step = max(1, len(found) // 50)

    def progress(done):
        if done % step == 0 or done == len(found):
            LabelJob.update(done=done, updated_at=utcnow()).where(LabelJob.id == job_id).execute()

    try:
        _set(job_id, status="rendering")
        fmt = "pdf" if job.output == "pdf" else "zpl"
        data = labels.render(found, fmt, job.size, dpi=job.dpi, sheet=job.sheet or None, progress=progress)
        if job.output == "printer":
            _set(job_id, status="sending")
            _set(job_id, status="done", error=_through_queue(job, found, data, timeout))
            return
        # Recorded before "done": whoever sees the job done sees its history (and can confirm it).
        record(job.user, found, output=job.output, size=job.size, printer=job.printer, job=job)
        _set(job_id, status="done", result=data)
    except DomainError as err:
        _set(job_id, status="failed", error=err.message)
    except Exception as err:  # a bug must still end the job, or its page polls forever
        _set(job_id, status="failed", error=f"Making the labels failed: {type(err).__name__}: {err}")
        raise


def _through_queue(job, found, data, timeout):
    """A batch for a printer is a print job like any other: it waits while the printer cannot print
    and is sent once (printqueue). "" when it went out now, else where it is, in words."""
    from . import printqueue  # the queue builds on this module's printers and send
    queued = printqueue.rendered(job.user, job.printer, found, data)
    printqueue.dispatch(job.printer, timeout=timeout)
    queued = printqueue.get_job(queued.id)
    if queued.state == "sent":
        return ""
    return str(Words("Print job {job} on {printer}: {state}. {why}", job=queued.id, printer=job.printer.name,
                     state=queued.state, why=queued.error))


def _set(job_id, **values):
    LabelJob.update(updated_at=utcnow(), **values).where(LabelJob.id == job_id).execute()


def job_for(user, job_id):
    """A job its owner (or an admin) may look at; an interrupted one shows as failed.

    Not a lead: a batch of badges holds every code in it, and job ids count up."""
    job = LabelJob.get_or_none(LabelJob.id == job_id)
    if job is None or (job.user_id != user.id and not can(user, "manage_users")):
        raise NotFound("No such label job.")
    if job.status in ("queued", "rendering", "sending") and utcnow() - job.updated_at > STALE_AFTER:
        _set(job.id, status="failed", error="The job stopped (the server restarted?). Make the labels again.")
        job = LabelJob.get_by_id(job.id)
    return job


def job_file(job):
    ext = "pdf" if job.output == "pdf" else "zpl"
    return f"labels-{job.kind}-{job.size}-{job.id}.{ext}", labels.MIMETYPES[ext], bytes(job.result or b"")


def recent_jobs(user, limit=10):
    query = LabelJob.select(LabelJob.id, LabelJob.kind, LabelJob.size, LabelJob.output, LabelJob.status,
                            LabelJob.total, LabelJob.done, LabelJob.selection, LabelJob.created_at)
    if not can(user, "manage_users"):
        query = query.where(LabelJob.user == user)
    return list(query.order_by(LabelJob.id.desc()).limit(limit))
