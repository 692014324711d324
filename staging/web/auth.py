"""Sign-in by session (pages) or bearer token (API, labels); one loader for both.

A session holds the user's id and the session generation it began in: the user's row carries the
current one, so bumping it (sign-out, a password, role or badge change, deactivation) ends every
session of that user on every worker and host at their next request. A desk session (signed in
with a password) also ends after DESK_IDLE_MINUTES without a request."""
import functools
import time
from urllib.parse import urlsplit

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for

from ..domain import finders
from ..domain.errors import DomainError
from ..domain.people import badges, tokens, users
from ..domain.setup import checklist
from . import devices
from .i18n import say
from .security import safe_next

bp = Blueprint("auth", __name__)

PIN_WAIT = 120  # seconds a scanned badge waits for its PIN


def init_app(app):
    @app.before_request
    def load_user():
        g.user = None
        g.via_token = False
        # The device's name, for the ledger and the security log (the throttle counts by devices.key()).
        g.device = "".join(ch for ch in (request.headers.get("X-Device")
                                         or request.cookies.get("device") or "") if ch.isprintable())[:64]
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            g.api_token = users.token_row(header[7:].strip())
            g.user = g.api_token.user if g.api_token is not None and g.api_token.user.active else None
            g.via_token = True
            return
        user_id = session.get("user_id")
        if user_id is not None:
            g.user = users.session_user(user_id, session.get("gen", 0))
            if g.user is None or _idle_too_long():
                g.user = None
                _forget_user()

    @app.after_request
    def note_token_use(response):
        # Only a call that was answered counts as a use (and a refused one writes nothing at all).
        if g.get("via_token") and g.get("user") is not None and response.status_code < 400:
            tokens.touch(g.api_token)
        return response


def _idle_too_long():
    """A desk session unused for DESK_IDLE_MINUTES ends; handheld (badge) sessions last the shift."""
    if session.get("kind") != "desk":
        return False
    now, seen = int(time.time()), session.get("seen") or 0
    if now - seen > current_app.config["DESK_IDLE_MINUTES"] * 60:
        return True
    if now - seen > 60:  # written at most once a minute: each write is a new cookie
        session["seen"] = now
    return False


def _forget_user():
    # The CSRF token stays: the page open on the screen can still sign in again.
    for key in ("user_id", "gen", "kind", "seen"):
        session.pop(key, None)


def start_session(user, kind, fresh=True):
    """Sign `user` in on this browser: `kind` desk (password) or badge (a handheld). `fresh=False`
    for a hand-over on the scan page: its CSRF token stays, so scans already on their way count."""
    if fresh:
        session.clear()
    session.update(user_id=user.id, gen=user.session_gen, kind=kind, seen=int(time.time()))
    session.permanent = True
    devices.remember()


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return _to_sign_in()
        return view(**kwargs)
    return wrapped


def _to_sign_in():
    """The sign-in page, then back. A poll or a fragment htmx asked for (not a boosted click) gets
    no redirect: the request would follow it and swap the whole sign-in page into the piece of page
    it refreshes. HX-Redirect sends the whole window instead, back to the page on the screen."""
    if not request.headers.get("HX-Request") or request.headers.get("HX-Boosted"):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    here = urlsplit(request.headers.get("HX-Current-URL", ""))
    response = current_app.make_response(("", 401))
    response.headers["HX-Redirect"] = url_for("auth.login", next=here.path + (f"?{here.query}" if here.query else ""))
    return response


def landing(user, target):
    """Where a sign-in goes: the page asked for, else operators to Scan, others to Inventory; an
    admin of a plant not yet set up (first start) to the setup checklist."""
    if safe_next(target):
        return safe_next(target)
    if user.role == "admin" and not checklist.begun():
        return url_for("setup.index")
    return url_for("scan.page" if user.role == "operator" else "stock.inventory")


def limits():
    config = current_app.config
    return {"per_username": config["LOGIN_MAX_FAILURES_PER_USER"],
            "per_address": config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
            "per_device": config["LOGIN_MAX_FAILURES_PER_DEVICE"]}


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = request.args.get("next")
    safe_next(target)  # a CRLF in it is refused (400) before anything else
    if request.method != "POST":  # HEAD too (a monitor, a link checker): the page, never a failed sign-in
        return _page(pin_for=_pin_pending())
    form, address, key = request.form, request.remote_addr or "", devices.key()
    try:
        if "pin" in form:  # the second step of a badge of a role above operator
            user = badges.check_pin(_pin_pending() and session.get("pin_for"), form.get("pin"), address, limits(),
                                    device=key)
            kind = "badge"
        elif "badge" in form:  # a badge scanned on a shared handheld
            user = badges.sign_in(form.get("badge"), address, key, limits(), device_name=g.device)
            kind = "badge"
            if badges.needs_pin(user):
                session.clear()
                session.update(pin_for=user.id, pin_at=int(time.time()))
                return _page(pin_for=user)
        else:
            user = users.sign_in(form.get("username"), form.get("password"), address, limits(), device=key)
            kind = "desk"
    except DomainError as err:
        return _page(error=say(err), status=err.status, pin_for=_pin_pending() if "pin" in form else None)
    handback = session.get("scan_handback") if kind == "badge" else None  # a lead called to a handheld
    start_session(user, kind)
    if handback:
        session["scan_handback"] = handback
    if kind == "badge":  # a badge is scanned on a handheld: it goes on scanning there
        return redirect(safe_next(target) or url_for("scan.page"))
    return redirect(landing(user, target))


def _pin_pending():
    """The user whose badge was just scanned and who still owes a PIN, or None."""
    user_id, at = session.get("pin_for"), session.get("pin_at") or 0
    if not isinstance(user_id, int) or time.time() - at > PIN_WAIT:
        return None
    return finders.active_user(user_id)


def _page(error=None, status=200, pin_for=None):
    return render_template("auth/login.html", error=error, pin_for=pin_for), status


@bp.post("/logout")
def logout():
    users.end_sessions(g.user, request.remote_addr or "")
    session.clear()
    return redirect(url_for("auth.login"))
