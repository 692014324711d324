"""Changing shifts or the time zone never rewrites history: a log keeps the shift, window and zone it
was opened under, a change applies from the next shift, and a locked log never changes (its promise,
promises/logbooks.broken, names one that did)."""
import datetime

from staging.domain import logbook, plant_settings
from staging.domain.promises import logbooks
from staging.store.models import LogNote, ShiftLog, utcnow

SHIFTS = "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00"
D, T = datetime.date, datetime.datetime


def calendar(shifts=SHIFTS, zone="Europe/Berlin", go_live=None):
    return logbook.Calendar.from_settings(shifts, zone, 60, go_live=go_live)


def _locked_early(plant):
    cal, day = calendar(), D(2025, 1, 14)
    logbook.add_note(plant.operator, plant.machine, day, "Early", "note", "Mould change at 09:00", cal,
                     now=T(2025, 1, 14, 9))
    logbook.submit(plant.lead, plant.machine, day, "Early", cal, now=T(2025, 1, 14, 12, 50))
    return day


def test_a_locked_log_opens_under_its_own_shift_after_the_shifts_are_renamed(plant):
    day = _locked_early(plant)
    renamed = calendar("Day=06:00-18:00,Night=18:00-06:00")
    v = logbook.view(plant.machine, day, "Early", renamed, now=T(2025, 1, 20))
    assert v.submitted and [n.text for n in v.notes] == ["Mould change at 09:00"]
    assert (v.shift.name, v.start, v.end) == ("Early", T(2025, 1, 14, 5), T(2025, 1, 14, 13))


def test_moved_shift_times_and_a_new_zone_leave_a_log_in_its_window(plant):
    day = _locked_early(plant)
    for later in (calendar("Early=08:00-16:00,Late=16:00-00:00,Night=00:00-08:00"),
                  calendar(zone="America/Chicago")):
        v = logbook.view(plant.machine, day, "Early", later, now=T(2025, 1, 20))
        assert (v.start, v.end) == (T(2025, 1, 14, 5), T(2025, 1, 14, 13))
        assert (f"{v.shift.start:%H:%M}", f"{v.shift.end:%H:%M}") == ("06:00", "14:00")  # Berlin, as opened


def test_new_shift_names_or_a_new_zone_make_no_past_shift_overdue(plant):
    now = utcnow()
    config = {"SHIFTS": SHIFTS, "PLANT_TIMEZONE": "Europe/Berlin", "LOG_GRACE_MINUTES": 60,
              "GO_LIVE": f"{now - datetime.timedelta(days=10):%Y-%m-%d}"}
    admin = plant.users["admin"]
    assert logbook.overdue_count(logbook.Calendar.from_config(config), now) > 0  # nobody wrote the old logs
    before = {st.code: [c.state for c in cells] for st, cells in logbook.overview(
        logbook.Calendar.from_config(config), now)[1]}
    plant_settings.save(admin, {"SHIFTS": "Day=06:00-18:00,Night=18:00-06:00"}, config)
    config["SHIFTS"] = "Day=06:00-18:00,Night=18:00-06:00"
    renamed = logbook.Calendar.from_config(config)
    assert logbook.overdue_count(renamed, now) == 0  # the new shifts apply from the next shift
    plant_settings.save(admin, {"PLANT_TIMEZONE": "Asia/Tokyo"}, config)
    config["PLANT_TIMEZONE"] = "Asia/Tokyo"
    assert logbook.overdue_count(logbook.Calendar.from_config(config), now) == 0
    assert "overdue" in before["M1"]


def test_a_locked_log_that_changed_is_named_by_its_promise(plant):
    day = _locked_early(plant)
    assert logbooks.broken() == []
    LogNote.update(text="Mould change at 11:00").execute()
    assert logbooks.broken() == [f"Shift log M1 {day:%Y-%m-%d} Early: changed after it was locked on "
                                 "2025-01-14 12:50 UTC."]
    LogNote.update(text="Mould change at 09:00").execute()
    ShiftLog.update(starts_at=T(2025, 1, 14, 7)).execute()  # the window moved under it
    assert len(logbooks.broken()) == 1


def test_acknowledging_a_safety_issue_on_a_locked_log_keeps_its_promise(plant):
    cal, day = calendar(), D(2025, 1, 14)
    safety = logbook.add_note(plant.operator, plant.machine, day, "Early", "safety", "Oil on the floor", cal,
                              now=T(2025, 1, 14, 9))
    logbook.submit(plant.lead, plant.machine, day, "Early", cal, now=T(2025, 1, 14, 12, 50))
    logbook.acknowledge(plant.lead, safety.id)
    assert logbooks.broken() == []
