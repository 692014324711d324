"""Exports: the inventory as XLSX against the same rows as CSV, on a plant of 50,000 units
(--quick: 10,000). Server time in-process through the Flask test client (queries, writing, the
whole body), the two taken in turns so load from elsewhere on the machine weighs on both alike.
Budget: the workbook (write-only openpyxl, date cells, frozen header, filter, widths) within 3x
the CSV's time.

    python -m bench.exports [--quick]"""
import statistics
import sys
import time

from staging.store.db import db

from . import data
from .reads import signed_in_client
from .table import ratio, suite_main

XLSX_BUDGET = 3.0


def _timed(client, path):
    start = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    assert response.status_code == 200, (path, response.status_code)
    return time.perf_counter() - start, len(body)


def run(quick=False, postgres=False):
    size, runs = ("base", 3) if quick else ("tasks-50k", 3)
    times = {"csv": [], "xlsx": []}
    sizes = {}
    with data.plant(size=size, postgres=postgres) as url:
        client, _, _, units = signed_in_client(url)
        for fmt in times:  # warm
            _timed(client, f"/reports/inventory.{fmt}")
        for _ in range(runs):
            for fmt in times:
                took, sizes[fmt] = _timed(client, f"/reports/inventory.{fmt}")
                times[fmt].append(took)
        db.close()
    csv_s, xlsx_s = statistics.median(times["csv"]), statistics.median(times["xlsx"])
    engine = "postgres" if postgres else "sqlite"
    return [{"bench": f"inventory export, {units:,} units ({engine}): XLSX {sizes['xlsx'] // 1024:,} KB, "
                      f"CSV {sizes['csv'] // 1024:,} KB",
             "p50_ms": f"{xlsx_s * 1000:.0f} / {csv_s * 1000:.0f}",
             **ratio(xlsx_s / csv_s, XLSX_BUDGET, "<=", "time")}]


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.exports", run))
