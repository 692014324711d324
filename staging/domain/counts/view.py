"""What a count shows: its lines (submitted locations as compared, the others as counted so far)
and, for a lead, the review of what waits for approval. Blind: below a lead, while the count is
blind, the expected quantity is left out (None), not hidden in the page."""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN, fn

from ...store.models import Count, CountEntry, CountLine, CountTask, Location, Part, Unit
from ..errors import NotFound
from ..people.permissions import can
from .entries import GONE

CENTS = Decimal("0.01")


@dataclass
class Line:
    location: str
    unit: str | None
    part: str
    revision: str
    lot: str
    uom: str
    expected: Decimal | None
    counted: Decimal | None
    recounted: Decimal | None
    variance: Decimal | None
    state: str
    moved: bool = False
    value: Decimal | None = None  # the difference in money, where the part has a value per unit


def get(count_id):
    count = Count.get_or_none(Count.id == count_id)
    if count is None:
        raise NotFound("There is no count {count}.", count=count_id)
    return count


def sees_expected(user, count):
    return not count.blind or can(user, "plan_counts")


def lines(user, count_id, states=None, limit=None, offset=0):
    """Every line of the count, location by location. `states`: only lines in those states."""
    count = get(count_id)
    shown = sees_expected(user, count)
    found = _stored(count, states, limit, offset) + ([] if states else _open(count))
    if not shown:
        for line in found:
            line.expected = line.variance = line.value = None
    return count, found


def _stored(count, states, limit, offset=0):
    query = (CountLine.select(CountLine, Location.code, Unit.lpn, Part.number, Part.revision, Part.uom,
                              Part.unit_value)
             .join(CountTask).join(Location).switch(CountLine).join(Unit, on=(CountLine.unit == Unit.id),
                                                                    join_type=JOIN.LEFT_OUTER)
             .switch(CountLine).join(Part, on=(CountLine.part == Part.id))
             .where(CountLine.count == count).order_by(Location.sort_key, Location.code, CountLine.id))
    if states:
        query = query.where(CountLine.state.in_(states))
    if limit:
        query = query.limit(limit).offset(offset)
    rows = []
    for line in query.objects():
        value = None if line.variance is None or line.unit_value is None else \
            (line.variance * line.unit_value).quantize(CENTS)
        rows.append(Line(line.code, line.lpn, line.number, line.revision, line.lot, line.uom, line.expected,
                         line.counted, line.recounted, line.variance, line.state, line.moved, value))
    return rows


def _open(count):
    """Locations not yet submitted: what the books hold there and what was entered so far."""
    tasks = dict(CountTask.select(CountTask.id, Location.code).join(Location)
                 .where(CountTask.count == count, CountTask.state.in_(("open", "counting"))).tuples())
    if not tasks:
        return []
    counted = defaultdict(Decimal)
    finds = []
    rows, seen = [], set()
    entries = (CountEntry.select(CountEntry.task, CountEntry.unit, CountEntry.quantity, CountEntry.part,
                                 CountEntry.lot)
               .where(CountEntry.task.in_(list(tasks)), CountEntry.round == 1, CountEntry.replaced == False)  # noqa
               .tuples())
    for task_id, unit_id, qty, part_id, lot in entries:
        if unit_id is None:
            finds.append((task_id, part_id, lot, qty))
        else:
            counted[(task_id, unit_id)] += qty
    location_task = {code: tid for tid, code in tasks.items()}
    books = (Unit.select(Unit.id, Unit.lpn, Unit.quantity, Unit.lot, Location.code, Part.number, Part.revision,
                         Part.uom).join(Location).switch(Unit).join(Part)
             .where(Location.code.in_(list(location_task)), Unit.status.not_in(GONE)).tuples())
    for unit_id, lpn, qty, lot, code, number, revision, uom in books:
        task_id = location_task[code]
        seen.add((task_id, unit_id))
        rows.append(Line(code, lpn, number, revision, lot, uom, qty, counted.get((task_id, unit_id)), None, None,
                         "open"))
    rows.extend(_entered_elsewhere(tasks, counted, seen))
    parts = {p.id: p for p in Part.select().where(Part.id.in_([f[1] for f in finds]))} if finds else {}
    for task_id, part_id, lot, qty in finds:
        part = parts[part_id]
        rows.append(Line(tasks[task_id], None, part.number, part.revision, lot, part.uom, None, qty, None, None,
                         "open"))
    return sorted(rows, key=lambda line: line.location)


def _entered_elsewhere(tasks, counted, seen):
    """Pallets counted at a location whose books have them elsewhere."""
    extra = [(t, u) for (t, u) in counted if (t, u) not in seen]
    if not extra:
        return []
    units = {u.id: u for u in Unit.select().where(Unit.id.in_([u for _, u in extra]))}
    return [Line(tasks[t], units[u].lpn, units[u].part.number, units[u].part.revision, units[u].lot,
                 units[u].part.uom, None, counted[(t, u)], None, None, "open") for t, u in extra]


def summary(count):
    """Tasks of a count by state: {state: n}."""
    found = dict(CountTask.select(CountTask.state, fn.COUNT(CountTask.id)).where(CountTask.count == count)
                 .group_by(CountTask.state).tuples())
    return found


def waiting(count):
    """How many lines of the count wait for a lead's approval."""
    return CountLine.select().where(CountLine.count == count, CountLine.state == "approval").count()


def recent(limit=30):
    return list(Count.select().order_by(Count.id.desc()).limit(limit))


def counters(count):
    """Who entered something in the count (they may not approve it)."""
    return {u for (u,) in CountEntry.select(CountEntry.user).distinct().where(CountEntry.count == count).tuples()}
