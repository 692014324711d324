"""A work order that is done or closed takes no more material: no consumption is booked for it
after it stopped taking material (its `closed_at`). Pallets may still stand staged or loaded for
it: closing says so and offers to unload them, and consuming them for it is refused."""
from ...store.models import Entry, Unit, WorkOrder
from ..workorders import OPEN_STATUSES

PROMISE = "no consumption on closed work orders: nothing consumed for an order after it was done or closed"


def broken():
    ended = WorkOrder.select(WorkOrder.id).where(WorkOrder.closed_at.is_null(False),
                                                 WorkOrder.status.not_in(OPEN_STATUSES))
    rows = (Entry.select(Entry.id, Unit.lpn, WorkOrder.number, WorkOrder.status, WorkOrder.closed_at)
            .join(WorkOrder, on=(Entry.work_order == WorkOrder.id))
            .switch(Entry).join(Unit, on=(Entry.unit == Unit.id))
            .where(Entry.kind == "consume", Entry.reverses.is_null(), Entry.delta < 0,
                   WorkOrder.id.in_(ended), Entry.recorded_at > WorkOrder.closed_at)
            .order_by(Entry.id).tuples())
    return [f"ledger entry {entry_id}: {lpn} consumed for work order {number}, {status} since "
            f"{closed_at:%Y-%m-%d %H:%M:%S} UTC" for entry_id, lpn, number, status, closed_at in rows]
