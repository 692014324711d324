"""Shifts (across midnight, across daylight-saving changes) and the shift log: automatic part,
notes, safety flags, submission and locking."""
import datetime
from zoneinfo import ZoneInfo

import pytest

from staging.domain import inventory, logbook
from staging.domain.errors import Forbidden, Invalid
from staging.domain.inventory import Ctx

BERLIN = ZoneInfo("Europe/Berlin")
SHIFTS = "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00"
D = datetime.date
T = datetime.datetime


@pytest.fixture
def cal():
    return logbook.Calendar.from_settings(SHIFTS, "Europe/Berlin", 60)


def hours(cal, day, name):
    start, end = cal.window(day, name)
    return (end - start).total_seconds() / 3600


def test_shifts_parse_and_bad_settings_are_refused():
    shifts = logbook.parse_shifts(SHIFTS)
    assert [s.name for s in shifts] == ["Early", "Late", "Night"] and shifts[2].crosses_midnight
    for bad in ("Early=6-14", "Early=25:00-14:00", "", "A=06:00-14:00,A=14:00-22:00"):
        with pytest.raises(ValueError):
            logbook.parse_shifts(bad)


def test_the_night_shift_crosses_midnight(cal):
    # Winter (CET, UTC+1): 22:00 local on 14 Jan is 21:00 UTC; it ends 05:00 UTC on 15 Jan.
    assert cal.window(D(2025, 1, 14), "Night") == (T(2025, 1, 14, 21), T(2025, 1, 15, 5))
    # 03:00 local on 15 Jan belongs to the night shift that began on the 14th.
    assert cal.at(T(2025, 1, 15, 2)) == (D(2025, 1, 14), cal.shift("Night"))
    assert cal.at(T(2025, 1, 15, 5)) == (D(2025, 1, 15), cal.shift("Early"))  # the boundary


def test_a_shift_across_a_daylight_saving_change_is_shorter_or_longer(cal):
    # Clocks go forward at 02:00 on 30 March 2025: that night shift lasts 7 hours.
    assert hours(cal, D(2025, 3, 29), "Night") == 7
    assert cal.window(D(2025, 3, 29), "Night") == (T(2025, 3, 29, 21), T(2025, 3, 30, 4))
    # ... and back at 03:00 on 26 October 2025: 9 hours.
    assert hours(cal, D(2025, 10, 25), "Night") == 9
    assert hours(cal, D(2025, 10, 26), "Early") == 8
    # 02:30 local happens twice that night; both belong to the same shift.
    assert cal.at(T(2025, 10, 26, 0, 30))[1].name == cal.at(T(2025, 10, 26, 1, 30))[1].name == "Night"


def test_recent_shifts_newest_first(cal):
    recent = cal.recent(T(2025, 1, 15, 2), 4)  # 03:00 local, night shift
    assert [(d.day, s.name) for d, s, _, _ in recent] == [(14, "Night"), (14, "Late"), (14, "Early"), (13, "Night")]


def at(cal, day, name, minutes):
    start, _ = cal.window(day, name)
    return start + datetime.timedelta(minutes=minutes)


def test_the_log_fills_itself_from_the_shift_at_that_station(plant, cal):
    day = D(2025, 1, 14)
    unit = plant.receive(qty="100")
    ctx = lambda m: Ctx(plant.operator, at=at(cal, day, "Night", m))  # noqa: E731
    inventory.load(ctx(30), unit, "M1", plant.wo)  # 22:30 local
    inventory.consume(ctx(200), unit, "40")  # 01:20 local, after midnight
    inventory.scrap(ctx(300), unit, "5", reason="Spilled")
    inventory.unload(Ctx(plant.operator, at=at(cal, D(2025, 1, 15), "Early", 10)), unit, "A-01-1")  # next shift
    v = logbook.view(plant.machine, day, "Night", cal, now=T(2025, 1, 15, 12))
    assert v.counts == {"loads": 1}
    (usage,) = v.usage
    assert (usage.consumed, usage.wasted, dict(usage.reasons)) == (40, 5, {"Spilled": 5})
    assert v.overdue  # ended 06:00, an hour's grace, not submitted
    early = logbook.view(plant.machine, D(2025, 1, 15), "Early", cal, now=T(2025, 1, 15, 12))
    assert early.counts == {"unloads": 1}


def test_notes_safety_flags_submission_and_locking(plant, cal):
    day, now = D(2025, 1, 14), T(2025, 1, 14, 12, 50)  # 13:50 local, end of the early shift
    logbook.add_note(plant.operator, plant.machine, day, "Early", "downtime", "Mould change", cal,
                     minutes="25", now=now)
    safety = logbook.add_note(plant.operator, plant.machine, day, "Early", "safety", "Oil on the floor", cal, now=now)
    with pytest.raises(Invalid, match="minutes"):
        logbook.add_note(plant.operator, plant.machine, day, "Early", "downtime", "x", cal, now=now)
    with pytest.raises(Invalid, match="has not started"):
        logbook.add_note(plant.operator, plant.machine, day, "Night", "note", "early bird", cal, now=now)
    assert [n.text for n in logbook.open_safety()] == ["Oil on the floor"]

    with pytest.raises(Forbidden):
        logbook.submit(plant.operator, plant.machine, day, "Early", cal, now=now)
    with pytest.raises(Invalid, match="end of the shift"):
        logbook.submit(plant.lead, plant.machine, day, "Early", cal, now=T(2025, 1, 14, 7))
    logbook.submit(plant.lead, plant.machine, day, "Early", cal, now=now)
    v = logbook.view(plant.machine, day, "Early", cal, now=T(2025, 1, 15))
    assert v.submitted and not v.overdue and v.downtime == 25 and v.snapshot["downtime_minutes"] == 25
    with pytest.raises(Invalid, match="locked"):
        logbook.add_note(plant.operator, plant.machine, day, "Early", "note", "too late", cal, now=now)
    with pytest.raises(Invalid, match="locked"):
        logbook.submit(plant.lead, plant.machine, day, "Early", cal, now=now)

    # Acknowledging a safety issue is not an edit: allowed on a locked log, by a lead only.
    with pytest.raises(Forbidden):
        logbook.acknowledge(plant.operator, safety.id)
    logbook.acknowledge(plant.lead, safety.id)
    assert logbook.open_safety() == []


def test_the_overview_highlights_logs_not_submitted_on_time(plant, cal):
    now = T(2025, 1, 14, 14, 30)  # 15:30 local: Late running, Early ended 1.5 h ago
    cal.go_live = T(2025, 1, 1)
    logbook.submit(plant.lead, plant.machine, D(2025, 1, 14), "Early", cal, now=now)
    recent, rows = logbook.overview(cal, now, count=3)
    assert [(s.name) for _, s, _, _ in recent] == ["Late", "Early", "Night"]
    states = {st.code: [c.state for c in cells] for st, cells in rows}
    assert states["M1"] == ["open", "submitted", "overdue"]
    assert states["M2"] == ["open", "overdue", "overdue"]


def test_no_log_is_owed_for_shifts_before_the_plant_went_live(plant, cal):
    now = T(2025, 1, 14, 14, 30)  # 15:30 local
    assert logbook.overdue_count(cal, now) == 0  # nothing recorded yet: not live, nothing owed
    # 07:00 local: the first thing the plant records.
    unit = inventory.receive(Ctx(plant.stager, at=T(2025, 1, 14, 6)), plant.resin_b, "10").unit
    inventory.move(Ctx(plant.operator, at=T(2025, 1, 14, 7)), unit, "A-01-1")
    states = {st.code: [c.state for c in cells] for st, cells in logbook.overview(cal, now, count=3)[1]}
    assert states["M1"] == ["open", "overdue", "before"]  # Early (live at 07:00) is owed; Night is not
    assert not logbook.view(plant.machine, D(2025, 1, 13), "Night", cal, now=now).overdue
    assert logbook.overdue_count(cal, now) == 2  # Early on M1 and M2
    # GO_LIVE (plant time) moves it: from 14:00 local, nothing owed yet.
    late = logbook.Calendar.from_settings(SHIFTS, "Europe/Berlin", 60, go_live="2025-01-14 14:00")
    assert late.go_live == T(2025, 1, 14, 13) and logbook.overdue_count(late, now) == 0
    with pytest.raises(ValueError, match="GO_LIVE"):
        logbook.Calendar.from_settings(SHIFTS, "Europe/Berlin", 60, go_live="next monday")


def test_a_safety_issue_is_acknowledged_by_another_lead(plant, cal):
    from staging.domain.people.users import create_user
    day, now = D(2025, 1, 14), T(2025, 1, 14, 12, 50)
    note = logbook.add_note(plant.lead, plant.machine, day, "Early", "safety", "Forks bent", cal, now=now)
    with pytest.raises(Forbidden, match="another lead"):
        logbook.acknowledge(plant.lead, note.id)
    assert [n.text for n in logbook.open_safety()] == ["Forks bent"]
    logbook.acknowledge(create_user("lead2", "lead", "password-123"), note.id)
    assert logbook.open_safety() == []


def test_moves_by_hour_of_day_on_both_databases(plant, cal):
    from staging.domain import reports
    inventory.receive(Ctx(plant.stager, at=T(2025, 1, 14, 6, 10)), plant.resin_b, "10")  # 07:10 local
    inventory.receive(Ctx(plant.stager, at=T(2025, 1, 15, 6, 50)), plant.resin_b, "10")  # 07:50 local, next day
    hours, per_hour = reports.moves_by_hour_of_day(T(2025, 1, 13, 23), T(2025, 1, 15, 23), cal)
    assert dict(hours)["07"] == 2 and sum(n for _, n in hours) == 2 and per_hour == pytest.approx(2 / 48)
