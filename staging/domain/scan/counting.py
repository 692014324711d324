"""Count mode of the scan page: scan a location, every pallet on it, then DONE. Each pallet is
judged as of when it was scanned, not as of DONE: a pallet moved out after it was counted here,
or moved in after the count began, is named as moved during the count, never as missing or not
expected. Nothing is written: a lead corrects the stock."""
import datetime

from ...store.models import Entry, Location, Unit, utcnow
from .. import counts
from ..errors import Invalid
from ..words import Words, joined
from . import count_tasks
from .kinds import here as _here
from .kinds import wrong_kind as _wrong_kind
from .state import MAX_COUNTED, Outcome

SHOWN = 30  # pallets listed per kind of difference on a 360 px panel


def step(ctx, state, meaning):
    if state.count:  # a planned count: blind, entered, submitted (count_tasks)
        return count_tasks.step(ctx, state, meaning)
    if meaning.kind == "location":
        if state.target:
            raise Invalid("Still counting {location}: scan DONE first, or CANCEL.", location=state.target)
        location = meaning.obj
        task = counts.entries.live_task(location)
        if task is not None:
            return count_tasks.begin(ctx, state, location, task)
        state = state.clear()
        state.target, state.since = location.code, (ctx.at or utcnow()).isoformat()
        expected = Unit.select().where(Unit.location == location).count()
        return state, Outcome("wait", Words("Counting {location}", location=location.code),
                              Words("{count} pallets expected. Scan each, then DONE.", count=expected)
                              if expected != 1 else Words("1 pallet expected. Scan each, then DONE."))
    if meaning.kind != "unit":
        raise _wrong_kind(meaning, state)
    if not state.target:
        raise Invalid("Scan the location you are counting first.")
    unit = meaning.obj
    if unit.lpn not in state.counted:
        if len(state.counted) >= MAX_COUNTED:
            raise Invalid("A count takes at most {count} pallets: scan DONE.", count=MAX_COUNTED)
        state.counted.append(unit.lpn)
    here = unit.location_id and unit.location.code == state.target
    if here:
        return state, Outcome("wait", f"{unit.lpn} ✓", Words("{count} scanned at {location}.",
                                                              count=len(state.counted), location=state.target))
    return state, Outcome("bad", Words("{unit} not expected here", unit=unit.lpn), Words(
        "The system has it at {location}. {count} scanned; counting goes on.", location=_here(unit),
        count=len(state.counted)))


def finish(state):
    """DONE: what was found, what is missing, what was not expected, and what moved meanwhile."""
    location = Location.get_or_none(Location.code == state.target)
    expected = {u.lpn for u in Unit.select(Unit.lpn).where(Unit.location == location)} if location else set()
    counted = set(state.counted)
    moved = _moved_during(location, _since(state), expected ^ counted)  # only what would be a difference
    missing = sorted(expected - counted - set(moved))
    unexpected = sorted(counted - expected - set(moved))
    ok = not missing and not unexpected
    found = Words("{found} of {expected} found.", found=len(counted & expected), expected=len(expected))
    detail = found if ok else joined(found, Words("A lead corrects the stock; nothing was changed."))
    if moved:
        detail = joined(detail, Words("Moved during the count, so not counted as a difference: {moves}.",
                                      moves=[moved[lpn] for lpn in sorted(moved)][:SHOWN]))
    outcome = Outcome("ok" if ok else "bad", Words("{location}: all there", location=state.target) if ok else
                      Words("{location}: differences", location=state.target), detail,
                      missing=missing[:SHOWN], unexpected=unexpected[:SHOWN])
    return state.clear(), outcome


def _since(state):
    try:
        return datetime.datetime.fromisoformat(state.since)
    except ValueError:
        return None  # a count begun before this was kept: judged at DONE, as before


def _moved_during(location, since, lpns):
    """LPN -> how it moved in or out of `location` since the count began (its last such move)."""
    if location is None or since is None or not lpns:
        return {}
    rows = (Entry.select(Entry, Unit).join(Unit, on=(Entry.unit == Unit.id))
            .where(Unit.lpn.in_(sorted(lpns)), Entry.at >= since,
                   (Entry.from_location == location) | (Entry.to_location == location))
            .order_by(Entry.id))
    moves = {}
    for entry in rows:
        if entry.to_location_id == location.id and entry.from_location_id != location.id:
            moves[entry.unit.lpn] = Words("{unit} moved in", unit=entry.unit.lpn)
        elif entry.from_location_id == location.id and entry.to_location_id != location.id:
            where = entry.to_location.code if entry.to_location_id else Words("nowhere")
            moves[entry.unit.lpn] = Words("{unit} moved out to {location}", unit=entry.unit.lpn, location=where)
    return moves
