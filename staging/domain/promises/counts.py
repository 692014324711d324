"""Every ledger row of kind `count` belongs to a count whose lines explain it: exactly one booked
line names the row, the row's reason names that line's count, and the row changed the pallet by
the line's difference; and every line said booked names its row."""
from peewee import JOIN

from ...store.models import CountLine, Entry
from ..inventory.counting import reason_of
from ..quantities import fmt_qty

PROMISE = "every count row on the ledger is explained by a booked line of its count"


def broken():
    found = []
    rows = (Entry.select(Entry.id, Entry.delta, Entry.reason, CountLine.id, CountLine.count, CountLine.state,
                         CountLine.variance)
            .join(CountLine, JOIN.LEFT_OUTER, on=(CountLine.entry == Entry.id))
            .where(Entry.kind == "count").order_by(Entry.id).tuples())
    for entry_id, delta, reason, line_id, count_id, state, variance in rows:
        row = f"ledger row {entry_id} (count, {fmt_qty(delta)})"
        if line_id is None:
            found.append(f"{row}: no count line names it")
            continue
        if reason != reason_of(count_id):
            found.append(f"{row}: says “{reason}”, but its line {line_id} is of count {count_id}")
        if state != "booked":
            found.append(f"{row}: its line {line_id} of count {count_id} is {state}, not booked")
        if variance != delta:
            found.append(f"{row}: changed the pallet by {fmt_qty(delta)}, its line {line_id} of count {count_id} "
                         f"by {fmt_qty(variance)}")
    unbooked = (CountLine.select(CountLine.id, CountLine.count).where(CountLine.state == "booked",
                                                                     CountLine.entry.is_null()).tuples())
    for line_id, count_id in unbooked:
        found.append(f"count {count_id} line {line_id}: booked, but no ledger row")
    return found
