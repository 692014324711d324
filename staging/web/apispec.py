"""spectree: validates API requests against staging.web.schemas and serves /api/openapi.json.

Refused input becomes the same problem+json as every other API error. Responses are validated
against their schema only when VALIDATE_RESPONSES is on (tests, schemathesis): in production a
move that committed must never turn into a 500 because of its answer's shape."""
import json

from flask import current_app
from flask_babel import gettext
from spectree import Response, SecurityScheme, SecuritySchemeData, SpecTree

from .schemas import Problem

PROBLEM = "application/problem+json"

DESCRIPTION = """Stock by location, moves, receipts, work orders and the ledger of a staging tracker.

Authenticate with `Authorization: Bearer TOKEN` (`flask --app app create-token --user NAME`).
Errors are `application/problem+json` with a readable `detail`."""


WORDS = {
    "missing": "“{0}” is required",
    "string_type": "“{0}” must be a string",
    "int_parsing": "“{0}” must be a whole number",
    "extra_forbidden": "“{0}” is not a field of this request",
    "string_too_long": "“{0}” is too long",
    "string_too_short": "“{0}” is empty",
    "string_pattern_mismatch": "“{0}” holds characters that are not allowed",
    "model_type": "The request body must be a JSON object",
}


def _words(item):
    where = ".".join(str(part) for part in item.get("loc", ()) if part != "__root__")
    template = WORDS.get(item.get("type"))
    if template:
        return template.format(where)
    return f"“{where}”: {item.get('msg')}" if where else item.get("msg", "")


def _problem_on_invalid(req, resp, err, instance, *args):
    if err is None or resp is None:
        return
    if req.method == "POST" and not req.files and not isinstance(req.get_json(silent=True), dict):
        detail = gettext("The request body must be a JSON object (Content-Type: application/json).")
    else:
        detail = "; ".join(dict.fromkeys(_words(item) for item in err.errors())) + "."
    resp.set_data(json.dumps({"type": "about:blank", "title": "Invalid", "status": resp.status_code,
                              "detail": detail}))
    resp.mimetype = PROBLEM


spec = SpecTree(
    # Its own doc routes are not registered (they load pages from a CDN); api.py serves the
    # document at /api/openapi.json. `path` only names what spectree leaves out of the document.
    "flask", path="apidoc", mode="strict", page_templates={},
    title="Staging tracker API", version="1", description=DESCRIPTION,
    security_schemes=[SecurityScheme(name="bearer", data=SecuritySchemeData(type="http", scheme="bearer"))],
    security={"bearer": []}, before=_problem_on_invalid, validation_error_status=422,
    validation_error_model=Problem,
    annotations=True,
)


class Responses(Response):
    """Documents every status, errors as the problem+json they are; checks the body only when the
    app asks for it."""

    def find_model(self, code):
        if not current_app.config.get("VALIDATE_RESPONSES"):
            return None
        return super().find_model(code)

    def generate_spec(self, *args, **kwargs):
        # spectree writes application/json for every model; an error answers application/problem+json
        # (RFC 9457), and a client choosing its parser by the document must be told so.
        documented = super().generate_spec(*args, **kwargs)
        for status, answer in documented.items():
            content = answer.get("content", {})
            if int(status) >= 400 and "application/json" in content:
                content[PROBLEM] = content.pop("application/json")
        return documented


def responses(ok_status, ok_model, *errors):
    codes = {f"HTTP_{ok_status}": ok_model, "HTTP_401": Problem}
    codes.update({f"HTTP_{code}": Problem for code in errors})
    return Responses(**codes)
