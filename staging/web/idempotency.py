"""Idempotency-Key on every POST, PUT and PATCH of the API (staging/domain/idempotency.py keeps the
keys): hooks on the api blueprint, so every view registered on it, now or later, honours the header
without a line of its own.

The same key with the same body (and user, method and path) answers the first answer again, with
`Idempotent-Replayed: true`; the same key with another body is a 409. Without the header a request
runs as it always did; a move's own client_scan_id still makes it exactly-once either way."""
import json

from flask import Response, current_app, g, request

from ..domain import idempotency
from ..domain.errors import Invalid

HEADER = "Idempotency-Key"
METHODS = ("POST", "PUT", "PATCH")
MAX_KEY = 255
KEPT_BELOW = 500  # a server error wrote nothing and is not the request's answer: the key is freed

PARAMETER = {
    "name": HEADER, "in": "header", "required": False,
    "description": "Any unique string (a UUID) chosen by the client, at most 255 characters. Sent again with the "
                   "same body, the request is not done again: the first answer comes back (status and body) with "
                   "`Idempotent-Replayed: true`. The same key with another body is a 409; while the first request "
                   "is still being answered, a 409 too (ask again in a moment). Keys are kept 24 hours.",
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY}}


def init_app(bp):
    bp.before_request(_claim)
    bp.after_request(_keep)
    bp.teardown_request(_free)


def _claim():
    key = request.headers.get(HEADER)
    if key is None or request.method not in METHODS or g.get("user") is None:
        return None  # no key, a read, or no valid token (the view says 401)
    key = key.strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise Invalid("The Idempotency-Key header must be 1 to 255 printable characters.")
    claimed = idempotency.claim(g.user.id, key, f"{request.method} {request.path}", _body_hash(),
                                current_app.config["IDEMPOTENCY_WAIT_SECONDS"])
    if isinstance(claimed, idempotency.Answer):
        replay = Response(claimed.body, status=claimed.status, content_type=claimed.content_type)
        replay.headers["Idempotent-Replayed"] = "true"
        return replay
    g.idempotency_key = claimed
    return None


def _body_hash():
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        # Read as a form (the view reads it so too): its fields and its files' bytes, in their order
        # (not the raw body, whose multipart boundary a client draws anew for every retry).
        parts = [f"{name}={value}".encode() for name, value in request.form.items(multi=True)]
        for name, upload in request.files.items(multi=True):
            parts.append(f"{name}:{upload.filename}:".encode() + upload.stream.read())
            upload.stream.seek(0)
        return idempotency.fingerprint(b"\n".join(parts), is_json=False)
    return idempotency.fingerprint(request.get_data(cache=True), is_json=request.is_json)


def holds_secret():
    """Said by a view whose answer carries a secret (a webhook's signing key): the answer is not kept
    beside its key. A retry learns the request was done, and where to find what it made."""
    g.answer_holds_secret = True


SECRET_NOT_KEPT = {
    "title": "Already done", "status": 409,
    "detail": "A request with this Idempotency-Key was done already. Its answer held a secret, which is not "
              "kept: GET /api/webhooks lists what it made; rotate that webhook's secret to see a new one."}


def _keep(response):
    claimed = g.pop("idempotency_key", None)
    if claimed is None:
        return response
    if response.status_code >= KEPT_BELOW or response.is_streamed:
        idempotency.give_up(claimed)
    elif g.get("answer_holds_secret") and response.status_code < 300:
        idempotency.keep(claimed, 409, json.dumps(SECRET_NOT_KEPT), "application/problem+json")
    else:
        idempotency.keep(claimed, response.status_code, response.get_data(as_text=True), response.content_type)
    return response


def _free(exc):
    """A request that ended without an answer (an exception past every handler) frees its key."""
    claimed = g.pop("idempotency_key", None)
    if claimed is not None:
        idempotency.give_up(claimed)


def document(doc):
    """The header in the OpenAPI document: one shared parameter, named by every operation that
    takes it, and its 409 among their answers."""
    doc.setdefault("components", {}).setdefault("parameters", {})["IdempotencyKey"] = PARAMETER
    for operations in doc.get("paths", {}).values():
        for method, operation in operations.items():
            if method.upper() not in METHODS:
                continue
            operation.setdefault("parameters", []).append({"$ref": "#/components/parameters/IdempotencyKey"})
            answers = operation.setdefault("responses", {})
            if "409" not in answers and "401" in answers:  # every API operation answers 401 as a problem
                answers["409"] = {**answers["401"], "description": "Conflict: the Idempotency-Key was used with "
                                  "another body, or its first request is still being answered"}
    return doc
