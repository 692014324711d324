"""The handheld sets a machine's state: scan the machine (in any mode), then a state command from the
command sheet (CMD:MACHINE:RUNNING, ...:DOWN ...). Down asks why: the panel lists the plant's down
reasons numbered, and the operator types the number (or scans/types the reason) and Enter.

The machine scanned is remembered beside whatever the mode does with it (State.machine, "CODE|ISO time"),
for a few minutes only: a state command long after never lands on a machine scanned in the morning."""
import datetime

from ...store.models import Location, utcnow
from ..errors import Invalid
from ..machines import states
from ..words import Words, joined
from .state import Outcome

REMEMBER = datetime.timedelta(minutes=10)


def _title(state, machine):
    return {"running": Words("{machine}: running", machine=machine), "idle": Words("{machine}: idle", machine=machine),
            "down": Words("{machine}: down", machine=machine),
            "changeover": Words("{machine}: changeover", machine=machine),
            "maintenance": Words("{machine}: maintenance", machine=machine)}[state]


def remember(state, location, at):
    """A machine was scanned: a state command may follow."""
    if location.kind == "machine":
        state.machine = f"{location.code}|{at.isoformat()}"


def _remembered(state, at):
    code, _, when = (state.machine or "").partition("|")
    try:
        then = datetime.datetime.fromisoformat(when) if when else None
    except ValueError:
        then = None
    if not code or then is None or at - then > REMEMBER:
        return None
    return Location.get_or_none(Location.code == code, Location.kind == "machine")


def command(ctx, state, code):
    """CMD:MACHINE:<STATE>: the state of the machine scanned just before."""
    at = ctx.at or utcnow()
    machine = _remembered(state, at)
    if machine is None:
        raise Invalid("Scan the machine first, then the state from the command sheet.")
    word = code.lower()
    if word == "down":
        state.down_for = state.machine
        return state, _ask_reason(machine)
    return _set(ctx, state, machine, word, "")


def _ask_reason(machine):
    reasons = states.down_reasons()
    listed = [Words("{number} {reason}", number=n, reason=r) for n, r in enumerate(reasons, 1)]
    return Outcome("wait", Words("{machine} down: why?", machine=machine.code),
                   joined(Words("Type the number of the reason, then Enter:"), *listed), ask="reason",
                   reasons=reasons)


def wants_reason(state):
    return bool(state.down_for)


def reason(ctx, state, typed):
    """The reason typed after Down."""
    at = ctx.at or utcnow()
    remembered = state.machine
    state.machine = state.down_for
    machine = _remembered(state, at)
    state.machine, state.down_for = remembered, ""
    if machine is None:
        raise Invalid("Scan the machine first, then the state from the command sheet.")
    return _set(ctx, state, machine, "down", typed)


def prompt(state):
    """A page reload while a reason is asked for: ask again."""
    machine = _remembered(_Probe(state.down_for), utcnow())
    return _ask_reason(machine) if machine is not None else None


class _Probe:
    def __init__(self, machine):
        self.machine = machine


def _set(ctx, state, machine, word, typed):
    before = states.current(machine)
    now = states.set_state(ctx.user, machine, word, typed, device=ctx.device, at=ctx.at)
    state.down_for = ""
    title = _title(now["state"], machine.code)
    was_paused = before is not None and before["state"] in states.PAUSING
    if now["state"] == "down":
        detail = Words("Down: {reason}. Its staging tasks are paused until it runs again.", reason=now["reason"])
    elif now["state"] in states.PAUSING:
        detail = Words("Its staging tasks are paused until it runs again.")
    elif was_paused:
        detail = Words("Its staging tasks are back on the list.")
    else:
        detail = ""
    return state, Outcome("ok", title, detail)
