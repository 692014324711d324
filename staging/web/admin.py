"""Admins: people's roles, badges and PINs, who may sign in at all (actions of the one people page,
/setup/people), and the security events."""
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain.errors import DomainError
from ..domain.people import badges, security_log, tokens, users
from ..store.models import SECURITY_EVENTS
from .auth import login_required
from .i18n import say
from .setup import people_page

bp = Blueprint("admin", __name__)


def _address():
    return request.remote_addr or ""


@bp.get("/users")
@login_required
def people():
    """The old address of the people page: one page for people now, under Setup."""
    users.users_for(g.user)  # admins only, as before
    return redirect(url_for("setup.people_list"), 301)


def _change(action, username, done):
    """Run one change for an admin; the page again with what happened, or why not."""
    try:
        action()
    except DomainError as err:
        if err.status == 403:
            raise
        return people_page(say(err), err.status)
    flash(done)
    return redirect(url_for("setup.people_list"), 303)


@bp.post("/users/<username>/badge")
@login_required
def reissue(username):
    end_tokens = request.form.get("end_tokens") == "1"
    return _change(lambda: badges.reissue(g.user, username, _address(), g.device, end_tokens=end_tokens), username,
                   gettext("%(user)s has a new badge; the old one no longer works. Print it now.", user=username))


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id):
    return _change(lambda: tokens.revoke(g.user, token_id, _address()), "",
                   gettext("The API token is revoked: it no longer works."))


@bp.post("/users/<username>/pin")
@login_required
def pin(username):
    return _change(lambda: badges.set_pin(g.user, username, request.form.get("pin"), _address()), username,
                   gettext("PIN of %(user)s set.", user=username))


@bp.post("/users/<username>/role")
@login_required
def role(username):
    return _change(lambda: users.set_role(g.user, username, request.form.get("role"), _address()), username,
                   gettext("Role of %(user)s changed; their sessions have ended.", user=username))


@bp.post("/users/<username>/active")
@login_required
def active(username):
    on = request.form.get("active") == "1"
    return _change(lambda: users.set_active(g.user, username, on, _address()), username,
                   gettext("%(user)s may sign in again.", user=username) if on else
                   gettext("%(user)s is switched off; their sessions have ended.", user=username))


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
