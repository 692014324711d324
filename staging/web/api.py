"""JSON API for other departments: the same domain calls as the pages, errors as problem+json.

Inputs are validated by spectree against staging.web.schemas, which also make /api/openapi.json."""
import copy
import functools

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from flask_babel import gettext

from ..domain import finders, inventory, setup, tasks, workorders
from ..domain.errors import DomainError, Invalid
from ..domain.inventory import ledger, whereabouts
from ..domain.machines import states as machine_states
from ..media import decode as decoding
from . import idempotency, schemas, serial
from .apispec import responses, spec
from .i18n import say

bp = Blueprint("api", __name__)
idempotency.init_app(bp)  # every POST, PUT and PATCH on it honours an Idempotency-Key


def problem(status, title, detail):
    response = jsonify(type="about:blank", title=title, status=status, detail=detail)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


@bp.errorhandler(DomainError)
def domain_error(err):
    # The title stays English (a client may branch on it); the detail is for the person reading it.
    return problem(err.status, err.title, say(err))


@bp.errorhandler(404)
def not_found(err):
    return problem(404, "Not found", gettext("No such resource."))


@bp.errorhandler(405)
def not_allowed(err):
    return problem(405, "Method not allowed", gettext("%(method)s is not allowed here.", method=request.method))


def token_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            response = problem(401, "Unauthorized", gettext("Send a valid API token: Authorization: Bearer TOKEN."))
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return view(**kwargs)
    return wrapped


def created(data, replayed):
    response = jsonify(data)
    response.status_code = 201
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def body(json):
    """The validated JSON body. spectree leaves a form-encoded body unvalidated (json is None):
    refused like a body that is not a JSON object, never a 500."""
    if json is None:
        raise Invalid("The request body must be a JSON object (Content-Type: application/json).")
    return json


def ctx(scan_id):
    return inventory.Ctx(g.user, device=g.device, scan_id=scan_id)


# spectree documents JSON bodies only: the photo upload is said here.
PHOTO_BODY = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["image"],
    "properties": {"image": {"type": "string", "format": "binary", "description": "A photo (JPEG or PNG)."}}}}}}


def document():
    doc = copy.deepcopy(spec.spec)
    doc["paths"]["/api/decode"]["post"]["requestBody"] = PHOTO_BODY
    return idempotency.document(doc)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document, generated from the schemas the API validates with."""
    return jsonify(document())


@bp.get("/")
def browse():
    """The API, readable in a browser: rendered from the same OpenAPI document."""
    return render_template("api/browse.html", doc=document())


@bp.get("/locations")
@token_required
@spec.validate(resp=responses(200, schemas.LocationList), tags=["locations"])
def locations():
    """Every location, with its kind and parent."""
    rows = finders.locations()
    parents = {loc.id: loc.code for loc in rows}
    return jsonify([serial.location(loc, parents.get(loc.parent_id)) for loc in rows])


@bp.get("/locations/<code>")
@token_required
@spec.validate(resp=responses(200, schemas.LocationDetail, 404), tags=["locations"])
def location(code):
    """One location with the units on it."""
    loc = finders.location(code)
    parent = loc.parent.code if loc.parent_id else None
    return jsonify(serial.location(loc, parent, units=whereabouts.units_at(loc)))


@bp.get("/units/<lpn>")
@token_required
@spec.validate(resp=responses(200, schemas.UnitDetail, 404), tags=["units"])
def unit(lpn):
    """One unit: where it is, how much, and its whole history."""
    found = finders.unit(lpn)
    return jsonify(serial.unit(found, history=ledger.history(found)))


@bp.post("/moves")
@token_required
@spec.validate(json=schemas.MoveIn, resp=responses(201, schemas.MoveOut, 403, 404, 409, 422), tags=["moves"])
def moves(json: schemas.MoveIn):
    """Move a unit. `from` is where the operator believed it was; the same `client_scan_id`
    again returns the first move and records nothing. Onto a machine it is a load: the unit's
    part and revision must be needed by an open work order of the machine (422 otherwise, naming
    what it needs), unless a lead gives `override_reason`."""
    json = body(json)
    result = tasks.move(ctx(json.client_scan_id), json.unit, json.to, tasks.Rules.from_config(current_app.config),
                        expected_from=json.from_, override=json.override_reason)
    return created(dict(serial.move(result), note=result.note, warning=result.warn), result.replayed)


@bp.post("/units/<lpn>/split")
@token_required
@spec.validate(json=schemas.SplitIn, resp=responses(201, schemas.SplitOut, 403, 404, 409, 422), tags=["units"])
def split(lpn, json: schemas.SplitIn):
    """Take part of a unit off as a new unit with its own LPN (and label, at `label`): operator or
    above. The same `client_scan_id` again returns the same new unit and records nothing."""
    json = body(json)
    result = inventory.split(ctx(json.client_scan_id), lpn, json.quantity, json.to, expected_from=json.from_,
                             override=json.override_reason)
    new = result.unit
    return created(dict(serial.unit(new), split_from=new.split_from.lpn, note=result.note, warning=result.warn,
                        label=url_for("labels.unit", name=f"{new.lpn}.pdf", _external=True)), result.replayed)


@bp.post("/receipts")
@token_required
@spec.validate(json=schemas.ReceiptIn, resp=responses(201, schemas.UnitOut, 403, 404, 409, 422),
               tags=["units"])
def receipts(json: schemas.ReceiptIn):
    """Receive a new unit (stager or above)."""
    json = body(json)
    part = finders.part(json.part, json.revision)
    result = inventory.receive(ctx(json.client_scan_id), part, json.quantity, json.location, lot=json.lot,
                               lpn=json.lpn, barcodes=[(code, "supplier") for code in json.supplier_barcodes])
    return created(serial.unit(result.unit), result.replayed)


@bp.get("/work-orders")
@token_required
@spec.validate(query=schemas.WorkOrderQuery, resp=responses(200, schemas.WorkOrderList, 422),
               tags=["work orders"])
def work_orders(query: schemas.WorkOrderQuery):
    """Work orders, newest first (at most 500), optionally of one status."""
    return jsonify([serial.work_order(wo) for wo in workorders.listing(query.status)])


@bp.get("/work-orders/<number>")
@token_required
@spec.validate(resp=responses(200, schemas.WorkOrderDetail, 404), tags=["work orders"])
def work_order(number):
    """A work order with what each material line needs, and how much is staged, loaded and used."""
    wo = finders.work_order(number)
    return jsonify(serial.work_order(wo, lines=workorders.order_lines(wo)))


@bp.get("/machines/<code>/staged")
@token_required
@spec.validate(resp=responses(200, schemas.MachineStaged, 404), tags=["work orders"])
def machine_staged(code):
    """What is staged for and loaded on a machine, against its work orders."""
    machine = finders.machine(code)
    return jsonify({**serial.machine(workorders.machine_view(machine)),
                    "machine_state": serial.machine_state(machine_states.current(machine))})


@bp.get("/ledger")
@token_required
@spec.validate(query=schemas.LedgerQuery, resp=responses(200, schemas.LedgerPage, 404, 422), tags=["ledger"])
def ledger_page(query: schemas.LedgerQuery):
    """The ledger in commit order, a page at a time: follow `next` until it is null, then poll
    again with the last entry's id as `after`. Never skips an entry whose transaction commits late
    and never repeats one (on PostgreSQL the order is the commit order, not always the id order)."""
    unit_id = finders.unit(query.unit).id if query.unit else None
    entries = ledger.page(after=query.after, limit=query.limit, unit_id=unit_id)
    more = len(entries) == query.limit
    return jsonify(entries=[serial.entry(e) for e in entries], next=entries[-1].id if more else None)


@bp.post("/decode")
@token_required
@spec.validate(resp=responses(200, schemas.Decoded, 413, 422), tags=["scanning"])
def decode_image():
    """The barcodes in a photo (multipart form field `image`): the scan page's camera decoding."""
    photo = request.files.get("image")
    if photo is None or not photo.filename:
        raise Invalid("Send the photo as the multipart form field “image”.")
    return jsonify(codes=[code.as_json() for code in decoding.decode(photo.read())])


# --- plant set-up: locations and parts --------------------------------------------------------------------

def _values(model):
    """A request body as the set-up functions read a form: only the fields sent; yes/no for flags."""
    values = model.model_dump(exclude_unset=True) if model is not None else {}  # no JSON body: no fields
    return {k: ("yes" if v else "no") if isinstance(v, bool) else ("" if v is None else str(v))
            for k, v in values.items()}


def _location(loc):
    return serial.location(loc, loc.parent.code if loc.parent_id else None)


def _part(part):
    return {"number": part.number, "revision": part.revision, "description": part.description, "uom": part.uom,
            "gtin": part.gtin, "gtins": setup.parts.gtins_of(part),
            "pack_qty": serial.number(part.pack_qty) if part.pack_qty is not None else None,
            "shelf_life_days": part.shelf_life_days, "active": part.active,
            "unit_value": serial.number(part.unit_value) if part.unit_value is not None else None}


@bp.post("/locations")
@token_required
@spec.validate(json=schemas.LocationIn, resp=responses(201, schemas.Location, 403, 409, 422), tags=["locations"])
def create_location(json: schemas.LocationIn):
    """Add a location (lead or admin); its code is scannable at once. 409 when the code exists."""
    return created(_location(setup.locations.create(g.user, _values(json))), False)


@bp.patch("/locations/<code>")
@token_required
@spec.validate(json=schemas.LocationFields, resp=responses(200, schemas.Location, 403, 404, 422),
               tags=["locations"])
def change_location(code, json: schemas.LocationFields):
    """Change the fields sent. Closing (active false) is refused while units are on it."""
    return jsonify(_location(setup.locations.change(g.user, code, _values(json))))


@bp.post("/parts")
@token_required
@spec.validate(json=schemas.PartIn, resp=responses(201, schemas.PartOut, 403, 409, 422), tags=["parts"])
def create_part(json: schemas.PartIn):
    """Add a part number and revision (lead or admin). 409 when it exists."""
    return created(_part(setup.parts.create(g.user, _values(json))), False)


@bp.patch("/parts/<number>")
@token_required
@spec.validate(query=schemas.PartQuery, json=schemas.PartFields, resp=responses(200, schemas.PartOut, 403, 404, 422),
               tags=["parts"])
def change_part(number, query: schemas.PartQuery, json: schemas.PartFields):
    """Change the fields sent of the part `number` at `?revision=` (none: the part without revision)."""
    return jsonify(_part(setup.parts.change(g.user, number, query.revision, _values(json))))
