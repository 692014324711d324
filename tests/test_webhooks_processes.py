"""Webhook delivery from the app as it runs: gunicorn with two workers (two delivery threads in two
processes taking turns), on SQLite and PostgreSQL, killed with SIGKILL while a receiver is down and
started again: the receiver gets every move's event exactly once, in order."""
import json
import urllib.request
import uuid

import pytest

from bench.server import Gunicorn
from staging.domain.people.users import create_token
from staging.domain.webhooks import subscriptions
from staging.store.db import db
from staging.store.models import Event

from .receiver import Receiver, verify

FAST = dict(WEB_CONCURRENCY="2", WEBHOOK_POLL_SECONDS="0.05", WEBHOOK_RETRY_SCHEDULE="0.1,0.2")


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def move(server, token, unit, to):
    body = json.dumps({"unit": unit, "to": to, "client_scan_id": str(uuid.uuid4())}).encode()
    request = urllib.request.Request(server.url + "/api/moves", data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 201


def moved_keys():
    with db.connection_context():
        return [e.key for e in Event.select(Event.key).where(Event.type == "unit.moved").order_by(Event.txid, Event.id)]


def test_a_killed_app_loses_no_event_and_its_workers_never_send_one_twice(database_url, plant, receiver):
    units = [plant.receive().lpn for _ in range(3)]
    secret = subscriptions.add(plant.users["admin"], receiver.url, ["unit.moved"]).secret
    token = create_token("operator1")
    db.close()
    places = ["A-01-1", "LANE-1"]

    first = Gunicorn(database_url, **FAST).start()
    try:
        for n in range(8):
            move(first, token, units[n % 3], places[(n // 3) % 2])
        assert receiver.wait_for(lambda r: len(r.delivered()) == 8, timeout=60)
        receiver.mode = "drop"  # the receiver goes down; the next events wait for it
        for n in range(8, 12):
            move(first, token, units[n % 3], places[(n // 3) % 2])
        assert receiver.wait_for(lambda r: len(r.requests) >= 10, timeout=60)  # tried, not taken
    finally:
        first.kill()  # SIGKILL: no clean shutdown, the lease left behind

    receiver.mode = "ok"
    second = Gunicorn(database_url, **FAST).start()
    try:
        for n in range(12, 16):
            move(second, token, units[n % 3], places[(n // 3) % 2])
        assert receiver.wait_for(lambda r: len(r.delivered()) >= 16, timeout=90)
    finally:
        second.stop()
    delivered = [e["id"] for e in receiver.delivered()]
    assert delivered == moved_keys()  # every move's event, once, in order
    assert all(verify(secret, headers, body) for headers, body, mode in receiver.requests if mode == "ok")
