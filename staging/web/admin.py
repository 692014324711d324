"""Admins: people's roles, badges and PINs, who may sign in at all, and the security events."""
from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import badges, security_log, users
from ..domain.errors import DomainError
from ..store.models import ROLES, SECURITY_EVENTS
from .auth import login_required

bp = Blueprint("admin", __name__)


def _address():
    return request.remote_addr or ""


def _users_page(error=None, status=200, message=None):
    return render_template("admin/users.html", people=users.users_for(g.user), roles=ROLES, error=error,
                           message=message or request.args.get("done")), status


@bp.get("/users")
@login_required
def people():
    return _users_page()


def _change(action, username, done):
    """Run one change for an admin; the page again with what happened, or why not."""
    try:
        action()
    except DomainError as err:
        if err.status == 403:
            raise
        return _users_page(err.message, err.status)
    return redirect(url_for("admin.people", done=done.format(username=username)), 303)


@bp.post("/users/<username>/badge")
@login_required
def reissue(username):
    return _change(lambda: badges.reissue(g.user, username, _address(), g.device), username,
                   "{username} has a new badge; the old one no longer works. Print it now.")


@bp.post("/users/<username>/pin")
@login_required
def pin(username):
    return _change(lambda: badges.set_pin(g.user, username, request.form.get("pin"), _address()), username,
                   "PIN of {username} set.")


@bp.post("/users/<username>/role")
@login_required
def role(username):
    return _change(lambda: users.set_role(g.user, username, request.form.get("role"), _address()), username,
                   "Role of {username} changed; their sessions have ended.")


@bp.post("/users/<username>/active")
@login_required
def active(username):
    on = request.form.get("active") == "1"
    return _change(lambda: users.set_active(g.user, username, on, _address()), username,
                   "{username} may sign in again." if on else "{username} is switched off; their sessions have ended.")


@bp.post("/users/<username>/language")
@login_required
def language(username):
    return _change(lambda: users.set_language(g.user, username, request.form.get("language")), username,
                   gettext("Language of {username} changed."))


@bp.get("/security")
@login_required
def events():
    kind = request.args.get("kind", "")
    found = security_log.recent(g.user, kind=kind if kind in SECURITY_EVENTS else "")
    return render_template("admin/events.html", events=found, kinds=SECURITY_EVENTS, kind=kind)


@bp.get("/security.csv")
@login_required
def events_csv():
    return Response(security_log.export_csv(g.user), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="security-events.csv"',
                             "Cache-Control": "no-store"})
