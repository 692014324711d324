"""The verbs that move stock: receive, move, stage, load, unload, split, consume, scrap, adjust
and undo. Each is one function and one transaction (see machinery.verb)."""
import datetime

from ...store.db import locked
from ...store.models import Entry, Location, OutputUnit, Part, Unit, utcnow
from .. import codes
from ..errors import Conflict, Invalid
from ..people.permissions import authorize
from ..quantities import ZERO, fmt_qty, parse_quantity
from ..words import Words, change
from ..workorders import OPEN_STATUSES, OVERRIDE, WrongMaterial, check_material, count_usage, fit_for_load, supply
from .lookups import _check_can_take, _check_where, _location, _unit, _work_order, new_lpn
from .machinery import STATUS_AT, _reason, verb
from .shipping import ship


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
def move(book, unit_ref, to_ref, expected_from=None, *, override=None):
    """Put a unit somewhere else. To a machine it is a load (the material check of every load);
    off a machine an unload; to scrap it needs a reason (use scrap)."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    to = _location(to_ref)
    if to.kind == "machine":
        return _load(book, unit, to, None, override)
    if to.kind == "scrap":
        raise Invalid("Scrapping needs a reason: use Waste/Scrap, not a move.")
    if to.kind == "shipping":
        return ship(book, unit, to)  # it leaves the plant (issue 17)
    _check_can_take(to, unit)
    kind = "unload" if unit.location and unit.location.kind == "machine" else "move"
    work_order = None if to.kind in ("storage", "receiving") and kind == "unload" else book.KEEP
    reason = _held_away(book, unit, to, override)
    _tell_hold(book, unit)
    book.record(unit, kind, to=to, quantity=unit.quantity, work_order=work_order, reason=reason)
    return unit


def _held_away(book, unit, to, override=None):
    """Held material never goes to a staging lane (nor onto a machine: _load): it would be taken
    for the line. Only a lead's override with a reason gets past, and the reason stays on the
    ledger entry (returned here for it)."""
    if unit.status != "hold" or to.kind != "staging":
        return ""
    if override in (None, ""):
        raise Invalid("{unit} is on QC hold: held material does not go to a staging lane until QC releases it. A "
                      "lead may override with a reason.", unit=unit.lpn)
    authorize(book.ctx.user, "override_load")
    return f"{OVERRIDE}{_reason(override)}"[:200]


def _tell_hold(book, unit):
    if unit.status == "hold":
        book.tell(f"{unit.lpn} is on QC hold: it stays on hold where it goes.", warn=True)


@verb("stage", scanned=("unit_ref", "lane_ref", "expected_from"))
def stage(book, unit_ref, lane_ref, work_order, expected_from=None, *, override=None):
    """Put a unit in a staging lane for a work order; the material must be what it needs and not
    on QC hold (`override`: a lead's reason to stage it held all the same)."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    lane = _location(lane_ref)
    _check_can_take(lane, unit, kinds=("staging",))
    wo = _work_order(work_order)
    check_material(unit, wo)
    reason = _held_away(book, unit, lane, override)
    _tell_hold(book, unit)
    book.record(unit, "stage", to=lane, quantity=unit.quantity, work_order=wo, reason=reason)
    return unit


@verb("load", scanned=("unit_ref", "machine_ref", "expected_from"))
def load(book, unit_ref, machine_ref, work_order=None, expected_from=None, *, override=None):
    """Put a unit on a machine, for one of its open work orders (`override`: a lead's reason to
    load material no open work order of the machine needs)."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    return _load(book, unit, _location(machine_ref), _work_order(work_order), override)


def _load(book, unit, machine, wo, override=None):
    """Every load, by any way in (Load, Move onto a machine, the API, an offline replay), passes
    fit_for_load before anything is written; only a lead's override with a reason gets past it,
    and the reason stays on the ledger entry (a plain load has none)."""
    _check_can_take(machine, unit, kinds=("machine",))
    if unit.status == "hold":
        raise Invalid("{unit} is on QC hold: it cannot go onto a machine until QC releases it.", unit=unit.lpn)
    reason = ""
    try:
        wo = fit_for_load(unit, machine, wo)
    except WrongMaterial as refused:
        if override is None or override == "":
            raise
        authorize(book.ctx.user, "override_load")
        reason = f"{OVERRIDE}{_reason(override)}"[:200]
        book.tell(f"Loaded by override, not needed by any open work order of {machine.code}: "
                  f"{refused.message}", warn=True)
    book.record(unit, "load", to=machine, quantity=unit.quantity, work_order=wo, reason=reason)
    extra, text = supply(unit)
    book.tell(text, warn=extra > 0)
    return unit


@verb("unload", scanned=("unit_ref", "to_ref", "expected_from"))
def unload(book, unit_ref, to_ref, expected_from=None):
    """Take a unit off a machine, back to storage or staging."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    if unit.location is None or unit.location.kind != "machine":
        raise Invalid("{unit} is not on a machine: it is at {location}.", unit=unit.lpn, location=unit.location.code)
    to = _location(to_ref)
    _check_can_take(to, unit, kinds=("storage", "staging", "receiving", "qc_hold"))
    keep = book.KEEP if to.kind == "staging" else None
    _held_away(book, unit, to)
    _tell_hold(book, unit)
    book.record(unit, "unload", to=to, quantity=unit.quantity, work_order=keep)
    return unit


@verb("split", scanned=("unit_ref", "to", "expected_from"))
def split(book, unit_ref, quantity, to=None, *, lpn=None, expected_from=None, override=None):
    """Take part of a unit away as a new unit (which needs its own label). Returns the new unit.
    Onto a machine the part taken is loaded, through the same material check as any load."""
    unit = _unit(unit_ref)
    _check_where(unit, expected_from)
    quantity = parse_quantity(quantity)
    if quantity > unit.quantity:
        raise Invalid("{unit} holds only {quantity} {uom}; cannot take {taken}.", unit=unit.lpn,
                      quantity=fmt_qty(unit.quantity), uom=unit.part.uom, taken=fmt_qty(quantity))
    if quantity == unit.quantity:
        raise Invalid("That is all of {unit}: move the whole unit instead of splitting it.", unit=unit.lpn)
    destination = _location(to) if to else unit.location
    machine = destination if destination.kind == "machine" and destination.id != unit.location_id else None
    if machine is not None:
        destination = unit.location  # split where it stands, then load: the one load path
        if not override:
            _fits_before_split(unit, machine)
    new = Unit.create(lpn=codes.new_unit_code(lpn) if lpn else new_lpn(), part=unit.part_id,
                      lot=unit.lot, quantity=ZERO, status=unit.status, location=None,
                      work_order=unit.work_order_id, split_from=unit, created_at=book.ctx.at or utcnow())
    if destination.id != unit.location_id:
        _check_can_take(destination, new, kinds=tuple(STATUS_AT))  # not scrap: that needs a reason
        _held_away(book, unit, destination)
    codes.register(new, new.lpn)
    book.record(unit, "split", delta=-quantity, other_unit=new)
    book.record(new, "split", to=destination, delta=quantity, other_unit=unit)
    if machine is not None:
        _load(book, new, machine, None, override)
    return new


class SplitWrongMaterial(Invalid):
    """Wrong material for the machine a part would be split onto, refused before the part exists.
    Not WrongMaterial: a lead's override of it would name a pallet that is not there."""
    title = "Wrong material"

    def __init__(self, refusal):
        super().__init__(Words("{refusal} Nothing was split: take the part somewhere else, or ask a lead to load "
                               "it.", refusal=refusal))


def _fits_before_split(unit, machine):
    """The material check before the part taken exists: a refusal names the pallet scanned, never a
    pallet number that is never created (the load after the split checks again, in the same way)."""
    try:
        fit_for_load(unit, machine)
    except WrongMaterial as refused:
        raise SplitWrongMaterial(refused.words) from None


@verb("consume", scanned=("unit_ref",))
def consume(book, unit_ref, quantity=None, work_order=None):
    """Material used up on its machine: all of it, or the quantity given."""
    unit = _unit(unit_ref)
    if unit.location is None or unit.location.kind != "machine":
        raise Invalid("{unit} is not loaded on a machine, so it cannot be consumed.", unit=unit.lpn)
    quantity = unit.quantity if quantity in (None, "") else parse_quantity(quantity)
    wo = _work_order(work_order) or unit.work_order
    if wo is not None and wo.status not in OPEN_STATUSES:
        raise Invalid("Work order {order} is {status}: nothing more can be consumed for it. Unload {unit}, or a lead "
                      "reopens the order.", order=wo.number, status=wo.status, unit=unit.lpn)
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
    counted = parse_quantity(counted, allow_zero=True, what=Words("Counted quantity"))
    if counted == unit.quantity:
        raise Invalid("{unit} already holds {counted} {uom}: nothing to adjust.", unit=unit.lpn,
                      counted=fmt_qty(counted), uom=unit.part.uom)
    book.record(unit, "adjust", delta=counted - unit.quantity, reason=reason)
    return unit


UNDO_WINDOW = datetime.timedelta(minutes=5)
UNDOABLE = ("move", "stage", "load", "unload", "consume", "scrap")


def last_change(ctx):
    """The ledger entry Undo would reverse: the acting user's last change made on this device
    (whatever the scan that made it), not undone yet, within UNDO_WINDOW. Refused otherwise."""
    user, now = ctx.user, ctx.at or utcnow()
    undone = Entry.select(Entry.reverses).where(Entry.reverses.is_null(False))
    last = (Entry.select().where(Entry.user == user, Entry.device == ctx.device, Entry.kind != "undo",
                                 Entry.id.not_in(undone))
            .order_by(Entry.id.desc()).first())
    if last is None:
        raise Invalid("Nothing of yours to undo on this device.")
    if last.kind not in UNDOABLE:
        raise Invalid("Your last change here was a {kind} of {unit}: Undo does not reverse that; ask a lead to "
                      "correct it.", kind=last.kind, unit=last.unit.lpn)
    if now - last.at > UNDO_WINDOW:
        raise Invalid("Your last {kind} ({unit}) was more than {minutes} minutes ago: move it back by hand instead.",
                      kind=last.kind, unit=last.unit.lpn, minutes=UNDO_WINDOW.seconds // 60)
    _check_not_made_into(last)
    return last


def _check_not_made_into(last):
    """Consumption an output pallet was already made from stays in its genealogy: undoing it would
    leave that pallet listing material the ledger no longer says was used (a recall inflated)."""
    if last.kind != "consume" or last.work_order_id is None:
        return
    made = (OutputUnit.select(OutputUnit, Unit).join(Unit)
            .where(OutputUnit.work_order == last.work_order_id, OutputUnit.entry > last.id)
            .order_by(OutputUnit.entry).first())
    if made is not None:
        raise Invalid("Your use of {unit} is already in output pallet {output}: Undo cannot take it back. Ask a lead "
                      "to correct the consumption.", unit=last.unit.lpn, output=made.unit.lpn)


def describe_undo(entry):
    """What undoing the entry will do, in operator words (asked before it is done)."""
    lpn, uom = entry.unit.lpn, entry.unit.part.uom
    back = entry.from_location.code if entry.from_location_id else Words("where it was")
    if entry.kind == "consume":
        return Words("Your use of {unit}: the {qty} {uom} used come back to it.", unit=lpn, qty=abs(entry.delta),
                     uom=uom)
    if entry.kind == "scrap":
        return Words("Your waste of {unit}: the {qty} {uom} wasted come back to it.", unit=lpn, qty=abs(entry.delta),
                     uom=uom)
    to = entry.to_location.code if entry.to_location_id else Words("nowhere")
    return Words("Your {change} of {unit} to {location}: it goes back to {back}.", change=change(entry.kind),
                 unit=lpn, location=to, back=back)


@verb("undo")
def undo(book, entry_id=None):
    """Reverse the acting user's last change on this device (last_change), as a new ledger entry
    that points at the one it reverses: the ledger stays append-only. `entry_id`: the entry the
    operator was asked to confirm; anything else is refused. Refused too when anything happened
    to the unit since, so an undo never overwrites someone else's work."""
    last = last_change(book.ctx)
    if entry_id not in (None, "") and str(last.id) != str(entry_id):
        raise Conflict("Your last change is no longer the one you were asked about: tap Undo again to see it.")
    unit = locked(Unit.select().where(Unit.id == last.unit_id)).get()
    latest = Entry.select().where(Entry.unit == unit).order_by(Entry.id.desc()).first()
    if latest.id != last.id:
        who = latest.user.username if latest.user_id else Words("someone")
        raise Conflict("{unit} changed since your {kind} ({change} by {who}): it cannot be undone from here.",
                       unit=unit.lpn, kind=last.kind, change=latest.kind, who=who)
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
