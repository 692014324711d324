"""The handheld scan page: one field, one POST per scan. Thin: read the request, call
scanning.step, keep its state in the session, render the result.

The page's script sends every scan (typed by the wedge, tapped, or replayed from its offline
queue) here one at a time, in scan order, with its client scan id and scan time, and swaps in the
_live.html fragment. Without JavaScript the same forms post here and get the whole page back."""
import functools
import hashlib
import secrets
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from babel.numbers import get_decimal_symbol
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import get_locale, gettext, refresh
from flask_wtf.csrf import CSRFError, generate_csrf

from ..domain import inventory, replay, words
from ..domain.errors import DomainError
from ..domain.finders import utcnow
from ..domain.people import badges, users
from ..domain.scan import scanner_check, scanning
from ..domain.scan import upkeep as scan_upkeep
from ..domain.scan.commands import COMMANDS, MODE_NAMES, MODES, REASONS
from ..domain.words import Words
from ..media import decode as decoding
from . import devices, i18n, plant, scan_handback, scan_steps, scan_words, trace
from .auth import limits, login_required, start_session

bp = Blueprint("scan", __name__)

STATE, LAST, RECENT = "scan_state", "scan_last", "scan_recent"
DEVICE_COOKIE_AGE = 5 * 365 * 24 * 3600


def _from_script():
    return request.headers.get("X-Scan-Client") == "1"


def _scan_time():
    """When the operator scanned, on the server's clock, and a note when a replayed scan could not
    keep its own time (too old, or inside a locked shift log): see domain/replay."""
    form = request.form
    return replay.scan_time(plant.calendar(), form.get("scanned_at"), form.get("sent_at"), utcnow(),
                            current_app.config["REPLAY_MAX_AGE_HOURS"])


def _view(outcome=None):
    state = scanning.State.load(session.get(STATE))
    if outcome is None:
        last = session.get(LAST)
        outcome = scanning.Outcome.load(last) if isinstance(last, dict) else scanning.prompt(state)
    return {"state": state, "outcome": outcome, "recent": session.get(RECENT) or [], "said": said,
            "modes": MODES, "mode_names": MODE_NAMES, "commands": dict(COMMANDS), "reasons": REASONS,
            "reason_labels": dict(REASONS), "decimal_mark": get_decimal_symbol(get_locale()),
            "new_scan_id": lambda: uuid.uuid4().hex, "label_url": label_url, "step": scan_steps.token(state)}


def said(data):
    """A sentence kept in the session (a last scan's title), in the reader's language."""
    return i18n.say(words.load(data))


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
    scan_handback.take()  # a lead back from the PIN to an operator's refused load
    context = _view()
    context["typing"] = request.args.get("type") == "1"
    context["offline"] = current_app.config.get("SCAN_OFFLINE", True)
    context["offline_version"] = offline_version(current_app.static_folder)
    context["script_words"] = scan_words.script_words()
    response = make_response(render_template("scan/page.html", **context))
    if not named:
        response.set_cookie("device", g.device, max_age=DEVICE_COOKIE_AGE, samesite="Lax", httponly=True,
                            secure=request.is_secure)
    return response


@bp.post("/scan")
def scan():
    if g.user is None:
        if _from_script():
            return _signed_out()
        return redirect(url_for("auth.login", next=url_for("scan.page")))
    by = request.form.get("by")
    if by and by != g.user.username and _from_script():
        # Queued by someone else than who this session now signs for (it changed hands in another
        # tab): never recorded under another name. The page sets it aside for its own person.
        response = make_response("", 409)
        response.headers["X-Scan-Owner"] = g.user.username
        return response
    # "All" is a button of its own beside the quantity box: it wins over whatever the box holds.
    code, qty, outcome = request.form.get("code"), request.form.get("all") or request.form.get("qty"), None
    photo = request.files.get("image")
    if photo is not None and photo.filename:
        code, outcome = _from_photo(photo.read())
    if outcome is None:
        outcome = _step(code if code is not None or qty is None else None, qty)
        outcome = scan_handback.give_back(code, outcome)
        session[LAST] = outcome.dump()
    if outcome.sign_out:
        users.end_sessions(g.user, request.remote_addr or "")
        session.clear()
        g.scan_go = url_for("auth.login", next=url_for("scan.page"))
    if g.get("scan_go"):  # signed out, or handed over: a fresh page shows who holds the handheld
        if _from_script():
            response = make_response("", 200)
            response.headers["X-Scan-Redirect"] = g.scan_go
            return response
        return redirect(g.scan_go, 303)
    if not _from_script():
        return redirect(url_for("scan.page"), 303)  # post/redirect/get: a reload does not resend
    return render_template("scan/_live.html", **_view(outcome))


def _signed_out(error=""):
    """The red panel of a page whose session is gone (expired, signed out elsewhere, a new server
    key), with a fresh CSRF token for the badge scan that signs in again: the page's own token
    belonged to the lost session. The page keeps its queue and its buttons."""
    response = make_response(render_template("scan/_signed_out.html", error=error), 401)
    response.headers["X-CSRF-Token"] = generate_csrf()
    return response


@bp.errorhandler(CSRFError)
def stale_token(err):
    """The scan page's token no longer matches its session. Signed out: ask for the badge. Still
    signed in (the session was renewed in another tab): hand the page the current token and let it
    send the scan again; another site cannot read this header, so it gains nothing from it."""
    if g.get("user") is None:
        if _from_script():
            return _signed_out()
        return redirect(url_for("auth.login", next=url_for("scan.page")))
    response = make_response(render_template(
        "errors/error.html", title=gettext("Please try again"),
        message=gettext("This page was open too long or came from another site. Reload it and try again.")), 400)
    if _from_script():
        response.headers["X-CSRF-Token"] = generate_csrf()
    return response


@bp.post("/scan/badge")
def badge():
    """A badge scanned on a signed-out scan page: signs in through the login's own throttle and
    answers with the live panel, so the page carries on with its queue. A badge of a role above
    operator also needs its PIN: the page goes to the sign-in page for it, and comes back."""
    try:
        user = badges.sign_in(request.form.get("code"), request.remote_addr or "", devices.key(), limits(),
                              device_name=g.device)
    except DomainError as err:
        return _signed_out(i18n.say(err))
    if badges.needs_pin(user):
        session.clear()
        session.update(pin_for=user.id, pin_at=int(time.time()))
        response = _signed_out(gettext("Your badge also needs your PIN."))
        response.headers["X-Scan-Redirect"] = url_for("auth.login", next=url_for("scan.page"))
        return response
    start_session(user, "badge")  # a new session (and so a new token) for a new sign-in
    g.pop("csrf_token", None)
    g.user = user
    refresh()  # the panel in the badge holder's language
    # The lost session took the mode with it: the page's queued scans were made in the mode its
    # buttons show, so the new session starts in that mode (State.load keeps only a known one).
    session[STATE] = scanning.State.load({"mode": request.form.get("mode"), "user_id": user.id}).dump()
    outcome = scanning.signed_in(user)
    outcome.sign_in = None
    _shown(outcome)
    response = make_response(render_template("scan/_live.html", **_view(outcome)))
    response.headers["X-CSRF-Token"] = generate_csrf()
    return response


@bp.post("/scan/aside/drop")
@login_required
def drop_aside():
    """A lead drops the scans another person left queued on this handheld (set aside by its script,
    never sent under another name), with a reason: JSON for the script, the refusal in words."""
    try:
        said = replay.drop_set_aside(g.user, request.form.get("user", "")[:64], request.form.get("count"),
                                     request.form.get("reason"), g.device)
    except DomainError as err:
        return {"error": i18n.say(err)}, err.status
    return {"said": i18n.say(said)}


def _step(code, qty):
    at, dated_note = _scan_time()
    ctx = inventory.Ctx(g.user, device=g.device, scan_id=_scan_id(), at=at)
    scan_upkeep.configure(plant.calendar())  # an andon call writes into the shift log of the plant's shifts now
    try:
        before = scan_steps.resumed(request.form.get("step"), g.user, scanning.State.load(session.get(STATE)))
        state, outcome = scanning.step(ctx, before, code=code, qty=qty)
        outcome = trace.scan_label(state, outcome)  # a produced pallet's label at once (issue 17)
    except DomainError as err:  # a malformed scan id: refused like any other scan
        state = scanning.State.load(session.get(STATE))
        outcome = scanning.Outcome("bad", scanning.refused_title(err), err.words)
    if dated_note:
        outcome.add(dated_note)
    if outcome.sign_in is not None:  # a badge scanned on a shared handheld: hand it over
        outcome = _hand_over(outcome)
    elif outcome.tone == "bad" and code:  # a badge-shaped unknown code counts as a guess
        badges.note_failure(str(code), request.remote_addr or "", devices.key(), device_name=g.device)
    session[STATE] = state.dump()
    session[LAST] = outcome.dump()
    session[RECENT] = scanning.remember(session.get(RECENT), outcome, _local(ctx.at or utcnow()))
    return outcome


def _hand_over(outcome):
    """Hand the handheld to the badge's holder: at once for an operator, after a PIN on the sign-in
    page for the roles above (this session is signed out meanwhile)."""
    try:
        user = badges.hand_over(outcome.sign_in, request.remote_addr or "", devices.key(), limits(),
                                device_name=g.device)
    except DomainError as err:
        return scanning.Outcome("bad", scanning.refused_title(err), err.words)
    outcome.code = ""  # a badge code is a sign-in: never on the panel or in the recent list
    recent, handback = session.get(RECENT), scan_handback.note(user)
    if badges.needs_pin(user):
        session.clear()
        session.update(pin_for=user.id, pin_at=int(time.time()))
        g.scan_go = url_for("auth.login", next=url_for("scan.page"))
    else:
        start_session(user, "badge", fresh=False)
        g.user, g.scan_go = user, url_for("scan.page")
    session[RECENT] = recent
    if handback:
        session[scan_handback.HANDBACK] = handback
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
        return None, _shown(scanning.Outcome("bad", Words("Photo not read"), err.words))
    if len(found) == 1:
        return found[0].scan_text, None
    if not found:
        return None, _shown(scanning.Outcome(
            "bad", Words("No barcode found"), Words("Take the photo again: closer, straight on, in good light.")))
    return None, _shown(scanning.Outcome("wait", Words("{count} barcodes in the photo", count=len(found)),
                                         Words("Which one did you mean?"), choices=[c.scan_text for c in found]))


def _shown(outcome):
    session[LAST] = outcome.dump()
    session[RECENT] = scanning.remember(session.get(RECENT), outcome, _local(utcnow()))
    return outcome


@functools.cache
def offline_version(static_folder):
    """The service worker's version: a digest of the app's own CSS and JS, so any change of them
    makes handhelds install the new worker and drop the old cache (computed once per process)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(static_folder).rglob("*") if p.suffix in (".css", ".js")
                       and "vendor" not in p.parts):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/scan-sw.js")
def service_worker():
    """The scan page's service worker, at a path whose scope covers /scan. With SCAN_OFFLINE=0, a
    worker that removes itself: browsers check this URL for updates on their own."""
    name = "js/sw.js" if current_app.config.get("SCAN_OFFLINE", True) else "js/sw-off.js"
    response = send_from_directory(current_app.static_folder, name, max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/scan/check", methods=["GET", "POST"])
@login_required
def check():
    """The scanner check: scan the command sheet's test barcode, see what is wrong with the set-up.
    Writes nothing; the page's script says which key ended the scan (without it, Enter did)."""
    findings = None
    if request.method == "POST":
        findings = scanner_check.diagnose(request.form.get("code", ""), request.form.get("suffix", "Enter"))
    return render_template("scan/check.html", findings=findings, scanned=request.form.get("code"))


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
