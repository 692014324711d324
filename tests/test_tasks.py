"""Staging tasks on SQLite and PostgreSQL: shortages become tasks naming the right pallet (first
expiry, first in, then nearest), never a held pallet or one meant for another order; a partial
pallet only beyond the over-staging setting; one holder per task, even with 8 operators at once;
the stage verb finishes a task and the shortage is covered."""
import datetime
import threading
from decimal import Decimal

import pytest

from staging.domain import inventory, tasks, workorders
from staging.domain.errors import Conflict, Invalid
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_user
from staging.store.db import db
from staging.store.models import (
    LineSidePlace,
    Part,
    StagingTask,
    Unit,
    UnitExpiry,
    WorkOrder,
    WorkOrderLine,
    utcnow,
)

from .plant import loc

RULES = tasks.Rules(overstage=Decimal("0.10"))
DAY = datetime.timedelta(days=1)


@pytest.fixture
def line(plant):
    """M1's lane L-M1 in area Z1 of hall H, a bin next to it, a bin in the next area Z2, one far away."""
    hall = loc("H", "storage", holds=False)
    plant.z1 = loc("Z1", "storage", hall, holds=False)
    plant.z2 = loc("Z2", "storage", hall, holds=False)
    plant.lane_m1 = loc("L-M1", "staging", plant.z1)
    plant.near = loc("Z1-B1", "storage", plant.z1)
    plant.next_area = loc("Z2-B1", "storage", plant.z2)
    plant.far = loc("F-B1", "storage")
    LineSidePlace.create(machine=plant.machine, place=plant.lane_m1, kind="lane")
    return plant


def receive(plant, at, qty="500", days_ago=0, part=None):
    when = utcnow() - days_ago * DAY
    ctx = Ctx(plant.users["stager"], device="test", at=when)
    return inventory.receive(ctx, part or plant.resin_b, qty, at, lot=f"L{days_ago}").unit


def live():
    return list(StagingTask.select().where(StagingTask.state.in_(tasks.LIVE)).order_by(StagingTask.id))


def test_a_shortage_becomes_a_task_naming_a_pallet_its_place_and_quantity(line):
    unit = receive(line, line.far, "500")
    tasks.sync(RULES)
    [task] = live()
    assert (task.unit_id, task.from_location_id, task.to_location_id) == (unit.id, line.far.id, line.lane_m1.id)
    assert (task.work_order_id, task.machine_id, task.quantity, task.whole) == (
        line.wo.id, line.machine.id, Decimal("500"), True)
    tasks.sync(RULES)  # nothing changed: nothing new
    assert len(live()) == 1


def test_fefo_the_pallet_that_expires_first_goes_first(line):
    older = receive(line, line.near, days_ago=3)
    newer = receive(line, line.far, days_ago=1)
    UnitExpiry.create(unit=older, expires_on=(utcnow() + 30 * DAY).date())
    UnitExpiry.create(unit=newer, expires_on=(utcnow() + 5 * DAY).date())  # its GS1 label says so
    tasks.sync(RULES)
    assert [t.unit_id for t in live()] == [newer.id]


def test_fefo_by_shelf_life_never_an_expired_pallet(line):
    Part.update(shelf_life_days=10).where(Part.id == line.resin_b.id).execute()
    expired = receive(line, line.near, days_ago=11)
    fresh = receive(line, line.far, days_ago=2)
    tasks.sync(RULES)
    assert [t.unit_id for t in live()] == [fresh.id]
    assert expired.id not in [u.id for u in tasks.candidates(line.resin_b.id, line.lane_m1, utcnow().date())]


def test_fifo_the_pallet_received_first_goes_first_even_when_farther(line):
    newer_near = receive(line, line.near, days_ago=1)
    older_far = receive(line, line.far, days_ago=4)
    tasks.sync(RULES)
    assert [t.unit_id for t in live()] == [older_far.id]
    assert newer_near.id != older_far.id


def test_nearest_decides_between_pallets_of_one_day(line):
    far = receive(line, line.far)
    next_area = receive(line, line.next_area)
    near = receive(line, line.near)
    order = [u.id for u in tasks.candidates(line.resin_b.id, line.lane_m1, utcnow().date())]
    assert order == [near.id, next_area.id, far.id]
    tasks.sync(RULES)
    assert [t.unit_id for t in live()] == [near.id]


def test_never_a_held_pallet_nor_one_staged_for_another_order(line):
    held = receive(line, line.near, days_ago=5)
    inventory.hold(line.ctx("lead"), held, "Suspect moisture")
    other = WorkOrder.create(number="WO-2", part=line.product, quantity=1, machine=line.machine2, status="released")
    WorkOrderLine.create(work_order=other, part=line.resin_b, quantity=Decimal("100"))
    meant = receive(line, line.near, "100", days_ago=4)
    inventory.stage(line.ctx(), meant, line.lane, other)  # staged for WO-2: not for WO-1
    good = receive(line, line.far, days_ago=1)
    tasks.recompute(RULES, machines=[line.machine])
    assert [t.unit_id for t in live()] == [good.id]


def test_part_of_a_pallet_only_when_a_whole_one_would_overstage_beyond_the_setting(line):
    big = receive(line, line.far, "2000")
    tasks.sync(RULES)
    [task] = live()
    assert (task.unit_id, task.quantity, task.whole) == (big.id, Decimal("500"), False)


def test_a_whole_pallet_when_it_overstages_within_the_setting(line):
    receive(line, line.far, "540")  # 40 kg more than needed: within 10 % of 500
    tasks.sync(RULES)
    [task] = live()
    assert (task.quantity, task.whole) == (Decimal("540"), True)


def test_several_pallets_cover_one_shortage_and_each_task_names_its_own(line):
    a, b, c = (receive(line, line.far, "200", days_ago=d) for d in (3, 2, 1))
    tasks.sync(RULES)
    # 400 of 500 in two whole pallets; the third would bring 100 kg too many: take 100 off it.
    assert [(t.unit_id, t.quantity, t.whole) for t in live()] == [
        (a.id, 200, True), (b.id, 200, True), (c.id, 100, False)]


def test_claim_then_stage_completes_the_task_and_the_shortage_turns_green(line):
    unit = receive(line, line.far)
    task = tasks.next_for(line.operator, RULES)
    assert task.unit_id == unit.id
    tasks.claim(line.operator, task.id, RULES)
    with pytest.raises(Conflict, match="taken by operator1"):
        tasks.claim(line.stager, task.id, RULES)
    done = tasks.complete(Ctx(line.operator, scan_id="s-1"), unit.lpn, "L-M1", RULES)
    assert done.task.state == "done" and done.unit.id == unit.id and not done.instead
    staged = Unit.get_by_id(unit.id)
    assert (staged.location_id, staged.status, staged.work_order_id) == (line.lane_m1.id, "staged", line.wo.id)
    assert workorders.machine_view(line.machine).orders[0].lines[0].short == 0
    assert live() == [] and tasks.next_for(line.operator, RULES) is None


def test_another_pallet_of_the_same_part_and_revision_does_it_and_is_said(line):
    suggested = receive(line, line.far, days_ago=2)
    other = receive(line, line.near, days_ago=1)
    wrong_rev = receive(line, line.near, part=line.resin_a)
    task = tasks.claim(line.operator, tasks.next_for(line.operator, RULES).id, RULES)
    assert task.unit_id == suggested.id
    with pytest.raises(Invalid, match="needs RES-100 rev B"):
        tasks.complete(Ctx(line.operator), wrong_rev.lpn, "L-M1", RULES)
    with pytest.raises(Invalid, match="take it to L-M1"):
        tasks.complete(Ctx(line.operator), other.lpn, "LANE-1", RULES)
    done = tasks.complete(Ctx(line.operator), other.lpn, "L-M1", RULES)
    assert (done.unit.id, done.instead) == (other.id, suggested.lpn)
    assert Unit.get_by_id(suggested.id).location_id == line.far.id  # left where it was


def test_a_partial_task_splits_the_pallet_and_stages_the_new_one(line):
    big = receive(line, line.far, "2000")
    task = tasks.claim(line.operator, tasks.next_for(line.operator, RULES).id, RULES)
    done = tasks.complete(Ctx(line.operator, scan_id="p-1"), big.lpn, "L-M1", RULES)
    assert done.new_lpn and done.unit.lpn == done.new_lpn and done.unit.quantity == 500
    assert Unit.get_by_id(big.id).quantity == 1500 and Unit.get_by_id(big.id).location_id == line.far.id
    assert tasks.get(task.id).state == "done"
    assert inventory.ledger.verify() == []


def test_release_puts_the_task_back_and_an_expired_claim_is_free(line):
    receive(line, line.far)
    task = tasks.next_for(line.operator, RULES)
    tasks.claim(line.operator, task.id, RULES)
    with pytest.raises(Conflict):
        tasks.release(line.stager, task.id)  # not theirs
    assert tasks.release(line.operator, task.id).state == "open"
    tasks.claim(line.operator, task.id, RULES)
    later = utcnow() + RULES.claim_ttl + DAY / 1000
    assert tasks.claim(line.stager, task.id, RULES, now=later).claimed_by_id == line.stager.id


def test_a_task_whose_reason_is_gone_goes_away(line):
    receive(line, line.far)
    tasks.sync(RULES)
    assert len(live()) == 1
    WorkOrder.update(status="done").where(WorkOrder.id == line.wo.id).execute()
    tasks.recompute(RULES)
    assert live() == []
    assert StagingTask.get().state == "cancelled"


def test_a_moved_pallet_is_replaced_by_another_and_only_its_part_is_looked_at(line):
    first = receive(line, line.far, days_ago=2)
    second = receive(line, line.far, days_ago=1)
    tasks.sync(RULES)
    assert [t.unit_id for t in live()] == [first.id]
    inventory.move(line.ctx("lead"), first, line.machine2, override="Trial run")  # used elsewhere
    tasks.sync(RULES)
    assert [t.unit_id for t in live()] == [second.id]


def test_line_side_minimum_makes_a_task_up_to_the_maximum(line):
    bin_ = loc("M1-BIN", "staging", line.z1)
    LineSidePlace.create(machine=line.machine, place=bin_, kind="bin")
    tasks.places.set_kanban(line.lead, "M1-BIN", line.screw, "100", "1000")
    receive(line, bin_, "50", part=line.screw)
    boxes = receive(line, line.near, "1200", part=line.screw)
    tasks.sync(RULES)
    [task] = [t for t in live() if t.kind == "kanban"]
    assert (task.unit_id, task.to_location_id, task.quantity, task.whole) == (boxes.id, bin_.id, 950, False)


def test_kanban_levels_are_refused_in_words(line):
    with pytest.raises(Invalid, match="above the minimum"):
        tasks.places.set_kanban(line.lead, "L-M1", line.screw, "100", "50")
    with pytest.raises(Invalid, match="not a staging lane"):
        tasks.places.set_kanban(line.lead, "Z1-B1", line.screw, "1", "5")


def _in_thread(fn, n):
    results, barrier = [None] * n, threading.Barrier(n)

    def run(i):
        with db.connection_context():
            barrier.wait()
            try:
                results[i] = fn(i)
            except Conflict as err:
                results[i] = err
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_eight_operators_claiming_one_task_at_once_one_wins(line):
    receive(line, line.far)
    task = tasks.next_for(line.operator, RULES)
    people = [create_user(f"fork{i}", "operator") for i in range(8)]
    db.close()
    results = _in_thread(lambda i: tasks.claim(people[i], task.id, RULES), 8)
    db.connect(reuse_if_open=True)
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1 and sum(isinstance(r, Conflict) for r in results) == 7
    assert tasks.get(task.id).claimed_by_id == winners[0].claimed_by_id


def test_eight_operators_asking_and_claiming_never_share_a_task(line):
    for days in range(10):
        receive(line, line.far, "50", days_ago=days + 1)
    people = [create_user(f"fork{i}", "operator") for i in range(8)]
    tasks.sync(RULES)
    assert len(live()) == 10  # ten pallets of 50 cover the 500 short, not one more
    db.close()

    def work(i):
        for _ in range(10):  # a refused claim: ask for the next one again
            task = tasks.next_for(people[i], RULES)
            if task is None:
                return None
            try:
                return tasks.claim(people[i], task.id, RULES).id
            except Conflict:
                continue
        return None
    results = _in_thread(work, 8)
    db.connect(reuse_if_open=True)
    claimed = [r for r in results if r is not None]
    assert len(claimed) == len(set(claimed)) == 8
    holders = [t.claimed_by_id for t in live() if t.state == "claimed"]
    assert len(holders) == len(set(holders)) == 8


# --- the API -----------------------------------------------------------------------------------------

@pytest.fixture
def api_line(web_plant):
    from staging.domain.people.users import create_token
    plant = web_plant
    plant.lane_m1 = loc("L-M1", "staging")
    LineSidePlace.create(machine=plant.machine, place=plant.lane_m1, kind="lane")
    plant.pallet = receive(plant, plant.bin1)
    plant.auth = {name: {"Authorization": "Bearer " + create_token(name)} for name in ("operator1", "stager1")}
    return plant


def test_api_lists_open_tasks_with_their_pallet_place_and_order(client, api_line):
    rows = client.get("/api/tasks", headers=api_line.auth["operator1"]).json
    assert [{k: r[k] for k in ("unit", "from", "to", "work_order", "machine", "qty", "claimed_by")} for r in rows] == [
        {"unit": api_line.pallet.lpn, "from": "A-01-1", "to": "L-M1", "work_order": "WO-1", "machine": "M1",
         "qty": 500, "claimed_by": None}]
    assert client.get("/api/tasks?machine=M2", headers=api_line.auth["operator1"]).json == []
    assert client.get("/api/tasks?machine=m1", headers=api_line.auth["operator1"]).json[0]["id"] == rows[0]["id"]
    assert client.get("/api/tasks").status_code == 401


def test_api_claim_is_409_for_a_second_operator_and_release_frees_it(client, api_line):
    auth = api_line.auth
    task_id = client.get("/api/tasks", headers=auth["operator1"]).json[0]["id"]
    mine = client.post(f"/api/tasks/{task_id}/claim", headers=auth["operator1"])
    assert mine.status_code == 200 and mine.json["claimed_by"] == "operator1" and mine.json["state"] == "claimed"
    theirs = client.post(f"/api/tasks/{task_id}/claim", headers=auth["stager1"])
    assert theirs.status_code == 409 and theirs.mimetype == "application/problem+json"
    assert "taken by operator1" in theirs.json["detail"]
    assert client.get("/api/tasks?person=operator1", headers=auth["stager1"]).json[0]["id"] == task_id
    assert client.post(f"/api/tasks/{task_id}/release", headers=auth["stager1"]).status_code == 409
    freed = client.post(f"/api/tasks/{task_id}/release", headers=auth["operator1"])
    assert freed.status_code == 200 and freed.json["claimed_by"] is None and freed.json["state"] == "open"
    assert client.post(f"/api/tasks/{task_id}/release", headers=auth["operator1"]).status_code == 422
    assert client.post("/api/tasks/999999/claim", headers=auth["operator1"]).status_code == 404


def test_the_openapi_document_has_the_tasks(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert {"/api/tasks", "/api/tasks/{task_id}/claim", "/api/tasks/{task_id}/release"} <= set(paths)
    assert "409" in paths["/api/tasks/{task_id}/claim"]["post"]["responses"]


def test_an_api_move_of_the_pallet_to_its_place_stages_it_and_finishes_the_task(client, api_line):
    auth = api_line.auth["operator1"]
    task_id = client.get("/api/tasks", headers=auth).json[0]["id"]
    body = {"unit": api_line.pallet.lpn, "to": "L-M1", "client_scan_id": "api-1"}
    moved = client.post("/api/moves", json=body, headers=auth)
    assert moved.status_code == 201 and moved.json["kind"] == "stage" and moved.json["work_order"] == "WO-1"
    again = client.post("/api/moves", json=body, headers=auth)
    assert again.status_code == 201 and again.json["id"] == moved.json["id"]
    assert tasks.get(task_id).state == "done"
    assert client.get("/api/tasks", headers=auth).json == []
    assert client.get("/api/machines/M1/staged", headers=auth).json["state"] == "ok"
    other = receive(api_line, api_line.bin1, "10", part=api_line.screw)
    plain = client.post("/api/moves", json={"unit": other.lpn, "to": "A-01-2"}, headers=auth)
    assert plain.status_code == 201 and plain.json["kind"] == "move"


# --- the scan page's Tasks mode (the state machine, without a browser) --------------------------------------

def test_tasks_mode_shows_the_next_task_claims_by_scanning_the_pallet_and_stages_at_the_place(line):
    from staging.domain.scan import scanning
    suggested = receive(line, line.far, days_ago=2)
    other = receive(line, line.near, days_ago=1)
    ctx = Ctx(line.operator, device="hh", scan_id="t-1")
    state, shown = scanning.step(ctx, scanning.State(user_id=line.operator.id), code="CMD:MODE:TASKS")
    assert shown.title == f"Next: {suggested.lpn} → L-M1" and "for WO-1 on M1" in shown.detail
    state, shown = scanning.step(Ctx(line.operator, scan_id="t-2"), state, code="L-M1")
    assert shown.tone == "bad" and "Scan the pallet first" in shown.detail
    state, shown = scanning.step(Ctx(line.operator, scan_id="t-3"), state, code=other.lpn)
    assert shown.tone == "wait" and f"Instead of {suggested.lpn}: same part and revision" in shown.detail
    _, shown = scanning.step(Ctx(line.stager, scan_id="t-4"), scanning.State(mode="TASKS", user_id=line.stager.id),
                             code=other.lpn)
    assert shown.tone == "bad" and "taken by operator1" in shown.detail
    state, shown = scanning.step(Ctx(line.operator, scan_id="t-5"), state, code="LANE-1")
    assert shown.tone == "bad" and "take it to L-M1" in shown.detail
    state, shown = scanning.step(Ctx(line.operator, scan_id="t-6"), state, code="L-M1")
    assert shown.tone == "ok" and f"{other.lpn} → L-M1 done: staged for WO-1" in shown.detail
    assert shown.title == "No task now"
    assert Unit.get_by_id(other.id).work_order_id == line.wo.id
    _, shown = scanning.step(Ctx(line.operator, scan_id="t-6"), state, code="L-M1")
    assert shown.replayed and inventory.ledger.verify() == []


def test_an_api_move_of_another_fitting_pallet_does_the_task_and_a_refused_one_changes_nothing(client, api_line):
    auth = api_line.auth["operator1"]
    task_id = client.get("/api/tasks", headers=auth).json[0]["id"]
    other = receive(api_line, api_line.bin2)
    refused = client.post("/api/moves", json={"unit": other.lpn, "to": "L-M1", "from": "A-01-1"}, headers=auth)
    assert refused.status_code == 409
    assert tasks.get(task_id).unit_id == api_line.pallet.id and tasks.get(task_id).state == "open"
    moved = client.post("/api/moves", json={"unit": other.lpn, "to": "L-M1", "from": "A-01-2"}, headers=auth)
    assert moved.status_code == 201 and moved.json["kind"] == "stage"
    done = tasks.get(task_id)
    assert (done.state, done.unit_id) == ("done", other.id)
