"""The inventory page at any size of plant: one level of the location tree at a time, each place
with the units held in it and below it, how many places below hold units, and how full they are.

A plant of 20,000 bins is shown as its few areas; a rack's bins are read when a person opens the
rack. Each level costs three queries (its locations, then one recursive walk down from them for
places and one for units), never a read of every location and every unit."""
from dataclasses import dataclass, field

from peewee import Case, fn

from ...store.models import Location, Unit
from .. import codes

LEVEL_LIMIT = 500  # places shown under one parent; beyond, the page asks to filter by code
FILTER_LIMIT = 100
FILTER_MIN = 2


@dataclass
class Place:
    location: Location
    units: int = 0  # units here and below
    places: int = 0  # places here and below that hold units
    below: int = 0  # locations below (0: nothing to open)
    capacity: int = 0  # capacity of the places with one, here and below
    held: int = 0  # units on the places that have a capacity

    @property
    def code(self):
        return self.location.code

    @property
    def fill(self):
        """Per cent of the capacity in use (None where no place below has a capacity)."""
        return round(100 * self.held / self.capacity) if self.capacity else None


@dataclass
class Level:
    places: list
    more: bool = False  # there were more than LEVEL_LIMIT (or FILTER_LIMIT) places
    opened: dict = field(default_factory=dict)  # location id -> its Level, shown open
    text: str = ""  # what the codes were filtered by, as codes are written

    @property
    def units(self):
        return sum(p.units for p in self.places)


def level(parent=None, kind=None):
    """The locations right under `parent` (the top of the plant when None; of `kind` there)."""
    query = Location.select().where(Location.parent.is_null() if parent is None else Location.parent == parent)
    if kind and parent is None:
        query = query.where(Location.kind == kind)
    return _level(query.order_by(Location.sort_key, Location.code), LEVEL_LIMIT)


def matching(text, kind=None):
    """Locations whose code holds `text` (at least two characters), at any depth, with their counts."""
    text = codes.normalise(text or "")[:40]
    if len(text) < FILTER_MIN:
        return Level([], text=text)
    query = Location.select().where(Location.code.contains(text))
    if kind:
        query = query.where(Location.kind == kind)
    found = _level(query.order_by(Location.code), FILTER_LIMIT)
    found.text = text
    return found


def _level(query, limit):
    rows = list(query.limit(limit + 1))
    more, rows = len(rows) > limit, rows[:limit]
    if not rows:
        return Level([], more)
    tops = [row.id for row in rows]
    walk = _walk(tops)
    holds = Case(None, [(Location.holds_units == True, 1)], 0)  # noqa: E712
    capacity = Case(None, [(Location.holds_units == True, Location.capacity)], None)  # noqa: E712
    shape = {top: (n, places, cap or 0) for top, n, places, cap in
             Location.select(walk.c.top, fn.COUNT(Location.id), fn.SUM(holds), fn.SUM(capacity))
             .join(walk, on=(Location.id == walk.c.id)).group_by(walk.c.top).with_cte(walk).tuples()}
    counted = Case(None, [(Location.capacity.is_null(False), 1)], 0)
    units = {top: (n, held or 0) for top, n, held in
             Unit.select(walk.c.top, fn.COUNT(Unit.id), fn.SUM(counted))
             .join(walk, on=(Unit.location == walk.c.id)).join(Location, on=(Location.id == Unit.location))
             .group_by(walk.c.top).with_cte(walk).tuples()}
    places = []
    for row in rows:
        n, holding, cap = shape.get(row.id, (1, 0, 0))
        total, held = units.get(row.id, (0, 0))
        places.append(Place(row, units=total, places=int(holding or 0), below=n - 1, capacity=int(cap), held=held))
    return Level(places, more)


def _walk(tops):
    """A recursive CTE: (top, id) for every location at or below each of `tops`."""
    start = (Location.select(Location.id.alias("top"), Location.id.alias("id"))
             .where(Location.id.in_(tops)).cte("walk", recursive=True, columns=("top", "id")))
    child = Location.alias()
    return start.union_all(child.select(start.c.top, child.id).join(start, on=(child.parent == start.c.id)))


OPEN_AT_MOST = 40  # a top-level area with this few locations below comes open (a small plant sees all)


def overview(kind=None):
    """The top of the plant for the inventory page: its areas, each small one opened a level."""
    top = level(None, kind)
    top.opened = {place.location.id: level(place.location) for place in top.places
                  if 0 < place.below <= OPEN_AT_MOST}
    return top
