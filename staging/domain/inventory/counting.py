"""Booking a count's difference: the one verb a count changes stock with (ledger kind `count`).

A line of a count names a pallet (or a find that is not in the books yet), what the books expected
when it was scanned, and what the counters found. Booking writes one ledger row per line, with the
count's id in its reason, and the line keeps the row's id: `check` ties every count row to the line
that explains it (promises/counts)."""
from ...store.db import locked
from ...store.models import CountLine, CountTask, Unit, utcnow
from .. import codes
from ..quantities import ZERO
from .lookups import new_lpn
from .machinery import verb


def reason_of(count_id):
    """The reason every ledger row of a count carries."""
    return f"count {count_id}"


@verb("count")
def book_count(book, line_id, approved_by=None):
    """Book one line of a count: a quantity difference of a pallet here, a pallet found here that
    the books have elsewhere, a pallet not found (booked out), or a find that becomes a new unit."""
    line = CountLine.get_by_id(line_id)
    task = CountTask.get_by_id(line.task_id)
    found = line.recounted if line.recounted is not None else line.counted
    if line.unit_id is None:
        unit = Unit.create(lpn=new_lpn(), part=line.part_id, lot=line.lot, quantity=ZERO, status="stock",
                           location=None, created_at=book.ctx.at or utcnow())
        codes.register(unit, unit.lpn)
        line.unit = unit
        delta, to = found, task.location
    else:
        unit = locked(Unit.select().where(Unit.id == line.unit_id)).get()
        if line.expected is None or found == ZERO or unit.status == "empty":
            # Not in the books here, not found, or used up meanwhile: the books take the count as it is.
            delta, to = found - unit.quantity, (task.location if found > ZERO else book.KEEP)
        else:
            delta, to = max(line.variance, -unit.quantity), book.KEEP  # as of the scan, on what is there now
    entry = book.record(unit, "count", to=to, delta=delta, quantity=abs(delta) or found,
                        reason=reason_of(line.count_id))
    line.variance, line.state, line.entry = delta, "booked", entry
    if approved_by is not None:
        line.approved_by = approved_by
    line.save()
    return unit
