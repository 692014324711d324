"""The count program's desk pages: plan counts, follow a count, the lead's review and approval, the
accuracy export. Thin: read the form, call the domain, choose a template."""
import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, gettext, ngettext

from ..domain import counts, spreadsheets
from ..domain.errors import DomainError, Invalid
from ..domain.people.permissions import can
from ..domain.scan import scanning
from ..domain.words import Words
from . import (
    api_counts,  # noqa: F401  (the API's routes, on the api blueprint)
    scan,
)
from .auth import login_required

bp = Blueprint("counts", __name__)
REVIEW_PAGE = 100  # lines on one page of the review: a count of 10,000 lines is read page by page


def _index(typed=None, error=None, status=200, class_error=None, class_typed=None):
    shown = [(c, counts.view.summary(c)) for c in counts.view.recent()]
    return render_template("counts/index.html", shown=shown, typed=typed or {}, error=error, class_error=class_error,
                           class_typed=class_typed or {},
                           may_plan=can(g.user, "plan_counts"), kinds=counts.plans.KINDS,
                           chosen=counts.classes.chosen()), status


@bp.get("/counts")
@login_required
def index():
    return _index()


def _plan_args(form):
    kind = form.get("kind", "")
    days = form.get("days", "").strip()
    if kind == "stale" and not days.isdigit():
        raise Invalid("Write the number of days as a whole number from 1 to 3650.")
    due = form.get("due_on", "").strip()
    try:
        due_on = datetime.date.fromisoformat(due) if due else None
    except ValueError:
        raise Invalid("The due date “{value}” is not a date (2026-12-31).", value=due[:20]) from None
    return kind, {"locations": form.get("locations", "").replace(",", " ").split(), "area": form.get("area", ""),
                  "part": form.get("part", ""), "days": int(days) if days.isdigit() else None, "due_on": due_on,
                  "blind": form.get("blind") == "on"}


@bp.post("/counts")
@login_required
def plan():
    try:
        kind, args = _plan_args(request.form)
        count = counts.plan(g.user, kind, **args)
    except DomainError as err:
        return _index(request.form, err, err.status)
    flash(ngettext("Count %(count)s planned: %(num)s location.", "Count %(count)s planned: %(num)s locations.",
                   count.tasks.count(), count=count.id))
    return redirect(url_for("counts.detail", count_id=count.id), 303)


@bp.post("/counts/classes")
@login_required
def set_class():
    """A lead sets a part's count class by hand (empty: from its movement again)."""
    form = request.form
    try:
        part = counts.classes.set_class(g.user, form.get("part", "").strip(), form.get("revision", "").strip(),
                                        form.get("klass", ""))
    except DomainError as err:
        return _index(None, None, err.status, class_error=err, class_typed=form)
    flash(gettext("Count class of %(part)s saved.", part=part.label))
    return redirect(url_for("counts.index"), 303)


@bp.post("/counts/find")
@login_required
def find():
    """The scan page's form for a pallet not in the books, on the planned count of the location being
    counted: part, revision, lot and quantity. Back to the scan page, with the result on its panel."""
    state = scanning.State.load(session.get(scan.STATE))
    form = request.form
    try:
        if state.mode != "COUNT" or not state.count or state.user_id != g.user.id:
            raise Invalid("Scan the location you are counting first.")
        entry = counts.enter(g.user, int(state.count), state.target, form.get("qty", ""), part=form.get("part", ""),
                             revision=form.get("revision", ""), lot=form.get("lot", ""),
                             client_scan_id=form.get("scan_id") or None)
        outcome = scanning.Outcome("ok", Words("New find: {qty} {uom} {part}", qty=entry.quantity, uom=entry.part.uom,
                                               part=entry.part.number),
                                   Words("Not in the books: counted. Next pallet, or DONE."))
    except DomainError as err:
        outcome = scanning.Outcome("bad", scanning.refused_title(err), err.words)
    scan._shown(outcome)  # on the panel and in the recent scans, as a scan's result
    return redirect(url_for("scan.page"), 303)


@bp.get("/counts/<int:count_id>")
@login_required
def detail(count_id):
    try:
        count, lines = counts.view.lines(g.user, count_id)
    except DomainError:
        abort(404)
    waiting = sum(1 for line in lines if line.state == "approval")
    return render_template("counts/detail.html", count=count, lines=lines, waiting=waiting,
                           summary=counts.view.summary(count), sees=counts.view.sees_expected(g.user, count),
                           may_review=can(g.user, "approve_count"))


def _review(count_id, error=None, status=200):
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    try:
        count, lines = counts.view.lines(g.user, count_id, states=("approval",), limit=REVIEW_PAGE,
                                         offset=(page - 1) * REVIEW_PAGE)
    except DomainError:
        abort(404)
    total = counts.view.waiting(count)
    counted_in = g.user.id in counts.view.counters(count)
    return render_template("counts/review.html", count=count, lines=lines, error=error, counted_in=counted_in,
                           total=total, page=page, first=(page - 1) * REVIEW_PAGE + 1,
                           more=page * REVIEW_PAGE < total), status


@bp.get("/counts/<int:count_id>/review")
@login_required
def review(count_id):
    if not can(g.user, "approve_count"):
        abort(403)
    return _review(count_id)


@bp.post("/counts/<int:count_id>/approve")
@login_required
def approve(count_id):
    try:
        counts.approve(g.user, count_id, device=g.device)
    except DomainError as err:
        return _review(count_id, err, err.status)
    flash(gettext("Count %(count)s approved: its differences are booked.", count=count_id))
    return redirect(url_for("counts.detail", count_id=count_id), 303)


@bp.get("/counts/accuracy.csv")
@login_required
def accuracy_csv():
    header, rows = counts.accuracy.export_rows()
    style = spreadsheets.CsvStyle.for_locale(get_locale())
    return Response(stream_with_context(spreadsheets.csv_stream(header, rows, style)), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="count-accuracy.csv"'})
