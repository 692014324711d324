"""Trace (issue 17): upstream, everything an output unit was made from; downstream, every output
unit a lot or a unit went into and where each is now; and the lead's answer to a bad lot, holding
everything affected still in the plant.

Both directions walk the genealogy level by level with indexed lookups (genealogy.output,
genealogy.input, unit.lot, unit.split_from, the ledger's (unit, id)), so a trace costs what the
trace holds, whatever the size of the ledger. A split part is the same material as its parent, so
it is followed both ways too."""
from dataclasses import dataclass, field

from peewee import JOIN

from ..store.models import Entry, Genealogy, Location, OutputUnit, Part, Unit, User, WorkOrder
from . import codes, inventory
from .errors import Invalid, NotFound
from .people.permissions import authorize
from .reports import csv_stream

MAX_LEVELS = 20  # a product made from a product made from ...: far more than any plant has
GONE = ("shipped", "empty")


@dataclass
class Place:
    """A unit as a trace shows it: where it is now, its status, and when it shipped."""
    unit: Unit
    shipped_at: object = None
    shipped_by: str = ""

    @property
    def in_plant(self):
        return self.unit.status not in GONE

    @property
    def location(self):
        return self.unit.location.code if self.unit.location_id else ""


@dataclass
class Downstream:
    lot: str
    lpn: str
    sources: list  # the lot's units (or the unit and its split parts): what was consumed, what is left
    outputs: list  # every output unit they went into, at any level

    @property
    def in_plant(self):
        return [p for p in self.sources + self.outputs if p.in_plant]

    @property
    def held(self):
        return [p for p in self.in_plant if p.unit.status == "hold"]

    @property
    def shipped(self):
        """The recall list."""
        return [p for p in self.outputs + self.sources if p.unit.status == "shipped"]

    @property
    def consumed(self):
        return [p for p in self.sources if p.unit.status == "empty"]


@dataclass
class Input:
    row: Genealogy  # quantity, lot, supplier lot, SSCC, machine, who and when consumed
    place: Place  # the input unit now
    into: str  # the LPN of the output it went into
    receipt: Entry | None = None  # how its material came into the plant (of the unit it was split from)


@dataclass
class Upstream:
    place: Place
    made: OutputUnit | None  # which work order made it, on which machine, who, when
    inputs: list = field(default_factory=list)

    @property
    def lots(self):
        return sorted({i.row.lot for i in self.inputs if i.row.lot})


def _units(ids):
    """Places for unit ids, with each one's shipping row (one query each)."""
    if not ids:
        return []
    units = (Unit.select(Unit, Part, Location, WorkOrder).join(Part).switch(Unit)
             .join(Location, JOIN.LEFT_OUTER).switch(Unit).join(WorkOrder, JOIN.LEFT_OUTER)
             .where(Unit.id.in_(list(ids))).order_by(Unit.id))
    units = list(units)
    units_status = {u.id: u.status for u in units}
    ships = {e.unit_id: e for e in Entry.select(Entry, User).join(User, JOIN.LEFT_OUTER)
             .where(Entry.unit.in_(list(ids)), Entry.kind == "ship").order_by(Entry.id)}
    # Only a unit out of the plant now has shipped: one returned from shipping is back (its last ship
    # row stays on the ledger, not on the trace).
    ships = {u: e for u, e in ships.items() if units_status.get(u) == "shipped"}
    return [Place(u, ships[u.id].at if u.id in ships else None,
                  str(ships[u.id].user) if u.id in ships and ships[u.id].user_id else "") for u in units]


def _with_splits(ids):
    """The units and every part split off them (and off those)."""
    found, frontier = set(ids), set(ids)
    while frontier:
        frontier = {u for (u,) in Unit.select(Unit.id).where(Unit.split_from.in_(list(frontier))).tuples()} - found
        found |= frontier
    return found


def _unit_id(lpn):
    unit_id = codes.unit_id(lpn)
    if unit_id is None:
        raise NotFound("No pallet or tote with the code “{code}”.", code=codes.shown(lpn))
    return unit_id


def downstream(lot=None, lpn=None):
    """Every output unit a lot (or a unit) went into, at every level, and where each is now."""
    lot = codes.clean(lot) if lot else ""
    if lpn:
        start = {_unit_id(lpn)}
    elif lot:
        start = {u for (u,) in Unit.select(Unit.id).where(Unit.lot == lot).tuples()}
        if not start:
            raise NotFound("No unit has the lot “{lot}”.", lot=codes.shown(lot))
    else:
        raise Invalid("Give a lot or a pallet to trace.")
    sources = _with_splits(start)
    seen, frontier = set(sources), set(sources)
    outputs = set()
    for _ in range(MAX_LEVELS):
        made = {o for (o,) in Genealogy.select(Genealogy.output).where(Genealogy.input.in_(list(frontier)))
                .distinct().tuples()}
        frontier = _with_splits(made) - seen
        if not frontier:
            break
        outputs |= frontier
        seen |= frontier
    return Downstream(lot, codes.clean(lpn) if lpn else "", _units(sources), _units(outputs))


def upstream(lpn):
    """Everything an output unit was made from, at every level: inputs with their lots, supplier
    lots and SSCCs, receipts, machines, operators and times."""
    unit_id = _unit_id(lpn)
    [place] = _units({unit_id})
    made = (OutputUnit.select(OutputUnit, WorkOrder, User).join(WorkOrder).switch(OutputUnit)
            .join(User, JOIN.LEFT_OUTER).where(OutputUnit.unit == _origin(place.unit)).first())
    trace = Upstream(place, made)
    seen, frontier = {unit_id}, {_origin(place.unit)}
    for _ in range(MAX_LEVELS):
        rows = list(Genealogy.select(Genealogy, Location, User, Unit)
                    .join(Location, JOIN.LEFT_OUTER, on=(Genealogy.machine == Location.id))
                    .switch(Genealogy).join(User, JOIN.LEFT_OUTER, on=(Genealogy.user == User.id))
                    .switch(Genealogy).join(Unit, on=(Genealogy.output == Unit.id), attr="output_unit")
                    .where(Genealogy.output.in_(list(frontier))).order_by(Genealogy.id))
        new = {r.input_id for r in rows} - seen
        places = {p.unit.id: p for p in _units(new)}
        for r in rows:
            if r.input_id in places:
                trace.inputs.append(Input(r, places[r.input_id], r.output_unit.lpn, _receipt(places[r.input_id].unit)))
        seen |= new
        frontier = {_origin(p.unit) for p in places.values()}
        if not frontier:
            break
    return trace


def _origin(unit):
    """The unit a split part was taken from, back to the first: that one was produced or received."""
    for _ in range(50):
        if unit.split_from_id is None:
            return unit
        unit = Unit.get_by_id(unit.split_from_id)
    return unit


def _receipt(unit):
    origin = _origin(unit)
    return (Entry.select(Entry, User, Location).join(User, JOIN.LEFT_OUTER).switch(Entry)
            .join(Location, JOIN.LEFT_OUTER, on=(Entry.to_location == Location.id), attr="to_location")
            .where(Entry.unit == origin, Entry.kind == "receive").first())


def hold_all(ctx, reason, lot=None, lpn=None):
    """Hold every unit of a downstream trace still in the plant, with one reason: each hold through
    the hold verb (its own ledger row). Returns (held, already on hold)."""
    authorize(ctx.user, "hold")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise Invalid("Give a reason for the hold.")
    if len(reason) > 200:
        raise Invalid("The reason is too long (200 characters at most).")
    trace = downstream(lot=lot, lpn=lpn)
    held, already = [], []
    for place in trace.in_plant:
        if place.unit.status == "hold":
            already.append(place.unit.lpn)
            continue
        # A retried request holds nothing twice: each hold's scan id derives from the request's.
        scan_id = f"{ctx.scan_id[:40]}:{place.unit.id}" if ctx.scan_id else None
        inventory.hold(inventory.Ctx(ctx.user, ctx.device, scan_id, ctx.at), place.unit.lpn, reason)
        held.append(place.unit.lpn)
    return held, already


def export_csv(lot=None, lpn=None):
    """A downstream trace as CSV text pieces, one line per unit (cells a spreadsheet would run as
    formulas neutralised, as in every export)."""
    found = downstream(lot=lot, lpn=lpn)
    header = ["role", "lpn", "part", "lot", "quantity", "status", "location", "work_order", "shipped_at",
              "shipped_by"]
    return csv_stream(header, _csv_rows(found))


def _csv_rows(trace):
    rows = []
    for role, places in (("source", trace.sources), ("output", trace.outputs)):
        for p in places:
            u = p.unit
            rows.append([role, u.lpn, u.part.label, u.lot, u.quantity, u.status, p.location,
                         u.work_order.number if u.work_order_id else "",
                         p.shipped_at.isoformat(timespec="seconds") if p.shipped_at else "", p.shipped_by])
    return rows
