"""Where material is staged: a machine's line-side places, a work order's own lane, and the
line-side min/max (kanban) per part and place."""
from ...store.db import write_transaction
from ...store.models import LineSidePlace, LineSideStock, Location, WorkOrderLane
from ..errors import Invalid, NotFound
from ..quantities import parse_quantity


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
        raise NotFound(f"No location “{code}”.")
    if place.kind != "staging" or not place.holds_units:
        raise Invalid(f"{place.code} is not a staging lane or bin: line-side places are staging locations.")
    return place


def add_place(machine, code, kind="lane"):
    """Give a machine a line-side place (a staging location)."""
    if kind not in ("lane", "bin"):
        raise Invalid("A line-side place is a lane or a bin.")
    place = _staging_place(code)
    with write_transaction():
        count = LineSidePlace.select().where(LineSidePlace.machine == machine).count()
        (LineSidePlace.insert(machine=machine, place=place, kind=kind, sort_key=count)
         .on_conflict_ignore().execute())
    return place


def name_lane(wo, code):
    """A work order's own lane (None: its machine's first lane again)."""
    with write_transaction():
        WorkOrderLane.delete().where(WorkOrderLane.work_order == wo).execute()
        if code:
            WorkOrderLane.create(work_order=wo, place=_staging_place(code))


def set_kanban(place_code, part, minimum, maximum):
    """Keep `part` at a line-side place between minimum and maximum."""
    place = _staging_place(place_code)
    low = parse_quantity(minimum, allow_zero=True, what="Minimum")
    high = parse_quantity(maximum, what="Maximum")
    if low >= high:
        raise Invalid("The maximum must be above the minimum.")
    with write_transaction():
        (LineSideStock.insert(place=place, part=part, minimum=low, maximum=high)
         .on_conflict(conflict_target=[LineSideStock.place, LineSideStock.part],
                      update={LineSideStock.minimum: low, LineSideStock.maximum: high}).execute())
