"""The logbooks' promise: a locked shift log never changes, whatever happens to the plant's shifts,
time zone or notes later."""
from ...store.models import Location, ShiftLog
from ..logseal import seal

PROMISE = "a locked shift log never changes: its notes, shift and time zone stay as they were locked"


def broken() -> list[str]:
    """Every locked log whose stored content or shift changed since it was locked, one line each."""
    problems = []
    query = (ShiftLog.select(ShiftLog, Location).join(Location)
             .where(ShiftLog.submitted_at.is_null(False), ShiftLog.seal.is_null(False))
             .order_by(ShiftLog.day, Location.code, ShiftLog.shift))
    for log in query:
        if seal(log) != log.seal:
            problems.append(f"Shift log {log.station.code} {log.day:%Y-%m-%d} {log.shift}: changed after it was "
                            f"locked on {log.submitted_at:%Y-%m-%d %H:%M} UTC.")
    return problems
