"""The load process: C clients, each on its own keep-alive connection, moving its own pallets
back and forth for S seconds. Prints one JSON line: throughput and latency percentiles.

    python -m bench.load URL WORKFILE --clients 8 --seconds 5 --mode api|ceiling|scan [--token T]"""
import argparse
import http.client
import json
import statistics
import threading
import time
import uuid
from urllib.parse import urlencode, urlparse


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def client(url, mode, token, work, seconds, latencies, errors, cookie=None, csrf=None):
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        unit = work[i % len(work)]
        src, dst = unit["at"], unit["other"]
        if mode == "ceiling":
            body, path = json.dumps({"unit": unit["lpn"], "to_id": unit["other_id"]}), "/ceiling/move"
            headers = {"Content-Type": "application/json"}
        elif mode == "api":
            body = json.dumps({"unit": unit["lpn"], "to": dst, "from": src, "client_scan_id": str(uuid.uuid4())})
            path, headers = "/api/moves", {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        else:
            body = urlencode({"unit": unit["lpn"], "to": dst, "from": src, "scan_id": str(uuid.uuid4()),
                              "csrf_token": csrf})
            path = "/scan/move"
            headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        started = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status in (200, 201)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
            ok = False
        elapsed = time.perf_counter() - started
        if ok:
            latencies.append(elapsed)
            unit["at"], unit["other"] = dst, src
            unit["at_id"], unit["other_id"] = unit["other_id"], unit["at_id"]
        else:
            errors.append(elapsed)
        i += 1


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.load")
    parser.add_argument("url")
    parser.add_argument("workfile")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--mode", choices=("api", "ceiling", "scan"), default="api")
    parser.add_argument("--token")
    parser.add_argument("--cookie")
    parser.add_argument("--csrf")
    args = parser.parse_args()
    work = json.load(open(args.workfile))
    per = max(1, len(work) // args.clients)
    latencies, errors = [], []
    threads = [threading.Thread(target=client, args=(args.url, args.mode, args.token, work[n * per:(n + 1) * per],
                                                     args.seconds, latencies, errors, args.cookie, args.csrf))
               for n in range(args.clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    # Where the pallets are now: the next run starts from here.
    json.dump(work, open(args.workfile, "w"))
    ms = [x * 1000 for x in latencies]
    print(json.dumps({"clients": args.clients, "mode": args.mode, "ok": len(latencies), "errors": len(errors),
                      "per_second": round(len(latencies) / wall, 1),
                      "p50_ms": round(statistics.median(ms), 2) if ms else None,
                      "p95_ms": round(percentile(ms, 95), 2) if ms else None,
                      "p99_ms": round(percentile(ms, 99), 2) if ms else None}))


if __name__ == "__main__":
    main()
