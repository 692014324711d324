"""The ledger feed (`GET /api/ledger?after=`): a follower that keeps passing the cursor back sees
every entry exactly once, also when PostgreSQL commits transactions in another order than it
handed out their ids. Real databases, real transactions on separate connections."""
import random
import threading
import time

import pytest
from playhouse.migrations import Runner

from staging import create_app
from staging.domain import inventory
from staging.domain.inventory import ledger
from staging.domain.people.users import create_token
from staging.store.db import MIGRATIONS, db, is_postgres, migrate, write_transaction
from staging.store.models import Entry

from .plant import Plant, loc

WAIT = 30  # seconds a step may take before the test gives up (never reached when all is well)


def _app(url):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "SEED_DEMO": False,
                      "VALIDATE_RESPONSES": True})
    migrate()
    db.connect(reuse_if_open=True)
    return app


@pytest.fixture
def feed(database_url):
    """The app on SQLite and on PostgreSQL, its plant, and an API client with a token."""
    app = _app(database_url)
    yield Follower(app.test_client(), Plant())
    db.close()


@pytest.fixture
def pg_feed(pg_schema_url):
    app = _app(pg_schema_url)
    yield Follower(app.test_client(), Plant())
    db.close()


class Follower:
    """An ERP polling the feed: keeps the cursor it was given and remembers every entry id."""

    def __init__(self, client, plant):
        self.client, self.plant = client, plant
        self.auth = {"Authorization": "Bearer " + create_token("operator1")}
        self.cursor, self.seen = 0, []

    def get(self, **query):
        return self.client.get("/api/ledger", query_string=query, headers=self.auth)

    def poll(self, limit=500):
        """One page after the cursor; on to the next from its last entry. Returns the page's ids."""
        response = self.get(after=self.cursor, limit=limit)
        assert response.status_code == 200, response.json
        ids = [entry["id"] for entry in response.json["entries"]]
        if response.json["next"] is not None:
            assert response.json["next"] == ids[-1]
        if ids:
            self.cursor = ids[-1]
        self.seen.extend(ids)
        return ids

    def catch_up(self, limit=500, until=None):
        """Poll until every entry in `until` (default: the whole ledger now) has come. Another
        writer on the shared server holds the feed back until its transaction ends, so a page may
        come short for a moment: poll again, as a real follower does."""
        until = set(_all_ids() if until is None else until)
        deadline = time.monotonic() + WAIT
        while not until <= set(self.seen):
            assert time.monotonic() < deadline, f"the feed never delivered {sorted(until - set(self.seen))}"
            if not self.poll(limit):
                time.sleep(0.01)


def _all_ids():
    return sorted(i for (i,) in Entry.select(Entry.id).tuples())


def test_following_next_gives_every_entry_once_in_pages(feed):
    units = [feed.plant.receive() for _ in range(5)]
    inventory.move(feed.plant.ctx(), units[0].lpn, "LANE-1")
    feed.catch_up(limit=2)
    assert sorted(feed.seen) == _all_ids() and len(feed.seen) == len(set(feed.seen)) == 6
    assert feed.poll() == []  # nothing new: the cursor stays where it was
    moved = inventory.move(feed.plant.ctx(), units[1].lpn, "LANE-1")
    feed.catch_up()
    assert feed.seen[6:] == [moved.entry.id] and len(set(feed.seen)) == 7
    mine = feed.get(unit=units[0].lpn).json
    assert [e["kind"] for e in mine["entries"]] == ["receive", "move"] and mine["next"] is None


def test_a_cursor_that_is_no_entry_is_refused_in_words(feed):
    feed.plant.receive()
    for query, status, words in (({"after": 999999}, 404, "no entry 999999"), ({"after": -1}, 422, "after"),
                                 ({"after": "tuesday"}, 422, "after")):
        refused = feed.get(**query)
        assert refused.status_code == status and refused.mimetype == "application/problem+json"
        assert words in refused.json["detail"]
    german = feed.client.get("/api/ledger?after=999999", headers={**feed.auth, "Accept-Language": "de"})
    assert german.status_code == 404 and "Es gibt keine Buchung 999999" in german.json["detail"]


def test_a_late_commit_of_a_lower_id_is_delivered_after_a_higher_one_was_read(pg_feed):
    """Transaction B takes its id first and writes ledger rows before and after A's; A commits last.
    A page read while A runs may hold B's higher id: A's lower one must still come, once."""
    plant = pg_feed.plant
    a, b1, b2, c = (plant.receive() for _ in range(4))
    pg_feed.catch_up()
    b_wrote_first, a_wrote, b_done, a_may_commit = (threading.Event() for _ in range(4))
    b_may_go_on = threading.Event()
    moves = {}  # each transaction's move: its ledger entry's id

    def transaction_b():
        try:
            with write_transaction():
                moves["b1"] = inventory.move(plant.ctx(), b1.lpn, "LANE-1").entry.id
                b_wrote_first.set()
                assert b_may_go_on.wait(WAIT)
                moves["b2"] = inventory.move(plant.ctx(), b2.lpn, "LANE-1").entry.id
            b_done.set()
        finally:
            db.close()

    def transaction_a():
        try:
            with write_transaction():
                moves["a"] = inventory.move(plant.ctx(), a.lpn, "LANE-1").entry.id
                a_wrote.set()
                assert a_may_commit.wait(WAIT)
        finally:
            db.close()

    threads = [threading.Thread(target=transaction_b), threading.Thread(target=transaction_a)]
    try:
        threads[0].start()
        assert b_wrote_first.wait(WAIT)
        threads[1].start()
        assert a_wrote.wait(WAIT)
        b_may_go_on.set()
        assert b_done.wait(WAIT)
        # C begins after A and commits before it: it must wait for A too.
        moves["c"] = inventory.move(plant.ctx(), c.lpn, "LANE-1").entry.id
        assert moves["b1"] < moves["a"] < moves["b2"] < moves["c"]  # A's id lies between B's

        before = len(pg_feed.seen)
        pg_feed.catch_up(until=[moves["b2"]])
        assert pg_feed.seen[before:] == [moves["b1"], moves["b2"]]  # an id above A's uncommitted one
        assert pg_feed.poll() == []  # were C handed out now, A's row would sort before the cursor
    finally:
        b_may_go_on.set()
        a_may_commit.set()
        for thread in threads:
            if thread.ident is not None:
                thread.join(WAIT)
    pg_feed.catch_up()
    assert pg_feed.seen[before:] == [moves["b1"], moves["b2"], moves["a"], moves["c"]]
    assert sorted(pg_feed.seen) == _all_ids() and len(pg_feed.seen) == len(set(pg_feed.seen))


def test_writers_moving_at_once_while_a_follower_polls(feed):
    """Several movers flat out while the follower polls small pages: at the end it saw every
    ledger row exactly once."""
    plant = feed.plant
    movers, moves_each = 8, 25
    pallets = [[plant.receive().lpn for _ in range(2)] for _ in range(movers)]
    # Each mover between places of its own: a shared place's row lock would take turns for them.
    places = [(loc(f"MOVER-{n}-LANE", "staging").code, loc(f"MOVER-{n}-BIN", "storage").code) for n in range(movers)]
    failures = []

    def mover(lpns, places):
        try:
            for n in range(moves_each):
                with write_transaction():
                    inventory.move(plant.ctx(), lpns[n % 2], places[n // 2 % 2])
                    # Work after the ledger row, before the commit (as a verb with more steps
                    # does): others commit higher ids meanwhile, and the follower reads them.
                    time.sleep(random.random() / 100)
        except Exception as err:  # reported by the main thread: a thread's assertion is lost
            failures.append(err)
        finally:
            db.close()

    threads = [threading.Thread(target=mover, args=(lpns, where)) for lpns, where in zip(pallets, places)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        feed.poll()  # to the head each time: where late commits happen
    for thread in threads:
        thread.join()
    feed.catch_up(limit=3)
    assert failures == []
    everything = _all_ids()
    assert len(everything) == movers * (2 + moves_each)
    assert sorted(feed.seen) == everything and len(feed.seen) == len(set(feed.seen))


def test_bulk_opening_stock_reaches_the_feed_in_commit_order(feed):
    feed.plant.receive()
    pallets = [inventory.Pallet(feed.plant.resin_b, "5", "A-01-1") for _ in range(3)]
    inventory.opening_many(feed.plant.ctx("admin"), pallets)
    feed.catch_up(limit=2)
    assert sorted(feed.seen) == _all_ids() and len(feed.seen) == 4
    if is_postgres():
        # Each row carries the transaction that wrote it, the bulk insert's as well.
        txids = [t for (t,) in Entry.select(Entry.txid).order_by(Entry.id).tuples()]
        assert 0 not in txids and len(set(txids[1:])) == 1 and txids[0] < txids[1]


def test_rows_written_before_the_upgrade_come_first_and_old_cursors_go_on(feed):
    """The upgrade fills existing rows (all committed long ago) so that they keep their id order
    ahead of every later row, and a cursor a follower kept from before still continues."""
    units = [feed.plant.receive() for _ in range(3)]
    runner = Runner(db.obj, str(MIGRATIONS))
    (ours,) = [m for m in runner.status() if m.name == "0029_ledger_commit_order"]
    runner._run(ours.name, ours.load(), "down")  # the ledger as the previous version left it
    assert "txid" not in [c.name for c in db.get_columns("ledger")]
    assert migrate() == ["0029_ledger_commit_order"]
    assert [t for (t,) in Entry.select(Entry.txid).tuples()] == [0, 0, 0]
    old = _all_ids()
    feed.cursor = old[0]  # kept from a poll before the upgrade
    moved = inventory.move(feed.plant.ctx(), units[0].lpn, "LANE-1")
    feed.catch_up(until=old[1:] + [moved.entry.id])
    assert feed.seen == old[1:] + [moved.entry.id]


def test_rows_restored_from_another_server_reach_the_feed_once_settled(pg_feed):
    """pg_restore into another server brings the old server's transaction ids, maybe far beyond
    this one's: until settled, such rows would stay out of the feed."""
    units = [pg_feed.plant.receive() for _ in range(2)]
    Entry.update(txid=Entry.txid + 10**12).execute()  # as written on a server far older than this one
    assert pg_feed.poll() == []
    assert ledger.settle_restored_rows() == 2
    moved = inventory.move(pg_feed.plant.ctx(), units[0].lpn, "LANE-1")
    pg_feed.catch_up()
    assert pg_feed.seen == _all_ids()[:2] + [moved.entry.id]
    assert ledger.settle_restored_rows() == 0


def test_the_api_document_tells_how_to_follow_the_feed(feed):
    ledger_doc = feed.client.get("/api/openapi.json").json["paths"]["/api/ledger"]["get"]
    assert "commit order" in ledger_doc["summary"] and "404" in ledger_doc["responses"]
    after = [p for p in ledger_doc["parameters"] if p["name"] == "after"][0]
    assert "previous page's `next`" in after["description"]
