"""The plant's settings: an admin reads and changes them in one page; every request sees the
stored ones (through plant_settings.Stored, which re-reads them only when they changed)."""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import plant_settings, tasks
from ..domain.counts import classes as count_classes
from ..domain.scan import tasks as scan_tasks
from ..domain.setup import audit
from ..store.db import FAULTS
from .auth import login_required

bp = Blueprint("settings", __name__)


def _page(typed=None, error=None, status=200):
    rows = plant_settings.shown(g.user, current_app.config)
    return render_template("settings/index.html", rows=rows, typed=typed or {}, error=error,
                           history=audit.changes("setting", limit=20)), status


@bp.get("/settings")
@login_required
def index():
    return _page()


@bp.post("/settings")
@login_required
def save():
    try:
        changed = plant_settings.save(g.user, request.form.to_dict(), current_app.config)
    except plant_settings.Refused as err:
        return _page(request.form, err, 422)
    refresh(current_app)
    if changed:
        flash(gettext("Saved: %(names)s.", names=", ".join(changed)))
    else:
        flash(gettext("Nothing changed."))
    return redirect(url_for("settings.index"), 303)


def refresh(app):
    """Put the stored settings into the app's config when they changed (in this process or another),
    and drop what was worked out from the old ones: the shift calendar, the task rules."""
    state = app.extensions["staging.settings"]
    stored = state["stored"]
    try:
        if not stored.changed():
            return
    except FAULTS:  # the database cannot be read now: the settings read last still hold
        return
    defaults = state["defaults"]
    for name in plant_settings.EDITABLE:
        if name in stored.values:
            app.config[name] = stored.values[name]
        elif name in state["overridden"]:  # no longer stored: back to the environment's
            app.config[name] = defaults[name]
    state["overridden"] = set(stored.values)
    app.extensions.pop("staging.calendar", None)
    scan_tasks.configure(tasks.Rules.from_config(app.config))
    count_classes.configure(app.config)


def init_app(app):
    app.register_blueprint(bp)
    app.extensions["staging.settings"] = {
        "stored": plant_settings.Stored(), "overridden": set(),
        "defaults": {name: app.config.get(name) for name in plant_settings.EDITABLE}}
    count_classes.configure(app.config)

    @app.before_request
    def _stored_settings():
        refresh(app)
