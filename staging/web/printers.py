"""The printer fleet: /labels/printers (each printer's state and since when, its queue, failed jobs
with retry, cancel, reprint and mark printed, a test label, the places it serves), the printers' API
(/api/printers, /api/print, /api/print/{job}; routes of the api blueprint, so they share its token
check and problem+json), and the start of this process's background sender."""
from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain.errors import DomainError, Invalid
from ..domain.people.permissions import can
from ..domain.words import Words
from ..media import labels, printer_status, printing, printqueue, printsender
from ..store.models import PrintJob
from . import api, schemas_printers
from .apispec import responses, spec
from .auth import login_required
from .i18n import say
from .labels import bp, settings
from .serial import iso


def _timeouts():
    config = current_app.config
    return {"timeout": config.get("PRINTER_TIMEOUT", printing.DEFAULT_TIMEOUT),
            "answer_timeout": config.get("PRINTER_STATUS_TIMEOUT", printer_status.STATUS_TIMEOUT)}


def _timeout():
    return _timeouts()["timeout"]


def register(app):
    """The sender's pace and the status query's patience, unless the configuration says otherwise:
    a round every 2 s (0: no background sender in this process), 2 s for a ~HS answer."""
    app.config.setdefault("PRINT_SENDER_SECONDS", 2)
    app.config.setdefault("PRINTER_STATUS_TIMEOUT", printer_status.STATUS_TIMEOUT)


@bp.before_app_request
def _send_in_background():
    # Waiting labels go out from this process's sender, after a restart too; tests (TESTING) run
    # their own sender when they want one.
    tick = current_app.config.get("PRINT_SENDER_SECONDS", 2)
    if tick and not current_app.testing:
        printsender.ensure_running(tick=tick, **_timeouts())


FLEET_REFRESH_SECONDS = 5  # as the floor board: a printer's state is asked every 10 s while jobs wait


# --- the fleet page -------------------------------------------------------------------------------------

@bp.route("/printers", methods=["GET", "POST"])
@login_required
def printers():
    error, status = None, 200
    if request.method == "POST":
        form = request.form
        try:
            if form.get("remove"):
                printing.remove_printer(g.user, form["remove"])
            else:
                printer = printing.save_printer(g.user, form.get("name"), form.get("host"), form.get("port") or 9100,
                                                form.get("dpi") or 203, form.get("size") or "4x6", form.get("serves"),
                                                form.get("wait") or 30)
                printqueue.check(printer, connect_timeout=min(_timeout(), 3),
                                 answer_timeout=_timeouts()["answer_timeout"])
            return redirect(url_for("labels.printers"), 303)
        except DomainError as err:
            error, status = err, err.status
    return render_template("labels/printers.html", error=error, sizes=labels.LABEL_SIZES, dpis=labels.DPIS,
                           form=request.form, **_fleet()), status


@bp.get("/printers/fleet")
@login_required
def fleet():
    """The fleet's part of the page, as it is now (the page fetches it every few seconds)."""
    return render_template("labels/_fleet.html", **_fleet())


def _fleet():
    rows = [{"printer": p, "why": printqueue.reason(p), "waiting": printqueue.waiting(p),
             "failed": printqueue.failed(p), "sent": printqueue.sent_lately(p)} for p in printing.printers()]
    return {"fleet": rows, "refresh": FLEET_REFRESH_SECONDS, "can_set_up": can(g.user, "set_up_printers"),
            "can_print": can(g.user, "print_labels")}


@bp.post("/printers/jobs/<int:job_id>")
@login_required
def job_action(job_id):
    """Retry, cancel, reprint or mark printed one job: from the fleet page."""
    action = request.form.get("action", "")
    try:
        if action == "retry":
            job = printqueue.retry(g.user, job_id, timeout=_timeout())
        elif action == "cancel":
            job = printqueue.cancel(g.user, job_id)
        elif action == "reprint":
            job = printqueue.reprint(g.user, job_id, settings(), timeout=_timeout())
        elif action == "mark_sent":
            job = printqueue.mark_sent(g.user, job_id)
        else:
            raise Invalid("Choose retry, cancel, reprint or mark printed.")
        flash(gettext("Job %(job)s: %(state)s.", job=job.id, state=say(state_words(job.state))))
    except DomainError as err:
        flash(say(err), "error")
    return redirect(url_for("labels.printers"), 303)


@bp.post("/printers/test")
@login_required
def test_label():
    try:
        job = printqueue.test_label(g.user, printing.get_printer(request.form.get("printer")), timeout=_timeout())
        flash(gettext("Test label on %(printer)s: %(state)s.", printer=job.printer.name,
                      state=say(state_words(job.state))) + (" " + job.error if job.error else ""))
    except DomainError as err:
        flash(say(err), "error")
    return redirect(url_for("labels.printers"), 303)


def state_words(state):
    words = {"queued": Words("queued"), "sending": Words("sending"), "sent": Words("sent"),
             "failed": Words("failed"), "cancelled": Words("cancelled")}
    return words[state]


# --- the API --------------------------------------------------------------------------------------------

def printer_json(printer, counts):
    why = printqueue.reason(printer)
    return {"name": printer.name, "host": printer.host, "port": printer.port,
            "serves": printer.serves.code if printer.serves_id else None, "status": printer.status,
            "status_since": iso(printer.status_since), "checked_at": iso(printer.checked_at),
            "status_reason": str(why) if why else None, "queued": counts.get(printer.id, 0)}


def job_json(job):
    return {"job": job.id, "state": job.state, "printer": job.printer.name, "attempts": job.attempts,
            "error": job.error or None, "waited": job.waited or None, "kind": job.kind,
            "codes": [c for c in job.codes.split("\n") if c],
            "created_at": iso(job.created_at), "sent_at": iso(job.sent_at)}


@api.bp.get("/printers")
@api.token_required
@spec.validate(resp=responses(200, schemas_printers.PrinterList), tags=["printers"])
def api_printers():
    """Every printer with its status (from ~HS), since when, when asked, and how many jobs wait."""
    counts = printqueue.queued_counts()
    return jsonify([printer_json(p, counts) for p in printing.printers()])


@api.bp.post("/printers")
@api.token_required
@spec.validate(json=schemas_printers.PrinterIn, resp=responses(201, schemas_printers.PrinterOut, 403, 404, 422),
               tags=["printers"])
def api_add_printer(json: schemas_printers.PrinterIn):
    """Add (or change) a printer (admins); its status is asked at once."""
    printer = printing.save_printer(g.user, json.name, json.host, json.port, json.dpi, json.size, json.serves or "",
                                    json.wait_minutes)
    printqueue.check(printer, connect_timeout=min(_timeout(), 3), answer_timeout=_timeouts()["answer_timeout"])
    return api.created(printer_json(printer, printqueue.queued_counts()), False)


@api.bp.post("/print")
@api.token_required
@spec.validate(json=schemas_printers.PrintIn, resp=responses(202, schemas_printers.PrintJobOut, 403, 404, 422),
               tags=["printers"])
def api_print(json: schemas_printers.PrintIn):
    """Print labels on a printer: a job, tried at once; 202 whether sent or still waiting (`state`)."""
    printing.get_printer(json.printer)  # an unknown printer is said before an unknown label
    batch = [labels.one(json.kind, code, settings()) for code in json.codes]
    job = printqueue.print_to(g.user, json.printer, batch, copies=json.copies, request=json.request_id,
                              timeout=_timeout())
    response = jsonify(job_json(job))
    response.status_code = 202
    return response


@api.bp.get("/print/<int:job_id>")
@api.token_required
@spec.validate(resp=responses(200, schemas_printers.PrintJobOut, 403, 404), tags=["printers"])
def api_print_job(job_id):
    """A print job: its state, printer, attempts and why it waits or failed."""
    job = PrintJob.get_or_none(PrintJob.id == job_id)
    if job is None or (job.user_id != g.user.id and not can(g.user, "print_labels")):
        return api.problem(404, "Not found", gettext("No such print job."))
    return jsonify(job_json(job))
