"""Machine states on the desk and over the API: the machine page's form (operators and above set a
machine running, idle, down with a reason, changeover or maintenance) and POST /api/machines/{code}/state
(a route of the api blueprint: its token check, CSRF exemption and problem+json)."""
from flask import Blueprint, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import finders
from ..domain.errors import DomainError
from ..domain.machines import downtime, states
from ..domain.reports import day_range
from . import api, schemas_machines
from .apispec import responses, spec
from .auth import login_required
from .i18n import say
from .plant import calendar, local
from .reports import _last_week, _range
from .serial import machine_state
from .state_words import state_word

bp = Blueprint("machine_states", __name__)


@api.bp.post("/machines/<code>/state")
@api.token_required
@spec.validate(json=schemas_machines.MachineStateIn, resp=responses(200, schemas_machines.MachineStateSet, 403, 404,
                                                                       422), tags=["machines"])
def api_set(code, json: schemas_machines.MachineStateIn):
    """Set a machine's state. The same state (and reason) again changes nothing. While it is down or in
    maintenance its staging tasks are paused."""
    json = api.body(json)
    machine = finders.machine(code)
    now = states.set_state(g.user, machine, json.state, json.reason or "", device=g.device)
    return jsonify({"machine": machine.code, **machine_state(now), "paused": now["state"] in states.PAUSING})


@bp.post("/machines/<code>/state")
@login_required
def set_on_page(code):
    """The machine page's form: the state, and for down the reason."""
    machine = finders.machine(code)
    state = request.form.get("state", "")
    reason = request.form.get("reason", "") if state == "down" else request.form.get("note", "")
    try:
        now = states.set_state(g.user, machine, state, reason, device=g.device)
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("%(machine)s is %(state)s since %(time)s.", machine=machine.code,
                      state=state_word(now["state"]) + (f" ({now['reason']})" if now["reason"] else ""),
                      time=local(now["since"], "%H:%M")))
    return redirect(url_for("floor.machine", code=machine.code), 303)


@bp.get("/reports/downtime")
@login_required
def report():
    """Stopped minutes per shift, machine, state and reason, and the totals per reason, for a range of days."""
    cal = calendar()
    first, last = _range()
    refusal = None
    try:
        start, end = day_range(first, last, cal)
    except DomainError as err:  # said on the page, with the last week below it
        refusal = say(err)
        first, last = _last_week()
        start, end = day_range(first, last, cal)
    found = downtime.stops(start, end, cal)
    return render_template("reports/downtime.html", first=first, last=last, refusal=refusal, stops=found,
                           totals=downtime.by_reason(found)), 422 if refusal else 200
