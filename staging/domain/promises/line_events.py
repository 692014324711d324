"""The line is heard as its logbook hears it: every machine state has its `machine.state_changed`
event, and every andon call its `andon.called`, then `andon.acknowledged` and `andon.closed` once it
was (staging/domain/events/line.py), each written in the change's own transaction. States and calls
from before the line's events began (the settings noted by migration 0040) owe none.

Each table is matched against its events as a set (NOT IN a subquery), never row by row."""
from peewee import Tuple

from ...store.models import AndonCall, Event, Location, MachineState, Setting
from .events import SHOWN, named_in_data

PROMISE = "every machine state and every step of an andon call has its event"
SINCE_STATE, SINCE_CALL = "events.since_machine_state", "events.since_andon_call"
# An andon call's steps: the event each owes, and the column that says it was taken (None: always).
STEPS = (("called", None), ("acknowledged", AndonCall.acknowledged_at), ("closed", AndonCall.closed_at))


def _since(name):
    return int(Setting.select(Setting.value).where(Setting.name == name).scalar() or 0)


def _states_unheard():
    # A state's event has the machine as its subject and the state's start as its time.
    heard = Event.select(Event.subject, Event.time).where(Event.type == "machine.state_changed")
    rows = (MachineState.select(MachineState.id, Location.code, MachineState.state)
            .join(Location, on=(MachineState.machine == Location.id))
            .where(MachineState.id > _since(SINCE_STATE), Tuple(Location.code, MachineState.since).not_in(heard))
            .order_by(MachineState.id).limit(SHOWN + 1).tuples())
    return [f"machine state {row_id} ({code} {state}): no machine.state_changed event announces it"
            for row_id, code, state in rows]


def _calls_unheard():
    since, problems = _since(SINCE_CALL), []
    for step, taken in STEPS:
        heard = Event.select(named_in_data("call")).where(Event.type == f"andon.{step}")
        rows = (AndonCall.select(AndonCall.id, AndonCall.kind, Location.code)
                .join(Location, on=(AndonCall.place == Location.id))
                .where(AndonCall.id > since, AndonCall.id.not_in(heard)))
        if taken is not None:
            rows = rows.where(taken.is_null(False))
        problems += [f"andon call {call_id} ({kind} at {code}) {step}: no andon.{step} event announces it"
                     for call_id, kind, code in rows.order_by(AndonCall.id).limit(SHOWN + 1).tuples()]
    return problems


def broken():
    return _states_unheard() + _calls_unheard()
