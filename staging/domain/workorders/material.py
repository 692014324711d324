"""Whether a unit is material a work order needs, which machines the order runs on, and the one
check every load goes through (fit_for_load), whatever the way the unit reaches the machine."""
from decimal import Decimal

from peewee import fn

from ...store.models import Location, Part, Unit, WorkOrder, WorkOrderLine, WorkOrderMachine, WorkOrderTotals
from ..errors import Invalid
from ..quantities import ZERO, fmt_qty
from ..words import Words, joined

OPEN_STATUSES = ("planned", "released", "running")
OVERRIDE = "Override: "  # how a lead's reason to load wrong material starts on the ledger entry
_RANK = {"running": 0, "released": 1, "planned": 2}


class WrongMaterial(Invalid):
    """A load refused because no open work order of the machine needs this part and revision.
    A lead may override it with a reason (verbs.load, `override=`)."""
    title = "Wrong material"

    def __init__(self, message, unit, machine, work_order=None):
        super().__init__(message)
        self.unit, self.machine, self.work_order = unit, machine, work_order


def check_material(unit, wo):
    """Refuse a unit that is not material the work order needs (part, then revision)."""
    if wo is None:
        return
    if wo.status not in OPEN_STATUSES:
        raise Invalid("Work order {order} is {status}: it takes no more material.", order=wo.number, status=wo.status)
    lines = list(WorkOrderLine.select(WorkOrderLine, WorkOrderLine.part)
                 .join(WorkOrderLine.part.rel_model).where(WorkOrderLine.work_order == wo))
    if not lines:
        return
    part = unit.part
    same_number = [line for line in lines if line.part.number == part.number]
    if not same_number:
        raise Invalid("Wrong part: {order} does not need {part}.", order=wo.number, part=part.number)
    if not any(line.part.revision == part.revision for line in same_number):
        wanted = ", ".join(sorted({line.part.revision for line in same_number}))
        raise Invalid("Wrong revision: {unit} is {part} rev {revision}; {order} needs rev {needed}.", unit=unit.lpn,
                      part=part.number, revision=part.revision, order=wo.number, needed=wanted)


def fit_for_load(unit, machine, wo=None):
    """The open work order of `machine` this unit counts for, or WrongMaterial (nothing written).

    Its part and revision must be on a material line of the order scanned (`wo`), or, when only
    the machine is known, of one of the machine's open orders: the order it was staged for
    first, then running, released, planned. The refusal names what the machine needs."""
    if wo is not None:
        if not runs_on(wo, machine):
            where = wo.machine.code if wo.machine_id else "no machine"
            raise Invalid("Work order {order} runs on {where}, not {machine}.", order=wo.number, where=where,
                          machine=machine.code)
        if wo.status not in OPEN_STATUSES:
            raise Invalid("Work order {order} is {status}: it takes no more material.", order=wo.number,
                          status=wo.status)
        orders = [wo]
    else:
        orders = open_orders_on(machine, first=unit.work_order_id)
    lines = _lines(orders)
    for order in orders:
        if any(line.part_id == unit.part_id for line in lines.get(order.id, ())):
            return order
    raise WrongMaterial(_refusal(unit, machine, orders, lines), unit, machine, wo)


def open_orders_on(machine, first=None):
    """The machine's open work orders, the one with id `first` (if open here) leading."""
    extra = WorkOrderMachine.select(WorkOrderMachine.work_order).where(WorkOrderMachine.machine == machine)
    orders = WorkOrder.select().where(WorkOrder.status.in_(OPEN_STATUSES),
                                      (WorkOrder.machine == machine) | WorkOrder.id.in_(extra))
    return sorted(orders, key=lambda o: (o.id != first, _RANK[o.status], o.due_at is None, o.due_at, o.id))


def _lines(orders):
    by_order = {}
    if orders:
        for line in (WorkOrderLine.select(WorkOrderLine, Part).join(Part)
                     .where(WorkOrderLine.work_order.in_([o.id for o in orders])).order_by(WorkOrderLine.id)):
            by_order.setdefault(line.work_order_id, []).append(line)
    return by_order


def _refusal(unit, machine, orders, lines):
    part = unit.part
    facts = {"unit": unit.lpn, "part": part.number, "revision": part.revision or "—", "machine": machine.code}
    if not orders:
        return Words("{machine} has no open work order: nothing may be loaded on it. {unit} is {part} rev {revision}.",
                     **facts)
    needs = {}  # part -> the orders that need it, in the orders' order
    for order in orders:
        for line in lines.get(order.id, ()):
            needs.setdefault(line.part, []).append(order.number)
    if not needs:
        return Words("Wrong part: {machine} ({orders}) needs no material. {unit} is {part} rev {revision}.",
                     orders=", ".join(o.number for o in orders), **facts)
    same = {p: n for p, n in needs.items() if p.number == part.number}
    if same:
        listed = _listed([{"revision": p.revision or "—", "orders": ", ".join(n)} for p, n in same.items()])
        return Words("Wrong revision: {unit} is {part} rev {revision}; {machine} needs {needed}.", needed=listed,
                     **facts)
    listed = _listed([{"part": p.number, "revision": p.revision or "—", "orders": ", ".join(n)}
                      for p, n in list(needs.items())[:6]], with_part=True)
    return Words("Wrong part: {unit} is {part} rev {revision}; {machine} needs {needed}.", needed=listed, **facts)


def supply(unit):
    """After a load: (extra, text) for the part on its work order, what is on hand (staged and
    loaded) against what is still to be used. `extra` > 0 means over-supplied (shown amber)."""
    if not unit.work_order_id:
        return ZERO, ""
    wo = unit.work_order
    need = (WorkOrderLine.select(fn.SUM(WorkOrderLine.quantity))
            .where(WorkOrderLine.work_order == wo, WorkOrderLine.part == unit.part_id).scalar())
    if not need:
        return ZERO, ""
    used = (WorkOrderTotals.select(WorkOrderTotals.consumed)
            .where(WorkOrderTotals.work_order == wo, WorkOrderTotals.part == unit.part_id).scalar()) or ZERO
    remaining = max(ZERO, Decimal(need) - Decimal(used))
    have = Decimal((Unit.select(fn.SUM(Unit.quantity))
                    .where(Unit.work_order == wo, Unit.part == unit.part_id,
                           Unit.status.in_(("staged", "loaded"))).scalar()) or 0)
    uom = unit.part.uom
    text = (f"Counts for {wo.number}: {fmt_qty(have)} {uom} {unit.part.number} on hand "
            f"for {fmt_qty(remaining)} {uom} still needed.")
    extra = have - remaining
    if extra > 0:
        text = f"{fmt_qty(extra)} {uom} more than it needs. " + text
    return max(ZERO, extra), text


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



def _listed(items, with_part=False):
    """What a machine needs, "; " between the items and "rev" in the reader's language: each item
    but the last carries the separator in its own sentence."""
    said = []
    for i, values in enumerate(items):
        last = i == len(items) - 1
        if with_part:
            said.append(Words("{part} rev {revision} ({orders})", **values) if last else
                        Words("{part} rev {revision} ({orders});", **values))
        else:
            said.append(Words("rev {revision} ({orders})", **values) if last else
                        Words("rev {revision} ({orders});", **values))
    return joined(*said)
