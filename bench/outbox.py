"""outbox: what writing each change's event (staging/domain/events) costs the scan-move path.

POST /api/moves in-process through the Flask test client (as reads.py: no network, no gunicorn),
on the plant of scanmove, in turns: slices of moves with the outbox on (as the app runs) and off
(its emit replaced by nothing for that slice), so a neighbour's load on a shared machine weighs
on both alike. Wall time per move (median, p99), and the CPU time the app's thread spent on it
(time.thread_time: SQLite works in that thread; PostgreSQL's own share is in its server): on a
machine others load, a move's wall time swings with their load, its CPU time hardly. The budget
is on the median CPU time on/off; the wall-time ratio is shown beside it.

Before the outbox (same machine, bench.scanmove --quick, one run each while others ran tests):
api/ceiling throughput 0.78x on SQLite (222 moves/s against 285), 0.85x on PostgreSQL (91 against
107). Through gunicorn the figures swung by half between runs on the shared 2-core machine, too
much to see a 10% step: this A/B in one process is what the budget holds.

    python -m bench.outbox [--quick] [--postgres]"""
import contextlib
import statistics
import time
import types
import uuid

from staging import create_app
from staging.domain.inventory import machinery
from staging.domain.people.users import create_token
from staging.store.db import bind, db, migrate
from staging.store.models import Location, Unit

from . import data
from .table import ratio, suite_main

BUDGET = 1.10  # the outbox may make a move at most 10% slower


@contextlib.contextmanager
def outbox(on):
    if on:
        yield
        return
    real = machinery.events
    machinery.events = types.SimpleNamespace(ledger_event=lambda *args: (), emit=lambda *args: None,
                                             emit_many=lambda events: None)
    try:
        yield
    finally:
        machinery.events = real


def _work(count):
    """Pallets in storage bins, each with a second bin to move to and back."""
    bins = [code for (code,) in Location.select(Location.code).where(Location.kind == "storage",
                                                                     Location.holds_units).tuples()]
    rows = (Unit.select(Unit.lpn, Location.code).join(Location)
            .where(Unit.status == "stock", Location.kind == "storage").order_by(Unit.id).limit(count).tuples())
    work = []
    for n, (lpn, at) in enumerate(rows):
        other = bins[(n * 7 + 3) % len(bins)]
        work.append([lpn, at, other if other != at else bins[(n * 7 + 4) % len(bins)]])
    return work


def engine_rows(quick, postgres):
    slices, per_slice = (6, 30) if quick else (24, 50)  # the cost is a few per cent: many turns to see it
    engine = "postgres" if postgres else "sqlite"
    with data.plant(quick=True, postgres=postgres) as url:
        app = create_app({**data.IN_PROCESS, "TESTING": False, "DATABASE_URL": url, "API_CONCURRENCY": 0})
        bind(data.open_url(url))
        migrate()
        with db.connection_context():
            headers = {"Authorization": "Bearer " + create_token("bench")}
            work = _work(per_slice)
        client = app.test_client()
        ms, cpu = {True: [], False: []}, {True: [], False: []}
        for n in range(slices * 2):
            on = n % 4 in (1, 2)  # off, on, on, off, ...: neither always goes first
            with outbox(on):
                for pallet in work:
                    lpn, at, other = pallet
                    started, worked = time.perf_counter(), time.thread_time()
                    answer = client.post("/api/moves", headers=headers,
                                         json={"unit": lpn, "to": other, "client_scan_id": uuid.uuid4().hex})
                    ms[on].append((time.perf_counter() - started) * 1000)
                    cpu[on].append((time.thread_time() - worked) * 1000)
                    assert answer.status_code == 201, answer.get_data(as_text=True)
                    pallet[1], pallet[2] = other, at
        db.close()
    rows = []
    for on in (False, True):
        times = sorted(ms[on])
        rows.append({"bench": f"outbox {'on' if on else 'off'}: API move in-process ({engine})",
                     "per_second": round(1000 * len(times) / sum(times), 1),
                     "p50_ms": round(statistics.median(times), 2), "p99_ms": round(times[int(len(times) * 0.99)], 2),
                     "value": f"CPU {statistics.median(cpu[on]):.2f} ms per move (median)"})
    wall = statistics.median(ms[True]) / statistics.median(ms[False])
    rows.append({"bench": f"outbox on/off: API move wall time, median ({engine})", "value": f"{wall:.2f}x"})
    cost = statistics.median(cpu[True]) / statistics.median(cpu[False])
    rows.append({"bench": f"outbox on/off: API move CPU time, median ({engine})",
                 **ratio(cost, BUDGET, "<=", "CPU per move")})
    return rows


def run(quick=False, postgres=None):
    engines = [postgres] if postgres is not None else ([False] if quick else [False, True])
    return [row for pg in engines for row in engine_rows(quick, pg)]


if __name__ == "__main__":
    raise SystemExit(suite_main("python -m bench.outbox", run))
