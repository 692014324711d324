"""The signed-in user's own account: change the password (ends the other sessions), see and
reprint one's own badge, choose one's language. And this device's theme (high contrast for glare),
signed in or not."""
from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import gettext, refresh

from ..domain.errors import DomainError
from ..domain.people import users
from .auth import login_required
from .i18n import say
from .security import safe_next

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


THEME_COOKIE_DAYS = 5 * 365  # a handheld keeps its theme until someone changes it


@bp.post("/theme")
def theme():
    """High contrast, per device: a cookie the pages read as they render, so the first paint is
    already in it (no flash), offline shell included."""
    chosen = request.form.get("theme")
    if chosen not in ("contrast", "normal"):
        message = gettext("There is no theme called “%(name)s”: choose high contrast or normal.", name=chosen or "")
        return render_template("errors/error.html", title=gettext("Not accepted"), message=message), 422
    response = redirect(safe_next(request.form.get("next")) or url_for("stock.index"), 303)
    if chosen == "contrast":
        response.set_cookie("theme", "contrast", max_age=THEME_COOKIE_DAYS * 86400, samesite="Lax",
                            httponly=True, secure=request.is_secure)
    else:
        response.delete_cookie("theme", samesite="Lax", httponly=True)
    return response


@bp.post("/language")
@login_required
def language():
    try:
        users.set_language(g.user, g.user.username, request.form.get("language"), own=True)
    except DomainError as err:
        return render_template("account/index.html", error=say(err)), err.status
    refresh()  # this very answer already in the new language
    return redirect(url_for("account.index", done="language"), 303)
