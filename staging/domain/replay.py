"""When a scan happened: a handheld's offline queue replays scans later, and says how long ago each
was scanned. A replay may date itself only so far back (REPLAY_MAX_AGE_HOURS), and never into a
shift whose log a lead has submitted and locked: then it is dated when it arrived, and the operator
is told. The ledger keeps both times (Entry.at and Entry.recorded_at). No Flask here."""
import datetime

from ..store.models import ShiftLog
from .errors import Invalid
from .people import security_log
from .people.permissions import authorize
from .words import Words

MAX_REASON = 200


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


def drop_set_aside(lead, person, count, reason, device=""):
    """A lead drops scans another person queued on a handheld that has since changed hands (they
    were set aside there, never sent under another name): nothing is recorded of the scans
    themselves, the drop is on the security log with its reason."""
    authorize(lead, "correct")
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise Invalid("Say why these scans are dropped: the reason is kept.")
    if len(reason) > MAX_REASON:
        raise Invalid("The reason is too long: at most {count} characters.", count=MAX_REASON)
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = 0
    if not 0 < count <= 10_000 or not person:
        raise Invalid("No scans set aside to drop.")
    security_log.record("scans_dropped", actor=lead, subject=str(person), device=device,
                        detail=f"{count} scan(s) set aside: {reason}")
    return Words("Scans of {person} dropped ({count}): {reason}", count=count, person=str(person), reason=reason)
