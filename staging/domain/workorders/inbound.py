"""Work orders sent by another system (the API's PUT and PATCH): the ERP import's rules, one order at
a time. The same draft and checks (drafts.parse_draft), the same writing (drafts._write: a change of
status ends or keeps the order's tasks as closing.on_status_change says), and what the import
refuses is refused here: a closed order is not changed, a part that does not exist is not made up
unless asked, and what an order already used or made stays its own (drafts._keep_history).

Not re-exported from the package: it asks the task planner to look again, and the planner reads
work orders."""
import datetime
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from ...store.db import locked, write_transaction
from ...store.models import WorkOrder, WorkOrderLine, WorkOrderMachine
from .. import codes
from ..errors import Conflict, Invalid
from ..people.permissions import authorize
from ..quantities import fmt_qty
from ..tasks.places import look_again
from ..words import Words, joined
from .drafts import _write, get, parse_draft

PATCHABLE = ("status", "due", "quantity")
PAST = "history"  # the order's own past stands in the way, not the request's words: 409


def replace(user, number, order, zone, create_parts=False):
    """Create work order `number`, or replace it whole: its product, quantity, machines, output
    station, status, due date and material lines (`order`: a dict of those, `lines` a list of dicts
    with part, revision, quantity, uom). Returns (the order, whether it is new)."""
    authorize(user, "work_orders")
    try:
        return _replace(number, order, zone, create_parts)
    except IntegrityError:
        # Two requests created the same new order at once (PostgreSQL lets both find none): the
        # later one now finds the first one's order, and replaces it as if it had come second.
        return _replace(number, order, zone, create_parts)


def _replace(number, order, zone, create_parts):
    with write_transaction():
        existing = _current(number)
        if existing is not None and existing.status == "closed":
            raise Conflict("Work order {order} is closed: it is not changed any more (the ERP import leaves it "
                           "as it is too).", order=existing.number)
        fields = {**{k: order.get(k) for k in ("product", "product_rev", "quantity", "output_station", "status")},
                  "number": number, "machines": " ".join(order.get("machines") or ()),
                  "due": _due_text(order.get("due"), zone)}
        draft = _checked(fields, order.get("lines") or [], zone, existing)
        new_parts = _new_parts(draft)
        if new_parts and not create_parts:
            raise Invalid("{parts}: no such part. Create it first (POST /api/parts), or send “create_parts”: "
                          "true. Nothing was saved.", parts=", ".join(new_parts))
        before = _machine_ids(existing)
        wo = _write(draft, existing)
        look_again(before | _machine_ids(wo))
    return wo, existing is None


def change(user, number, changes, zone):
    """Change what `changes` holds of an existing order: its status, due date, quantity. The rest
    stays as it is; the checks are those of a whole replacement."""
    authorize(user, "work_orders")
    unknown = sorted(set(changes) - set(PATCHABLE))
    if unknown:
        raise Invalid("Only {fields} of a work order change this way; send the whole order with PUT for the rest.",
                      fields=", ".join(PATCHABLE))
    with write_transaction():
        wo = _current(number)
        if wo is None:
            get(number)  # raises: no such work order
        fields, lines = _as_sent(wo, zone)
        fields.update({k: v for k, v in changes.items() if k != "due" and v is not None})  # null: as it is
        if "due" in changes:
            fields["due"] = _due_text(changes["due"], zone)
        draft = _checked(fields, lines, zone, wo)
        before = _machine_ids(wo)
        _write(draft, wo)
        look_again(before)
    return wo


def _current(number):
    """The order, its row locked until the transaction ends (two integrations sending it at once
    write one after the other); None when there is none."""
    return locked(WorkOrder.select().where(WorkOrder.number == codes.normalise(number or ""))).first()


def _checked(fields, lines, zone, existing):
    draft, errors = parse_draft(fields, lines, zone, existing)
    if list(errors) == [PAST]:
        raise Conflict("{problem} Nothing was saved.", problem=errors[PAST])
    if errors:
        said = [Words("{field}: {problem}", field=_field(key), problem=words) for key, words in errors.items()]
        raise Invalid("The work order was not saved: {problems}", problems=joined(*said))
    return draft


def _field(key):
    """An error's key as the request names the field: line3 is lines[3], product_rev stays."""
    return f"lines[{key[4:]}]" if key.startswith("line") and key[4:].isdigit() else key


def _new_parts(draft):
    found = [] if draft.product_part else [(draft.product, draft.product_rev)]
    found += [(ld.number, ld.revision) for ld in draft.lines if not ld.part]
    return [f"{n} rev {r}" if r else n for n, r in dict.fromkeys(found)]


def _machine_ids(wo):
    if wo is None:
        return set()
    more = WorkOrderMachine.select(WorkOrderMachine.machine).where(WorkOrderMachine.work_order == wo).tuples()
    return {wo.machine_id, *(m for (m,) in more)} - {None}


def _as_sent(wo, zone):
    """The order as fields and lines a replacement would send, so a change of one field is checked
    as the whole order."""
    machines = [wo.machine.code] if wo.machine_id else []
    machines += [m.machine.code for m in WorkOrderMachine.select().where(WorkOrderMachine.work_order == wo)
                 .order_by(WorkOrderMachine.id)]
    fields = {"product": wo.part.number if wo.part_id else "", "product_rev": wo.part.revision if wo.part_id else "",
              "quantity": fmt_qty(wo.quantity), "machines": " ".join(machines), "status": wo.status,
              "output_station": wo.output_station.code if wo.output_station_id else "",
              "due": _due_text(wo.due_at.replace(tzinfo=datetime.timezone.utc) if wo.due_at else None, zone)}
    lines = [{"part": line.part.number, "revision": line.part.revision, "quantity": fmt_qty(line.quantity),
              "uom": line.part.uom} for line in wo.lines.order_by(WorkOrderLine.id)]
    return fields, lines


def _due_text(value, zone):
    """A due date as the draft reads it (plant time): a moment with its offset is turned into plant
    time; a date or a moment without one is plant time already."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        value = value.astimezone(zone).replace(tzinfo=None)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value or ""
