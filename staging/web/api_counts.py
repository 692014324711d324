"""The counts' API: plan a count, read it (blind below lead), enter, submit, approve. Routes on the
api blueprint, so its token check, CSRF rule and problem+json apply."""
import datetime

from flask import g, jsonify

from ..domain import counts
from ..domain.errors import Invalid
from . import schemas_counts as shapes
from . import serial
from .api import bp, created, token_required
from .apispec import responses, spec


def _due(text):
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise Invalid("The due date “{value}” is not a date (2026-12-31).", value=text[:20]) from None


@bp.post("/counts")
@token_required
@spec.validate(json=shapes.CountIn, resp=responses(201, shapes.CountMade, 403, 404, 422), tags=["counts"])
def count_plan(json: shapes.CountIn):
    """Plan a count of the named locations, or of every location under `area` (leads and admins)."""
    if bool(json.locations) == bool(json.area):
        raise Invalid("Give either locations or an area to count.")
    kind = "locations" if json.locations else "area"
    count = counts.plan(g.user, kind, locations=json.locations or (), area=json.area or "",
                        due_on=_due(json.due_on), blind=json.blind)
    return created({"id": count.id, "status": count.status,
                    "locations": [t.location.code for t in count.tasks.order_by("id")]}, False)


@bp.get("/counts/<int:count_id>")
@token_required
@spec.validate(resp=responses(200, shapes.CountOut, 404), tags=["counts"])
def count_read(count_id):
    """A count's lines: submitted locations as compared, the others as counted so far. `expected`
    and `variance` are null below lead while the count is blind."""
    return jsonify(_count(count_id))


def _count(count_id):
    count, lines = counts.view.lines(g.user, count_id)
    return ({"id": count.id, "status": count.status, "blind": count.blind, "lines": [{
        "location": line.location, "unit": line.unit, "part": line.part, "revision": line.revision,
        "lot": line.lot, "expected": serial.number(line.expected) if line.expected is not None else None,
        "counted": _num(line.counted), "recounted": _num(line.recounted), "variance": _num(line.variance),
        "state": line.state, "moved": line.moved} for line in lines]})


def _num(value):
    return serial.number(value) if value is not None else None


@bp.post("/counts/<int:count_id>/entries")
@token_required
@spec.validate(json=shapes.EntryIn, resp=responses(201, shapes.EntryOut, 403, 404, 409, 422), tags=["counts"])
def count_entries(count_id, json: shapes.EntryIn):
    """One pallet counted (operators and above): `unit`, or for a pallet not in the books `part`,
    `revision`, `lot`. The same `client_scan_id` again records once; a pallet counted here already in
    this round answers 409 unless `replace` is true."""
    entry = counts.enter(g.user, count_id, json.location, json.quantity, unit=json.unit or "", part=json.part or "",
                         revision=json.revision or "", lot=json.lot or "", client_scan_id=json.client_scan_id,
                         replace=json.replace)
    return created({"id": entry.id, "location": entry.task.location.code,
                    "unit": entry.unit.lpn if entry.unit_id else None, "part": entry.part.number,
                    "revision": entry.part.revision, "lot": entry.lot, "quantity": serial.number(entry.quantity),
                    "round": entry.round}, False)


@bp.post("/counts/<int:count_id>/submit")
@token_required
@spec.validate(json=shapes.SubmitIn, resp=responses(200, shapes.TaskOut, 403, 404, 409, 422), tags=["counts"])
def count_submit(count_id, json: shapes.SubmitIn):
    """Done with a location: differences within tolerance are booked, the rest go to a recount, then
    to a lead's approval."""
    task = counts.submit(g.user, count_id, json.location, device=g.device)
    return jsonify({"location": task.location.code, "state": task.state})


@bp.post("/counts/<int:count_id>/approve")
@token_required
@spec.validate(resp=responses(200, shapes.CountOut, 403, 404, 422), tags=["counts"])
def count_approve(count_id):
    """A lead or admin who entered nothing in this count books what waits for approval (others: 403)."""
    counts.approve(g.user, count_id, device=g.device)
    return jsonify(_count(count_id))
