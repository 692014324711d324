"""Creating and editing work orders: a draft from form or CSV fields, checked, then written."""
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from peewee import JOIN

from ...store.db import write_transaction
from ...store.models import (
    WORK_ORDER_STATUSES,
    Location,
    OutputRecord,
    OutputUnit,
    Part,
    WorkOrder,
    WorkOrderLine,
    WorkOrderMachine,
    WorkOrderTotals,
)
from .. import codes, events, readings
from ..errors import Invalid, NotFound
from ..people.permissions import authorize
from ..quantities import ZERO, parse_quantity
from ..words import Words
from . import closing

REVISION = re.compile(r"^[A-Z0-9._-]{0,16}$")
UOM = re.compile(r"^[A-Za-z0-9]{1,8}$")


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
    """field -> message (Words: the web says them in the reader's language); the form shows each next
    to its field."""


def _text(value):
    return codes.clean(value if value is not None else "")


def _code(value, what, errors, key, required=True):
    text = _text(value)
    if not text:
        if required:
            errors[key] = Words("{what} is missing.", what=what)
        return ""
    try:
        return codes.check_own_code(text, what)
    except Invalid as err:
        errors[key] = err.words
        return ""


def _revision(value, errors, key):
    text = _text(value).upper()
    if not REVISION.match(text):
        errors[key] = Words("Revision “{revision}” must be up to 16 letters, digits, - . _", revision=codes.shown(text))
        return ""
    return text


def _quantity(value, what, errors, key):
    try:
        return parse_quantity(value, what=what)
    except Invalid as err:
        errors[key] = err.words
        return ZERO


def _due(value, zone, errors, key):
    """Due as written: 2025-03-31 14:00, or the reader's way (31.12.2026 14:00), in plant time."""
    text = _text(value)
    if not text:
        return None
    try:
        local = readings.moment(text)
    except Invalid:
        errors[key] = Words("Due “{due}” must be a date like 2025-03-31 or 2025-03-31 14:00.", due=codes.shown(text))
        return None
    return local.replace(tzinfo=zone).astimezone(datetime.timezone.utc).replace(tzinfo=None)


def parse_draft(fields, lines, zone, existing=None):
    """A work order from form or CSV fields, checked. Returns (draft, errors). Looks up, never writes.

    fields: number, product, product_rev, quantity, machines (codes separated by spaces or
    commas), output_station, status, due. lines: dicts with part, revision, quantity, uom."""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    errors = Errors()
    d = Draft()
    d.number = existing.number if existing is not None else _new_number(fields.get("number"), errors)
    d.product = _code(fields.get("product"), Words("Product part number"), errors, "product")
    d.product_rev = _revision(fields.get("product_rev"), errors, "product_rev")
    if d.product:
        d.product_part = Part.get_or_none(Part.number == d.product, Part.revision == d.product_rev)
    d.quantity = _quantity(fields.get("quantity"), Words("Quantity"), errors, "quantity")
    d.machines = _machines(fields.get("machines"), errors)
    d.output = _output_station(fields.get("output_station"), errors)
    d.status = _text(fields.get("status")).lower() or "planned"
    if d.status not in WORK_ORDER_STATUSES:
        errors["status"] = Words("Status must be one of {statuses}.", statuses=", ".join(WORK_ORDER_STATUSES))
    d.due_at = _due(fields.get("due"), zone, errors, "due")
    d.lines = _line_drafts(lines, errors)
    if not d.lines and not any(k.startswith("line") for k in errors):
        errors["lines"] = Words("List at least one material line.")
    if existing is not None:
        _keep_history(d, existing, errors)
    return d, errors


def _keep_history(d, wo, errors):
    """What an order already used and made stays its own: a change may not drop a material line it
    has consumed or scrapped, nor change the product it has reported output of. Quantities, machines,
    due date and status may change; the consumption stays on the ledger either way."""
    used = (Part.select(Part.number, Part.revision).join(WorkOrderTotals, on=(WorkOrderTotals.part == Part.id))
            .where(WorkOrderTotals.work_order == wo,
                   (WorkOrderTotals.consumed != 0) | (WorkOrderTotals.wasted != 0))
            .order_by(Part.number, Part.revision).tuples())
    kept = {(ld.number, ld.revision) for ld in d.lines}
    dropped = [f"{number} rev {revision or '—'}" for number, revision in used if (number, revision) not in kept]
    if dropped:
        errors["history"] = Words("Work order {order} has already used {parts}: that material line stays (its "
                                  "quantity may change).", order=wo.number, parts=", ".join(dropped))
    made = (OutputRecord.select().where(OutputRecord.work_order == wo).exists()
            or OutputUnit.select().where(OutputUnit.work_order == wo).exists())
    checked = not {"product", "product_rev"} & errors.keys()
    if made and wo.part_id and checked and (d.product, d.product_rev) != (wo.part.number, wo.part.revision):
        errors["product"] = Words("Work order {order} has already reported output of {product}: its product "
                                  "stays.", order=wo.number, product=wo.part.label)


def _new_number(value, errors):
    number = _code(value, Words("Work order number"), errors, "number")
    if number and WorkOrder.select().where(WorkOrder.number == number).exists():
        errors["number"] = Words("Work order {order} already exists.", order=number)
    return number


def _machines(value, errors):
    """The machines named, first one first, each once."""
    machines = []
    for code in re.split(r"[\s,;|]+", _text(value)):
        if not code:
            continue
        loc = codes.find_location(code)
        if loc is None or loc.kind != "machine":
            errors["machines"] = Words("“{code}” is not a machine.", code=codes.shown(code))
        elif loc not in machines:
            machines.append(loc)
    if not machines and "machines" not in errors:
        errors["machines"] = Words("Name at least one machine.")
    return machines


def _output_station(value, errors):
    code = _text(value)
    if not code:
        return None
    station = codes.find_location(code)
    if station is None or station.kind != "output":
        errors["output_station"] = Words("“{code}” is not an output station.", code=codes.shown(code))
    return station


def _line_drafts(lines, errors):
    """The material lines; a line's errors go under "line<i>", i its index among all rows given
    (blank rows included), so the form and the CSV import can show each next to its row."""
    drafts, seen = [], set()
    for i, raw in enumerate(lines):
        if not any(_text(raw.get(k)) for k in ("part", "revision", "quantity")):
            continue  # a blank row of the form
        key = f"line{i}"
        line = _line_draft(raw, errors, key)
        if key not in errors and (line.number, line.revision) in seen:  # not over the line's own refusal
            errors[key] = Words("{part} rev {revision} is listed twice.", part=line.number, revision=line.revision)
        seen.add((line.number, line.revision))
        drafts.append(line)
    return drafts


def _line_draft(raw, errors, key):
    number = _code(raw.get("part"), Words("Material part number"), errors, key)
    revision = _revision(raw.get("revision"), errors, key)
    what = Words("Quantity of {part}", part=number) if number else Words("Quantity of the material")
    qty = _quantity(raw.get("quantity"), what, errors, key)
    uom = _text(raw.get("uom"))
    if uom and not UOM.match(uom):
        errors[key] = Words("Unit of measure “{uom}” must be 1 to 8 letters or digits.", uom=codes.shown(uom))
    part = Part.get_or_none(Part.number == number, Part.revision == revision) if number else None
    if part is not None and uom and uom.lower() != part.uom.lower():
        errors[key] = Words("{part} is counted in {uom}, not {given}.", part=part.label, uom=part.uom, given=uom)
    return LineDraft(number, revision, qty, part.uom if part else (uom or "ea"), part)


def _part(number, revision, uom="ea", description=""):
    part, _ = Part.get_or_create(number=number, revision=revision,
                                 defaults={"uom": uom, "description": description})
    return part


def _write(draft, existing=None):
    product = draft.product_part or _part(draft.product, draft.product_rev)
    wo = existing or WorkOrder(number=draft.number)
    was = existing.status if existing is not None else None
    wo.part, wo.quantity, wo.status, wo.due_at = product, draft.quantity, draft.status, draft.due_at
    closing.on_status_change(wo, was)
    wo.machine = draft.machines[0]
    wo.output_station = draft.output
    wo.save()
    if wo.status != was:
        events.emit(*events.work_order_event(wo, was))
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
        # The fields' own refusals are said next to each field; this whole sentence lists them in English.
        super().__init__(Words("Please correct the marked fields: {problems}",
                               problems=" ".join(map(str, errors.values()))))
        self.errors = errors


def get(number):
    wo = WorkOrder.get_or_none(WorkOrder.number == codes.normalise(number or ""))
    if wo is None:
        raise NotFound("No work order “{number}”.", number=codes.shown(number or ''))
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
