"""Reading the ledger: a unit's history, and the replay that proves current state is right."""
from decimal import Decimal

from peewee import JOIN, SQL, Tuple

from ...store.db import is_postgres
from ...store.models import Entry, Location, Scan, Unit, User, WorkOrder
from ..errors import NotFound

ZERO = Decimal("0")


def history(unit):
    """Every entry of one unit, oldest first: an indexed range on (unit, id), one query."""
    return _entries().where(Entry.unit == unit).order_by(Entry.id)


def page(after=0, limit=500, unit_id=None):
    """The feed: entries after the cursor `after` (the last entry of the previous page; 0: from the
    start), in the order their transactions committed, so following it never skips or repeats one.

    PostgreSQL takes ids at insert and commits in another order: a page holds only rows whose
    transaction is older than every one still running (a later commit cannot sort before them), in
    (txid, id) order. SQLite commits one writer at a time, in id order."""
    txid = Entry.select(Entry.txid).where(Entry.id == after).scalar() if after else 0
    if txid is None:
        raise NotFound("The ledger has no entry {entry}: continue from the previous page's next, "
                       "or from 0.", entry=after)
    query = _entries()
    if unit_id is not None:
        query = query.where(Entry.unit == unit_id)
    if not is_postgres():
        return list(query.where(Entry.id > after).order_by(Entry.id).limit(limit))
    query = query.where(Entry.txid < SQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    if after:
        query = query.where(Tuple(Entry.txid, Entry.id) > Tuple(txid, after))
    return list(query.order_by(Entry.txid, Entry.id).limit(limit))


def settle_restored_rows():
    """After a pg_restore into another PostgreSQL server: rows keep the transaction ids of the
    server that wrote them, and those beyond this server's next id would stay out of the feed until
    its counter passed them. All were committed long ago: they become the feed's first rows, in id
    order (txid 0), as before the feed went by commit order. Returns how many rows changed."""
    if not is_postgres():
        return 0
    beyond = SQL("pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
    return Entry.update(txid=0).where(Entry.txid >= beyond).execute()


def _entries():
    From, To = Location.alias(), Location.alias()
    return (Entry.select(Entry, Unit, From, To, User, WorkOrder, Scan)
            .join(Unit, on=(Entry.unit == Unit.id))
            .switch(Entry).join(From, JOIN.LEFT_OUTER, on=(Entry.from_location == From.id), attr="from_location")
            .switch(Entry).join(To, JOIN.LEFT_OUTER, on=(Entry.to_location == To.id), attr="to_location")
            .switch(Entry).join(User, JOIN.LEFT_OUTER)
            .switch(Entry).join(WorkOrder, JOIN.LEFT_OUTER)
            .switch(Entry).join(Scan, JOIN.LEFT_OUTER))


def verify():
    """Replay the whole ledger and compare with every unit. Returns a list of problems (empty: all
    good). Streams the ledger, so memory grows with the number of units, not of entries."""
    state = {}  # unit id -> [location id, quantity, status, work order id]
    problems = []
    rows = (Entry.select(Entry.id, Entry.unit, Entry.from_location, Entry.to_location, Entry.delta,
                         Entry.status, Entry.work_order)
            .order_by(Entry.unit, Entry.id).tuples().iterator())
    for entry_id, unit_id, from_id, to_id, delta, status, wo_id in rows:
        current = state.get(unit_id)
        if current is None:
            current = state[unit_id] = [None, ZERO, None, None]
        if from_id != current[0]:
            problems.append(f"ledger entry {entry_id}: unit {unit_id} left location {from_id}, "
                            f"but the ledger had it at {current[0]}")
        current[1] += delta
        if current[1] < 0:
            problems.append(f"ledger entry {entry_id}: unit {unit_id} goes below zero ({current[1]})")
        current[0], current[2], current[3] = to_id, status, wo_id

    units = Unit.select(Unit.id, Unit.lpn, Unit.location, Unit.quantity, Unit.status, Unit.work_order)
    for unit_id, lpn, loc_id, qty, status, wo_id in units.tuples().iterator():
        replayed = state.pop(unit_id, None)
        if replayed is None:
            problems.append(f"{lpn}: has no ledger entries")
            continue
        actual = [loc_id, qty, status, wo_id]
        for name, want, got in zip(("location", "quantity", "status", "work order"), replayed, actual):
            if want != got:
                problems.append(f"{lpn}: {name} is {got}, the ledger says {want}")
    for unit_id in state:
        problems.append(f"ledger has entries for unit {unit_id}, which does not exist")
    return problems
