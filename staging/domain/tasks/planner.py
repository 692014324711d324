"""Shortages become tasks. For every open work order that runs or is due within the horizon, what is
still short on a line (required - consumed - loaded - staged for it, as workorders.coverage counts
it) minus what live tasks already bring becomes tasks, one per pallet; a task whose reason is gone
goes away by itself, and one whose pallet was staged at its place is done. The same for line-side
min/max. `sync` (a request's) follows the ledger: only the parts that moved since it last looked.
`refresh` (the background job's, refresher.py) also looks at all orders every little while: orders
change without a ledger entry, and a look at everything is too slow for a request (2.4 s at 500k units)."""
import datetime
from collections import defaultdict

from peewee import fn

from ...store.db import locked, write_transaction
from ...store.models import (
    Entry,
    LineSidePlace,
    LineSideStock,
    Location,
    StagingTask,
    TaskSync,
    Unit,
    WorkOrder,
    WorkOrderLine,
    WorkOrderMachine,
    utcnow,
)
from .. import events
from ..quantities import ZERO
from ..workorders import OPEN_STATUSES, coverage
from . import calls
from .picking import LIVE, choose, close, still_on_its_way, taken_units
from .places import LOOK_AGAIN, lanes_for, places_of
from .rules import DEFAULT, LEAD_CANCEL

PRIORITY = {"running": 0, "released": 1, "planned": 2}
MAX_ENTRIES = 5000  # entries looked at per sync: beyond, look at everything
UNUSABLE = ("hold", "empty", "shipping", "shipped")  # a task naming such a pallet is cancelled and planned anew


def sync(rules=DEFAULT, now=None):
    """Bring the tasks up to date with the ledger: the parts that moved since the last look, never
    all orders (that is `refresh`, off the request path); a backlog too long for a request waits for it."""
    _follow(rules, now or utcnow(), everything=False)


def refresh(rules=DEFAULT, now=None):
    """The background job's look: like `sync`, and all orders when the last full look is older than
    `rules.full_every_seconds` (or there was none). Several workers' jobs take turns on the sync row:
    the later ones find the full look done and do only what is new."""
    _follow(rules, now or utcnow(), everything=True)


def _follow(rules, now, everything):
    if not _due(rules, now, everything):
        return
    with write_transaction():
        TaskSync.insert(name="tasks", last_entry=0).on_conflict_ignore().execute()
        mark = locked(TaskSync.select().where(TaskSync.name == "tasks")).get()
        rows = list(Entry.select(Entry.id, Unit.part).join(Unit, on=(Entry.unit == Unit.id))
                    .where(Entry.id > mark.last_entry).order_by(Entry.id).limit(MAX_ENTRIES + 1).tuples())
        backlog = len(rows) > MAX_ENTRIES
        full = everything and (mark.full_at is None or backlog or now - mark.full_at > _every(rules))
        asked = _asked_again()
        if asked and not full:
            recompute(rules, machines=asked, now=now)  # a lead changed where material goes for these
        if backlog and not full:
            return  # too much for a request: the job's next full look covers it
        if full:  # claimed here (other workers' jobs see it taken), done below, a machine at a time
            last, mark.full_at = Entry.select(fn.MAX(Entry.id)).scalar() or 0, now
        elif rows:
            moved = {part for _, part in rows}
            recompute(rules, parts=moved, now=now)
            calls.follow(rules, moved, now)  # kanban calls of these parts: stock arrived, a pallet went
        if not full:
            last = rows[-1][0] if rows else mark.last_entry
        TaskSync.update(last_entry=last, full_at=mark.full_at).where(TaskSync.name == "tasks").execute()
    if full:
        _look_at_everything(rules, now)


def _look_at_everything(rules, now):
    """All orders, one machine per write transaction: on SQLite the write lock is the whole
    database's, and one transaction over every machine of a large plant held it for seconds
    (17 s at 500,000 units and 200 open orders), stalling every scan meanwhile."""
    for (machine_id,) in Location.select(Location.id).where(Location.kind == "machine", Location.active).tuples():
        recompute(rules, machines=[machine_id], now=now)
    calls.follow(rules, None, now)  # every open kanban call: the planner leaves their tasks alone


def _asked_again():
    """The machines a lead's change of line-side places asked to look at again (places.look_again)."""
    names = [n for (n,) in TaskSync.select(TaskSync.name).where(TaskSync.name.startswith(LOOK_AGAIN)).tuples()]
    if names:
        TaskSync.delete().where(TaskSync.name.in_(names)).execute()
    return [int(n[len(LOOK_AGAIN):]) for n in names]


def _every(rules):
    return datetime.timedelta(seconds=rules.full_every_seconds)


def _due(rules, now, everything):
    """Whether anything happened since the last look: two indexed reads, no lock. Pages poll, and
    most polls find nothing new: they must not queue for the write lock to learn it."""
    if not LineSidePlace.select().exists():
        return False  # no machine has a line-side place yet: no task can exist, nothing to write
    if TaskSync.select().where(TaskSync.name.startswith(LOOK_AGAIN)).exists():
        return True
    mark = TaskSync.get_or_none(TaskSync.name == "tasks")
    if everything and (mark is None or mark.full_at is None or now - mark.full_at > _every(rules)):
        return True
    return (Entry.select(fn.MAX(Entry.id)).scalar() or 0) > (mark.last_entry if mark else 0)


def machines_needing(parts):
    """The machines of open orders that need any of these parts, and of line-side min/max of them."""
    orders = (WorkOrderLine.select(WorkOrderLine.work_order).join(WorkOrder)
              .where(WorkOrderLine.part.in_(list(parts)), WorkOrder.status.in_(OPEN_STATUSES)))
    ids = {m for (m,) in WorkOrder.select(WorkOrder.machine).where(WorkOrder.id.in_(orders)).tuples() if m}
    ids |= {m for (m,) in WorkOrderMachine.select(WorkOrderMachine.machine)
            .where(WorkOrderMachine.work_order.in_(orders)).tuples()}
    ids |= {m for (m,) in LineSidePlace.select(LineSidePlace.machine)
            .join(LineSideStock, on=(LineSideStock.place == LineSidePlace.place))
            .where(LineSideStock.part.in_(list(parts))).tuples()}
    return ids


def recompute(rules=DEFAULT, machines=None, parts=None, now=None):
    """Tasks for these machines and parts (None: all), in the caller's write transaction or its own."""
    now = now or utcnow()
    with write_transaction():
        if machines is None:
            ids = machines_needing(parts) if parts else {
                m.id for m in Location.select(Location.id).where(Location.kind == "machine", Location.active)}
        else:
            ids = {m.id if isinstance(m, Location) else m for m in machines}
        places = places_of(ids)
        _orders(rules, ids, places, parts, now)
        _kanban(rules, places, parts, now)


def _scope(query, ids, parts):
    query = query.where(StagingTask.machine.in_(list(ids)), StagingTask.state.in_(LIVE))
    return query.where(StagingTask.part.in_(list(parts))) if parts else query


def _orders(rules, ids, places, parts, now):
    machines = list(Location.select().where(Location.id.in_(list(ids)))) if ids else []
    views = coverage(machines, now, rules.horizon_hours, detail=False)  # sums per part and place, as the board
    soon = now + datetime.timedelta(hours=rules.horizon_hours)
    short, orders = {}, {}
    for mv in views.values():
        for ov in mv.orders:
            wo = ov.wo
            if wo.status not in ("running", "released") and not (wo.due_at and wo.due_at <= soon):
                continue
            orders[wo.id] = wo
            for lv in ov.lines:
                if lv.short > 0 and (not parts or lv.part.id in parts):
                    short[wo.id, lv.part.id] = lv.short
    lanes = lanes_for(list(orders.values()), places)
    live = defaultdict(list)
    for task in _scope(StagingTask.select().where(StagingTask.kind == "order"), ids, parts):
        live[task.work_order_id, task.part_id].append(task)
    for key in set(live) | set(short):
        wo = orders.get(key[0])
        to = lanes.get(key[0])
        _settle(rules, live[key], short.get(key, ZERO) if to else ZERO, now, wo, to, key[1])


def _kanban(rules, places, parts, now):
    by_place = {p.place_id: p for rows in places.values() for p in rows}
    if not by_place:
        return
    query = LineSideStock.select().where(LineSideStock.place.in_(list(by_place)))
    if parts:
        query = query.where(LineSideStock.part.in_(list(parts)))
    for level in query:
        here = (Unit.select(Unit.quantity).where(Unit.location == level.place_id, Unit.part == level.part_id,
                                                 Unit.status != "empty").tuples())
        on_hand = sum((q for (q,) in here), ZERO)
        live = list(StagingTask.select().where(StagingTask.kind == "kanban", StagingTask.state.in_(LIVE),
                                               StagingTask.to_location == level.place_id,
                                               StagingTask.part == level.part_id))
        coming = sum((t.quantity for t in live if t.state == "claimed"), ZERO)
        need = level.maximum - on_hand if on_hand + coming < level.minimum else ZERO
        _settle(rules, live, need, now, None, by_place[level.place_id].place, level.part_id,
                machine_id=by_place[level.place_id].machine_id)


def _settle(rules, live, need, now, wo, to, part_id, machine_id=None):
    """Make the live tasks of one order line (or one kanban place and part) bring `need`: finish
    those whose pallet arrived, drop those no longer needed or whose pallet went elsewhere, add
    tasks for what is still missing."""
    kept = ZERO
    for task in sorted(live, key=lambda t: (t.state != "claimed", t.id)):
        unit = Unit.get_or_none(Unit.id == task.unit_id) if task.unit_id else None
        if unit is not None and unit.location_id == task.to_location_id and unit.work_order_id == task.work_order_id:
            close(task, "done", f"{unit.lpn} arrived at {task.to_location.code}.", now)
            continue
        if unit is not None and unit.status in UNUSABLE:  # claimed or not: it can no longer be brought
            why = "on QC hold" if unit.status == "hold" else "used up" if unit.status == "empty" else unit.status
            close(task, "cancelled", f"{unit.lpn} is {why}: another was chosen.", now)
            continue
        if unit is not None:
            _replan(task, unit, now)
        if task.state == "claimed" and (wo is not None or task.kind == "kanban") and (
                task.claim_expires_at and task.claim_expires_at > now):
            kept += task.quantity  # someone is on the way: leave it to them
        elif kept >= need:
            close(task, "cancelled", "No longer needed.", now)
        elif unit is None or not still_on_its_way(unit, part_id):
            close(task, "cancelled", "Its pallet is no longer available: another was chosen.", now)
        else:
            kept += task.quantity
            if unit.location_id != task.from_location_id:  # put down elsewhere on the way: from there now
                StagingTask.update(from_location=unit.location_id).where(StagingTask.id == task.id).execute()
    if kept < need and to is not None:
        _add(rules, need - kept, now, wo, to, part_id, machine_id or wo.machine_id)


def _replan(task, unit, now):
    """The task's pallet changed (split, adjusted, partly consumed): what the task says to take
    follows it. Part of a pallet that now holds no more than that part becomes all of it; a whole
    pallet is whatever it holds now. What it no longer brings is added as a task of its own."""
    if unit.quantity <= 0:
        return
    whole = task.whole or unit.quantity <= task.quantity
    quantity = unit.quantity if whole else task.quantity
    if (whole, quantity) != (task.whole, task.quantity):
        task.whole, task.quantity = whole, quantity
        StagingTask.update(whole=whole, quantity=quantity, updated_at=now).where(StagingTask.id == task.id).execute()


def _refused(wo, part_id):
    """Pallets a lead took off this order line (cancelled its task): not suggested for it again."""
    same_order = StagingTask.work_order.is_null() if wo is None else StagingTask.work_order == wo.id
    return {u for (u,) in StagingTask.select(StagingTask.unit).where(
        same_order, StagingTask.part == part_id,
        StagingTask.state == "cancelled", StagingTask.note.startswith(LEAD_CANCEL)).tuples()}


def _add(rules, need, now, wo, to, part_id, machine_id):
    exclude = taken_units(part_id) | _refused(wo, part_id)
    made = []
    for pick in choose(part_id, to, need, now.date(), rules.overstage, exclude=exclude):
        made.append(StagingTask.create(
            kind="order" if wo else "kanban", work_order=wo, machine=machine_id, part=part_id, unit=pick.unit.id,
            from_location=pick.unit.location_id, to_location=to, quantity=pick.quantity, whole=pick.whole,
            due_at=wo.due_at if wo else now, priority=PRIORITY.get(wo.status, 2) if wo else 0,
            created_at=now, updated_at=now))
    if made:
        events.emit_many(events.task_events("task.created", [task.id for task in made]))
