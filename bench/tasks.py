"""tasks: the handheld's next staging task (Tasks mode on /scan, in-process through the Flask test
client: session, the tasks' sync, the queue, the panel) on a plant of 50 machines, 200 open orders
and 500,000 units against the same on 5,000 units (quick: 50,000 vs 5,000): it must not scan all
units per request. Also the same request right after a move (the sync then recomputes the moved
part's machines only), and the background job's full look at all orders (a figure: it runs off the
request path, staging/domain/tasks/refresher.py).

    python -m bench.tasks [--quick]

The two plants are measured in turns, request by request, so load from elsewhere on a shared
machine weighs on both alike."""
import random
import re
import statistics
import sys
import time
import uuid
from decimal import Decimal

from staging import create_app
from staging.domain import inventory, tasks
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_user
from staging.store.db import bind, db, migrate
from staging.store.models import LineSidePlace, Location, Part, StagingTask, Unit, WorkOrder, WorkOrderLine

from . import data
from .table import ratio, suite_main

BUDGET = 1.25
PASSWORD = "bench-password-1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def prepare(url):
    """Every machine stages at a lane, and every open order needs 3,000 kg more of one part (the
    same in both plants), so both have shortages to stage; the background job's first full look
    makes the tasks."""
    bind(data.open_url(url))
    migrate()
    with db.connection_context():
        user = create_user("benchop", "operator", PASSWORD)
        _same_orders(Location.select(Location.id).where(Location.kind == "storage", Location.holds_units))
        rng, parts = random.Random(5), [p for (p,) in Part.select(Part.id).order_by(Part.id).tuples()]
        for (wo,) in WorkOrder.select(WorkOrder.id).where(WorkOrder.status.in_(("running", "released"))) \
                .order_by(WorkOrder.id).tuples():
            WorkOrderLine.create(work_order=wo, part=rng.choice(parts), quantity=Decimal(3000))
        lanes = list(Location.select().where(Location.kind == "staging", Location.holds_units).order_by(Location.code))
        machines = list(Location.select().where(Location.kind == "machine").order_by(Location.code))
        for n, machine in enumerate(machines):
            LineSidePlace.create(machine=machine, place=lanes[n % len(lanes)], kind="lane")
        started = time.perf_counter()
        tasks.refresh(tasks.Rules())
        full_s = time.perf_counter() - started
        units, live = Unit.select().count(), StagingTask.select().where(StagingTask.state.in_(tasks.LIVE)).count()
        movers = [lpn for (lpn,) in Unit.select(Unit.lpn).join(Location, on=(Unit.location == Location.id))
                  .where(Unit.status == "stock", Location.kind == "storage").order_by(Unit.id).limit(50).tuples()]
    app = create_app({**data.IN_PROCESS, "DATABASE_URL": url})
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"username": "benchop", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    token = TOKEN.search(client.get("/scan").get_data(as_text=True)).group(1)
    return {"client": client, "token": token, "db": db.obj, "user": user, "units": units, "live": live,
            "full_s": full_s, "movers": movers, "bins": ("B01-01", "B01-02")}


def _same_orders(bins, keep=3):
    """The generator stages a tenth of all units for the open orders (50,000 at 500k units): at most
    `keep` per order stay staged or loaded, the rest go back to storage, so the two plants differ
    in the stock around the orders, not in what each order has at its line."""
    bins = [b for (b,) in bins.tuples()]
    seen, back = {}, {}
    for unit_id, wo in Unit.select(Unit.id, Unit.work_order).where(Unit.work_order.is_null(False)).order_by(
            Unit.id).tuples():
        seen[wo] = seen.get(wo, 0) + 1
        if seen[wo] > keep:
            back.setdefault(bins[unit_id % len(bins)], []).append(unit_id)
    for bin_id, ids in back.items():
        for start in range(0, len(ids), 500):
            Unit.update(status="stock", work_order=None, location=bin_id).where(
                Unit.id.in_(ids[start:start + 500])).execute()


def next_task(plant):
    """One Tasks-mode request, timed: the panel must name the next task."""
    started = time.perf_counter()
    response = plant["client"].post("/scan", data={"csrf_token": plant["token"], "code": "CMD:MODE:TASKS",
                                                   "scan_id": uuid.uuid4().hex}, headers={"X-Scan-Client": "1"})
    body = response.get_data(as_text=True)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200 and "Next:" in body, body[:400]
    return elapsed


def move_one(plant, n):
    """A pallet moves (not timed): the next request's sync follows it."""
    lpn = plant["movers"][n % len(plant["movers"])]
    with db.connection_context():
        inventory.move(Ctx(plant["user"]), lpn, plant["bins"][n % 2])


def run(quick=False, postgres=False):
    runs = 21 if quick else 41
    big_size = "tasks-50k" if quick else "tasks-500k"
    with data.plant(size="tasks-5k") as small_url, data.plant(size=big_size) as big_url:
        plants = {}
        for size, url in (("small", small_url), ("big", big_url)):
            plants[size] = prepare(url)
            db.close()
        times = {}
        for n in range(runs):
            for size, plant in plants.items():
                bind(plant["db"])
                if n == 0:
                    next_task(plant)  # warm
                times.setdefault((size, "quiet"), []).append(next_task(plant))
                move_one(plant, n)
                times.setdefault((size, "after a move"), []).append(next_task(plant))
                db.close()
        for plant in plants.values():
            plant["db"].close()
    p50 = {key: statistics.median(values) for key, values in times.items()}
    small, big = plants["small"], plants["big"]
    rows = []
    for case in ("quiet", "after a move"):
        rows.append({"bench": f"next task on the handheld ({case}): {big['units']:,} vs {small['units']:,} units "
                              "(sqlite, 50 machines, 200 open orders)",
                     "p50_ms": f"{p50['big', case]:.1f} / {p50['small', case]:.1f}",
                     **ratio(p50["big", case] / p50["small", case], BUDGET, "<=", "p50")})
    for plant in (small, big):
        rows.append({"bench": f"tasks: the background job's full look ({plant['units']:,} units, sqlite)",
                     "value": f"{plant['full_s']:.2f} s, {plant['live']} live tasks"})
    return rows


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.tasks", run))
