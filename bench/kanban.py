"""kanban: a kanban card called (POST /api/calls, as a scan calls it) until its task shows in GET
/api/tasks, in-process through the Flask test client, on a plant of 50 machines, 200 open orders and
500,000 units against the same on 5,000 units (quick: 50,000 vs 5,000). The call makes its task itself,
by the picking rules' indexed reads of one part: it must not look at the plant (the planner's full look
takes seconds at 500,000 units and runs off the request path). Budget: p50 within 1.25x, and under 2 s.
Most of the figure is GET /api/tasks listing every open task (a few hundred order tasks here), the
same in both plants.

Between calls (not timed) an operator does the previous call's task (the pallet staged at the lane)
and the tasks' sync follows that move, so every call starts from a plant where stock just moved.

    python -m bench.kanban [--quick]

The two plants are measured in turns, call by call, so load from elsewhere on a shared machine
weighs on both alike."""
import statistics
import sys
import time
import uuid

from staging.domain import tasks
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_token, create_user
from staging.store.db import bind, db
from staging.store.models import Call, LineSidePlace, Location, Part, StagingTask, Unit

from . import data
from .table import budget, ratio, suite_main
from .tasks import prepare as prepare_orders

BUDGET = 1.25
LIMIT_MS = 2000
IN_QUICK = False  # two plants and two full looks: beyond bench-quick's minute; `python -m bench.kanban --quick` alone


def _part_with_most_stock():
    """The part with the most free pallets in storage (both plants call the same part number)."""
    from peewee import fn
    return (Unit.select(Unit.part).join(Location, on=(Unit.location == Location.id))
            .where(Unit.status == "stock", Unit.work_order.is_null(), Location.kind == "storage")
            .group_by(Unit.part).order_by(fn.COUNT(Unit.id).desc(), Unit.part).limit(1).scalar())


def prepare(url, runs, part_number=None):
    """The tasks bench's plant (open orders short, every machine with a lane, the full look done),
    then a lead's `runs` cards (loops of up to 20) at the first lane, each calling 1 of the part."""
    plant = prepare_orders(url)
    bind(plant["db"])
    with db.connection_context():
        lead = create_user("benchlead", "lead", "bench-password-1")
        part = Part.get(Part.number == part_number) if part_number else Part.get_by_id(_part_with_most_stock())
        lane = (Location.select().join(LineSidePlace, on=(LineSidePlace.place == Location.id))
                .order_by(Location.code).first())
        cards = []
        while len(cards) < runs:  # loops of at most 20 cards
            cards += tasks.cards.make_loop(lead, lane.code, part.number, part.revision, "1",
                                           min(tasks.cards.MAX_LOOP, runs - len(cards)))
        plant.update(part=part.number, lane=lane.code, cards=[c.code for c in cards],
                     headers={"Authorization": "Bearer " + create_token("benchop")})
    return plant


def call_to_task(plant, code):
    """One call, timed from POST /api/calls until GET /api/tasks lists its task."""
    client = plant["client"]
    started = time.perf_counter()
    called = client.post("/api/calls", json={"card": code, "client_scan_id": uuid.uuid4().hex},
                         headers=plant["headers"])
    assert called.status_code == 201 and called.json["state"] == "tasked", called.get_data(as_text=True)[:400]
    task_id = called.json["task"]["id"]
    listed = client.get("/api/tasks", headers=plant["headers"])
    elapsed = (time.perf_counter() - started) * 1000
    assert listed.status_code == 200 and task_id in {t["id"] for t in listed.json}, "the call's task is not listed"
    return elapsed, task_id


def do_task(plant, task_id):
    """The operator brings the pallet (not timed), and the sync follows the move."""
    with db.connection_context():
        ctx = Ctx(plant["user"], device="bench", scan_id=uuid.uuid4().hex)
        task = tasks.claim(plant["user"], task_id, tasks.Rules())
        tasks.complete(ctx, task.unit.lpn, task.to_location, tasks.Rules())
        tasks.sync(tasks.Rules())


def run(quick=False, postgres=False):
    runs = 21 if quick else 41
    big_size = "tasks-50k" if quick else "tasks-500k"
    with data.plant(size="tasks-5k") as small_url, data.plant(size=big_size) as big_url:
        plants = {"small": prepare(small_url, runs + 1)}
        db.close()
        bind(plants["small"]["db"])
        plants["big"] = prepare(big_url, runs + 1, plants["small"]["part"])
        db.close()
        times = {}
        for n in range(runs + 1):
            for size, plant in plants.items():
                bind(plant["db"])
                elapsed, task_id = call_to_task(plant, plant["cards"][n])
                if n:  # the first is a warm-up
                    times.setdefault(size, []).append(elapsed)
                do_task(plant, task_id)
                db.close()
        for plant in plants.values():
            bind(plant["db"])
            with db.connection_context():
                done = Call.select().where(Call.state == "done").count()
                left = StagingTask.select().where(StagingTask.kind == "call", StagingTask.state.in_(tasks.LIVE)).count()
            assert (done, left) == (runs + 1, 0), (done, left)
            plant["db"].close()
    small, big = plants["small"], plants["big"]
    p50 = {size: statistics.median(values) for size, values in times.items()}
    p95 = {size: statistics.quantiles(values, n=20)[-1] for size, values in times.items()}
    rows = [{"bench": f"kanban call -> its task in GET /api/tasks: {big['units']:,} vs {small['units']:,} units "
                      "(sqlite, 50 machines, 200 open orders)",
             "p50_ms": f"{p50['big']:.1f} / {p50['small']:.1f}", "p95_ms": f"{p95['big']:.1f} / {p95['small']:.1f}",
             **ratio(p50["big"] / p50["small"], BUDGET, "<=", "p50")},
            {"bench": f"kanban call -> its task at {big['units']:,} units (p50 of {runs}; slowest "
                      f"{max(times['big']):.0f} ms)", **budget(round(p50["big"]), LIMIT_MS, "<=", "ms")}]
    for plant in (small, big):
        rows.append({"bench": f"kanban: the planner's full look, for comparison ({plant['units']:,} units, sqlite)",
                     "value": f"{plant['full_s']:.2f} s"})
    return rows


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.kanban", run))
