"""Machine states: set on the handheld, the machine page and the API; down pauses a machine's staging
tasks; downtime counted per reason and shift into the logbook, the downtime report and its export."""
import datetime

import pytest

from staging.domain.errors import Forbidden, Invalid
from staging.domain.machines import states
from staging.domain.promises import machine_states as promise
from staging.store.models import MachineState, Setting, utcnow

T0 = datetime.datetime(2026, 3, 2, 8, 0)


def test_a_state_is_set_and_read_back(plant):
    assert states.current(plant.machine) is None
    now = states.set_state(plant.operator, plant.machine, "Running ", device="HH-1")
    assert now["state"] == "running" and now["by"] == "operator1" and now["reason"] == ""
    assert states.current("M1") == now
    assert states.by_machine() == {plant.machine.id: now}
    row = MachineState.get()
    assert (row.device, row.by_id) == ("HH-1", plant.operator.id)


def test_the_same_state_again_writes_nothing(plant):
    states.set_state(plant.operator, plant.machine, "running")
    states.set_state(plant.operator, plant.machine, "running")
    states.set_state(plant.operator, plant.machine, "down", "breakdown")
    states.set_state(plant.operator, plant.machine, "down", "Breakdown")
    assert [r.state for r in MachineState.select().order_by(MachineState.id)] == ["running", "down"]
    assert states.current(plant.machine)["reason"] == "Breakdown"  # the plant's spelling


def test_down_needs_a_reason_from_the_plants_list(plant):
    with pytest.raises(Invalid, match="goes down for a reason: choose one of 1 No material, 2 Breakdown"):
        states.set_state(plant.operator, plant.machine, "down")
    with pytest.raises(Invalid, match="“coffee” is not one of the plant's down reasons"):
        states.set_state(plant.operator, plant.machine, "down", "coffee")
    with pytest.raises(Invalid, match="“flying” is not a machine state"):
        states.set_state(plant.operator, plant.machine, "flying")
    assert MachineState.select().count() == 0
    assert states.set_state(plant.operator, plant.machine, "down", "2")["reason"] == "Breakdown"
    Setting.create(name=states.REASONS_SETTING, value="Stau, Werkzeug")
    assert states.set_state(plant.operator, plant.machine, "down", "werkzeug")["reason"] == "Werkzeug"
    with pytest.raises(Invalid):
        states.set_state(plant.operator, plant.machine, "down", "Breakdown")


def test_only_people_of_the_floor_set_states(plant):
    from staging.domain.people.users import create_user
    states.set_state(plant.lead, plant.machine2, "idle")
    ghost = create_user("ghost", "operator", "password-123")
    ghost.active = False
    with pytest.raises(Forbidden):
        states.set_state(ghost, plant.machine, "running")
    with pytest.raises(Forbidden):
        states.set_state(None, plant.machine, "running")


def test_running_hours_and_history_in_time_order(plant):
    states.set_state(plant.operator, plant.machine, "running", at=T0)
    states.set_state(plant.operator, plant.machine, "down", "Tooling", at=T0 + datetime.timedelta(hours=2))
    states.set_state(plant.operator, plant.machine, "running", at=T0 + datetime.timedelta(hours=3))
    with pytest.raises(Invalid, match="cannot be set before it"):
        states.set_state(plant.operator, plant.machine, "idle", at=T0)
    since_then = (utcnow() - T0).total_seconds() / 3600
    assert states.running_hours(plant.machine, T0) == pytest.approx(since_then - 1, abs=0.01)
    assert states.running_hours(plant.machine, T0 + datetime.timedelta(hours=1)) == pytest.approx(since_then - 2,
                                                                                                  abs=0.01)
    assert promise.broken() == []
    MachineState.create(machine=plant.machine, state="down", reason="", since=T0)
    assert [p.split(": ", 1)[1] for p in promise.broken()] == ["down without a reason", "starts 2026-03-02 08:00 "
                                                                   "before state 3 (2026-03-02 11:00)"]
