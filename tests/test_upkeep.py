"""Maintenance and calibration: plans every N days or N running hours, due and overdue, recorded done
(who, when, notes, next due) into the history and the station's log, tools' labels on the handheld."""
import datetime

import pytest

from staging.domain import logbook
from staging.domain.errors import Forbidden, Invalid
from staging.domain.machines import states, upkeep
from staging.domain.promises import upkeep as upkeep_promise
from staging.domain.scan import scanning
from staging.domain.scan import upkeep as scan_upkeep
from staging.store.models import LogNote, MaintenanceDone, MaintenancePlan, Tool, utcnow

SHIFTS = "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00"


@pytest.fixture
def cal():
    return logbook.Calendar.from_settings(SHIFTS, "Europe/Berlin", 60)


def test_a_plan_every_n_days_falls_due_then_overdue_and_done_sets_the_next(plant, cal):
    start = utcnow() - datetime.timedelta(days=40)
    plan = upkeep.add_plan(plant.lead, "Grease the spindle", machine=plant.machine, every_days="30", now=start)
    assert plan.next_due == start + datetime.timedelta(days=30)
    (item,) = upkeep.due(plant.machine)
    assert item.state == "overdue" and item.what == "Grease the spindle"

    with pytest.raises(Invalid, match="Write what was done"):
        upkeep.record_done(plant.lead, plan.id, "  ", cal)
    with pytest.raises(Forbidden):
        upkeep.record_done(plant.operator, plan.id, "greased", cal)
    assert MaintenanceDone.select().count() == 0

    done = upkeep.record_done(plant.lead, plan.id, "Greased, 2 pumps", cal)
    plan = MaintenancePlan.get_by_id(plan.id)
    assert plan.last_done_at == done.at and plan.next_due == done.at + datetime.timedelta(days=30)
    assert done.next_due == plan.next_due and done.by_id == plant.lead.id
    assert upkeep.due(plant.machine) == []
    (row,) = upkeep.history(plant.machine)
    assert (row.notes, row.by.username) == ("Greased, 2 pumps", "lead1")
    # Into the machine's shift log, as a note.
    note = LogNote.get(LogNote.kind == "note")
    assert "Grease the spindle" in note.text and note.log.station_id == plant.machine.id
    assert upkeep_promise.broken() == []


def test_a_plan_in_running_hours_counts_the_machine_running(plant, cal):
    begun = utcnow() - datetime.timedelta(hours=10)
    plan = upkeep.add_plan(plant.lead, "Change the filter", machine=plant.machine, every_running_hours="8",
                           now=begun)
    states.set_state(plant.operator, plant.machine, "running", at=begun)
    (item,) = upkeep.due(plant.machine)
    assert item.state == "overdue" and item.hours_run >= 9.9
    upkeep.record_done(plant.lead, plan.id, "New filter", cal)
    (judged,) = upkeep.plans(plant.machine)
    assert judged.state == "ok" and judged.hours_left > 7.9
    assert MaintenancePlan.get_by_id(plan.id).next_due is None  # hours, not a date


def test_plans_refuse_what_makes_no_sense(plant):
    with pytest.raises(Invalid, match="either"):
        upkeep.add_plan(plant.lead, "Oil", machine=plant.machine, every_days="5", every_running_hours="10")
    with pytest.raises(Invalid, match="whole number"):
        upkeep.add_plan(plant.lead, "Oil", machine=plant.machine, every_days="-3")
    with pytest.raises(Invalid, match="Say what"):
        upkeep.add_plan(plant.lead, "", machine=plant.machine, every_days="5")
    with pytest.raises(Forbidden):
        upkeep.add_plan(plant.operator, "Oil", machine=plant.machine, every_days="5")
    assert MaintenancePlan.select().count() == 0


def test_a_gauge_calibration_overdue_is_red_when_scanned_and_calibrating_clears_it(plant, cal):
    gauge = upkeep.add_tool(plant.lead, "GA-7", "Caliper 150 mm", "gauge", machine=plant.machine,
                            calibration_due=utcnow() - datetime.timedelta(days=2))
    plan = upkeep.add_plan(plant.lead, "Calibrate", tool=gauge, every_days="180")
    assert plan.next_due == gauge.calibration_due  # the gauge's own date stands
    state = scanning.State(user_id=plant.operator.id)
    _, outcome = scanning.step(plant.ctx(), state, code="ga-7")
    assert outcome.tone == "bad" and str(outcome.title) == "Caliper 150 mm: calibration overdue"
    assert [d.what for d in upkeep.due(plant.machine)] == ["Caliper 150 mm"]

    upkeep.record_done(plant.lead, plan.id, "Calibrated against block 3", cal)
    assert Tool.get_by_id(gauge.id).calibration_due > utcnow() + datetime.timedelta(days=179)
    _, outcome = scanning.step(plant.ctx(), state, code="GA-7")
    assert outcome.tone == "info" and outcome.title == "Caliper 150 mm"
    assert "next due" in str(outcome.detail)
    assert upkeep_promise.broken() == []


def test_a_tool_code_is_one_of_ours_and_not_taken(plant):
    with pytest.raises(Invalid, match="already in use"):
        upkeep.add_tool(plant.lead, "M1", "Wrench")
    with pytest.raises(Invalid, match="not a valid"):
        upkeep.add_tool(plant.lead, "bad code!", "Wrench")
    assert Tool.select().count() == 0


def test_the_promise_names_a_plan_whose_next_due_does_not_follow_its_last_done(plant, cal):
    plan = upkeep.add_plan(plant.lead, "Grease", machine=plant.machine, every_days="7")
    upkeep.record_done(plant.lead, plan.id, "done", cal)
    later = utcnow() + datetime.timedelta(days=99)
    MaintenancePlan.update(next_due=later).where(MaintenancePlan.id == plan.id).execute()
    assert any(f"plan {plan.id}" in problem for problem in upkeep_promise.broken())


def test_the_tool_label_names_the_tool(plant):
    from staging.media import labels
    tool = upkeep.add_tool(plant.lead, "TQ-1", "Torque wrench 20 Nm")
    label = labels.tool_label(tool)
    assert label.fields["code"] == "TQ-1" and label.fields["name"] == "Torque wrench 20 Nm"
    assert labels.render([label], "pdf", "100x50").startswith(b"%PDF")
    assert scan_upkeep.tool_seen(tool).tone == "info"
