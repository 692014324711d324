"""Every live staging task (open or claimed) can be done: an order's task names an open order,
and the pallet it names fits it (the task's part and revision, not on hold, holding at least what
the task takes, not used up or shipped). A task that names no pallet (its pallet went to another
task) lets the operator bring any fitting one."""
from peewee import JOIN

from ...store.models import Part, StagingTask, Unit, WorkOrder
from ..quantities import fmt_qty
from ..workorders import OPEN_STATUSES

PROMISE = "every open task names an open work order and a pallet that fits it"
GONE = ("empty", "shipped", "shipping")


def broken():
    TaskPart = Part.alias()
    rows = (StagingTask.select(StagingTask.id, StagingTask.kind, StagingTask.quantity, TaskPart.number,
                               TaskPart.revision, TaskPart.uom, WorkOrder.number, WorkOrder.status,
                               Unit.lpn, Unit.part, Unit.status, Unit.quantity, StagingTask.part)
            .join(TaskPart, on=(StagingTask.part == TaskPart.id))
            .switch(StagingTask).join(WorkOrder, JOIN.LEFT_OUTER, on=(StagingTask.work_order == WorkOrder.id))
            .switch(StagingTask).join(Unit, JOIN.LEFT_OUTER, on=(StagingTask.unit == Unit.id))
            .where(StagingTask.state.in_(("open", "claimed"))).order_by(StagingTask.id).tuples())
    found = []
    for (task_id, kind, qty, number, revision, uom, order, order_status, lpn, unit_part, unit_status, unit_qty,
         task_part) in rows:
        task = f"task {task_id} ({fmt_qty(qty)} {uom} {number} rev {revision or '-'})"
        if kind == "order" and order is None:
            found.append(f"{task}: names no work order")
        elif kind == "order" and order_status not in OPEN_STATUSES:
            found.append(f"{task}: work order {order} is {order_status}")
        if lpn is None:
            continue
        if unit_part != task_part:
            found.append(f"{task}: unit {lpn} is another part or revision")
        if unit_status == "hold":
            found.append(f"{task}: unit {lpn} is on QC hold")
        elif unit_status in GONE:
            found.append(f"{task}: unit {lpn} is {unit_status}")
        elif unit_qty < qty:
            found.append(f"{task}: unit {lpn} holds only {fmt_qty(unit_qty)} {uom}")
    return found
