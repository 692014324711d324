"""The machinery every verb shares: who acts (Ctx), what a verb returns (Result), the `verb`
decorator (authorize, one write transaction, dedupe by client scan id) and _Book, the only code
that changes a unit."""
import datetime
import functools
import hashlib
import inspect
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import IntegrityError, Model

from ...store import db
from ...store.db import write_transaction
from ...store.models import LEDGER_KINDS, UNIT_STATUSES, Entry, Scan, Unit, User, utcnow
from .. import codes, events
from ..errors import Conflict, Invalid
from ..people.permissions import authorize
from ..quantities import ZERO, fmt_qty

# Where a unit stands decides its status.
STATUS_AT = {
    "receiving": "stock",
    "storage": "stock",
    "staging": "staged",
    "machine": "loaded",
    "output": "output",
    "qc_hold": "hold",
    "shipping": "shipping",
}


@dataclass
class Ctx:
    """Who is acting, from which device, and the client's id for this scan (if any)."""
    user: User
    device: str = ""
    scan_id: str | None = None
    at: datetime.datetime | None = None  # when it was scanned (UTC); None: now


@dataclass
class Result:
    action: str
    unit: Unit
    entries: list = field(default_factory=list)
    replayed: bool = False
    note: str = ""  # what the operator should know though it was done (over-supply, a QC hold)
    warn: bool = False  # the note is a warning: shown amber, not green

    @property
    def entry(self):
        """The entry that tells the story (for a split: the new unit's)."""
        mine = [e for e in self.entries if e.unit_id == self.unit.id]
        return (mine or self.entries)[-1]


# --- input ------------------------------------------------------------------------------------

def clean_scan_id(value):
    if value is None or value == "":
        return None
    value = str(value).strip()
    if not value or len(value) > 64 or not value.isprintable():
        raise Invalid("client_scan_id must be 1 to 64 printable characters.")
    return value


def _reason(reason):
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise Invalid("Give a reason.")
    if len(reason) > 200:
        raise Invalid("The reason is too long (200 characters at most).")
    return reason


# --- the machinery every verb shares -------------------------------------------------------------

def verb(action, scanned=()):
    """Authorize, run in one write transaction, dedupe by client scan id.

    `scanned` names the arguments that are scanned codes: they are looked up before the
    transaction begins (one query for all), so the write lock is held for less."""
    def decorate(fn):
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(ctx, *args, **kwargs):
            authorize(ctx.user, action)
            scan_id = clean_scan_id(ctx.scan_id)
            if scanned:
                args, kwargs = _look_up(signature, scanned, args, kwargs)
            try:
                return _run(fn, action, ctx, scan_id, args, kwargs, _digest(action, signature, scanned, args, kwargs))
            except IntegrityError:
                # The scan id was recorded before (a retry, a double scan, an offline replay, or
                # a concurrent request that committed first): answer with its result. Any other
                # integrity error is a bug.
                prior = Scan.get_or_none(Scan.client_scan_id == scan_id) if scan_id else None
                if prior is None:
                    raise
                return _replay(prior, action, ctx, _digest(action, signature, scanned, args, kwargs))
        wrapper.action = action
        return wrapper
    return decorate


def _look_up(signature, names, args, kwargs):
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return args, kwargs  # the verb itself says what is wrong
    known = codes.look_up_all(*(bound.arguments.get(name) for name in names))
    for name in names:
        value = bound.arguments.get(name)
        if isinstance(value, str) and value != "":  # "" means "not given" to the verbs
            bound.arguments[name] = known[value]
    return bound.args[1:], bound.kwargs


def _run(fn, action, ctx, scan_id, args, kwargs, digest=""):
    with write_transaction():
        scan = None
        if scan_id:
            # Claimed by inserting it: an id seen before fails on the unique index (no SELECT
            # first), and the wrapper answers with the first result.
            scan = Scan(client_scan_id=scan_id, action=action, user=ctx.user, device=ctx.device, digest=digest)
            db.insert(scan)
        book = _Book(ctx, scan)
        unit = fn(book, *args, **kwargs)
        return Result(action, unit, book.entries, note=book.note, warn=book.warn)


def _replay(scan, action, ctx, digest):
    """The first answer to a scan id sent again: only for the same person asking for the same thing.
    Anything else reusing the id would be told that its own move happened when it did not."""
    if scan.action != action:
        raise Conflict("Scan id {scan} was already used for a {used_for}, not a {action}.", scan=scan.client_scan_id,
                       used_for=scan.action, action=action)
    if scan.user_id is not None and ctx.user is not None and scan.user_id != ctx.user.id:
        raise Conflict("Scan id {scan} was already used by someone else: nothing was done. Send a new id.",
                       scan=scan.client_scan_id)
    if scan.digest and scan.digest != digest:  # rows from before digests were kept: no way to tell
        raise Conflict("Scan id {scan} was already used for another {action}: nothing was done. Send a new id "
                       "for a new scan.", scan=scan.client_scan_id, action=action)
    entries = list(Entry.select().where(Entry.scan == scan).order_by(Entry.id))
    # Every verb returns the unit of its last entry.
    return Result(action, Unit.get_by_id(entries[-1].unit_id), entries, replayed=True)


def _digest(action, signature, scanned, args, kwargs):
    """What a scan asked for, as a fingerprint: the things it scanned (unit, place) and the plain values
    it gave (a quantity, a reason). Rows the caller looked up itself (a task's work order) are left
    out: a retry may leave them to the verb."""
    try:
        arguments = signature.bind(None, *args, **kwargs).arguments
    except TypeError:
        return ""
    asked = sorted((name, _plain(value)) for name, value in list(arguments.items())[1:]
                   if name in scanned or isinstance(value, PLAIN))
    return hashlib.sha256(repr((action, asked)).encode()).hexdigest()


PLAIN = (str, int, float, Decimal, datetime.date)


def _plain(value):
    # Rows by their table and id, numbers and text as they are; any other object by its type only,
    # so a repr that names a memory address can never make a retry look like another request.
    if isinstance(value, Model):
        return (type(value).__name__, value.get_id())
    if isinstance(value, codes.Known):  # a scanned code looked up: what it names, else its text
        return (value.entity, value.id) if value.entity else str(value)
    if isinstance(value, PLAIN) or value is None:
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return type(value).__name__


class _Book:
    """The open ledger of one verb call: the only code that changes a unit."""
    KEEP = object()

    def __init__(self, ctx, scan):
        self.ctx = ctx
        self.scan = scan
        self.entries = []
        self.note, self.warn = "", False

    def tell(self, text, warn=False):
        """A note for the answer: done, but worth saying (warn: amber)."""
        if text:
            self.note = f"{self.note} {text}".strip()
            self.warn = self.warn or warn

    def open_units(self, pallets):
        """New units that were in the plant before the tracker, each with its ledger row (kind
        "opening"), written together: the bulk form of inserting a unit and recording it, for an
        import's chunk. `pallets`: [(unsaved Unit, Location, quantity > 0)]; returns the units, saved."""
        at = self.ctx.at or utcnow()
        for unit, location, quantity in pallets:
            if quantity <= 0 or location.kind not in STATUS_AT:
                raise ValueError(f"opening {unit.lpn}: {quantity} at a {location.kind} location")
            unit.location, unit.quantity, unit.updated_at = location, quantity, at
            unit.status = STATUS_AT[location.kind]
        units = [unit for unit, _, _ in pallets]
        db.insert_many(units)
        ids = {}
        for start in range(0, len(units), 1000):
            lpns = [unit.lpn for unit in units[start:start + 1000]]
            ids.update(Unit.select(Unit.lpn, Unit.id).where(Unit.lpn.in_(lpns)).tuples())
        entries = []
        for unit, location, quantity in pallets:
            unit.id = ids[unit.lpn]
            entries.append(Entry(unit=unit, kind="opening", from_location=None, to_location=location,
                                 quantity=quantity, delta=quantity, status=unit.status, work_order=None,
                                 reason="", user=self.ctx.user, device=self.ctx.device, scan=self.scan, at=at))
        db.insert_many(entries)
        # Each new unit has this one row: its id by the unit's, for the events (one read per 1000).
        entry_ids = {}
        for start in range(0, len(units), 1000):
            unit_ids = [unit.id for unit in units[start:start + 1000]]
            entry_ids.update(Entry.select(Entry.unit, Entry.id).where(Entry.unit.in_(unit_ids)).tuples())
        for entry in entries:
            entry.id = entry_ids[entry.unit_id]
        events.emit_many([events.ledger_event(entry, entry.unit, self.ctx.user, self.scan) for entry in entries])
        self.entries.extend(entries)
        return units

    def record(self, unit, kind, *, to=KEEP, delta=ZERO, quantity=None, status=None,
               work_order=KEEP, reason="", other_unit=None, reverses=None):
        if kind not in LEDGER_KINDS:  # a programming error, never the floor's: no such row may exist
            raise ValueError(f"{kind!r} is not a ledger kind (models.LEDGER_KINDS)")
        before = unit.location
        was = (unit.location_id, unit.work_order_id, unit.quantity, unit.status)
        new_qty = unit.quantity + delta
        if new_qty < 0:
            raise Invalid("{unit} holds only {quantity} {uom}.", unit=unit.lpn, quantity=fmt_qty(unit.quantity),
                          uom=unit.part.uom)
        moved = to is not self.KEEP and to != before
        if moved:
            unit.location = to
        if work_order is not self.KEEP:
            unit.work_order = work_order
        unit.quantity = new_qty
        if new_qty == 0:
            unit.status, unit.location = "empty", None
        elif status:
            unit.status = status
        elif moved and unit.status != "hold":  # a hold sticks until QC releases it
            unit.status = STATUS_AT[unit.location.kind]
        if unit.status not in UNIT_STATUSES:
            raise ValueError(f"{unit.status!r} is not a unit status (models.UNIT_STATUSES)")
        unit.updated_at = self.ctx.at or utcnow()
        now = (unit.location_id, unit.work_order_id, unit.quantity, unit.status)
        # Only what changed: a full-row UPDATE rewrites every column and index entry of the unit.
        db.update(unit, ["updated_at"] + [name for name, a, b in zip(
            ("location", "work_order", "quantity", "status"), was, now) if a != b])
        entry = Entry(
            unit=unit, kind=kind, from_location=before, to_location=unit.location,
            quantity=abs(delta) if quantity is None else quantity, delta=delta, status=unit.status,
            work_order=unit.work_order, other_unit=other_unit, reverses=reverses, reason=reason,
            user=self.ctx.user, device=self.ctx.device, scan=self.scan, at=unit.updated_at,
        )
        db.insert(entry)
        events.emit(*events.ledger_event(entry, unit, self.ctx.user, self.scan))
        self.entries.append(entry)
        return entry
