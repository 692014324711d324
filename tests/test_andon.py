"""Andon: a safety, quality or material call at a machine or place, from the handheld (the place,
then the command), answered by a lead (acknowledged, then closed with what was done), into the
station's shift log."""
import datetime

import pytest

from staging.domain import logbook
from staging.domain.errors import Conflict, Forbidden, Invalid
from staging.domain.machines import andon
from staging.domain.promises import andon_calls
from staging.domain.scan import scanning
from staging.domain.scan import upkeep as scan_upkeep
from staging.store.models import AndonCall, LogNote, ShiftLog, utcnow

SHIFTS = "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00"


@pytest.fixture
def cal():
    return logbook.Calendar.from_settings(SHIFTS, "Europe/Berlin", 60)


def test_a_call_is_acknowledged_then_closed_by_a_lead_into_the_logbook(plant, cal):
    call = andon.call(plant.operator, "safety", plant.machine, cal)
    assert [c.id for c in andon.open_calls()] == [call.id] and andon.open_count() == 1
    note = LogNote.get_by_id(call.note_id)
    assert note.kind == "safety" and "M1" in note.text and note.log.station_id == plant.machine.id
    assert [n.id for n in logbook.open_safety()] == [note.id]  # flagged to leads like a logged safety issue

    with pytest.raises(Forbidden):
        andon.acknowledge(plant.operator, call.id)
    andon.acknowledge(plant.lead, call.id)
    assert logbook.open_safety() == []  # the lead has seen it

    with pytest.raises(Invalid, match="what was done"):
        andon.close(plant.lead, call.id, "   ", cal)
    assert AndonCall.get_by_id(call.id).closed_at is None

    andon.close(plant.lead, call.id, "Guard fixed, area swept", cal)
    closed = AndonCall.get_by_id(call.id)
    assert (closed.closed_by_id, closed.what_was_done) == (plant.lead.id, "Guard fixed, area swept")
    assert closed.acknowledged_at <= closed.closed_at and andon.open_calls() == []
    assert LogNote.select().where(LogNote.text.contains("Guard fixed")).count() == 1
    with pytest.raises(Conflict):
        andon.close(plant.lead, call.id, "again", cal)
    assert andon_calls.broken() == []


def test_closing_without_acknowledging_first_acknowledges_it(plant, cal):
    call = andon.call(plant.operator, "material", plant.machine, cal)
    andon.close(plant.lead, call.id, "Resin brought from A-01-1", cal)
    closed = AndonCall.get_by_id(call.id)
    assert closed.acknowledged_by_id == plant.lead.id and closed.acknowledged_at == closed.closed_at
    assert LogNote.get_by_id(call.note_id).kind == "note"


def test_a_locked_log_is_never_changed_the_call_goes_into_the_next_shift(plant, cal):
    now = utcnow()
    day, shift = cal.at(now)
    start, end = cal.window(day, shift)
    log = ShiftLog.create(station=plant.machine, day=day, shift=shift.name, starts_at=start, ends_at=end,
                          zone=cal.zone.key, submitted_at=now, submitted_by=plant.lead, seal="x")
    call = andon.call(plant.operator, "quality", plant.machine, cal, now=now)
    note = LogNote.get_by_id(call.note_id)
    assert note.log_id != log.id and note.log.starts_at >= end - datetime.timedelta(seconds=1)
    assert LogNote.select().where(LogNote.log == log).count() == 0


def test_a_place_below_a_machine_logs_at_the_machine_and_one_below_none_is_still_called(plant, cal):
    from tests.plant import loc
    side = loc("M1-SIDE", "staging", plant.machine)
    call = andon.call(plant.operator, "material", side, cal)
    assert LogNote.get_by_id(call.note_id).log.station_id == plant.machine.id
    elsewhere = andon.call(plant.operator, "material", plant.bin1, cal)
    assert elsewhere.note_id is None and andon.open_count() == 2
    assert andon_calls.broken() == []


def test_refusals_write_nothing(plant, cal):
    with pytest.raises(Invalid, match="one of"):
        andon.call(plant.operator, "fire", plant.machine, cal)
    with pytest.raises(Exception, match="No machine or place"):
        andon.call(plant.operator, "safety", "NOPE", cal)
    assert AndonCall.select().count() == 0 and LogNote.select().count() == 0


def test_from_the_handheld_the_place_then_the_command_and_a_replay_calls_once(plant, cal):
    scan_upkeep.configure(cal)
    state = scanning.State(user_id=plant.operator.id)
    _, outcome = scanning.step(plant.ctx(scan_id="s-1"), state, code="CMD:SAFETY")
    assert outcome.tone == "bad" and "Scan the machine or place first" in str(outcome.detail)
    state, _ = scanning.step(plant.ctx(scan_id="s-2"), state, code="M1")
    assert state.target == "M1"
    state, outcome = scanning.step(plant.ctx(scan_id="s-3"), state, code="cmd:safety")
    assert outcome.tone == "ok" and str(outcome.title) == "Andon called: Safety at M1"
    state, outcome = scanning.step(plant.ctx(scan_id="s-3"), state, code="CMD:SAFETY")  # replayed
    assert AndonCall.select().count() == 1
    assert AndonCall.get().by_id == plant.operator.id


def test_a_lead_answering_their_own_safety_call_leaves_the_logs_safety_issue_to_another_lead(plant, cal):
    call = andon.call(plant.lead, "safety", plant.machine, cal)
    andon.close(plant.lead, call.id, "Wiped the spill", cal)
    assert [n.id for n in logbook.open_safety()] == [call.note_id]  # four eyes, as in the logbook
    assert andon_calls.broken() == []
