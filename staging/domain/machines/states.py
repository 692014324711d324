"""What a machine is doing: running, idle, down (with one of the plant's down reasons), changeover or
maintenance. Set on the handheld, the machine page and the API; kept as an append-only history (one row
per change, the latest is the state now) so downtime can be counted per shift afterwards.

A machine without any row has no state yet: `current` answers None and nothing about it is paused.
While a machine is down or in maintenance its staging tasks are paused (tasks.queue reads PAUSING)."""
from collections import defaultdict

from peewee import JOIN

from ...store.db import locked, write_transaction
from ...store.models import MACHINE_STATES, Location, MachineState, Setting, ShiftLog, User, utcnow
from .. import events
from ..errors import Invalid, NotFound
from ..people.permissions import authorize
from ..words import Words

STATES = MACHINE_STATES
PAUSING = ("down", "maintenance")  # no staging while the machine cannot take material
REASONS_SETTING = "DOWN_REASONS"
DEFAULT_REASONS = ("No material", "Breakdown", "No operator", "Quality", "Tooling", "Other")
REASON_MAX = 40
STATE_WORDS = {"running": Words("running"), "idle": Words("idle"), "down": Words("down"),
               "changeover": Words("changeover"), "maintenance": Words("maintenance")}


def parse_reasons(text):
    """"No material, Breakdown, ..." -> the list, each once (case aside), in the plant's order."""
    reasons, seen = [], set()
    for part in (text or "").split(","):
        name = " ".join(part.split())
        if not name:
            continue
        if len(name) > REASON_MAX or not name.isprintable():
            raise ValueError(name)
        if name.casefold() not in seen:
            seen.add(name.casefold())
            reasons.append(name)
    if not reasons:
        raise ValueError(text)
    return reasons


def down_reasons():
    """The plant's down reasons (the settings page's DOWN_REASONS), or the defaults."""
    row = Setting.get_or_none(Setting.name == REASONS_SETTING)
    try:
        return parse_reasons(row.value) if row is not None else list(DEFAULT_REASONS)
    except ValueError:
        return list(DEFAULT_REASONS)


def state_of(text):
    """A typed or scanned state word, or Invalid naming the states."""
    word = " ".join(str(text or "").split()).lower()
    if word not in STATES:
        raise Invalid("“{value}” is not a machine state: choose running, idle, down, changeover or maintenance.",
                      value=str(text or "")[:30])
    return word


def reason_of(state, text):
    """Down needs one of the plant's reasons (by name, any case, or its number in the list); the other
    states may carry a short note."""
    typed = " ".join(str(text or "").split())
    if state != "down":
        if len(typed) > REASON_MAX:
            raise Invalid("A note on a machine's state is at most {max} characters.", max=REASON_MAX)
        return typed
    reasons = down_reasons()
    if typed.isdigit() and 1 <= int(typed) <= len(reasons):
        return reasons[int(typed) - 1]
    for reason in reasons:
        if reason.casefold() == typed.casefold():
            return reason
    listed = ", ".join(f"{n} {r}" for n, r in enumerate(reasons, 1))
    if not typed:
        raise Invalid("A machine goes down for a reason: choose one of {reasons}.", reasons=listed)
    raise Invalid("“{value}” is not one of the plant's down reasons: choose one of {reasons}.",
                  value=typed[:40], reasons=listed)


def _machine(machine):
    if isinstance(machine, Location):
        return machine
    found = Location.get_or_none(Location.code == str(machine).strip(), Location.kind == "machine") \
        if not isinstance(machine, int) else Location.get_or_none(Location.id == machine, Location.kind == "machine")
    if found is None:
        raise NotFound("No machine with the code “{code}”.", code=str(machine)[:40])
    return found


def _as_dict(row, username):
    return {"state": row.state, "reason": row.reason, "since": row.since, "by": username or ""}


def _latest(machine_id):
    return (MachineState.select(MachineState, User.username.alias("who")).join(User, on=(MachineState.by == User.id),
                                                                      join_type=JOIN.LEFT_OUTER)
            .where(MachineState.machine == machine_id).order_by(MachineState.id.desc()).objects().first())


def current(machine):
    """{"state", "reason", "since" (naive UTC), "by" (username)} now, or None when never set."""
    row = _latest(_machine(machine).id)
    if row is None:
        return None
    return _as_dict(row, row.who)


def by_machine():
    """The state now of every machine that has one: {machine location id: current()'s dict}, one query.
    Rows are appended in time order per machine (set_state holds the machine's row), so the highest id
    of a machine is its state now."""
    newest = _newest()
    rows = (MachineState.select(MachineState, User.username.alias("who")).join(User, on=(MachineState.by == User.id),
                                                                  join_type=JOIN.LEFT_OUTER)
            .where(MachineState.id.in_(newest)).objects())
    return {row.machine_id: _as_dict(row, row.who) for row in rows}


def _newest(machine_ids=None, moment=None):
    """A subquery: per machine location, the id of its newest row (as of `moment`, when given). One index
    seek per machine ((machine, id) or (machine, since)), however long the history grows."""
    Row = MachineState.alias()
    newest = Row.select(Row.id).where(Row.machine == Location.id)
    newest = (newest.where(Row.since <= moment).order_by(Row.since.desc(), Row.id.desc()) if moment is not None
              else newest.order_by(Row.id.desc()))
    machines = Location.select(newest.limit(1)).where(Location.kind == "machine")
    return machines.where(Location.id.in_(machine_ids)) if machine_ids is not None else machines


def paused_machines():
    """Ids of the machines whose staging is paused now (down or in maintenance)."""
    return {mid for mid, now in by_machine().items() if now["state"] in PAUSING}


def is_paused(machine_id):
    row = _latest(machine_id)
    return row is not None and row.state in PAUSING


def set_state(user, machine, state, reason="", device=None, at=None):
    """Record that the machine is now in `state` (from `at`, naive UTC; default now). The same state
    and reason again writes nothing. Returns current()'s dict."""
    authorize(user, "machine_state")
    state = state_of(state)
    reason = reason_of(state, reason)
    with write_transaction():
        found = _machine(machine)
        list(locked(Location.select(Location.id).where(Location.id == found.id)))
        at = at or utcnow()  # "now" read after the lock: a writer that waited for it never lands before the one ahead
        now = _latest(found.id)
        if now is not None and (now.state, now.reason) == (state, reason):
            return _as_dict(now, now.who)
        if now is not None and at < now.since:
            raise Invalid("{machine} has been {state} since a later time: a state cannot be set before it.",
                          machine=found.code, state=STATE_WORDS[now.state])
        # A state from before a log was locked would change the downtime its lead signed off.
        sealed = (ShiftLog.select(ShiftLog.id).where(ShiftLog.station == found.id, ShiftLog.submitted_at > at,
                                                     ShiftLog.ends_at > at).exists())
        if sealed:
            raise Invalid("The shift log of {machine} for that time is submitted and locked: set the state from now.",
                          machine=found.code)
        device = str(device)[:64] if device else None
        MachineState.create(machine=found.id, state=state, reason=reason, since=at, by=user.id, device=device)
        events.emit(*events.machine_state_event(found, state, reason, at, now.state if now else None, user, device))
    return {"state": state, "reason": reason, "since": at, "by": user.username}


def history(machine, start, end):
    """The machine's states overlapping [start, end), each clipped to it: [(state, reason, from, to)]."""
    return spans([_machine(machine).id], start, end).get(_machine(machine).id, [])


def spans(machine_ids, start, end):
    """Per machine id, its states overlapping [start, end) (naive UTC) clipped to it, in time order:
    {machine id: [(state, reason, from, to)]}. Two queries, whatever the number of machines."""
    ids = list(machine_ids) if machine_ids is not None else None
    before = _newest(ids, start)
    query = MachineState.select().where((MachineState.id.in_(before))
                                        | ((MachineState.since > start) & (MachineState.since < end)))
    if ids is not None:
        query = query.where(MachineState.machine.in_(ids))
    rows = defaultdict(list)
    for row in query.order_by(MachineState.machine, MachineState.since, MachineState.id):
        rows[row.machine_id].append(row)
    out = {}
    for mid, found in rows.items():
        pieces = []
        for row, following in zip(found, found[1:] + [None]):
            begin = max(row.since, start)
            until = min(following.since, end) if following is not None else end
            if until > begin:
                pieces.append((row.state, row.reason, begin, until))
        out[mid] = pieces
    return out


def minutes_in(machine_ids, start, end, states=("down",)):
    """Whole minutes per (machine id, state, reason) in [start, end): {(mid, state, reason): minutes}."""
    totals = defaultdict(float)
    for mid, pieces in spans(machine_ids, start, min(end, utcnow())).items():
        for state, reason, begin, until in pieces:
            if state in states:
                totals[(mid, state, reason)] += (until - begin).total_seconds() / 60
    return {key: round(value) for key, value in totals.items() if round(value) > 0}


STOPPED = ("down", "maintenance", "changeover", "idle")  # the order a logbook lists stopped time in


def stops(machine_id, start, end):
    """A machine's stopped time in [start, end) (naive UTC; until now at most), per state and reason, as
    a logbook shows it: [{"state", "reason", "minutes"}], down first, the longest first within a state.
    A state that began in an earlier shift counts here only from `start`: each shift gets its own part."""
    found = minutes_in([machine_id], start, end, STOPPED)
    rows = [{"state": state, "reason": reason, "minutes": minutes} for (_, state, reason), minutes in found.items()]
    return sorted(rows, key=lambda r: (STOPPED.index(r["state"]), -r["minutes"], r["reason"]))


def running_hours(machine, since):
    """Hours the machine has been running from `since` (naive UTC) until now."""
    now = utcnow()
    if since >= now:
        return 0.0
    seconds = sum((until - begin).total_seconds() for state, _, begin, until in history(machine, since, now)
                  if state == "running")
    return seconds / 3600


def at_moment(machine, moment):
    """The state the machine was in at `moment` (naive UTC), or None."""
    row = (MachineState.select().where(MachineState.machine == _machine(machine).id, MachineState.since <= moment)
           .order_by(MachineState.since.desc(), MachineState.id.desc()).first())
    return row.state if row is not None else None


__all__ = ["STATES", "PAUSING", "DEFAULT_REASONS", "down_reasons", "parse_reasons", "state_of", "reason_of",
           "current", "by_machine", "paused_machines", "is_paused", "set_state", "history", "spans", "minutes_in",
           "running_hours", "at_moment", "stops", "STOPPED"]
