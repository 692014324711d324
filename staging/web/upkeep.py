"""Maintenance and calibration (what is due, recording it done, tools and plans) and andon calls
(the list a lead answers from, acknowledging and closing; the header's badge polls its count)."""
import datetime

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import finders
from ..domain.errors import DomainError, Invalid
from ..domain.finders import utcnow
from ..domain.machines import andon, upkeep
from ..domain.people.permissions import can
from ..media import labels
from ..store.models import Location, Tool
from .auth import login_required
from .i18n import say
from .plant import calendar, to_utc
from .security import safe_next

bp = Blueprint("upkeep", __name__)


def init_app(app):
    app.register_blueprint(bp)

    @app.context_processor
    def andon_badge():
        # The header's count of open calls, for those who answer them; polled by the badge itself.
        return {"andon_count": andon.open_count if can(g.get("user"), "answer_andon") else None}


# --- maintenance -------------------------------------------------------------------------------

def _maintenance_page(error=None, status=200, form=None):
    now = utcnow()
    machines = list(Location.select().where(Location.kind == "machine", Location.active).order_by(Location.code))
    return render_template("upkeep/maintenance.html", plans=upkeep.plans(now=now),
                           tools_overdue=upkeep.tools_overdue(now),
                           tools=list(Tool.select().where(Tool.active).order_by(Tool.code)), machines=machines,
                           error=error, form=form or {}, now=now,
                           may_plan=can(g.user, "plan_maintenance"), may_do=can(g.user, "maintain")), status


@bp.get("/maintenance")
@login_required
def maintenance():
    return _maintenance_page()


def _day(text):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return to_utc(datetime.datetime.combine(datetime.date.fromisoformat(text), datetime.time(23, 59)))
    except ValueError:
        raise Invalid("“{day}” is not a date: pick one in the calendar.", day=text[:20]) from None


def _machine(code):
    if not code:
        return None
    found = Location.get_or_none(Location.code == code, Location.kind == "machine")
    if found is None:
        raise Invalid("No machine “{code}”.", code=code[:40])
    return found


@bp.post("/maintenance/tools")
@login_required
def add_tool():
    form = request.form
    try:
        tool = upkeep.add_tool(g.user, form.get("code"), form.get("name"), form.get("kind", "tool"),
                               machine=_machine(form.get("machine")), calibration_due=_day(form.get("calibration_due")))
        if form.get("every_days", "").strip():
            upkeep.add_plan(g.user, gettext("Calibrate"), tool=tool, every_days=form.get("every_days"))
    except DomainError as err:
        if err.status == 403:
            raise
        return _maintenance_page(say(err), err.status, form)
    flash(gettext("%(tool)s added: print its label from Labels.", tool=tool.code))
    return redirect(url_for("upkeep.maintenance"), 303)


@bp.post("/maintenance/plans")
@login_required
def add_plan():
    form = request.form
    try:
        upkeep.add_plan(g.user, form.get("name"), machine=_machine(form.get("machine")) or None,
                        every_days=form.get("every_days"), every_running_hours=form.get("every_running_hours"))
    except DomainError as err:
        if err.status == 403:
            raise
        return _maintenance_page(say(err), err.status, form)
    flash(gettext("Maintenance planned."))
    return redirect(url_for("upkeep.maintenance"), 303)


@bp.post("/maintenance/plans/<int:plan_id>/done")
@login_required
def done(plan_id):
    back = safe_next(request.form.get("next")) or url_for("upkeep.maintenance")
    try:
        upkeep.record_done(g.user, plan_id, request.form.get("notes"), calendar())
    except DomainError as err:
        if err.status == 403:
            raise
        if request.form.get("machine"):  # from a machine's page: its maintenance page says why
            return _machine_page(request.form["machine"], say(err), err.status, plan_id)
        return _maintenance_page(say(err), err.status)
    flash(gettext("Recorded as done."))
    return redirect(back, 303)


@bp.get("/machines/<code>/maintenance")
@login_required
def machine_maintenance(code):
    return _machine_page(code)


def _machine_page(code, error=None, status=200, failed=None):
    loc = finders.machine(code)
    return render_template("upkeep/machine.html", machine=loc, plans=upkeep.plans(loc), history=upkeep.history(loc),
                           error=error, failed=failed, may_do=can(g.user, "maintain"), now=utcnow()), status


# --- andon -------------------------------------------------------------------------------------

def _calls_page(error=None, status=200, failed=None):
    return render_template("upkeep/andon.html", calls=andon.open_calls(), closed=andon.recently_closed(),
                           error=error, failed=failed, may_answer=can(g.user, "answer_andon")), status


@bp.get("/andon")
@login_required
def calls():
    return _calls_page()


@bp.get("/andon/badge")
@login_required
def badge():
    return render_template("upkeep/_andon_badge.html")


@bp.post("/andon/<int:call_id>/acknowledge")
@login_required
def acknowledge(call_id):
    try:
        andon.acknowledge(g.user, call_id)
    except DomainError as err:
        if err.status == 403:
            raise
        return _calls_page(say(err), err.status, call_id)
    flash(gettext("Acknowledged."))
    return redirect(url_for("upkeep.calls"), 303)


@bp.post("/andon/<int:call_id>/close")
@login_required
def close(call_id):
    try:
        andon.close(g.user, call_id, request.form.get("what_was_done"), calendar())
    except DomainError as err:
        if err.status == 403:
            raise
        return _calls_page(say(err), err.status, call_id)
    flash(gettext("Call closed and written into the logbook."))
    return redirect(url_for("upkeep.calls"), 303)



@bp.get("/maintenance/tools/<code>.pdf")
@login_required
def tool_label(code):
    found = upkeep.tool(code)
    body = labels.render([labels.tool_label(found).said_in(labels.Settings.from_config(current_app.config).language)],
                         "pdf", "100x50")
    return Response(body, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{found.code}.pdf"'})
