"""A work order that stops taking material (done or closed): what is still staged or loaded for
it, its tasks ended in the same transaction as the change of status, and the promises `check`
keeps about it: no consumption after it closed, and no order's own output counted as its input."""
from ...store.models import Entry, Genealogy, Location, OutputUnit, StagingTask, Unit, WorkOrder, utcnow
from ..words import Words
from .material import OPEN_STATUSES

AT_THE_LINE = ("staged", "loaded")
TASK_LIVE = ("open", "claimed")


def leftovers(wo):
    """The pallets still staged or loaded for the order (its own output aside), where each is:
    closing says so, and offers to unload them."""
    made = OutputUnit.select(OutputUnit.unit).where(OutputUnit.work_order == wo)
    return list(Unit.select(Unit, Location).join(Location)
                .where(Unit.work_order == wo, Unit.status.in_(AT_THE_LINE), Unit.id.not_in(made))
                .order_by(Location.code, Unit.lpn))


def say_leftovers(wo, units):
    """The sentence closing an order says when pallets are still at its line (None when none are)."""
    if not units:
        return None
    listed = ", ".join(f"{u.lpn} ({u.status} at {u.location.code})" for u in units[:12])
    more = f" +{len(units) - 12}" if len(units) > 12 else ""
    return Words("{order} is {status}, but still has material at the line: {units}{more}. Unload it below, or it "
                 "stays there.", order=wo.number, status=wo.status, units=listed, more=more)


def on_status_change(wo, was):
    """Inside the transaction that saves `wo` with its new status (`was`: its status before).
    Leaving the open states stamps closed_at and ends its live staging tasks at once (a task for an
    order that takes no more material can only be refused); coming back clears the stamp."""
    now = utcnow()
    if wo.status not in OPEN_STATUSES and (was is None or was in OPEN_STATUSES):
        wo.closed_at = now
        if wo.id is None:
            return  # a new order created closed has no tasks
        StagingTask.update(state="cancelled", claim_expires_at=None, updated_at=now,
                           note=f"Work order {wo.number} is {wo.status}."[:200]).where(
            StagingTask.work_order == wo, StagingTask.state.in_(TASK_LIVE)).execute()
    elif wo.status in OPEN_STATUSES:
        wo.closed_at = None


def closed_order_problems():
    """No consumption recorded for a work order after it stopped taking material. One problem
    string per ledger row, naming it, its pallet and the order. For `check`."""
    ended = WorkOrder.select().where(WorkOrder.closed_at.is_null(False), WorkOrder.status.not_in(OPEN_STATUSES))
    rows = (Entry.select(Entry, WorkOrder, Unit).join(WorkOrder, on=(Entry.work_order == WorkOrder.id))
            .switch(Entry).join(Unit, on=(Entry.unit == Unit.id))
            .where(Entry.kind == "consume", Entry.reverses.is_null(), Entry.delta < 0,
                   WorkOrder.id.in_(ended.select(WorkOrder.id)),
                   Entry.recorded_at > WorkOrder.closed_at)
            .order_by(Entry.id))
    return [f"ledger entry {e.id}: {e.unit.lpn} consumed for work order {e.work_order.number}, "
            f"{e.work_order.status} since {e.work_order.closed_at:%Y-%m-%d %H:%M:%S} UTC" for e in rows]


def output_input_problems():
    """An order's own output is never its input: no output pallet made from a pallet its own order
    made, and no consumption of a pallet for the order that made it. For `check`."""
    problems = []
    Made = OutputUnit.alias()
    for g in (Genealogy.select(Genealogy, OutputUnit).join(OutputUnit, on=(Genealogy.output == OutputUnit.unit))
              .switch(Genealogy).join(Made, on=(Genealogy.input == Made.unit))
              .where(Made.work_order == OutputUnit.work_order)):
        problems.append(f"output {g.output.lpn}: its genealogy lists {g.input.lpn}, made by the same work order")
    for e in (Entry.select(Entry, OutputUnit).join(OutputUnit, on=(Entry.unit == OutputUnit.unit))
              .where(Entry.kind == "consume", Entry.reverses.is_null(), Entry.work_order == OutputUnit.work_order)):
        problems.append(f"ledger entry {e.id}: output {e.unit.lpn} consumed for the work order that made it")
    return problems
