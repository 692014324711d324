"""Output and yield of a work order, and what was used for it."""
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN

from ...store.db import write_transaction
from ...store.models import (
    Entry,
    Location,
    OutputRecord,
    OutputUnit,
    Part,
    Unit,
    User,
    WorkOrder,
    WorkOrderLine,
    WorkOrderTotals,
    utcnow,
)
from ..errors import Invalid
from ..people.permissions import authorize
from ..quantities import ZERO, parse_quantity
from ..words import Words
from .coverage import LineView, machine_view
from .material import OPEN_STATUSES


def report_output(user, wo, good, rejected="0", note="", machine=None, at=None):
    """Rejected product reported for a work order, with a reason (append-only records). Good output
    is an output unit (inventory.produce); a good quantity here counts as well, for product that
    is not handled on pallets."""
    authorize(user, "report_output")
    good = parse_quantity(good or "0", allow_zero=True, what=Words("Good quantity"))
    rejected = parse_quantity(rejected or "0", allow_zero=True, what=Words("Rejected quantity"))
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
    extra: list
    units: list  # the output units, newest first  # totals for parts the order does not list (wrong material used up)

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
                              wasted=t.wasted if t else ZERO, open=wo.status in OPEN_STATUSES))
    outputs = list(OutputRecord.select().where(OutputRecord.work_order == wo).order_by(OutputRecord.at.desc()))
    units = output_units(wo)
    good = sum((o.quantity for o in units), ZERO) + sum((o.good for o in outputs), ZERO)
    return Summary(wo, lines, good, sum((o.rejected for o in outputs), ZERO), outputs, list(totals.values()), units)


def output_units(wo):
    """The good output of an order: its output units with where each is now, newest first."""
    return list(OutputUnit.select(OutputUnit, Unit, Location, User)
                .join(Unit, on=(OutputUnit.unit == Unit.id))
                .join(Location, JOIN.LEFT_OUTER, on=(Unit.location == Location.id))
                .switch(OutputUnit).join(User, JOIN.LEFT_OUTER, on=(OutputUnit.user == User.id))
                .where(OutputUnit.work_order == wo).order_by(OutputUnit.id.desc()))


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


def hold_history(unit):
    """Who put a unit on QC hold or released it, and why, newest first (indexed on unit)."""
    return list(Entry.select(Entry, User).join(User, JOIN.LEFT_OUTER)
                .where(Entry.unit == unit, Entry.kind.in_(("hold", "release")))
                .order_by(Entry.id.desc()))


def lines_of(wo):
    return list(WorkOrderLine.select(WorkOrderLine, Part).join(Part)
                .where(WorkOrderLine.work_order == wo).order_by(WorkOrderLine.id))
