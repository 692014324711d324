"""Inventory pages: by location, one location, one unit with its history, search."""
from flask import Blueprint, make_response, redirect, render_template, request, url_for

from ..domain import finders
from ..domain.finders import LOCATION_KINDS
from ..domain.inventory import ledger, whereabouts
from .auth import login_required

bp = Blueprint("stock", __name__)


@bp.get("/")
def index():
    return redirect(url_for("stock.inventory"))


@bp.get("/inventory")
@login_required
def inventory():
    kind = request.args.get("kind") if request.args.get("kind") in LOCATION_KINDS else None
    return render_template("stock/inventory.html", roots=whereabouts.tree(kind), kind=kind, kinds=LOCATION_KINDS)


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
    found = finders.unit(lpn)
    return render_template("stock/unit.html", unit=found, history=list(ledger.history(found)),
                           ancestors=whereabouts.ancestors(found.location) if found.location else [])


@bp.get("/search")
@login_required
def search():
    hits = whereabouts.search(request.args.get("q", ""))
    # Only the search page's own as-you-type box asks for the results fragment (hx-target #results).
    # The header box is a boosted form: it carries HX-Request too, and wants the whole page.
    if request.headers.get("HX-Target") == "results":
        response = make_response(render_template("stock/_search_results.html", hits=hits))
    else:
        exact = hits.only()
        if finders.is_unit(exact):
            response = redirect(url_for("stock.unit", lpn=exact.lpn))
        elif finders.is_location(exact):
            response = redirect(url_for("stock.location", code=exact.code))
        else:
            response = make_response(render_template("stock/search.html", hits=hits))
    response.vary.add("HX-Target")
    return response
