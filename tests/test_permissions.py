"""Who may do what, through every route that changes state: each route below is tried by every role
beneath its minimum (refused, in words, with the database exactly as before) and by its minimum
role (done). The table is checked against the app's url_map, so a new state-changing route without
a row here fails. And every page refuses a signed-out visitor (a redirect to /login, or 401)."""
import base64
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pytest
from PIL import Image

from staging.domain import codes, counts, inventory, logbook, screens, tasks
from staging.domain.errors import Forbidden
from staging.domain.machines import andon, upkeep
from staging.domain.people.users import create_token
from staging.domain.scan import scanner_check
from staging.domain.webhooks import subscriptions
from staging.media import labels, printing, printqueue
from staging.store.models import (
    MODELS,
    ROLES,
    AndonCall,
    ApiToken,
    Call,
    Count,
    CountEntry,
    CountLine,
    Event,
    KanbanCard,
    LabelJob,
    LabelPrint,
    LineSidePlace,
    LineSideStock,
    Location,
    LogNote,
    MachineState,
    MaintenanceDone,
    MaintenancePlan,
    OutputUnit,
    Part,
    PartCountClass,
    Printer,
    PrintJob,
    Screen,
    SecurityEvent,
    Setting,
    ShiftLog,
    StagingTask,
    Tool,
    Unit,
    User,
    Webhook,
    WebhookDelivery,
    WorkOrder,
    WorkOrderLane,
)

from .plant import loc
from .test_labels import FakePrinter
from .webutil import csrf_token, login

GTIN = "09501101530003"
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
REFUSED = re.compile(r"only an? \w+ or above may")


def _operator_token_id():
    return ApiToken.select(ApiToken.id).join(User).where(User.username == "operator1").scalar()


class World:
    """The test plant plus what the routes act on: a pallet on the dock, one loaded on M1 with a
    consumption to correct, one on QC hold, a safety note, a network printer, API tokens, a webhook
    with a dead delivery, a kanban card for WO-1's line-side place."""

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
        # A print job that failed (it waited too long): a stager tries it again.
        self.failed_job = printqueue.enqueue(p.stager, Printer.get(Printer.name == "Dock Zebra"),
                                             labels.unit_labels([self.unit.lpn], labels.Settings()))
        PrintJob.update(state="failed", error="Waited 30 minutes").where(PrintJob.id == self.failed_job.id).execute()
        # A PDF batch of the dock pallet's label, made but not yet confirmed as printed.
        self.job = printing.start_job(p.stager, "unit", {"lpns": self.unit.lpn}, size="4x6", output="pdf",
                                      settings=labels.Settings.from_config(app.config), background=False)
        self.tokens = {role: create_token(f"{role}1") for role in ROLES}
        # Issue 17: WO-1 delivers to an output station; one of its pallets has shipped.
        WorkOrder.update(output_station=loc("OUT-1", "output")).where(WorkOrder.id == p.wo.id).execute()
        loc("SHIP-1", "shipping")
        self.shipped = inventory.produce(p.ctx(), "WO-1", "5").unit
        inventory.move(p.ctx(), self.shipped.lpn, "SHIP-1")
        # A staging task for WO-1's shortage, claimed by operator1 (its later pages sync: nothing new then).
        LineSidePlace.create(machine=p.machine, place=p.lane, kind="lane")
        self.task = tasks.claim(p.operator, tasks.next_for(p.operator).id, tasks.DEFAULT)
        # Counts: the dock counted and recounted (its difference awaits a lead's approval), and A-01-2
        # being counted by the admin.
        self.count = counts.plan(p.lead, "locations", locations=["RCV-1"])
        for who in ("operator", "stager"):
            counts.enter(p.users[who], self.count.id, "RCV-1", "10", unit=self.unit.lpn)
            counts.submit(p.users[who], self.count.id, "RCV-1")
        self.counting = counts.plan(p.lead, "locations", locations=["A-01-2"])
        counts.enter(p.users["admin"], self.counting.id, "A-01-2", "1", unit=self.held.lpn)
        # Upkeep: a maintenance plan on M1, an open andon call there, a wall screen.
        self.plan = upkeep.add_plan(p.lead, "Grease", machine=p.machine, every_days="30")
        self.call = andon.call(p.operator, "quality", p.machine, cal)
        self.screen = screens.create("Hall 1")[0]
        # A webhook whose receiver failed for a day: one event on its dead list, to replay.
        self.webhook = subscriptions.add(p.users["admin"], "https://erp.example.com/in", [])
        WebhookDelivery.create(webhook=self.webhook.id, event=Event.select().order_by(Event.id).first().id,
                               dead=True, last_error="HTTP 500", last_status=500)
        # A kanban card calling screws to LANE-1 (M1's line-side place), not called yet.
        self.card = tasks.cards.make_loop(p.lead, "LANE-1", "FST-M6", "C", "40")[0]


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


def _badge_sign_in(client, world):
    world.plant.operator.badge = "B-1003"
    world.plant.operator.save()
    codes.register(world.plant.operator, "B-1003")
    return client.post("/scan/badge", data={"csrf_token": csrf_token(client, "/login"), "code": "B-1003"},
                       headers={"X-Scan-Client": "1"})


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


def _located(code, **fields):
    return Location.select().where(Location.code == code, *[getattr(Location, k) == v for k, v in fields.items()]
                                   ).count() == 1


NEW_BIN = base64.b64encode(b"code,name,kind,parent,capacity\nC-1,Bin,storage,,\n").decode()
SETUP_CASES = [
    Case("setup: add a location", "setup.location_new", "POST", "lead",
         lambda c, w, who: form(c, "/setup/locations/new", {"code": "B-9", "name": "Bin", "kind": "storage"}),
         lambda r, w, b: _located("B-9")),
    Case("setup: edit a location", "setup.location_edit", "POST", "lead",
         lambda c, w, who: form(c, "/setup/locations/A-01-1/edit", {"name": "Renamed", "kind": "storage"}),
         lambda r, w, b: _located("A-01-1", name="Renamed")),
    Case("setup: close a location", "setup.location_deactivate", "POST", "lead",
         lambda c, w, who: form(c, "/setup/locations/A-01-2/deactivate"),
         lambda r, w, b: _located("A-01-2", active=False)),
    Case("setup: a range of bins", "setup.location_range", "POST", "lead",
         lambda c, w, who: form(c, "/setup/locations/range", {"racks": "X", "bays": "1-2", "kind": "storage"}),
         lambda r, w, b: _located("X-1") and _located("X-2")),
    Case("setup: add a part", "setup.part_new", "POST", "lead",
         lambda c, w, who: form(c, "/setup/parts/new", {"number": "NEW-1", "uom": "ea"}),
         lambda r, w, b: _where(Part, Part.number == "NEW-1") == 1),
    Case("setup: edit a part", "setup.part_edit", "POST", "lead",
         lambda c, w, who: form(c, "/setup/parts/FST-M6/edit?revision=C", {"description": "Bolt"}),
         lambda r, w, b: _where(Part, Part.description == "Bolt") == 1),
    Case("setup: import locations", "setup.import_file", "POST", "lead",
         lambda c, w, who: form(c, "/setup/import/locations", {"step": "import", "filename": "l.csv", "data": NEW_BIN}),
         lambda r, w, b: _located("C-1")),
    Case("setup: add a person", "setup.person_new", "POST", "admin",
         lambda c, w, who: form(c, "/setup/people/new", {"username": "newbie", "role": "operator", "badge": "B-99"}),
         lambda r, w, b: _where(User, User.username == "newbie") == 1),
    Case("setup: edit a person", "setup.person_edit", "POST", "admin",
         lambda c, w, who: form(c, "/setup/people/operator1/edit", {"display_name": "Olga", "role": "stager"}),
         lambda r, w, b: _where(User, User.display_name == "Olga") == 1),
    Case("setup: reset a password", "setup.person_password", "POST", "admin",
         lambda c, w, who: form(c, "/setup/people/operator1/password", {"password": "another-password"}),
         lambda r, w, b: _changed(r, w, b)),
    Case("setup: switch a person off", "setup.person_deactivate", "POST", "admin",
         lambda c, w, who: form(c, "/setup/people/operator1/deactivate"),
         lambda r, w, b: _where(User, User.active == False) == 1),  # noqa: E712
    Case("setup: labels for opening stock", "setup.opening_labels", "POST", "admin",
         lambda c, w, who: form(c, "/setup/import/stock/labels", {"lpns": w.unit.lpn, "output": "zpl"}),
         lambda r, w, b: _count(LabelJob) == len(b["label_job"]) + 1),
    Case("settings: change the plant's settings", "settings.save", "POST", "admin",
         lambda c, w, who: form(c, "/settings", {"LOG_GRACE_MINUTES": "45"}),
         lambda r, w, b: _where(Setting, Setting.name == "LOG_GRACE_MINUTES") == 1),
    Case("counts: plan a count", "counts.plan", "POST", "lead",
         lambda c, w, who: form(c, "/counts", {"kind": "locations", "locations": "A-01-1", "blind": "on"}),
         lambda r, w, b: _count(Count) == len(b["count"]) + 1),
    Case("counts: a part's class", "counts.set_class", "POST", "lead",
         lambda c, w, who: form(c, "/counts/classes", {"part": "FST-M6", "revision": "C", "klass": "A"}),
         lambda r, w, b: _count(PartCountClass) == 1),
    Case("counts: approve", "counts.approve", "POST", "lead",
         lambda c, w, who: form(c, f"/counts/{w.count.id}/approve"),
         lambda r, w, b: _where(CountLine, CountLine.state == "approval") == 0),
    Case("counts: a find on the handheld", "counts.find", "POST", "operator",
         lambda c, w, who: (scans(c, "CMD:MODE:COUNT", code="A-01-2"),
                            form(c, "/counts/find", {"part": "FST-M6", "revision": "C", "lot": "X", "qty": "4"}))[1],
         lambda r, w, b: _count(CountEntry) == len(b["count_entry"]) + 1),
    Case("API: plan a count", "api.count_plan", "POST", "lead",
         lambda c, w, who: api(c, who, "/api/counts", w, json={"locations": ["A-01-1"]}),
         lambda r, w, b: r.status_code == 201 and _count(Count) == len(b["count"]) + 1),
    Case("API: count a pallet", "api.count_entries", "POST", "operator",
         lambda c, w, who: api(c, who, f"/api/counts/{w.counting.id}/entries", w,
                               json={"location": "A-01-2", "unit": w.unit.lpn, "quantity": "3"}),
         lambda r, w, b: r.status_code == 201 and _count(CountEntry) == len(b["count_entry"]) + 1),
    Case("API: submit a location", "api.count_submit", "POST", "operator",
         lambda c, w, who: api(c, who, f"/api/counts/{w.counting.id}/submit", w, json={"location": "A-01-2"}),
         lambda r, w, b: r.status_code == 200 and _where(CountLine, CountLine.count == w.counting.id) > 0),
    Case("API: approve a count", "api.count_approve", "POST", "lead",
         lambda c, w, who: api(c, who, f"/api/counts/{w.count.id}/approve", w),
         lambda r, w, b: r.status_code == 200 and _where(CountLine, CountLine.state == "approval") == 0),
    Case("API: add a location", "api.create_location", "POST", "lead",
         lambda c, w, who: api(c, who, "/api/locations", w, json={"code": "D-1", "name": "Bin", "kind": "storage"}),
         lambda r, w, b: r.status_code == 201 and _located("D-1")),
    Case("API: change a location", "api.change_location", "PATCH", "lead",
         lambda c, w, who: c.patch("/api/locations/A-01-1", headers=_bearer(w, who), json={"name": "API"}),
         lambda r, w, b: r.status_code == 200 and _located("A-01-1", name="API")),
    Case("API: add a part", "api.create_part", "POST", "lead",
         lambda c, w, who: api(c, who, "/api/parts", w, json={"number": "API-1"}),
         lambda r, w, b: r.status_code == 201 and _where(Part, Part.number == "API-1") == 1),
    Case("API: change a part", "api.change_part", "PATCH", "lead",
         lambda c, w, who: c.patch("/api/parts/FST-M6?revision=C", headers=_bearer(w, who), json={"uom": "pc"}),
         lambda r, w, b: r.status_code == 200 and _where(Part, Part.uom == "pc") == 1),
    Case("API: send a work order", "api.put_work_order", "PUT", "lead",
         lambda c, w, who: c.put("/api/work-orders/WO-API", headers=_bearer(w, who), json={
             "product": "HSG-1", "revision": "A", "quantity": 5, "machines": ["M1"],
             "lines": [{"part": "FST-M6", "revision": "C", "quantity": 10}]}),
         lambda r, w, b: r.status_code == 201 and _where(WorkOrder, WorkOrder.number == "WO-API") == 1),
    Case("API: change a work order's status", "api.patch_work_order", "PATCH", "lead",
         lambda c, w, who: c.patch("/api/work-orders/WO-1", headers=_bearer(w, who), json={"status": "released"}),
         lambda r, w, b: r.status_code == 200 and _where(WorkOrder, WorkOrder.status == "released") == 1),
]

CASES = [
    Case("sign in", "auth.login", "POST", None,
         lambda c, w, who: form(c, "/login", {"username": "operator1", "password": "password-123"}),
         lambda r, w, b: "Sign out" in r.get_data(as_text=True) or r.request.path == "/inventory"),
    Case("this device's theme (high contrast)", "account.theme", "POST", None,
         lambda c, w, who: c.post("/account/theme", data={"csrf_token": csrf_token(c, "/login"), "theme": "contrast"}),
         lambda r, w, b: "theme=contrast" in r.headers.get("Set-Cookie", "")),
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
    Case("scan: a badge signs in after a lost session", "scan.badge", "POST", None,
         lambda c, w, who: _badge_sign_in(c, w),
         lambda r, w, b: r.status_code == 200 and "Signed in: " in r.get_data(as_text=True)),
    Case("drop scans set aside on a handheld", "scan.drop_aside", "POST", "lead",
         lambda c, w, who: c.post("/scan/aside/drop", data={"csrf_token": csrf_token(c, "/login"), "user": "operator2",
                                                            "count": "2", "reason": "Left at shift end"}),
         lambda r, w, b: r.status_code == 200 and _where(SecurityEvent, SecurityEvent.kind == "scans_dropped") == 1),
    Case("scanner check (writes nothing)", "scan.check", "POST", "operator",
         lambda c, w, who: form(c, "/scan/check", {"code": scanner_check.EXPECTED}),
         lambda r, w, b: "The scanner is set up right" in r.get_data(as_text=True)),
    Case("name this handheld", "scan.device", "POST", "operator",
         lambda c, w, who: c.post("/scan/device", data={"csrf_token": csrf_token(c, "/login"), "name": "TC52-7"}),
         lambda r, w, b: "device=TC52-7" in r.headers.get("Set-Cookie", "")),
    Case("API: move", "api.moves", "POST", "operator",
         lambda c, w, who: api(c, who, "/api/moves", w, json={"unit": w.unit.lpn, "to": "A-01-1"}),
         lambda r, w, b: r.status_code == 201 and _unit(w).location.code == "A-01-1"),
    Case("API: split", "api.split", "POST", "operator",
         lambda c, w, who: api(c, who, f"/api/units/{w.unit.lpn}/split", w, json={"quantity": "5"}),
         lambda r, w, b: r.status_code == 201 and _unit(w).quantity == Decimal(195)),
    Case("unit page: split", "stock.split", "POST", "operator",
         lambda c, w, who: form(c, f"/units/{w.unit.lpn}/split", {"quantity": "5"}),
         lambda r, w, b: _unit(w).quantity == Decimal(195)),
    Case("API: receive", "api.receipts", "POST", "stager",
         lambda c, w, who: api(c, who, "/api/receipts", w, json={"part": "RES-100", "revision": "B",
                                                                      "quantity": "40"}),
         lambda r, w, b: r.status_code == 201 and _changed(r, w, b)),
    Case("API: decode a photo", "api.decode_image", "POST", "operator",
         lambda c, w, who: api(c, who, "/api/decode", w, data={"image": (io.BytesIO(png()), "p.png")}),
         lambda r, w, b: r.status_code == 200 and r.json == {"codes": []}),
    Case("labels: a batch for the print page", "labels.create", "POST", "stager",
         lambda c, w, who: form(c, "/labels", {"kind": "unit", "lpns": w.unit.lpn, "output": "html"}),
         lambda r, w, b: _count(LabelPrint) == 2),
    Case("labels: print on a printer", "labels.print_one", "POST", "stager",
         lambda c, w, who: form(c, "/labels/print", {"kind": "unit", "code": w.unit.lpn, "printer": "Dock Zebra"}),
         lambda r, w, b: len(w.printer.wait(1, seconds=2)) == 1 and _where(LabelPrint, LabelPrint.printed) == 1),
    Case("labels: confirm a PDF printed", "labels.confirm", "POST", "stager",
         lambda c, w, who: form(c, "/labels/confirm", {"kind": "unit", "code": w.unit.lpn}),
         lambda r, w, b: _where(LabelPrint, LabelPrint.printed) == 1),
    Case("labels: confirm a batch printed", "labels.confirm_job", "POST", "stager",
         lambda c, w, who: form(c, f"/labels/jobs/{w.job.id}/confirm"),
         lambda r, w, b: _where(LabelPrint, LabelPrint.printed) == 1),
    Case("printers: add one", "labels.printers", "POST", "admin",
         lambda c, w, who: form(c, "/labels/printers", {"name": "Office", "host": "127.0.0.1", "port": "1"}),
         lambda r, w, b: _count(Printer) == 2),
    Case("printers: remove one", "labels.printers", "POST", "admin",
         lambda c, w, who: form(c, "/labels/printers", {"remove": "Dock Zebra"}),
         lambda r, w, b: _changed(r, w, b)),
    Case("printers: a test label", "labels.test_label", "POST", "stager",
         lambda c, w, who: form(c, "/labels/printers/test", {"printer": "Dock Zebra"}),
         lambda r, w, b: len(w.printer.wait(1, seconds=2)) == 1 and _where(PrintJob, PrintJob.state == "sent") == 1),
    Case("printers: retry a failed job", "labels.job_action", "POST", "stager",
         lambda c, w, who: form(c, f"/labels/printers/jobs/{w.failed_job.id}", {"action": "retry"}),
         lambda r, w, b: len(w.printer.wait(1, seconds=2)) == 1
         and PrintJob.get_by_id(w.failed_job.id).state == "sent"),
    Case("API: add a printer", "api.api_add_printer", "POST", "admin",
         lambda c, w, who: api(c, who, "/api/printers", w, json={"name": "Office", "host": "127.0.0.1", "port": 1}),
         lambda r, w, b: r.status_code == 201 and _count(Printer) == 2),
    Case("API: print labels", "api.api_print", "POST", "stager",
         lambda c, w, who: api(c, who, "/api/print", w, json={"printer": "Dock Zebra", "kind": "unit",
                                                               "codes": [w.unit.lpn]}),
         lambda r, w, b: r.status_code == 202 and len(w.printer.wait(1, seconds=2)) == 1),
    Case("logbook: a note", "reports.add_note", "POST", "operator",
         lambda c, w, who: form(c, w.log + "/notes", {"kind": "note", "text": "Die change"}),
         lambda r, w, b: _where(LogNote, LogNote.text == "Die change") == 1),
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
    Case("account: change one's own password", "account.password", "POST", "operator",
         lambda c, w, who: form(c, "/account/password", {"current": "password-123", "new": "new-password-1",
                                                          "repeat": "new-password-1"}),
         lambda r, w, b: "Password changed" in r.get_data(as_text=True)),
    Case("account: choose one's own language", "account.language", "POST", "operator",
         lambda c, w, who: form(c, "/account/language", {"language": "de"}),
         lambda r, w, b: _where(User, User.language == "de") == 1),
    Case("people: reissue a badge", "admin.reissue", "POST", "admin",
         lambda c, w, who: form(c, "/admin/users/operator1/badge"),
         lambda r, w, b: _where(User, User.badge.is_null(False)) == 1),
    Case("people: revoke an API token", "admin.revoke_token", "POST", "admin",
         lambda c, w, who: form(c, f"/admin/tokens/{_operator_token_id()}/revoke"),
         lambda r, w, b: _where(ApiToken, ApiToken.revoked_at.is_null(False)) == 1),
    Case("people: set a PIN", "admin.pin", "POST", "admin",
         lambda c, w, who: form(c, "/admin/users/admin1/pin", {"pin": "4711"}),
         lambda r, w, b: _where(User, User.pin_hash.is_null(False)) == 1),
    Case("people: change a role", "admin.role", "POST", "admin",
         lambda c, w, who: form(c, "/admin/users/operator1/role", {"role": "stager"}),
         lambda r, w, b: _where(User, User.role == "stager") == 2),
    Case("people: switch someone off", "admin.active", "POST", "admin",
         lambda c, w, who: form(c, "/admin/users/operator1/active", {"active": "0"}),
         lambda r, w, b: _where(User, User.active == False) == 1),  # noqa: E712 (peewee's SQL, not a bool test)
    Case("work orders: import a CSV", "workorders.import_csv", "POST", "lead",
         lambda c, w, who: form(c, "/work-orders/import", {"confirm": "1", "text": CSV}),
         lambda r, w, b: _where(WorkOrder, WorkOrder.number == "WO-50") == 1),
    Case("output: produce a pallet", "trace.produce", "POST", "operator",
         lambda c, w, who: form(c, "/outputs", {"work_order": "WO-1", "quantity": "5"}),
         lambda r, w, b: _count(OutputUnit) == 2),
    Case("API: produce a pallet", "api.outputs", "POST", "operator",
         lambda c, w, who: api(c, who, "/api/outputs", w, json={"work_order": "WO-1", "quantity": 5}),
         lambda r, w, b: r.status_code == 201 and _count(OutputUnit) == 2),
    Case("trace: hold all in plant", "trace.hold_all", "POST", "operator",
         lambda c, w, who: form(c, "/trace/hold?lot=L1", {"reason": "Supplier lot failed"}),
         lambda r, w, b: _unit(w).status == "hold" and _unit(w, "loaded").status == "hold"),
    Case("work orders: unload what a closed order left at the line", "workorders.unload", "POST", "operator",
         lambda c, w, who: form(c, "/work-orders/WO-1/unload", {"unit": w.loaded.lpn, "to": "A-01-1"}),
         lambda r, w, b: _unit(w, "loaded").location.code == "A-01-1"),
    Case("trace: return a shipped pallet", "trace.return_shipped", "POST", "lead",
         lambda c, w, who: form(c, f"/trace/units/{w.shipped.lpn}/return", {"to": "OUT-1", "reason": "Left behind"}),
         lambda r, w, b: _unit(w, "shipped").status == "output"),
    Case("machine page: set a machine's state", "machine_states.set_on_page", "POST", "operator",
         lambda c, w, who: form(c, "/machines/M1/state", {"state": "down", "reason": "Breakdown"}),
         lambda r, w, b: _where(MachineState, MachineState.state == "down") == 1),
    Case("API: set a machine's state", "api.api_set", "POST", "operator",
         lambda c, w, who: api(c, who, "/api/machines/M1/state", w, json={"state": "idle"}),
         lambda r, w, b: r.status_code == 200 and _count(MachineState) == 1),
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
    Case("scan: an andon call", "scan.scan", "POST", "operator",
         lambda c, w, who: scans(c, "M1", code="CMD:SAFETY"),
         lambda r, w, b: _count(AndonCall) == 2),
    Case("andon: acknowledge a call", "upkeep.acknowledge", "POST", "lead",
         lambda c, w, who: form(c, f"/andon/{w.call.id}/acknowledge"),
         lambda r, w, b: AndonCall.get_by_id(w.call.id).acknowledged_at is not None),
    Case("andon: close a call", "upkeep.close", "POST", "lead",
         lambda c, w, who: form(c, f"/andon/{w.call.id}/close", {"what_was_done": "Checked"}),
         lambda r, w, b: AndonCall.get_by_id(w.call.id).closed_at is not None),
    Case("maintenance: record it done", "upkeep.done", "POST", "lead",
         lambda c, w, who: form(c, f"/maintenance/plans/{w.plan.id}/done", {"notes": "Greased"}),
         lambda r, w, b: _count(MaintenanceDone) == 1),
    Case("maintenance: plan it", "upkeep.add_plan", "POST", "lead",
         lambda c, w, who: form(c, "/maintenance/plans", {"machine": "M2", "name": "Oil", "every_days": "7"}),
         lambda r, w, b: _count(MaintenancePlan) == 2),
    Case("maintenance: add a gauge", "upkeep.add_tool", "POST", "lead",
         lambda c, w, who: form(c, "/maintenance/tools", {"code": "GA-9", "name": "Caliper", "kind": "gauge"}),
         lambda r, w, b: _count(Tool) == 1),
    Case("wall screens: make one", "wall.create", "POST", "admin",
         lambda c, w, who: form(c, "/admin/screens", {"name": "Hall 2"}),
         lambda r, w, b: _count(Screen) == 2),
    Case("wall screens: switch one off", "wall.revoke", "POST", "admin",
         lambda c, w, who: form(c, f"/admin/screens/{w.screen.id}/revoke"),
         lambda r, w, b: Screen.get_by_id(w.screen.id).revoked_at is not None),
    Case("webhooks: add one", "webhooks.add", "POST", "admin",
         lambda c, w, who: form(c, "/admin/webhooks", {"url": "https://mes.example.com/in"}),
         lambda r, w, b: _where(Webhook, Webhook.url == "https://mes.example.com/in") == 1),
    Case("webhooks: a new secret", "webhooks.rotate", "POST", "admin",
         lambda c, w, who: form(c, f"/admin/webhooks/{w.webhook.id}/rotate"),
         lambda r, w, b: Webhook.get_by_id(w.webhook.id).secret != w.webhook.secret),
    Case("webhooks: replay the dead list", "webhooks.replay", "POST", "admin",
         lambda c, w, who: form(c, f"/admin/webhooks/{w.webhook.id}/replay"),
         lambda r, w, b: _where(WebhookDelivery, WebhookDelivery.dead == False) == 1),  # noqa: E712
    Case("webhooks: delete one", "webhooks.delete", "POST", "admin",
         lambda c, w, who: form(c, f"/admin/webhooks/{w.webhook.id}/delete"),
         lambda r, w, b: _count(Webhook) == 0 and _count(WebhookDelivery) == 0),
    Case("API: add a webhook", "api.api_add_webhook", "POST", "admin",
         lambda c, w, who: api(c, who, "/api/webhooks", w, json={"url": "https://mes.example.com/in"}),
         lambda r, w, b: r.status_code == 201 and _where(Webhook, Webhook.url == "https://mes.example.com/in") == 1),
    Case("API: a webhook's new secret", "api.api_rotate_webhook", "POST", "admin",
         lambda c, w, who: api(c, who, f"/api/webhooks/{w.webhook.id}/rotate", w),
         lambda r, w, b: r.status_code == 200 and Webhook.get_by_id(w.webhook.id).secret == r.json["secret"]
         != w.webhook.secret),
    Case("API: replay a webhook's dead list", "api.api_replay_webhook", "POST", "admin",
         lambda c, w, who: api(c, who, f"/api/webhooks/{w.webhook.id}/replay", w, json={}),
         lambda r, w, b: r.status_code == 200 and r.json == {"replayed": 1}
         and _where(WebhookDelivery, WebhookDelivery.dead == False) == 1),  # noqa: E712
    Case("API: delete a webhook", "api.api_delete_webhook", "DELETE", "admin",
         lambda c, w, who: c.delete(f"/api/webhooks/{w.webhook.id}", headers=_bearer(w, who)),
         lambda r, w, b: r.status_code == 204 and _count(Webhook) == 0 and _count(WebhookDelivery) == 0),
    Case("kanban: make a loop of cards", "kanban.make", "POST", "lead",
         lambda c, w, who: form(c, "/kanban", {"place": "LANE-1", "part": "FST-M6", "revision": "C",
                                               "quantity": "40", "cards": "2"}),
         lambda r, w, b: _count(KanbanCard) == 3),
    Case("kanban: retire a loop", "kanban.retire", "POST", "lead",
         lambda c, w, who: form(c, f"/kanban/{w.card.code}/retire"),
         lambda r, w, b: _where(KanbanCard, KanbanCard.active == False) == 1),  # noqa: E712
    Case("API: make a loop of cards", "api.api_make", "POST", "lead",
         lambda c, w, who: api(c, who, "/api/kanban-cards", w, json={"place": "LANE-1", "part": "FST-M6",
                                                                     "revision": "C", "quantity": "40", "cards": 2}),
         lambda r, w, b: r.status_code == 201 and len(r.json["cards"]) == 2 and _count(KanbanCard) == 3),
    Case("API: call a kanban card", "api.api_call", "POST", "operator",
         lambda c, w, who: api(c, who, "/api/calls", w, json={"card": w.card.code}),
         lambda r, w, b: r.status_code == 201 and _where(Call, Call.card == w.card.id) == 1),
] + SETUP_CASES

# GETs that write (the print history): held to the same rule.
WRITING_GETS = [
    Case("label file (PDF)", "labels.unit", "GET", "stager",
         lambda c, w, who: c.get(f"/labels/units/{w.unit.lpn}.pdf", headers=_bearer(w, who)),
         lambda r, w, b: r.status_code == 200 and _count(LabelPrint) == 2),
    Case("label print page", "labels.sheet", "GET", "stager",
         lambda c, w, who: c.get(f"/labels/sheet?kind=unit&lpns={w.unit.lpn}"),
         lambda r, w, b: r.status_code == 200 and _count(LabelPrint) == 2),
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

# The scan page's service worker is public: a browser checks it for updates by itself, signed in or not.
# A wall screen opens by the token in its address, with nobody signed in (tests/test_wall.py: nothing else).
PUBLIC = {"static", "auth.login", "health.healthz", "api.openapi", "api.browse", "stock.index",
          "scan.service_worker", "wall.screen", "wall.live"}
SAMPLE = {"code": "M1", "lpn": "LPN-1", "number": "WO-1", "job_id": 1, "note_id": 1, "name": "M1.pdf",
          "kind": "unit", "fmt": "pdf", "day": "2025-03-31", "shift": "Early", "filename": "css/app.css",
          "username": "operator1", "count_id": 1, "webhook_id": 1}


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
