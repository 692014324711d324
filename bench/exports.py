"""Exports: the inventory as XLSX and as CSV on a plant of 50,000 units (--quick: 10,000). Server
time in-process through the Flask test client (queries, writing, the whole body).

Budget, as for labels: the workbook (write-only openpyxl, date cells, a bold frozen header, a
filter, widths) within 2x the time openpyxl itself takes to write the same rows bare (write-only,
plain append, nothing else), so what we add on top of the library — the query, the cells' types,
the sheet's head — stays small. The CSV's time is shown beside it, without a budget: openpyxl
spends ~10 µs a cell in Python where the csv module spends well under one in C, so no workbook
writer on openpyxl comes near the CSV's time (measured: bare openpyxl alone is 8-10x the CSV).
The three are taken in turns so load from elsewhere on the machine weighs on all alike.

    python -m bench.exports [--quick]"""
import io
import statistics
import sys
import time

from staging.domain import logbook, reports
from staging.store.db import db

from . import data
from .reads import signed_in_client
from .table import ratio, suite_main

XLSX_BUDGET = 2.0


def _timed(client, path):
    start = time.perf_counter()
    response = client.get(path)
    body = response.get_data()
    assert response.status_code == 200, (path, response.status_code)
    return time.perf_counter() - start, len(body)


def _bare(rows):
    """openpyxl alone: the same rows (already read), appended to a write-only sheet and saved."""
    from openpyxl import Workbook
    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("inventory")
    for row in rows:
        sheet.append(row)
    book.save(io.BytesIO())
    return time.perf_counter() - start


def run(quick=False, postgres=False):
    size, runs = ("base", 3) if quick else ("tasks-50k", 3)
    times = {"csv": [], "xlsx": [], "bare": []}
    sizes = {}
    with data.plant(size=size, postgres=postgres) as url:
        client, _, _, units = signed_in_client(url)
        with db.connection_context():
            header, rows = reports.inventory_rows(logbook.Calendar.from_config(client.application.config))
            rows = [header] + [[float(v) if hasattr(v, "quantize") else v for v in row] for row in rows]
        for fmt in ("csv", "xlsx"):  # warm
            _timed(client, f"/reports/inventory.{fmt}")
        for _ in range(runs):
            for fmt in ("csv", "xlsx"):
                took, sizes[fmt] = _timed(client, f"/reports/inventory.{fmt}")
                times[fmt].append(took)
            times["bare"].append(_bare(rows))
        db.close()
    csv_s, xlsx_s, bare_s = (statistics.median(times[k]) for k in ("csv", "xlsx", "bare"))
    engine = "postgres" if postgres else "sqlite"
    return [{"bench": f"inventory export, {units:,} units ({engine}): XLSX {sizes['xlsx'] // 1024:,} KB; "
                      f"the CSV ({sizes['csv'] // 1024:,} KB) takes {csv_s * 1000:.0f} ms, {xlsx_s / csv_s:.1f}x less",
             "p50_ms": f"{xlsx_s * 1000:.0f}",
             **ratio(xlsx_s / bare_s, XLSX_BUDGET, "<=", f"openpyxl bare ({bare_s * 1000:.0f} ms)")}]


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.exports", run))
