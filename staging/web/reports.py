"""Reports (CSV downloads, charts, the printable shift report) and the daily logbook pages."""
import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date, format_decimal, get_locale, gettext

from ..domain import counts, log_notes, logbook, reports
from ..domain.errors import DomainError
from ..domain.finders import LOG_NOTE_KINDS, utcnow
from ..domain.people.permissions import can
from ..media import charts
from .auth import login_required
from .i18n import grouped, percent, quantity, say
from .plant import calendar
from .security import safe_next

bp = Blueprint("reports", __name__)


def _date(value, default):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return None


def _last_week():
    today = calendar().today()
    return today - datetime.timedelta(days=6), today


def _range():
    """?from=&to= (plant-local dates, inclusive, in either order); default: the last 7 days."""
    first, last = _last_week()
    first, last = _date(request.args.get("from"), first), _date(request.args.get("to"), last)
    if first is None or last is None:
        abort(400, gettext("Dates must look like 2025-03-31."))
    return min(first, last), max(first, last)


@bp.get("/reports")
@login_required
def index():
    cal = calendar()
    first, last = _range()
    refusal = None
    try:
        start, end = reports.day_range(first, last, cal)
    except DomainError as err:  # on the page, with the last week below it: the form stays in reach
        refusal = say(err)
        first, last = _last_week()
        start, end = reports.day_range(first, last, cal)
    hours, per_hour = reports.moves_by_hour_of_day(start, end, cal)
    waste = reports.waste_by_part(start, end)
    coverage = reports.coverage_per_machine(horizon_hours=current_app.config["FLOOR_HORIZON_HOURS"])
    tones = {"now": "bad", "soon": "warn", "ok": "ok", "idle": ""}
    return render_template(
        "reports/index.html", first=first, last=last, refusal=refusal, shift=reports.current_shift(cal),
        shifts=cal.shifts, accuracy=[(w, percent(w.percent, 1)) for w in counts.accuracy.by_area_and_week()],
        count_coverage=counts.accuracy.coverage(),
        usage=reports.usage(start, end, cal), waste=waste, per_hour=per_hour,
        moves_chart=charts.columns(gettext("Moves by hour of day, %(first)s to %(last)s: %(moves)s moves, "
                                           "%(per_hour)s per hour", first=format_date(first, "d MMM"),
                                           last=format_date(last, "d MMM"), moves=grouped(sum(n for _, n in hours)),
                                           per_hour=format_decimal(per_hour, "#,##0.00")),
                                   hours, fmt=grouped, empty=gettext("Nothing in this period.")),
        waste_chart=charts.rows(gettext("Waste by part and reason"),
                                [(f"{w.part} · {w.reason} ({w.uom})", w.quantity) for w in waste], fmt=quantity,
                                empty=gettext("Nothing in this period.")),
        coverage_chart=charts.rows(gettext("Staged coverage per machine (now)"),
                                   [(code, pct, tones[state]) for code, pct, state in coverage],
                                   fmt=percent, maximum=100, empty=gettext("No machines."))), 422 if refusal else 200


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/reports/<kind>.<fmt>")
@login_required
def export(kind, fmt):
    cal = calendar()
    if fmt not in ("csv", "xlsx"):
        abort(404)
    if kind == "inventory":
        (header, rows), name = reports.inventory_rows(cal), f"inventory-{cal.today():%Y%m%d}"
    elif kind in reports.EXPORTS:
        first, last = _range()
        try:
            start, end = reports.day_range(first, last, cal)
        except DomainError as err:
            abort(400, say(err))
        (header, rows), name = reports.EXPORTS[kind](start, end, cal), f"{kind}-{first:%Y%m%d}-{last:%Y%m%d}"
    else:
        abort(404)
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "xlsx":
        return Response(reports.xlsx_file(header, rows, kind), mimetype=XLSX, headers=headers)
    # Streamed: the generator pages through the ledger while the response is sent. Separator and
    # decimal mark of the downloading person's locale: their spreadsheet opens it, in columns,
    # with 400,000 read as four hundred (a German planner in an English-speaking plant too).
    style = reports.CsvStyle.for_locale(get_locale())
    return Response(stream_with_context(reports.csv_stream(header, rows, style)),
                    mimetype="text/csv", headers=headers)


@bp.get("/reports/shift")
@login_required
def shift():
    cal = calendar()
    day, current = reports.current_shift(cal)
    day = _date(request.args.get("day"), day) or abort(400, gettext("Dates must look like 2025-03-31."))
    rep = reports.shift_report(day, request.args.get("shift") or current.name, cal)
    return render_template(
        "reports/shift.html", rep=rep, shifts=cal.shifts, now=utcnow(),
        moves_chart=charts.columns(gettext("Moves per hour"), [(f"{t:%H}", n) for t, n in rep.hours], fmt=grouped,
                                   empty=gettext("Nothing in this period.")),
        waste_chart=charts.rows(gettext("Waste by reason"), [(f"{r} ({uom})", q) for r, uom, q in rep.waste],
                                fmt=quantity, empty=gettext("Nothing in this period.")))


# --- the logbook --------------------------------------------------------------------------------------

@bp.get("/logbook", endpoint="logbook")
@login_required
def logbook_index():
    recent, rows = logbook.overview(calendar())
    return render_template("reports/logbook.html", recent=recent, rows=rows, safety=logbook.open_safety(),
                           earlier=logbook.earlier_logs(calendar()),
                           may_ack=can(g.user, "acknowledge"))


@bp.get("/logbook/<code>/<day>/<shift>")
@login_required
def log(code, day, shift):
    return _log_page(code, day, shift)


def _log_page(code, day, shift, typed=None, error=None, status=200):
    """One shift's log; `typed` and `error`: a refused note, kept as it was typed with its refusals."""
    the_day = _date(day, None) or abort(404)
    view = logbook.view(logbook.station(code), the_day, shift, calendar())
    return render_template("reports/log.html", v=view, kinds=LOG_NOTE_KINDS, now=utcnow(), typed=typed or {},
                           note_max=log_notes.NOTE_MAX, error=error, may_submit=can(g.user, "submit_log"),
                           may_ack=can(g.user, "acknowledge")), status


@bp.post("/logbook/<code>/<day>/<shift>/notes")
@login_required
def add_note(code, day, shift):
    the_day = _date(day, None) or abort(404)
    try:
        station = logbook.station(code)
        f = request.form
        logbook.add_note(g.user, station, the_day, shift, f.get("kind"), f.get("text"), calendar(),
                         minutes=f.get("minutes"))
    except DomainError as err:
        return _log_page(code, day, shift, request.form, err, err.status)
    flash(gettext("Added to the log."))
    return redirect(url_for("reports.log", code=code, day=day, shift=shift))


@bp.post("/logbook/<code>/<day>/<shift>/submit")
@login_required
def submit(code, day, shift):
    the_day = _date(day, None) or abort(404)
    try:
        logbook.submit(g.user, logbook.station(code), the_day, shift, calendar())
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("Log submitted and locked."))
    return redirect(url_for("reports.log", code=code, day=day, shift=shift))


@bp.post("/logbook/notes/<int:note_id>/acknowledge")
@login_required
def acknowledge(note_id):
    try:
        logbook.acknowledge(g.user, note_id)
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("Safety issue acknowledged."))
    return redirect(safe_next(request.form.get("next")) or url_for("reports.logbook"))
