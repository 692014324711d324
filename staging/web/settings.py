"""The plant's settings, for an admin to read in one page."""
from flask import Blueprint, current_app, g, render_template

from ..domain import plant_settings
from .auth import login_required

bp = Blueprint("settings", __name__)


@bp.get("/settings")
@login_required
def index():
    return render_template("settings/index.html", rows=plant_settings.shown(g.user, current_app.config))
