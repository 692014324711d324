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


# --- paused staging tasks -----------------------------------------------------------------------------

@pytest.fixture
def line(plant):
    from staging.domain import tasks
    from staging.store.models import LineSidePlace

    from .plant import loc
    plant.lane_m1 = loc("L-M1", "staging")
    LineSidePlace.create(machine=plant.machine, place=plant.lane_m1, kind="lane")
    plant.pallet = plant.receive()
    tasks.sync(tasks.DEFAULT)
    return plant


def test_a_down_machines_tasks_are_paused_not_offered_and_not_claimable_then_come_back(line):
    from staging.domain import tasks
    from staging.domain.errors import Conflict
    [task] = tasks.open_tasks()
    assert task.paused is False and tasks.next_for(line.stager).id == task.id
    states.set_state(line.operator, line.machine, "down", "No material")
    [listed] = tasks.open_tasks()
    assert listed.id == task.id and listed.paused is True
    assert tasks.next_for(line.stager) is None
    with pytest.raises(Conflict, match=r"M1 is down \(No material\): its staging is paused until it runs again"):
        tasks.claim(line.stager, task.id, tasks.DEFAULT)
    states.set_state(line.operator, line.machine, "maintenance")
    with pytest.raises(Conflict, match="M1 is in maintenance"):
        tasks.claim(line.stager, task.id, tasks.DEFAULT)
    states.set_state(line.operator, line.machine, "changeover")  # material is still wanted in a changeover
    assert tasks.next_for(line.stager).id == task.id
    states.set_state(line.operator, line.machine, "down", "Breakdown")
    states.set_state(line.operator, line.machine, "running")
    assert tasks.open_tasks()[0].paused is False
    assert tasks.claim(line.stager, task.id, tasks.DEFAULT).claimed_by_id == line.stager.id


def test_a_held_task_of_a_machine_that_goes_down_is_not_offered_until_it_runs(line):
    from staging.domain import tasks
    [task] = tasks.open_tasks()
    tasks.claim(line.stager, task.id, tasks.DEFAULT)
    states.set_state(line.operator, line.machine, "down", "Quality")
    assert tasks.holds(line.stager) is None and tasks.next_for(line.stager) is None
    states.set_state(line.operator, line.machine, "running")
    assert tasks.next_for(line.stager).id == task.id


def test_the_handheld_tasks_mode_offers_nothing_for_a_down_machine(line):
    from staging.domain.inventory import Ctx
    from staging.domain.scan import scanning
    states.set_state(line.operator, line.machine, "down", "Tooling")
    _, shown = scanning.step(Ctx(line.stager, device="hh", scan_id="p-1"),
                             scanning.State(user_id=line.stager.id), code="CMD:MODE:TASKS")
    assert shown.title == "No task now"
    _, shown = scanning.step(Ctx(line.stager, scan_id="p-2"), scanning.State(mode="TASKS", user_id=line.stager.id),
                             code=line.pallet.lpn)
    assert shown.tone == "bad" and "M1 is down (Tooling): its staging is paused" in shown.detail
    assert str(shown.title) == "Task paused"


# --- the API ------------------------------------------------------------------------------------------

@pytest.fixture
def api_line(web_plant):
    from staging.domain import tasks
    from staging.domain.people.users import create_token
    from staging.store.models import LineSidePlace

    from .plant import loc
    plant = web_plant
    LineSidePlace.create(machine=plant.machine, place=loc("L-M1", "staging"), kind="lane")
    plant.pallet = plant.receive()
    tasks.sync(tasks.DEFAULT)
    plant.auth = {name: {"Authorization": "Bearer " + create_token(name)} for name in ("operator1", "stager1")}
    return plant


def test_the_api_sets_a_state_shows_it_on_staged_and_pauses_the_tasks(client, api_line):
    auth = api_line.auth["operator1"]
    assert client.get("/api/machines/M1/staged", headers=auth).json["machine_state"] is None
    down = client.post("/api/machines/M1/state", json={"state": "down", "reason": "breakdown"}, headers=auth)
    assert down.status_code == 200
    assert {k: down.json[k] for k in ("machine", "state", "reason", "by", "paused")} == {
        "machine": "M1", "state": "down", "reason": "Breakdown", "by": "operator1", "paused": True}
    staged = client.get("/api/machines/M1/staged", headers=auth).json["machine_state"]
    assert staged == {"state": "down", "reason": "Breakdown", "since": down.json["since"], "by": "operator1"}
    [task] = client.get("/api/tasks", headers=auth).json
    assert task["paused"] is True and task["machine"] == "M1"
    refused = client.post(f"/api/tasks/{task['id']}/claim", headers=api_line.auth["stager1"])
    assert refused.status_code == 409 and "staging is paused until it runs again" in refused.json["detail"]
    back = client.post("/api/machines/M1/state", json={"state": "running"}, headers=auth)
    assert back.status_code == 200 and back.json["paused"] is False
    assert client.get("/api/tasks", headers=auth).json[0]["paused"] is False
    assert client.post(f"/api/tasks/{task['id']}/claim", headers=api_line.auth["stager1"]).status_code == 200


def test_the_api_refuses_in_words_and_writes_nothing(client, api_line):
    auth = api_line.auth["operator1"]
    no_reason = client.post("/api/machines/M1/state", json={"state": "down"}, headers=auth)
    assert no_reason.status_code == 422 and "goes down for a reason" in no_reason.json["detail"]
    wrong = client.post("/api/machines/M1/state", json={"state": "asleep"}, headers=auth)
    assert wrong.status_code == 422 and "“asleep” is not a machine state" in wrong.json["detail"]
    assert client.post("/api/machines/NOPE/state", json={"state": "idle"}, headers=auth).status_code == 404
    assert client.post("/api/machines/RCV-1/state", json={"state": "idle"}, headers=auth).status_code == 404
    assert client.post("/api/machines/M1/state", json={"state": "idle", "x": 1}, headers=auth).status_code == 422
    assert client.post("/api/machines/M1/state", json={"state": "idle"}).status_code == 401
    assert MachineState.select().count() == 0


def test_the_openapi_document_has_machine_states(client):
    doc = client.get("/api/openapi.json").json
    assert "post" in doc["paths"]["/api/machines/{code}/state"]
    assert "paused" in str(doc["components"]["schemas"])
    assert "machine_state" in str(doc["components"]["schemas"])


# --- the handheld: scan the machine, then a state command ----------------------------------------------

def _scan(plant, state, code, n=[0]):  # noqa: B006 (a counter for scan ids)
    from staging.domain.inventory import Ctx
    from staging.domain.scan import scanning
    n[0] += 1
    return scanning.step(Ctx(plant.operator, device="HH-7", scan_id=f"ms-{n[0]}"), state, code=code)


def test_the_handheld_sets_down_with_a_numbered_reason_then_running(plant):
    from staging.domain.scan import scanning
    state = scanning.State(user_id=plant.operator.id)
    state, shown = _scan(plant, state, "CMD:MACHINE:DOWN")
    assert shown.tone == "bad" and "Scan the machine first" in str(shown.detail)
    state, shown = _scan(plant, state, "M1")
    state, shown = _scan(plant, state, "CMD:MACHINE:DOWN")
    assert shown.tone == "wait" and str(shown.title) == "M1 down: why?"
    assert "1 No material" in str(shown.detail) and "2 Breakdown" in str(shown.detail)
    assert scanning.prompt(state).title.msgid == "{machine} down: why?"  # a reload asks again
    state, shown = _scan(plant, state, "9")
    assert shown.tone == "bad" and "“9” is not one of the plant's down reasons" in str(shown.detail)
    state, shown = _scan(plant, state, "2")
    assert shown.tone == "ok" and str(shown.title) == "M1: down"
    assert "paused until it runs again" in str(shown.detail)
    now = states.current(plant.machine)
    assert (now["state"], now["reason"], now["by"]) == ("down", "Breakdown", "operator1")
    assert MachineState.get().device == "HH-7"
    state, shown = _scan(plant, state, "CMD:MACHINE:RUNNING")  # the machine scanned is still remembered
    assert shown.tone == "ok" and "back on the list" in str(shown.detail)
    assert states.current(plant.machine)["state"] == "running"


def test_a_scan_other_than_a_reason_lets_the_question_go_and_writes_nothing(plant):
    from staging.domain.scan import scanning
    state = scanning.State(user_id=plant.operator.id)
    state, _ = _scan(plant, state, "M2")
    state, _ = _scan(plant, state, "CMD:MACHINE:DOWN")
    state, shown = _scan(plant, state, "CMD:CANCEL")
    assert not state.down_for and MachineState.select().count() == 0
    state, shown = _scan(plant, state, "CMD:MACHINE:MAINTENANCE")
    assert str(shown.title) == "M2: maintenance"
    state, _ = _scan(plant, state, "A-01-1")  # not a machine: the remembered one stays M2
    state, shown = _scan(plant, state, "CMD:MACHINE:IDLE")
    assert str(shown.title) == "M2: idle"


def test_a_machine_scanned_long_ago_is_not_set(plant):
    from staging.domain.scan import scanning
    state = scanning.State(user_id=plant.operator.id, machine="M1|2020-01-01T08:00:00")
    _, shown = _scan(plant, state, "CMD:MACHINE:IDLE")
    assert shown.tone == "bad" and MachineState.select().count() == 0


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_the_command_sheet_prints_every_command_readable_the_machine_states_too(size):
    """Every barcode on the sheet reads back (none overlaps another), the machine states among them."""
    import io

    import zxingcpp
    from PIL import Image

    from staging.domain.scan.commands import ANDON, COMMANDS, MACHINE_COMMANDS, REASONS
    from staging.media.labels import render
    from staging.media.labels.content import command_sheet
    image = Image.open(io.BytesIO(render([command_sheet()], "png", size, dpi=203)))
    read = {r.text for r in zxingcpp.read_barcodes(image)}
    wanted = ({p for p, _ in COMMANDS} | {f"CMD:REASON:{c}" for c, _ in REASONS}
              | {f"CMD:MACHINE:{c}" for c, _ in MACHINE_COMMANDS} | {f"CMD:{c}" for c, _ in ANDON})
    assert wanted <= read and len(read) == len(wanted) + 1  # and the scanner check


# --- downtime in the logbook ----------------------------------------------------------------------------

def test_downtime_lands_in_each_shifts_logbook_per_reason_split_where_it_spans_shifts(plant):
    from staging.domain import logbook
    from staging.domain.promises import logbooks
    cal = logbook.Calendar.from_settings("Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00", "Europe/Berlin", 60)
    day, at = datetime.date(2025, 1, 14), datetime.datetime  # Berlin is UTC+1 in January: Early is 05:00-13:00 UTC
    states.set_state(plant.operator, plant.machine, "running", at=at(2025, 1, 14, 5, 0))
    states.set_state(plant.operator, plant.machine, "down", "Tooling", at=at(2025, 1, 14, 9, 0))
    states.set_state(plant.operator, plant.machine, "down", "Breakdown", at=at(2025, 1, 14, 11, 0))
    states.set_state(plant.operator, plant.machine, "maintenance", at=at(2025, 1, 14, 14, 30))
    states.set_state(plant.operator, plant.machine, "running", at=at(2025, 1, 14, 15, 0))
    early = logbook.view(plant.machine, day, "Early", cal, now=at(2025, 1, 15))
    assert early.stops == [{"state": "down", "reason": "Breakdown", "minutes": 120},
                           {"state": "down", "reason": "Tooling", "minutes": 120}]
    late = logbook.view(plant.machine, day, "Late", cal, now=at(2025, 1, 15))
    assert late.stops == [{"state": "down", "reason": "Breakdown", "minutes": 90},
                          {"state": "maintenance", "reason": "", "minutes": 30}]
    assert logbook.view(plant.machine2, day, "Early", cal, now=at(2025, 1, 15)).stops == []

    # Locked with what it showed; a state from before the lock is refused, a later one changes nothing in it.
    logbook.submit(plant.lead, plant.machine, day, "Late", cal, now=at(2025, 1, 14, 20, 30))
    with pytest.raises(Invalid, match="locked"):
        states.set_state(plant.operator, plant.machine, "down", "Quality", at=at(2025, 1, 14, 20, 0))
    states.set_state(plant.operator, plant.machine, "down", "Quality", at=at(2025, 1, 14, 20, 40))
    late = logbook.view(plant.machine, day, "Late", cal, now=at(2025, 1, 15))
    assert late.snapshot["machine_stops"] == [{"state": "down", "reason": "Breakdown", "minutes": 90},
                                              {"state": "maintenance", "reason": "", "minutes": 30}]
    assert {"state": "down", "reason": "Quality", "minutes": 20} in late.stops  # live, after the lock
    assert logbooks.broken() == [] and promise.broken() == []


# --- the downtime report and its export -----------------------------------------------------------------

def test_the_downtime_report_and_its_xlsx_and_csv_exports(app, client, web_plant):
    import io

    import openpyxl

    from staging.web.plant import calendar
    from tests.webutil import login
    plant = web_plant
    with app.app_context():
        cal = calendar()
    day = cal.today() - datetime.timedelta(days=1)
    first = cal.shifts[0]
    begin, _ = cal.window(day, first)
    states.set_state(plant.operator, plant.machine, "down", "No material", at=begin + datetime.timedelta(minutes=10))
    states.set_state(plant.operator, plant.machine, "running", at=begin + datetime.timedelta(minutes=55))
    states.set_state(plant.operator, plant.machine2, "maintenance", at=begin)
    states.set_state(plant.operator, plant.machine2, "idle", at=begin + datetime.timedelta(minutes=20))
    login(client, "lead1")
    span = f"from={day.isoformat()}&to={day.isoformat()}"
    page = client.get(f"/reports/downtime?{span}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "No material" in html and "45 min" in html and "M2" in html
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/downtime.xlsx?{span}").data), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("day", "shift", "machine", "state", "reason", "minutes")
    found = {(r[2], r[3], r[4] or "", r[5]) for r in rows[1:]}
    assert ("M1", "down", "No material", 45) in found and ("M2", "maintenance", "", 20) in found
    assert all(r[1] == first.name for r in rows[1:] if r[2] == "M1")
    csv = client.get(f"/reports/downtime.csv?{span}").get_data(as_text=True)
    assert "No material" in csv and "45" in csv
    assert client.get("/reports/downtime?from=2020-01-01&to=2026-01-01").status_code == 422  # too long: said


def test_the_machine_page_shows_the_state_and_refuses_down_without_a_reason(client, web_plant):
    from tests.webutil import csrf_token, login
    login(client, "lead1")
    page = client.get("/machines/M1").get_data(as_text=True)
    assert "Machine state" in page and "not set" in page
    token = csrf_token(client, "/machines/M1")
    refused = client.post("/machines/M1/state", data={"state": "down", "reason": "", "csrf_token": token},
                          follow_redirects=True)
    assert "goes down for a reason" in refused.get_data(as_text=True) and MachineState.select().count() == 0
    done = client.post("/machines/M1/state", data={"state": "down", "reason": "Tooling", "csrf_token": token},
                       follow_redirects=True)
    html = done.get_data(as_text=True)
    assert "M1 is down (Tooling) since" in html and "paused until it runs again" in html
    assert states.current(web_plant.machine)["by"] == "lead1"
    board = client.get("/floor").get_data(as_text=True)  # the floor board says it on the machine's tile
    assert "Machine state: <b>down</b> · Tooling" in board


# --- the plant's down reasons on the settings page --------------------------------------------------------

def test_an_admin_sets_the_down_reasons_and_the_handheld_and_the_page_use_them(client, web_plant, app):
    from tests.webutil import csrf_token, login
    login(client, "admin1")
    page = client.get("/settings").get_data(as_text=True)
    assert 'name="DOWN_REASONS"' in page and "No material, Breakdown" in page
    bad = client.post("/settings", data={"csrf_token": csrf_token(client, "/settings"), "DOWN_REASONS": " , ,"})
    assert bad.status_code == 422 and "Write the down reasons separated by commas" in bad.get_data(as_text=True)
    assert Setting.get_or_none(Setting.name == "DOWN_REASONS") is None  # refused: nothing saved
    good = client.post("/settings", data={"csrf_token": csrf_token(client, "/settings"),
                                          "DOWN_REASONS": "Stau,  Werkzeugbruch, stau"})
    assert good.status_code == 303 and states.down_reasons() == ["Stau", "Werkzeugbruch"]
    machine_page = client.get("/machines/M1").get_data(as_text=True)
    assert '<option value="Werkzeugbruch"' in machine_page
    assert states.set_state(web_plant.operator, web_plant.machine, "down", "2")["reason"] == "Werkzeugbruch"


def test_six_handhelds_setting_one_machine_at_once_keep_one_line_of_time(plant):
    """Six operators at once: the machine's row is held while its state is read and written, so the same
    state lands once and different ones land one after the other, in time order."""
    from staging.domain.people.users import create_user
    from staging.store.db import db
    from tests.test_tasks import _in_thread
    people = [create_user(f"hh{i}", "operator") for i in range(6)]
    db.close()
    wanted = ["down", "down", "down", "idle", "idle", "changeover"]
    results = _in_thread(lambda i: states.set_state(people[i], "M1", wanted[i], "Breakdown" if wanted[i] == "down"
                                                    else ""), 6)
    db.connect(reuse_if_open=True)
    assert not [r for r in results if isinstance(r, Exception)]
    rows = list(MachineState.select().order_by(MachineState.id))
    assert 3 <= len(rows) <= 6 and {r.state for r in rows} == {"down", "idle", "changeover"}
    assert all((a.state, a.reason) != (b.state, b.reason) for a, b in zip(rows, rows[1:]))  # never twice in a row
    assert promise.broken() == []
    assert states.current(plant.machine)["state"] == rows[-1].state


def test_a_state_scanned_offline_keeps_its_time_and_one_sent_at_once_is_dated_on_arrival(plant):
    from staging.domain.inventory import Ctx
    from staging.domain.scan import scanning
    earlier = utcnow() - datetime.timedelta(minutes=7)
    state = scanning.State(user_id=plant.operator.id)
    state, _ = scanning.step(Ctx(plant.operator, device="hh", scan_id="off-1", at=earlier), state, code="M1")
    state, shown = scanning.step(Ctx(plant.operator, device="hh", scan_id="off-2", at=earlier), state,
                                 code="CMD:MACHINE:IDLE")
    assert shown.tone == "ok" and states.current(plant.machine)["since"] == earlier
    just_now = utcnow() - datetime.timedelta(milliseconds=5)
    state, _ = scanning.step(Ctx(plant.operator, device="hh", scan_id="on-1", at=just_now), state,
                             code="CMD:MACHINE:RUNNING")
    assert states.current(plant.machine)["since"] >= just_now
