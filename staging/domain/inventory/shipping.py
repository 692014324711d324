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
    """A unit in the plant on QC hold that shares a lot with `unit` or with what it was made from
    (its genealogy, a few levels up): a recall held every such pallet still in the plant, and a
    pallet of it that comes back from a customer joins them. None when no such hold stands."""
    lots, outputs = {unit.lot} - {""}, {unit.id}
    for _ in range(MAX_LEVELS):
        rows = list(Genealogy.select(Genealogy.input, Genealogy.lot)
                    .where(Genealogy.output.in_(list(outputs))).tuples())
        lots |= {lot for _, lot in rows if lot}
        outputs = {input_id for input_id, _ in rows}
        if not outputs:
            break
    if not lots:
        return None
    return (Unit.select(Unit.lpn, Unit.lot).where(Unit.lot.in_(sorted(lots)), Unit.status == "hold", Unit.id != unit.id)
            .order_by(Unit.id).first())
