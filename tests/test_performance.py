"""Performance regressions that do not depend on machine speed (timings live in bench/):
the number of SQL statements per request is bounded and does not grow with history or with the
units on a page, and no page that answers "what is where" scans the ledger (EXPLAIN QUERY PLAN)."""
import contextlib
import logging
import re
import uuid

import pytest

from staging.domain import codes, inventory
from staging.domain.people.users import create_token
from staging.store.db import db
from staging.store.models import Entry, Location

from .plant import loc
from .webutil import csrf_token, login

PAGES = {"machine page": "/machines/M1", "floor board": "/floor", "location page": "/locations/A-01-1"}


class Statements(logging.Handler):
    """Every statement peewee sends (its query log: ORM queries and execute_sql alike)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.sql = []

    def emit(self, record):
        if isinstance(record.msg, tuple):
            self.sql.append(record.msg)

    @property
    def queries(self):
        # Transaction control and connection set-up are the same for every request.
        return [(sql, params) for sql, params in self.sql
                if not re.match(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)", sql, re.I)]


@contextlib.contextmanager
def statements():
    logger = logging.getLogger("peewee")
    handler, level = Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def plant(web_plant):
    """The web plant with a pallet staged, one loaded, one in a bin, and a few more on a shelf no page shows."""
    plant = web_plant
    plant.unit = plant.receive(qty="200")
    inventory.stage(plant.ctx(), plant.unit, "LANE-1", plant.wo)
    plant.loaded = plant.receive(qty="50")
    inventory.load(plant.ctx(), plant.loaded, "M1")
    plant.binned = plant.receive(qty="10")
    inventory.move(plant.ctx(), plant.binned, "A-01-1")
    plant.h1, plant.h2, plant.b1 = loc("H-1", "storage"), loc("H-2", "storage"), loc("B-1", "storage")
    plant.others = [plant.receive(qty="5", at="H-1") for _ in range(4)]
    plant.token = create_token("operator1")
    return plant


def more_history(plant, moves):
    """Ledger rows for other units that leave the current state as it was (an even number of moves
    per unit, between two bins no page here shows)."""
    for i in range(moves // 2):
        unit = plant.others[i % len(plant.others)]
        inventory.move(plant.ctx(), unit.lpn, "H-2")
        inventory.move(plant.ctx(), unit.lpn, "H-1")


def more_units(plant, count):
    """More units on every page's places: in bin A-01-1, staged in LANE-1, loaded on M1."""
    for _ in range(count):
        inventory.move(plant.ctx(), plant.receive(qty="1").lpn, "A-01-1")
        inventory.stage(plant.ctx(), plant.receive(qty="1"), "LANE-1", plant.wo)
        inventory.load(plant.ctx(), plant.receive(qty="1"), "M1")


def counted(client, method, path, **kwargs):
    with statements() as log:
        response = client.open(path, method=method, **kwargs)
    assert response.status_code < 400, (path, response.status_code)
    return len(log.queries), log


def api_move(client, plant, to):
    _, log = counted(client, "POST", "/api/moves", headers={"Authorization": f"Bearer {plant.token}"},
                     json={"unit": plant.binned.lpn, "to": to, "client_scan_id": uuid.uuid4().hex})
    # Not the move's own: the stored settings' version, read by a process at most once a second, and
    # the token's last use, noted at most once a minute.
    return len([sql for sql, _ in log.queries if 'FROM "setting"' not in sql and 'UPDATE "api_token"' not in sql])


def test_an_api_move_is_a_few_statements_whatever_the_history(client, plant):
    # token, the codes (one lookup), the scan id, the unit, its update, its ledger row, its event
    first = api_move(client, plant, "B-1")
    more_history(plant, 200)
    again = api_move(client, plant, "A-01-1")
    assert first == again <= 7


def test_a_replayed_api_move_writes_nothing_and_stays_small(client, plant):
    body = {"unit": plant.binned.lpn, "to": "B-1", "client_scan_id": "replay-1"}
    headers = {"Authorization": f"Bearer {plant.token}"}
    assert client.post("/api/moves", json=body, headers=headers).status_code == 201
    rows = Entry.select().count()
    n, log = counted(client, "POST", "/api/moves", json=body, headers=headers)
    # The replay is found by its scan id's insert failing on the unique index (rolled back).
    assert [sql for sql, _ in log.queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", sql)] == \
        [sql for sql, _ in log.queries if sql.startswith('INSERT INTO "scan"')]
    assert Entry.select().count() == rows
    assert n <= 12


def scan_move(client, plant, lpn, to):
    token = csrf_token(client, "/scan")
    pallet, _ = counted(client, "POST", "/scan", data={"code": lpn, "csrf_token": token, "scan_id": uuid.uuid4().hex})
    place, _ = counted(client, "POST", "/scan", data={"code": to, "csrf_token": token, "scan_id": uuid.uuid4().hex})
    return pallet, place


def test_a_scan_move_through_the_form_is_bounded_and_does_not_grow(client, plant):
    login(client, "operator1")
    first = scan_move(client, plant, plant.binned.lpn, "B-1")
    more_history(plant, 200)
    again = scan_move(client, plant, plant.binned.lpn, "A-01-1")
    assert Location.get_by_id(inventory._unit(plant.binned.lpn, lock=False).location_id).code == "A-01-1"
    assert first == again
    pallet, place = first
    assert pallet <= 6 and place <= 10


@pytest.fixture
def lead(client, plant):
    login(client, "lead1")
    return client


def page_counts(client, plant):
    """Statements per page, less the stored settings' version (read by a process at most once a
    second, so whether a page pays for it depends on the clock, not on the page)."""
    paths = {**PAGES, "unit page": f"/units/{plant.binned.lpn}"}
    return {name: len([sql for sql, _ in counted(client, "GET", path)[1].queries if 'FROM "setting"' not in sql])
            for name, path in paths.items()}


def test_pages_make_the_same_queries_with_more_history(lead, plant):
    before = page_counts(lead, plant)
    more_history(plant, 200)
    assert page_counts(lead, plant) == before
    assert all(n <= 40 for n in before.values()), before


def test_pages_make_the_same_queries_with_more_units_on_them(lead, plant):
    before = page_counts(lead, plant)
    more_units(plant, 8)
    assert page_counts(lead, plant) == before


def _aliases(sql, table):
    return {table} | set(re.findall(rf'"{table}" AS "(\w+)"', sql))


@pytest.mark.parametrize("name", list(PAGES))
def test_what_is_where_never_scans_the_ledger(lead, plant, name):
    more_history(plant, 20)
    _, log = counted(lead, "GET", PAGES[name])
    selects = [(sql, params) for sql, params in log.queries if re.match(r"\s*SELECT", sql, re.I)]
    assert selects
    for sql, params in selects:
        names = _aliases(sql, "ledger")
        plan = [row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()]
        scans = [step for step in plan for n in names if re.match(rf"SCAN {n}\b(?! USING)", step)]
        assert not scans, (sql, plan)


def test_a_scan_resolves_a_code_with_one_indexed_lookup(app, plant):
    with statements() as log:
        assert codes.resolve(plant.binned.lpn).obj.id == plant.binned.id
    barcode = [sql for sql, _ in log.queries if '"barcode"' in sql]
    assert len(barcode) == 1
    sql, params = log.queries[0]
    plan = " ".join(row[-1] for row in db.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall())
    assert "USING INDEX" in plan or "USING COVERING INDEX" in plan


def test_the_latest_entries_of_a_place_come_in_index_order(database):
    # PostgreSQL cannot order an index on the place alone by id: it walked the primary key
    # backwards through a million rows for "the latest entries into M01" (the machine page).
    columns = {tuple(index.columns) for index in database.get_indexes("ledger")}
    assert {("to_location_id", "id"), ("from_location_id", "id")} <= columns


SCAN_PAGE_BUDGET = 25_000  # bytes on the wire for a cold /scan (issue 12: under 25 KB compressed)


def test_the_scan_page_reaches_a_handheld_compressed_under_25_kb(client, plant):
    # `make run` has no proxy in front: the app compresses its own pages, CSS and JS, and a
    # handheld's cold load of /scan stays small over patchy Wi-Fi. The scan page uses no htmx.
    from bench.scan import page_bytes
    login(client, "operator1")
    files = page_bytes(client)
    paths = {path for path, *_ in files}
    assert "/static/js/scan.js" in paths and "/static/vendor/htmx.min.js" not in paths
    for path, _sent, encoding, body in files:
        assert encoding in ("zstd", "br", "gzip", "deflate"), path
        if path.startswith("/static/"):
            assert body == client.get(path).get_data(), path  # the same bytes once decoded
    assert b'id="panel"' in files[0][3]  # the page itself (its tokens differ on every load)
    assert sum(len(sent) for _, sent, _, _ in files) < SCAN_PAGE_BUDGET
