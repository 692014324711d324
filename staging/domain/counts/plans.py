"""Planning counts: which locations a count covers (named ones, an area, wherever a part lies,
every place not counted for N days, or a rolling plan by class), made as one task per location,
due by a date. A location already in a count not yet done is not planned twice."""
import datetime

from peewee import fn

from ...store.db import write_transaction
from ...store.models import Count, CountTask, Location, Part, Unit, utcnow
from ..errors import Invalid, NotFound
from ..people.permissions import authorize
from . import classes

COUNTABLE = ("receiving", "storage", "staging", "output", "qc_hold")  # machines and scrap are not counted
GONE = ("empty", "shipped", "shipping")
KINDS = ("locations", "area", "part", "stale", "class")
MAX_LOCATIONS = 20000


def plan(user, kind, *, locations=(), area="", part="", days=None, due_on=None, blind=True, now=None):
    """A new count of the locations `kind` picks; returns it. Refuses when it picks none."""
    authorize(user, "plan_counts")
    now = now or utcnow()
    if kind not in KINDS:
        raise Invalid("Choose what to count: locations, an area, a part, places not counted for a while, or a "
                      "rolling plan by class.")
    due_on = due_on or (now.date() + datetime.timedelta(days=7))
    if due_on < now.date():
        raise Invalid("The due date {date} is in the past.", date=due_on.isoformat())
    picked, scope = _PICK[kind](locations=locations, area=area, part=part, days=days, now=now)
    with write_transaction():
        busy = set(CountTask.select(CountTask.location).where(CountTask.state != "done").tuples())
        ids = [i for i in picked if (i,) not in busy]
        if not ids:
            raise Invalid("Nothing to count: {scope} has no place to count that is not already in a count.",
                          scope=scope)
        if len(ids) > MAX_LOCATIONS:
            raise Invalid("A count covers at most {limit} locations; this one would cover {count}.",
                          limit=MAX_LOCATIONS, count=len(ids))
        count = Count.create(kind=kind, scope=scope[:200], blind=bool(blind), due_on=due_on, created_by=user,
                             created_at=now)
        rows = [{"count": count.id, "location": i, "state": "open", "due_on": due_on} for i in ids]
        for start in range(0, len(rows), 500):
            CountTask.insert_many(rows[start:start + 500]).execute()
    return count


def _named(locations, **_):
    codes = [c.strip() for c in (locations or ()) if str(c).strip()]
    if not codes:
        raise Invalid("Name at least one location to count.")
    found = {loc.code: loc for loc in Location.select().where(Location.code.in_(codes))}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise NotFound("There is no location {location}.", location=", ".join(unknown[:5]))
    wrong = [c for c in codes if not found[c].holds_units or found[c].kind not in COUNTABLE]
    if wrong:
        raise Invalid("{location} holds no stock to count (count bins, lanes, docks and stations).",
                      location=", ".join(wrong[:5]))
    return list(dict.fromkeys(found[c].id for c in codes)), ", ".join(codes[:10])


def _area(area, **_):
    top = Location.get_or_none(Location.code == (area or "").strip())
    if top is None:
        raise NotFound("There is no location {location}.", location=(area or "").strip()[:40] or "—")
    rows = list(Location.select(Location.id, Location.parent, Location.holds_units, Location.kind)
                .where(Location.active).tuples())
    below = {}
    for lid, parent, _, _ in rows:
        below.setdefault(parent, []).append(lid)
    wanted, stack = set(), [top.id]
    while stack:
        lid = stack.pop()
        wanted.add(lid)
        stack.extend(below.get(lid, ()))
    return [lid for lid, _, holds, kind in rows if lid in wanted and holds and kind in COUNTABLE], \
        f"{top.code} and below"


def _part(part, **_):
    number = (part or "").strip()
    parts = [p.id for p in Part.select(Part.id).where(Part.number == number)]
    if not parts:
        raise NotFound("There is no part {part}.", part=number[:40] or "—")
    ids = (Unit.select(Unit.location).distinct().join(Location, on=(Unit.location == Location.id))
           .where(Unit.part.in_(parts), Unit.status.not_in(GONE), Location.kind.in_(COUNTABLE)).tuples())
    return sorted(i for (i,) in ids), f"part {number}"


def _stale(days, now, **_):
    if days is None or not isinstance(days, int) or not 1 <= days <= 3650:
        raise Invalid("Write the number of days as a whole number from 1 to 3650.")
    since = now - datetime.timedelta(days=days)
    return [lid for lid, last in _last_counted() if last is None or last < since], \
        f"not counted for {days} days"


def _rolling(now, **_):
    part_class = classes.of_parts(now)
    best = {}
    for location, part in (Unit.select(Unit.location, Unit.part).distinct()
                           .where(Unit.status.not_in(GONE), Unit.location.is_null(False)).tuples()):
        klass = part_class.get(part, "C")
        best[location] = min(best.get(location, "C"), klass)
    picked = []
    for lid, last in _last_counted():
        if lid in best and (last is None or now - last >= datetime.timedelta(days=classes.EVERY[best[lid]])):
            picked.append(lid)
    return picked, "rolling plan by class"


def _last_counted():
    """(location id, when its last count was done, or None) for every countable place."""
    done = fn.MAX(CountTask.done_at)
    last = dict(CountTask.select(CountTask.location, done).group_by(CountTask.location).tuples())
    places = (Location.select(Location.id).where(Location.holds_units, Location.active,
                                                 Location.kind.in_(COUNTABLE)).order_by(Location.sort_key).tuples())
    return [(lid, last.get(lid)) for (lid,) in places]


_PICK = {"locations": _named, "area": _area, "part": _part, "stale": _stale, "class": _rolling}
