"""Sign-in by session (pages) or bearer token (API, labels); one loader for both."""
import functools

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from .. import codes
from ..models import User
from ..users import authenticate, user_for_token

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
            user = User.get_or_none(User.id == user_id)
            g.user = user if user is not None and user.active else None


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
    error = None
    if request.method == "POST":
        if "badge" in request.form:  # a badge scanned on a shared handheld
            user = _badge_user(request.form.get("badge"))
            error = "That badge is not known here, or switched off." if user is None else None
        else:
            user = authenticate(request.form.get("username"), request.form.get("password"))
        if user is None:
            error = error or "Wrong user name or password."
        else:
            session.clear()
            session["user_id"] = user.id
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error), 401 if error else 200


def _badge_user(text):
    meaning = codes.resolve(text)
    return meaning.obj if meaning.kind == "badge" and meaning.obj.active else None


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))
