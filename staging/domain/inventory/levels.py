"""The inventory page at any size of plant: one level of the location tree at a time, each place
with the units held in it and below it, how many places below hold units, and how full they are.

A plant of 20,000 bins is shown as its few areas; a rack's bins are read when a person opens the
rack. The tree's shape (who is below whom, capacities, codes) is kept per process and read again
only when the locations' version row says they changed; each level then costs its locations and one
grouped count of units, never a read of every location."""
import bisect
from dataclasses import dataclass, field

from peewee import SQL, Case, fn

from ...store.models import Location, LocationsVersion, Unit
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


def level(parent=None, kind=None, shape=None):
    """The locations right under `parent` (the top of the plant when None; of `kind` there)."""
    query = Location.select().where(Location.parent.is_null() if parent is None else Location.parent == parent)
    if kind and parent is None:
        query = query.where(Location.kind == kind)
    return _level(query.order_by(Location.sort_key, Location.code), LEVEL_LIMIT, shape)


def matching(text, kind=None):
    """Locations whose code holds `text` (at least two characters), at any depth, with their counts."""
    text = codes.normalise(text or "")[:40]
    if len(text) < FILTER_MIN:
        return Level([], text=text)
    # The codes are searched in the cached shape (one pass over one string), not by a LIKE that
    # reads every location; the database then reads only the places found.
    shape = _shape()
    query = Location.select().where(Location.id.in_(shape.find(text, kind, FILTER_LIMIT + 1)))
    found = _level(query.order_by(Location.code), FILTER_LIMIT, shape)
    found.text = text
    return found


def _level(query, limit, shape=None):
    rows = list(query.limit(limit + 1))
    more, rows = len(rows) > limit, rows[:limit]
    if not rows:
        return Level([], more)
    shape = _below([row.id for row in rows], shape or _shape())
    places = []
    for row in rows:
        n, holding, cap, total, held = shape.get(row.id, (1, 0, 0, 0, 0))
        places.append(Place(row, units=int(total or 0), places=int(holding or 0), below=n - 1,
                            capacity=int(cap or 0), held=int(held or 0)))
    return Level(places, more)


def _below(tops, shape):
    """top -> (locations at or below it, places holding units, their capacity, units, units on
    places with a capacity). The tree's shape comes from the cache; units are counted now, per
    place, only in the subtrees asked for (or, for the whole plant, all at once)."""
    by_ranges = _count_by_id_ranges(tops, shape)
    if by_ranges is not None:
        return {top: (*shape.static[top], *by_ranges[top]) for top in tops if top in shape.static}
    sums = {top: [0, 0] for top in tops}
    # Each place counts once for the one of the tops above it at each of the tops' depths (a level's
    # tops share one depth; a filter's may not): one look-up per place and depth, not a walk.
    depths = {len(shape.chain[top]) - 1 for top in tops if top in shape.chain}
    for place, n, held in _units_per_place(tops, shape):
        above = shape.chain.get(place, ())
        for depth in depths:
            if len(above) > depth:
                counts = sums.get(above[len(above) - 1 - depth])
                if counts is not None:
                    counts[0] += n
                    counts[1] += held
    return {top: (*shape.static[top], *sums[top]) for top in tops if top in shape.static}


IN_LIST_LIMIT = 5000  # places whose units are counted by their ids; beyond, all units at once
RANGE_LIMIT = 60  # runs of consecutive location ids counted one by one; beyond, all units at once


def _count_by_id_ranges(tops, shape):
    """top -> [units, units on places with a capacity], for subtrees too large to list their
    places, when their locations' ids come in few runs (a generated or imported area is numbered in
    one go): the database counts each run on the index of units by place, reading no row.
    None when the subtrees are small (listed instead) or their ids too scattered."""
    tops = [top for top in tops if top in shape.static]
    if sum(shape.static[top][0] for top in tops) <= IN_LIST_LIMIT:
        return None
    runs = {top: shape.id_runs(top) for top in tops}
    if sum(len(every) + len(held) for every, held in runs.values()) > RANGE_LIMIT:
        return None
    database, counts, params = Location._meta.database, [], []
    for every, held in runs.values():
        for chosen in (every, held):
            where = " OR ".join([f"location_id BETWEEN {database.param} AND {database.param}"] * len(chosen))
            counts.append(f"(SELECT COUNT(*) FROM unit WHERE {where})" if chosen else "0")
            params += [bound for run in chosen for bound in run]
    row = database.execute_sql(f"SELECT {', '.join(counts)}", params).fetchone()
    return {top: [int(row[2 * i]), int(row[2 * i + 1])] for i, top in enumerate(tops)}


def _units_per_place(tops, shape):
    """Rows of (place, units, units on places with a capacity), each to be counted for the place
    and every place above it.

    A few subtrees: the units of their places, per place. A large part of the plant: the units of
    every place grouped by the place's parent (units on one of the tops by the top itself), so the
    database hands over one row per rack, not one per bin. A place that is not one of the tops
    need not be named: counting its units from its parent upwards reaches every top above it."""
    held = fn.SUM(Case(None, [((Location.holds_units == True) & Location.capacity.is_null(False), 1)], 0))  # noqa: E712
    count = fn.COUNT(Unit.id)
    if sum(shape.static[top][0] for top in tops if top in shape.static) <= IN_LIST_LIMIT:
        query = (Unit.select(Unit.location, count, held).join(Location)
                 .where(Unit.location.in_([i for top in tops for i in shape.subtree(top)]))
                 .group_by(Unit.location))
    else:
        on_top = Location.id.in_(list(tops))
        query = (Unit.select(Case(None, [(on_top, Location.id)], Location.parent), count, held)
                 .join(Location).where(Location.parent.is_null(False) | on_top)
                 .group_by(SQL("1")))
    # The driver's rows as they are: no model conversion.
    return Location._meta.database.execute(query).fetchall()


class _Shape:
    """Who is below whom: each location's chain of itself and its ancestors, and per location the
    locations, unit-holding places and capacity at or below it."""

    def __init__(self, rows):
        parent, self.capacity, holds, codes = {}, {}, {}, []
        for lid, parent_id, holds_units, capacity, code, kind in rows:
            parent[lid], holds[lid] = parent_id, bool(holds_units)
            self.capacity[lid] = capacity if holds_units else None
            codes.append((code.casefold(), lid, kind))
        self._codes(codes)
        self._runs = {}
        self.chain, self.children = {}, {}
        for lid in parent:
            chain, seen, at = [], set(), lid
            while at is not None and at not in seen and at in parent:  # a loop in bad data ends the walk
                seen.add(at)
                chain.append(at)
                at = parent[at]
            self.chain[lid] = chain
            if parent[lid] is not None:
                self.children.setdefault(parent[lid], []).append(lid)
        self.static = {lid: [0, 0, 0] for lid in parent}
        for lid, chain in self.chain.items():
            for above in chain:
                counts = self.static[above]
                counts[0] += 1
                counts[1] += holds[lid]
                counts[2] += self.capacity[lid] or 0

    def _codes(self, codes):
        codes.sort()
        self.codes, self.starts, at = codes, [], 0
        for code, _, _ in codes:
            self.starts.append(at)
            at += len(code) + 1
        self.haystack = "\n".join(code for code, _, _ in codes)

    def find(self, text, kind=None, limit=None):
        """Ids of the locations whose code holds `text` (any case; of `kind` if given), in code order."""
        needle, found = text.casefold(), []
        at = self.haystack.find(needle) if needle else -1
        while at >= 0 and (limit is None or len(found) < limit):
            i = bisect.bisect_right(self.starts, at) - 1
            code, lid, lkind = self.codes[i]
            if at + len(needle) > self.starts[i] + len(code):  # runs into the next code: no match
                at = self.haystack.find(needle, at + 1)
                continue
            if not kind or lkind == kind:
                found.append(lid)
            at = self.haystack.find(needle, self.starts[i + 1]) if i + 1 < len(self.codes) else -1
        return found

    def id_runs(self, top):
        """The ids at or below `top`, and those of them with a capacity, as runs (first, last) of
        consecutive ids (kept: the shape does not change)."""
        if top not in self._runs:
            ids = sorted(self.subtree(top))
            self._runs[top] = (_runs(ids), _runs([i for i in ids if self.capacity[i] is not None]))
        return self._runs[top]

    def subtree(self, top):
        stack, seen = [top], set()
        while stack:
            at = stack.pop()
            if at not in seen:
                seen.add(at)
                stack.extend(self.children.get(at, ()))
        return seen


def _runs(ids):
    runs = []
    for i in ids:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return runs


_SHAPES = {}


def _shape():
    """The tree's shape, read again only when the locations changed: the locations' version row
    (stamped by triggers in the transaction of every change) says so. Its stamp is read before the
    rows, so a change between the two reads only costs one more read. A process keeps one shape
    per database."""
    stamp = LocationsVersion.select(LocationsVersion.stamp).where(LocationsVersion.id == 1).scalar()
    key = id(Location._meta.database.obj) if hasattr(Location._meta.database, "obj") else id(Location._meta.database)
    cached = _SHAPES.get(key)
    if stamp is None or cached is None or cached[0] != stamp:
        rows = Location.select(Location.id, Location.parent, Location.holds_units, Location.capacity,
                               Location.code, Location.kind).tuples()
        cached = _SHAPES[key] = (stamp, _Shape(rows.iterator()))
    return cached[1]


OPEN_AT_MOST = 40  # a top-level area with this few locations below comes open (a small plant sees all)


def overview(kind=None):
    """The top of the plant for the inventory page: its areas, each small one opened a level."""
    shape = _shape()
    top = level(None, kind, shape)
    top.opened = {place.location.id: level(place.location, shape=shape) for place in top.places
                  if 0 < place.below <= OPEN_AT_MOST}
    return top
