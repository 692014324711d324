"""events: webhook delivery under load. The app under gunicorn (as `make run`: 2 workers, each with
its own delivery thread, taking turns on the subscription's lease) sends every event to a receiver
in this process, on loopback, that answers 204 at once.

- latency: POST /api/moves paced at 50 moves a second; for each move's event, the time from the
  move's commit (the event's `time`, stamped inside the transaction just before it commits: the
  figure errs long) to the receiver having it, p50/p95/p99. Budget: p95 <= 1 s.
- throughput: 8 API clients moving flat out (bench/load.py); moves a second, events delivered a
  second during the load, and how long the backlog takes to drain once the load stops. Budget:
  drained within 10 s.

    python -m bench.events [--quick] [--postgres]"""
import datetime
import http.client
import json
import statistics
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

from staging.domain.people.users import create_token
from staging.domain.webhooks import subscriptions
from staging.store.db import bind, db
from staging.store.models import Event, User

from . import data
from .load import percentile
from .scanmove import drive, workfile
from .server import Gunicorn
from .table import budget, suite_main

PACED_PER_SECOND = 50


class Receiver:
    """Records (arrival time, event) of every unit.moved delivery; answers 204 at once."""

    def __init__(self):
        self.got, self.lock = [], threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()
                now = time.time()
                event = json.loads(body)
                with receiver.lock:
                    receiver.got.append((now, event))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/in"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def moved(self):
        with self.lock:
            return [(at, e) for at, e in self.got if e["type"] == "unit.moved"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _epoch(iso):
    return datetime.datetime.fromisoformat(iso.removesuffix("Z")).replace(tzinfo=datetime.timezone.utc).timestamp()


def paced(url, token, work, per_second, seconds):
    """Moves at a steady rate from 4 client threads, each on its own keep-alive connection."""
    host, port = urlparse(url).hostname, urlparse(url).port
    clients, errors = 4, []
    every = clients / per_second
    start = time.monotonic() + 0.2

    def client(n):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, i = work[n::clients], 0
        while True:
            due = start + i * every + n * (every / clients)
            if due > start + seconds:
                return
            time.sleep(max(0.0, due - time.monotonic()))
            unit = mine[i % len(mine)]
            body = json.dumps({"unit": unit["lpn"], "to": unit["other"], "from": unit["at"],
                               "client_scan_id": str(uuid.uuid4())})
            try:
                conn.request("POST", "/api/moves", body, {"Content-Type": "application/json",
                                                         "Authorization": f"Bearer {token}"})
                answer = conn.getresponse()
                answer.read()
                ok = answer.status == 201
            except (OSError, http.client.HTTPException):
                conn.close()
                ok = False
            if ok:
                unit["at"], unit["other"] = unit["other"], unit["at"]
            else:
                errors.append(n)
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(errors)


def wait_for(receiver, count, timeout):
    """Seconds until the receiver has `count` move events (None: not within `timeout`)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if len(receiver.moved()) >= count:
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def moves_since(first_id):
    with db.connection_context():
        return Event.select().where(Event.id > first_id, Event.type == "unit.moved").count()


def last_event_id():
    with db.connection_context():
        row = Event.select(Event.id).order_by(Event.id.desc()).first()
        return row.id if row else 0


def engine_rows(quick, postgres):
    engine = "postgres" if postgres else "sqlite"
    paced_seconds, load_seconds = (5, 4) if quick else (15, 10)
    rows = []
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as tmp, data.plant(quick=quick, postgres=postgres) as url:
        bind(data.open_url(url))
        with db.connection_context():
            token = create_token("bench")
            subscriptions.add(User.get(User.username == "bench"), receiver.url, ["unit.moved"])
            works = {"paced": str(Path(tmp) / "paced.json"), "load": str(Path(tmp) / "load.json")}
            workfile(works, 8 * 40)
        db.close()
        try:
            with Gunicorn(url, API_CONCURRENCY="0") as app:
                # latency at a steady 50 moves a second
                first = last_event_id()
                work = json.loads(Path(works["paced"]).read_text())
                errors = paced(app.url, token, work, PACED_PER_SECOND, paced_seconds)
                expected = moves_since(first)
                wait_for(receiver, expected, 30)
                got = receiver.moved()
                lag = sorted((at - _epoch(e["time"])) * 1000 for at, e in got)
                p95 = round(percentile(lag, 95), 1) if lag else None
                rows.append({"bench": f"events: commit to receiver's 2xx at {PACED_PER_SECOND} moves/s ({engine})",
                             "per_second": round(len(got) / paced_seconds, 1),
                             "p50_ms": round(statistics.median(lag), 1) if lag else None, "p95_ms": p95,
                             "p99_ms": round(percentile(lag, 99), 1) if lag else None,
                             "errors": errors + (expected - len(got)), **budget(p95, 1000, "<=", "ms")})

                # 8 API clients flat out
                before, first = len(receiver.moved()), last_event_id()
                result = drive(app.url, works["load"], "api", 8, load_seconds, token=token)
                during = len(receiver.moved()) - before
                expected = moves_since(first)
                drained = wait_for(receiver, before + expected, 60)
                drain = round(drained, 1) if drained is not None else None
                rows.append({"bench": f"events: delivered/s vs moves/s, 8 API clients flat out ({engine})",
                             "clients": 8, "per_second": result["per_second"], "errors": result["errors"],
                             "value": f"{round(during / result['wall'], 1)} events/s delivered during the load"})
                rows.append({"bench": f"events: backlog drained after the load stops ({engine})",
                             **budget(drain, 10, "<=", "s")})
        finally:
            receiver.close()
    return rows


def run(quick=False, postgres=None):
    engines = [postgres] if postgres is not None else ([False] if quick else [False, True])
    return [row for pg in engines for row in engine_rows(quick, pg)]


if __name__ == "__main__":
    raise SystemExit(suite_main("python -m bench.events", run))
