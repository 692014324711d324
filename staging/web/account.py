"""The signed-in user's own account: change the password (ends the other sessions), see and
reprint one's own badge, choose one's language."""
from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import refresh

from ..domain import users
from ..domain.errors import DomainError
from .auth import login_required
from .i18n import say

bp = Blueprint("account", __name__)


@bp.get("")
@login_required
def index():
    return render_template("account/index.html", done=request.args.get("done"))


@bp.post("/password")
@login_required
def password():
    form = request.form
    try:
        generation = users.change_own_password(g.user, form.get("current"), form.get("new"), form.get("repeat"),
                                               request.remote_addr or "")
    except DomainError as err:
        return render_template("account/index.html", error=say(err)), err.status
    session["gen"] = generation  # this session carries on; every other one has ended
    return redirect(url_for("account.index", done="password"), 303)


@bp.post("/language")
@login_required
def language():
    try:
        users.set_language(g.user, g.user.username, request.form.get("language"), own=True)
    except DomainError as err:
        return render_template("account/index.html", error=say(err)), err.status
    refresh()  # this very answer already in the new language
    return redirect(url_for("account.index", done="language"), 303)
