"""Andon calls are answered in order: a closed call was acknowledged first (at or before it was
closed), says what was done, and each call is in its station's shift log when it has a station."""
from ...store.models import AndonCall, Location
from ..machines.station_log import station_of

PROMISE = "every closed andon call was acknowledged first and says what was done; calls are in the logbook"


def broken():
    problems = []
    for call in AndonCall.select().where(AndonCall.closed_at.is_null(False)):
        if call.acknowledged_at is None or call.acknowledged_at > call.closed_at:
            problems.append(f"andon call {call.id}: closed without being acknowledged first")
        if not call.what_was_done.strip():
            problems.append(f"andon call {call.id}: closed without what was done")
    places = {loc.id: loc for loc in Location.select()}
    for call in AndonCall.select().where(AndonCall.note.is_null()):
        if station_of(places.get(call.place_id)) is not None:
            problems.append(f"andon call {call.id}: not in the shift log of its station")
    return problems
