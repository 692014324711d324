"""Plant set-up at scale: import 20,000 locations, 5,000 parts and 50,000 opening-stock pallets
(--quick: a tenth) from CSV through the same function as the page and the CLI
(staging.domain.setup.imports.run: every row checked, barcode registered, change recorded; stock
booked through inventory's bulk `opening_many` verb, one transaction per 1,000 pallets), on a fresh
SQLite file. Budget: under 60 s together
(the issue's figure; quick: 6 s), reported per kind. A dry run (the preview) is timed as well."""
import sys
import tempfile
import time
from pathlib import Path

from staging.domain.people import users
from staging.domain.setup import imports
from staging.store.db import bind, db, migrate, open_database

from .table import budget, print_table

SIZES = {"locations": 20000, "parts": 5000, "stock": 50000}


def files(scale):
    racks = max(1, SIZES["locations"] // scale // 400)
    rows = ["code,name,kind,parent,capacity", "WH,Warehouse,storage,,"]
    bins = []
    for r in range(racks):
        rows.append(f"R{r:03d},Rack {r},storage,WH,")
        for b in range(399):
            code = f"R{r:03d}-{b:03d}"
            bins.append(code)
            rows.append(f"{code},Rack {r} bin {b},storage,R{r:03d},")
    locations = "\n".join(rows) + "\n"
    parts = ["number,revision,description,uom,gtin"] + [
        f"P-{i:05d},A,Part {i},ea," for i in range(SIZES["parts"] // scale)]
    stock = ["lpn,part,revision,quantity,lot,location"] + [
        f"OB{i:07d},P-{i % (SIZES['parts'] // scale):05d},A,{10 + i % 90},L{i % 1000},{bins[i % len(bins)]}"
        for i in range(SIZES["stock"] // scale)]
    return {"locations": locations, "parts": "\n".join(parts) + "\n", "stock": "\n".join(stock) + "\n"}


def run(quick=False):
    scale = 10 if quick else 1
    users.PASSWORD_METHOD = "pbkdf2:sha256:1000"
    rows, total = [], 0.0
    with tempfile.TemporaryDirectory() as tmp:
        bind(open_database(f"sqlite:///{Path(tmp) / 'setup.db'}"))
        migrate()
        db.connect(reuse_if_open=True)
        admin = users.create_user("admin", "admin", "bench-password")
        for kind, text in files(scale).items():
            t = time.perf_counter()
            preview = imports.run(admin, kind, text, f"{kind}.csv", dry_run=True)
            dry = time.perf_counter() - t
            t = time.perf_counter()
            report = imports.run(admin, kind, text, f"{kind}.csv")
            took = time.perf_counter() - t
            total += took
            assert report.written and not report.bad and preview.ok, (kind, report.problem, report.bad[:3])
            rows.append({"bench": f"import {len(report.rows)} {kind}", "per_second": round(len(report.rows) / took),
                         "value": f"{took:.1f} s (preview {dry:.1f} s)"})
        db.close()
    limit = 6 if quick else 60
    rows.append({"bench": "set-up imports together", **budget(round(total, 1), limit, "<=", "s")})
    return rows


if __name__ == "__main__":
    print_table(run(quick="--quick" in sys.argv))
