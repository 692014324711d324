"""Staging tasks: the API (GET /api/tasks, claim, release; routes of the api blueprint, so they
share its token check, CSRF exemption and problem+json), the leads' task list with reorder,
assign and cancel, and the printable pick list per zone."""
from flask import Blueprint, current_app, g, jsonify

from ..domain import tasks
from . import api, schemas_tasks
from .apispec import responses, spec
from .serial import iso, number

bp = Blueprint("tasks", __name__)


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
            "assigned_to": t.assigned_to.username if t.assigned_to_id else None, "due_at": iso(t.due_at)}


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
