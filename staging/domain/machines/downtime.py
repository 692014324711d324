"""Downtime per machine, shift and reason, from the machines' states: the downtime report, its export
(CSV, XLSX) and totals per reason. A stop is counted in the shift it happened in; one spanning shifts
is split at their edges, as each shift's logbook shows it. Time outside every shift is not counted."""
import datetime
from collections import defaultdict
from dataclasses import dataclass

from ...store.models import Location
from .states import STOPPED, minutes_in


@dataclass
class Stop:
    day: datetime.date  # the plant-local date the shift starts on
    shift: str
    start: datetime.datetime  # the shift's window (naive UTC), clipped to the range asked for
    machine: str
    state: str
    reason: str
    minutes: int


def _windows(start, end, cal):
    """Every shift window overlapping [start, end), clipped to it, in time order: (day, shift, from, to)."""
    found = []
    day = cal.local(start).date() - datetime.timedelta(days=1)
    while day <= cal.local(end).date():
        for shift in cal.shifts:
            begin, until = cal.window(day, shift)
            if until > start and begin < end:
                found.append((day, shift.name, max(begin, start), min(until, end)))
        day += datetime.timedelta(days=1)
    return sorted(found, key=lambda w: w[2])


def stops(start, end, cal, states=STOPPED):
    """Stopped minutes per shift, machine, state and reason in [start, end) (naive UTC)."""
    machines = {m.id: m.code for m in Location.select(Location.id, Location.code).where(Location.kind == "machine")}
    rows = []
    for day, shift, begin, until in _windows(start, end, cal):
        for (mid, state, reason), minutes in minutes_in(machines, begin, until, states).items():
            rows.append(Stop(day, shift, begin, machines[mid], state, reason, minutes))
    order = {s: i for i, s in enumerate(STOPPED)}
    return sorted(rows, key=lambda r: (r.start, r.machine, order.get(r.state, 9), -r.minutes, r.reason))


def by_reason(found):
    """Total minutes per (state, reason), the longest first: what stops the plant most."""
    totals = defaultdict(int)
    for stop in found:
        totals[(stop.state, stop.reason)] += stop.minutes
    return sorted(((state, reason, minutes) for (state, reason), minutes in totals.items()),
                  key=lambda r: (-r[2], r[0], r[1]))


def downtime_rows(start, end, cal):
    """The export: one row per shift, machine, state and reason."""
    header = ["day", "shift", "machine", "state", "reason", "minutes"]
    return header, ((s.day, s.shift, s.machine, s.state, s.reason, s.minutes) for s in stops(start, end, cal))
