"""What cannot change on a part while the plant uses it: its unit of measure relabels every pallet,
order line and booking (11 kg would read 11 g), and switching it off strands what open orders need."""
from ...store.models import Unit, WorkOrder, WorkOrderLine
from ..errors import Invalid

OPEN = ("planned", "released", "running")
GONE = ("shipped", "empty")


def units(part):
    return (Unit.select().where(Unit.part == part, Unit.status.not_in(GONE), Unit.quantity > 0).count()
            if part is not None and part.id is not None else 0)


def open_orders(part):
    """Numbers of the open work orders with a line of the part, or making it."""
    if part is None or part.id is None:
        return []
    by_line = (WorkOrder.select(WorkOrder.number).join(WorkOrderLine)
               .where(WorkOrderLine.part == part, WorkOrder.status.in_(OPEN)))
    making = WorkOrder.select(WorkOrder.number).where(WorkOrder.part == part, WorkOrder.status.in_(OPEN))
    return sorted({number for (number,) in by_line.tuples()} | {number for (number,) in making.tuples()})


def check(existing, new):
    """Refuse a change of unit of measure while units or open order lines use the part, and switching it
    off while open orders need it; say what uses it."""
    if existing is None:
        return
    if new["uom"] != existing.uom:
        count, orders = units(existing), open_orders(existing)
        if count or orders:
            raise Invalid("{part} is counted in {uom}: {units} unit(s) in the plant and open work orders "
                          "{orders} use it, so its unit of measure cannot become {new_uom} (every quantity would "
                          "change its meaning). Create a new revision in {new_uom} instead.",
                          part=existing.label, uom=existing.uom, units=count, orders=_named(orders),
                          new_uom=new["uom"])
    if existing.active and not new["active"]:
        orders = open_orders(existing)
        if orders:
            raise Invalid("{part} cannot be switched off: open work orders {orders} need it, with {units} unit(s) "
                          "in the plant. Close or change those orders first.", part=existing.label,
                          orders=_named(orders), units=units(existing))


def _named(orders):
    return ", ".join(orders[:5]) + ("…" if len(orders) > 5 else "") if orders else "—"
