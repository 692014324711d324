"""The handheld scan page: server time of a scan on a large plant (in-process, so it is the
server's work: resolve, state machine, verb, rendering), and the bytes a handheld downloads for
/scan (HTML, CSS, JS) as the app sends them to Chromium (compressed by the app itself).

    python -m bench.scan [--quick] [--postgres]

A scan's cost must not grow with the size of the plant: every scan is one indexed lookup of the
code plus the verb's own rows."""
import gzip
import re
import statistics
import sys
import time
import uuid
import zlib

import brotli
from backports import zstd

from staging import create_app
from staging.domain import codes, inventory
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_user
from staging.store.db import bind, db, migrate
from staging.store.models import Entry, Location, Part, Unit

from . import data
from .table import budget, suite_main

BUDGET_WIRE = 25_000  # bytes for a cold /scan on a handheld over patchy Wi-Fi (issue 12: under 25 KB)
CHROMIUM = {"Accept-Encoding": "gzip, deflate, br, zstd"}  # what Chromium asks for
DECODERS = {None: bytes, "gzip": gzip.decompress, "deflate": zlib.decompress, "br": brotli.decompress,
            "zstd": zstd.decompress}


def _post(client, token, code, times):
    start = time.perf_counter()
    response = client.post("/scan", data={"csrf_token": token, "code": code, "scan_id": uuid.uuid4().hex},
                           headers={"X-Scan-Client": "1"})
    body = response.get_data(as_text=True)
    times.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, response.status_code
    return body


def _stats(times):
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1)}


def page_bytes(client):
    """What a handheld downloads on a cold load of /scan: (path, body as sent, Content-Encoding,
    body decoded) for the page and every CSS and JS file it references."""
    def get(path):
        response = client.get(path, headers=CHROMIUM)
        assert response.status_code == 200, (path, response.status_code)
        encoding = response.headers.get("Content-Encoding")
        sent = response.get_data()
        return path, sent, encoding, DECODERS[encoding](sent)

    page = get("/scan")
    assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page[3].decode())
    return [page] + [get(a) for a in assets]


def run(quick=False, postgres=False):
    runs = 30 if quick else 100
    rows = []
    with data.plant(quick=quick, postgres=postgres) as url:
        bind(data.open_url(url))
        migrate()
        with db.connection_context():
            user = create_user("benchscan", "stager", "password-123")
            entries, units = Entry.select().count(), Unit.select().count()
            for code in ("BENCH-A", "BENCH-B"):
                codes.register(Location.create(code=code, name=code, kind="storage", sort_key=code), code)
            part = Part.select().first()
            lpn = inventory.receive(Ctx(user), part, "10", "BENCH-A").unit.lpn
        app = create_app({**data.IN_PROCESS, "DATABASE_URL": url})
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        assert client.post("/login", data={"username": "benchscan", "password": "password-123",
                                           "csrf_token": token}).status_code == 302
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/scan").get_data(as_text=True)).group(1)
        first, second, refused = [], [], []
        for i in range(runs + 3):
            warm = i < 3
            _post(client, token, lpn, [] if warm else first)
            body = _post(client, token, "BENCH-B" if i % 2 == 0 else "BENCH-A", [] if warm else second)
            assert 'data-tone="ok"' in body, body[:400]
            _post(client, token, f"NOPE-{i}", [] if warm else refused)
        engine = "postgres" if postgres else "sqlite"
        size = f"({engine}, {entries:,} ledger rows, {units:,} units)"
        for name, times in (("scan: pallet, waits for 2nd", first), ("scan: location, move written", second),
                            ("scan: unknown barcode", refused)):
            result = _stats(times)
            # Figures only: absolute times drift between runs (the budgets are ratios, in scanmove).
            rows.append({"bench": f"{name} {size}", **result})
        files = page_bytes(client)
        db.close()
    for path, sent, encoding, body in files:
        rows.append({"bench": f"/scan download: {path}",
                     "value": f"{len(body)} B raw, {len(sent)} B {encoding or 'sent as is'}"})
    total_raw, total_sent = sum(len(f[3]) for f in files), sum(len(f[1]) for f in files)
    rows.append({"bench": f"/scan download: total as the app sends it, everything included ({total_raw} B raw)",
                 **budget(total_sent, BUDGET_WIRE, "<=", "B")})
    return rows


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.scan", run))
