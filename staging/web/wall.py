"""Wall screens: /wall/<token> on a TV, with nobody signed in. The page polls its own fragment every
10 seconds with the same token; the token opens these two and nothing else (it is no API token and
no session). A revoked screen gets a plain page saying so. Admins list and revoke screens."""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import screens
from ..domain.errors import DomainError
from ..domain.machines import states, wall
from .auth import login_required
from .floor import printers_down
from .i18n import say
from .plant import calendar

bp = Blueprint("wall", __name__)


def _screen(token, refusal):
    """The screen, or the plain refusal (404 unknown, 403 revoked): a page, or for a poll its fragment."""
    try:
        return screens.screen_for(token), None
    except DomainError as err:
        page = render_template(refusal, message=say(err)), err.status
        return None, page


def _render(template, token, refusal):
    screen, refused = _screen(token, refusal)
    if refused is not None:
        return refused
    screens.seen(screen)
    view = wall.view(calendar(), current_app.config["FLOOR_HORIZON_HOURS"])
    # Each poll asks for the page after the one it shows: a floor bigger than the TV goes round.
    board = wall.page_of(view.board, request.args.get("page", 0, type=int) or 0,
                         current_app.config["WALL_TILES_PER_PAGE"])
    response = current_app.make_response(render_template(
        template, screen=screen, token=token, wall=view, board=board, safety=view.safety,
        overdue=view.overdue_logs, now=view.now, horizon=current_app.config["FLOOR_HORIZON_HOURS"],
        refresh=f'{current_app.config["WALL_REFRESH_SECONDS"]:g}', machine_state_words=states.STATE_WORDS,
        machine_states=view.states,
        **printers_down(view.board)))
    response.headers["Cache-Control"] = "no-store"
    # The token is in the address: never sent on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/wall/<token>")
def screen(token):
    return _render("wall/screen.html", token, "wall/refused.html")


@bp.get("/wall/<token>/live")
def live(token):
    return _render("wall/_live.html", token, "wall/_refused.html")


# --- admin: the screens and their links --------------------------------------------------------

def _list(error=None, status=200, link=None):
    return render_template("wall/screens.html", screens=screens.listed(g.user), error=error, link=link), status


@bp.get("/admin/screens")
@login_required
def listing():
    return _list()


@bp.post("/admin/screens")
@login_required
def create():
    try:
        _, token = screens.create(request.form.get("name"), g.user)
    except DomainError as err:
        if err.status == 403:
            raise
        return _list(say(err), err.status)
    return _list(link=url_for("wall.screen", token=token, _external=True), status=201)


@bp.post("/admin/screens/<int:screen_id>/revoke")
@login_required
def revoke(screen_id):
    try:
        found = screens.revoke(g.user, screen_id)
    except DomainError as err:
        if err.status == 403:
            raise
        return _list(say(err), err.status)
    flash(gettext("%(screen)s is switched off: its link no longer opens anything.", screen=found.name))
    return redirect(url_for("wall.listing"), 303)
