"""A work order that stops taking material (done or closed): what is still staged or loaded for
it, and its tasks ended in the same transaction as the change of status (what `check` keeps of
it: staging/domain/promises/closed_orders.py and own_output.py)."""
from ...store.models import Location, OutputUnit, StagingTask, Unit, utcnow
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
