"""Whether a unit is material a work order needs, and which machines the order runs on."""
from ...store.models import Location, WorkOrderLine, WorkOrderMachine
from ..errors import Invalid

OPEN_STATUSES = ("planned", "released", "running")


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
