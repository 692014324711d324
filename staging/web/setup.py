"""Plant set-up pages: the checklist, locations (list, tree, form, range generator), parts, people,
imports with their preview, and who changed what. Admins; leads for locations and parts.

Refusals come back as the form again with the message, status 422, from forms that are not
boosted: the browser shows a 422 page as it is, whatever htmx is configured to swap."""
import functools
import math

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext

from ..domain.errors import DomainError, Forbidden
from ..domain.finders import LOCATION_KINDS
from ..domain.people import tokens
from ..domain.people.permissions import authorize, can
from ..domain.setup import audit, checklist, imports, locations, parts, people
from ..domain.setup.stock import go_live_at
from ..media import labels, printing
from . import import_preview, plant
from .auth import login_required
from .i18n import say

bp = Blueprint("setup", __name__)
PER_PAGE = 50
ROLES = ("operator", "stager", "lead", "admin")


def _refused(action):
    try:
        authorize(g.user, action)
    except Forbidden as err:
        return render_template("errors/error.html", title=gettext("Not allowed"), message=say(err)), 403
    raise AssertionError(f"{action} is allowed")  # only called for someone refused


def allowed(action):
    """Signed in, and allowed `action`; anyone else gets a page saying who may."""
    def decorate(view):
        @functools.wraps(view)
        @login_required
        def wrapped(**kwargs):
            return view(**kwargs) if can(g.user, action) else _refused(action)
        return wrapped
    return decorate


def _page_number():
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _pages(total):
    return max(1, math.ceil(total / PER_PAGE))


# --- the checklist and the history ----------------------------------------------------------------

@bp.get("")
@allowed("master_data")
def index():
    return render_template("setup/checklist.html", steps=checklist.steps(), kinds=imports.KINDS,
                           changes=audit.changes(limit=15), is_admin=can(g.user, "manage_users"))


@bp.get("/templates/<kind>.csv")
@allowed("master_data")
def template(kind):
    if kind not in imports.KINDS:
        abort(404)
    return Response(imports.template(kind), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{kind}.csv"'})


@bp.get("/changes")
@allowed("master_data")
def changes():
    kind = request.args.get("kind") or None
    return render_template("setup/changes.html", changes=audit.changes(kind, request.args.get("code") or None,
                                                                       limit=500), kind=kind, kinds=audit.KINDS)


# --- locations ------------------------------------------------------------------------------------------

@bp.get("/locations")
@allowed("master_data")
def location_list():
    q, kind, page = request.args.get("q", ""), request.args.get("kind", ""), _page_number()
    rows, total = locations.listing(q, page, PER_PAGE, kind)
    return render_template("setup/locations.html", rows=rows, total=total, q=q, kind=kind, page=page,
                           pages=_pages(total), kinds=LOCATION_KINDS, level=locations.level(None))


@bp.get("/locations/tree")
@allowed("master_data")
def location_tree():
    """One level of the tree: a fragment for htmx (a node opened), else the page at that level."""
    level = locations.level(request.args.get("parent") or None)
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        return render_template("setup/_tree_level.html", level=level)
    return render_template("setup/tree.html", level=level)


def _location_form(location, values, error=None, status=200):
    history = audit.changes("location", location.code, limit=20) if location else []
    return render_template("setup/location_form.html", location=location, values=values, error=error,
                           kinds=LOCATION_KINDS, history=history), status


def _location_values(location):
    if location is None:
        return {"kind": "storage", "holds_units": "yes", "active": "yes"}
    return {"code": location.code, "name": location.name, "kind": location.kind,
            "parent": location.parent.code if location.parent_id else "", "capacity": location.capacity or "",
            "sort_order": location.sort_key, "holds_units": "yes" if location.holds_units else "no",
            "active": "yes" if location.active else "no"}


@bp.route("/locations/new", methods=["GET", "POST"])
@allowed("master_data")
def location_new():
    if request.method == "GET":
        return _location_form(None, _location_values(None))
    try:
        location, _ = locations.save(g.user, request.form.to_dict())
    except DomainError as err:
        return _location_form(None, request.form, err, 422)
    flash(gettext("Location %(location)s added.", location=location.code))
    return redirect(url_for("setup.location_list", q=location.code), 303)


@bp.route("/locations/<path:code>/edit", methods=["GET", "POST"])
@allowed("master_data")
def location_edit(code):
    location = locations.find(code)
    if request.method == "GET":
        return _location_form(location, _location_values(location))
    try:
        locations.save(g.user, {**request.form.to_dict(), "code": location.code})
    except DomainError as err:
        return _location_form(location, request.form, err, 422)
    flash(gettext("Location %(location)s saved.", location=location.code))
    return redirect(url_for("setup.location_edit", code=location.code), 303)


@bp.post("/locations/<path:code>/deactivate")
@allowed("master_data")
def location_deactivate(code):
    location = locations.find(code)
    try:
        locations.deactivate(g.user, location.code)
    except DomainError as err:
        return _location_form(location, _location_values(location), err, 422)
    flash(gettext("Location %(location)s closed: nothing can be put there any more.", location=location.code))
    return redirect(url_for("setup.location_edit", code=location.code), 303)


@bp.route("/locations/range", methods=["GET", "POST"])
@allowed("master_data")
def location_range():
    values = request.form if request.method == "POST" else {"kind": "storage", "racks": "A-F", "bays": "1-12",
                                                           "levels": "1-4"}
    if request.method == "GET":
        return render_template("setup/range.html", values=values, kinds=LOCATION_KINDS, error=None)
    try:
        made = locations.generate(g.user, values.get("prefix"), values.get("racks"), values.get("bays"),
                                  values.get("levels"), kind=values.get("kind", "storage"),
                                  parent=values.get("parent", ""), capacity=values.get("capacity", ""))
    except DomainError as err:
        return render_template("setup/range.html", values=values, kinds=LOCATION_KINDS, error=say(err)), 422
    flash(gettext("%(count)s locations made: %(first)s to %(last)s.", count=len(made), first=made[0], last=made[-1]))
    return redirect(url_for("setup.location_list", q=values.get("prefix", "")), 303)


# --- parts ----------------------------------------------------------------------------------------------

@bp.get("/parts")
@allowed("master_data")
def part_list():
    q, page = request.args.get("q", ""), _page_number()
    rows, total = parts.listing(q, page, PER_PAGE)
    return render_template("setup/parts.html", rows=rows, total=total, q=q, page=page, pages=_pages(total))


def _part_form(part, values, error=None, status=200):
    history = audit.changes("part", part.label, limit=20) if part else []
    return render_template("setup/part_form.html", part=part, values=values, error=error,
                           history=history), status


def _part_values(part):
    if part is None:
        return {"uom": "ea", "active": "yes"}
    return {"number": part.number, "revision": part.revision, "description": part.description, "uom": part.uom,
            "gtin": " ".join(parts.gtins_of(part)) or part.gtin or "",
            "pack_qty": "" if part.pack_qty is None else part.pack_qty,
            "unit_value": "" if part.unit_value is None else part.unit_value,
            "shelf_life_days": part.shelf_life_days or "", "active": "yes" if part.active else "no"}


@bp.route("/parts/new", methods=["GET", "POST"])
@allowed("master_data")
def part_new():
    if request.method == "GET":
        return _part_form(None, _part_values(None))
    try:
        part, action = parts.save(g.user, request.form.to_dict())
    except DomainError as err:
        return _part_form(None, request.form, err, 422)
    flash(gettext("Part %(part)s added.", part=part.label) if action == "created"
          else gettext("Part %(part)s saved.", part=part.label))
    return redirect(url_for("setup.part_list", q=part.number), 303)


@bp.route("/parts/<path:number>/edit", methods=["GET", "POST"])
@allowed("master_data")
def part_edit(number):
    part = parts.find(number, request.args.get("revision", ""))
    if request.method == "GET":
        return _part_form(part, _part_values(part))
    try:
        parts.save(g.user, {**request.form.to_dict(), "number": part.number, "revision": part.revision})
    except DomainError as err:
        return _part_form(part, request.form, err, 422)
    flash(gettext("Part %(part)s saved.", part=part.label))
    return redirect(url_for("setup.part_edit", number=part.number, revision=part.revision), 303)


# --- people -----------------------------------------------------------------------------------------------

@bp.get("/people")
@allowed("manage_users")
def people_list():
    return people_page()


def people_page(error=None, status=200):
    """The one page for people: list and search, role, badge, PIN and switching off per person
    (the admin blueprint's actions answer with it), adding and importing."""
    q = request.args.get("q", "")
    rows = people.listing(q)
    return render_template("setup/people.html", rows=rows, q=q, roles=ROLES, error=error,
                           tokens=tokens.active_by_user(rows)), status


def _person_form(person, values, error=None, status=200):
    history = audit.changes("user", person.username, limit=20) if person else []
    return render_template("setup/person_form.html", person=person, values=values, error=error, roles=ROLES,
                           languages=people.LANGUAGES, history=history), status


def _person_values(person):
    if person is None:
        return {"role": "operator", "active": "yes"}
    return {"username": person.username, "display_name": person.display_name, "role": person.role,
            "badge": person.badge or "", "language": person.language, "active": "yes" if person.active else "no"}


@bp.route("/people/new", methods=["GET", "POST"])
@allowed("manage_users")
def person_new():
    if request.method == "GET":
        return _person_form(None, _person_values(None))
    values = {k: v for k, v in request.form.to_dict().items() if k != "password"}
    try:
        person, _ = people.save(g.user, values, password=request.form.get("password") or None)
    except DomainError as err:
        return _person_form(None, values, err, 422)
    flash(gettext("%(user)s can now sign in.", user=person.username))
    return redirect(url_for("setup.people_list"), 303)


@bp.route("/people/<username>/edit", methods=["GET", "POST"])
@allowed("manage_users")
def person_edit(username):
    person = people.find(username)
    if request.method == "GET":
        return _person_form(person, _person_values(person))
    try:
        people.save(g.user, {**request.form.to_dict(), "username": person.username})
    except DomainError as err:
        return _person_form(person, request.form, err, 422)
    flash(gettext("%(user)s saved.", user=person.username))
    return redirect(url_for("setup.person_edit", username=person.username), 303)


@bp.post("/people/<username>/password")
@allowed("manage_users")
def person_password(username):
    person = people.find(username)
    try:
        people.reset_password(g.user, person.username, request.form.get("password"),
                              end_tokens=request.form.get("end_tokens") == "1")
    except DomainError as err:
        return _person_form(person, _person_values(person), err, 422)
    flash(gettext("New password set for %(user)s.", user=person.username))
    return redirect(url_for("setup.person_edit", username=person.username), 303)


@bp.post("/people/<username>/deactivate")
@allowed("manage_users")
def person_deactivate(username):
    person = people.find(username)
    try:
        people.deactivate(g.user, person.username)
    except DomainError as err:
        return _person_form(person, _person_values(person), err, 422)
    flash(gettext("%(user)s is switched off: no sign-in, no API token.", user=person.username))
    return redirect(url_for("setup.people_list"), 303)


# --- imports ----------------------------------------------------------------------------------------------

IMPORT_ACTION = {"locations": "master_data", "parts": "master_data", "users": "manage_users", "stock": "opening"}


def _upload():
    """The file: uploaded now, or carried in the preview's form (base64) to be imported."""
    upload = request.files.get("file")
    if upload and upload.filename:
        return upload.read(imports.MAX_BYTES + 1), upload.filename
    data = import_preview.carried(request.form.get("data", ""), imports.MAX_BYTES)
    return data, request.form.get("filename", "") if data else ""


@bp.route("/import/<kind>", methods=["GET", "POST"])
@login_required
def import_file(kind):
    if kind not in imports.KINDS:
        abort(404)
    if not can(g.user, IMPORT_ACTION[kind]):
        return _refused(IMPORT_ACTION[kind])
    report, data, filename, go_live = None, b"", "", request.form.get("go_live", "")
    if request.method == "POST":
        data, filename = _upload()
        step = request.form.get("step", "preview")
        try:
            at = go_live_at(go_live, plant.zone())
        except DomainError as err:
            report = imports.Report(kind, problem=say(err))
        else:
            report = imports.run(g.user, kind, data, filename, dry_run=step == "preview",
                                 accept_good=step == "import_good", go_live=at, again=_again(),
                                 locale=str(get_locale()),
                                 ignore_unknown=request.form.get("ignore_unknown") == "yes")
    status = 422 if report is not None and (report.problem or report.bad) and not report.written else 200
    pages = {name: import_preview.page_of(rows, request.form.get(name), name) for name, rows in
             (("refused_page", report.bad if report else []), ("good_page", report.good if report else []))}
    return render_template("setup/import.html", kind=kind, report=report, columns=imports.KINDS[kind][:2],
                           data=import_preview.carry(data) if report and not report.written else "",
                           filename=filename, go_live=go_live, printers=printing.printers(), pages=pages,
                           again=_again()), status


def _again():
    """The person chose to book rows an earlier import of this file booked once more."""
    return request.form.get("again") == "yes"


@bp.post("/import/stock/labels")
@allowed("opening")
def opening_labels():
    """The label batch of exactly the pallets an opening-stock import made."""
    output, _, printer = (request.form.get("output") or "pdf").partition(":")
    try:
        job = printing.start_job(g.user, "unit", {"lpns": request.form.get("lpns", "")},
                                 size=labels.DEFAULT_SIZE["unit"], output=output, printer_name=printer or None,
                                 settings=labels.Settings.from_config(current_app.config))
    except DomainError as err:
        return render_template("errors/error.html", title=gettext("No labels"), message=say(err)), 422
    return redirect(url_for("labels.job", job_id=job.id), 303)
