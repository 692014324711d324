"""Events of the planning side: a staging task made, taken, done; a work order's status changed;
master data (places, parts, people, settings) changed. Each is written by the code that makes the
change, inside its transaction."""
from peewee import JOIN

from ...store.models import Location, Part, StagingTask, Unit, User, WorkOrder
from ..quantities import fmt_qty

Machine, From, To, Holder = Location.alias(), Location.alias(), Location.alias(), User.alias()


def _number(qty):
    text = fmt_qty(qty)
    return int(text) if "." not in text else float(text)


def _iso(value):
    return value.isoformat(timespec="seconds") + "Z" if value else None


def task_events(type, task_ids, by=None):
    """(type, subject, data, time) for each staging task, read with its codes in one query. The
    subject is the task's number; data names the part, the places and the pallet as the floor does."""
    rows = (StagingTask.select(StagingTask.id, StagingTask.kind, StagingTask.state, StagingTask.quantity,
                               StagingTask.whole, StagingTask.updated_at, Part.number, Part.revision, Part.uom,
                               Unit.lpn, WorkOrder.number, Machine.code, From.code, To.code, Holder.username)
            .join(Part, on=(StagingTask.part == Part.id))
            .switch(StagingTask).join(Unit, JOIN.LEFT_OUTER, on=(StagingTask.unit == Unit.id))
            .switch(StagingTask).join(WorkOrder, JOIN.LEFT_OUTER, on=(StagingTask.work_order == WorkOrder.id))
            .switch(StagingTask).join(Machine, on=(StagingTask.machine == Machine.id))
            .switch(StagingTask).join(From, JOIN.LEFT_OUTER, on=(StagingTask.from_location == From.id))
            .switch(StagingTask).join(To, on=(StagingTask.to_location == To.id))
            .switch(StagingTask).join(Holder, JOIN.LEFT_OUTER, on=(StagingTask.claimed_by == Holder.id))
            .where(StagingTask.id.in_(list(task_ids))).order_by(StagingTask.id).tuples())
    found = []
    for (task_id, kind, state, qty, whole, at, part, revision, uom, lpn, wo, machine, source, to,
         holder) in rows:
        data = {"task": task_id, "kind": kind, "state": state, "work_order": wo, "machine": machine,
                "part": part, "revision": revision, "uom": uom, "qty": _number(qty), "whole": bool(whole),
                "unit": lpn, "from": source, "to": to, "by": by.username if by is not None else holder}
        found.append((type, str(task_id), data, at))
    return found


def work_order_event(wo, was):
    """A work order's status changed (`was` None: the order is new)."""
    part = wo.part
    data = {"work_order": wo.number, "from": was, "to": wo.status, "product": part.number if part else None,
            "revision": part.revision if part else None, "quantity": _number(wo.quantity),
            "machine": wo.machine.code if wo.machine_id else None, "due_at": _iso(wo.due_at)}
    return "work_order.status_changed", wo.number, data


def master_data_event(kind, code, before, after, user):
    """A place, part, user or setting created or changed: the audited fields before and after."""
    data = {"kind": kind, "code": code, "change": "created" if before is None else "changed",
            "before": before, "after": after, "by": user.username if user is not None else None}
    return "master_data.changed", code, data
