"""The floor board, the machine pages (both poll a fragment), and QC holds."""
import datetime

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import finders, inventory, logbook, workorders
from ..domain.errors import DomainError
from ..domain.finders import utcnow
from ..domain.inventory import whereabouts
from ..domain.machines import states as machine_states
from ..domain.machines import upkeep
from ..domain.people.permissions import can
from ..media import printqueue
from .auth import login_required
from .i18n import say
from .plant import calendar

bp = Blueprint("floor", __name__)


def fragment(target):
    """Whether htmx asks for the polled fragment (not a boosted page load)."""
    return request.headers.get("HX-Request") and request.headers.get("HX-Target") == target


def vary(response):
    response.vary.add("HX-Target")
    return response


@bp.app_template_filter("age")
def age(delta):
    minutes = int(delta.total_seconds() // 60) if isinstance(delta, datetime.timedelta) else 0
    if minutes < 60:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d} min"
    return f"{minutes // 1440} d {minutes % 1440 // 60} h"


def printers_down(board):
    """A printer that cannot print (no paper, head open, off) is said on the board and on the tiles
    of the places it serves: their labels wait for it."""
    down, why = printqueue.not_printing([mv.machine for mv in board.machines] + [sv.station for sv in board.stations])
    return {"printers_down": down, "printer_why": why}


@bp.get("/floor")
@login_required
def board():
    data = workorders.board(horizon_hours=current_app.config["FLOOR_HORIZON_HOURS"])
    extra = {"safety": logbook.open_safety(), "overdue": logbook.overdue_count(calendar()),
             "now": utcnow(), "horizon": current_app.config["FLOOR_HORIZON_HOURS"], "upkeep_due": upkeep.counts(),
             "machine_states": machine_states.by_machine()}
    extra.update(printers_down(data))
    template = "floor/_board.html" if fragment("board") else "floor/board.html"
    return vary(current_app.make_response(render_template(template, board=data, **extra)))


@bp.get("/machines/<code>")
@login_required
def machine(code):
    loc = finders.machine(code)
    view = workorders.machine_view(loc, horizon_hours=current_app.config["FLOOR_HORIZON_HOURS"])
    polled = fragment("machine-body")
    # Maintenance sits outside the polled body (a note being typed is never wiped): the page alone reads it.
    extra = {} if polled else {"plans": upkeep.plans(loc), "machine": loc, "may_do": can(g.user, "maintain")}
    template = "floor/_machine_body.html" if polled else "floor/machine.html"
    return vary(current_app.make_response(render_template(
        template, view=view, now=utcnow(), entries=whereabouts.recent_entries(loc, limit=10), **extra,
        shift=calendar().at(utcnow()), horizon=current_app.config["FLOOR_HORIZON_HOURS"],
        machine_state=machine_states.current(loc), down_reasons=machine_states.down_reasons(),
        states=machine_states.STATES, may_set_state=can(g.user, "machine_state"))))


@bp.route("/units/<lpn>/hold", methods=["GET", "POST"])
@login_required
def hold(lpn):
    unit = finders.unit(lpn)
    error = None
    if request.method == "POST":
        releasing = request.form.get("action") == "release"
        verb = inventory.release if releasing else inventory.hold
        extra = {"four_eyes": current_app.config["QC_RELEASE_FOUR_EYES"]} if releasing else {}
        try:
            verb(inventory.Ctx(g.user, device=g.device), unit, request.form.get("reason", ""), **extra)
        except DomainError as err:
            error = say(err)
        else:
            flash(gettext("%(unit)s released.", unit=unit.lpn) if releasing
                  else gettext("%(unit)s put on QC hold.", unit=unit.lpn))
            return redirect(url_for("floor.hold", lpn=lpn))
    unit = finders.unit(unit.lpn)  # as the verb left it
    return render_template("floor/hold.html", unit=unit, error=error, holds=workorders.hold_history(unit),
                           four_eyes=current_app.config["QC_RELEASE_FOUR_EYES"]), 422 if error else 200
