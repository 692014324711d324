"""Labels: the stagers' page, batch jobs with progress, one label as a file, printers.

`/labels/units/{lpn}.{zpl,pdf,svg,png}` and `/labels/locations/{code}.{...}` take a bearer token
as well as a session (auth.py loads g.user from either)."""
import datetime
import functools

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from markupsafe import Markup

from ..domain.errors import DomainError, Invalid
from ..domain.people import badges
from ..domain.people.permissions import can
from ..media import labels, printing, printqueue
from . import plant
from .auth import login_required
from .i18n import say

bp = Blueprint("labels", __name__)


def settings():
    return labels.Settings.from_config(current_app.config)


def signed_in(view):
    """Session or bearer token; no redirect for API clients."""
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            if g.via_token or "text/html" not in request.headers.get("Accept", ""):
                return Response("Sign in, or send Authorization: Bearer TOKEN.\n", 401,
                                {"WWW-Authenticate": "Bearer", "Content-Type": "text/plain; charset=utf-8"})
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)
    return wrapped


def _error_text(err):
    return Response(say(err) + "\n", err.status, {"Content-Type": "text/plain; charset=utf-8"})


# --- one label as a file -------------------------------------------------------------------------------

def _one(kind, name, many=None):
    code, _, fmt = name.rpartition(".")
    if fmt not in labels.FORMATS or not code:
        abort(404)
    size = request.args.get("size") or labels.DEFAULT_SIZE[kind]
    try:
        dpi = int(request.args.get("dpi", 203))
        label = many(code, settings()) if many else [labels.one(kind, code, settings())]
        if fmt in ("svg", "png"):
            data = printing.preview(label, fmt, size, dpi=dpi)
        else:
            data = printing.download(g.user, label, fmt, size, dpi=dpi, sheet=request.args.get("sheet") or None)
    except ValueError:
        return _error_text(Invalid("dpi is 203 or 300."))
    except DomainError as err:
        return _error_text(err)
    response = Response(data, mimetype=labels.MIMETYPES[fmt])
    if fmt in ("zpl", "pdf"):
        response.headers["Content-Disposition"] = f'attachment; filename="{kind}-{_safe(code)}-{size}.{fmt}"'
        response.headers["Cache-Control"] = "no-store"
    else:
        response.headers["Cache-Control"] = "private, no-cache"
    return response


def _safe(code):
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in code)[:60]


@bp.get("/units/<path:name>")
@signed_in
def unit(name):
    return _one("unit", name)


@bp.get("/locations/<path:name>")
@signed_in
def location(name):
    return _one("location", name)


@bp.get("/cards/<path:name>")
@signed_in
def card(name):
    """A kanban card's label; `?loop=1`: every card of its loop (PDF or ZPL)."""
    return _one("card", name, labels.card_labels if request.args.get("loop") else None)


@bp.get("/badges/<path:name>")
@signed_in
def badge(name):
    # A badge is a sign-in: only an admin, or its holder, gets its label in any format.
    code, _, fmt = name.rpartition(".")
    try:
        holder = badges.holder(g.user, code)
    except DomainError as err:
        return _error_text(err)
    return _one("badge", f"{holder.username}.{fmt}")


@bp.get("/commands.<fmt>")
@signed_in
def commands(fmt):
    return _one("commands", f"COMMANDS.{fmt}")


# --- the labels page and batches -------------------------------------------------------------------------

def _page(error=None, status=200):
    user = g.user
    return render_template("labels/index.html", error=error, form=request.values, kinds=labels.KIND_TITLES,
                           kind_sizes=labels.KINDS, sizes=labels.SIZES, defaults=labels.DEFAULT_SIZE,
                           printers=printing.printers(),
                           jobs=printing.recent_jobs(user), prints=printing.recent_prints(),
                           can_print=can(user, "print_labels")), status


@bp.get("")
@login_required
def index():
    return _page()


def _local(text):
    """A datetime-local field (plant time) as naive UTC."""
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("“{text}” is not a date and time.", text=text[:20]) from None
    return plant.to_utc(value)


def _criteria(form):
    return {"lpns": form.get("lpns", ""), "work_order": form.get("work_order", ""),
            "received_by": form.get("received_by", ""), "since": _local(form.get("since")),
            "until": _local(form.get("until")), "first": form.get("first", ""), "last": form.get("last", ""),
            "usernames": form.get("usernames", "")}


def _output(value):
    """The form's output choice: pdf, pdf:a4, zpl, html, html:letter, printer:NAME."""
    output, _, rest = (value or "pdf").partition(":")
    return output, rest


@bp.post("")
@login_required
def create():
    form = request.form
    kind = form.get("kind", "")
    output, rest = _output(form.get("output"))
    size = form.get("size_" + kind) or form.get("size") or labels.DEFAULT_SIZE.get(kind, "4x6")
    try:
        if kind == "badge":  # anyone's badges for an admin; otherwise one's own only
            badges.check_batch(g.user, form.get("usernames", ""))
    except DomainError as err:
        return _page(say(err), err.status)
    if output == "html":
        args = {k: v for k, v in form.items() if k != "csrf_token" and v}
        args.update(size=size, sheet=rest)
        return redirect(url_for("labels.sheet", **args), 303)
    try:
        job = printing.start_job(
            g.user, kind, _criteria(form), size=size, output=output, settings=settings(),
            printer_name=rest if output == "printer" else None, sheet=rest if output == "pdf" else None,
            dpi=int(form.get("dpi") or 203))
    except ValueError:
        return _page(gettext("Resolution is 203 or 300 dpi."), 422)
    except DomainError as err:
        return _page(say(err), err.status)
    return redirect(url_for("labels.job", job_id=job.id), 303)


def _job(job_id):
    """The user's own batch job; anyone else's is as missing as one that never was."""
    return printing.job_for(g.user, job_id)


@bp.get("/jobs/<int:job_id>")
@login_required
def job(job_id):
    found = _job(job_id)
    template = "labels/_job.html" if request.headers.get("HX-Target") == f"job-{job_id}" else "labels/job.html"
    response = Response(render_template(template, job=found, unconfirmed=printing.unconfirmed(found)))
    response.vary.add("HX-Target")
    return response


@bp.post("/jobs/<int:job_id>/confirm")
@login_required
def confirm_job(job_id):
    """The batch's PDF or ZPL file was printed: its labels are printed now (the next says REPRINT)."""
    try:
        printing.confirm_job(g.user, job_id)
    except DomainError as err:
        return _page(say(err), err.status)
    return redirect(url_for("labels.job", job_id=job_id), 303)


@bp.get("/jobs/<int:job_id>/file")
@login_required
def job_download(job_id):
    found = _job(job_id)
    if found.status != "done" or found.output == "printer":
        abort(404)
    filename, mimetype, data = printing.job_file(found)
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.get("/sheet")
@login_required
def sheet():
    """A print-ready HTML page: one label per page at its exact size, or many on A4/Letter."""
    args = request.args
    kind = args.get("kind", "")
    size = args.get("size") or labels.DEFAULT_SIZE.get(kind, "4x6")
    page = args.get("sheet") if args.get("sheet") in labels.SHEETS and size not in labels.SHEETS else None
    try:
        if kind == "badge":
            badges.check_batch(g.user, args.get("usernames", ""))
        found, what = printing.select(kind, _criteria(args), settings())
        printing.for_html(g.user, found, size)
        svgs = [Markup(labels.svg(label, size)) for label in found]  # autoescaped by the SVG template
    except DomainError as err:
        return _page(say(err), err.status)
    label_size = labels.SIZES[size]
    slots = labels.sheet_slots(label_size, labels.SIZES[page]) if page else [(0, 0)]
    return render_template("labels/print.html", svgs=svgs, size=label_size, page=labels.SIZES[page] if page else None,
                           slots=slots, per_page=len(slots), what=what, kind=kind, codes=[lb.code for lb in found])


# --- the print block on unit and location pages -------------------------------------------------------------

BLOCK_KINDS = {"unit": "labels.unit", "location": "labels.location"}


def _block(kind, code, message=None, error=None, template="labels/_print_block.html"):
    if kind not in BLOCK_KINDS:
        abort(404)
    return render_template(template, kind=kind, code=code, file_endpoint=BLOCK_KINDS[kind],
                           printers=printing.printers(), history=printing.history(kind, code, limit=5),
                           can_print=printing.may_print(g.user, kind, code), sizes=labels.KINDS[kind],
                           default_size=labels.DEFAULT_SIZE[kind], message=message, error=error)


@bp.get("/block/<kind>/<path:code>")
@login_required
def block(kind, code):
    if kind in BLOCK_KINDS:
        labels.one(kind, code, settings())  # the unit or location must exist: else a 404, not a print form
    return _block(kind, code)


@bp.post("/print")
@login_required
def print_one():
    """Print one unit's or location's label on a network printer (the unit page's button)."""
    kind, code = request.form.get("kind", ""), request.form.get("code", "")
    try:
        label = labels.one(kind, code, settings()) if kind in BLOCK_KINDS else abort(404)
        job = printqueue.print_to(g.user, request.form.get("printer"), [label],
                                  timeout=current_app.config.get("PRINTER_TIMEOUT", printing.DEFAULT_TIMEOUT))
        message = _job_said(job, code, label.reprint)
        error, status = (None, 200) if job.state == "sent" else (None, 202) if job.state == "queued" else (message, 503)
        message = None if error else message
    except DomainError as err:
        message, error, status = None, say(err), err.status
    if request.headers.get("HX-Request"):
        return _block(kind, code, message, error), status  # base.html: htmx swaps 4xx too
    return _block(kind, code, message, error, template="labels/printed.html"), status


@bp.post("/confirm")
@login_required
def confirm():
    """Labels printed from a PDF or print page someone made: the unit page's block (one code, htmx)
    or the print page (its codes, a plain form)."""
    kind, codes = request.form.get("kind", ""), request.form.getlist("code")
    try:
        count = printing.confirm_printed(g.user, kind, codes)
        message, error, status = gettext("Recorded as printed: the next one says REPRINT."), None, 200
    except DomainError as err:
        message, error, status = None, say(err), err.status
    if kind in BLOCK_KINDS and len(codes) == 1:
        template = "labels/_print_block.html" if request.headers.get("HX-Request") else "labels/printed.html"
        return _block(kind, codes[0], message, error, template=template), status
    if error:
        return _page(error, status)
    flash(ngettext("%(num)d label recorded as printed.", "%(num)d labels recorded as printed.", count))
    return redirect(url_for("labels.index"), 303)


def _job_said(job, code, reprint):
    """What a print to a network printer did, for the person who asked."""
    if job.state == "sent":
        if reprint:
            return gettext("Reprinted %(code)s on %(printer)s.", code=code, printer=job.printer.name)
        return gettext("Printed %(code)s on %(printer)s.", code=code, printer=job.printer.name)
    if job.state == "queued":
        why = printqueue.reason(job.printer)
        return gettext("Queued on %(printer)s: %(why)s. It prints when the printer is ready.",
                       printer=job.printer.name, why=say(why) if why else gettext("waiting its turn"))
    return gettext("Not printed on %(printer)s: %(error)s", printer=job.printer.name, error=job.error)
