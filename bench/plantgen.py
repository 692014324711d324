"""A large plant for benchmarks, written with bulk inserts (not through the API): locations,
parts, work orders, units and a ledger whose replay agrees with current state (`check` passes).

    python -m bench.plantgen DATABASE_URL [--units N] [--entries N]"""
import argparse
import datetime
import random
import time
from decimal import Decimal

from staging.store.db import bind, db, is_postgres, migrate, open_database
from staging.store.models import (
    Barcode,
    Entry,
    Location,
    Part,
    Sequence,
    Unit,
    User,
    WorkOrder,
    WorkOrderLine,
    utcnow,
)

CHUNK = 2000


def _bulk(model, rows):
    """INSERT many rows with the driver's executemany: ten times faster than building SQL per row."""
    if not rows:
        return
    fields = [f for f in model._meta.sorted_fields if not (f.primary_key and f.name == "id")]
    defaults = {f.name: (f.default() if callable(f.default) else f.default) for f in fields}
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    values = [[f.db_value(row.get(f.name, defaults[f.name])) for f in fields] for row in rows]
    cursor = db.cursor()
    if is_postgres():
        from psycopg2.extras import execute_values
        execute_values(cursor, f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES %s', values,
                       page_size=CHUNK)
    else:
        marks = ", ".join("?" * len(fields))
        cursor.executemany(f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})', values)


def _ids(model, field, values):
    return dict(model.select(field, model.id).where(field.in_(values)).tuples()) if values else {}


def generate(units=100_000, entries=1_000_000, work_orders=2_000, seed=1, machine_count=20, open_orders=None):
    """Fill an empty, migrated database. Returns counts. `open_orders` (default: two per machine)
    of the work orders are open, one running per machine first, then released."""
    rng = random.Random(seed)
    now = utcnow()
    started = time.perf_counter()
    with db.atomic():
        user = User.create(username="bench", role="admin", display_name="Bench")

        # ~500 locations: areas, racks of bins, lanes, machines, stations.
        def loc_rows(rows):
            _bulk(Location, rows)
            return _ids(Location, Location.code, [r["code"] for r in rows])
        areas = loc_rows([dict(code=c, name=n, kind=k, holds_units=False, sort_key=c) for c, n, k in (
            ("DOCK", "Dock", "receiving"), ("WH", "Warehouse", "storage"), ("FLOOR", "Floor", "staging"),
            ("SHIP", "Shipping", "shipping"))])
        racks = loc_rows([dict(code=f"R-{r:02d}", name=f"Rack {r}", kind="storage", holds_units=False,
                               parent=areas["WH"], sort_key=f"R-{r:02d}") for r in range(1, 21)])
        spots = []
        spots += [dict(code=f"RCV-{i}", name=f"Door {i}", kind="receiving", parent=areas["DOCK"]) for i in (1, 2)]
        spots += [dict(code=f"B{r:02d}-{b:02d}", name=f"Bin {r}-{b}", kind="storage", parent=racks[f"R-{r:02d}"])
                  for r in range(1, 21) for b in range(1, 21)]
        spots += [dict(code=f"LANE-{i:02d}", name=f"Lane {i}", kind="staging", parent=areas["FLOOR"])
                  for i in range(1, 41)]
        spots += [dict(code=f"M{i:02d}", name=f"Machine {i}", kind="machine", parent=areas["FLOOR"])
                  for i in range(1, machine_count + 1)]
        spots += [dict(code=f"OUT-{i}", name=f"Output {i}", kind="output", parent=areas["FLOOR"]) for i in range(1, 7)]
        spots += [dict(code="QC-HOLD", name="QC hold", kind="qc_hold"), dict(code="SCRAP", name="Scrap", kind="scrap"),
                  dict(code="SHIP-1", name="Door", kind="shipping", parent=areas["SHIP"])]
        for s in spots:
            s["sort_key"] = s["code"]
        places = loc_rows(spots)
        by_kind = {}
        for s in spots:
            by_kind.setdefault(s["kind"], []).append(places[s["code"]])
        _bulk(Barcode, [dict(code=c, entity="location", entity_id=i, created_at=now) for c, i in places.items()])

        # Parts and work orders: 2 per machine open, the rest done or closed.
        _bulk(Part, [dict(number=f"PRT-{i:04d}", revision=rev, description=f"Part {i}", uom="kg")
                     for i in range(300) for rev in "AB"])
        parts = list(Part.select(Part.id).tuples())
        part_ids = [p[0] for p in parts]
        machines = by_kind["machine"]
        open_count = 2 * len(machines) if open_orders is None else open_orders
        wo_rows = []
        for i in range(work_orders):
            status = "running" if i < len(machines) else "released" if i < open_count else \
                rng.choice(("done", "closed"))
            wo_rows.append(dict(number=f"WO-{100000 + i}", part=rng.choice(part_ids), quantity=Decimal(1000),
                                machine=machines[i % len(machines)], output_station=rng.choice(by_kind["output"]),
                                status=status, created_at=now - datetime.timedelta(days=rng.randint(0, 365))))
        _bulk(WorkOrder, wo_rows)
        wos = _ids(WorkOrder, WorkOrder.number, [w["number"] for w in wo_rows])
        open_wos = [wos[w["number"]] for w in wo_rows[:open_count]]
        wo_machine = {wos[w["number"]]: w["machine"] for w in wo_rows}
        wo_lines = {}
        line_rows = []
        for wo_id in wos.values():
            chosen = rng.sample(part_ids, 3)
            wo_lines[wo_id] = chosen
            line_rows += [dict(work_order=wo_id, part=p, quantity=Decimal(2000)) for p in chosen]
        _bulk(WorkOrderLine, line_rows)
        _bulk(Barcode, [dict(code=n, entity="work_order", entity_id=i, created_at=now) for n, i in wos.items()])

        # Units and their ledgers.
        per_unit = max(1, entries // units)
        storage, lanes, receiving = by_kind["storage"], by_kind["staging"], by_kind["receiving"]
        start = now - datetime.timedelta(days=365)
        unit_rows, fates = [], []
        for n in range(units):
            roll = rng.random()
            wo = rng.choice(open_wos) if roll < 0.12 else None
            if roll < 0.10:
                fate = ("staged", rng.choice(lanes), wo, rng.choice(wo_lines[wo]))
            elif roll < 0.12:
                fate = ("loaded", wo_machine[wo], wo, rng.choice(wo_lines[wo]))
            elif roll < 0.20:
                fate = ("empty", None, None, rng.choice(part_ids))
            else:
                fate = ("stock", rng.choice(storage), None, rng.choice(part_ids))
            qty = Decimal(rng.randint(1, 100) * 10)
            born = start + datetime.timedelta(minutes=rng.randint(0, 360 * 24 * 60))
            unit_rows.append(dict(lpn=f"P{n + 1:07d}", part=fate[3], lot=f"L{rng.randint(1, 9999)}",
                                  quantity=Decimal(0) if fate[0] == "empty" else qty, status=fate[0],
                                  location=fate[1], work_order=fate[2], created_at=born, updated_at=born))
            fates.append((fate, qty, born))
        _bulk(Unit, unit_rows)
        unit_ids = list(Unit.select(Unit.id).order_by(Unit.id).tuples())
        _bulk(Barcode, [dict(code=row["lpn"], entity="unit", entity_id=uid, created_at=now)
                        for row, (uid,) in zip(unit_rows, unit_ids)])
        Sequence.insert(name="lpn", value=units + 1).execute()

        batch = []
        written = 0
        for (uid,), (fate, qty, born) in zip(unit_ids, fates):
            status, final, wo, _ = fate
            at = born
            here = rng.choice(receiving)
            if per_unit == 1:
                # The least history a plant can have: each unit received where it stands now (the
                # same current state as a plant with more history, for the history ratio budgets).
                empty = status == "empty"
                batch.append(dict(unit=uid, kind="receive", from_location=None, to_location=final, quantity=qty,
                                  delta=Decimal(0) if empty else qty, status=status, work_order=wo, user=user.id,
                                  at=at))
                continue
            batch.append(dict(unit=uid, kind="receive", from_location=None, to_location=here, quantity=qty,
                              delta=qty, status="stock", work_order=None, user=user.id, at=at))
            for k in range(per_unit - 1):
                at += datetime.timedelta(minutes=rng.randint(5, 600))
                last = k == per_unit - 2
                if last and status == "empty":
                    batch.append(dict(unit=uid, kind="scrap", from_location=here, to_location=None, quantity=qty,
                                      delta=-qty, status="empty", work_order=None, user=user.id, at=at,
                                      reason="bench"))
                    continue
                to = final if last else rng.choice(storage)
                if to == here:
                    to = final if not last else here
                kind = {"staged": "stage", "loaded": "load"}.get(status, "move") if last else "move"
                batch.append(dict(unit=uid, kind=kind, from_location=here, to_location=to, quantity=qty,
                                  delta=Decimal(0), status=status if last else "stock",
                                  work_order=wo if last else None, user=user.id, at=at))
                here = to
            if len(batch) >= 20 * CHUNK:
                _bulk(Entry, batch)
                written += len(batch)
                batch = []
        _bulk(Entry, batch)
        written += len(batch)
    return {"locations": Location.select().count(), "units": units, "entries": written,
            "work_orders": work_orders, "seconds": round(time.perf_counter() - started, 1)}


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.plantgen")
    parser.add_argument("database_url")
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--work-orders", type=int, default=2_000)
    args = parser.parse_args()
    bind(open_database(args.database_url))
    migrate()
    print(generate(args.units, args.entries, args.work_orders))


if __name__ == "__main__":
    main()
