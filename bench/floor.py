"""Server time of the machine page and the floor board on a large plant (1,000,000 ledger rows,
100,000 units; --quick: a tenth), through the Flask app in-process, so what is measured is the
server's work: queries and rendering, no network.

    python -m bench.floor [--quick] [--postgres]

The plant comes from bench/plantgen.py (bulk inserts in one transaction); migrating it applies
0005, which fills WorkOrderTotals from the ledger once."""
import argparse
import re
import statistics
import sys
import time

from staging import create_app
from staging.db import bind, db, migrate
from staging.models import Entry, Location, Unit
from staging.users import create_user

from . import data
from .table import budget, print_table

PAGES = [("machine page", "/machines/{machine}", {}),
         ("machine poll", "/machines/{machine}", {"HX-Request": "true", "HX-Target": "machine-body"}),
         ("floor board", "/floor", {}),
         ("floor poll", "/floor", {"HX-Request": "true", "HX-Target": "board"})]
BUDGET_MS = 250  # p95 per page: a wall screen polling every few seconds must stay far below


def measure(client, path, headers, runs):
    for _ in range(3):  # warm caches
        assert client.get(path, headers=headers).status_code == 200
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[int(len(times) * 0.95) - 1], 1)}


def run(quick=False, postgres=False):
    runs = 20 if quick else 50
    rows = []
    with data.plant(quick=quick, postgres=postgres) as url:
        bind(data.open_url(url))
        migrate()
        with db.connection_context():
            create_user("floorlead", "lead", "password-123")  # a fresh copy of the plant every run
            entries, units = Entry.select().count(), Unit.select().count()
            machine = (Location.select().where(Location.kind == "machine").order_by(Location.code).first()).code
        app = create_app({"DATABASE_URL": url, "SEED_DEMO": False, "SECRET_KEY": "bench"})
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": "floorlead", "password": "password-123",
                                               "csrf_token": token.group(1)})
        assert response.status_code == 302, response.status_code
        engine = "postgres" if postgres else "sqlite"
        for name, path, headers in PAGES:
            result = measure(client, path.format(machine=machine), headers, runs)
            rows.append({"bench": f"{name} ({engine}, {entries:,} ledger rows, {units:,} units)", **result,
                         **budget(result["p95_ms"], BUDGET_MS, "<=", "ms")})
        db.close()
    print_table(rows)
    return rows


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.floor")
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    parser.add_argument("--postgres", action="store_true", help="on the PostgreSQL test server")
    args = parser.parse_args()
    run(quick=args.quick, postgres=args.postgres)
    return 0


if __name__ == "__main__":
    sys.exit(main())
