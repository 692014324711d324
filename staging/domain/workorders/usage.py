"""Consumed and wasted per work order and part: kept by the verbs, checked against the ledger."""
from collections import defaultdict
from decimal import Decimal

from peewee import JOIN, fn

from ...store.models import Entry, Unit, WorkOrderTotals
from ..quantities import ZERO


def count_usage(entry, part_id):
    """Add a consume or scrap ledger row (or its reversal, with the opposite delta) to its work
    order's totals. Called by the verbs inside their transaction: one upsert of one row."""
    kind, wo_id = entry.kind, entry.work_order_id
    if kind == "undo" and entry.reverses_id:  # an operator's undo of a consume or scrap
        kind, wo_id = (Entry.select(Entry.kind, Entry.work_order)
                       .where(Entry.id == entry.reverses_id).tuples().get())
    if wo_id is None or kind not in ("consume", "scrap"):
        return
    amount = -entry.delta
    column = WorkOrderTotals.consumed if kind == "consume" else WorkOrderTotals.wasted
    row = {"work_order": wo_id, "part": part_id, "consumed": ZERO, "wasted": ZERO}
    row[column.name] = amount
    (WorkOrderTotals.insert(**row)
     .on_conflict(conflict_target=[WorkOrderTotals.work_order, WorkOrderTotals.part],
                  update={column: column + amount})
     .execute())


def _places(value):
    """SQLite adds and sums a decimal column in floating point (0.1 + 0.2 is 0.30000000000000004,
    in the totals' upsert and in SUM): back to the three places every quantity has."""
    return Decimal(value).quantize(Decimal("0.001"))


def verify_totals():
    """Compare WorkOrderTotals with sums over the ledger (a full scan: for `check` and tests)."""
    sums = defaultdict(lambda: [ZERO, ZERO])
    Original = Entry.alias()
    kind = fn.COALESCE(Original.kind, Entry.kind)  # an undo counts as what it undid
    wo = fn.COALESCE(Original.work_order, Entry.work_order)
    rows = (Entry.select(wo, Unit.part, kind, fn.SUM(Entry.delta))
            .join(Unit, on=(Entry.unit == Unit.id))
            .switch(Entry).join(Original, JOIN.LEFT_OUTER,
                                on=((Entry.reverses == Original.id) & (Entry.kind == "undo")))
            .where(Entry.kind.in_(("consume", "scrap", "undo")))
            .group_by(wo, Unit.part, kind).tuples())
    for wo_id, part_id, kind, total in rows:
        if kind in ("consume", "scrap") and wo_id is not None:
            sums[wo_id, part_id][0 if kind == "consume" else 1] -= _places(total)
    problems = []
    for t in WorkOrderTotals.select():
        want = sums.pop((t.work_order_id, t.part_id), [ZERO, ZERO])
        if [_places(t.consumed), _places(t.wasted)] != want:
            problems.append(f"work order {t.work_order_id} part {t.part_id}: totals say "
                            f"{t.consumed}/{t.wasted}, the ledger {want[0]}/{want[1]}")
    for (wo_id, part_id), want in sums.items():
        if want != [ZERO, ZERO]:
            problems.append(f"work order {wo_id} part {part_id}: no totals, the ledger {want}")
    return problems
