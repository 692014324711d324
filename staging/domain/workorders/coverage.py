"""Work orders: what they need, whether a unit is the right material for one, what is staged,
loaded, consumed and short per machine, output and yield, and the ERP import.

"What is where" comes from the units table (current state); consumed and wasted come from
WorkOrderTotals, which the consume, scrap and correct verbs keep in their own transaction.
Nothing here scans the ledger."""
import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from peewee import JOIN, fn

from .. import codes
from ...store.db import write_transaction
from ..errors import Invalid, NotFound
from ...store.models import (
    WORK_ORDER_STATUSES,
    Entry,
    Location,
    OutputRecord,
    Part,
    Unit,
    WorkOrder,
    WorkOrderLine,
    WorkOrderMachine,
    WorkOrderTotals,
    utcnow,
)
from ..permissions import authorize
from ..quantities import parse_quantity

OPEN_STATUSES = ("planned", "released", "running")
STATUS_RANK = {"running": 0, "released": 1, "planned": 2, "done": 3, "closed": 4}
ZERO = Decimal("0")
REVISION = re.compile(r"^[A-Z0-9._-]{0,16}$")
UOM = re.compile(r"^[A-Za-z0-9]{1,8}$")


def check_material(unit, wo):
    """Refuse a unit that is not material the work order needs (part, then revision)."""
    if wo is None:
        return
    if wo.status not in OPEN_STATUSES:
        raise Invalid(f"Work order {wo.number} is {wo.status}: it takes no more material.")
    lines = list(WorkOrderLine.select(WorkOrderLine, WorkOrderLine.part)
                 .join(WorkOrderLine.part.rel_model).where(WorkOrderLine.work_order == wo))
    if not lines:
        return
    part = unit.part
    same_number = [line for line in lines if line.part.number == part.number]
    if not same_number:
        raise Invalid(f"Wrong part: {wo.number} does not need {part.number}.")
    if not any(line.part.revision == part.revision for line in same_number):
        wanted = ", ".join(sorted({line.part.revision for line in same_number}))
        raise Invalid(f"Wrong revision: {unit.lpn} is {part.number} rev {part.revision}; "
                      f"{wo.number} needs rev {wanted}.")


def runs_on(wo, machine):
    """Whether the work order runs on this machine (its first machine or one of the others)."""
    if wo.machine_id == machine.id:
        return True
    return WorkOrderMachine.select().where(WorkOrderMachine.work_order == wo,
                                           WorkOrderMachine.machine == machine).exists()


def machines_of(wo):
    extra = [m.machine for m in WorkOrderMachine.select(WorkOrderMachine, Location)
             .join(Location).where(WorkOrderMachine.work_order == wo).order_by(Location.code)]
    return ([wo.machine] if wo.machine_id else []) + extra


# --- consumed and wasted: kept by the verbs ------------------------------------------------------

def count_usage(entry, part_id):
    """Add a consume or scrap ledger row (or its reversal, with the opposite delta) to its work
    order's totals. Called by the verbs inside their transaction: one upsert of one row."""
    kind, wo_id = entry.kind, entry.work_order_id
    if kind == "undo" and entry.reverses_id:  # an operator's undo of a consume or scrap
        kind, wo_id = (Entry.select(Entry.kind, Entry.work_order)
                       .where(Entry.id == entry.reverses_id).tuples().get())
    if wo_id is None or kind not in ("consume", "scrap"):
        return
    amount = -entry.delta
    column = WorkOrderTotals.consumed if kind == "consume" else WorkOrderTotals.wasted
    row = {"work_order": wo_id, "part": part_id, "consumed": ZERO, "wasted": ZERO}
    row[column.name] = amount
    (WorkOrderTotals.insert(**row)
     .on_conflict(conflict_target=[WorkOrderTotals.work_order, WorkOrderTotals.part],
                  update={column: column + amount})
     .execute())


def verify_totals():
    """Compare WorkOrderTotals with sums over the ledger (a full scan: for `check` and tests)."""
    sums = defaultdict(lambda: [ZERO, ZERO])
    Original = Entry.alias()
    kind = fn.COALESCE(Original.kind, Entry.kind)  # an undo counts as what it undid
    wo = fn.COALESCE(Original.work_order, Entry.work_order)
    rows = (Entry.select(wo, Unit.part, kind, fn.SUM(Entry.delta))
            .join(Unit, on=(Entry.unit == Unit.id))
            .switch(Entry).join(Original, JOIN.LEFT_OUTER,
                                on=((Entry.reverses == Original.id) & (Entry.kind == "undo")))
            .where(Entry.kind.in_(("consume", "scrap", "undo")))
            .group_by(wo, Unit.part, kind).tuples())
    for wo_id, part_id, kind, total in rows:
        if kind in ("consume", "scrap") and wo_id is not None:
            sums[wo_id, part_id][0 if kind == "consume" else 1] -= Decimal(total)
    problems = []
    for t in WorkOrderTotals.select():
        want = sums.pop((t.work_order_id, t.part_id), [ZERO, ZERO])
        if [t.consumed, t.wasted] != want:
            problems.append(f"work order {t.work_order_id} part {t.part_id}: totals say "
                            f"{t.consumed}/{t.wasted}, the ledger {want[0]}/{want[1]}")
    for (wo_id, part_id), want in sums.items():
        if want != [ZERO, ZERO]:
            problems.append(f"work order {wo_id} part {part_id}: no totals, the ledger {want}")
    return problems


# --- what is staged, loaded and short per machine --------------------------------------------------

@dataclass
class LineView:
    line: WorkOrderLine
    required: Decimal
    staged: Decimal = ZERO
    loaded: Decimal = ZERO
    consumed: Decimal = ZERO
    wasted: Decimal = ZERO

    @property
    def part(self):
        return self.line.part

    @property
    def remaining(self):
        """Still to be used: what is required and not yet consumed."""
        return max(ZERO, self.required - self.consumed)

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


def _units(where):
    return (Unit.select(Unit, Part, Location).join(Part).switch(Unit)
            .join(Location, JOIN.LEFT_OUTER).where(where, Unit.status != "empty"))


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
            .where(where, Unit.status != "empty")
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
        return None, f"Wrong revision: rev {unit.part.revision or '—'}, needs rev {wanted}"
    return None, "Wrong part: not needed by this work order"


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
    orders = list(WorkOrder.select(WorkOrder, Part).join(Part, JOIN.LEFT_OUTER)
                  .where(WorkOrder.status.in_(OPEN_STATUSES)))
    extra = defaultdict(set)
    if orders:
        for wo_id, m_id in (WorkOrderMachine.select(WorkOrderMachine.work_order, WorkOrderMachine.machine)
                            .where(WorkOrderMachine.work_order.in_([o.id for o in orders])).tuples()):
            extra[wo_id].add(m_id)
    runs = {o.id: {o.machine_id} | extra[o.id] for o in orders}
    on = {wo_id: machine_ids & ids for wo_id, machine_ids in runs.items()}
    orders = sorted((o for o in orders if on[o.id]), key=_order_key)
    wo_ids = [o.id for o in orders]
    order_views = {o.id: OrderView(o) for o in orders}

    totals = {}
    lines_by_wo = defaultdict(list)
    if wo_ids:
        totals = {(t.work_order_id, t.part_id): t
                  for t in WorkOrderTotals.select().where(WorkOrderTotals.work_order.in_(wo_ids))}
        for line in (WorkOrderLine.select(WorkOrderLine, Part).join(Part)
                     .where(WorkOrderLine.work_order.in_(wo_ids)).order_by(WorkOrderLine.id)):
            t = totals.get((line.work_order_id, line.part_id))
            lines_by_wo[line.work_order_id].append(LineView(
                line, line.quantity, consumed=t.consumed if t else ZERO, wasted=t.wasted if t else ZERO))
    for wo_id, lines in lines_by_wo.items():
        order_views[wo_id].lines = lines
    for ov in order_views.values():
        for m_id in on[ov.wo.id]:
            views[m_id].orders.append(ov)

    read = _units if detail else _groups  # detail=False: sums per part and place (the floor board)
    units = {}
    if wo_ids:
        units.update((u.id, u) for u in read(Unit.work_order.in_(wo_ids)))
    units.update((u.id, u) for u in read(Unit.location.in_(list(ids))))
    for unit in sorted(units.values(), key=lambda u: u.updated_at):
        loc = unit.location
        ov = order_views.get(unit.work_order_id)
        uv = UnitView(unit)
        if loc is not None and loc.id in ids:  # on one of these machines
            mv = views[loc.id]
            mv.loaded.append(uv)
            if ov is not None and loc.id in on[ov.wo.id]:
                ov.units.append(uv)
                lv, why = _match(unit, ov.lines) if ov.lines else (None, "")
                if lv is not None:
                    lv.loaded += unit.quantity
                elif ov.lines:
                    uv.problem = why
            elif unit.work_order_id:
                wo = ov.wo if ov else unit.work_order
                uv.problem = f"For work order {wo.number} ({wo.status}), which is not open on {loc.code}"
            else:
                # Loaded without a work order: it counts for the first order here that needs it.
                reasons = []
                for cand in mv.orders:
                    lv, why = _match(unit, cand.lines)
                    if lv is not None:
                        lv.loaded += unit.quantity
                        cand.units.append(uv)
                        break
                    reasons.append(why)
                else:
                    revision = [r for r in reasons if r.startswith("Wrong revision")]
                    uv.problem = (revision[0] if revision else
                                  f"Wrong part: no work order on {loc.code} needs {unit.part.number}")
            continue
        if ov is None:
            continue
        ov.units.append(uv)
        lv, why = _match(unit, ov.lines) if ov.lines else (None, "")
        if lv is None and ov.lines:
            uv.problem = why
        elif unit.status == "hold":
            uv.warning = "On QC hold: does not count until released"
        elif loc is not None and loc.kind == "staging":
            if lv is not None:
                lv.staged += unit.quantity
        elif loc is not None and loc.id in runs[ov.wo.id]:  # on its other machine
            if lv is not None:
                lv.loaded += unit.quantity
        else:
            uv.warning = f"Not staged: at {loc.code if loc else 'nowhere'}"
    soon = now + datetime.timedelta(hours=horizon_hours)
    for mv in views.values():
        _judge(mv, soon)
    return views


def _judge(mv, soon):
    """Red (now): wrong material, or a running order needs material and none is near.
    Amber (soon): a running order, or one released or due within the horizon, is short.
    Green (ok): everything those orders still need is staged or loaded."""
    if mv.wrong:
        mv.reasons.append(f"{len(mv.wrong)} unit(s) of wrong material")
    for ov in mv.running:
        for lv in ov.lines:
            if lv.bare:
                mv.reasons.append(f"{ov.wo.number}: no {lv.part.label} staged or loaded")
    if mv.reasons:
        mv.state = "now"
        return
    if not mv.orders:
        mv.state = "idle"
        return
    upcoming = [ov for ov in mv.orders if ov.wo.status in ("running", "released")
                or (ov.wo.due_at is not None and ov.wo.due_at <= soon)]
    for ov in upcoming:
        for lv in ov.lines:
            if lv.short > 0:
                mv.reasons.append(f"{ov.wo.number}: {lv.part.label} short by {_q(lv.short)} {lv.part.uom}")
    mv.state = "soon" if mv.reasons else "ok"


def _q(qty):
    text = f"{qty:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def machine_view(machine, now=None, horizon_hours=4):
    return coverage([machine], now, horizon_hours)[machine.id]


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
        for sv in stations.values():
            cap = sv.station.capacity
            if sv.wrong:
                sv.state = "now"
                sv.reasons.append(f"{len(sv.wrong)} unit(s) no work order here makes")
            elif cap and sv.units >= cap:
                sv.state = "now"
                sv.reasons.append(f"Full: {sv.units} of {cap}")
            elif cap and sv.units >= cap * 0.75:
                sv.state = "soon"
                sv.reasons.append(f"Nearly full: {sv.units} of {cap}")
            elif not sv.orders and not sv.units:
                sv.state = "idle"
    return Board([views[m.id] for m in machines], list(stations.values()))


# --- output and yield ------------------------------------------------------------------------------

def report_output(user, wo, good, rejected="0", note="", machine=None, at=None):
    """Good and rejected product reported for a work order (append-only records)."""
    authorize(user, "report_output")
    good = parse_quantity(good or "0", allow_zero=True, what="Good quantity")
    rejected = parse_quantity(rejected or "0", allow_zero=True, what="Rejected quantity")
    if good == 0 and rejected == 0:
        raise Invalid("Enter a good or rejected quantity.")
    note = " ".join(str(note or "").split())[:200]
    with write_transaction():
        return OutputRecord.create(work_order=wo, machine=machine or wo.machine_id, good=good,
                                   rejected=rejected, note=note, user=user, at=at or utcnow())


@dataclass
class Summary:
    wo: WorkOrder
    lines: list
    good: Decimal
    rejected: Decimal
    outputs: list
    extra: list  # totals for parts the order does not list (wrong material used up)

    @property
    def product_yield(self):
        made = self.good + self.rejected
        return (self.good / made * 100) if made else None

    def material_yield(self, lv):
        """Material in good output (by the bill) against material used (consumed and wasted)."""
        used = lv.consumed + lv.wasted
        if not used or not self.wo.quantity:
            return None
        return lv.required / self.wo.quantity * self.good / used * 100


def summary(wo):
    """Consumption, waste, output and yield of one work order (from the totals table)."""
    totals = {t.part_id: t for t in WorkOrderTotals.select(WorkOrderTotals, Part).join(Part)
              .where(WorkOrderTotals.work_order == wo)}
    lines = []
    for line in WorkOrderLine.select(WorkOrderLine, Part).join(Part).where(WorkOrderLine.work_order == wo) \
            .order_by(WorkOrderLine.id):
        t = totals.pop(line.part_id, None)
        lines.append(LineView(line, line.quantity, consumed=t.consumed if t else ZERO,
                              wasted=t.wasted if t else ZERO))
    outputs = list(OutputRecord.select().where(OutputRecord.work_order == wo).order_by(OutputRecord.at.desc()))
    return Summary(wo, lines, sum((o.good for o in outputs), ZERO), sum((o.rejected for o in outputs), ZERO),
                   outputs, list(totals.values()))


def order_lines(wo):
    """Per material line of one order: required, staged, loaded, consumed, wasted, short.
    Open orders are measured on their machine; others only have what was used."""
    if wo.status in OPEN_STATUSES and wo.machine_id:
        for ov in machine_view(wo.machine).orders:
            if ov.wo.id == wo.id:
                return ov.lines
    return summary(wo).lines


def usage_entries(wo, limit=200):
    """The consume and scrap rows of one work order, newest first (indexed on work_order)."""
    return list(Entry.select(Entry, Unit, Part).join(Unit, on=(Entry.unit == Unit.id)).join(Part)
                .where(Entry.work_order == wo, Entry.kind.in_(("consume", "scrap")))
                .order_by(Entry.id.desc()).limit(limit))


# --- creating and editing ----------------------------------------------------------------------------

@dataclass
class LineDraft:
    number: str
    revision: str
    quantity: Decimal
    uom: str
    part: Part | None = None  # None: a new part


@dataclass
class Draft:
    number: str = ""
    product: str = ""
    product_rev: str = ""
    quantity: Decimal = ZERO
    machines: list = field(default_factory=list)
    output: Location | None = None
    status: str = "planned"
    due_at: datetime.datetime | None = None
    lines: list = field(default_factory=list)
    product_part: Part | None = None


class Errors(dict):
    """field -> message; the form shows each next to its field."""


def _text(value):
    return codes.clean(value if value is not None else "")


def _code(value, what, errors, key, required=True):
    text = _text(value)
    if not text:
        if required:
            errors[key] = f"{what} is missing."
        return ""
    try:
        return codes.check_own_code(text, what)
    except Invalid as err:
        errors[key] = err.message
        return ""


def _revision(value, errors, key):
    text = _text(value).upper()
    if not REVISION.match(text):
        errors[key] = f"Revision “{codes.shown(text)}” must be up to 16 letters, digits, - . _"
        return ""
    return text


def _quantity(value, what, errors, key):
    try:
        return parse_quantity(value, what=what)
    except Invalid as err:
        errors[key] = err.message
        return ZERO


def _due(value, zone, errors, key):
    text = _text(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            local = datetime.datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    else:
        errors[key] = f"Due “{codes.shown(text)}” must be a date like 2025-03-31 or 2025-03-31 14:00."
        return None
    return local.replace(tzinfo=zone).astimezone(datetime.timezone.utc).replace(tzinfo=None)


def parse_draft(fields, lines, zone, existing=None):
    """A work order from form or CSV fields, checked. Returns (draft, errors). Looks up, never writes.

    fields: number, product, product_rev, quantity, machines (codes separated by spaces or
    commas), output_station, status, due. lines: dicts with part, revision, quantity, uom."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    errors = Errors()
    d = Draft()
    if existing is not None:
        d.number = existing.number
    else:
        d.number = _code(fields.get("number"), "Work order number", errors, "number")
        if d.number and WorkOrder.select().where(WorkOrder.number == d.number).exists():
            errors["number"] = f"Work order {d.number} already exists."
    d.product = _code(fields.get("product"), "Product part number", errors, "product")
    d.product_rev = _revision(fields.get("product_rev"), errors, "product_rev")
    if d.product:
        d.product_part = Part.get_or_none(Part.number == d.product, Part.revision == d.product_rev)
    d.quantity = _quantity(fields.get("quantity"), "Quantity", errors, "quantity")
    for code in re.split(r"[\s,;|]+", _text(fields.get("machines"))):
        if not code:
            continue
        loc = codes.find_location(code)
        if loc is None or loc.kind != "machine":
            errors["machines"] = f"“{codes.shown(code)}” is not a machine."
        elif loc not in d.machines:
            d.machines.append(loc)
    if not d.machines and "machines" not in errors:
        errors["machines"] = "Name at least one machine."
    out = _text(fields.get("output_station"))
    if out:
        d.output = codes.find_location(out)
        if d.output is None or d.output.kind != "output":
            errors["output_station"] = f"“{codes.shown(out)}” is not an output station."
    d.status = _text(fields.get("status")).lower() or "planned"
    if d.status not in WORK_ORDER_STATUSES:
        errors["status"] = f"Status must be one of {', '.join(WORK_ORDER_STATUSES)}."
    d.due_at = _due(fields.get("due"), zone, errors, "due")

    seen = set()
    for i, raw in enumerate(lines):
        if not any(_text(raw.get(k)) for k in ("part", "revision", "quantity")):
            continue  # a blank row of the form
        key = f"line{i}"
        number = _code(raw.get("part"), "Material part number", errors, key)
        revision = _revision(raw.get("revision"), errors, key)
        qty = _quantity(raw.get("quantity"), f"Quantity of {number or 'the material'}", errors, key)
        uom = _text(raw.get("uom"))
        if uom and not UOM.match(uom):
            errors[key] = f"Unit of measure “{codes.shown(uom)}” must be 1 to 8 letters or digits."
        part = Part.get_or_none(Part.number == number, Part.revision == revision) if number else None
        if part is not None and uom and uom.lower() != part.uom.lower():
            errors[key] = f"{part.label} is counted in {part.uom}, not {uom}."
        if (number, revision) in seen:
            errors[key] = f"{number} rev {revision} is listed twice."
        seen.add((number, revision))
        d.lines.append(LineDraft(number, revision, qty, part.uom if part else (uom or "ea"), part))
    if not d.lines and not any(k.startswith("line") for k in errors):
        errors["lines"] = "List at least one material line."
    return d, errors


def _part(number, revision, uom="ea", description=""):
    part, _ = Part.get_or_create(number=number, revision=revision,
                                 defaults={"uom": uom, "description": description})
    return part


def _write(draft, existing=None):
    product = draft.product_part or _part(draft.product, draft.product_rev)
    wo = existing or WorkOrder(number=draft.number)
    wo.part, wo.quantity, wo.status, wo.due_at = product, draft.quantity, draft.status, draft.due_at
    wo.machine = draft.machines[0]
    wo.output_station = draft.output
    wo.save()
    if existing is None:
        codes.register(wo, wo.number)
    WorkOrderMachine.delete().where(WorkOrderMachine.work_order == wo).execute()
    for m in draft.machines[1:]:
        WorkOrderMachine.create(work_order=wo, machine=m)
    WorkOrderLine.delete().where(WorkOrderLine.work_order == wo).execute()
    for ld in draft.lines:
        WorkOrderLine.create(work_order=wo, part=ld.part or _part(ld.number, ld.revision, ld.uom),
                             quantity=ld.quantity)
    return wo


def save(user, fields, lines, zone, existing=None):
    """Create (existing=None) or change a work order from form fields. Raises FormInvalid."""
    authorize(user, "work_orders")
    with write_transaction():
        draft, errors = parse_draft(fields, lines, zone, existing)
        if errors:
            raise FormInvalid(errors)
        return _write(draft, existing)


class FormInvalid(Invalid):
    def __init__(self, errors):
        super().__init__("Please correct the marked fields: " + " ".join(errors.values()))
        self.errors = errors


def get(number):
    wo = WorkOrder.get_or_none(WorkOrder.number == codes.normalise(number or ""))
    if wo is None:
        raise NotFound(f"No work order “{codes.shown(number or '')}”.")
    return wo


def listing(status=None, limit=500):
    query = (WorkOrder.select(WorkOrder, Part, Location).join(Part, JOIN.LEFT_OUTER)
             .switch(WorkOrder).join(Location, JOIN.LEFT_OUTER, on=(WorkOrder.machine == Location.id))
             .order_by(WorkOrder.due_at.is_null(), WorkOrder.due_at, WorkOrder.number))
    if status in WORK_ORDER_STATUSES:
        query = query.where(WorkOrder.status == status)
    else:
        query = query.where(WorkOrder.status != "closed")
    return list(query.limit(limit))


# --- CSV import from the ERP ------------------------------------------------------------------------

COLUMNS = ("work_order", "product", "product_rev", "quantity", "machine", "output_station", "status",
           "due", "part", "part_rev", "part_qty", "uom")
REQUIRED_COLUMNS = ("work_order", "product", "quantity", "machine", "part", "part_qty")
HEADER_FIELDS = ("product", "product_rev", "quantity", "machine", "output_station", "status", "due")
MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024


@dataclass
class Row:
    number: int  # line in the file
    values: dict
    errors: list = field(default_factory=list)
    action: str = ""


@dataclass
class Preview:
    text: str = ""
    rows: list = field(default_factory=list)
    problem: str = ""  # the whole file is unusable
    drafts: dict = field(default_factory=dict)

    @property
    def bad_rows(self):
        return [r for r in self.rows if r.errors]

    @property
    def ok(self):
        return not self.problem and bool(self.rows) and not self.bad_rows


def _decode(data):
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    if len(data) > MAX_BYTES:
        raise Invalid("The file is larger than 2 MB: export fewer work orders at a time.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("The file is not UTF-8 text: export it from the ERP as CSV (UTF-8).") from None


def preview(data, zone):
    """Read an ERP export (one row per material line; the work order's own columns repeated) and
    say per row what would be created, or what is wrong with it. Writes nothing."""
    p = Preview()
    try:
        p.text = _decode(data)
    except Invalid as err:
        p.problem = err.message
        return p
    if "\x00" in p.text:
        p.problem = "The file contains binary data: it is not a CSV export."
        return p
    sample = p.text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(p.text), dialect)
    try:
        header = next(reader, None)
        if not header:
            p.problem = "The file is empty."
            return p
        names = [h.strip().lower().replace(" ", "_") for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in names]
        if missing:
            p.problem = (f"Missing column(s): {', '.join(missing)}. The first row must name the columns: "
                         f"{', '.join(COLUMNS)}.")
            return p
        for raw in reader:
            if not any(cell.strip() for cell in raw):
                continue
            if len(p.rows) >= MAX_ROWS:
                p.problem = f"More than {MAX_ROWS} rows: import the file in parts."
                return p
            values = {name: cell for name, cell in zip(names, raw) if name in COLUMNS}
            row = Row(reader.line_num, values)
            if len(raw) > len(names):
                row.errors.append(f"{len(raw)} cells, but the header names {len(names)} columns.")
            if any(len(cell) > 200 for cell in raw):
                row.errors.append("A cell is longer than 200 characters.")
            p.rows.append(row)
    except csv.Error as err:
        p.problem = f"Line {reader.line_num} is not valid CSV: {err}."
        return p
    _check_rows(p, zone)
    return p


def _check_rows(p, zone):
    groups = defaultdict(list)
    for row in p.rows:
        number = _text(row.values.get("work_order")).upper()
        if not number:
            row.errors.append("Work order number is missing.")
            continue
        groups[number].append(row)
    for number, rows in groups.items():
        first = rows[0]
        for row in rows[1:]:
            for name in HEADER_FIELDS:
                if _text(row.values.get(name)) != _text(first.values.get(name)):
                    row.errors.append(f"{name} differs from line {first.number} of the same work order.")
        fields = {"number": number, **{k: first.values.get(k) for k in HEADER_FIELDS}}
        fields["machines"] = first.values.get("machine")
        lines = [{"part": r.values.get("part"), "revision": r.values.get("part_rev"),
                  "quantity": r.values.get("part_qty"), "uom": r.values.get("uom")} for r in rows]
        draft, errors = parse_draft(fields, lines, zone)
        for key, message in errors.items():
            if key.startswith("line"):
                rows[int(key[4:])].errors.append(message)
            elif key == "lines":
                first.errors.append("Material part number and quantity are missing.")
            else:
                first.errors.append(message)
        for row in rows:
            if not _text(row.values.get("part")) and not row.errors:
                row.errors.append("Material part number is missing.")
        if any(r.errors for r in rows):
            continue
        p.drafts[number] = draft
        new = "" if draft.product_part else " (new part)"
        where = " + ".join(m.code for m in draft.machines)
        first.action = (f"New work order {number}: {draft.product} rev {draft.product_rev or '—'}{new} "
                        f"× {_q(draft.quantity)} on {where}"
                        f"{' → ' + draft.output.code if draft.output else ''}, {draft.status}. ")
        for row, ld in zip(rows, draft.lines):
            row.action += (f"Needs {_q(ld.quantity)} {ld.uom} of {ld.number} rev {ld.revision or '—'}"
                           f"{'' if ld.part else ' (new part)'}.")


def import_csv(user, data, zone):
    """Create every work order in the file, in one transaction, or none of them."""
    authorize(user, "work_orders")
    with write_transaction():
        p = preview(data, zone)
        if not p.ok:
            raise Invalid(p.problem or f"{len(p.bad_rows)} row(s) are wrong: nothing was imported.")
        return [_write(draft) for draft in p.drafts.values()]


def hold_history(unit):
    """Who put a unit on QC hold or released it, and why, newest first (indexed on unit)."""
    from ...store.models import User
    return list(Entry.select(Entry, User).join(User, JOIN.LEFT_OUTER)
                .where(Entry.unit == unit, Entry.kind.in_(("hold", "release")))
                .order_by(Entry.id.desc()))


def lines_of(wo):
    return list(WorkOrderLine.select(WorkOrderLine, Part).join(Part)
                .where(WorkOrderLine.work_order == wo).order_by(WorkOrderLine.id))
