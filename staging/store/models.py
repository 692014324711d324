"""Tables, indexes and constraints. No business rules: those live in staging/domain.

Every schema change here needs a migration in staging/store/migrations/ (see README)."""
import datetime

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .db import db


def utcnow():
    """Naive UTC: what every DateTimeField stores. Shown in the plant's time zone."""
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def Quantity(**kwargs):
    # Decimal, three places: kilograms to the gram, metres to the millimetre.
    return DecimalField(max_digits=15, decimal_places=3, auto_round=True, **kwargs)


LOCATION_KINDS = ("receiving", "storage", "staging", "machine", "output", "qc_hold", "scrap", "shipping")
# Enforced where every row is written (inventory's _Book.record): nothing else writes units or the ledger.
UNIT_STATUSES = ("stock", "staged", "loaded", "output", "hold", "shipping", "shipped", "empty")
ROLES = ("operator", "stager", "lead", "admin")
LEDGER_KINDS = (
    "receive", "move", "stage", "load", "unload", "split", "consume", "scrap", "adjust", "undo",
    "hold", "release", "opening", "produce", "ship",
)
WORK_ORDER_STATUSES = ("planned", "released", "running", "done", "closed")


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class User(BaseModel):
    username = CharField(max_length=64, unique=True)
    display_name = CharField(max_length=120, default="")
    role = CharField(max_length=16, constraints=[Check("role IN ('operator','stager','lead','admin')")])
    badge = CharField(max_length=64, null=True, unique=True)
    password_hash = CharField(max_length=255, null=True)
    # A badge may be a short ID-card number: for roles above operator it names the user, and the PIN
    # proves it is them.
    pin_hash = CharField(max_length=255, null=True)
    # Sessions carry the generation they began in; bumping it ends all of them at once (sign-out,
    # password, role, badge change, deactivation), on every worker and host.
    session_gen = IntegerField(default=0)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    language = CharField(max_length=8, default="")  # "" : the plant's locale

    def __str__(self):
        return self.display_name or self.username


class ApiToken(BaseModel):
    user = ForeignKeyField(User, backref="tokens", on_delete="CASCADE")
    # sha256 of the token: the token itself is shown once and never stored.
    token_hash = CharField(max_length=64, unique=True)
    name = CharField(max_length=120, default="")
    created_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)


class Location(BaseModel):
    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=120)
    kind = CharField(max_length=16, index=True)
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    # Areas and racks group places; bins, lanes, machines and stations hold units.
    holds_units = BooleanField(default=True)
    capacity = IntegerField(null=True)  # most units it takes; None: no limit
    active = BooleanField(default=True)
    sort_key = CharField(max_length=80, default="")

    def __str__(self):
        return self.code


class Part(BaseModel):
    number = CharField(max_length=40)
    revision = CharField(max_length=16, default="")
    description = CharField(max_length=200, default="")
    uom = CharField(max_length=8, default="ea")
    gtin = CharField(max_length=14, null=True, index=True)
    pack_qty = Quantity(null=True)  # standard pack (a full pallet), if the part has one
    shelf_life_days = IntegerField(null=True)
    active = BooleanField(default=True)
    backflush = BooleanField(default=False)  # producing it consumes its bill of material

    class Meta:
        indexes = ((("number", "revision"), True),)

    @property
    def label(self):
        return f"{self.number} rev {self.revision}" if self.revision else self.number


class WorkOrder(BaseModel):
    number = CharField(max_length=40, unique=True)
    part = ForeignKeyField(Part, null=True, backref="work_orders")  # the product made
    quantity = Quantity(default=0)
    machine = ForeignKeyField(Location, null=True, backref="work_orders")
    output_station = ForeignKeyField(Location, null=True, backref="output_work_orders")
    status = CharField(max_length=16, default="planned", index=True)
    due_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)


class WorkOrderLine(BaseModel):
    work_order = ForeignKeyField(WorkOrder, backref="lines", on_delete="CASCADE")
    part = ForeignKeyField(Part, backref="required_by")
    quantity = Quantity()


class Unit(BaseModel):
    """A handling unit: a pallet, tote or lot, scanned and moved whole."""
    lpn = CharField(max_length=40, unique=True)
    part = ForeignKeyField(Part, backref="units")
    lot = CharField(max_length=40, default="", index=True)
    quantity = Quantity(constraints=[Check("quantity >= 0")])
    status = CharField(max_length=16, default="stock", index=True)
    location = ForeignKeyField(Location, null=True, backref="units")
    work_order = ForeignKeyField(WorkOrder, null=True, backref="units")
    split_from = ForeignKeyField("self", null=True, backref="splits")
    created_at = DateTimeField(default=utcnow)
    expires_on = DateField(null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        # (part, status): the stock of one part, for staging tasks (migration 0014).
        indexes = ((("location", "status"), False), (("part", "status"), False))

    def __str__(self):
        return self.lpn


class Barcode(BaseModel):
    """Every code that names something: our own labels, suppliers' SSCCs, GTIN+lot, badges.

    A scan is resolved with one indexed lookup here, whatever the size of the plant."""
    code = CharField(max_length=120, unique=True)
    entity = CharField(max_length=16)  # unit, location, user, work_order, part
    entity_id = IntegerField()
    source = CharField(max_length=16, default="own")  # own, sscc, gtin_lot, supplier
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("entity", "entity_id"), False),)


class Scan(BaseModel):
    """One state-changing scan, by its client-generated id: the same id twice records once."""
    client_scan_id = CharField(max_length=64, unique=True)
    action = CharField(max_length=16)
    user = ForeignKeyField(User, null=True)
    device = CharField(max_length=64, default="")
    created_at = DateTimeField(default=utcnow)


class Entry(BaseModel):
    """The ledger: append-only; one row per effect on a unit.

    A unit's location, quantity, status and work order change only in the transaction that
    writes its row here, so replaying the rows in order gives the current state."""
    unit = ForeignKeyField(Unit, backref="entries")
    kind = CharField(max_length=16)
    # Indexed with the id (Meta): the latest entries of a place come in index order (migration 0007).
    from_location = ForeignKeyField(Location, null=True, backref="+", index=False)
    to_location = ForeignKeyField(Location, null=True, backref="+", index=False)
    quantity = Quantity()  # how much the entry concerns, always >= 0
    delta = Quantity()  # signed change of the unit's quantity
    status = CharField(max_length=16)  # unit status after the entry
    work_order = ForeignKeyField(WorkOrder, null=True, backref="entries")  # after the entry
    other_unit = ForeignKeyField(Unit, null=True, backref="+")  # split counterpart
    reverses = ForeignKeyField("self", null=True, backref="reversed_by")
    reason = CharField(max_length=200, default="")
    user = ForeignKeyField(User, null=True, backref="entries")
    device = CharField(max_length=64, default="")
    scan = ForeignKeyField(Scan, null=True, backref="entries")
    at = DateTimeField(default=utcnow, index=True)  # when it happened (an offline scan: when scanned)
    recorded_at = DateTimeField(default=utcnow, null=True)  # when it reached us (null: before 0012)

    class Meta:
        table_name = "ledger"
        indexes = ((("unit", "id"), False), (("to_location", "id"), False), (("from_location", "id"), False))


class Sequence(BaseModel):
    """Named counters for new LPNs and SSCC serials, advanced inside write transactions."""
    name = CharField(max_length=32, primary_key=True)
    value = IntegerField(default=0)


class WorkOrderMachine(BaseModel):
    """Further machines a work order runs on (WorkOrder.machine is the first)."""
    work_order = ForeignKeyField(WorkOrder, backref="extra_machines", on_delete="CASCADE")
    machine = ForeignKeyField(Location, backref="+")

    class Meta:
        indexes = ((("work_order", "machine"), True),)


class WorkOrderTotals(BaseModel):
    """Consumed and wasted per work order and part, kept in the transaction of each consume,
    scrap and correction, so pages never sum the ledger."""
    work_order = ForeignKeyField(WorkOrder, backref="totals", on_delete="CASCADE")
    part = ForeignKeyField(Part, backref="+")
    consumed = Quantity(default=0)
    wasted = Quantity(default=0)

    class Meta:
        indexes = ((("work_order", "part"), True),)


class OutputRecord(BaseModel):
    """Good and rejected product reported for a work order (for yield)."""
    work_order = ForeignKeyField(WorkOrder, backref="outputs", on_delete="CASCADE")
    machine = ForeignKeyField(Location, null=True, backref="+")
    good = Quantity(default=0)
    rejected = Quantity(default=0)
    note = CharField(max_length=200, default="")
    user = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow, index=True)


class OutputUnit(BaseModel):
    """A finished-goods unit made for a work order (issue 17): the good output, one row per pallet."""
    unit = ForeignKeyField(Unit, unique=True, backref="+")
    work_order = ForeignKeyField(WorkOrder, backref="output_units", on_delete="CASCADE")
    machine = ForeignKeyField(Location, null=True, backref="+")
    quantity = Quantity()
    entry = ForeignKeyField(Entry, backref="+")  # its produce row: where the next output's genealogy starts
    user = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow)


class Genealogy(BaseModel):
    """What an output unit was made from: one row per input unit, written when it is produced."""
    output = ForeignKeyField(Unit, backref="made_from")
    input = ForeignKeyField(Unit, backref="went_into")
    part = ForeignKeyField(Part, backref="+")
    lot = CharField(max_length=40, default="", index=True)
    quantity = Quantity()
    supplier_lot = CharField(max_length=40, default="")  # the lot on the supplier's label, if received with one
    sscc = CharField(max_length=20, default="")  # the supplier's pallet code, if received with one
    machine = ForeignKeyField(Location, null=True, backref="+")
    user = ForeignKeyField(User, null=True, backref="+")  # who consumed it (last)
    at = DateTimeField(null=True)  # when it was consumed (last)

    class Meta:
        indexes = ((("output", "input"), True),)


LOG_NOTE_KINDS = ("downtime", "safety", "quality", "note")


class ShiftLog(BaseModel):
    """The logbook of one station for one shift; locked once a lead submits it."""
    station = ForeignKeyField(Location, backref="shift_logs")
    day = DateField()  # the plant-local date the shift starts on
    shift = CharField(max_length=32)
    submitted_at = DateTimeField(null=True)
    submitted_by = ForeignKeyField(User, null=True, backref="+")
    snapshot = TextField(null=True)  # JSON: the automatic part as it stood when submitted

    class Meta:
        indexes = ((("station", "day", "shift"), True),)


class LogNote(BaseModel):
    """What people add to a shift log: downtime, a safety issue, a quality note."""
    log = ForeignKeyField(ShiftLog, backref="notes", on_delete="CASCADE")
    kind = CharField(max_length=16)
    text = TextField()
    minutes = IntegerField(null=True)  # downtime
    user = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow)
    acknowledged_at = DateTimeField(null=True, index=True)
    acknowledged_by = ForeignKeyField(User, null=True, backref="+")


class Printer(BaseModel):
    """A label printer on the network, by name: ZPL over raw TCP (port 9100)."""
    name = CharField(max_length=40, unique=True)
    host = CharField(max_length=120)
    port = IntegerField(default=9100)
    dpi = IntegerField(default=203)
    size = CharField(max_length=16, default="4x6")  # the media loaded: 4x6, 4x2, 100x50
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    def __str__(self):
        return self.name


class LabelJob(BaseModel):
    """A batch of labels rendered in the background; progress lives here so any worker can report it."""
    user = ForeignKeyField(User, backref="+")
    kind = CharField(max_length=16)
    size = CharField(max_length=16)
    output = CharField(max_length=16)  # pdf, zpl, printer
    printer = ForeignKeyField(Printer, null=True, backref="jobs", on_delete="SET NULL")
    sheet = CharField(max_length=16, default="")
    dpi = IntegerField(default=203)
    selection = TextField(default="")  # what was asked for, in words
    total = IntegerField(default=0)
    done = IntegerField(default=0)
    status = CharField(max_length=16, default="queued")  # queued, rendering, sending, done, failed
    error = TextField(default="")
    result = BlobField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class LabelPrint(BaseModel):
    """Who printed which label, when, where: the history behind reprints."""
    kind = CharField(max_length=16)  # unit, location, badge, commands
    code = CharField(max_length=120)  # the LPN, location code or badge on the label
    user = ForeignKeyField(User, null=True, backref="+")
    printer = ForeignKeyField(Printer, null=True, backref="+", on_delete="SET NULL")
    output = CharField(max_length=16)  # printer, zpl, pdf
    size = CharField(max_length=16)
    reprint = BooleanField(default=False)
    job = ForeignKeyField(LabelJob, null=True, backref="prints", on_delete="SET NULL")
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("kind", "code"), False),)


class LoginFailure(BaseModel):
    """A failed sign-in: counted per user name and per address by every worker and host alike."""
    username = CharField(max_length=64, default="")  # "" for a badge scan
    address = CharField(max_length=64, default="")
    device = CharField(max_length=64, default="")  # the handheld's name, for badge scans
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("username", "at"), False), (("address", "at"), False))


class MasterChange(BaseModel):
    """Who changed which master data (a location, part, person, setting), when, from what to what.
    before/after are JSON objects of the fields; before is null for a creation."""
    user = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow, index=True)
    kind = CharField(max_length=16)  # location, part, user, setting
    code = CharField(max_length=120)
    before = TextField(null=True)
    after = TextField(null=True)

    class Meta:
        indexes = ((("kind", "code"), False),)


class Setting(BaseModel):
    """A plant setting changed on the settings page; the environment gives the defaults."""
    name = CharField(max_length=40, primary_key=True)
    value = TextField()


# --- staging tasks: where material is staged, what to bring there, and line-side kanban ------------

LINE_SIDE_KINDS = ("lane", "bin")
TASK_STATES = ("open", "claimed", "done", "cancelled")


class LineSidePlace(BaseModel):
    """A machine's line-side place: a staging lane in front of it or a bin beside it."""
    machine = ForeignKeyField(Location, backref="+", on_delete="CASCADE")
    place = ForeignKeyField(Location, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=8, default="lane", constraints=[Check("kind IN ('lane','bin')")])
    sort_key = IntegerField(default=0)

    class Meta:
        indexes = ((("machine", "place"), True),)


class WorkOrderLane(BaseModel):
    """The lane a work order names for its material, instead of its machine's first lane."""
    work_order = ForeignKeyField(WorkOrder, backref="+", on_delete="CASCADE", unique=True)
    place = ForeignKeyField(Location, backref="+")


class LineSideStock(BaseModel):
    """Kanban without cards: below `minimum` at `place`, bring it up to `maximum`."""
    place = ForeignKeyField(Location, backref="+", on_delete="CASCADE")
    part = ForeignKeyField(Part, backref="+", on_delete="CASCADE")
    minimum = Quantity(constraints=[Check("minimum >= 0")])
    maximum = Quantity(constraints=[Check("maximum > 0")])

    class Meta:
        indexes = ((("place", "part"), True),)


class UnitExpiry(BaseModel):
    """A pallet's own expiry date, from its GS1 label (AI 17): before the part's shelf life."""
    unit = ForeignKeyField(Unit, backref="+", on_delete="CASCADE", unique=True)
    expires_on = DateField()


class StagingTask(BaseModel):
    """Bring a pallet (or part of one) from where it is to a line-side place. One operator holds a
    claim at a time, until it expires; `done` when a fitting pallet was staged at `to_location`."""
    kind = CharField(max_length=8, default="order")  # order: a work order's shortage; kanban: min/max
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="CASCADE")
    machine = ForeignKeyField(Location, backref="+")
    part = ForeignKeyField(Part, backref="+")
    unit = ForeignKeyField(Unit, null=True, backref="+")  # the suggested pallet
    from_location = ForeignKeyField(Location, null=True, backref="+")
    to_location = ForeignKeyField(Location, backref="+")
    quantity = Quantity()  # how much to bring: all of the pallet, or what to take off it
    whole = BooleanField(default=True)  # False: take `quantity` off the pallet, leave the rest
    state = CharField(max_length=10, default="open",
                      constraints=[Check("state IN ('open','claimed','done','cancelled')")])
    claimed_by = ForeignKeyField(User, null=True, backref="+")
    claim_expires_at = DateTimeField(null=True)
    assigned_to = ForeignKeyField(User, null=True, backref="+")  # a lead gave it to this person
    rank = IntegerField(null=True)  # a lead's order; None: by due time and machine state
    due_at = DateTimeField(null=True)
    priority = IntegerField(default=9)  # the work order's state: running 0, released 1, planned 2
    note = CharField(max_length=200, default="")  # why it was cancelled, or which pallet did it
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "staging_task"
        indexes = ((("state", "machine"), False), (("state", "part"), False), (("unit", "state"), False))


class TaskSync(BaseModel):
    """How far the tasks have followed the ledger (the last entry id seen), and when orders were
    last looked at whole: the tasks are brought up to date from the entries after it."""
    name = CharField(max_length=16, primary_key=True)
    last_entry = IntegerField(default=0)
    full_at = DateTimeField(null=True)


SECURITY_EVENTS = (
    "sign_in", "sign_in_failed", "badge_failed", "pin_failed", "sign_out", "password_changed",
    "badge_reissued", "pin_set", "role_changed", "deactivated", "activated", "token_created",
    "tokens_revoked", "throttled",
)


class SecurityEvent(BaseModel):
    """Who signed in, failed, or changed someone's access: kept for an admin to read and export."""
    at = DateTimeField(default=utcnow, index=True)
    kind = CharField(max_length=32, index=True)
    actor = CharField(max_length=64, default="")  # who did it ("" when nobody signed in)
    subject = CharField(max_length=64, default="")  # whose access it concerns
    address = CharField(max_length=64, default="")
    device = CharField(max_length=64, default="")
    detail = CharField(max_length=200, default="")


MODELS = [User, ApiToken, Location, Part, WorkOrder, WorkOrderLine, Unit, Barcode, Scan, Entry, Sequence,
          WorkOrderMachine, WorkOrderTotals, OutputRecord, ShiftLog, LogNote, Printer, LabelJob, LabelPrint,
          LoginFailure, SecurityEvent, MasterChange, Setting, OutputUnit, Genealogy]
MODELS += [LineSidePlace, WorkOrderLane, LineSideStock, UnitExpiry, StagingTask, TaskSync]
