"""Produce mode of the scan page (issue 17): scan the work order (or its output station), then type
each pallet's quantity, or take the product's standard pack. Each quantity makes one output pallet
through inventory.produce, with the scan's client id; the work order stays until DONE, so the next
pallet is one more quantity."""
from ...store.models import WorkOrder
from .. import inventory
from ..errors import Invalid
from ..words import Words, joined, part_label
from .state import Outcome

PRODUCING = ("released", "running")
STANDARD_PACK = ("PACK", "OK", "")


def step(ctx, state, meaning):
    """A scan in Produce mode: the work order, or the output station it delivers to."""
    if meaning.kind == "work_order":
        wo = meaning.obj
        station = wo.output_station.code if wo.output_station_id else ""
    elif meaning.kind == "location" and meaning.obj.kind == "output":
        station = meaning.obj.code
        wo = _order_at(meaning.obj)
    else:
        raise Invalid("In Produce, scan the work order or its output station.")
    if wo.status not in PRODUCING:
        raise Invalid("Work order {order} is {status}: nothing can be produced for it.", order=wo.number,
                      status=wo.status)
    if wo.part_id is None:
        raise Invalid("Work order {order} has no product: a lead sets it first.", order=wo.number)
    if not station:
        raise Invalid("Work order {order} has no output station: scan the output station instead.", order=wo.number)
    state = state.clear()
    state.work_order, state.target = wo.number, station
    return state, _ask(wo, Words("{work_order}: how much?", work_order=wo.number))


def _order_at(station):
    orders = list(WorkOrder.select().where(WorkOrder.output_station == station,
                                           WorkOrder.status.in_(PRODUCING)).order_by(WorkOrder.id).limit(2))
    if not orders:
        raise Invalid("No running work order delivers to {station}: scan the work order.", station=station.code)
    if len(orders) > 1:
        raise Invalid("Several work orders deliver to {station}: scan the work order.", station=station.code)
    return orders[0]


def _ask(wo, title, done=""):
    pack = wo.part.pack_qty
    offer = Words("type its quantity, or Standard pack ({qty} {uom})", qty=pack, uom=wo.part.uom) if pack else \
        Words("type its quantity")
    if done:
        return Outcome("wait", title, joined(done, Words("Next pallet: {offer}; or DONE.", offer=offer)), ask="qty")
    return Outcome("wait", title, Words("{part} at {station}. Each pallet: {offer}.", part=part_label(wo.part),
                                        offer=offer, station=wo.output_station.code if wo.output_station_id else "?"),
                   ask="qty")


def quantity(ctx, state, text):
    """A typed quantity (or Standard pack): one new output pallet at the station."""
    text = str(text).strip()
    if text.upper() == "ALL":
        raise Invalid("Type the quantity on this pallet, or Standard pack.")
    qty = None if text.upper() in STANDARD_PACK else text
    result = inventory.produce(ctx, state.work_order, qty, station=state.target or None)
    unit = result.unit
    outcome = _ask(unit.work_order, Words("Produced {unit}", unit=unit.lpn),
                   Words("{qty} {uom} {part} at {location}: print its label.", qty=unit.quantity, uom=unit.part.uom,
                         part=part_label(unit.part), location=unit.location.code))
    outcome.tone, outcome.lpn, outcome.replayed = "ok", unit.lpn, result.replayed
    return state, outcome
