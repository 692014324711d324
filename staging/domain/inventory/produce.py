"""Produce (issue 17): a finished-goods unit with its own LPN appears at the output station, made
for a work order, in one transaction with its ledger row (`produce`), its output row and its
genealogy.

The genealogy rule: an output unit is made from the material consumed for its work order (on the
machines it runs on) since that order's previous output unit was produced, up to and including
the consumption its own production backflushed. Each input unit is one row: how much of it, its
lot, and the supplier's lot and SSCC when the unit (or the unit it was split from) was received
from a supplier's label. Consumption reversed by a correction or an undo in that window counts
net; a unit whose net is zero is not an input."""
from collections import defaultdict
from decimal import Decimal

from ...store.db import locked
from ...store.models import Barcode, Entry, Genealogy, OutputUnit, Unit, WorkOrder, WorkOrderLine, utcnow
from .. import codes
from ..errors import Invalid
from ..quantities import ZERO, fmt_qty, parse_quantity
from ..workorders import machines_of
from . import verbs
from .lookups import _check_can_take, _location, _work_order, new_lpn
from .machinery import verb
from .shipping import return_shipped  # noqa: F401  (exported with produce by the package)

PRODUCING = ("released", "running")
CORRECTED = "Corrected: "  # the reason of the entry a correction writes with the new quantity (qc.correct)


@verb("produce")
def produce(book, work_order, quantity=None, *, station=None):
    """A new output unit of the work order's product at its output station (or `station`).
    Quantity: as given, else the product's standard pack. Returns the new unit."""
    wo = _producing(work_order)
    station = _station(wo, station)
    qty = _quantity(wo, quantity)
    if wo.part.backflush:
        _backflush(book, wo, qty)
    unit = Unit.create(lpn=new_lpn(), part=wo.part_id, lot=wo.number[:40], quantity=ZERO, status="output",
                       location=None, work_order=wo, created_at=book.ctx.at or utcnow())
    _check_can_take(station, unit, kinds=("output",))
    codes.register(unit, unit.lpn)
    previous = (OutputUnit.select(OutputUnit.entry).where(OutputUnit.work_order == wo)
                .order_by(OutputUnit.entry.desc()).limit(1).scalar()) or 0
    entry = book.record(unit, "produce", to=station, delta=qty, work_order=wo, status="output")
    OutputUnit.create(unit=unit, work_order=wo, machine=wo.machine_id, quantity=qty, entry=entry.id,
                      user=book.ctx.user, at=entry.at)
    _record_genealogy(unit, wo, previous, entry.id)
    return unit


def _producing(ref):
    wo = _work_order(ref)
    if wo is None:
        raise Invalid("Which work order? Scan or type its number.")
    # One output of an order at a time: each output's genealogy starts where the previous ended.
    wo = locked(WorkOrder.select().where(WorkOrder.id == wo.id)).get()
    if wo.status not in PRODUCING:
        raise Invalid("Work order {order} is {status}: nothing can be produced for it.", order=wo.number,
                      status=wo.status)
    if wo.part_id is None:
        raise Invalid("Work order {order} has no product: a lead sets it first.", order=wo.number)
    return wo


def _station(wo, station):
    if station not in (None, ""):
        return _location(station)
    if wo.output_station_id is None:
        raise Invalid("Work order {order} has no output station: scan the output station.", order=wo.number)
    return wo.output_station


def _quantity(wo, quantity):
    if quantity in (None, ""):
        if not wo.part.pack_qty:
            raise Invalid("Type the quantity: {part} has no standard pack.", part=wo.part.number)
        return wo.part.pack_qty
    return parse_quantity(quantity)


def _backflush(book, wo, qty):
    """Consume the bill of material for `qty` pieces from the units loaded on the order's
    machines, oldest first, through the consume verb (in this transaction, on this scan id)."""
    if not wo.quantity:
        raise Invalid("Work order {order} has no order quantity: backflush cannot tell how much material one piece "
                      "takes.", order=wo.number)
    machines = [m.id for m in machines_of(wo)]
    lines = WorkOrderLine.select().where(WorkOrderLine.work_order == wo).order_by(WorkOrderLine.id)
    for line in lines:
        need = (line.quantity * qty / wo.quantity).quantize(Decimal("0.001"))
        loaded = list(Unit.select().where(Unit.location.in_(machines), Unit.part == line.part_id,
                                          Unit.status == "loaded").order_by(Unit.id))
        have = sum((u.quantity for u in loaded), ZERO)
        if have < need:
            part = line.part
            raise Invalid("Backflush: {quantity} of {part} take {needed} {uom} {material}, but only {loaded} {uom} is "
                          "loaded. Load more first.", quantity=fmt_qty(qty), part=wo.part.number, needed=fmt_qty(need),
                          uom=part.uom, material=part.number, loaded=fmt_qty(have))
        for unit in loaded:
            if need <= 0:
                break
            take = min(unit.quantity, need)
            verbs.consume.__wrapped__(book, unit, take, wo)
            need -= take


def _record_genealogy(output, wo, after, upto):
    used = _consumed_since(wo, after, upto)
    if not used:
        return
    inputs = {u.id: u for u in Unit.select().where(Unit.id.in_(list(used)))}
    rows = []
    for unit_id, (qty, machine, user, at) in used.items():
        unit = inputs[unit_id]
        supplier_lot, sscc = _supplier(unit)
        rows.append({"output": output.id, "input": unit_id, "part": unit.part_id, "lot": unit.lot,
                     "quantity": qty, "supplier_lot": supplier_lot, "sscc": sscc, "machine": machine,
                     "user": user, "at": at})
    Genealogy.insert_many(rows).execute()


def _consumed_since(wo, after, upto):
    """Net consumption per input unit for the order between two ledger ids (indexed on work_order):
    {unit id: [quantity, machine id, user id, time of the last consumption]}."""
    used = defaultdict(lambda: [ZERO, None, None, None])
    consumed_ids, corrected_before = set(), set()
    rows = (Entry.select(Entry.id, Entry.unit, Entry.kind, Entry.delta, Entry.reverses, Entry.from_location,
                         Entry.user, Entry.at, Entry.reason)
            .where(Entry.work_order == wo, Entry.kind.in_(("consume", "undo")), Entry.id > after, Entry.id < upto)
            .order_by(Entry.id).tuples())
    for entry_id, unit_id, kind, delta, reverses, from_id, user_id, at, reason in rows:
        if reverses is not None and reverses not in consumed_ids:
            # An undo of something else (a move), or a correction of consumption an earlier output
            # was made from: that output's genealogy took the correction (correct_genealogy).
            if kind == "consume":
                corrected_before.add(unit_id)
            continue
        if unit_id in corrected_before:
            corrected_before.discard(unit_id)
            if kind == "consume" and reason.startswith(CORRECTED):
                continue  # the corrected quantity that goes with it (the same transaction, the unit locked)
        if kind == "consume":
            consumed_ids.add(entry_id)
        row = used[unit_id]
        row[0] -= delta
        if delta < 0:
            row[1:] = [from_id, user_id, at]
    return {unit_id: row for unit_id, row in used.items() if row[0] > 0}


def _supplier(unit):
    """(supplier lot, SSCC) of a unit received from a supplier's label, or of the unit it was split
    from; ("", "") for our own output and material received without one."""
    root = unit
    for _ in range(50):  # splits of splits; a bound against a cycle no verb can make
        if root.split_from_id is None:
            break
        root = Unit.get_by_id(root.split_from_id)
    if not Entry.select().where(Entry.unit == root, Entry.kind == "receive").exists():
        return "", ""
    sscc = (Barcode.select(Barcode.code).where(Barcode.entity == "unit", Barcode.entity_id == root.id,
                                               Barcode.source == "sscc").limit(1).scalar()) or ""
    return root.lot, sscc[2:] if sscc.startswith("00") and len(sscc) == 20 else sscc



def correct_genealogy(unit, original, new_quantity):
    """Inside the correct verb's transaction: consumption an output pallet was already made from
    is corrected in that pallet's genealogy too, so a recall lists what was really used."""
    made = (OutputUnit.select().where(OutputUnit.work_order == original.work_order_id,
                                      OutputUnit.entry > original.id).order_by(OutputUnit.entry).first())
    if made is None:
        return
    change = new_quantity - original.quantity
    row = Genealogy.get_or_none(Genealogy.output == made.unit_id, Genealogy.input == unit.id)
    if row is None:
        if change > 0:
            supplier_lot, sscc = _supplier(unit)
            Genealogy.create(output=made.unit_id, input=unit.id, part=unit.part_id, lot=unit.lot, quantity=change,
                             supplier_lot=supplier_lot, sscc=sscc, machine=original.from_location_id,
                             user=original.user_id, at=original.at)
    elif row.quantity + change > 0:
        Genealogy.update(quantity=row.quantity + change).where(Genealogy.id == row.id).execute()
    else:
        Genealogy.delete().where(Genealogy.id == row.id).execute()

