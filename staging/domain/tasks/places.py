"""Where material is staged: a machine's line-side places, a work order's own lane, and the
line-side min/max (kanban) per part and place."""
from dataclasses import dataclass, field

from ...store.db import write_transaction
from ...store.models import LineSidePlace, LineSideStock, Location, Part, TaskSync, WorkOrder, WorkOrderLane
from .. import finders
from ..errors import Invalid, NotFound
from ..people.permissions import authorize
from ..quantities import parse_quantity
from ..words import Words


def places_of(machine_ids):
    """machine id -> its line-side places (LineSidePlace with .place), lanes first, in order."""
    out = {}
    rows = (LineSidePlace.select(LineSidePlace, Location)
            .join(Location, on=(LineSidePlace.place == Location.id))
            .where(LineSidePlace.machine.in_(list(machine_ids)), Location.active)
            .order_by(LineSidePlace.kind.desc(), LineSidePlace.sort_key, Location.code))
    for row in rows:
        out.setdefault(row.machine_id, []).append(row)
    return out


def lanes_for(orders, machine_places):
    """work order id -> the place its material goes to: its own lane, else its machine's first lane."""
    own = {}
    if orders:
        own = {r.work_order_id: r.place for r in WorkOrderLane.select(WorkOrderLane, Location)
               .join(Location).where(WorkOrderLane.work_order.in_([o.id for o in orders]))}
    out = {}
    for wo in orders:
        lanes = [p.place for p in machine_places.get(wo.machine_id, []) if p.kind == "lane"]
        out[wo.id] = own.get(wo.id) or (lanes[0] if lanes else None)
    return out


def _staging_place(code):
    place = Location.get_or_none(Location.code == str(code or "").strip().upper())
    if place is None:
        raise NotFound("No location “{code}”.", code=code)
    if place.kind != "staging" or not place.holds_units:
        raise Invalid("{location} is not a staging lane or bin: line-side places are staging locations.",
                      location=place.code)
    return place


def add_place(user, machine_code, code, kind="lane"):
    """Give a machine a line-side place (a staging location)."""
    authorize(user, "manage_tasks")
    machine = finders.machine(machine_code)
    if kind not in ("lane", "bin"):
        raise Invalid("A line-side place is a lane or a bin.")
    place = _staging_place(code)
    with write_transaction():
        count = LineSidePlace.select().where(LineSidePlace.machine == machine).count()
        (LineSidePlace.insert(machine=machine, place=place, kind=kind, sort_key=count)
         .on_conflict_ignore().execute())
        look_again([machine.id])
    return place


def name_lane(user, number, code):
    """A work order's own lane ("" : its machine's first lane again)."""
    authorize(user, "manage_tasks")
    wo = finders.work_order(number)
    with write_transaction():
        WorkOrderLane.delete().where(WorkOrderLane.work_order == wo).execute()
        if code:
            WorkOrderLane.create(work_order=wo, place=_staging_place(code))
        look_again([wo.machine_id] if wo.machine_id else None)


def set_kanban(user, place_code, part, minimum, maximum):
    """Keep `part` (a Part, or "NUMBER" / "NUMBER REV") at a line-side place between minimum and maximum."""
    authorize(user, "manage_tasks")
    place = _staging_place(place_code)
    part = part if isinstance(part, Part) else _part(part)
    low = parse_quantity(minimum, allow_zero=True, what=Words("Minimum"))
    high = parse_quantity(maximum, what=Words("Maximum"))
    if low >= high:
        raise Invalid("The maximum must be above the minimum.")
    with write_transaction():
        (LineSideStock.insert(place=place, part=part, minimum=low, maximum=high)
         .on_conflict(conflict_target=[LineSideStock.place, LineSideStock.part],
                      update={LineSideStock.minimum: low, LineSideStock.maximum: high}).execute())
        look_again([m for (m,) in LineSidePlace.select(LineSidePlace.machine)
                     .where(LineSidePlace.place == place).tuples()])


LOOK_AGAIN = "m:"  # a sync row named m:<machine id>: look at that machine's orders on the next sync


def look_again(machine_ids):
    """Where material goes (or what their orders need) changed for these machines: the next sync (the
    very next request) looks at their orders again, not only the parts that moved; None: all of
    them, at the background job's next look. (The planner imports this module, so it cannot be called from here.)"""
    if machine_ids is None:
        TaskSync.update(full_at=None).where(TaskSync.name == "tasks").execute()
        return
    for machine_id in set(machine_ids):
        TaskSync.insert(name=f"{LOOK_AGAIN}{machine_id}", last_entry=0).on_conflict_ignore().execute()


def _part(text):
    number, _, revision = str(text or "").strip().upper().partition(" ")
    if not number:
        raise Invalid("Name the part: its number, and its revision after a space.")
    return finders.part(number, revision.strip())


@dataclass
class MachinePlaces:
    machine: Location
    places: list = field(default_factory=list)  # LineSidePlace with .place
    levels: list = field(default_factory=list)  # LineSideStock with .part, at these places


@dataclass
class Setup:
    machines: list
    lanes: list  # WorkOrderLane with .work_order and .place, of open orders


def setup():
    """Every machine with its line-side places and their min/max; the work orders' own lanes."""
    machines = list(Location.select().where(Location.kind == "machine", Location.holds_units)
                    .order_by(Location.sort_key, Location.code))
    places = places_of([m.id for m in machines])
    by_place = {}
    for level in LineSideStock.select(LineSideStock, Part).join(Part):
        by_place.setdefault(level.place_id, []).append(level)
    views = [MachinePlaces(m, places.get(m.id, [])) for m in machines]
    for view in views:
        view.levels = [lv for p in view.places for lv in by_place.get(p.place_id, [])]
    lanes = list(WorkOrderLane.select(WorkOrderLane, WorkOrder, Location).join(WorkOrder)
                 .switch(WorkOrderLane).join(Location).order_by(WorkOrder.number))
    return Setup(views, lanes)
