"""The inventory page of a large plant: the demo plant, then the same plant with 20,000 more bins
(an area of 20 aisles of 25 racks of 40 bins) and a pallet on every other one. Server time in-process through
the Flask test client (queries, templates, the whole body; p50 of the two plants measured in turns)
and the bytes of the page. Budget: at 20,000 bins within 2x the demo's time and 2x its weight,
for the page as it opens and for a rack opened on it. The header search from the page is timed
alongside (a figure, no budget).

    python -m bench.inventory_page [--quick]"""
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from staging import create_app, first_start
from staging.domain.people import users
from staging.store.db import bind, db, open_database
from staging.store.models import Location, Part, Unit, utcnow

from . import data
from .plantgen import _bulk
from .table import ratio, suite_main

PASSWORD = "bench-password-1"
AISLES, RACKS, BINS = 20, 25, 40  # 20,000 bins
BUDGET = 2.0


def _client(path, extra_bins):
    url = f"sqlite:///{path}"
    app = create_app({**data.IN_PROCESS, "DATABASE_URL": url, "SEED_DEMO": True, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        bind(open_database(url))
        first_start.prepare(app.config, echo=lambda *_: None)  # migrate, the admin, the demo plant
        with db.connection_context():
            users.create_user("benchlead", "lead", PASSWORD)
            if extra_bins:
                _more_bins()
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": "benchlead", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client, db.obj


def _more_bins():
    """A new area of 20 aisles of 25 racks of 40 bins, a pallet on every other bin (bulk inserts)."""
    def level(rows):
        _bulk(Location, rows)
        return dict(Location.select(Location.code, Location.id)
                    .where(Location.code.in_([r["code"] for r in rows])).tuples())
    with db.atomic():
        area = Location.create(code="BIG", name="Big warehouse", kind="storage", holds_units=False, sort_key="BIG")
        group = dict(kind="storage", holds_units=False)
        aisles = level([dict(code=f"BA{a:02d}", name=f"Aisle {a}", parent=area.id, sort_key=f"BA{a:02d}", **group)
                        for a in range(AISLES)])
        racks = level([dict(code=f"{aisle}-R{r:02d}", name=f"Rack {r}", parent=aisle_id, sort_key=f"{aisle}-R{r:02d}",
                            **group) for aisle, aisle_id in aisles.items() for r in range(RACKS)])
        bins = level([dict(code=f"{rack}-{b:02d}", name=f"Bin {b}", kind="storage", capacity=2, parent=rack_id,
                           sort_key=f"{rack}-{b:02d}") for rack, rack_id in racks.items() for b in range(BINS)])
        part = Part.select().first()
        now = utcnow()
        _bulk(Unit, [dict(lpn=f"BIG{i:07d}", part=part.id, quantity=10, location=loc_id, created_at=now, updated_at=now)
                     for i, loc_id in enumerate(sorted(bins.values())) if i % 2 == 0])


def _get(client, database, path, headers=None):
    bind(database)
    start = time.perf_counter()
    response = client.get(path, headers=headers or {})
    body = response.get_data()
    took = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (path, response.status_code)
    db.close()
    return took, len(body)


def run(quick=False, postgres=False):
    runs = 15 if quick else 41
    fragment = {"HX-Request": "true", "HX-Target": "places"}
    pages = {"page": ("/inventory", {}), "rack opened": ("/inventory/in/{rack}", {"HX-Request": "true"}),
             "filter by code": ("/inventory?q={bin}", fragment)}
    with tempfile.TemporaryDirectory() as tmp:
        plants = {"demo": _client(Path(tmp) / "demo.db", False), "20,000 bins": _client(Path(tmp) / "big.db", True)}
        racks = {"demo": "R-A", "20,000 bins": "BA07-R12"}
        bins = {"demo": "A-01-1", "20,000 bins": "BA07-R12-33"}  # one match each: the cost of the look-up
        times, sizes = {}, {}
        for n in range(runs):
            for name, (client, database) in plants.items():
                for what, (path, headers) in pages.items():
                    took, size = _get(client, database, path.format(rack=racks[name], bin=bins[name]), headers)
                    if n:  # the first round warms caches
                        times.setdefault((name, what), []).append(took)
                    sizes[name, what] = size
        search = [_get(plants["20,000 bins"][0], plants["20,000 bins"][1], "/search?q=BIG0001",
                       {"HX-Request": "true", "HX-Boosted": "true"})[0] for _ in range(runs)]
        for _, database in plants.values():
            database.close()
    rows = []
    for what in pages:
        big, demo = (statistics.median(times[p, what]) for p in ("20,000 bins", "demo"))
        rows.append({"bench": f"inventory {what}: 20,000 bins vs demo, time", "p50_ms": f"{big:.1f} / {demo:.1f}",
                     **ratio(big / demo, BUDGET, "<=", "p50")})
        rows.append({"bench": f"inventory {what}: 20,000 bins vs demo, bytes",
                     "p50_ms": f"{sizes['20,000 bins', what]:,} / {sizes['demo', what]:,} B",
                     **ratio(sizes["20,000 bins", what] / sizes["demo", what], BUDGET, "<=", "bytes")})
    rows.append({"bench": "header search from the inventory, 20,000 bins",
                 "p50_ms": round(statistics.median(search), 1)})
    return rows


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.inventory_page", run))
