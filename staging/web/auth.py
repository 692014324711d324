"""Sign-in by session (pages) or bearer token (API, labels); one loader for both."""
import functools

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for

from ..domain import finders
from ..domain.errors import DomainError
from ..domain.users import badge_sign_in, sign_in, user_for_token

bp = Blueprint("auth", __name__)


def init_app(app):
    @app.before_request
    def load_user():
        g.user = None
        g.via_token = False
        g.device = "".join(ch for ch in (request.headers.get("X-Device")
                                         or request.cookies.get("device") or "") if ch.isprintable())[:64]
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            g.user = user_for_token(header[7:].strip())
            g.via_token = True
            return
        user_id = session.get("user_id")
        if user_id is not None:
            g.user = finders.active_user(user_id)


def login_required(view):
    @functools.wraps(view)
    def wrapped(**kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(**kwargs)
    return wrapped


def _safe_next(target):
    # Only paths on this site: never redirect a signed-in user elsewhere.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("stock.inventory")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status = None, 200
    if request.method == "POST":
        address, limits = request.remote_addr or "", _limits()
        try:
            if "badge" in request.form:  # a badge scanned on a shared handheld
                user = badge_sign_in(request.form.get("badge"), address, limits)
            else:
                user = sign_in(request.form.get("username"), request.form.get("password"), address, limits)
        except DomainError as err:
            error, status = err.message, err.status
        else:
            session.clear()
            session["user_id"] = user.id
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error), status


def _limits():
    config = current_app.config
    return {"per_username": config["LOGIN_MAX_FAILURES_PER_USER"],
            "per_address": config["LOGIN_MAX_FAILURES_PER_ADDRESS"]}


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
