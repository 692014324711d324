"""Shipping (issue 17): a unit moved to a shipping location leaves the plant. The move verb hands
such a move here; a shipped unit is refused by every verb (lookups._unit) until a lead returns it."""
from ...store.db import Prepared, is_postgres
from ...store.models import Genealogy, Location, Part, Unit
from .. import codes
from ..errors import Invalid, NotFound
from .lookups import _check_can_take, _location
from .machinery import _reason, verb

MAX_LEVELS = 20  # a product made from a product made from ...: as far as a trace looks

_SHIPPED = Prepared(lambda unit_id: Unit.select(Unit, Part, Location).join(Part).switch(Unit)
                    .join(Location).where(Unit.id == unit_id))


def ship(book, unit, to):
    """Inside the move verb's transaction: the unit leaves on a `ship` row, status shipped (the
    row says who and when)."""
    if unit.status == "hold":
        raise Invalid("{unit} is on QC hold: it cannot be shipped until QC releases it.", unit=unit.lpn)
    _check_can_take(to, unit, kinds=("shipping",))
    book.record(unit, "ship", to=to, quantity=unit.quantity, status="shipped")
    return unit


@verb("return_shipped")
def return_shipped(book, unit_ref, to_ref, reason):
    """A lead's correction: a shipped unit comes back into the plant (a move row with the reason)."""
    reason = _reason(reason)
    unit_id = unit_ref.id if isinstance(unit_ref, Unit) else codes.unit_id(unit_ref)
    if unit_id and is_postgres():
        list(Unit.select(Unit.id).where(Unit.id == unit_id).for_update())
    unit = next(iter(_SHIPPED(unit_id)), None) if unit_id else None
    if unit is None:
        raise NotFound("No pallet or tote with the code “{code}”.", code=codes.shown(unit_ref))
    if unit.status != "shipped":
        raise Invalid("{unit} has not been shipped: move it as usual.", unit=unit.lpn)
    if to_ref in (None, ""):
        raise Invalid("Where does {unit} come back to? Give the location.", unit=unit.lpn)
    to = _location(to_ref)
    _check_can_take(to, unit, kinds=("storage", "staging", "receiving", "output", "qc_hold"))
    held = _lot_on_hold(unit)
    if held is not None and to.kind == "staging":
        raise Invalid("{unit} comes back on QC hold (lot {lot} is on hold): held material does not go to a staging "
                      "lane. Return it to the QC cage or storage.", unit=unit.lpn, lot=held.lot)
    status = "hold" if held is not None else None
    book.record(unit, "move", to=to, quantity=unit.quantity, reason=f"Returned from shipping: {reason}"[:200],
                status=status)
    if held is not None:
        book.tell(f"{unit.lpn} comes back on QC hold: lot {held.lot} is on hold ({held.lpn}).", warn=True)
    return unit


def _lot_on_hold(unit):
    """A lot under hold that `unit` is of, or was made from (its genealogy, a few levels up): one
    whose pallets still in the plant are all on QC hold, as a recall (trace.hold_all) leaves them. A
    pallet of it that comes back from a customer joins them. One pallet held for its own reason
    (torn wrap) among free ones of its lot is no such hold. Returns a held pallet of that lot, or None."""
    lots, outputs = {unit.lot} - {""}, {unit.id}
    for _ in range(MAX_LEVELS):
        rows = list(Genealogy.select(Genealogy.input, Genealogy.lot)
                    .where(Genealogy.output.in_(list(outputs))).tuples())
        lots |= {lot for _, lot in rows if lot}
        outputs = {input_id for input_id, _ in rows}
        if not outputs:
            break
    for lot in sorted(lots):
        in_plant = Unit.select(Unit.lpn, Unit.lot).where(Unit.lot == lot, Unit.status.not_in(("empty", "shipped")),
                                                        Unit.id != unit.id)
        held = in_plant.where(Unit.status == "hold").order_by(Unit.id).first()
        if held is not None and not in_plant.where(Unit.status != "hold").exists():
            return held
    return None
