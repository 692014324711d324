"""JSON API for other departments: the same domain calls as the pages, errors as problem+json."""
import functools

from flask import Blueprint, g, jsonify, request

from .. import decode as decoding, inventory, ledger, stock
from ..errors import DomainError, Invalid, NotFound
from ..models import Location, Unit
from . import serial

bp = Blueprint("api", __name__)


def problem(status, title, detail):
    response = jsonify(type="about:blank", title=title, status=status, detail=detail)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


@bp.errorhandler(DomainError)
def domain_error(err):
    return problem(err.status, err.title, err.message)


@bp.errorhandler(404)
def not_found(err):
    return problem(404, "Not found", "No such resource.")


@bp.errorhandler(405)
def not_allowed(err):
    return problem(405, "Method not allowed", f"{request.method} is not allowed here.")


def token_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            response = problem(401, "Unauthorized", "Send a valid API token: Authorization: Bearer TOKEN.")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return view(**kwargs)
    return wrapped


def json_body():
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("The request body must be a JSON object.")
    return body


def text_field(body, name, required=True):
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise Invalid(f"“{name}” is required.")
        return None
    if not isinstance(value, str):
        raise Invalid(f"“{name}” must be a string.")
    if len(value) > 200:
        raise Invalid(f"“{name}” is too long.")
    return value


@bp.get("/locations")
@token_required
def locations():
    rows = Location.select(Location, Location.parent).order_by(Location.sort_key, Location.code)
    parents = {loc.id: loc.code for loc in rows}
    return jsonify([serial.location(loc, parents.get(loc.parent_id)) for loc in rows])


@bp.get("/locations/<code>")
@token_required
def location(code):
    loc = Location.get_or_none(Location.code == code)
    if loc is None:
        raise NotFound(f"No location with the code {code}.")
    parent = loc.parent.code if loc.parent_id else None
    return jsonify(serial.location(loc, parent, units=stock.units_at(loc)))


@bp.get("/units/<lpn>")
@token_required
def unit(lpn):
    found = Unit.get_or_none(Unit.lpn == lpn)
    if found is None:
        raise NotFound(f"No pallet or tote with the code {lpn}.")
    return jsonify(serial.unit(found, history=ledger.history(found)))


@bp.post("/moves")
@token_required
def moves():
    body = json_body()
    ctx = inventory.Ctx(g.user, device=g.device, scan_id=inventory.clean_scan_id(
        text_field(body, "client_scan_id", required=False)))
    result = inventory.move(ctx, text_field(body, "unit"), text_field(body, "to"),
                            expected_from=text_field(body, "from", required=False))
    response = jsonify(serial.move(result))
    response.status_code = 201
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


@bp.post("/decode")
@token_required
def decode_image():
    """The barcodes in a photo (multipart field `image`): the scan page's camera decoding."""
    photo = request.files.get("image")
    if photo is None or not photo.filename:
        raise Invalid("Send the photo as the multipart form field “image”.")
    return jsonify(codes=[code.as_json() for code in decoding.decode(photo.read())])
