"""The event feed (`GET /api/events`, the outbox): every change writes its CloudEvent in its own
transaction, and a follower passing `next` back as `after` gets every event exactly once, in commit
order, also when PostgreSQL commits transactions in another order than it handed out their ids.
Real databases, real transactions on separate connections and processes."""
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from staging import create_app
from staging.domain import inventory, tasks, workorders
from staging.domain.errors import Invalid
from staging.domain.people.users import create_token
from staging.store.db import db, migrate, write_transaction
from staging.store.models import Entry, Event, LineSidePlace, WorkOrder

from .plant import Plant, loc

# Seconds a step may take before the test gives up (never reached when all is well). Generous: a
# long transaction of anyone on the shared PostgreSQL server (a benchmark generating its plant)
# holds every feed on the server back until it ends.
WAIT = 180
LONG_POLL = 30  # the longest wait the feed takes


def _app(url):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "SEED_DEMO": False,
                      "VALIDATE_RESPONSES": True, "PLANT_NAME": "Werk Süd 2"})
    migrate()
    db.connect(reuse_if_open=True)
    return app


@pytest.fixture
def feed(database_url):
    """The app on SQLite and on PostgreSQL, its plant, and an ERP following the feed with a token."""
    app = _app(database_url)
    yield Follower(app.test_client(), Plant())
    db.close()


@pytest.fixture
def pg_feed(pg_schema_url):
    app = _app(pg_schema_url)
    follower = Follower(app.test_client(), Plant())
    follower.url = pg_schema_url
    yield follower
    db.close()


class Follower:
    """An ERP polling the feed: keeps the cursor it was given and remembers every event."""

    def __init__(self, client, plant):
        self.client, self.plant = client, plant
        self.auth = {"Authorization": "Bearer " + create_token("operator1")}
        self.cursor, self.seen = "", []

    def get(self, **query):
        return self.client.get("/api/events", query_string=query, headers=self.auth)

    def poll(self, limit=100, **query):
        """One page after the cursor; on from its `next`. Returns the page's events."""
        response = self.get(after=self.cursor, limit=limit, **query)
        assert response.status_code == 200, response.json
        page = response.json["events"]
        self.cursor = response.json["next"]
        self.seen.extend(page)
        return page

    @property
    def ids(self):
        return [e["id"] for e in self.seen]

    def catch_up(self, limit=100, until=None):
        """Poll until every event in `until` (keys; default: all there are now) has come. Another
        writer on the shared server holds the feed back until its transaction ends: poll again."""
        until = set(_all_keys() if until is None else until)
        deadline = time.monotonic() + WAIT
        while not until <= set(self.ids):
            assert time.monotonic() < deadline, f"the feed never delivered {sorted(until - set(self.ids))}"
            if not self.poll(limit):
                time.sleep(0.01)


def _all_keys():
    return [k for (k,) in Event.select(Event.key).order_by(Event.id).tuples()]


def _ledger_ids():
    return sorted(i for (i,) in Entry.select(Entry.id).tuples())


def _of(follower, type):
    return [e for e in follower.seen if e["type"] == type]


# --- what writes events -----------------------------------------------------------------------------

def test_every_kind_of_stock_change_has_its_event_with_the_ledger_row_in_it(feed):
    plant = feed.plant
    lead = plant.ctx("lead")
    unit = plant.receive(qty="100")
    inventory.move(lead, unit.lpn, "A-01-1")
    inventory.stage(lead, unit.lpn, "LANE-1", plant.wo)
    inventory.load(lead, unit.lpn, "M1", plant.wo)
    inventory.consume(lead, unit.lpn, "10", plant.wo)
    inventory.unload(lead, unit.lpn, "A-01-1")
    piece = inventory.split(lead, unit.lpn, "20").unit
    inventory.adjust(lead, piece.lpn, "19", reason="counted")
    inventory.scrap(lead, piece.lpn, "5", reason="wet")
    inventory.undo(lead)  # the scrap
    inventory.hold(lead, unit.lpn, "looks wrong")
    inventory.release(lead, unit.lpn, "fine after all")
    inventory.opening_many(plant.ctx("admin"), [inventory.Pallet(plant.resin_b, "7", "A-01-1", lot="OLD")] * 2)
    feed.catch_up(limit=3)

    kinds = [e["type"] for e in feed.seen]
    assert kinds[:12] == ["unit.received", "unit.moved", "unit.staged", "unit.loaded", "unit.consumed",
                          "unit.unloaded", "unit.split", "unit.split", "unit.adjusted", "unit.scrapped",
                          "unit.undone", "unit.held"]
    assert kinds[12:] == ["unit.released", "unit.opened", "unit.opened"]
    # Every ledger row has its event, and the event holds what the ledger feed says of the row.
    assert sorted(e["data"]["id"] for e in feed.seen) == _ledger_ids()
    ledger = feed.client.get("/api/ledger", headers=feed.auth).json["entries"]
    for row, event in zip(ledger, feed.seen):
        assert {k: event["data"][k] for k in row} == row
        assert event["subject"] == row["unit"]
        assert (event["data"]["part"], event["data"]["revision"], event["data"]["uom"]) == ("RES-100", "B", "kg")
    staged = _of(feed, "unit.staged")[0]["data"]
    assert (staged["from"], staged["to"], staged["work_order"], staged["lot"], staged["by"]) == (
        "A-01-1", "LANE-1", "WO-1", "L1", "lead1")
    made = [e["data"]["new_unit"] for e in feed.seen]
    assert made == [True, False, False, False, False, False, False, True, False, False, False, False, False,
                    True, True]
    assert [e["data"]["lot"] for e in _of(feed, "unit.opened")] == ["OLD", "OLD"]


def test_output_pallets_are_announced_made_shipped_and_returned(feed):
    plant = feed.plant
    station, door = loc("OUT-1", "output"), loc("SHIP-1", "shipping")
    WorkOrder.update(output_station=station).where(WorkOrder.id == plant.wo.id).execute()
    out = inventory.produce(plant.ctx(), "WO-1", "40").unit
    inventory.move(plant.ctx(), out.lpn, door.code)
    inventory.return_shipped(plant.ctx("lead"), out.lpn, "OUT-1", "truck left without it")
    feed.catch_up()
    mine = [e for e in feed.seen if e["subject"] == out.lpn]
    assert [e["type"] for e in mine] == ["unit.produced", "unit.shipped", "unit.moved"]
    made, shipped, back = (e["data"] for e in mine)
    assert (made["new_unit"], made["to"], made["work_order"], made["part"], made["qty"]) == (
        True, "OUT-1", "WO-1", "HSG-1", 40)
    assert (shipped["to"], shipped["status"]) == ("SHIP-1", "shipped")
    assert back["reason"].startswith("Returned from shipping") and back["to"] == "OUT-1"


def test_tasks_work_orders_and_master_data_announce_their_changes(feed):
    plant = feed.plant
    lane = loc("L-M1", "staging")
    LineSidePlace.create(machine=plant.machine, place=lane, kind="lane")
    far = loc("F-B1", "storage")
    unit = plant.receive(qty="500")
    inventory.move(plant.ctx(), unit.lpn, far.code)
    rules = tasks.Rules()
    tasks.sync(rules)
    [task] = tasks.open_tasks(rules)
    tasks.claim(plant.stager, task.id, rules)
    tasks.complete(plant.ctx("stager"), unit.lpn, "L-M1", rules)
    fields = {"number": "WO-1", "product": "HSG-1", "product_rev": "A", "quantity": "100", "machines": "M1",
              "status": "done", "output": ""}
    workorders.save(plant.lead, fields, [{"part": "RES-100", "revision": "B", "quantity": "500"}], "UTC",
                    existing=plant.wo)
    made = feed.client.post("/api/locations", headers={"Authorization": "Bearer " + create_token("admin1")},
                            json={"code": "B-07-1", "name": "Bin 7", "kind": "storage"})
    assert made.status_code == 201, made.json
    feed.catch_up()

    created, claimed, done = (_of(feed, t) for t in ("task.created", "task.claimed", "task.done"))
    assert [e["subject"] for e in created + claimed + done] == [str(task.id)] * 3
    assert (created[0]["data"]["unit"], created[0]["data"]["to"], created[0]["data"]["machine"],
            created[0]["data"]["work_order"], created[0]["data"]["qty"]) == (unit.lpn, "L-M1", "M1", "WO-1", 500)
    assert (claimed[0]["data"]["state"], claimed[0]["data"]["by"]) == ("claimed", "stager1")
    assert (done[0]["data"]["state"], done[0]["data"]["by"]) == ("done", "stager1")
    # The task's events come around the stage that did it, in the order they happened.
    order = [e["type"] for e in feed.seen if e["type"].startswith(("task.", "unit.staged"))]
    assert order == ["task.created", "task.claimed", "unit.staged", "task.done"]
    [status] = _of(feed, "work_order.status_changed")
    assert status["subject"] == "WO-1" and (status["data"]["from"], status["data"]["to"]) == ("running", "done")
    [bin7] = [e for e in _of(feed, "master_data.changed") if e["subject"] == "B-07-1"]
    assert (bin7["data"]["kind"], bin7["data"]["change"], bin7["data"]["before"], bin7["data"]["by"]) == (
        "location", "created", None, "admin1")
    assert bin7["data"]["after"]["name"] == "Bin 7"


def test_a_refused_or_rolled_back_change_leaves_no_event(feed):
    unit = feed.plant.receive()
    before = Event.select().count()
    with pytest.raises(Invalid):
        inventory.move(feed.plant.ctx(), unit.lpn, "A-01-3")  # closed: refused
    with pytest.raises(RuntimeError):
        with write_transaction():
            inventory.move(feed.plant.ctx(), unit.lpn, "A-01-1")
            raise RuntimeError("the change failed after its row")
    assert Event.select().count() == before


# --- the feed -----------------------------------------------------------------------------------------

def test_events_are_cloudevents_and_pages_never_repeat_one(feed):
    units = [feed.plant.receive() for _ in range(5)]
    inventory.move(feed.plant.ctx(), units[0].lpn, "LANE-1")
    feed.catch_up(limit=2)
    assert feed.ids == _all_keys() and len(set(feed.ids)) == 6
    first = feed.seen[0]
    assert set(first) == {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"}
    assert (first["specversion"], first["source"], first["datacontenttype"]) == (
        "1.0", "urn:staging:werk-s-d-2", "application/json")
    assert first["time"].endswith("Z") and first["time"][:4].isdigit() and first["subject"] == units[0].lpn
    cursor = feed.cursor
    assert feed.poll() == [] and feed.cursor == cursor  # nothing new: the cursor stays
    moved = inventory.move(feed.plant.ctx(), units[1].lpn, "LANE-1")
    feed.catch_up()
    assert [e["data"]["id"] for e in feed.seen[6:]] == [moved.entry.id]
    only = feed.get(types="unit.moved").json["events"]
    assert [e["data"]["id"] for e in only] == [e["data"]["id"] for e in _of(feed, "unit.moved")]


def test_the_first_page_starts_at_the_beginning_and_ids_stay_the_same(feed):
    feed.plant.receive()
    feed.catch_up()  # on PostgreSQL another test's open transaction may hold it back a moment
    a = feed.get().json
    b = feed.get(after="").json
    assert a == b and [e["id"] for e in a["events"]] == feed.ids and a["next"] == feed.cursor


@pytest.mark.parametrize("query, words", [
    ({"after": "tuesday"}, "not a cursor"), ({"after": "12"}, "not a cursor"),
    ({"limit": 0}, "limit"), ({"limit": 100000}, "limit"), ({"limit": "many"}, "limit"),
    ({"types": "unit.moved,unit.teleported"}, "unit.teleported"), ({"wait": 3600}, "wait"),
    ({"wait": "soon"}, "wait")])
def test_a_query_no_page_gave_is_refused_in_words(feed, query, words):
    refused = feed.get(**query)
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert words in refused.json["detail"]


def test_the_feed_needs_a_token(feed):
    assert feed.client.get("/api/events").status_code == 401


def test_a_long_poll_answers_as_soon_as_an_event_arrives(feed):
    unit = feed.plant.receive()
    feed.catch_up()
    moved = {}

    def elsewhere():
        time.sleep(0.5)  # the follower is waiting by then (if not, it finds the event at once: same answer)
        try:
            moved["entry"] = inventory.move(feed.plant.ctx(), unit.lpn, "A-01-1").entry.id
        finally:
            db.close()

    mover = threading.Thread(target=elsewhere)
    mover.start()
    page = feed.poll(wait=LONG_POLL)
    mover.join()
    assert [e["data"]["id"] for e in page] == [moved["entry"]]


def test_a_long_poll_with_no_news_answers_empty_when_its_wait_ends(feed):
    feed.plant.receive()
    feed.catch_up()
    cursor = feed.cursor
    assert feed.poll(wait=0.3) == [] and feed.cursor == cursor


def test_a_long_poll_gives_back_its_api_turn_while_it_waits(feed):
    """With one API turn per process and people at work, a follower waiting for news must not keep
    a move through the API waiting for its turn."""
    from staging.web.people_first import PeopleFirst
    app = feed.client.application
    app.wsgi_app = PeopleFirst(app.wsgi_app.wsgi_app, 1, 0, app.wsgi_app.path)
    os.utime(app.wsgi_app.path)  # a person's request just now: API requests take turns
    unit = feed.plant.receive()
    feed.catch_up()
    answers = {}

    def follower():
        answers["events"] = app.test_client().get("/api/events", headers=feed.auth, query_string={
            "after": feed.cursor, "wait": LONG_POLL}).json["events"]

    waiting = threading.Thread(target=follower)
    waiting.start()
    time.sleep(0.5)  # it is waiting by now
    moved = app.test_client().post("/api/moves", headers=feed.auth, json={"unit": unit.lpn, "to": "A-01-1"})
    assert moved.status_code == 201
    waiting.join(WAIT)
    assert [e["data"]["id"] for e in answers["events"]] == [moved.json["id"]]


# --- commit order on PostgreSQL --------------------------------------------------------------------

def test_an_event_committed_late_is_delivered_once_after_the_ones_read_before(pg_feed):
    """T1 writes its event and keeps its transaction open; T2 writes and commits. A follower paging
    meanwhile must not get past T1's row (T2's comes after it); once T1 commits, both come, once."""
    plant = pg_feed.plant
    first, second = plant.receive(), plant.receive()
    pg_feed.catch_up()
    t1_wrote, t1_may_commit, t1_done = threading.Event(), threading.Event(), threading.Event()
    keys = {}

    def transaction_1():
        try:
            with write_transaction():
                inventory.move(plant.ctx(), first.lpn, "LANE-1")
                keys["t1"] = Event.select(Event.key).order_by(Event.id.desc()).scalar()
                t1_wrote.set()
                assert t1_may_commit.wait(WAIT)
            t1_done.set()
        finally:
            db.close()

    t1 = threading.Thread(target=transaction_1)
    t1.start()
    try:
        assert t1_wrote.wait(WAIT)
        inventory.move(plant.ctx(), second.lpn, "LANE-1")  # T2: commits while T1 is open
        keys["t2"] = Event.select(Event.key).order_by(Event.id.desc()).scalar()
        assert keys["t1"] != keys["t2"]
        before = len(pg_feed.seen)
        for _ in range(3):
            pg_feed.poll()
        assert pg_feed.ids[before:] == []  # T2's row sorts after T1's, still uncommitted
    finally:
        t1_may_commit.set()
        t1.join(WAIT)
    assert t1_done.is_set()
    pg_feed.catch_up(until=[keys["t1"], keys["t2"]])
    assert pg_feed.ids[before:] == [keys["t1"], keys["t2"]]
    assert pg_feed.ids == _all_keys() and len(set(pg_feed.ids)) == len(pg_feed.ids)


def test_movers_at_once_while_a_follower_polls_miss_nothing(feed):
    plant = feed.plant
    movers, moves_each = 6, 15
    pallets = [[plant.receive().lpn for _ in range(2)] for _ in range(movers)]
    places = [(loc(f"MOVER-{n}-LANE", "staging").code, loc(f"MOVER-{n}-BIN", "storage").code) for n in range(movers)]
    failures = []

    def mover(lpns, places):
        try:
            for n in range(moves_each):
                with write_transaction():
                    inventory.move(plant.ctx(), lpns[n % 2], places[n // 2 % 2])
                    time.sleep(random.random() / 100)  # others commit higher ids meanwhile
        except Exception as err:  # reported by the main thread: a thread's assertion is lost
            failures.append(err)
        finally:
            db.close()

    threads = [threading.Thread(target=mover, args=(lpns, where)) for lpns, where in zip(pallets, places)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        feed.poll(limit=7)
    for thread in threads:
        thread.join()
    feed.catch_up(limit=5)
    assert failures == []
    assert len(_all_keys()) == movers * (2 + moves_each)
    assert sorted(feed.ids) == sorted(_all_keys()) and len(set(feed.ids)) == len(feed.ids)
    assert sorted(e["data"]["id"] for e in feed.seen) == _ledger_ids()


HOST = """
import json, sys, threading
from staging import create_app
url, token, work, moves = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), int(sys.argv[4])
app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "SEED_DEMO": False})
failed = []

def mover(lpns, places):
    client = app.test_client()
    for n in range(moves):
        answer = client.post("/api/moves", headers={"Authorization": "Bearer " + token},
                             json={"unit": lpns[n % 2], "to": places[n // 2 % 2]})
        if answer.status_code != 201:
            failed.append(answer.get_data(as_text=True))

threads = [threading.Thread(target=mover, args=(lpns, places)) for lpns, places in work]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps(failed))
"""


def test_two_app_hosts_writing_at_once_and_a_follower_missing_nothing(pg_feed):
    """Two app processes (as two hosts behind a balancer) move pallets through the API at once on
    one PostgreSQL; a follower polling a third sees every event once, in commit order."""
    plant = pg_feed.plant
    token = create_token("lead1")
    hosts, movers, moves_each = 2, 3, 12
    work = [[([plant.receive().lpn for _ in range(2)],
              [loc(f"H{h}-{n}-LANE", "staging").code, loc(f"H{h}-{n}-BIN", "storage").code]) for n in range(movers)]
            for h in range(hosts)]
    pg_feed.catch_up()
    root = Path(__file__).resolve().parent.parent
    running = [subprocess.Popen([sys.executable, "-c", HOST, pg_feed.url, token, json.dumps(w), str(moves_each)],
                                cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for w in work]
    while any(host.poll() is None for host in running):
        pg_feed.poll(limit=4)
    for host in running:
        out, err = host.communicate()
        assert host.returncode == 0, err[-2000:]
        assert json.loads(out.strip().splitlines()[-1]) == []
    pg_feed.catch_up(limit=4)
    assert len(_all_keys()) == hosts * movers * (2 + moves_each)
    assert sorted(pg_feed.ids) == sorted(_all_keys()) and len(set(pg_feed.ids)) == len(pg_feed.ids)
    # In commit order: each event's transaction id never goes back along the feed.
    stamps = dict(Event.select(Event.key, Event.txid).tuples())
    along = [stamps[key] for key in pg_feed.ids]
    assert along == sorted(along)


def test_the_api_document_tells_how_to_follow_the_events(feed):
    doc = feed.client.get("/api/openapi.json").json["paths"]["/api/events"]["get"]
    assert "CloudEvents" in doc["summary"] + doc.get("description", "") and {"200", "422"} <= set(doc["responses"])
    described = {p["name"]: p.get("description", "") for p in doc["parameters"]}
    assert {"after", "limit", "types", "wait"} <= set(described) and "`next`" in described["after"]
