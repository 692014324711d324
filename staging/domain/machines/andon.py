"""Andon: a call for help from the floor (safety, quality or material) at a machine or place. Anyone
on the floor raises one from the handheld; it shows in every lead's header and on the wall screens
at once; a lead acknowledges it (on the way) and closes it with what was done. Raising and closing
are written into the station's shift log, so the logbook tells the shift's story."""
from peewee import JOIN

from ...store.db import locked, write_transaction
from ...store.models import ANDON_KINDS, AndonCall, Location, LogNote, User, utcnow
from .. import codes, events
from ..errors import Conflict, Invalid, NotFound
from ..people.permissions import authorize
from ..words import Words
from . import station_log

KIND_WORDS = {"safety": Words("Safety"), "quality": Words("Quality"), "material": Words("Material")}
# The log note each kind of call leaves: a safety call is a safety issue in the log (flagged to leads
# until acknowledged, like one written there), a quality call a quality note.
LOG_KIND = {"safety": "safety", "quality": "quality", "material": "note"}
WHAT_MAX = 1000


def _kind(kind):
    kind = str(kind or "").strip().lower()
    if kind not in ANDON_KINDS:
        raise Invalid("An andon call is one of: {kinds}.", kinds=", ".join(ANDON_KINDS))
    return kind


def _place(place):
    if isinstance(place, Location):
        return place
    found = codes.find_location(str(place or ""))
    if found is None:
        raise NotFound("No machine or place “{code}”.", code=codes.shown(str(place or "")))
    return found


def call(user, kind, place, cal, client_scan_id=None, now=None):
    """Raise a call at `place` (a Location or its code); the same client_scan_id again returns the
    first call instead of raising a second."""
    authorize(user, "andon")
    kind, place, now = _kind(kind), _place(place), now or utcnow()
    with write_transaction():
        if client_scan_id:
            earlier = AndonCall.get_or_none(AndonCall.client_scan_id == client_scan_id)
            if earlier is not None:
                return earlier
        note = station_log.write(place, LOG_KIND[kind], f"Andon: {kind} call at {place.code} by {user}.",
                                 user, cal, now)
        made = AndonCall.create(kind=kind, place=place, by=user, at=now, client_scan_id=client_scan_id or None,
                                note=note)
        events.emit(*events.andon_event(made, "called"))
        return made


def _open_call(call_id):
    found = locked(AndonCall.select().where(AndonCall.id == call_id)).first() if str(call_id).isdigit() else None
    if found is None:
        raise NotFound("No such andon call.")
    if found.closed_at is not None:
        raise Conflict("That andon call was closed already, by {user}.", user=str(found.closed_by))
    return found


def acknowledge(user, call_id, now=None):
    """A lead is on the way. Acknowledging twice keeps the first lead and time."""
    authorize(user, "answer_andon")
    now = now or utcnow()
    with write_transaction():
        found = _open_call(call_id)
        if found.acknowledged_at is None:
            found.acknowledged_at, found.acknowledged_by = now, user
            found.save()
            events.emit(*events.andon_event(found, "acknowledged"))
            # The log's safety issue is seen too (not an edit of the log); four eyes as in the logbook: a
            # lead who called it leaves it to another lead there.
            if found.note_id and found.kind == "safety" and found.by_id != user.id:
                (LogNote.update(acknowledged_at=now, acknowledged_by=user)
                 .where(LogNote.id == found.note_id, LogNote.acknowledged_at.is_null()).execute())
        return found


def close(user, call_id, what_was_done, cal, now=None):
    """A lead closes a call with what was done (acknowledging it, if nobody had)."""
    authorize(user, "answer_andon")
    what = str(what_was_done or "").strip()
    if not what:
        raise Invalid("Write what was done before closing the call.")
    if len(what) > WHAT_MAX:
        raise Invalid("That is {length} characters: say what was done in at most {most}.", length=len(what),
                      most=WHAT_MAX)
    now = now or utcnow()
    with write_transaction():
        found = acknowledge(user, call_id, now)
        found.closed_at, found.closed_by, found.what_was_done = now, user, what
        found.save()
        events.emit(*events.andon_event(found, "closed"))
        station_log.write(found.place, "note", f"Andon: {found.kind} call at {found.place.code} closed by {user}: "
                          f"{what}", user, cal, now)
        return found


def open_calls():
    """Calls not yet closed, oldest first, with their place and who called."""
    Caller, Lead = User.alias(), User.alias()
    return list(AndonCall.select(AndonCall, Location, Caller, Lead)
                .join(Location, on=(AndonCall.place == Location.id))
                .switch(AndonCall).join(Caller, on=(AndonCall.by == Caller.id), attr="by")
                .switch(AndonCall).join(Lead, JOIN.LEFT_OUTER, on=(AndonCall.acknowledged_by == Lead.id),
                                        attr="acknowledged_by")
                .where(AndonCall.closed_at.is_null()).order_by(AndonCall.at))


def open_count():
    return AndonCall.select().where(AndonCall.closed_at.is_null()).count()


def recently_closed(limit=20):
    return list(AndonCall.select().where(AndonCall.closed_at.is_null(False))
                .order_by(AndonCall.closed_at.desc()).limit(limit))
