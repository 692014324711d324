"""Output pallets and traceability (issue 17): the API's POST /api/outputs and GET /api/trace/...
(routes on the api blueprint, so its token check, CSRF rule and problem+json apply), and the pages:
produce from the work-order page, trace a lot or a unit both ways, hold all in plant, CSV."""
import uuid
from urllib.parse import quote

from flask import Blueprint, Response, current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext

from ..domain import finders, inventory, trace
from ..domain.errors import DomainError
from ..domain.people.permissions import can
from ..domain.words import Words, joined
from ..media import labels, output_labels, printing
from . import schemas_output, serial
from . import workorders as workorders_web
from .api import bp as api_bp
from .api import created, ctx, token_required
from .apispec import responses, spec
from .auth import login_required
from .i18n import say

bp = Blueprint("trace", __name__)


def register(app):
    app.register_blueprint(bp)


@bp.app_context_processor
def _scan_ids():
    # The work-order page's Produce form carries a fresh client scan id: a double click or a resent
    # form produces one pallet, not two.
    return {"new_scan_id": lambda: uuid.uuid4().hex}


# --- API -------------------------------------------------------------------------------------------

def _traced(place):
    data = serial.unit(place.unit)
    data.update(shipped_at=serial.iso(place.shipped_at), shipped_by=place.shipped_by or None)
    return data


def _places(places):
    return sorted({p.location for p in places if p.location})


@api_bp.post("/outputs")
@token_required
@spec.validate(json=schemas_output.OutputIn, resp=responses(201, schemas_output.OutputOut, 403, 404, 409, 422),
               tags=["output"])
def outputs(json: schemas_output.OutputIn):
    """Produce: a new finished-goods unit of the work order's product at its output station. The same
    `client_scan_id` again returns the same unit and records nothing."""
    result = inventory.produce(ctx(json.client_scan_id), json.work_order, json.quantity, station=json.station)
    return created(serial.unit(result.unit), result.replayed)


@api_bp.get("/trace/downstream")
@token_required
@spec.validate(query=schemas_output.TraceQuery, resp=responses(200, schemas_output.Downstream, 404, 422),
               tags=["trace"])
def downstream(query: schemas_output.TraceQuery):
    """Every output unit a lot (`?lot=`) or a unit (`?lpn=`) went into, and where each is now."""
    found = trace.downstream(lot=query.lot, lpn=query.lpn)
    everything = found.sources + found.outputs
    return jsonify({"lot": found.lot or None, "lpn": found.lpn or None,
            "sources": [_traced(p) for p in found.sources], "outputs": [_traced(p) for p in found.outputs],
            "lots": sorted({p.unit.lot for p in everything if p.unit.lot}), "places": _places(everything),
            "shipped": [p.unit.lpn for p in found.shipped]})


@api_bp.get("/trace/upstream/<lpn>")
@token_required
@spec.validate(resp=responses(200, schemas_output.Upstream, 404), tags=["trace"])
def upstream(lpn):
    """Everything a unit was made from, at every level: lots, supplier lots and SSCCs, receipts,
    machines, operators and times."""
    found = trace.upstream(lpn)
    made = found.made
    return jsonify({"unit": _traced(found.place),
            "work_order": made.work_order.number if made else None,
            "machine": made.machine.code if made and made.machine_id else None,
            "produced_by": made.user.username if made and made.user_id else None,
            "produced_at": serial.iso(made.at) if made else None,
            "inputs": [_input(i) for i in found.inputs], "lots": found.lots,
            "places": _places([found.place] + [i.place for i in found.inputs])})


def _input(i):
    row, receipt = i.row, i.receipt
    return {"unit": _traced(i.place), "into": i.into, "quantity": serial.number(row.quantity), "lot": row.lot,
            "supplier_lot": row.supplier_lot, "sscc": row.sscc,
            "machine": row.machine.code if row.machine_id else None,
            "consumed_by": row.user.username if row.user_id else None, "consumed_at": serial.iso(row.at),
            "received_at": serial.iso(receipt.at) if receipt else None,
            "received_by": receipt.user.username if receipt and receipt.user_id else None}


# --- pages -----------------------------------------------------------------------------------------

def label_pdf(lpn):
    return url_for("labels.unit", name=f"{lpn}.pdf")


@bp.post("/outputs")
@login_required
def produce():
    """The work-order page's Produce form."""
    number = request.form.get("work_order", "")
    wo = finders.work_order(number)
    try:
        result = inventory.produce(inventory.Ctx(g.user, device=g.device, scan_id=request.form.get("scan_id")),
                                   wo, request.form.get("quantity"))
    except DomainError as err:
        # The order's page again, the quantity as typed and the refusal next to it: a lead corrects
        # one digit instead of typing it all again.
        return workorders_web.detail_page(wo, {"quantity": request.form.get("quantity", ""), "error": err},
                                          err.status)
    unit = result.unit
    printed = "" if result.replayed else say(station_label(unit))
    flash(gettext("Produced %(unit)s: %(quantity)s %(uom)s at %(location)s.", unit=unit.lpn,
                  quantity=f"{unit.quantity.normalize():f}", uom=unit.part.uom, location=unit.location.code)
          + (" " + printed if printed else ""))
    flash(unit.lpn, "produced")
    return redirect(url_for("workorders.detail", number=wo.number))


def station_label(unit):
    """Print a new output pallet's label on its station's printer, if it has one: what happened, in
    words (the PDF link is offered either way)."""
    printer, why_not = output_labels.print_at_station(
        g.user, unit, labels.Settings.from_config(current_app.config),
        timeout=current_app.config.get("PRINTER_TIMEOUT", printing.DEFAULT_TIMEOUT))
    return Words("Label printed on {printer}.", printer=printer) if printer else why_not


def scan_label(state, outcome):
    """The scan page's new unit (Produce, Split, a task that took part of a pallet): its label printed at
    once on the printer for its place."""
    if state.mode not in ("PRODUCE", "SPLIT", "TASKS") or outcome.tone == "bad" or not outcome.lpn or outcome.replayed:
        return outcome
    try:
        unit = finders.unit(outcome.lpn)
    except DomainError:
        return outcome
    said = station_label(unit)
    if said:
        outcome.detail = joined(said, outcome.detail)
    return outcome


def _query():
    return (request.values.get("lot") or "").strip(), (request.values.get("lpn") or "").strip()


@bp.get("/trace")
@login_required
def downstream_page():
    """A lot's (or a unit's) downstream trace; without either, the search form."""
    lot, lpn = _query()
    if not lot and not lpn:
        return render_template("trace/search.html")
    try:
        found = trace.downstream(lot=lot or None, lpn=lpn or None)
    except DomainError as err:
        return render_template("trace/search.html", error=say(err), lot=lot, lpn=lpn), err.status
    return render_template("trace/downstream.html", trace=found, scan_id=uuid.uuid4().hex)


@bp.get("/trace/units/<lpn>")
@login_required
def unit_page(lpn):
    """One unit both ways: what it was made from, and what it went into."""
    found = trace.upstream(lpn)
    return render_template("trace/unit.html", up=found, down=trace.downstream(lpn=lpn), scan_id=uuid.uuid4().hex,
                           may_return=can(g.user, "return_shipped"))


@bp.post("/trace/units/<lpn>/return")
@login_required
def return_shipped(lpn):
    """A lead's correction: a shipped pallet back into the plant, with where and why."""
    to = request.form.get("to", "").strip()
    try:
        inventory.return_shipped(inventory.Ctx(g.user, device=g.device, scan_id=request.form.get("scan_id")),
                                 lpn, to, request.form.get("reason"))
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("%(unit)s is back in the plant, at %(location)s.", unit=lpn, location=to))
    return redirect(url_for("trace.unit_page", lpn=lpn))


@bp.post("/trace/hold")
@login_required
def hold_all():
    lot, lpn = _query()
    try:
        held, already = trace.hold_all(inventory.Ctx(g.user, device=g.device, scan_id=request.form.get("scan_id")),
                                       request.form.get("reason"), lot=lot or None, lpn=lpn or None)
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("Put on hold: %(units)s.", units=", ".join(held)) if held else
              gettext("Nothing left to hold: everything in the plant is on hold."))
        if already:
            flash(gettext("Already on hold: %(units)s.", units=", ".join(already)))
    return redirect(url_for("trace.downstream_page", **({"lot": lot} if lot else {"lpn": lpn})))


@bp.get("/trace.csv")
@login_required
def export():
    lot, lpn = _query()
    rows = list(trace.export_csv(lot=lot or None, lpn=lpn or None))  # refusals before the first byte
    name = quote("".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in (lot or lpn))[:60])
    return Response(rows, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="trace-{name}.csv"'})
