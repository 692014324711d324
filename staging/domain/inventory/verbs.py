"""THE one path for every change of stock.

Each verb is one function and one transaction: it checks who may do it, reads and locks what
it changes, refuses with a DomainError (nothing written) or writes the new state of the unit
together with its ledger rows (`_record`, the only place that changes a unit). A verb called
with a client scan id it has seen before returns the first result and writes nothing."""
import datetime
import functools
import inspect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, IntegrityError

from .. import codes
from ...store import db
from ...store.db import Prepared, is_postgres, locked, write_transaction
from ..errors import Conflict, Invalid, NotFound
from ...store.models import Entry, Location, Part, Scan, Sequence, Unit, User, WorkOrder, utcnow
from ..permissions import authorize
from ..quantities import ZERO, fmt_qty, parse_quantity
from ..workorders import check_material, count_usage


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
                return _run(fn, action, ctx, scan_id, args, kwargs)
            except IntegrityError:
                # The scan id was recorded before (a retry, a double scan, an offline replay, or
                # a concurrent request that committed first): answer with its result. Any other
                # integrity error is a bug.
                prior = Scan.get_or_none(Scan.client_scan_id == scan_id) if scan_id else None
                if prior is None:
                    raise
                return _replay(prior, action)
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


def _run(fn, action, ctx, scan_id, args, kwargs):
    with write_transaction():
        scan = None
        if scan_id:
            # Claimed by inserting it: an id seen before fails on the unique index (no SELECT
            # first), and the wrapper answers with the first result.
            scan = Scan(client_scan_id=scan_id, action=action, user=ctx.user, device=ctx.device)
            db.insert(scan)
        book = _Book(ctx, scan)
        unit = fn(book, *args, **kwargs)
        return Result(action, unit, book.entries)


def _replay(scan, action):
    if scan.action != action:
        raise Conflict(f"Scan id {scan.client_scan_id} was already used for a {scan.action}, "
                       f"not a {action}.")
    entries = list(Entry.select().where(Entry.scan == scan).order_by(Entry.id))
    # Every verb returns the unit of its last entry (Scan.unit is kept only by older rows).
    unit_id = scan.unit_id or entries[-1].unit_id
    return Result(action, Unit.get_by_id(unit_id), entries, replayed=True)


class _Book:
    """The open ledger of one verb call: the only code that changes a unit."""
    KEEP = object()

    def __init__(self, ctx, scan):
        self.ctx = ctx
        self.scan = scan
        self.entries = []

    def record(self, unit, kind, *, to=KEEP, delta=ZERO, quantity=None, status=None,
               work_order=KEEP, reason="", other_unit=None, reverses=None):
        before = unit.location
        was = (unit.location_id, unit.work_order_id, unit.quantity, unit.status)
        new_qty = unit.quantity + delta
        if new_qty < 0:
            raise Invalid(f"{unit.lpn} holds only {fmt_qty(unit.quantity)} {unit.part.uom}.")
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
        self.entries.append(entry)
        return entry


# --- lookups inside the transaction ------------------------------------------------------------------

_UNIT = Prepared(lambda unit_id: (
    Unit.select(Unit, Part, Location, WorkOrder).join(Part).switch(Unit)
    .join(Location, JOIN.LEFT_OUTER).switch(Unit).join(WorkOrder, JOIN.LEFT_OUTER)
    .where(Unit.id == unit_id)))
_LOCK_UNIT = Prepared(lambda unit_id: Unit.select(Unit.id).where(Unit.id == unit_id).for_update())


def _unit(ref, lock=True):
    """The unit named by an LPN (or any of its barcodes), locked for this transaction, with its
    part, location and work order in the same query (the verbs and the answer need them)."""
    unit_id = ref.id if isinstance(ref, Unit) else codes.unit_id(ref)
    if unit_id and lock and is_postgres():
        # Lock first, then read. A joined SELECT ... FOR UPDATE that waited for another mover
        # re-checks only the locked row: its outer-joined location came back NULL (the ledger
        # then said the pallet came from nowhere). A new statement sees the committed row whole.
        list(_LOCK_UNIT(unit_id))
    unit = next(iter(_UNIT(unit_id)), None) if unit_id else None
    if unit is None:
        raise NotFound(f"No pallet or tote with the code “{codes.shown(ref)}”.")
    if unit.status == "empty":
        raise Invalid(f"{unit.lpn} is empty: it was consumed or scrapped.")
    return unit


def _location(ref):
    location = ref if isinstance(ref, Location) else codes.find_location(ref)
    if location is None:
        raise NotFound(f"No location with the code “{codes.shown(ref)}”.")
    return location


def _work_order(ref):
    if ref is None or isinstance(ref, WorkOrder):
        return ref
    wo = WorkOrder.get_or_none(WorkOrder.number == str(ref).strip())
    if wo is None:
        raise NotFound(f"No work order “{codes.shown(ref)}”.")
    return wo


def _check_where(unit, expected_from):
    """The operator said where the unit was; if someone moved it since, refuse."""
    if expected_from is None or expected_from == "":
        return
    expected_id = expected_from.id if isinstance(expected_from, Location) else codes.location_id(expected_from)
    if expected_id is None:
        raise NotFound(f"No location with the code “{codes.shown(expected_from)}”.")
    if unit.location_id != expected_id:
        expected = _location(expected_from)
        where = unit.location.code if unit.location else "nowhere"
        raise Conflict(f"{unit.lpn} is no longer at {expected.code}: it is at {where}. "
                       "Someone moved it. Scan it again where it is.")


def _check_can_take(location, unit, kinds=None):
    if not location.active:
        raise Invalid(f"{location.code} is closed: put it somewhere else.")
    if not location.holds_units:
        raise Invalid(f"{location.code} is {location.name}, not a place to put a pallet: "
                      "scan the label of a bin, lane, machine or station.")
    if kinds and location.kind not in kinds:
        raise Invalid(f"{location.code} is a {location.kind.replace('_', ' ')} location; "
                      f"this needs a {' or '.join(k.replace('_', ' ') for k in kinds)} location.")
    if unit.location_id == location.id:
        raise Invalid(f"{unit.lpn} is already at {location.code}.")
    if location.capacity is not None:
        held = Unit.select().where(Unit.location == location).count()
        if held >= location.capacity:
            raise Invalid(f"{location.code} is full ({held} of {location.capacity}).")


def _next(name, fmt):
    Sequence.insert(name=name, value=0).on_conflict_ignore().execute()
    seq = locked(Sequence.select().where(Sequence.name == name)).get()
    while True:
        seq.value += 1
        code = fmt.format(seq.value)
        if not codes.taken(code):
            break
    Sequence.update(value=seq.value).where(Sequence.name == name).execute()
    return code


def new_lpn():
    return _next("lpn", "P{:06d}")


# --- the verbs -----------------------------------------------------------------------------------------

@verb("receive")
def receive(book, part, quantity, at=None, *, lot="", lpn=None, work_order=None, barcodes=()):
    """A new unit arrives: on the receiving dock unless `at` says otherwise."""
    quantity = parse_quantity(quantity)
    if not isinstance(part, Part):
        raise Invalid("Receive needs a part.")
    location = _location(at) if at else (
        Location.select().where(Location.kind == "receiving", Location.holds_units, Location.active)
        .order_by(Location.code).first())
    if location is None:
        raise Invalid("There is no receiving location to receive onto.")
    lpn = codes.new_unit_code(lpn) if lpn else new_lpn()
    unit = Unit.create(lpn=lpn, part=part, lot=str(lot or "").strip()[:40], quantity=ZERO,
                       status="stock", location=None, work_order=_work_order(work_order),
                       created_at=book.ctx.at or utcnow())
    _check_can_take(location, unit, kinds=("receiving", "storage", "staging", "qc_hold"))
    codes.register(unit, lpn)
    for code, source in barcodes:
        codes.register(unit, code, source)
    book.record(unit, "receive", to=location, delta=quantity)
    return unit


@verb("move", scanned=("unit_ref", "to_ref", "expected_from"))
def move(book, unit_ref, to_ref, expected_from=None):
    """Put a unit somewhere else. To a machine it is a load (checked against the work order);
    off a machine an unload; to scrap it needs a reason (use scrap)."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    to = _location(to_ref)
    if to.kind == "machine":
        return _load(book, unit, to, None)
    if to.kind == "scrap":
        raise Invalid("Scrapping needs a reason: use Waste/Scrap, not a move.")
    _check_can_take(to, unit)
    kind = "unload" if unit.location and unit.location.kind == "machine" else "move"
    work_order = None if to.kind in ("storage", "receiving") and kind == "unload" else book.KEEP
    book.record(unit, kind, to=to, quantity=unit.quantity, work_order=work_order)
    return unit


@verb("stage", scanned=("unit_ref", "lane_ref", "expected_from"))
def stage(book, unit_ref, lane_ref, work_order, expected_from=None):
    """Put a unit in a staging lane for a work order; the material must be what it needs."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    lane = _location(lane_ref)
    _check_can_take(lane, unit, kinds=("staging",))
    wo = _work_order(work_order)
    check_material(unit, wo)
    book.record(unit, "stage", to=lane, quantity=unit.quantity, work_order=wo)
    return unit


@verb("load", scanned=("unit_ref", "machine_ref", "expected_from"))
def load(book, unit_ref, machine_ref, work_order=None, expected_from=None):
    """Put a unit on a machine, for one of its work orders."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    return _load(book, unit, _location(machine_ref), _work_order(work_order))


def _load(book, unit, machine, wo):
    _check_can_take(machine, unit, kinds=("machine",))
    if unit.status == "hold":
        raise Invalid(f"{unit.lpn} is on QC hold: it cannot go onto a machine until QC releases it.")
    wo = wo or _current_work_order(unit, machine)
    if wo is not None:
        if wo.machine_id and wo.machine_id != machine.id:
            raise Invalid(f"Work order {wo.number} runs on {wo.machine.code}, not {machine.code}.")
        check_material(unit, wo)
    book.record(unit, "load", to=machine, quantity=unit.quantity, work_order=wo)
    return unit


def _current_work_order(unit, machine):
    if unit.work_order_id and unit.work_order.machine_id == machine.id:
        return unit.work_order
    running = list(WorkOrder.select().where(
        WorkOrder.machine == machine, WorkOrder.status.in_(("released", "running")))
        .order_by(WorkOrder.status.desc(), WorkOrder.id).limit(2))
    return running[0] if len(running) == 1 else None


@verb("unload", scanned=("unit_ref", "to_ref", "expected_from"))
def unload(book, unit_ref, to_ref, expected_from=None):
    """Take a unit off a machine, back to storage or staging."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    if unit.location is None or unit.location.kind != "machine":
        raise Invalid(f"{unit.lpn} is not on a machine: it is at {unit.location.code}.")
    to = _location(to_ref)
    _check_can_take(to, unit, kinds=("storage", "staging", "receiving", "qc_hold"))
    keep = book.KEEP if to.kind == "staging" else None
    book.record(unit, "unload", to=to, quantity=unit.quantity, work_order=keep)
    return unit


@verb("split", scanned=("unit_ref", "to", "expected_from"))
def split(book, unit_ref, quantity, to=None, *, lpn=None, expected_from=None):
    """Take part of a unit away as a new unit (which needs its own label). Returns the new unit."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    quantity = parse_quantity(quantity)
    if quantity > unit.quantity:
        raise Invalid(f"{unit.lpn} holds only {fmt_qty(unit.quantity)} {unit.part.uom}; "
                      f"cannot take {fmt_qty(quantity)}.")
    if quantity == unit.quantity:
        raise Invalid(f"That is all of {unit.lpn}: move the whole unit instead of splitting it.")
    destination = _location(to) if to else unit.location
    new = Unit.create(lpn=codes.new_unit_code(lpn) if lpn else new_lpn(), part=unit.part_id,
                      lot=unit.lot, quantity=ZERO, status=unit.status, location=None,
                      work_order=unit.work_order_id, split_from=unit, created_at=book.ctx.at or utcnow())
    if destination.id != unit.location_id:
        _check_can_take(destination, new, kinds=tuple(STATUS_AT))  # not scrap: that needs a reason
    codes.register(new, new.lpn)
    book.record(unit, "split", delta=-quantity, other_unit=new)
    book.record(new, "split", to=destination, delta=quantity, other_unit=unit)
    return new


@verb("consume", scanned=("unit_ref",))
def consume(book, unit_ref, quantity=None, work_order=None):
    """Material used up on its machine: all of it, or the quantity given."""
    unit = _unit(unit_ref)
    if unit.location is None or unit.location.kind != "machine":
        raise Invalid(f"{unit.lpn} is not loaded on a machine, so it cannot be consumed.")
    quantity = unit.quantity if quantity in (None, "") else parse_quantity(quantity)
    wo = _work_order(work_order) or unit.work_order
    entry = book.record(unit, "consume", delta=-quantity, work_order=wo)
    count_usage(entry, unit.part_id)  # the work order's totals, in this transaction
    return unit


@verb("scrap", scanned=("unit_ref",))
def scrap(book, unit_ref, quantity=None, *, reason):
    """Material thrown away, all of it or the quantity given, with a reason."""
    unit = _unit(unit_ref)
    reason = _reason(reason)
    quantity = unit.quantity if quantity in (None, "") else parse_quantity(quantity)
    entry = book.record(unit, "scrap", delta=-quantity, reason=reason)
    count_usage(entry, unit.part_id)  # the work order's totals, in this transaction
    return unit


@verb("adjust", scanned=("unit_ref",))
def adjust(book, unit_ref, counted, *, reason):
    """Correct a unit's quantity to what was counted, with a reason."""
    unit = _unit(unit_ref)
    reason = _reason(reason)
    counted = parse_quantity(counted, allow_zero=True, what="Counted quantity")
    if counted == unit.quantity:
        raise Invalid(f"{unit.lpn} already holds {fmt_qty(counted)} {unit.part.uom}: nothing to adjust.")
    book.record(unit, "adjust", delta=counted - unit.quantity, reason=reason)
    return unit


def _reason(reason):
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise Invalid("Give a reason.")
    if len(reason) > 200:
        raise Invalid("The reason is too long (200 characters at most).")
    return reason


UNDO_WINDOW = datetime.timedelta(minutes=5)
UNDOABLE = ("move", "stage", "load", "unload", "consume", "scrap")


@verb("undo")
def undo(book):
    """Reverse the acting user's own last move (or consumption, or waste) within UNDO_WINDOW, as a
    new ledger entry that points at the one it reverses: the ledger stays append-only. Refused
    when anything happened to the unit since, so an undo never overwrites someone else's work."""
    user, now = book.ctx.user, book.ctx.at or utcnow()
    undone = Entry.select(Entry.reverses).where(Entry.reverses.is_null(False))
    last = (Entry.select().where(Entry.user == user, Entry.kind != "undo", Entry.id.not_in(undone))
            .order_by(Entry.id.desc()).first())
    if last is None or last.kind not in UNDOABLE:
        raise Invalid("Nothing of yours to undo.")
    if now - last.at > UNDO_WINDOW:
        raise Invalid(f"Your last {last.kind} ({last.unit.lpn}) was more than "
                      f"{UNDO_WINDOW.seconds // 60} minutes ago: move it back by hand instead.")
    unit = locked(Unit.select().where(Unit.id == last.unit_id)).get()
    latest = Entry.select().where(Entry.unit == unit).order_by(Entry.id.desc()).first()
    if latest.id != last.id:
        raise Conflict(f"{unit.lpn} changed since your {last.kind} "
                       f"({latest.kind} by {latest.user.username if latest.user_id else 'someone'}): "
                       "it cannot be undone from here.")
    before = (Entry.select().where(Entry.unit == unit, Entry.id < last.id)
              .order_by(Entry.id.desc()).first())
    to = last.from_location if last.from_location_id else book.KEEP
    if to is not book.KEEP and to == unit.location:
        to = book.KEEP
    entry = book.record(unit, "undo", to=to, delta=-last.delta, quantity=last.quantity,
                        status=before.status if before else None,
                        work_order=before.work_order_id if before else None, reverses=last)
    count_usage(entry, unit.part_id)  # an undone consume or scrap leaves the work order's totals
    return unit


# --- corrections and QC holds (issue 5) --------------------------------------------------------------

CORRECTABLE = ("consume", "scrap")


@verb("correct")
def correct(book, entry_id, new_quantity, reason):
    """Change a recorded consumption or waste quantity: a reversing entry (the same kind, the
    opposite delta, `reverses` pointing at the original) and, unless the new quantity is zero, a
    new entry with it. The original row stays as it was. Returns the unit."""
    reason = _reason(reason)
    try:
        original = Entry.get_or_none(Entry.id == int(entry_id))
    except (TypeError, ValueError):
        original = None
    if original is None:
        raise NotFound(f"No ledger entry {codes.shown(str(entry_id))}.")
    if original.kind not in CORRECTABLE or original.reverses_id is not None:
        raise Invalid("Only a recorded consumption or waste can be corrected.")
    if Entry.select().where(Entry.reverses == original).exists():
        raise Invalid(f"Entry {original.id} was already corrected or undone: correct the newer entry.")
    new_quantity = parse_quantity(new_quantity, allow_zero=True, what="Corrected quantity")
    if new_quantity == original.quantity:
        raise Invalid(f"Entry {original.id} already says {fmt_qty(new_quantity)}: nothing to correct.")
    unit = locked(Unit.select().where(Unit.id == original.unit_id)).get()
    if unit.status != "empty" and unit.work_order_id != original.work_order_id:
        raise Conflict(f"{unit.lpn} is now used for another work order: correct it by hand.")
    # Used up: what comes back reappears where it was used.
    back_to = original.from_location if unit.status == "empty" else book.KEEP
    back = book.record(unit, original.kind, to=back_to, delta=-original.delta, reverses=original,
                       reason=f"Correction of entry {original.id}: {reason}"[:200],
                       work_order=original.work_order_id)
    count_usage(back, unit.part_id)
    if new_quantity > 0:
        again = book.record(unit, original.kind, delta=-new_quantity, work_order=original.work_order_id,
                            reason=original.reason if original.kind == "scrap" else f"Corrected: {reason}"[:200])
        count_usage(again, unit.part_id)
    return unit


@verb("hold", scanned=("unit_ref",))
def hold(book, unit_ref, reason):
    """Put a unit on QC hold where it stands: it cannot be loaded until a lead releases it."""
    unit = _unit(unit_ref)
    reason = _reason(reason)
    if unit.status == "hold":
        raise Invalid(f"{unit.lpn} is already on QC hold.")
    book.record(unit, "hold", quantity=unit.quantity, status="hold", reason=reason)
    return unit


@verb("release_hold", scanned=("unit_ref",))
def release(book, unit_ref, reason):
    """Release a QC hold: the unit takes the status of where it stands (in the QC cage: stock)."""
    unit = _unit(unit_ref)
    reason = _reason(reason)
    if unit.status != "hold":
        raise Invalid(f"{unit.lpn} is not on QC hold.")
    kind = unit.location.kind if unit.location else "storage"
    status = "stock" if kind in ("qc_hold", "scrap") else STATUS_AT.get(kind, "stock")
    book.record(unit, "release", quantity=unit.quantity, status=status, reason=reason)
    return unit
