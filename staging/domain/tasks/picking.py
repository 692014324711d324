"""Which pallets to bring: first expiry first out (a pallet's GS1 expiry, else its part's shelf
life from receipt), else first in first out (by the day received, so pallets of one day are
equals), then the nearest to the line (in the same area as the line-side place first). Never a
pallet on hold, staged or loaded, meant for an order, or suggested by another live task."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from ...store.models import Location, Part, StagingTask, Unit, UnitExpiry
from .. import events
from ..quantities import ZERO

LIVE = ("open", "claimed")
SOURCE_KINDS = ("storage", "receiving")
LOOK_AT = 60  # candidates per part read from the database, earliest-expiring and oldest first


def close(task, state, note, now):
    """End a live task that nobody finished by hand: "done" (its pallet arrived another way) is
    announced as task.done, as one done on the handheld; "cancelled" is the planner's own matter."""
    closed = StagingTask.update(state=state, note=note[:200], updated_at=now).where(
        StagingTask.id == task.id, StagingTask.state.in_(LIVE)).execute()
    if closed and state == "done":
        events.emit_many(events.task_events("task.done", [task.id]))


def taken_units(part_id, but=None):
    """Pallets already named by a live task of this part (except task `but`)."""
    query = StagingTask.select(StagingTask.unit).where(
        StagingTask.part == part_id, StagingTask.state.in_(LIVE), StagingTask.unit.is_null(False))
    if but is not None:
        query = query.where(StagingTask.id != but)
    return {row[0] for row in query.tuples()}


def eligible(unit, part_id):
    """Whether a pallet may be brought for a task of this part (the same part and revision)."""
    return (unit.part_id == part_id and unit.status == "stock" and unit.work_order_id is None
            and unit.location_id is not None and unit.location.kind in SOURCE_KINDS
            and unit.location.active and unit.quantity > 0)


def still_on_its_way(unit, part_id):
    """Whether a task's own pallet may still be brought: what `eligible` says, or it was put down
    in another staging lane on the way (not for an order): the task keeps it, from there."""
    return eligible(unit, part_id) or (
        unit.part_id == part_id and unit.status == "staged" and unit.work_order_id is None
        and unit.location_id is not None and unit.location.kind == "staging" and unit.quantity > 0)


@dataclass(frozen=True)
class Candidate:
    """A pallet that may be brought, as plain values: hundreds are ranked per part and line, and
    building a model object for each cost more than the query."""
    id: int
    location_id: int
    parent_id: int | None
    quantity: Decimal
    created_at: datetime.datetime
    expires_on: datetime.date | None


@dataclass
class Pick:
    unit: Candidate
    quantity: Decimal
    whole: bool


def candidates(part_id, to, today, exclude=()):
    """The pallets of a part that may be brought to `to`, best first."""
    rows = (Unit.select(Unit.id, Unit.location, Location.parent, Unit.quantity, Unit.created_at, UnitExpiry.expires_on)
            .join(Location, on=(Unit.location == Location.id))
            .switch(Unit).join(UnitExpiry, JOIN.LEFT_OUTER, on=(UnitExpiry.unit == Unit.id))
            .where(Unit.part == part_id, Unit.status == "stock", Unit.work_order.is_null(),
                   Unit.quantity > 0, Location.kind.in_(SOURCE_KINDS), Location.active)
            .order_by(UnitExpiry.expires_on.is_null(), UnitExpiry.expires_on, Unit.created_at, Unit.id)
            .limit(LOOK_AT + len(exclude)).tuples())
    found = [Candidate(*_dated(row)) for row in rows if row[0] not in exclude]
    life = Part.select(Part.shelf_life_days).where(Part.id == part_id).scalar()  # days, or None
    near = _nearness(to, {c.parent_id for c in found})

    def expiry(c):
        if c.expires_on:
            return c.expires_on
        return (c.created_at + datetime.timedelta(days=life)).date() if life else None

    keyed = [((expiry(c) or datetime.date.max), c.created_at.date(), near(c.parent_id), c.created_at, c.id, c)
             for c in found]
    return [k[-1] for k in sorted(keyed, key=lambda k: k[:-1]) if k[0] >= today]  # never an expired one


def _dated(row):
    """SQLite gives dates and times back as text from a tuple query."""
    unit_id, location_id, parent_id, quantity, created_at, expires_on = row
    if isinstance(created_at, str):
        created_at = datetime.datetime.fromisoformat(created_at)
    if isinstance(expires_on, str):
        expires_on = datetime.date.fromisoformat(expires_on)
    return unit_id, location_id, parent_id, Decimal(quantity), created_at, expires_on


def _nearness(to, parent_ids):
    """0: in the same area as `to`; 1: in the same hall (the areas share a parent); 2: elsewhere."""
    parent_ids = {p for p in parent_ids if p} | ({to.parent_id} if to.parent_id else set())
    grand = dict(Location.select(Location.id, Location.parent).where(Location.id.in_(list(parent_ids)))
                 .tuples()) if parent_ids else {}

    def near(parent_id):
        if to.parent_id and parent_id == to.parent_id:
            return 0
        hall = grand.get(to.parent_id)
        if hall and grand.get(parent_id) == hall:
            return 1
        return 2
    return near


def choose(part_id, to, need, today, overstage, exclude=()):
    """Pallets that cover `need` at `to`: whole pallets, and part of one only when bringing it
    whole would stage more than `overstage` (a fraction) beyond what is needed."""
    picks, left = [], need
    for unit in candidates(part_id, to, today, exclude):
        if left <= ZERO:
            break
        if unit.quantity <= left or unit.quantity - left <= need * overstage:
            picks.append(Pick(unit, unit.quantity, True))
        else:
            picks.append(Pick(unit, left, False))
        left -= picks[-1].quantity
    return picks
