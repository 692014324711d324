"""The handheld scan page: one field, one POST per scan. Thin: read the request, call
scanning.step, keep its state in the session, render the result.

The page's script sends every scan (typed by the wedge, tapped, or replayed from its offline
queue) here one at a time, in scan order, with its client scan id and scan time, and swaps in the
_live.html fragment. Without JavaScript the same forms post here and get the whole page back."""
import datetime
import secrets
import uuid
from urllib.parse import quote

from flask import Blueprint, abort, g, make_response, redirect, render_template, request, session, url_for

from ..domain import finders, inventory, scanning
from ..domain.errors import DomainError
from ..domain.finders import utcnow
from ..domain.scan_commands import COMMANDS, MODES, REASONS
from ..media import decode as decoding
from . import plant, trace
from .auth import login_required

bp = Blueprint("scan", __name__)

STATE, LAST, RECENT = "scan_state", "scan_last", "scan_recent"
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600


def _from_script():
    return request.headers.get("X-Scan-Client") == "1"


def _scan_time():
    """When the operator scanned, on the server's clock: the page sends its own clock's scan and
    send times, so a handheld whose clock is off still dates a queued scan right."""
    now = utcnow()
    try:
        scanned, sent = int(request.form["scanned_at"]), int(request.form["sent_at"])
    except (KeyError, ValueError):
        return None
    age = datetime.timedelta(milliseconds=max(0, sent - scanned))
    if age > datetime.timedelta(days=7):
        return None
    return now - age


def _view(outcome=None):
    state = scanning.State.load(session.get(STATE))
    if outcome is None:
        last = session.get(LAST)
        outcome = scanning.Outcome(**last) if isinstance(last, dict) else scanning.prompt(state)
    return {"state": state, "outcome": outcome, "recent": session.get(RECENT) or [],
            "modes": MODES, "commands": dict(COMMANDS), "reasons": REASONS, "reason_labels": dict(REASONS),
            "new_scan_id": lambda: uuid.uuid4().hex, "label_url": label_url}


def label_url(lpn):
    # /labels/... is another blueprint's; link by path so this page does not depend on its names.
    return f"{request.script_root}/labels/units/{quote(lpn, safe='')}.pdf"


@bp.get("/scan")
@login_required
def page():
    named = bool(request.cookies.get("device"))
    if not named:
        # A shared handheld gets a name on first visit; every ledger row it writes carries it.
        g.device = "HH-" + secrets.token_hex(2).upper()
    context = _view()
    context["typing"] = request.args.get("type") == "1"
    response = make_response(render_template("scan/page.html", **context))
    if not named:
        response.set_cookie("device", g.device, max_age=DEVICE_COOKIE_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


@bp.post("/scan")
def scan():
    if g.user is None:
        if _from_script():
            return render_template("scan/_signed_out.html"), 401
        return redirect(url_for("auth.login", next=url_for("scan.page")))
    code, qty, outcome = request.form.get("code"), request.form.get("qty"), None
    photo = request.files.get("image")
    if photo is not None and photo.filename:
        code, outcome = _from_photo(photo.read())
    if outcome is None:
        outcome = _step(code if code is not None or qty is None else None, qty)
    if outcome.sign_out:
        session.clear()
        if _from_script():
            response = make_response("", 200)
            response.headers["X-Scan-Redirect"] = url_for("auth.login", next=url_for("scan.page"))
            return response
        return redirect(url_for("auth.login", next=url_for("scan.page")), 303)
    if not _from_script():
        return redirect(url_for("scan.page"), 303)  # post/redirect/get: a reload does not resend
    return render_template("scan/_live.html", **_view(outcome))


def _step(code, qty):
    ctx = inventory.Ctx(g.user, device=g.device, scan_id=_scan_id(), at=_scan_time())
    try:
        state, outcome = scanning.step(ctx, scanning.State.load(session.get(STATE)), code=code, qty=qty)
        outcome = trace.scan_label(state, outcome)  # a produced pallet's label at once (issue 17)
    except DomainError as err:  # a malformed scan id: refused like any other scan
        state, outcome = scanning.State.load(session.get(STATE)), scanning.Outcome("bad", err.title, err.message)
    if outcome.sign_in is not None:  # a badge scanned on a shared handheld: hand it over
        session["user_id"] = outcome.sign_in
        g.user = finders.active_user(outcome.sign_in)
    session[STATE] = state.dump()
    session[LAST] = outcome.dump()
    session[RECENT] = scanning.remember(session.get(RECENT), outcome, _local(ctx.at or utcnow()))
    return outcome


def _local(at):
    return plant.local(at, "%H:%M:%S")


def _scan_id():
    value = request.form.get("scan_id") or None
    return inventory.clean_scan_id(value) if value else uuid.uuid4().hex


def _from_photo(data):
    """(code to scan, None) for one barcode in the photo; (None, outcome) otherwise."""
    try:
        found = decoding.decode(data)
    except DomainError as err:
        return None, _shown(scanning.Outcome("bad", "Photo not read", err.message))
    if len(found) == 1:
        return found[0].scan_text, None
    if not found:
        return None, _shown(scanning.Outcome(
            "bad", "No barcode found", "Take the photo again: closer, straight on, in good light."))
    return None, _shown(scanning.Outcome("wait", f"{len(found)} barcodes in the photo",
                                         "Which one did you mean?", choices=[c.scan_text for c in found]))


def _shown(outcome):
    session[LAST] = outcome.dump()
    session[RECENT] = scanning.remember(session.get(RECENT), outcome, _local(utcnow()))
    return outcome


@bp.post("/scan/device")
@login_required
def device():
    name = "".join(ch for ch in request.form.get("name", "") if ch.isprintable()).strip()[:64]
    if not name:
        abort(400)
    response = redirect(url_for("scan.page"), 303)
    response.set_cookie("device", name, max_age=DEVICE_COOKIE_AGE, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response
