"""Work orders sent by another system (planning's ERP, an MES): PUT creates or replaces one with
its material and machines, PATCH changes its status, due date or quantity. The rules are the ERP
import's (staging/domain/workorders/inbound.py); who may is who may import work orders."""
from flask import g, jsonify

from ..domain import workorders
from ..domain.workorders import inbound
from . import api, plant, schemas, schemas_workorders, serial
from .apispec import Responses, responses, spec
from .schemas import Problem

# Created (201) or replaced (200): the same order either way.
PUT_ANSWERS = Responses(HTTP_200=schemas.WorkOrderDetail, HTTP_201=schemas.WorkOrderDetail,
                        **{f"HTTP_{code}": Problem for code in (401, 403, 409, 422)})


def _answer(wo, status):
    response = jsonify(serial.work_order(wo, lines=workorders.order_lines(wo)))
    response.status_code = status
    return response


@api.bp.put("/work-orders/<number>")
@api.token_required
@spec.validate(json=schemas_workorders.WorkOrderIn,
               resp=PUT_ANSWERS, tags=["work orders"])
def put_work_order(number, json: schemas_workorders.WorkOrderIn):
    """Create work order `number` (201), or replace it whole (200): product, quantity, machines,
    status, due date and material lines, as a row group of the ERP import does (lead or admin).
    409 when it is closed, or when the replacement drops a material line it has already consumed or
    changes the product it has reported output of; 422 for a part that does not exist (unless
    `create_parts`), a bad quantity or an unknown machine, each named."""
    json = api.body(json)
    order = json.model_dump(exclude={"revision", "due_at", "create_parts", "lines"})
    order.update(product_rev=json.revision, due=json.due_at, lines=[line.model_dump() for line in json.lines])
    wo, new = inbound.replace(g.user, number, order, plant.zone(), create_parts=json.create_parts)
    return _answer(wo, 201 if new else 200)


@api.bp.patch("/work-orders/<number>")
@api.token_required
@spec.validate(json=schemas_workorders.WorkOrderChange,
               resp=responses(200, schemas.WorkOrderDetail, 403, 404, 409, 422), tags=["work orders"])
def patch_work_order(number, json: schemas_workorders.WorkOrderChange):
    """Change the fields sent of a work order: its status (done or closed ends its open staging
    tasks; material still at the line stays, as when a lead closes it), due date, quantity."""
    changes = api.body(json).model_dump(exclude_unset=True)
    if "due_at" in changes:
        changes["due"] = changes.pop("due_at")
    return _answer(inbound.change(g.user, number, changes, plant.zone()), 200)
