"""What is where: the read side of inventory, for pages and the API.

Current state lives on the units, so none of this reads the ledger except a unit's own history
and a location's latest entries (both indexed ranges)."""
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN, Tuple, fn

from ...store.models import Entry, Location, Part, Unit, User, WorkOrder
from .. import codes


def ancestors(location):
    chain, seen = [], set()
    parent_id = location.parent_id
    while parent_id and parent_id not in seen:
        seen.add(parent_id)
        parent = Location.get_by_id(parent_id)
        chain.insert(0, parent)
        parent_id = parent.parent_id
    return chain


def units_at(location):
    """The units on a location, with their part and work order (one query)."""
    return list(Unit.select(Unit, Part, WorkOrder)
                .join(Part).switch(Unit).join(WorkOrder, JOIN.LEFT_OUTER)
                .where(Unit.location == location).order_by(Unit.updated_at.desc()))


def children_of(location):
    counts = dict(Unit.select(Unit.location, fn.COUNT(Unit.id))
                  .join(Location).where(Location.parent == location)
                  .group_by(Unit.location).tuples())
    return [(child, counts.get(child.id, 0))
            for child in Location.select().where(Location.parent == location).order_by(Location.sort_key)]


def recent_entries(location, limit=15):
    """The latest ledger entries into or out of a location, newest first."""
    ids = []
    for column in (Entry.to_location, Entry.from_location):  # two indexed ranges, no OR scan
        ids += [row[0] for row in Entry.select(Entry.id).where(column == location)
                .order_by(Entry.id.desc()).limit(limit).tuples()]
    ids = sorted(set(ids), reverse=True)[:limit]
    if not ids:
        return []
    From, To = Location.alias(), Location.alias()
    # The work order too: _entries.html names it for stage, load and consume rows (else one query each).
    return list(Entry.select(Entry, Unit, From, To, User, WorkOrder)
                .join(Unit, on=(Entry.unit == Unit.id))
                .switch(Entry).join(From, JOIN.LEFT_OUTER, on=(Entry.from_location == From.id), attr="from_location")
                .switch(Entry).join(To, JOIN.LEFT_OUTER, on=(Entry.to_location == To.id), attr="to_location")
                .switch(Entry).join(User, JOIN.LEFT_OUTER)
                .switch(Entry).join(WorkOrder, JOIN.LEFT_OUTER, on=(Entry.work_order == WorkOrder.id),
                                    attr="work_order")
                .where(Entry.id.in_(ids)).order_by(Entry.id.desc()))


def totals(units):
    """Quantity per part and unit of measure, for a list of units."""
    sums = defaultdict(lambda: 0)
    for unit in units:
        sums[(unit.part.number, unit.part.revision, unit.part.uom)] += unit.quantity
    return sorted(sums.items())


@dataclass
class Hits:
    query: str
    units: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    parts: list = field(default_factory=list)

    @property
    def count(self):
        return len(self.units) + len(self.locations) + len(self.parts)

    def only(self):
        """The one thing the query names exactly, if it does (then the page goes straight there)."""
        exact = codes.find(self.query)
        return exact if isinstance(exact, (Unit, Location)) else None


def search(query, limit=50):
    """Units by LPN, part number or lot; locations by code or name; parts by number."""
    query = codes.clean(query)[:60]
    hits = Hits(query)
    if len(query) < 2:
        return hits
    upper = query.upper()
    like = f"%{query}%"
    hits.units = list(
        Unit.select(Unit, Part, Location).join(Part).switch(Unit).join(Location, JOIN.LEFT_OUTER)
        .where(Unit.status != "empty",
               (Unit.lpn.startswith(upper)) | (Part.number.startswith(upper)) | (Unit.lot.startswith(query)))
        .order_by(Unit.lpn).limit(limit))
    hits.locations = list(Location.select()
                          .where((Location.code.startswith(upper)) | (Location.name ** like))
                          .order_by(Location.code).limit(limit))
    hits.parts = list(Part.select().where((Part.number.startswith(upper)) | (Part.description ** like))
                      .order_by(Part.number, Part.revision).limit(limit))
    return hits


def nearest_with_room(location):
    """For a full `location`: the nearest open place of the same kind that still has room. Nearest
    means under the same parent first (the same rack or area), then anywhere; the next one along in
    sort order first (lanes and bins fill in order), else the one before. None when all are full.
    At most four indexed queries, however large the plant."""
    held = fn.COUNT(Unit.id)
    with_room = (Location.select(Location)
                 .join(Unit, JOIN.LEFT_OUTER, on=(Unit.location == Location.id))
                 .where(Location.kind == location.kind, Location.active == True,  # noqa: E712
                        Location.holds_units == True, Location.id != location.id)  # noqa: E712
                 .group_by(Location.id)
                 .having(Location.capacity.is_null() | (held < Location.capacity)))
    here = Tuple(Location.sort_key, Location.code)
    mark = (location.sort_key, location.code)
    for scope in (Location.parent == location.parent_id, None):
        places = with_room.where(scope) if scope is not None else with_room
        found = (places.where(here > mark).order_by(Location.sort_key, Location.code).first()
                 or places.where(here < mark).order_by(Location.sort_key.desc(), Location.code.desc()).first())
        if found is not None:
            return found
    return None
