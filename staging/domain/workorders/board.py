"""The floor board: every machine and output station at a glance."""
from collections import defaultdict
from dataclasses import dataclass, field

from peewee import JOIN

from ...store.models import Location, Part, Unit, WorkOrder
from ..words import Words
from .coverage import _units, coverage
from .material import OPEN_STATUSES


@dataclass
class StationView:
    station: Location
    units: int = 0
    orders: list = field(default_factory=list)
    wrong: list = field(default_factory=list)
    state: str = "ok"
    reasons: list = field(default_factory=list)


@dataclass
class Board:
    machines: list
    stations: list

    @property
    def counts(self):
        out = defaultdict(int)
        for v in self.machines + self.stations:
            out[v.state] += 1
        return out


def board(now=None, horizon_hours=4):
    """Every machine and output station at a glance (for the floor board)."""
    places = list(Location.select().where(Location.kind.in_(("machine", "output")), Location.active,
                                          Location.holds_units).order_by(Location.sort_key, Location.code))
    machines = [p for p in places if p.kind == "machine"]
    stations = {p.id: StationView(p) for p in places if p.kind == "output"}
    views = coverage(machines, now, horizon_hours, detail=False)
    if stations:
        _fill_stations(stations)
        for sv in stations.values():
            _judge_station(sv)
    return Board([views[m.id] for m in machines], list(stations.values()))


def _fill_stations(stations):
    """Each station's open orders and its units; a unit of a product no order here makes is wrong."""
    products = defaultdict(set)
    for wo in (WorkOrder.select(WorkOrder, Part).join(Part, JOIN.LEFT_OUTER)
               .where(WorkOrder.output_station.in_(list(stations)), WorkOrder.status != "closed")):
        if wo.status in OPEN_STATUSES:
            stations[wo.output_station_id].orders.append(wo)
        if wo.part_id:
            products[wo.output_station_id].add(wo.part_id)
    for unit in _units(Unit.location.in_(list(stations))):
        sv = stations[unit.location_id]
        sv.units += 1
        if unit.part_id not in products[sv.station.id]:
            sv.wrong.append(unit)


def _judge_station(sv):
    """Red (now): wrong product, or full. Amber (soon): three quarters full."""
    cap = sv.station.capacity
    if sv.wrong:
        sv.state = "now"
        sv.reasons.append(Words("{count} unit(s) no work order here makes", count=len(sv.wrong)))
    elif cap and sv.units >= cap:
        sv.state = "now"
        sv.reasons.append(Words("Full: {units} of {capacity}", units=sv.units, capacity=cap))
    elif cap and sv.units >= cap * 0.75:
        sv.state = "soon"
        sv.reasons.append(Words("Nearly full: {units} of {capacity}", units=sv.units, capacity=cap))
    elif not sv.orders and not sv.units:
        sv.state = "idle"
