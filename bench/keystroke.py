"""keystroke: on the handheld scan page in Chromium (360x640, scans typed as a keyboard wedge), the
time from the scan's last keystroke (its Enter) to the result panel, p50 and p95 over 50 moves
(a pallet, then a bin), with no other load and with 8 API clients moving other pallets meanwhile;
and the bytes of a cold /scan as the app sends them (bench/scan.py's count, against 25 KB).

    python -m bench.keystroke [--quick] [--postgres]      (quick: 20 moves; make bench: both engines)

The app runs under gunicorn as `make run` does; the load is bench/load.py in its own process. The
two conditions come in slices taken in turns (quiet, loaded, quiet, ...), so a neighbour's load on a
shared machine weighs on both alike. The time is taken inside the page: performance.now() at the
Enter keydown, and again when the panel shows the server's green answer (a MutationObserver)."""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from staging.domain.people.users import create_token, create_user
from staging.store.db import bind, db
from staging.store.models import Location, Unit

from . import data
from .load import percentile
from .scanmove import workfile
from .server import Gunicorn
from .table import ratio, suite_main

IN_QUICK = False  # Chromium and gunicorn: beyond bench-quick's minute; `python -m bench.keystroke --quick` alone
MOVES, SLICES = 50, 5  # quiet and loaded slices of MOVES / SLICES moves each (quick: 20 in 4)
LOAD_CLIENTS = 8
PASSWORD = "bench-password-1"
CHROMIUM = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--disable-quic"]

# Armed before each scan: resolves with the ms from the Enter keydown to the panel showing `expected`
# in the given tone (the page first shows its own "sending" panel; that one does not count).
ARM = """([expected, tone]) => { window.__lat = new Promise(resolve => {
  let t0 = null;
  const down = e => { if (e.key === 'Enter') t0 = performance.now(); };
  document.addEventListener('keydown', down, true);
  const seen = () => { const p = document.getElementById('panel');
    return t0 !== null && p && p.getAttribute('data-tone') === tone && p.textContent.includes(expected); };
  const obs = new MutationObserver(() => { if (seen()) { obs.disconnect();
    document.removeEventListener('keydown', down, true); resolve(performance.now() - t0); } });
  obs.observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true});
}); }"""


def _pallets(count):
    """Pallets in storage for the handheld, each with a second bin to go to (not the load's)."""
    bins = [code for (code,) in Location.select(Location.code).where(Location.kind == "storage", Location.holds_units,
                                                                      Location.capacity.is_null()).tuples()]
    rows = (Unit.select(Unit.lpn, Location.code).join(Location)
            .where(Unit.status == "stock", Location.kind == "storage").order_by(Unit.id.desc()).limit(count).tuples())
    return [[lpn, here, next(b for b in bins[n * 3 % len(bins):] + bins if b != here)]
            for n, (lpn, here) in enumerate(rows)]


def _scan(page, text, expected, tone):
    page.evaluate(ARM, [expected, tone])
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    return page.evaluate("window.__lat")


def _moves(page, pallets, count, times):
    for _ in range(count):
        move = pallets.pop()
        lpn, here, there = move
        _scan(page, lpn, lpn, "wait")
        times.append(_scan(page, there, f"{lpn} → {there}", "ok"))
        pallets.insert(0, [lpn, there, here])  # it can go back later


def _load(url, work, token, seconds):
    return subprocess.Popen([sys.executable, "-m", "bench.load", url, work, "--clients", str(LOAD_CLIENTS),
                             "--seconds", str(seconds), "--mode", "api", f"--token={token}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def engine_rows(quick, postgres):
    quiet, loaded, load_rate = [], [], []
    with tempfile.TemporaryDirectory() as tmp, data.plant(quick=True, postgres=postgres) as url:
        bind(data.open_url(url))
        with db.connection_context():
            token = create_token("bench")
            create_user("benchhh", "operator", PASSWORD)
            work = str(Path(tmp) / "api.json")
            workfile({"api": work}, 32 * 40)
            moves, slices = (20, 4) if quick else (MOVES, SLICES)
            pallets = _pallets(moves)
        db.close()
        with Gunicorn(url) as app, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM)
            page = browser.new_page(viewport={"width": 360, "height": 640})
            page.goto(f"{app.url}/login?next=/scan")
            page.fill("input[name=username]", "benchhh")
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_url(f"{app.url}/scan")
            _moves(page, pallets, 2, [])  # warm: the first scans load what the page caches
            per = moves // slices
            for _ in range(slices):
                started = time.monotonic()
                _moves(page, pallets, per, quiet)
                # The load outlasts the loaded slice (its clients write where their pallets went
                # when they end): three times the quiet slice, and its start.
                load = _load(app.url, work, token, seconds=3 * (time.monotonic() - started) + 2)
                time.sleep(1.0)  # its clients are connected and moving
                _moves(page, pallets, per, loaded)
                out, _ = load.communicate()
                moved = json.loads(out.strip().splitlines()[-1])
                load_rate.append(moved["per_second"])
            browser.close()
    rows = []
    engine = "postgres" if postgres else "sqlite"
    busy = f"{LOAD_CLIENTS} API clients moving, {min(load_rate):g}-{max(load_rate):g} moves/s"
    for name, times in (("quiet", quiet), (busy, loaded)):
        rows.append({"bench": f"keystroke -> panel, /scan move in Chromium 360x640 ({engine}, {name})",
                     "p50_ms": round(percentile(times, 50), 1), "p95_ms": round(percentile(times, 95), 1),
                     "value": f"{len(times)} moves"})
    p95 = percentile(loaded, 95) / percentile(quiet, 95)
    rows.append({"bench": f"keystroke -> panel p95: loaded / quiet ({engine})", **ratio(p95, 2.0, "<=", "p95")})
    return rows


def run(quick=False, postgres=None):
    engines = [postgres] if postgres is not None else ([False] if quick else [False, True])
    return [row for pg in engines for row in engine_rows(quick, pg)]


if __name__ == "__main__":
    sys.exit(suite_main("python -m bench.keystroke", run))
