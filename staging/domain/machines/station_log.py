"""Where a call or a maintenance job is written down: the shift log of the station it happened at,
the log of the shift running now, or, when that one is already submitted (locked) or no shift runs,
the next shift's. A locked log is never changed."""
import datetime

from ...store.models import LogNote, ShiftLog
from ..logbook import STATIONS


def station_of(place):
    """The machine or output station a place belongs to (itself, or the nearest above it), or None."""
    seen = set()
    while place is not None and place.id not in seen:
        if place.kind in STATIONS:
            return place
        seen.add(place.id)
        place = place.parent if place.parent_id else None
    return None


def _windows(cal, now):
    """(start, end, day, shift) of the shifts running now or starting later, soonest first."""
    today = cal.today(now)
    found = []
    for offset in (-1, 0, 1, 2):
        day = today + datetime.timedelta(days=offset)
        for shift in cal.shifts:
            start, end = cal.window(day, shift)
            if end > now:
                found.append((start, end, day, shift))
    return sorted(found, key=lambda w: w[0])


def write(place, kind, text, user, cal, now):
    """A LogNote in the open log of the station of `place` (inside the caller's transaction), or None
    when the place belongs to no station."""
    station = station_of(place)
    if station is None:
        return None
    for start, end, day, shift in _windows(cal, now):
        log, _ = ShiftLog.get_or_create(station=station, day=day, shift=shift.name,
                                        defaults={"starts_at": start, "ends_at": end, "zone": cal.zone.key})
        if log.submitted_at is None:
            return LogNote.create(log=log, kind=kind, text=text[:2000], user=user, at=now)
    return None
