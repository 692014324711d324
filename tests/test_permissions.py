"""Who may do what, through every route that changes state: each route below is tried by every role
beneath its minimum (refused, in words, with the database exactly as before) and by its minimum
role (done). The table is checked against the app's url_map, so a new state-changing route without
a row here fails. And every page refuses a signed-out visitor (a redirect to /login, or 401)."""
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pytest
from PIL import Image

from staging.domain import inventory, logbook, tasks
from staging.domain.errors import Forbidden
from staging.domain.users import create_token
from staging.media import printing
from staging.store.models import (
    MODELS,
    ROLES,
    LabelPrint,
    LineSidePlace,
    LineSideStock,
    LogNote,
    Printer,
    ShiftLog,
    StagingTask,
    Unit,
    WorkOrder,
    WorkOrderLane,
)

from .test_labels import FakePrinter
from .webutil import csrf_token, login

GTIN = "09501101530003"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = re.compile(r"only an? \w+ or above may")


class World:
    """The test plant plus what the routes act on: a pallet on the dock, one loaded on M1 with a
    consumption to correct, one on QC hold, a safety note, a network printer, API tokens."""

    def __init__(self, app, plant):
        self.plant = p = plant
        p.resin_b.gtin = GTIN
        p.resin_b.save()
        self.unit = p.receive(qty="200")
        self.loaded = p.receive(qty="100")
        inventory.load(p.ctx(), self.loaded, "M1", p.wo)
        self.consumed = inventory.consume(p.ctx(), self.loaded, "10").entry
        self.held = p.receive(qty="50")
        inventory.hold(p.ctx(), self.held, "Torn wrap")
        cal = logbook.Calendar.from_settings(app.config["SHIFTS"], app.config["PLANT_TIMEZONE"],
                                             app.config["LOG_GRACE_MINUTES"])
        self.day = cal.today() - datetime.timedelta(days=2)  # a shift long over: open for notes and sign-off
        self.log = f"/logbook/M1/{self.day.isoformat()}/Early"
        self.safety = logbook.add_note(p.operator, p.machine, self.day, "Early", "safety", "Oil on floor", cal)
        self.printer = FakePrinter()
        printing.save_printer(p.users["admin"], "Dock Zebra", "127.0.0.1", self.printer.port, 203, "4x6")
        self.tokens = {role: create_token(f"{role}1") for role in ROLES}
        # A staging task for WO-1's shortage, claimed by operator1 (its later pages sync: nothing new then).
        LineSidePlace.create(machine=p.machine, place=p.lane, kind="lane")
        self.task = tasks.claim(p.operator, tasks.next_for(p.operator).id, tasks.DEFAULT)


def snapshot():
    """Every row of every table: 'nothing written' means exactly this is unchanged."""
    return {m._meta.table_name: sorted(map(repr, m.select().tuples())) for m in MODELS}


def form(client, path, data=None, **kwargs):
    data = {"csrf_token": csrf_token(client, "/login"), **(data or {})}
    return client.post(path, data=data, follow_redirects=True, **kwargs)


def scans(client, *codes, **last):
    """The scan page, as its form posts them: every code but the last prepares, the last one acts."""
    token = csrf_token(client, "/login")
    for code in codes:
        client.post("/scan", data={"csrf_token": token, "code": code})
    return client.post("/scan", data={"csrf_token": token, **last}, follow_redirects=True)


def api(client, who, path, world, **kwargs):
    return client.post(path, headers=_bearer(world, who), **kwargs)


def png():
    out = io.BytesIO()
    Image.new("L", (40, 40), 255).save(out, "PNG")
    return out.getvalue()


WO_FORM = {"number": "WO-9", "product": "HSG-1", "product_rev": "A", "quantity": "5", "machines": "M1",
           "status": "planned", "part": ["RES-100", ""], "revision": ["B", ""], "line_quantity": ["7", ""],
           "uom": ["", ""]}
CSV = ("work_order,product,product_rev,quantity,machine,output_station,status,due,part,part_rev,part_qty,uom\n"
       "WO-50,HSG-1,A,10,M1,,planned,,RES-100,B,20,kg\n")


def _unit(w, which="unit"):
    return Unit.get_by_id(getattr(w, which).id)


def _task(w):
    return StagingTask.get_by_id(w.task.id)


def _changed(response, w, before):
    return snapshot() != before


@dataclass
class Case:
    name: str
    endpoint: str
    method: str
    role: str | None  # the lowest role allowed; None: anyone, signed in or not
    act: Callable  # (client, world, who) -> response
    ok: Callable = _changed  # (response, world, snapshot before) -> whether it was done


CASES = [
    Case("sign in", "auth.login", "POST", None,
         lambda c, w, who: form(c, "/login", {"username": "operator1", "password": "password-123"}),
         lambda r, w, b: "Sign out" in r.get_data(as_text=True) or r.request.path == "/inventory"),
    Case("sign out", "auth.logout", "POST", "operator",
         lambda c, w, who: form(c, "/logout"), lambda r, w, b: r.request.path == "/login"),
    Case("scan: move", "scan.scan", "POST", "operator",
         lambda c, w, who: scans(c, w.unit.lpn, code="A-01-1"),
         lambda r, w, b: _unit(w).location.code == "A-01-1"),
    Case("scan: load", "scan.scan", "POST", "operator",
         lambda c, w, who: scans(c, "CMD:MODE:LOAD", "M1", code=w.unit.lpn),
         lambda r, w, b: _unit(w).status == "loaded"),
    Case("scan: consume", "scan.scan", "POST", "operator",
         lambda c, w, who: scans(c, "CMD:MODE:CONSUME", w.loaded.lpn, qty="5"),
         lambda r, w, b: _unit(w, "loaded").quantity == Decimal(85)),
    Case("scan: waste", "scan.scan", "POST", "operator",
         lambda c, w, who: scans(c, "CMD:MODE:WASTE", w.unit.lpn, "CMD:REASON:DAMAGED", qty="5"),
         lambda r, w, b: _unit(w).quantity == Decimal(195)),
    Case("scan: receive", "scan.scan", "POST", "stager",
         lambda c, w, who: scans(c, "CMD:MODE:RECEIVE", code=f"(01){GTIN}(10)L-9(3102)004000"),
         lambda r, w, b: "Received" in r.get_data(as_text=True) and _changed(r, w, b)),
    Case("name this handheld", "scan.device", "POST", "operator",
         lambda c, w, who: c.post("/scan/device", data={"csrf_token": csrf_token(c, "/login"), "name": "TC52-7"}),
         lambda r, w, b: "device=TC52-7" in r.headers.get("Set-Cookie", "")),
    Case("API: move", "api.moves", "POST", "operator",
         lambda c, w, who: api(c, who, "/api/moves", w, json={"unit": w.unit.lpn, "to": "A-01-1"}),
         lambda r, w, b: r.status_code == 201 and _unit(w).location.code == "A-01-1"),
    Case("API: receive", "api.receipts", "POST", "stager",
         lambda c, w, who: api(c, who, "/api/receipts", w, json={"part": "RES-100", "revision": "B",
                                                                      "quantity": "40"}),
         lambda r, w, b: r.status_code == 201 and _changed(r, w, b)),
    Case("API: decode a photo", "api.decode_image", "POST", "operator",
         lambda c, w, who: api(c, who, "/api/decode", w, data={"image": (io.BytesIO(png()), "p.png")}),
         lambda r, w, b: r.status_code == 200 and r.json == {"codes": []}),
    Case("labels: a batch for the print page", "labels.create", "POST", "stager",
         lambda c, w, who: form(c, "/labels", {"kind": "unit", "lpns": w.unit.lpn, "output": "html"}),
         lambda r, w, b: _count(LabelPrint) == 1),
    Case("labels: print on a printer", "labels.print_one", "POST", "stager",
         lambda c, w, who: form(c, "/labels/print", {"kind": "unit", "code": w.unit.lpn, "printer": "Dock Zebra"}),
         lambda r, w, b: len(w.printer.wait(1)) == 1 and _count(LabelPrint) == 1),
    Case("printers: add one", "labels.printers", "POST", "admin",
         lambda c, w, who: form(c, "/labels/printers", {"name": "Office", "host": "10.0.0.9", "port": "9100"}),
         lambda r, w, b: _count(Printer) == 2),
    Case("printers: remove one", "labels.printers", "POST", "admin",
         lambda c, w, who: form(c, "/labels/printers", {"remove": "Dock Zebra"}),
         lambda r, w, b: _changed(r, w, b)),
    Case("logbook: a note", "reports.add_note", "POST", "operator",
         lambda c, w, who: form(c, w.log + "/notes", {"kind": "note", "text": "Die change"}),
         lambda r, w, b: _count(LogNote) == 2),
    Case("logbook: submit a shift log", "reports.submit", "POST", "lead",
         lambda c, w, who: form(c, w.log + "/submit"),
         lambda r, w, b: _where(ShiftLog, ShiftLog.submitted_at.is_null(False)) == 1),
    Case("logbook: acknowledge a safety issue", "reports.acknowledge", "POST", "lead",
         lambda c, w, who: form(c, f"/logbook/notes/{w.safety.id}/acknowledge"),
         lambda r, w, b: _where(LogNote, LogNote.acknowledged_at.is_null(False)) == 1),
    Case("QC: put on hold", "floor.hold", "POST", "operator",
         lambda c, w, who: form(c, f"/units/{w.unit.lpn}/hold", {"reason": "Wet"}),
         lambda r, w, b: _unit(w).status == "hold"),
    Case("QC: release a hold", "floor.hold", "POST", "lead",
         lambda c, w, who: form(c, f"/units/{w.held.lpn}/hold", {"action": "release", "reason": "Rewrapped"}),
         lambda r, w, b: _unit(w, "held").status != "hold"),
    Case("work orders: create", "workorders.new", "POST", "lead",
         lambda c, w, who: form(c, "/work-orders/new", WO_FORM),
         lambda r, w, b: _where(WorkOrder, WorkOrder.number == "WO-9") == 1),
    Case("work orders: edit", "workorders.edit", "POST", "lead",
         lambda c, w, who: form(c, "/work-orders/WO-1/edit", {**WO_FORM, "number": "WO-1", "quantity": "120"}),
         lambda r, w, b: _where(WorkOrder, WorkOrder.quantity == 120) == 1),
    Case("work orders: report output", "workorders.output", "POST", "operator",
         lambda c, w, who: form(c, "/work-orders/WO-1/output", {"good": "10", "rejected": "1"}),
         lambda r, w, b: "Output recorded" in r.get_data(as_text=True) and _changed(r, w, b)),
    Case("work orders: correct a quantity", "workorders.correct", "POST", "lead",
         lambda c, w, who: form(c, "/work-orders/WO-1/corrections",
                                {"entry": w.consumed.id, "quantity": "8", "reason": "scale was off"}),
         lambda r, w, b: _unit(w, "loaded").quantity == Decimal(92)),
    Case("work orders: import a CSV", "workorders.import_csv", "POST", "lead",
         lambda c, w, who: form(c, "/work-orders/import", {"confirm": "1", "text": CSV}),
         lambda r, w, b: _where(WorkOrder, WorkOrder.number == "WO-50") == 1),
    Case("API: claim a staging task", "api.api_claim", "POST", "operator",
         lambda c, w, who: api(c, who, f"/api/tasks/{w.task.id}/claim", w),
         lambda r, w, b: r.status_code == 200 and r.json["claimed_by"] == "operator1"),
    Case("API: release a staging task", "api.api_release", "POST", "operator",
         lambda c, w, who: api(c, who, f"/api/tasks/{w.task.id}/release", w),
         lambda r, w, b: r.status_code == 200 and _task(w).state == "open"),
    Case("tasks: first in the queue", "tasks.top", "POST", "lead",
         lambda c, w, who: form(c, f"/tasks/{w.task.id}/top"),
         lambda r, w, b: _task(w).rank is not None),
    Case("tasks: assign", "tasks.assign", "POST", "lead",
         lambda c, w, who: form(c, f"/tasks/{w.task.id}/assign", {"person": "stager1"}),
         lambda r, w, b: _task(w).assigned_to_id is not None),
    Case("tasks: cancel", "tasks.cancel", "POST", "lead",
         lambda c, w, who: form(c, f"/tasks/{w.task.id}/cancel"),
         lambda r, w, b: _task(w).state == "cancelled"),
    Case("tasks: a machine's line-side place", "tasks.add_place", "POST", "lead",
         lambda c, w, who: form(c, "/tasks/places", {"machine": "M2", "place": "LANE-1", "kind": "lane"}),
         lambda r, w, b: _count(LineSidePlace) == 2),
    Case("tasks: line-side min/max", "tasks.set_level", "POST", "lead",
         lambda c, w, who: form(c, "/tasks/places/levels", {"place": "LANE-1", "part": "FST-M6 C",
                                                             "minimum": "10", "maximum": "100"}),
         lambda r, w, b: _count(LineSideStock) == 1),
    Case("tasks: a work order's own lane", "tasks.name_lane", "POST", "lead",
         lambda c, w, who: form(c, "/tasks/places/lanes", {"work_order": "WO-1", "place": "LANE-1"}),
         lambda r, w, b: _count(WorkOrderLane) == 1),
]

# GETs that write (the print history): held to the same rule.
WRITING_GETS = [
    Case("label file (PDF)", "labels.unit", "GET", "stager",
         lambda c, w, who: c.get(f"/labels/units/{w.unit.lpn}.pdf", headers=_bearer(w, who)),
         lambda r, w, b: r.status_code == 200 and _count(LabelPrint) == 1),
    Case("label print page", "labels.sheet", "GET", "stager",
         lambda c, w, who: c.get(f"/labels/sheet?kind=unit&lpns={w.unit.lpn}"),
         lambda r, w, b: r.status_code == 200 and _count(LabelPrint) == 1),
]


def _bearer(w, who):
    return {"Authorization": f"Bearer {w.tokens[who]}"} if who else {}


def _count(model):
    return model.select().count()


def _where(model, condition):
    return model.select().where(condition).count()


def test_every_state_changing_route_has_a_row_in_the_table(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods & STATE_CHANGING}
    covered = {(case.endpoint, case.method) for case in CASES}
    assert routes - covered == set(), "a state-changing route without a permission test: add it to CASES"
    assert covered - routes == set(), "CASES names a route that is gone"


def _trials():
    for case in CASES + WRITING_GETS:
        if case.role is None:
            yield pytest.param(case, None, True, id=f"{case.name}: anyone")
            continue
        yield pytest.param(case, "signed out", False, id=f"{case.name}: signed out")
        for role in ROLES[:ROLES.index(case.role)]:
            yield pytest.param(case, role, False, id=f"{case.name}: {role}")
        yield pytest.param(case, case.role, True, id=f"{case.name}: {case.role}")


@pytest.fixture
def world(app, web_plant):
    w = World(app, web_plant)
    yield w
    w.printer.close()


@pytest.mark.parametrize("case, who, allowed", _trials())
def test_each_role_may_do_only_what_its_role_allows(client, world, case, who, allowed):
    actor = None if who == "signed out" else who
    if actor is not None and not case.endpoint.startswith("api."):
        login(client, f"{actor}1")
    before = snapshot()
    response = case.act(client, world, actor)
    if allowed:
        assert response.status_code < 400, response.get_data(as_text=True)[:2000]
        assert case.ok(response, world, before), f"{case.name} was not done for {who}"
        return
    assert snapshot() == before, f"{case.name} by {who} wrote to the database"
    text = response.get_data(as_text=True)
    if actor is None and case.endpoint.startswith("api."):
        assert response.status_code == 401 and response.mimetype == "application/problem+json"
    elif actor is None:
        # Pages send a signed-out visitor to sign in; the API and label files answer 401.
        assert (response.status_code == 401 or response.request.path == "/login"
                or (response.status_code == 302 and "/login" in response.location)), (response.status_code, text[:500])
    else:
        assert not case.ok(response, world, before)
        assert REFUSED.search(text), f"{case.name} by {who}: no refusal in words: {text[:1500]}"
        assert response.status_code in (200, 403, 422)  # 200: the page or scan fragment showing the refusal


def test_actions_without_a_route_are_held_to_the_table_in_the_domain(app, web_plant):
    """Adjusting a count and splitting a pallet have no page yet; the verbs still check the role."""
    w = World(app, web_plant)
    p = w.plant
    for role in ("operator", "stager"):
        with pytest.raises(Forbidden, match="only a lead or above may adjust counts"):
            inventory.adjust(p.ctx(role), w.unit, "150", reason="Counted")
    inventory.adjust(p.ctx("lead"), w.unit, "150", reason="Counted")
    assert Unit.get_by_id(w.unit.id).quantity == Decimal(150)
    assert inventory.split(p.ctx("operator"), w.unit, "50", "A-01-1").unit.quantity == Decimal(50)
    w.printer.close()


# --- signed out: every page and endpoint ---------------------------------------------------------------

PUBLIC = {"static", "auth.login", "health.healthz", "api.openapi", "api.browse", "stock.index"}
SAMPLE = {"code": "M1", "lpn": "LPN-1", "number": "WO-1", "job_id": 1, "note_id": 1, "name": "M1.pdf",
          "kind": "unit", "fmt": "pdf", "day": "2025-03-31", "shift": "Early", "filename": "css/app.css"}


def test_signed_out_every_page_redirects_to_sign_in_and_the_api_answers_401(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or "GET" not in rule.methods:
            continue
        missing = set(rule.arguments) - SAMPLE.keys()
        assert not missing, f"add a sample value for {missing} to SAMPLE"
        with app.test_request_context():
            from flask import url_for
            path = url_for(rule.endpoint, **{a: SAMPLE[a] for a in rule.arguments})
        response = client.get(path, headers={"Accept": "text/html"})
        if rule.rule.startswith("/api/"):
            assert response.status_code == 401 and response.mimetype == "application/problem+json", path
        elif rule.rule.startswith("/labels/") and rule.endpoint in ("labels.unit", "labels.location",
                                                                    "labels.badge", "labels.commands"):
            # Label files take a bearer token too: a browser goes to sign in, a script gets 401.
            assert response.status_code == 302 and "/login" in response.location, path
            assert client.get(path).status_code == 401, path
        else:
            assert response.status_code == 302 and "/login?next=" in response.location, path


def test_the_public_routes_are_few_and_harmless(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/api/openapi.json").status_code == 200
    assert client.get("/").status_code == 302
