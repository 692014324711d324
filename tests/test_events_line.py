"""The line's events, on SQLite and PostgreSQL: a machine's state, an andon call raised, answered and
closed, a kanban card called and its task made and done (also when its pallet arrived another way),
maintenance done. Each is in the feed (and so at every webhook and on MQTT) once, with what an MES
or the plant's Unified Namespace needs to read it without asking back."""
import datetime
import uuid
from pathlib import Path

import pytest

from staging.domain import events, inventory, logbook, tasks
from staging.domain.inventory import Ctx
from staging.domain.machines import andon, states, upkeep
from staging.store.models import Event, LineSidePlace

from .plant import loc

SHIFTS = "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00"
RULES = tasks.Rules()


@pytest.fixture
def cal():
    return logbook.Calendar.from_settings(SHIFTS, "Europe/Berlin", 60)


def announced(*types):
    """The outbox's events of these types, as CloudEvents, in the order written. Read from the table, not
    the feed: on PostgreSQL the feed waits for every transaction on the server (another test process's too)."""
    rows = Event.select().where(Event.type.in_(types)).order_by(Event.id)
    return [events.cloudevent(row) for row in rows]


def test_a_machine_state_is_announced_with_the_state_it_left(plant):
    states.set_state(plant.operator, plant.machine, "running", device="hh-1")
    states.set_state(plant.lead, "M1", "down", "Breakdown")
    states.set_state(plant.lead, "M1", "down", "Breakdown")  # the same again writes nothing
    first, second = announced("machine.state_changed")
    assert first["subject"] == "M1"
    assert {k: first["data"][k] for k in ("machine", "state", "reason", "was", "by", "device")} == {
        "machine": "M1", "state": "running", "reason": None, "was": None, "by": plant.operator.username,
        "device": "hh-1"}
    assert {k: second["data"][k] for k in ("state", "reason", "was", "by")} == {
        "state": "down", "reason": "Breakdown", "was": "running", "by": plant.lead.username}
    assert second["data"]["since"] == states.current("M1")["since"].isoformat(timespec="seconds") + "Z"


def test_an_andon_call_is_announced_raised_acknowledged_and_closed(plant, cal):
    call = andon.call(plant.operator, "safety", plant.machine, cal)
    andon.acknowledge(plant.lead, call.id)
    andon.acknowledge(plant.lead, call.id)  # twice keeps the first: announced once
    andon.close(plant.lead, call.id, "Guard refitted", cal)
    other = andon.call(plant.operator, "material", "M1", cal)
    andon.close(plant.lead, other.id, "Brought a pallet", cal)  # closed unacknowledged: both said
    said = [(e["type"], e["subject"], e["data"]["call"]) for e in announced(
        "andon.called", "andon.acknowledged", "andon.closed")]
    assert said == [("andon.called", "M1", call.id), ("andon.acknowledged", "M1", call.id),
                    ("andon.closed", "M1", call.id), ("andon.called", "M1", other.id),
                    ("andon.acknowledged", "M1", other.id), ("andon.closed", "M1", other.id)]
    closed = announced("andon.closed")[0]["data"]
    assert (closed["kind"], closed["called_by"], closed["closed_by"], closed["what_was_done"]) == (
        "safety", plant.operator.username, plant.lead.username, "Guard refitted")


@pytest.fixture
def line(plant):
    plant.lane_m1 = loc("L-M1", "staging")
    LineSidePlace.create(machine=plant.machine, place=plant.lane_m1, kind="lane")
    return plant


def test_a_kanban_call_is_announced_with_its_task_and_the_task_done_when_its_pallet_arrives_by_a_move(line):
    [card] = tasks.cards.make_loop(line.lead, "L-M1", "FST-M6", "C", "40", 1)
    ctx = Ctx(line.operator, device="hh-1", scan_id=uuid.uuid4().hex)
    waiting = tasks.calls.call(ctx, card.code, RULES)
    assert waiting.task is None
    [called] = announced("kanban.called")
    assert called["subject"] == card.code
    assert {k: called["data"][k] for k in ("place", "part", "revision", "qty", "state", "task", "by")} == {
        "place": "L-M1", "part": "FST-M6", "revision": "C", "qty": 40, "state": "waiting", "task": None,
        "by": line.operator.username}

    unit = inventory.receive(line.ctx("stager"), line.screw, "40", "A-01-1", lot="L").unit
    tasks.sync(RULES)  # stock arrived: the waiting call gets its task
    task_id = tasks.calls.listing()[0].call.task_id
    assert [(e["data"]["task"], e["data"]["kind"], e["data"]["to"]) for e in announced("task.created")] == [
        (task_id, "call", "L-M1")]

    inventory.move(line.ctx("stager"), unit, "L-M1")  # brought without the task: it is done all the same
    tasks.sync(RULES)
    assert [(e["data"]["task"], e["data"]["state"]) for e in announced("task.done")] == [(task_id, "done")]


def test_an_orders_task_done_by_a_move_of_its_pallet_is_announced(line):
    unit = inventory.receive(line.ctx("stager"), line.resin_b, "500", "A-01-1", lot="L").unit
    tasks.sync(RULES)
    [made] = announced("task.created")
    assert made["data"]["unit"] == unit.lpn
    inventory.stage(line.ctx("stager"), unit.lpn, "L-M1", line.wo.number)
    tasks.sync(RULES)
    assert [e["data"]["task"] for e in announced("task.done")] == [made["data"]["task"]]


def test_maintenance_done_is_announced_with_when_it_is_due_next(plant, cal):
    plan = upkeep.add_plan(plant.lead, "Grease the spindle", machine=plant.machine, every_days=30)
    done = upkeep.record_done(plant.lead, plan.id, "Greased, 40 g", cal)
    [said] = announced("maintenance.done")
    assert said["subject"] == "M1"
    assert said["data"] == {"kind": "maintenance", "plan": "Grease the spindle", "machine": "M1", "tool": None,
                            "by": plant.lead.username, "notes": "Greased, 40 g",
                            "next_due": (done.at + datetime.timedelta(days=30)).isoformat(timespec="seconds") + "Z"}


def test_the_readme_tells_every_type_the_plant_announces():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Connecting your ERP"):readme.index("**The feed.**")]
    assert [t for t in events.TYPES if f"`{t}`" not in table] == []
