"""Staging tasks: the API (GET /api/tasks, claim, release; routes of the api blueprint, so they
share its token check, CSRF exemption and problem+json), the leads' task list with reorder,
assign and cancel, and the printable pick list per zone."""
from flask import Blueprint, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import tasks
from ..domain.errors import DomainError
from ..domain.finders import utcnow
from ..domain.people.permissions import can
from ..domain.scan import tasks as scan_tasks
from . import api, schemas_tasks
from .apispec import responses, spec
from .auth import login_required
from .i18n import say
from .serial import iso, number

bp = Blueprint("tasks", __name__)


@bp.record_once
def _configure(setup):
    # The scan page's Tasks mode runs below the web: it gets the plant's settings once, here.
    scan_tasks.configure(tasks.Rules.from_config(setup.app.config))


@bp.before_app_request
def _refresh_in_background():
    # The full look at all orders runs in this process's background job, never in a request; tests
    # (TESTING) start it themselves when they want it.
    every = current_app.config.get("TASK_REFRESH_SECONDS", 30)
    if every and not current_app.testing:
        tasks.refresher.ensure_running(rules, every)


def rules():
    return tasks.Rules.from_config(current_app.config)


def task_json(t):
    return {"id": t.id, "unit": t.unit.lpn if t.unit_id else None, "part": t.part.number,
            "revision": t.part.revision, "uom": t.part.uom,
            "from": t.from_location.code if t.from_location_id else None, "to": t.to_location.code,
            "work_order": t.work_order.number if t.work_order_id else None, "machine": t.machine.code,
            "qty": number(t.quantity), "whole": t.whole, "state": t.state,
            "claimed_by": t.claimed_by.username if t.claimed_by_id else None,
            "claim_expires_at": iso(t.claim_expires_at) if t.state == "claimed" else None,
            "assigned_to": t.assigned_to.username if t.assigned_to_id else None, "due_at": iso(t.due_at),
            "paused": bool(getattr(t, "paused", False))}


# --- the API ------------------------------------------------------------------------------------------

@api.bp.get("/tasks")
@api.token_required
@spec.validate(query=schemas_tasks.TaskQuery, resp=responses(200, schemas_tasks.TaskList, 422), tags=["tasks"])
def api_list(query: schemas_tasks.TaskQuery):
    """Open staging tasks in queue order (claimed ones too), optionally of one machine or person."""
    return jsonify([task_json(t) for t in tasks.open_tasks(rules(), query.machine, query.person)])


@api.bp.post("/tasks/<int:task_id>/claim")
@api.token_required
@spec.validate(resp=responses(200, schemas_tasks.TaskOut, 403, 404, 409), tags=["tasks"])
def api_claim(task_id):
    """Claim a task for the caller until the claim expires; 409 when someone else holds it."""
    return jsonify(task_json(tasks.claim(g.user, task_id, rules())))


@api.bp.post("/tasks/<int:task_id>/release")
@api.token_required
@spec.validate(resp=responses(200, schemas_tasks.TaskOut, 403, 404, 409, 422), tags=["tasks"])
def api_release(task_id):
    """Give a claimed task back to the queue (its holder, or a lead)."""
    return jsonify(task_json(tasks.release(g.user, task_id)))


# --- the desk -------------------------------------------------------------------------------------------

@bp.get("/tasks")
@login_required
def index():
    """The leads' task list: every open and claimed task in queue order."""
    return render_template("tasks/list.html", listing=tasks.task_list(rules()),
                           may_manage=can(g.user, "manage_tasks"), now=utcnow())


def _lead_action(task_id, action, done):
    try:
        task = action()
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(done(task))
    return redirect(url_for("tasks.index"), 303)


@bp.post("/tasks/<int:task_id>/top")
@login_required
def top(task_id):
    return _lead_action(task_id, lambda: tasks.to_top(g.user, task_id),
                        lambda task: gettext("Task %(task)s is now first.", task=task.id))


@bp.post("/tasks/<int:task_id>/assign")
@login_required
def assign(task_id):
    person = request.form.get("person", "")
    return _lead_action(task_id, lambda: tasks.assign(g.user, task_id, person),
                        lambda task: gettext("Task %(task)s assigned to %(person)s.", task=task.id,
                                             person=task.assigned_to) if person.strip()
                        else gettext("Task %(task)s assigned to anyone.", task=task.id))


@bp.post("/tasks/<int:task_id>/cancel")
@login_required
def cancel(task_id):
    return _lead_action(task_id, lambda: tasks.cancel(g.user, task_id, rules()),
                        lambda task: gettext("Task %(task)s cancelled.", task=task.id))


@bp.get("/tasks/pick-list")
@login_required
def pick_list():
    """The open tasks on paper, zone by zone: for plants without handhelds."""
    return render_template("tasks/pick_list.html", zones=tasks.pick_list(rules()), now=utcnow())


@bp.get("/machines/<code>/tasks")
@login_required
def machine(code):
    """The machine page's tasks per shortage (a fragment its polled body loads)."""
    view = tasks.shortages_of(code, rules())
    return render_template("tasks/_machine.html", view=view)


# --- where material is staged (leads) -------------------------------------------------------------------

@bp.get("/tasks/places")
@login_required
def places():
    """Each machine's line-side places and their min/max, and the work orders' own lanes."""
    return render_template("tasks/places.html", setup=tasks.places.setup(), may_manage=can(g.user, "manage_tasks"))


def _setup_action(action, done):
    try:
        action()
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(done)
    return redirect(url_for("tasks.places"), 303)


@bp.post("/tasks/places")
@login_required
def add_place():
    f = request.form
    return _setup_action(lambda: tasks.places.add_place(g.user, f.get("machine"), f.get("place"), f.get("kind")),
                         gettext("%(place)s is now a line-side place of %(machine)s.", place=f.get("place", "").upper(),
                                 machine=f.get("machine", "").upper()))


@bp.post("/tasks/places/levels")
@login_required
def set_level():
    f = request.form
    return _setup_action(lambda: tasks.places.set_kanban(g.user, f.get("place"), f.get("part"), f.get("minimum"),
                                                         f.get("maximum")),
                         gettext("Line-side stock of %(part)s at %(place)s set.", part=f.get("part", "").upper(),
                                 place=f.get("place", "").upper()))


@bp.post("/tasks/places/lanes")
@login_required
def name_lane():
    f = request.form
    return _setup_action(lambda: tasks.places.name_lane(g.user, f.get("work_order"), f.get("place")),
                         gettext("%(order)s now stages at %(place)s.", order=f.get("work_order", "").upper(),
                                 place=f.get("place", "").upper()) if f.get("place", "").strip()
                         else gettext("%(order)s now stages at its machine’s first lane.",
                                      order=f.get("work_order", "").upper()))
