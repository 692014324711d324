"""People first (staging/web/people_first.py): while a person's request is being answered, API
requests wait to start, for a bounded time; while people are at work they take turns in each
process; a person's request in another process counts too, and stops counting when that process
dies. Over real HTTP, on threads
as gunicorn's are. (The effect on a handheld's answer under load is measured in bench/keystroke.py.)"""
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from staging import create_app
from staging.store.db import db, migrate
from staging.web.people_first import lock_file

from .conftest import sqlite_url


@pytest.fixture
def serve(tmp_path):
    """serve(**config) -> (base URL, holds): the app over HTTP, with a person's page (/hold) and an
    API request (/api/hold) that stay open until the test lets them go (holds.set())."""
    servers = []
    holds = threading.Event()
    entered = threading.Semaphore(0)

    def start(**config):
        lock = tmp_path / "people.lock"  # this test's own host: nobody else's people count
        lock.touch()
        os.utime(lock, (0, 0))  # and nobody has been at work on it
        app = create_app({"TESTING": True, "DATABASE_URL": sqlite_url(tmp_path), "SECRET_KEY": "test",
                          "SEED_DEMO": False, "PEOPLE_FIRST_LOCK": str(lock), **config})
        migrate()

        def hold():
            entered.release()
            holds.wait(10)
            return "let go"

        app.add_url_rule("/hold", "hold", hold)
        app.add_url_rule("/api/hold", "api_hold", hold)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}", holds, entered

    yield start
    holds.set()
    for server in servers:
        server.shutdown()
    db.close()


def request_in_background(url):
    """GET url on a thread; returns a dict that gets 'seconds' (from the start) when it is answered."""
    answer = {}
    started = time.monotonic()

    def get():
        try:
            urllib.request.urlopen(url, timeout=15).read()
        except urllib.error.HTTPError:
            pass  # an API request without a token is refused: its answer is what is timed
        answer["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    answer["thread"] = thread
    return answer


def held_back(served, holding_path, why):
    """While a request to holding_path stays open, an API request is not answered; let go, both are."""
    base, holds, entered = served
    holder = request_in_background(base + holding_path)
    assert entered.acquire(timeout=5)
    api = request_in_background(base + "/api/units")
    time.sleep(0.5)
    assert "seconds" not in api, why
    holds.set()
    api["thread"].join(5)
    holder["thread"].join(5)
    assert "seconds" in api and "seconds" in holder


def test_an_api_request_waits_while_a_persons_page_is_being_answered(serve):
    held_back(serve(API_YIELD_MS=10_000), "/hold", "the API request was answered while a person's page was still open")


def test_the_api_waits_for_people_only_so_long(serve):
    base, holds, entered = serve(API_YIELD_MS=300)
    request_in_background(base + "/hold")  # a person's request that takes far longer than the yield
    assert entered.acquire(timeout=5)
    api = request_in_background(base + "/api/units")
    api["thread"].join(5)
    assert 0.3 <= api["seconds"] < 3, api


def test_a_person_is_not_held_back_by_an_api_request(serve):
    base, holds, entered = serve(API_YIELD_MS=10_000)
    request_in_background(base + "/api/hold")  # an integration's slow request
    assert entered.acquire(timeout=5)
    person = request_in_background(base + "/login")
    person["thread"].join(5)
    assert "seconds" in person, "a person's page waited for an API request"


def test_while_people_are_at_work_api_requests_take_turns_in_a_process(serve):
    served = serve(API_CONCURRENCY=1)
    request_in_background(served[0] + "/login")["thread"].join(5)  # a person at work
    held_back(served, "/api/hold", "a second API request ran beside the first")


def test_with_nobody_at_work_api_requests_run_side_by_side(serve):
    base, holds, entered = serve(API_CONCURRENCY=1)
    first = request_in_background(base + "/api/hold")  # a night's bulk sync: no person for an hour
    assert entered.acquire(timeout=5)
    second = request_in_background(base + "/api/units")
    second["thread"].join(5)
    assert "seconds" in second and "seconds" not in first, "the second API request waited for the first"
    holds.set()


def all_run_at_once(served, count):
    """`count` API requests held open at once: each one started without waiting for another."""
    base, holds, entered = served
    held = [request_in_background(base + "/api/hold") for _ in range(count)]
    assert all(entered.acquire(timeout=5) for _ in held), "an API request waited for another"
    holds.set()
    for answer in held:
        answer["thread"].join(5)
    assert all("seconds" in answer for answer in held)


def test_a_server_just_started_has_nobody_at_work(serve):
    """gunicorn's master makes the lock file as it starts: a bulk sync right after a start (or a
    restart) runs freely; a new file is no person's request."""
    all_run_at_once(serve(API_CONCURRENCY=1, PEOPLE_FIRST_LOCK=lock_file()), 4)


def test_a_lock_file_made_again_has_nobody_at_work(serve, tmp_path):
    served = serve(API_CONCURRENCY=1)
    os.remove(tmp_path / "people.lock")  # a temp-file cleaner took it
    all_run_at_once(served, 4)
    assert (tmp_path / "people.lock").exists()


def test_once_a_person_is_at_work_the_same_requests_take_turns(serve):
    served = serve(API_CONCURRENCY=1, PEOPLE_FIRST_LOCK=lock_file())
    base, holds, entered = served
    request_in_background(base + "/login")["thread"].join(5)  # a person signs in
    first = request_in_background(base + "/api/hold")
    assert entered.acquire(timeout=5)
    second = request_in_background(base + "/api/hold")
    assert not entered.acquire(timeout=0.5), "a second API request ran beside the first while a person was at work"
    holds.set()
    for answer in (first, second):
        answer["thread"].join(5)
        assert "seconds" in answer


HOLDER = """import sys, time
from staging.web.people_first import PeopleFirst
app = PeopleFirst(lambda environ, start: (print("holding", flush=True), time.sleep(60)), 1, 0, sys.argv[1])
app({"PATH_INFO": "/scan"}, None)  # as a worker does while it answers a person
"""


def test_a_person_in_another_worker_counts_until_that_worker_dies(serve, tmp_path):
    base, _, _ = serve(API_YIELD_MS=10_000)
    lock = tmp_path / "people.lock"
    worker = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline().strip() == "holding"
        api = request_in_background(base + "/api/units")
        time.sleep(0.5)
        assert "seconds" not in api, "the API did not wait for a person in another process"
        worker.kill()  # as a worker killed mid-request: the kernel drops its lock
        api["thread"].join(5)
        assert api.get("seconds", 99) < 3
    finally:
        worker.kill()
        worker.wait()
