"""Trace (issue 17): a downstream trace of one lot, and the upstream trace of one of its pallets, on
two plants with the same current state that differ only in the length of their ledger — 10,000
rows against 1,000,000 (--quick: 100,000). Budget: the long ledger within 1.25x of the short one
(p50): a trace grows with what it holds, not with the ledger. Measured in-process, in turns.

    python -m bench.trace [--quick] [--postgres]"""
import statistics
import sys
import time

from staging.domain import codes, inventory, trace
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_user
from staging.store.db import bind, db, migrate
from staging.store.models import Entry, Location, Part, WorkOrder, WorkOrderLine

from . import data
from .table import ratio, suite_main

BUDGET = 1.25
LOT = "TRACE-LOT-1"


def _traced_lot():
    """A lot of 90 kg consumed in three steps on a machine of its own, each followed by an output
    pallet: a trace of one lot, three pallets, one of them shipped."""
    user = create_user("benchtrace", "admin", "bench-password-1")
    machine = Location.create(code="TRACE-M", name="Trace machine", kind="machine", sort_key="TRACE-M")
    station = Location.create(code="TRACE-OUT", name="Trace output", kind="output", sort_key="TRACE-OUT")
    door = Location.create(code="TRACE-SHIP", name="Trace door", kind="shipping", sort_key="TRACE-SHIP")
    dock = Location.create(code="TRACE-RCV", name="Trace dock", kind="receiving", sort_key="TRACE-RCV")
    for loc in (machine, station, door, dock):
        codes.register(loc, loc.code)
    material = Part.create(number="TRACE-RES", revision="A", uom="kg")
    product = Part.create(number="TRACE-HSG", revision="A")
    wo = WorkOrder.create(number="TRACE-WO", part=product, quantity=30, machine=machine, output_station=station,
                          status="running")
    WorkOrderLine.create(work_order=wo, part=material, quantity=90)
    ctx = Ctx(user)
    lot = inventory.receive(ctx, material, "90", dock, lot=LOT).unit
    inventory.load(ctx, lot, machine, wo)
    pallets = []
    for _ in range(3):
        inventory.consume(ctx, lot, "30")
        pallets.append(inventory.produce(ctx, wo, "10").unit.lpn)
    inventory.move(ctx, pallets[0], door)
    return pallets[1]


def _time(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def compare(quick, postgres, engine):
    runs = 41 if quick else 81
    long_size = "quick" if quick else "history"
    plants = {}
    with data.plant(size="base", postgres=postgres) as short_url, \
            data.plant(size=long_size, postgres=postgres) as long_url:
        for size, url in (("base", short_url), (long_size, long_url)):
            bind(data.open_url(url))
            migrate()
            db.connect(reuse_if_open=True)
            pallet = _traced_lot()
            plants[size] = (db.obj, pallet, Entry.select().count())
            db.close()
        times = {}
        for n in range(runs):
            for size, (database, pallet, _) in plants.items():
                bind(database)
                db.connect(reuse_if_open=True)
                warm = 2 if n == 0 else 0
                for name, fn in (("downstream", lambda: trace.downstream(lot=LOT)),
                                 ("upstream", lambda p=pallet: trace.upstream(p))):
                    got = _time(fn, warm + 1)[warm:]
                    times.setdefault((size, name), []).extend(got)
                db.close()
        for database, _, _ in plants.values():
            database.close()
    p50 = {key: statistics.median(values) for key, values in times.items()}
    short, long = plants["base"][2], plants[long_size][2]
    return [{"bench": f"trace {name} of one lot: {long:,} vs {short:,} ledger rows ({engine})",
             "p50_ms": f"{p50[long_size, name]:.2f} / {p50['base', name]:.2f}",
             **ratio(p50[long_size, name] / p50["base", name], BUDGET, "<=", "p50")}
            for name in ("downstream", "upstream")]


def run(quick=False, postgres=None):
    engines = [postgres] if postgres is not None else ([False] if quick else [False, True])
    rows = []
    for pg in engines:
        rows += compare(quick, pg, "postgres" if pg else "sqlite")
    return rows


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.trace", run))
