"""The full look at all orders runs in a background job, never in a request (it took 2.4 s at 500k
units): a request follows only the ledger, the job finds what changed without a ledger entry (a new
order). And the staging-task settings come from the environment (staging/config.py)."""
import datetime
import importlib
import time
from decimal import Decimal

from staging import config
from staging.domain import inventory, tasks
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_token
from staging.store.models import LineSidePlace, StagingTask, TaskSync, WorkOrder, WorkOrderLine, utcnow

HOUR = datetime.timedelta(hours=1)


def lane_and_stock(plant):
    """M1 and M2 stage at LANE-1; resin for WO-1 (M1) and screws that no order needs yet."""
    LineSidePlace.create(machine=plant.machine, place=plant.lane, kind="lane")
    LineSidePlace.create(machine=plant.machine2, place=plant.lane, kind="lane")
    stager = Ctx(plant.stager)
    inventory.receive(stager, plant.resin_b, "500", plant.bin1)
    return inventory.receive(stager, plant.screw, "100", plant.bin1).unit


def a_new_order_needing_screws(plant):
    """An order released without any ledger entry: only a look at all orders can find it."""
    wo = WorkOrder.create(number="WO-2", part=plant.product, quantity=10, machine=plant.machine2, status="released")
    WorkOrderLine.create(work_order=wo, part=plant.screw, quantity=Decimal("100"))
    TaskSync.update(full_at=utcnow() - HOUR).where(TaskSync.name == "tasks").execute()  # a full look is due
    return wo


def task_units(client, token):
    answer = client.get("/api/tasks", headers={"Authorization": "Bearer " + token})
    assert answer.status_code == 200
    return {task["unit"] for task in answer.get_json()}


def test_a_request_never_looks_at_all_orders_the_background_job_does(client, web_plant):
    screws = lane_and_stock(web_plant)
    job = tasks.refresher.Refresher(tasks.Rules(), every_seconds=30)
    job.run_once()
    token = create_token("operator1")
    assert screws.lpn not in task_units(client, token)

    a_new_order_needing_screws(web_plant)
    before = TaskSync.get_by_id("tasks").full_at
    assert screws.lpn not in task_units(client, token)  # the request read the last result
    assert TaskSync.get_by_id("tasks").full_at == before

    job.run_once()
    assert TaskSync.get_by_id("tasks").full_at > before
    assert screws.lpn in task_units(client, token)


def test_the_app_starts_the_job_and_it_refreshes_the_tasks_by_itself(app, client, web_plant):
    screws = lane_and_stock(web_plant)
    app.testing = False  # the test app leaves the job off; a served app starts it at its first request
    app.config["TASK_REFRESH_SECONDS"] = 0.2
    try:
        assert client.get("/healthz").status_code == 200
        a_new_order_needing_screws(web_plant)
        deadline = time.monotonic() + 20
        while not StagingTask.select().where(StagingTask.unit == screws.id).exists():
            assert time.monotonic() < deadline, "the background job never made the task"
            time.sleep(0.1)
    finally:
        tasks.refresher.stop()


def settings(monkeypatch, **env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        return tasks.Rules.from_config(vars(importlib.reload(config).Config))
    finally:
        for name in env:
            monkeypatch.delenv(name)
        importlib.reload(config)


def test_overstage_and_claim_time_come_from_the_environment(plant, monkeypatch):
    LineSidePlace.create(machine=plant.machine, place=plant.lane, kind="lane")
    pallet = inventory.receive(Ctx(plant.stager), plant.resin_b, "700", plant.bin1).unit  # 500 short
    assert tasks.Rules.from_config(vars(config.Config)).overstage == Decimal("0.10")
    strict = tasks.next_for(plant.operator, tasks.DEFAULT)
    assert (strict.unit_id, strict.quantity, strict.whole) == (pallet.id, 500, False)  # 40 % over 10 %: take 500

    generous = settings(monkeypatch, TASK_OVERSTAGE_PERCENT="50", TASK_CLAIM_MINUTES="2")
    assert (generous.overstage, generous.claim_ttl) == (Decimal("0.5"), datetime.timedelta(minutes=2))
    StagingTask.delete().execute()
    tasks.recompute(generous)
    whole = tasks.next_for(plant.operator, generous)
    assert (whole.unit_id, whole.quantity, whole.whole) == (pallet.id, 700, True)  # within 50 %: the whole pallet
    claimed = tasks.claim(plant.operator, whole.id, generous)
    assert claimed.claim_expires_at - utcnow() <= datetime.timedelta(minutes=2)


def test_the_full_look_takes_one_machine_per_transaction_so_scans_get_in_between(plant, monkeypatch):
    """On SQLite the write lock is the whole database's: one transaction over every machine of a
    large plant held it for seconds. Each machine's look starts outside any transaction."""
    from staging.domain.tasks import planner
    from staging.store.db import db

    LineSidePlace.create(machine=plant.machine, place=plant.lane, kind="lane")
    LineSidePlace.create(machine=plant.machine2, place=plant.lane, kind="lane")
    inventory.receive(Ctx(plant.stager), plant.resin_b, "500", plant.bin1)
    looked = []
    real = planner.recompute

    def recompute(rules, machines=None, parts=None, now=None):
        looked.append((machines, db.in_transaction()))
        return real(rules, machines=machines, parts=parts, now=now)

    monkeypatch.setattr(planner, "recompute", recompute)
    tasks.refresh(tasks.Rules())
    assert sorted(m[0] for m, _ in looked) == sorted([plant.machine.id, plant.machine2.id])
    assert not any(inside for _, inside in looked)
    assert StagingTask.select().where(StagingTask.state.in_(tasks.LIVE)).count() == 1
