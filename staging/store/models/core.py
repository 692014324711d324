"""The stock core: people, places, parts, work orders, units, codes, scans and the ledger."""
import datetime

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
)

from ..db import db


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
    "hold", "release", "opening", "produce", "ship", "count",
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
    last_used_at = DateTimeField(null=True)  # noted at most once a minute


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


class LocationsVersion(BaseModel):
    """One row whose stamp database triggers change with every write to the locations, in the same
    transaction: a process that keeps the tree's shape reads it to know whether the shape is stale."""
    stamp = CharField(max_length=32)

    class Meta:
        table_name = "locations_version"


class Part(BaseModel):
    number = CharField(max_length=40)
    revision = CharField(max_length=16, default="")
    description = CharField(max_length=200, default="")
    uom = CharField(max_length=8, default="ea")
    gtin = CharField(max_length=14, null=True, index=True)
    pack_qty = Quantity(null=True)  # standard pack (a full pallet), if the part has one
    shelf_life_days = IntegerField(null=True)
    # What one unit of measure is worth in the plant's currency, if the plant says: a count's difference
    # is valued with it.
    unit_value = Quantity(null=True)
    active = BooleanField(default=True)
    backflush = BooleanField(default=False)  # producing it consumes its bill of material
    # The newer revision of the same part number that replaces this one (None: current).
    superseded_by = ForeignKeyField("self", null=True, backref="supersedes")

    class Meta:
        indexes = ((("number", "revision"), True),)

    @property
    def label(self):
        return f"{self.number} rev {self.revision}" if self.revision else self.number


class PartGtin(BaseModel):
    """Every GTIN of a part (a case GTIN, a pallet GTIN ...), in its 14-digit form, as GS1 scans carry it;
    part.gtin is the first as typed. Revisions of one part number may share a GTIN; other parts not."""
    part = ForeignKeyField(Part, backref="gtins", on_delete="CASCADE")
    gtin = CharField(max_length=14, index=True)

    class Meta:
        table_name = "part_gtins"  # "part_gtin" is the name of part.gtin's index
        indexes = ((("part", "gtin"), True),)


class WorkOrder(BaseModel):
    number = CharField(max_length=40, unique=True)
    part = ForeignKeyField(Part, null=True, backref="work_orders")  # the product made
    quantity = Quantity(default=0)
    machine = ForeignKeyField(Location, null=True, backref="work_orders")
    output_station = ForeignKeyField(Location, null=True, backref="output_work_orders")
    status = CharField(max_length=16, default="planned", index=True)
    due_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)  # when it stopped taking material (done or closed); null while open


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
    digest = CharField(max_length=64, null=True, default="")  # what it asked for (a fingerprint); none from before
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
    # The writing transaction's id, for the feed's commit order: on PostgreSQL a trigger stamps it
    # whatever the insert says (migration 0029); SQLite writes one transaction at a time and keeps 0.
    txid = BigIntegerField(default=0)

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
