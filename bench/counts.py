"""counts: planning a count over 5,000 locations (an area, and every place not counted for N days)
must take at most 2 s; the review page of a 10,000-line count must render within 2x of a 100-line
one (it is read page by page). In-process, through the domain and the Flask test client, on a
SQLite file made here: 5,000 bins under one area, a pallet on each.

    python -m bench.counts [--quick]"""
import datetime
import random
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from staging import create_app
from staging.domain import counts
from staging.domain.people.users import create_user
from staging.store.db import bind, db, migrate, open_database
from staging.store.models import Count, CountLine, CountTask, Location, Part, Unit, utcnow

from . import data
from .table import budget, ratio, suite_main

PLAN_BUDGET_S = 2.0
REVIEW_BUDGET = 2.0
PASSWORD = "bench-password-1"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _plant(bins=5000):
    """An area of `bins` storage bins with one pallet each (bulk inserts), a part, a lead."""
    area = Location.create(code="HALL", name="Hall", kind="storage", holds_units=False, sort_key="HALL")
    rows = [{"code": f"B-{n:05d}", "name": f"Bin {n}", "kind": "storage", "parent": area.id, "holds_units": True,
             "active": True, "sort_key": f"B-{n:05d}"} for n in range(bins)]
    for start in range(0, len(rows), 500):
        Location.insert_many(rows[start:start + 500]).execute()
    part = Part.create(number="P-1", revision="A", uom="ea")
    ids = [i for (i,) in Location.select(Location.id).where(Location.parent == area).order_by(Location.id).tuples()]
    units = [{"lpn": f"U{n:07d}", "part": part.id, "lot": "", "quantity": Decimal(100), "status": "stock",
              "location": lid, "created_at": utcnow(), "updated_at": utcnow()} for n, lid in enumerate(ids)]
    for start in range(0, len(units), 500):
        Unit.insert_many(units[start:start + 500]).execute()
    return create_user("benchlead", "lead", PASSWORD), part


def _approval_count(lead, part, lines, rng):
    """A count whose `lines` lines all wait for approval (written in bulk, as submitting would)."""
    count = Count.create(kind="area", scope="bench", blind=True, created_by=lead, created_at=utcnow())
    places = list(Location.select(Location.id).where(Location.holds_units).order_by(Location.id).limit(lines))
    CountTask.insert_many([{"count": count.id, "location": p.id, "state": "approval"} for p in places]).execute()
    tasks = dict(CountTask.select(CountTask.location, CountTask.id).where(CountTask.count == count).tuples())
    units = dict(Unit.select(Unit.location, Unit.id).where(Unit.location.in_([p.id for p in places])).tuples())
    rows = [{"count": count.id, "task": tasks[p.id], "unit": units[p.id], "part": part.id, "lot": "",
             "expected": Decimal(100), "counted": Decimal(rng.randint(0, 60)), "recounted": Decimal(50),
             "variance": Decimal(-50), "state": "approval", "within": False, "at": utcnow()} for p in places]
    for start in range(0, len(rows), 500):
        CountLine.insert_many(rows[start:start + 500]).execute()
    return count.id


def _timed(fn):
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def run(quick=False, postgres=False):
    folder = Path(tempfile.mkdtemp(prefix="bench-counts-"))
    bind(open_database(f"sqlite:///{folder}/counts.db"))
    migrate()
    with db.connection_context():
        lead, part = _plant()
        area_s = _timed(lambda: counts.plan(lead, "area", area="HALL"))
        CountTask.update(state="done", done_at=utcnow()).execute()
        Count.update(status="closed").execute()
        later = utcnow() + datetime.timedelta(days=2)  # every place counted 2 days before
        stale_s = _timed(lambda: counts.plan(lead, "stale", days=1, now=later))
        CountTask.update(state="done", done_at=utcnow()).execute()
        rng = random.Random(3)
        lines = 5000 if quick else 10_000
        small, big = _approval_count(lead, part, 100, rng), _approval_count(lead, part, lines, rng)
    app = create_app({**data.IN_PROCESS, "DATABASE_URL": f"sqlite:///{folder}/counts.db"})
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "benchlead", "password": PASSWORD, "csrf_token": token})
    times = {small: [], big: []}
    for n in range(11 if quick else 31):
        for count_id in (small, big):
            started = time.perf_counter()
            response = client.get(f"/counts/{count_id}/review")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200 and b"Approve and book" in response.data, response.status_code
            if n:
                times[count_id].append(elapsed)
    p50 = {key: statistics.median(values) * 1000 for key, values in times.items()}
    db.close()
    return [
        {"bench": "counts: plan an area of 5,000 locations (sqlite)",
         **budget(round(area_s, 2), PLAN_BUDGET_S, "<=", "s")},
        {"bench": "counts: plan every place not counted for 1 day, 5,000 locations (sqlite)",
         **budget(round(stale_s, 2), PLAN_BUDGET_S, "<=", "s")},
        {"bench": f"counts: review page, {lines:,} lines vs 100 (sqlite)",
         "p50_ms": f"{p50[big]:.1f} / {p50[small]:.1f}",
         **ratio(p50[big] / p50[small], REVIEW_BUDGET, "<=", "p50")},
    ]


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.counts", run))
