"""The wall screen at the large plant: the page a TV opens from its link and the fragment it polls
every 10 seconds, server time in-process through the Flask test client (queries, rendering, the
body), p50 and p99; beside it the floor board it includes, read by a signed-in lead. Every machine
has a state, two maintenance plans (one by days, one by running hours) and a gauge, a tenth of the
gauges are overdue, and ten andon calls are open.

Budget: the wall's fragment within 2x the floor board's time (it shows the board and a few short
lists beside it: calls, maintenance due, states, tasks waiting, none of which may grow with history).

    python -m bench.wall [--quick] [--postgres]"""
import datetime
import re
import statistics
import sys
import time

from staging import create_app
from staging.domain import logbook, screens
from staging.domain.machines import andon, states, upkeep
from staging.domain.people.users import create_user
from staging.store.db import bind, db, migrate
from staging.store.models import Location, utcnow

from . import data
from .table import ratio, suite_main

PASSWORD = "bench-password-1"
BUDGET = 2.0
SHIFTS = "Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00"


def _furnish():
    """States, plans, gauges and open calls on every machine of the plant; returns the screen's token."""
    lead = create_user("benchlead", "lead", PASSWORD)
    cal = logbook.Calendar.from_settings(SHIFTS, "Europe/Berlin")
    now = utcnow()
    machines = list(Location.select().where(Location.kind == "machine").order_by(Location.code))
    for n, machine in enumerate(machines):
        states.set_state(lead, machine, ("running", "idle", "down")[n % 3], "Breakdown" if n % 3 == 2 else "",
                         at=now - datetime.timedelta(hours=30 - n % 7))
        upkeep.add_plan(lead, "Grease", machine=machine, every_days="30", now=now - datetime.timedelta(days=20 + n))
        upkeep.add_plan(lead, "Filter", machine=machine, every_running_hours="24",
                        now=now - datetime.timedelta(hours=30))
        gauge = upkeep.add_tool(lead, f"GA-{n:04d}", f"Gauge {n}", "gauge", machine=machine,
                                calibration_due=now + datetime.timedelta(days=(-2 if n % 10 == 0 else 40)))
        upkeep.add_plan(lead, "Calibrate", tool=gauge, every_days="180")
        if n < 10:
            andon.call(lead, ("safety", "quality", "material")[n % 3], machine, cal)
    return screens.create("Bench hall")[1]


def _client(url):
    bind(data.open_url(url))
    migrate()
    with db.connection_context():
        token = _furnish()
    app = create_app({**data.IN_PROCESS, "DATABASE_URL": url})
    client = app.test_client()
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": "benchlead", "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 302, response.status_code
    return app, client, token


def _times(client, path, runs, headers=None):
    for _ in range(2):  # warm caches
        assert client.get(path, headers=headers or {}).status_code == 200, path
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        response.get_data()
        found.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return sorted(found)


def _row(name, times):
    return {"bench": name, "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))], 1)}


def run(quick=False, postgres=False):
    runs = 10 if quick else 30
    engine = "PostgreSQL" if postgres else "SQLite"
    size = "quick plant" if quick else "full plant"
    with data.plant(quick=quick, postgres=postgres) as url:
        app, client, token = _client(url)
        tv = app.test_client()  # nobody signed in: the link alone
        poll = {"HX-Request": "true", "HX-Target": "wall"}
        page = _times(tv, f"/wall/{token}", runs)
        live = _times(tv, f"/wall/{token}/live", runs, poll)
        board = _times(client, "/floor", runs)
        db.close()
    fragment = _row(f"wall screen, polled fragment ({engine}, {size})", live)
    fragment.update(ratio(statistics.median(live) / statistics.median(board), BUDGET, "<=", "floor board"))
    return [_row(f"wall screen, page from its link ({engine}, {size})", page), fragment,
            _row(f"floor board, signed in ({engine}, {size})", board)]


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.wall", run))
