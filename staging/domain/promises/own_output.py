"""An order's own output is not its material: an output pallet made for a work order is never
counted as material staged or loaded for it (nor as wrong material) on its machine's page and
board, never consumed for it, and never an input of its own genealogy."""
from collections import defaultdict

from ...store.models import Entry, Genealogy, Location, OutputUnit, Unit, WorkOrder, WorkOrderMachine
from ..workorders import OPEN_STATUSES, coverage

PROMISE = "an order's own output units are never counted, consumed or traced as its input"


def broken():
    return _counted() + _consumed() + _traced()


def _counted():
    """What the machine page, the board and the planner read (workorders.coverage)."""
    own = defaultdict(set)  # work order id -> its output units still in the plant
    for unit_id, wo_id in (OutputUnit.select(OutputUnit.unit, OutputUnit.work_order)
                           .join(Unit, on=(OutputUnit.unit == Unit.id))
                           .join(WorkOrder, on=(OutputUnit.work_order == WorkOrder.id))
                           .where(Unit.status != "empty", WorkOrder.status.in_(OPEN_STATUSES)).tuples()):
        own[wo_id].add(unit_id)
    if not own:
        return []
    machine_ids = {m for (m,) in WorkOrder.select(WorkOrder.machine).where(WorkOrder.id.in_(list(own))).tuples() if m}
    machine_ids |= {m for (m,) in WorkOrderMachine.select(WorkOrderMachine.machine)
                    .where(WorkOrderMachine.work_order.in_(list(own))).tuples()}
    found = []
    for view in coverage(Location.select().where(Location.id.in_(list(machine_ids)))).values():
        for ov in view.orders:
            for uv in ov.units:
                if uv.unit.id in own.get(ov.wo.id, ()):
                    where = uv.unit.location.code if uv.unit.location_id else "nowhere"
                    said = f" as wrong material ({uv.problem})" if uv.problem else ""
                    found.append(f"unit {uv.unit.lpn}, output of {ov.wo.number}, is counted for it at {where} "
                                 f"on {view.machine.code}{said}")
    return sorted(set(found))


def _consumed():
    rows = (Entry.select(Entry.id, Unit.lpn, WorkOrder.number)
            .join(OutputUnit, on=((OutputUnit.unit == Entry.unit) & (OutputUnit.work_order == Entry.work_order)))
            .switch(Entry).join(Unit, on=(Entry.unit == Unit.id))
            .switch(Entry).join(WorkOrder, on=(Entry.work_order == WorkOrder.id))
            .where(Entry.kind == "consume", Entry.reverses.is_null()).order_by(Entry.id).tuples())
    return [f"ledger entry {eid}: unit {lpn}, output of {number}, consumed for {number}" for eid, lpn, number in rows]


def _traced():
    Made, Input = OutputUnit.alias(), Unit.alias()
    rows = (Genealogy.select(Unit.lpn, Input.lpn, WorkOrder.number)
            .join(Made, on=(Made.unit == Genealogy.output))
            .join(OutputUnit, on=((OutputUnit.unit == Genealogy.input) & (OutputUnit.work_order == Made.work_order)))
            .switch(Genealogy).join(Unit, on=(Genealogy.output == Unit.id))
            .switch(Genealogy).join(Input, on=(Genealogy.input == Input.id))
            .switch(Genealogy).join(WorkOrder, on=(Made.work_order == WorkOrder.id)).tuples())
    return [f"output {out}: made from {inp}, an output of its own order {number}" for out, inp, number in rows]
