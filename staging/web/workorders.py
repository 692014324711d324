"""Work orders: list, create, edit, one order with its consumption and yield, output reports,
corrections of recorded quantities, and the ERP CSV import (preview, then import)."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext, ngettext

from ..domain import finders, inventory, workorders
from ..domain.errors import DomainError, Invalid
from ..domain.finders import WORK_ORDER_STATUSES, utcnow
from ..domain.people.permissions import authorize, can
from ..domain.quantities import fmt_qty
from . import plant
from .auth import login_required
from .i18n import say

bp = Blueprint("workorders", __name__)
BLANK_LINES = 3


def _form_lines():
    f = request.form
    return [{"part": p, "revision": r, "quantity": q, "uom": u} for p, r, q, u in
            zip(f.getlist("part"), f.getlist("revision"), f.getlist("line_quantity"), f.getlist("uom"))]


def _fields(wo=None):
    """The form's values: from the request after a POST, else from the order."""
    if request.method == "POST":
        return request.form.to_dict(), _form_lines()
    if wo is None:
        return {"status": "planned"}, []
    fields = {"number": wo.number, "product": wo.part.number if wo.part else "",
              "product_rev": wo.part.revision if wo.part else "", "quantity": fmt_qty(wo.quantity),
              "machines": " ".join(m.code for m in workorders.machines_of(wo)),
              "output_station": wo.output_station.code if wo.output_station_id else "", "status": wo.status,
              "due": ""}
    lines = [{"part": ln.part.number, "revision": ln.part.revision, "quantity": fmt_qty(ln.quantity),
              "uom": ln.part.uom} for ln in workorders.lines_of(wo)]
    return fields, lines


@bp.get("/")
@login_required
def index():
    status = request.args.get("status")
    return render_template("workorders/list.html", orders=workorders.listing(status), status=status,
                           statuses=WORK_ORDER_STATUSES, may_edit=can(g.user, "work_orders"))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    errors = {}
    if request.method == "POST":
        fields, lines = _fields()
        try:
            wo = workorders.save(g.user, fields, lines, plant.zone())
        except workorders.FormInvalid as err:
            errors = {field: say(words) for field, words in err.errors.items()}
        except DomainError as err:
            errors = {"form": say(err)}
        else:
            flash(gettext("Work order %(order)s created.", order=wo.number))
            return redirect(url_for("workorders.detail", number=wo.number))
    fields, lines = _fields()
    return _form(None, fields, lines, errors)


@bp.route("/<number>/edit", methods=["GET", "POST"])
@login_required
def edit(number):
    wo = finders.work_order(number)
    errors = {}
    if request.method == "POST":
        fields, lines = _fields(wo)
        try:
            workorders.save(g.user, fields, lines, plant.zone(), existing=wo)
        except workorders.FormInvalid as err:
            errors = {field: say(words) for field, words in err.errors.items()}
        except DomainError as err:
            errors = {"form": say(err)}
        else:
            flash(gettext("Work order %(order)s saved.", order=wo.number))
            return redirect(url_for("workorders.detail", number=wo.number))
    fields, lines = _fields(wo)
    if request.method == "GET" and wo.due_at:
        fields["due"] = plant.local(wo.due_at, "%Y-%m-%dT%H:%M")
    return _form(wo, fields, lines, errors)


def _form(wo, fields, lines, errors):
    lines = list(lines) + [{}] * BLANK_LINES
    may_edit = can(g.user, "work_orders")  # nobody else is offered a form that would only refuse them
    return render_template("workorders/form.html", wo=wo, fields=fields, lines=lines, errors=errors,
                           statuses=WORK_ORDER_STATUSES,
                           may_edit=may_edit), 422 if errors else 200 if may_edit else 403


@bp.get("/<number>")
@login_required
def detail(number):
    return detail_page(finders.work_order(number))


def detail_page(wo, produce=None, status=200):
    """The order's page; `produce`: what was typed in its Produce form and why it was refused."""
    left = workorders.leftovers(wo) if wo.status not in workorders.OPEN_STATUSES else []
    return render_template("workorders/detail.html", s=workorders.summary(wo), leftovers=left,
                           leftovers_said=workorders.say_leftovers(wo, left), may_unload=can(g.user, "move"),
                           machines=workorders.machines_of(wo), entries=workorders.usage_entries(wo),
                           may_correct=can(g.user, "correct"), may_edit=can(g.user, "work_orders"),
                           now=utcnow(), error=request.args.get("error"), produce=produce or {}), status


@bp.post("/<number>/output")
@login_required
def output(number):
    wo = finders.work_order(number)
    try:
        workorders.report_output(g.user, wo, request.form.get("good"), request.form.get("rejected"),
                                 request.form.get("note"))
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("Output recorded."))
    return redirect(url_for("workorders.detail", number=wo.number))


@bp.post("/<number>/corrections")
@login_required
def correct(number):
    wo = finders.work_order(number)
    try:
        inventory.correct(inventory.Ctx(g.user, device=g.device), request.form.get("entry"),
                          request.form.get("quantity"), request.form.get("reason"))
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("Entry %(entry)s corrected: a reversing entry and the new quantity are on the ledger.",
                      entry=request.form.get("entry")))
    return redirect(url_for("workorders.detail", number=wo.number))


@bp.post("/<number>/unload")
@login_required
def unload(number):
    """A pallet still at the line of an order that closed: taken off to where the person says."""
    wo = finders.work_order(number)
    lpn, to = request.form.get("unit", ""), request.form.get("to", "")
    try:
        if not to.strip():
            raise Invalid("Where does {unit} go? Scan or type a storage location.", unit=lpn)
        result = inventory.move(inventory.Ctx(g.user, device=g.device), lpn, to,
                                expected_from=request.form.get("from") or None)
    except DomainError as err:
        flash(say(err), "error")
    else:
        flash(gettext("%(unit)s is now at %(location)s.", unit=result.unit.lpn, location=result.unit.location.code))
    return redirect(url_for("workorders.detail", number=wo.number))


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_csv():
    """POST with a file: preview (or the column-mapping step when the file's headers are not ours).
    POST with `columns`: the planner's mapping, then the preview. POST with `confirm`: import."""
    form, zone = request.form, plant.zone()
    preview, error, chosen = None, None, _chosen_columns()
    if request.method == "POST" and not can(g.user, "work_orders"):
        # Not even a preview: reading a file is work, and it is work for those who may import.
        return render_template("workorders/import.html", preview=None, error=_refusal("work_orders"), remap=False,
                               mapping_tried=False, chosen={}, columns=workorders.COLUMNS,
                               required=workorders.REQUIRED_COLUMNS, may_edit=False), 403
    if request.method == "POST" and form.get("confirm"):
        try:
            created = workorders.import_csv(g.user, form.get("text", ""), zone,
                                            create_parts=bool(form.get("create_parts")), mapping=chosen or None,
                                            locale=str(get_locale()))
        except DomainError as err:
            error = say(err)
            preview = workorders.preview(form.get("text", ""), zone, chosen or None, str(get_locale()))
        else:
            flash(ngettext("Imported (created or updated) %(num)d work order: %(numbers)s",
                           "Imported (created or updated) %(num)d work orders: %(numbers)s", len(created),
                           numbers=", ".join(wo.number for wo in created)))
            return redirect(url_for("workorders.index"))
    elif request.method == "POST" and form.get("columns"):
        preview = workorders.preview_mapped(g.user, form.get("text", ""), zone, chosen, str(get_locale()))
    elif request.method == "POST":
        preview, error = _uploaded(zone)
    remap = bool(form.get("remap")) and preview is not None and bool(preview.header)
    asking = remap or (preview is not None and preview.mapping_needed and not form.get("columns"))
    status = 422 if error or (preview is not None and not preview.ok and not asking) else 200
    return render_template("workorders/import.html", preview=preview, error=error, remap=remap,
                           mapping_tried=bool(form.get("columns")),
                           chosen=chosen or (preview.suggestion() if preview is not None else {}),
                           columns=workorders.COLUMNS, required=workorders.REQUIRED_COLUMNS,
                           may_edit=can(g.user, "work_orders")), status


def _refusal(action):
    try:
        authorize(g.user, action)
    except DomainError as err:
        return say(err)
    return None


def _chosen_columns():
    """The mapping step's choice ({field: the file's header}), or {} when the form has none."""
    return {name: request.form.get(f"col_{name}", "") for name in workorders.COLUMNS
            if f"col_{name}" in request.form}


def _uploaded(zone):
    """The preview of the uploaded file (or of the text sent back with `remap`), or the refusal."""
    upload = request.files.get("file")
    data = upload.read(workorders.MAX_BYTES + 1) if upload else b""
    if not data and request.form.get("text"):
        data = request.form["text"]
    if not data:
        return None, gettext("Choose a CSV or XLSX file exported from the ERP.")
    return workorders.preview(data, zone, None, str(get_locale())), None
