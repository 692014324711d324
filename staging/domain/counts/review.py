"""Submitting a location and what follows: each pallet compared as of when it was scanned; a
pallet moved in or out after the location's count began is a move, not a difference. Within the
plant's tolerance a difference books itself (ledger kind `count`); beyond it the location goes to a
blind recount by someone else, then to a lead who counted neither; a pallet not found, a find and a
pallet the books have elsewhere always wait for that approval."""
from collections import defaultdict
from decimal import Decimal

from ...store.db import locked, write_transaction
from ...store.models import Count, CountEntry, CountLine, CountTask, Entry, Unit, utcnow
from .. import inventory
from ..errors import Forbidden, Invalid
from ..inventory import Ctx
from ..people.permissions import authorize
from . import classes
from .entries import GONE, counted_by, round_of, task_of

ZERO = Decimal(0)


def submit(user, count_id, location_code, now=None, device=""):
    """Done with a location: compare, book what is within tolerance, send the rest on. Returns the task."""
    authorize(user, "count")
    now = now or utcnow()
    with write_transaction():
        task = locked(CountTask.select().where(CountTask.id == task_of(count_id, location_code).id)).get()
        if task.state not in ("counting", "recount"):
            raise Invalid("{location} has nothing counted to submit in count {count}.",
                          location=task.location.code, count=task.count_id)
        if round_of(task) == 2 and user.id in counted_by(task, 1):
            raise Forbidden("{location} needs a recount by someone who did not count it: ask a colleague.",
                            location=task.location.code)
        ctx = Ctx(user, device=device, at=now)
        if round_of(task) == 1:
            _judge_first(ctx, task, now)
        else:
            _judge_recount(ctx, task)
        _settle(task, now)
    return task


def _entries(task, round_no):
    """(unit id -> counted, (part id, lot) -> counted for finds, unit id -> expected as scanned)."""
    pallets, finds, expected = defaultdict(Decimal), defaultdict(Decimal), {}
    for entry in CountEntry.select().where(CountEntry.task == task, CountEntry.round == round_no,
                                           CountEntry.replaced == False):  # noqa: E712
        if entry.unit_id is None:
            finds[(entry.part_id, entry.lot)] += entry.quantity
        else:
            pallets[entry.unit_id] += entry.quantity
            expected.setdefault(entry.unit_id, entry.expected)
    return pallets, finds, expected


def moved_since(task):
    """Ids of the pallets moved in or out of the task's location since its count began."""
    if task.started_at is None:
        return set()
    loc = task.location_id
    rows = (Entry.select(Entry.unit, Entry.from_location, Entry.to_location)
            .where(Entry.at >= task.started_at, (Entry.from_location == loc) | (Entry.to_location == loc)).tuples())
    return {unit for unit, before, after in rows if before != after}


def _judge_first(ctx, task, now):
    pallets, finds, expected = _entries(task, 1)
    moved = moved_since(task)
    here = {u.id: u for u in Unit.select().where(Unit.location == task.location, Unit.status.not_in(GONE))}
    known = {u.id: u for u in Unit.select().where(Unit.id.in_(list(pallets)))} if pallets else {}
    part_class = classes.of_parts(now)
    lines = []
    for unit_id, counted in pallets.items():
        unit = known[unit_id]
        lines.append(_line(task, unit, unit.part_id, unit.lot, expected[unit_id], counted, unit_id in moved,
                           part_class))
    for unit_id, unit in here.items():
        if unit_id not in pallets:  # not found: a difference, unless it moved meanwhile
            lines.append(_line(task, unit, unit.part_id, unit.lot, unit.quantity, None if unit_id in moved else ZERO,
                               unit_id in moved, part_class))
    for unit_id in moved - set(pallets) - set(here):  # moved out after the count began, not found: a move
        unit = Unit.get_by_id(unit_id)
        lines.append(_line(task, unit, unit.part_id, unit.lot, None, None, True, part_class))
    for (part_id, lot), counted in finds.items():
        lines.append(_line(task, None, part_id, lot, None, counted, False, part_class))
    for line in lines:
        line.save()
        if line.state == "booked":
            inventory.book_count(ctx, line.id)


def _line(task, unit, part_id, lot, expected, counted, moved, part_class):
    line = CountLine(count=task.count_id, task=task, unit=unit, part=part_id, lot=lot, expected=expected,
                     counted=counted, moved=moved, at=utcnow())
    if counted is None:  # moved during the count and not counted here: nothing to book
        line.state, line.variance = "ok", ZERO
        return line
    line.variance = counted - (expected or ZERO)
    tolerance = classes.tolerance(part_class.get(part_id, "C"))
    line.within = expected is not None and counted > ZERO and tolerance.allows(expected, counted)
    if not line.within:
        line.state = "recount"
    else:
        line.state = "ok" if line.variance == ZERO else "booked"  # booked: by book_count, right after
    return line


def _judge_recount(ctx, task):
    pallets, finds, _ = _entries(task, 2)
    lines = list(CountLine.select().where(CountLine.task == task, CountLine.state == "recount"))
    part_class = classes.of_parts()
    for line in lines:
        found = finds.get((line.part_id, line.lot), ZERO) if line.unit_id is None else pallets.get(line.unit_id, ZERO)
        line.recounted = found
        line.variance = found - (line.expected or ZERO)
        tolerance = classes.tolerance(part_class.get(line.part_id, "C"))
        if line.expected is not None and found > ZERO and tolerance.allows(line.expected, found):
            line.state = "ok" if line.variance == ZERO else "booked"
        else:
            line.state = "approval"
        line.save()
        if line.state == "booked":
            inventory.book_count(ctx, line.id)


def _settle(task, now):
    states = {s for (s,) in CountLine.select(CountLine.state).where(CountLine.task == task).tuples()}
    if "recount" in states:
        task.state, task.started_at = "recount", None  # the recount's own first scan starts it
    elif "approval" in states:
        task.state = "approval"
    else:
        task.state, task.done_at = "done", now
    task.claimed_by = task.claim_expires_at = None
    task.save()
    _close_when_done(task.count_id, now)


def _close_when_done(count_id, now):
    if not CountTask.select().where(CountTask.count == count_id, CountTask.state != "done").exists():
        Count.update(status="closed", closed_at=now).where(Count.id == count_id).execute()


def approve(user, count_id, now=None, device=""):
    """A lead who entered nothing in this count approves what waits: the differences are booked."""
    authorize(user, "approve_count")
    now = now or utcnow()
    with write_transaction():
        count = locked(Count.select().where(Count.id == count_id)).get_or_none()
        if count is None:
            raise Invalid("There is no count {count}.", count=count_id)
        if CountEntry.select().where(CountEntry.count == count, CountEntry.user == user).exists():
            raise Forbidden("You counted in count {count}: a lead who counted neither count approves it.",
                            count=count.id)
        lines = list(CountLine.select().where(CountLine.count == count, CountLine.state == "approval")
                     .order_by(CountLine.id))
        if not lines:
            raise Invalid("Nothing in count {count} waits for approval.", count=count.id)
        ctx = Ctx(user, device=device, at=now)
        for line in lines:
            inventory.book_count(ctx, line.id, approved_by=user)
        tasks = {line.task_id for line in lines}
        for task in CountTask.select().where(CountTask.id.in_(list(tasks))):
            _settle(task, now)
    return Count.get_by_id(count_id)
