"""Work orders: what they need, and whether a unit is the right material for one."""
from .errors import Invalid
from .models import WorkOrderLine

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
