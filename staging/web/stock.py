"""Inventory pages: by location, one location, one unit with its history, search."""
import uuid

from flask import Blueprint, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import finders, workorders
from ..domain import inventory as stock
from ..domain.errors import DomainError
from ..domain.finders import LOCATION_KINDS
from ..domain.inventory import ledger, levels, whereabouts
from ..domain.people.permissions import can
from ..domain.quantities import fmt_qty
from .auth import login_required
from .i18n import say

bp = Blueprint("stock", __name__)


@bp.get("/")
def index():
    return redirect(url_for("stock.inventory"))


@bp.get("/inventory")
@login_required
def inventory():
    """The plant's areas folded with their counts and fill (a rack opens on demand), or the
    locations whose code holds what is typed in the filter."""
    kind = request.args.get("kind") if request.args.get("kind") in LOCATION_KINDS else None
    q = request.args.get("q", "").strip()
    found = levels.matching(q, kind) if q else levels.overview(kind)
    context = dict(found=found, q=q, kind=kind, short=bool(q) and len(q) < levels.FILTER_MIN)
    if request.headers.get("HX-Target") == "places":  # the filter as it is typed
        return vary(make_response(render_template("stock/_inventory_places.html", **context)))
    return vary(make_response(render_template("stock/inventory.html", kinds=LOCATION_KINDS, **context)))


@bp.get("/inventory/in/<code>")
@login_required
def inventory_level(code):
    """What is right under a location, for a folded area or rack opened on the inventory page;
    without JavaScript its link leads to the location's page, which lists the same."""
    loc = finders.location(code)
    if not request.headers.get("HX-Request") or request.headers.get("HX-Boosted"):
        return redirect(url_for("stock.location", code=loc.code))
    return vary(make_response(render_template("stock/_places.html", found=levels.level(loc))))


@bp.get("/locations/<code>")
@login_required
def location(code):
    loc = finders.location(code)
    units = whereabouts.units_at(loc)
    return render_template("stock/location.html", location=loc, ancestors=whereabouts.ancestors(loc),
                           children=whereabouts.children_of(loc), units=units, totals=whereabouts.totals(units),
                           entries=whereabouts.recent_entries(loc))


@bp.get("/units/<lpn>")
@login_required
def unit(lpn):
    return _unit_page(finders.unit(lpn))


def _unit_page(found, split_error=None, form=None):
    return render_template("stock/unit.html", unit=found, history=list(ledger.history(found)),
                           ancestors=whereabouts.ancestors(found.location) if found.location else [],
                           split_error=split_error, form=form or {}, scan_id=uuid.uuid4().hex, qc=_qc(found))


def _qc(found):
    """What the unit page offers about a QC hold: Hold to whoever may hold a unit still in the plant,
    Release to a lead who may release this one (under four eyes: not whoever held it)."""
    held = next(iter(workorders.hold_history(found)), None) if found.status == "hold" else None
    lead = held is not None and can(g.user, "release_hold")
    not_mine = not (current_app.config["QC_RELEASE_FOUR_EYES"] and lead and held.user_id == g.user.id)
    return {"held": held,
            "may_hold": found.status not in ("hold", "shipped", "empty") and can(g.user, "hold"),
            "may_release": lead and not_mine,
            "someone_else": lead and not not_mine}


@bp.post("/units/<lpn>/split")
@login_required
def split(lpn):
    """Take part of a unit off as a new unit; then its page, where its label is printed."""
    found = finders.unit(lpn)
    ctx = stock.Ctx(g.user, device=g.device, scan_id=request.form.get("scan_id") or None)
    try:
        result = stock.split(ctx, found, request.form.get("quantity", ""),
                                 request.form.get("to", "").strip() or None)
    except DomainError as err:
        return _unit_page(finders.unit(lpn), say(err), request.form), err.status
    new = result.unit
    flash(gettext("%(unit)s: %(quantity)s %(uom)s taken off %(source)s, now at %(location)s. %(note)s "
                  "Print its label below.", unit=new.lpn, quantity=fmt_qty(new.quantity), uom=new.part.uom,
                  source=found.lpn, location=new.location.code, note=say(result.note)).replace("  ", " "))
    return redirect(url_for("stock.unit", lpn=new.lpn), 303)


@bp.get("/search")
@login_required
def search():
    hits = whereabouts.search(request.args.get("q", ""))
    # Only the search page's live box wants the fragment: the header's box is a boosted form,
    # which carries HX-Request too and must get the page (or go straight to what it names).
    if request.headers.get("HX-Target") == "results":
        return vary(make_response(render_template("stock/_search_results.html", hits=hits)))
    exact = hits.only()
    if finders.is_unit(exact):
        return redirect(url_for("stock.unit", lpn=exact.lpn))
    if finders.is_location(exact):
        return redirect(url_for("stock.location", code=exact.code))
    return vary(make_response(render_template("stock/search.html", hits=hits)))


def vary(response):
    response.vary.add("HX-Target")
    return response
