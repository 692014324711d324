"""scan-move: moves per second and latency at 1, 8 and 32 clients through POST /api/moves,
against the ceiling (a bare Flask + peewee read-update-insert) in the same run and settings.

    python -m bench.scanmove [--quick] [--postgres]"""
import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from staging.db import bind, db
from staging.models import Location, Unit
from staging.users import create_token

from . import data
from .server import Gunicorn
from .table import budget, print_table


def workfile(paths, count):
    """Pallets in storage bins, each with a second bin to move to and back; a separate set of
    pallets for each server, since each moves its own."""
    bins = list(Location.select(Location.id, Location.code).where(Location.kind == "storage", Location.holds_units)
                .tuples())
    rows = (Unit.select(Unit.lpn, Location.id, Location.code).join(Location)
            .where(Unit.status == "stock", Location.kind == "storage").limit(count * len(paths)).tuples())
    work = []
    for n, (lpn, loc_id, code) in enumerate(rows):
        other_id, other = bins[(n * 7 + 3) % len(bins)]
        if other_id == loc_id:
            other_id, other = bins[(n * 7 + 4) % len(bins)]
        work.append({"lpn": lpn, "at": code, "at_id": loc_id, "other": other, "other_id": other_id})
    for n, path in enumerate(paths.values()):
        Path(path).write_text(json.dumps(work[n::len(paths)]))


def drive(url, work, mode, clients, seconds, **extra):
    args = [sys.executable, "-m", "bench.load", url, work, "--clients", str(clients), "--seconds", str(seconds),
            "--mode", mode] + [f"--{k}={v}" for k, v in extra.items()]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(quick=False, postgres=False, levels=None):
    seconds = 3 if quick else 10
    levels = levels or ((8,) if quick else (1, 8, 32))
    rows = []
    with tempfile.TemporaryDirectory() as tmp, data.plant(quick=quick, postgres=postgres) as url:
        bind(data.open_url(url))
        token = create_token("bench")
        works = {name: str(Path(tmp) / f"{name}.json") for name in ("ceiling", "api")}
        workfile(works, 32 * 40)
        db.close()
        engine = "postgres" if postgres else "sqlite"
        results = {}
        for name, app in (("ceiling", "bench.ceiling_app:app"), ("api", "app:app")):
            with Gunicorn(url, app=app) as server:
                for clients in levels:
                    result = drive(server.url, works[name], name, clients, seconds, token=token)
                    results[name, clients] = result
                    rows.append({"bench": f"scan-move {name} ({engine})", "clients": clients, **result})
                if name == "api":
                    rows.append({"bench": f"worker peak RSS ({engine})", "rss_mb": server.peak_rss_mb(),
                                 **budget(server.peak_rss_mb(), 120, "<=", "MB")})
        for clients in levels:
            api, ceiling = results["api", clients], results["ceiling", clients]
            ratio = api["per_second"] / ceiling["per_second"] if ceiling["per_second"] else 0
            row = {"bench": f"scan-move api/ceiling ({engine})", "clients": clients,
                   "throughput_ratio": round(ratio, 2),
                   "p99_ratio": round(api["p99_ms"] / ceiling["p99_ms"], 2) if ceiling["p99_ms"] else None}
            if clients == 8:
                ok = ratio >= 0.70 and row["p99_ratio"] is not None and row["p99_ratio"] <= 1.5
                row["budget"] = ">=0.70x throughput, <=1.5x p99"
                row["pass"] = "PASS" if ok else "FAIL"
            rows.append(row)
    return rows


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.scanmove")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    print_table(run(quick=args.quick, postgres=args.postgres))


if __name__ == "__main__":
    main()
