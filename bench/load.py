"""The load process: C clients, each on its own keep-alive connection to 127.0.0.1, moving its own
pallets back and forth for S seconds. Prints one JSON line: throughput and latency percentiles.

    python -m bench.load URL WORKFILE --clients 8 --seconds 5 --mode api|ceiling|scan
        [--token T] [--user NAME --password PW]

Modes: `ceiling` posts to the bare ceiling app; `api` posts POST /api/moves with a bearer token;
`scan` signs each client in (its own session, like one handheld each) and posts the /scan form
the way a browser without JavaScript does: the pallet's code, then the location's code, each
answered 303 (the redirect's GET is not followed: it only redraws the page). A scan move's
latency is both posts."""
import argparse
import http.client
import json
import re
import statistics
import sys
import threading
import time
import uuid
from urllib.parse import urlencode, urlparse

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Browser:
    """One keep-alive connection with a cookie jar: enough of a browser for the form posts."""

    def __init__(self, url):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return None, b""
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, data

    def form(self, path, fields):
        return self.request("POST", path, urlencode(fields), {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, user, password):
        _, page = self.request("GET", "/login")
        status, _ = self.form("/login", {"username": user, "password": password,
                                         "csrf_token": TOKEN.search(page.decode()).group(1)})
        assert status == 302, f"sign-in failed: {status}"
        _, page = self.request("GET", "/scan")
        return TOKEN.search(page.decode()).group(1)


def client(url, mode, args, work, seconds, latencies, errors, ready):
    browser = Browser(url)
    try:
        csrf = browser.sign_in(args.user, args.password) if mode == "scan" else None
    except Exception:
        ready.abort()  # the run cannot start: nobody waits for this client forever
        raise
    ready.wait()  # every client signed in: the clock starts now
    # A fresh connection: gunicorn closes one idle past its keep-alive (2 s) while others sign in.
    browser.conn.close()
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        unit = work[i % len(work)]
        src, dst = unit["at"], unit["other"]
        started = time.perf_counter()
        if mode == "ceiling":
            status, _ = browser.request("POST", "/ceiling/move",
                                        json.dumps({"unit": unit["lpn"], "to_id": unit["other_id"]}),
                                        {"Content-Type": "application/json"})
            ok = status == 201
            why = status
        elif mode == "api":
            body = json.dumps({"unit": unit["lpn"], "to": dst, "from": src, "client_scan_id": str(uuid.uuid4())})
            status, _ = browser.request("POST", "/api/moves", body, {"Content-Type": "application/json",
                                                                    "Authorization": f"Bearer {args.token}"})
            ok = status == 201
            why = status
        else:
            first, _ = browser.form("/scan", {"code": unit["lpn"], "scan_id": uuid.uuid4().hex, "csrf_token": csrf})
            second, _ = browser.form("/scan", {"code": dst, "scan_id": uuid.uuid4().hex, "csrf_token": csrf})
            # The page would say whether it moved; the unit's new place is checked after the run.
            ok = first == second == 303
            why = f"{first}/{second}"
            if not ok:  # a lost post leaves the scan page half-way (a pending pallet or target)
                browser.form("/scan", {"code": "CMD:CANCEL", "scan_id": uuid.uuid4().hex, "csrf_token": csrf})
        elapsed = time.perf_counter() - started
        if ok:
            latencies.append(elapsed)
            unit["at"], unit["other"] = dst, src
            unit["at_id"], unit["other_id"] = unit["other_id"], unit["at_id"]
        else:
            errors.append(str(why))
        i += 1


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("url")
    parser.add_argument("workfile")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--mode", choices=("api", "ceiling", "scan"), default="api")
    parser.add_argument("--token")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()
    assert urlparse(args.url).hostname == "127.0.0.1", "the load process only talks to 127.0.0.1"
    work = json.load(open(args.workfile))
    per = max(1, len(work) // args.clients)
    latencies, errors = [], []
    ready = threading.Barrier(args.clients + 1)
    threads = [threading.Thread(target=client, args=(args.url, args.mode, args, work[n * per:(n + 1) * per],
                                                     args.seconds, latencies, errors, ready))
               for n in range(args.clients)]
    for t in threads:
        t.start()
    try:
        ready.wait()
    except threading.BrokenBarrierError:
        sys.exit("a client could not sign in (its error is above)")
    started = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    # Where the pallets are now: the next run starts from here.
    json.dump(work, open(args.workfile, "w"))
    ms = [x * 1000 for x in latencies]
    print(json.dumps({"clients": args.clients, "mode": args.mode, "ok": len(latencies), "errors": len(errors),
                      "statuses": {s: errors.count(s) for s in set(errors)},
                      "per_second": round(len(latencies) / wall, 1),
                      "p50_ms": round(statistics.median(ms), 2) if ms else None,
                      "p95_ms": round(percentile(ms, 95), 2) if ms else None,
                      "p99_ms": round(percentile(ms, 99), 2) if ms else None,
                      "wall": round(wall, 3), "latencies_ms": [round(x, 3) for x in ms]}))


if __name__ == "__main__":
    main()
