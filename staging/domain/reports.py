"""Reports: CSV exports streamed from the ledger and the units, summaries per work order,
machine and shift, waste by reason, moves per hour, and the shift report.

Exports read the ledger in keyset-paginated chunks over the indexed `at` column (each chunk with
peewee's .iterator()), so a year of ledger never sits in memory, on SQLite or PostgreSQL (whose
driver would otherwise fetch a whole result set at once)."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN, fn

from ..store.db import is_postgres
from ..store.models import Entry, Location, Part, Unit, User, WorkOrder, utcnow
from . import logbook, workorders
from .machines.downtime import downtime_rows
from .spreadsheets import CsvStyle, csv_stream, neutralise, xlsx_file  # noqa: F401 (the exports' writers)

ZERO = Decimal("0")
CHUNK = 2000
MOVE_KINDS = ("receive", "move", "stage", "load", "unload", "split", "hold", "release", "undo")
MAX_RANGE_DAYS = 400
CORRECTION_GAP = datetime.timedelta(seconds=5)


def _chunks(query_for, order):
    """Keyset pagination: `query_for(after)` gives the rows after a key, in `order`."""
    after = None
    while True:
        n = 0
        for row in query_for(after).order_by(*order).limit(CHUNK).tuples().iterator():
            n += 1
            after = row
            yield row
        if n < CHUNK:
            return


def _ledger(start, end, kinds):
    From, To = Location.alias(), Location.alias()
    Original = Entry.alias()

    def query(after):
        q = (Entry.select(Entry.at, Entry.id, Entry.kind, Unit.lpn, Part.number, Part.revision, Entry.quantity,
                          Entry.delta, Part.uom, From.code, To.code, WorkOrder.number, User.username,
                          Entry.device, Entry.reason, Original.reason, Entry.reverses, Original.at)
             .join(Unit, on=(Entry.unit == Unit.id)).join(Part)
             .switch(Entry).join(From, JOIN.LEFT_OUTER, on=(Entry.from_location == From.id))
             .switch(Entry).join(To, JOIN.LEFT_OUTER, on=(Entry.to_location == To.id))
             .switch(Entry).join(WorkOrder, JOIN.LEFT_OUTER)
             .switch(Entry).join(User, JOIN.LEFT_OUTER)
             .switch(Entry).join(Original, JOIN.LEFT_OUTER, on=(Entry.reverses == Original.id))
             .where(Entry.at >= start, Entry.at < end, Entry.kind.in_(kinds)))
        if after is not None:
            q = q.where((Entry.at > after[0]) | ((Entry.at == after[0]) & (Entry.id > after[1])))
        return q
    return _chunks(query, (Entry.at, Entry.id))


def _shift_name(cal, at):
    found = cal.at(at)
    return f"{found[0]:%Y-%m-%d} {found[1].name}" if found else ""


def _iso(cal, at):
    """A time as the plant's clock showed it (naive, whole seconds): a date cell in a workbook,
    `2026-12-04 07:54:19` in a CSV."""
    return cal.local(at).replace(tzinfo=None, microsecond=0)


def moves_rows(start, end, cal):
    header = ["time", "entry", "kind", "lpn", "part", "revision", "quantity", "uom", "from", "to",
              "work_order", "user", "device"]
    rows = ((_iso(cal, at), eid, kind, lpn, part, rev, qty, uom, frm or "", to or "", wo or "", user or "", dev)
            for at, eid, kind, lpn, part, rev, qty, delta, uom, frm, to, wo, user, dev, *_ in
            _ledger(start, end, MOVE_KINDS))
    return header, rows


def consumption_rows(start, end, cal):
    header = ["time", "shift", "entry", "lpn", "part", "revision", "consumed", "uom", "machine",
              "work_order", "user", "note", "reverses"]
    rows = ((_iso(cal, at), _shift_name(cal, at), eid, lpn, part, rev, -delta, uom, frm or "", wo or "",
             user or "", reason, rev_id or "")
            for at, eid, kind, lpn, part, rev, qty, delta, uom, frm, to, wo, user, dev, reason, _, rev_id, _ in
            _ledger(start, end, ("consume",)))
    return header, rows


def waste_rows(start, end, cal):
    header = ["time", "shift", "entry", "lpn", "part", "revision", "wasted", "uom", "location",
              "work_order", "reason", "user", "note", "reverses"]
    rows = ((_iso(cal, at), _shift_name(cal, at), eid, lpn, part, rev, -delta, uom, frm or "", wo or "",
             orig_reason if rev_id else reason, user or "", reason if rev_id else "", rev_id or "")
            for at, eid, kind, lpn, part, rev, qty, delta, uom, frm, to, wo, user, dev, reason, orig_reason,
            rev_id, _ in _ledger(start, end, ("scrap",)))
    return header, rows


def inventory_rows(cal):
    """Current stock by location (a snapshot: what is where now)."""
    header = ["location", "location_kind", "lpn", "part", "revision", "description", "lot", "quantity",
              "uom", "status", "work_order", "since"]

    def query(after):
        q = (Unit.select(Location.code, Unit.id, Location.kind, Unit.lpn, Part.number, Part.revision,
                         Part.description, Unit.lot, Unit.quantity, Part.uom, Unit.status, WorkOrder.number,
                         Unit.updated_at)
             .join(Part).switch(Unit).join(Location).switch(Unit).join(WorkOrder, JOIN.LEFT_OUTER)
             .where(Unit.status != "empty"))
        return q.where(Unit.id > after[1]) if after else q
    rows = ((code, kind, lpn, part, rev, desc, lot, qty, uom, status, wo or "", _iso(cal, since))
            for code, _, kind, lpn, part, rev, desc, lot, qty, uom, status, wo, since in
            _chunks(query, (Unit.id,)))
    return header, rows


EXPORTS = {"moves": moves_rows, "consumption": consumption_rows, "waste": waste_rows, "downtime": downtime_rows}


def moves_csv(start, end, cal, style=None):
    return csv_stream(*moves_rows(start, end, cal), style or CsvStyle())


# --- summaries -------------------------------------------------------------------------------------------

def day_range(first, last, cal):
    """Plant-local dates (inclusive) -> naive-UTC [start, end)."""
    if last < first:
        first, last = last, first
    if (last - first).days > MAX_RANGE_DAYS:
        from .errors import Invalid
        raise Invalid("Choose at most {days} days.", days=MAX_RANGE_DAYS)
    start = datetime.datetime.combine(first, datetime.time())
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time())
    return logbook._utc(start, cal.zone), logbook._utc(end, cal.zone)


@dataclass
class UsageRow:
    shift: str
    machine: str
    work_order: str
    part: str
    uom: str
    consumed: Decimal = ZERO
    wasted: Decimal = ZERO
    corrected: bool = False  # holds a later correction of this shift's quantities


def usage(start, end, cal):
    """Consumption and waste per shift, machine, work order and part. A correction (the reversing
    entry and the corrected quantity recorded right after it, inventory.correct) counts in the
    shift of the entry it corrects, not as negative consumption on the day it was typed."""
    groups = {}
    pending = {}  # (lpn, kind) -> (original's time, reversal's time): its new quantity comes next
    for at, _eid, kind, lpn, part, rev, _qty, delta, uom, frm, _to, wo, *rest in _ledger(
            start, end, ("consume", "scrap")):
        rev_id, original_at = rest[-2], rest[-1]
        if rev_id:
            pending[(lpn, kind)] = original_at, at
            when = original_at
        else:
            original_at, reversed_at = pending.pop((lpn, kind), (None, None))
            # The same verb call wrote it, a moment after the reversal (the unit was locked).
            when = original_at if reversed_at and at - reversed_at < CORRECTION_GAP else at
        key = (_shift_name(cal, when), frm or "", wo or "", f"{part} rev {rev}" if rev else part)
        row = groups.get(key) or groups.setdefault(key, UsageRow(*key, uom))
        row.corrected = row.corrected or when != at
        if kind == "consume":
            row.consumed -= delta
        else:
            row.wasted -= delta
    return [groups[k] for k in sorted(groups)]


def waste_by_part(start, end):
    """Waste per part, reason code and unit of measure, largest first (a correction counts under
    the original's reason)."""
    Original = Entry.alias()
    reason = fn.COALESCE(Original.reason, Entry.reason)
    rows = (Entry.select(Part.number, Part.revision, Part.description, reason, Part.uom, fn.SUM(Entry.delta))
            .join(Unit, on=(Entry.unit == Unit.id)).join(Part)
            .switch(Entry).join(Original, JOIN.LEFT_OUTER, on=(Entry.reverses == Original.id))
            .where(Entry.kind == "scrap", Entry.at >= start, Entry.at < end)
            .group_by(Part.number, Part.revision, Part.description, reason, Part.uom).tuples())
    out = [WasteRow(f"{num} rev {rev}" if rev else num, desc, r or "(no reason)", uom, -Decimal(total))
           for num, rev, desc, r, uom, total in rows]
    return sorted((r for r in out if r.quantity), key=lambda r: (-r.quantity, r.part, r.reason))


@dataclass
class WasteRow:
    part: str
    description: str
    reason: str
    uom: str
    quantity: Decimal


def waste_by_reason(start, end):
    """Waste per reason code and unit of measure (a correction counts under the original reason)."""
    Original = Entry.alias()
    reason = fn.COALESCE(Original.reason, Entry.reason)
    rows = (Entry.select(reason, Part.uom, fn.SUM(Entry.delta))
            .join(Unit, on=(Entry.unit == Unit.id)).join(Part)
            .switch(Entry).join(Original, JOIN.LEFT_OUTER, on=(Entry.reverses == Original.id))
            .where(Entry.kind == "scrap", Entry.at >= start, Entry.at < end)
            .group_by(reason, Part.uom).tuples())
    out = [(r or "(no reason)", uom, -Decimal(total)) for r, uom, total in rows]
    return sorted((r for r in out if r[2]), key=lambda r: -r[2])


def moves_by_hour_of_day(start, end, cal):
    """Moves in the range per plant-local hour of day (00-23), and the average per hour of the
    range. Counted per UTC hour in the database (a year of ledger is not read row by row), then
    each hour placed in plant time."""
    hour = (fn.date_trunc("hour", Entry.at) if is_postgres()
            else fn.strftime("%Y-%m-%d %H:00:00", Entry.at))
    by_hour = [0] * 24
    for utc_hour, n in (Entry.select(hour, fn.COUNT(Entry.id))
                        .where(Entry.at >= start, Entry.at < end, Entry.kind.in_(MOVE_KINDS))
                        .group_by(hour).tuples()):
        if isinstance(utc_hour, str):
            utc_hour = datetime.datetime.fromisoformat(utc_hour)
        by_hour[cal.local(utc_hour).hour] += n
    hours = (end - start).total_seconds() / 3600
    return [(f"{h:02d}", n) for h, n in enumerate(by_hour)], sum(by_hour) / hours if hours else 0.0


def moves_per_hour(start, end, cal):
    """Moves (every kind that changes where a unit is) per plant-local hour of the window."""
    counts = defaultdict(int)
    for (at,) in (Entry.select(Entry.at).where(Entry.at >= start, Entry.at < end,
                                              Entry.kind.in_(MOVE_KINDS)).tuples().iterator()):
        counts[cal.local(at).replace(minute=0, second=0, microsecond=0)] += 1
    hours, t = [], cal.local(start).replace(minute=0, second=0, microsecond=0)
    stop = cal.local(end)
    while t < stop:
        hours.append((t, counts.get(t, 0)))
        t = (t.astimezone(datetime.timezone.utc) + datetime.timedelta(hours=1)).astimezone(cal.zone)
    return hours


def coverage_per_machine(now=None, horizon_hours=4):
    """Per machine: how much of what its open orders still need is staged or loaded (0-100 %)."""
    out = []
    for mv in workorders.board(now, horizon_hours).machines:
        shares = [min(Decimal(1), (lv.staged + lv.loaded) / lv.remaining)
                  for ov in mv.orders for lv in ov.lines if lv.remaining > 0]
        pct = float(sum(shares) / len(shares) * 100) if shares else (100.0 if mv.orders else None)
        out.append((mv.machine.code, pct, mv.state))
    return out


@dataclass
class ShiftReport:
    day: datetime.date
    shift: logbook.Shift
    start: datetime.datetime
    end: datetime.datetime
    logs: list = field(default_factory=list)
    usage: list = field(default_factory=list)
    waste: list = field(default_factory=list)
    hours: list = field(default_factory=list)


def shift_report(day, shift_name, cal, now=None):
    """Everything of one shift, plant-wide: per station its log, consumption and waste per
    machine and work order, waste by reason, moves per hour."""
    shift = cal.shift(shift_name)
    start, end = cal.window(day, shift)
    stations = Location.select().where(Location.kind.in_(logbook.STATIONS), Location.holds_units,
                                       Location.active).order_by(Location.sort_key, Location.code)
    rep = ShiftReport(day, shift, start, end)
    rep.logs = [logbook.view(st, day, shift.name, cal, now) for st in stations]
    rep.usage = usage(start, end, cal)
    rep.waste = waste_by_reason(start, end)
    rep.hours = moves_per_hour(start, end, cal)
    return rep


def current_shift(cal, now=None):
    now = now or utcnow()
    found = cal.at(now)
    if found:
        return found
    day, shift, _, _ = cal.recent(now, 1)[0]
    return day, shift
