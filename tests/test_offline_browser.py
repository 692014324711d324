"""Offline reload of the scan page in Chromium (360x640, scans typed as a wedge): the service worker
caches the page shell and static files, never a POST; queued scans are sent once when back; a new
version replaces the old cache; the server's switch removes the worker. 127.0.0.1 is a secure
context, as HTTPS is on the floor."""
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from staging.store.models import Entry, Scan
from staging.web import scan as scan_view

from .test_scan_browser import moves, plant, scanner, shows, wedge  # noqa: F401 (fixtures and helpers)

pytestmark = pytest.mark.browser

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
SHELL_CACHES = "caches.keys().then(k => k.filter(n => n.startsWith('scan-shell-')))"  # a promise of names


def until(page, script, seconds=15):
    """Wait until an async page expression is true (wait_for_function takes a promise as true)."""
    for _ in range(int(seconds * 5)):
        if page.evaluate(script):
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never true: {script}")


def offline_ready(page):
    """The worker controls the page and has the shell in its cache: what a shift's first load does."""
    page.wait_for_function(CONTROLLED)
    until(page, "caches.keys().then(k => Promise.all(k.map(n => caches.open(n).then(c => c.keys()))))"
                           ".then(all => all.flat().some(r => new URL(r.url).pathname === '/scan'))")


def test_offline_reload_shows_the_scan_page_and_sends_the_queue_once(scanner, plant):  # noqa: F811
    offline_ready(scanner)
    posts = []
    scanner.on("requestfinished", lambda r: r.method == "POST" and posts.append(r.url))
    a, b = plant.units[0], plant.units[1]
    scanner.context.set_offline(True)
    scanner.reload()  # the Wi-Fi is gone in the racks, and the operator reloads
    expect(scanner.locator("#code")).to_be_focused()
    shows(scanner, "queued", "No connection")
    for code in (a.lpn, "A-01-1", b.lpn, "LANE-1"):
        wedge(scanner, code)
    expect(scanner.locator("#queued")).to_contain_text("4 queued")
    assert moves() == [] and posts == []
    scanner.context.set_offline(False)
    expect(scanner.locator(".replayed")).to_contain_text("4 queued scans sent, all recorded")
    expect(scanner.locator("#queued")).to_be_hidden()
    assert moves() == [(a.lpn, "A-01-1"), (b.lpn, "LANE-1")]
    assert len(posts) == 4 and Scan.select().count() == 2  # each scan sent once, each move once
    scanner.evaluate("window.dispatchEvent(new Event('online'))")
    scanner.wait_for_timeout(300)
    assert len(posts) == 4 and Entry.select().where(Entry.kind == "move").count() == 2


def test_the_worker_caches_only_the_shell_and_the_pages_static_files(scanner, plant, live_server):  # noqa: F811
    offline_ready(scanner)
    wedge(scanner, plant.units[0].lpn)
    shows(scanner, "wait", "where to?")
    cached = scanner.evaluate("caches.keys().then(k => Promise.all(k.map(n => caches.open(n).then(c => c.keys()))))"
                              ".then(all => all.flat().map(r => new URL(r.url).pathname).sort())")
    used = scanner.evaluate("[...document.querySelectorAll('link[rel=stylesheet], script[src]')]"
                            ".map(e => new URL(e.href || e.src).pathname)")
    assert sorted(cached) == sorted(["/scan"] + used)  # no POST, no fragment, no other page


def test_a_new_version_replaces_the_worker_and_its_cache(scanner, plant, monkeypatch):  # noqa: F811
    offline_ready(scanner)
    first = scanner.evaluate(SHELL_CACHES)
    assert len(first) == 1
    monkeypatch.setattr(scan_view, "offline_version", lambda folder: "next-version")  # a deployment
    scanner.reload()
    until(scanner, f"{SHELL_CACHES}.then(k => k.length === 1 && k[0] === 'scan-shell-next-version')")
    assert "v=next-version" in scanner.evaluate("navigator.serviceWorker.controller.scriptURL")


def test_the_server_can_switch_the_worker_off(scanner, plant, app):  # noqa: F811
    offline_ready(scanner)
    app.config["SCAN_OFFLINE"] = False
    scanner.reload()
    until(scanner, "navigator.serviceWorker.getRegistrations().then(r => r.length === 0)")
    until(scanner, f"{SHELL_CACHES}.then(k => k.length === 0)")
    scanner.context.set_offline(True)  # no worker: the browser's own offline page, not a stale copy
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        scanner.reload()
