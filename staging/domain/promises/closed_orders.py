"""A closed work order takes no more material. Consuming needs a unit loaded for the order, so
the promise the data can show is that nothing stands staged or loaded for a closed order: such a
unit could still be consumed for it, and the machine page would count it."""
from peewee import JOIN

from ...store.models import Location, Unit, WorkOrder

PROMISE = "no consumption on closed work orders: nothing stands staged or loaded for one"


def broken():
    closed = WorkOrder.select(WorkOrder.id).where(WorkOrder.status == "closed")
    rows = (Unit.select(WorkOrder.number, Unit.lpn, Unit.status, Location.code)
            .join(WorkOrder, on=(Unit.work_order == WorkOrder.id))
            .switch(Unit).join(Location, JOIN.LEFT_OUTER, on=(Unit.location == Location.id))
            .where(Unit.work_order.in_(closed), Unit.status.in_(("staged", "loaded")))
            .order_by(WorkOrder.number, Unit.lpn).tuples())
    return [f"work order {number} is closed, but unit {lpn} is {status} for it at {place or 'nowhere'}"
            for number, lpn, status, place in rows]
