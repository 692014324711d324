"""When a scan happened: a handheld's offline queue replays scans later, and says how long ago each
was scanned. A replay may date itself only so far back (REPLAY_MAX_AGE_HOURS), and never into a
shift whose log a lead has submitted and locked: then it is dated when it arrived, and the operator
is told. The ledger keeps both times (Entry.at and Entry.recorded_at). No Flask here."""
import datetime

from ..store.models import ShiftLog
from .words import Words


def scan_time(cal, scanned_ms, sent_ms, now, max_age_hours):
    """(when to date the scan: a naive-UTC time, or None for its arrival; a note for the operator).

    `scanned_ms`/`sent_ms` are the handheld's own clock (milliseconds) at the scan and at sending:
    only their difference is used, so a handheld whose clock is off still dates a scan right."""
    try:
        age_ms = int(sent_ms) - int(scanned_ms)
    except (TypeError, ValueError, OverflowError):
        return None, ""
    if age_ms <= 0:
        return None, ""
    if age_ms > max_age_hours * 3_600_000:
        return None, Words("Scanned offline over {hours} hours before it arrived: recorded at the time it arrived.",
                           hours=f"{max_age_hours:g}")
    at = now - datetime.timedelta(milliseconds=age_ms)
    covering = cal.at(at) if cal is not None else None
    if covering is not None and _locked(*covering):
        day, shift = covering
        return None, Words("Scanned during the {shift} shift of {day}, whose log is already submitted: recorded at "
                           "the time it arrived.", shift=shift.name, day=day)
    return at, ""


def _locked(day, shift):
    return ShiftLog.select().where(ShiftLog.day == day, ShiftLog.shift == shift.name,
                                   ShiftLog.submitted_at.is_null(False)).exists()
