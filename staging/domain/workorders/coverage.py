"""What is staged, loaded, consumed and short per machine and work order, and the machine's state.

"What is where" comes from the units table (current state); consumed and wasted come from
WorkOrderTotals. Nothing here scans the ledger."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from ...store.models import (
    Entry,
    Location,
    OutputUnit,
    Part,
    Unit,
    User,
    WorkOrder,
    WorkOrderLine,
    WorkOrderMachine,
    WorkOrderTotals,
    utcnow,
)
from ..quantities import ZERO, fmt_qty
from ..words import Words
from .material import OPEN_STATUSES, OVERRIDE

STATUS_RANK = {"running": 0, "released": 1, "planned": 2, "done": 3, "closed": 4}


@dataclass
class LineView:
    line: WorkOrderLine
    required: Decimal
    staged: Decimal = ZERO
    loaded: Decimal = ZERO
    consumed: Decimal = ZERO
    wasted: Decimal = ZERO
    open: bool = True  # False: the order is done or closed, it takes no more material

    @property
    def part(self):
        return self.line.part

    @property
    def remaining(self):
        """Still to be used: what is required and not yet consumed (nothing, once the order closed)."""
        return max(ZERO, self.required - self.consumed) if self.open else ZERO

    @property
    def short(self):
        """Not covered by anything staged nearby or loaded."""
        return max(ZERO, self.remaining - self.staged - self.loaded)

    @property
    def bare(self):
        """Still needed, and nothing at or near the machine: the machine will stop."""
        return self.remaining > 0 and self.staged + self.loaded == 0


@dataclass
class UnitView:
    unit: Unit
    problem: str = ""  # set: wrong material (shown red)
    warning: str = ""  # set: needs attention (on hold, elsewhere)

    def age(self, now):
        return now - self.unit.updated_at


@dataclass
class OrderView:
    wo: WorkOrder
    lines: list = field(default_factory=list)
    units: list = field(default_factory=list)  # staged for it, loaded for it, or elsewhere for it

    @property
    def short(self):
        return any(line.short > 0 for line in self.lines)

    @property
    def bare(self):
        return any(line.bare for line in self.lines)

    @property
    def wrong(self):
        return [u for u in self.units if u.problem]


@dataclass
class MachineView:
    machine: Location
    orders: list = field(default_factory=list)
    loaded: list = field(default_factory=list)  # every unit on the machine
    state: str = "idle"  # idle, ok, soon, now
    reasons: list = field(default_factory=list)
    overrides: list = field(default_factory=list)  # load entries a lead let past the material check

    @property
    def wrong(self):
        seen, out = set(), []
        for u in self.loaded + [u for o in self.orders for u in o.units]:
            if u.problem and u.unit.id not in seen:
                seen.add(u.unit.id)
                out.append(u)
        return out

    @property
    def running(self):
        return [o for o in self.orders if o.wo.status == "running"]


GONE = ("empty", "shipped")  # used up, or left the plant: near no machine


def _units(where):
    return (Unit.select(Unit, Part, Location).join(Part).switch(Unit)
            .join(Location, JOIN.LEFT_OUTER).where(where, Unit.status.not_in(GONE)))


class _Group:
    """Units of one part, work order, place and status, summed by the database: what the floor
    board needs without building a model object per pallet (a running order may have hundreds)."""

    def __init__(self, wo_id, part, location, status, quantity, count, oldest):
        self.work_order_id, self.part, self.location, self.status = wo_id, part, location, status
        self.quantity, self.count, self.updated_at = Decimal(quantity), count, oldest
        self.id = ("group", wo_id, part.id, location.id if location else None, status)
        self.lpn = f"{count} unit{'s' if count != 1 else ''}"

    @property
    def work_order(self):
        return WorkOrder.get_by_id(self.work_order_id)


def _groups(where):
    places = {}
    rows = (Unit.select(Unit.work_order, Unit.part, Unit.location, Unit.status, fn.SUM(Unit.quantity),
                        fn.COUNT(Unit.id), fn.MIN(Unit.updated_at))
            .where(where, Unit.status.not_in(GONE))
            .group_by(Unit.work_order, Unit.part, Unit.location, Unit.status).tuples())
    rows = list(rows)
    part_ids = list({r[1] for r in rows})
    parts = {p.id: p for p in Part.select().where(Part.id.in_(part_ids))} if part_ids else {}
    loc_ids = {r[2] for r in rows if r[2] is not None}
    if loc_ids:
        places = {loc.id: loc for loc in Location.select().where(Location.id.in_(list(loc_ids)))}
    for wo_id, pid, loc_id, status, qty, count, oldest in rows:
        if isinstance(oldest, str):  # SQLite returns MIN() of a datetime as text
            oldest = datetime.datetime.fromisoformat(oldest)
        yield _Group(wo_id, parts[pid], places.get(loc_id), status, qty, count, oldest)


def _order_key(wo):
    return (STATUS_RANK.get(wo.status, 9), wo.due_at or datetime.datetime.max, wo.id)


def _match(unit, lines):
    """The line a unit is material for, or (None, why not)."""
    same_number = [lv for lv in lines if lv.part.number == unit.part.number]
    for lv in same_number:
        if lv.part.revision == unit.part.revision:
            return lv, ""
    if same_number:
        wanted = ", ".join(sorted({lv.part.revision or "—" for lv in same_number}))
        return None, Words("Wrong revision: rev {revision}, needs rev {wanted}", revision=unit.part.revision or "—",
                           wanted=wanted)
    return None, Words("Wrong part: not needed by this work order")


def coverage(machines, now=None, horizon_hours=4, detail=True):
    """For each machine: its open work orders with, per required line, what is staged nearby,
    loaded, consumed, wasted and still short; the units for them; wrong material; a state.

    A handful of indexed queries whatever the number of machines: open work orders, their lines,
    their totals, the units assigned to them, the units on the machines."""
    now = now or utcnow()
    machines = list(machines)
    ids = {m.id for m in machines}
    views = {m.id: MachineView(m) for m in machines}
    if not ids:
        return views
    orders, runs = _open_orders_on(ids)
    on = {o.id: runs[o.id] & ids for o in orders}  # the machines of these it runs on
    order_views = {o.id: OrderView(o) for o in orders}
    _add_lines(order_views)
    for ov in order_views.values():
        for m_id in on[ov.wo.id]:
            views[m_id].orders.append(ov)

    read = _units if detail else _groups  # detail=False: sums per part and place (the floor board)
    for unit in _units_near(read, list(order_views), ids):
        loc = unit.location
        ov = order_views.get(unit.work_order_id)
        if loc is not None and loc.id in ids:  # on one of these machines
            _count_on_machine(unit, views[loc.id], ov, on)
        elif ov is not None:
            _count_for_order(unit, ov, runs[ov.wo.id])
    soon = now + datetime.timedelta(hours=horizon_hours)
    for mv in views.values():
        _judge(mv, soon)
    return views


def _open_orders_on(ids):
    """The open work orders that run on any of these machines, most urgent first, and for every
    open order the ids of all the machines it runs on."""
    orders = list(WorkOrder.select(WorkOrder, Part).join(Part, JOIN.LEFT_OUTER)
                  .where(WorkOrder.status.in_(OPEN_STATUSES)))
    extra = defaultdict(set)
    if orders:
        for wo_id, m_id in (WorkOrderMachine.select(WorkOrderMachine.work_order, WorkOrderMachine.machine)
                            .where(WorkOrderMachine.work_order.in_([o.id for o in orders])).tuples()):
            extra[wo_id].add(m_id)
    runs = {o.id: {o.machine_id} | extra[o.id] for o in orders}
    return sorted((o for o in orders if runs[o.id] & ids), key=_order_key), runs


def _add_lines(order_views):
    """Each order's required lines, with what its totals say was consumed and wasted."""
    wo_ids = list(order_views)
    if not wo_ids:
        return
    totals = {(t.work_order_id, t.part_id): t
              for t in WorkOrderTotals.select().where(WorkOrderTotals.work_order.in_(wo_ids))}
    for line in (WorkOrderLine.select(WorkOrderLine, Part).join(Part)
                 .where(WorkOrderLine.work_order.in_(wo_ids)).order_by(WorkOrderLine.id)):
        t = totals.get((line.work_order_id, line.part_id))
        order_views[line.work_order_id].lines.append(LineView(
            line, line.quantity, consumed=t.consumed if t else ZERO, wasted=t.wasted if t else ZERO))


def _units_near(read, wo_ids, ids):
    """The units assigned to these orders and the units on these machines, each once, oldest
    first: the order the pages list them in."""
    units = {}
    if wo_ids:
        # An order's own output pallets carry its number too, but they are what it made, not
        # material for it: never input, never wrong material (also after they leave the station).
        made = OutputUnit.select(OutputUnit.unit).where(OutputUnit.work_order.in_(wo_ids))
        units.update((u.id, u) for u in read(Unit.work_order.in_(wo_ids) & Unit.id.not_in(made)))
    units.update((u.id, u) for u in read(Unit.location.in_(list(ids))))
    return sorted(units.values(), key=lambda u: u.updated_at)


def _count_on_machine(unit, mv, ov, on):
    """A unit on one of the machines: loaded for its order, wrong when its order is not open
    here, or, loaded without an order, counted for an order here that needs it."""
    uv = UnitView(unit)
    mv.loaded.append(uv)
    loc = unit.location
    if ov is not None and loc.id in on[ov.wo.id]:
        ov.units.append(uv)
        lv, why = _match(unit, ov.lines) if ov.lines else (None, "")
        if lv is not None:
            lv.loaded += unit.quantity
        elif ov.lines:
            uv.problem = why
    elif unit.work_order_id:
        wo = ov.wo if ov else unit.work_order
        uv.problem = Words("For work order {number} ({status}), which is not open on {place}", number=wo.number,
                           status=wo.status, place=loc.code)
    else:
        _count_without_order(uv, mv)


def _count_without_order(uv, mv):
    """Loaded without a work order: it counts for the first order here that needs it."""
    unit = uv.unit
    reasons = []
    for cand in mv.orders:
        lv, why = _match(unit, cand.lines)
        if lv is not None:
            lv.loaded += unit.quantity
            cand.units.append(uv)
            return
        reasons.append(why)
    revision = [r for r in reasons if r.msgid.startswith("Wrong revision")]
    uv.problem = (revision[0] if revision else
                  Words("Wrong part: no work order on {place} needs {part}", place=unit.location.code,
                        part=unit.part.number))


def _count_for_order(unit, ov, its_machines):
    """A unit for an order, not on one of the machines asked about: staged for it, loaded on its
    other machine, or somewhere it does not count (on hold, not staged, wrong material)."""
    uv = UnitView(unit)
    ov.units.append(uv)
    loc = unit.location
    lv, why = _match(unit, ov.lines) if ov.lines else (None, "")
    if lv is None and ov.lines:
        uv.problem = why
    elif unit.status == "hold":
        uv.warning = Words("On QC hold: does not count until released")
    elif loc is not None and loc.kind == "staging":
        if lv is not None:
            lv.staged += unit.quantity
    elif loc is not None and loc.id in its_machines:  # on its other machine
        if lv is not None:
            lv.loaded += unit.quantity
    else:
        uv.warning = Words("Not staged: at {place}", place=loc.code) if loc else Words("Not staged: nowhere")


def _judge(mv, soon):
    """Red (now): wrong material, or a running order needs material and none is near.
    Amber (soon): a running order, or one released or due within the horizon, is short.
    Green (ok): everything those orders still need is staged or loaded.
    Grey (idle): no open order, or none running or due within the horizon."""
    if mv.wrong:
        mv.reasons.append(Words("{count} unit(s) of wrong material", count=len(mv.wrong)))
    for ov in mv.running:
        for lv in ov.lines:
            if lv.bare:
                mv.reasons.append(Words("{number}: no {part} staged or loaded", number=ov.wo.number,
                                         part=lv.part.label))
    if mv.reasons:
        mv.state = "now"
        return
    if not mv.orders:
        mv.state = "idle"
        return
    upcoming = [ov for ov in mv.orders if ov.wo.status in ("running", "released")
                or (ov.wo.due_at is not None and ov.wo.due_at <= soon)]
    if not upcoming:
        # Open orders, none running or due within the horizon: nothing is staged, and nothing
        # needs to be yet. Not green ("staged" would be a false all-clear); the page says so.
        mv.state = "idle"
        return
    for ov in upcoming:
        for lv in ov.lines:
            if lv.short > 0:
                mv.reasons.append(Words("{number}: {part} short by {quantity} {uom}", number=ov.wo.number,
                                         part=lv.part.label, quantity=fmt_qty(lv.short), uom=lv.part.uom))
    mv.state = "soon" if mv.reasons else "ok"


def machine_view(machine, now=None, horizon_hours=4):
    view = coverage([machine], now, horizon_hours)[machine.id]
    view.overrides = overrides_on(machine, [uv.unit.id for uv in view.loaded])
    return view


def overrides_on(machine, unit_ids):
    """The overriding loads of the units now on the machine (a plain load has no reason), newest
    first: one indexed query on the units' own entries."""
    if not unit_ids:
        return []
    return list(Entry.select(Entry, Unit, User).join(Unit).switch(Entry).join(User, JOIN.LEFT_OUTER)
                .where(Entry.unit.in_(unit_ids), Entry.kind == "load", Entry.to_location == machine,
                       Entry.reason.startswith(OVERRIDE))
                .order_by(Entry.id.desc()).limit(20))
