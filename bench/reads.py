"""Reads: the machine page, floor board, location page, unit history and inventory CSV export.
Server time, measured in-process through the Flask test client (queries, rendering and the
response body; no network, no gunicorn), p50 and p99.

Figures at the benchmark's data size (full: 100,000 units, 1,000,000 ledger rows; --quick: a
tenth), and the history budgets: the same pages on two plants with the same current state (same
seed, units, locations and work orders) that differ only in the length of their ledger —
10,000 rows against 1,000,000 (--quick: 100,000). A unit's history page is compared for a unit
with the same own history (received, then 20 moves) in both plants.

    python -m bench.reads [--quick] [--postgres]"""
import re
import statistics
import sys
import time

from staging import create_app
from staging.domain import inventory
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_user
from staging.store.db import bind, db, migrate
from staging.store.models import Entry, Part, Unit

from . import data
from .table import ratio, suite_main

PASSWORD = "bench-password-1"
PAGES = {"machine page": "/machines/M01", "floor board": "/floor", "location page": "/locations/B01-01"}
HISTORY_BUDGET = 1.25


def signed_in_client(url):
    bind(data.open_url(url))
    migrate()
    with db.connection_context():
        user = create_user("benchlead", "admin", PASSWORD)  # a fresh copy of the plant every run
        entries, units = Entry.select().count(), Unit.select().count()
        # A unit with a known own history: received, then moved 20 times.
        part = Part.select().order_by(Part.id).first()
        lpn = inventory.receive(Ctx(user), part, "100", "B01-02").unit.lpn
        for i in range(20):
            inventory.move(Ctx(user), lpn, "B01-03" if i % 2 == 0 else "B01-02")
    app = create_app({**data.IN_PROCESS, "DATABASE_URL": url})
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": "benchlead", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client, lpn, entries, units


def samples(client, path, runs, warm=2):
    for _ in range(warm):  # warm caches
        assert client.get(path).status_code == 200, path
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, path
    return times


def measure(client, path, runs):
    times = sorted(samples(client, path, runs))
    return {"p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(times[min(len(times) - 1, int(round(0.99 * (len(times) - 1))))], 1)}




def figures(quick, postgres, engine):
    """Every read at the data size: p50/p99, no budget (absolute times drift between runs)."""
    runs = 10 if quick else 30
    rows = []
    with data.plant(quick=quick, postgres=postgres) as url:
        client, lpn, entries, units = signed_in_client(url)
        for name, path in {**PAGES, "unit history": f"/units/{lpn}",
                           "inventory CSV export": "/reports/inventory.csv"}.items():
            n = max(3, runs // 5) if "CSV" in name else runs
            rows.append({"bench": f"read {name} ({engine}, {units:,} units, {entries:,} ledger rows)",
                         **measure(client, path, n)})
        db.close()
    return rows


def history(quick, postgres, engine):
    """p50 on the long ledger / p50 on the short one, same current state. The two plants are
    measured in turns, request by request, so load from elsewhere on a shared machine weighs on
    both alike."""
    runs = 21 if quick else 41
    long_size = "quick" if quick else "history"
    with data.plant(size="base", postgres=postgres) as short_url, \
            data.plant(size=long_size, postgres=postgres) as long_url:
        plants = {}
        for size, url in (("base", short_url), (long_size, long_url)):
            client, lpn, entries, _ = signed_in_client(url)
            plants[size] = (client, db.obj, {**PAGES, "unit history": f"/units/{lpn}"}, entries)
            db.close()
        times = {}
        for n in range(runs):
            for size, (client, database, paths, _) in plants.items():
                bind(database)
                for name, path in paths.items():
                    times.setdefault((size, name), []).extend(samples(client, path, 1, warm=2 if n == 0 else 0))
                db.close()
        for _, database, _, _ in plants.values():
            database.close()
    p50 = {key: statistics.median(values) for key, values in times.items()}
    short, long = plants["base"][3], plants[long_size][3]
    rows = []
    for name in (*PAGES, "unit history"):
        value = p50[long_size, name] / p50["base", name]
        own = " (same own history)" if name == "unit history" else ""
        rows.append({"bench": f"{name}{own}: {long:,} vs {short:,} ledger rows ({engine})",
                     "p50_ms": f"{p50[long_size, name]:.1f} / {p50['base', name]:.1f}",
                     **ratio(value, HISTORY_BUDGET, "<=", "p50")})
    return rows


def run(quick=False, postgres=None):
    engines = [postgres] if postgres is not None else ([False] if quick else [False, True])
    rows = []
    for pg in engines:
        engine = "postgres" if pg else "sqlite"
        rows += figures(quick, pg, engine) + history(quick, pg, engine)
    return rows


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.reads", run))
