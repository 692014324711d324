"""Many forklifts at once, and a server killed mid-stream: through real gunicorn workers, on
SQLite and on PostgreSQL. Nothing acknowledged is lost, nothing is recorded twice."""
import http.client
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import pytest

from bench.server import Gunicorn
from staging.domain.inventory import ledger
from staging.domain.people.users import create_token
from staging.store.db import db
from staging.store.models import Entry, Scan


def post_move(server, token, body, timeout=10):
    request = urllib.request.Request(server.url + "/api/moves", data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


@pytest.fixture
def plant_db(plant):
    plant.units = [plant.receive() for _ in range(4)]
    plant.token = create_token("operator1")
    db.close()
    yield plant
    db.close()


@pytest.fixture
def server(database_url, plant_db):
    server = Gunicorn(database_url, WEB_CONCURRENCY="3")
    server.start()
    yield server
    server.stop()


def test_many_clients_moving_the_same_pallets(server, plant_db):
    spots = ["A-01-1", "LANE-1", "RCV-1"]
    outcomes = []

    def forklift(n):
        for i in range(12):
            unit = plant_db.units[(n + i) % len(plant_db.units)]
            with urllib.request.urlopen(urllib.request.Request(
                    f"{server.url}/api/units/{unit.lpn}",
                    headers={"Authorization": f"Bearer {plant_db.token}"}), timeout=10) as response:
                here = json.loads(response.read())["location"]
            to = spots[(spots.index(here) + 1 + n % 2) % len(spots)]
            scan_id = str(uuid.uuid4())
            status, body = post_move(server, plant_db.token,
                                     {"unit": unit.lpn, "to": to, "from": here, "client_scan_id": scan_id})
            outcomes.append((status, scan_id, body))

    threads = [threading.Thread(target=forklift, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    statuses = [status for status, _, _ in outcomes]
    assert set(statuses) <= {201, 409}, [o for o in outcomes if o[0] not in (201, 409)]
    assert statuses.count(201) > 0
    for status, _, body in outcomes:
        if status == 409:
            assert "Someone moved it" in body["detail"]
    db.connect(reuse_if_open=True)
    recorded = {s.client_scan_id for s in Scan.select()}
    assert recorded == {scan_id for status, scan_id, _ in outcomes if status == 201}
    assert Entry.select().where(Entry.kind.in_(("move", "load", "unload"))).count() == statuses.count(201)
    assert ledger.verify() == []


def test_a_server_killed_mid_stream_loses_no_acknowledged_move(server, plant_db):
    unit = plant_db.units[0]
    spots = ["A-01-1", "LANE-1"]
    acknowledged, unanswered = [], []
    stop = threading.Event()

    def stream():
        i = 0
        while not stop.is_set() and i < 400:
            body = {"unit": unit.lpn, "to": spots[i % 2], "client_scan_id": f"stream-{i}"}
            try:
                status, _ = post_move(server, plant_db.token, body)
                assert status == 201
                acknowledged.append(body)
            except (OSError, urllib.error.URLError, http.client.HTTPException):
                # Killed before the answer, or halfway through it: either way never acknowledged.
                unanswered.append(body)
                return
            i += 1

    client = threading.Thread(target=stream)
    client.start()
    # Kill once the stream is flowing, however slow a busy machine makes it.
    deadline = time.monotonic() + 60
    while len(acknowledged) < 10 and client.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()  # SIGKILL: no clean shutdown, whatever was in flight
    stop.set()
    client.join()
    assert len(acknowledged) > 5

    server.start()
    # The client retries what it never saw acknowledged, with the same scan ids.
    for body in unanswered:
        status, _ = post_move(server, plant_db.token, body)
        assert status == 201
    # And sends everything once more, as an offline queue replay would: all dedupe.
    for body in acknowledged[-5:]:
        status, _ = post_move(server, plant_db.token, body)
        assert status == 201

    db.connect(reuse_if_open=True)
    scans = {s.client_scan_id: s for s in Scan.select()}
    for body in acknowledged + unanswered:
        scan = scans[body["client_scan_id"]]
        assert Entry.select().where(Entry.scan == scan).count() == 1
    assert Entry.select().where(Entry.unit == unit.id, Entry.kind == "move").count() == \
        len(acknowledged) + len(unanswered)
    assert ledger.verify() == []
