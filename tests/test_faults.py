"""Faults that must be clean (issue 14.6): a full SQLite disk answers 503 (problem+json on the API,
a page elsewhere), /healthz says the database cannot write, and all recovers when space returns;
PostgreSQL dropping the connections mid-request: retried once on a fresh connection when nothing
was committed."""
import threading
import time
import uuid

import psycopg2
import pytest

from staging import create_app
from staging.domain.people.users import create_token
from staging.store.db import db, migrate
from staging.store.models import Entry, Unit

from .plant import until_a_lock_is_waited_for
from .webutil import csrf_token, login


def _fill_disk(database):
    """SQLite's max_page_count on every new connection: the file may not grow past its size now."""
    pages = database.execute_sql("PRAGMA page_count").fetchone()[0]
    database._pragmas = [*database._pragmas, ("max_page_count", pages)]
    return lambda: setattr(database, "_pragmas", [p for p in database._pragmas if p[0] != "max_page_count"])


def test_a_full_sqlite_disk_is_a_503_and_recovers_when_space_returns(client, web_plant, app):
    token = {"Authorization": f"Bearer {create_token('stager1')}"}
    body = {"part": "RES-100", "revision": "B", "quantity": "40"}
    assert client.post("/api/receipts", json=body, headers=token).status_code == 201
    desk = app.test_client()
    login(desk, "lead1")  # signed in before the disk fills (a sign-in writes its security event)
    lpn, token_ = Unit.select().first().lpn, csrf_token(desk, "/inventory")
    free_again = _fill_disk(db.obj)
    db.close()
    answers = []
    for _ in range(200):  # until a receipt needs a page the file may not have
        before = Unit.select().count()
        response = client.post("/api/receipts", json=body, headers=token)
        answers.append(response.status_code)
        if response.status_code != 201:
            break
    assert answers[-1] == 503, answers
    assert response.mimetype == "application/problem+json"
    assert "disk is full" in response.json["detail"]
    assert Unit.select().count() == before  # nothing of it written
    health = client.get("/healthz")
    assert health.status_code == 503 and "cannot write" in health.json["detail"]
    for n in range(200):  # a page's form, until its write needs a page too
        page = desk.post(f"/units/{lpn}/hold", data={"reason": f"Check {n}", "csrf_token": token_,
                                                       "action": "release" if n % 2 else "hold"})
        if page.status_code >= 400:
            break
    text = page.get_data(as_text=True)
    assert page.status_code == 503 and "disk is full" in text and "<html" in text, text[:500]
    free_again()
    db.close()
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.post("/api/receipts", json=body, headers=token).status_code == 201


@pytest.fixture
def pg_app(pg_schema_url):
    """The app on PostgreSQL, its connections named so that only they are terminated."""
    name = "trust-" + uuid.uuid4().hex[:8]
    url = f"{pg_schema_url}&application_name={name}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "SEED_DEMO": False})
    migrate()
    with db.connection_context():
        from .plant import Plant
        plant = Plant()
        unit = plant.receive()
        token = create_token("operator1")
    yield app, name, unit, token
    db.close()


def _terminate(pg_url, name):
    admin = psycopg2.connect(pg_url)
    admin.autocommit = True
    cursor = admin.cursor()
    cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (name,))
    killed = len(cursor.fetchall())
    admin.close()
    return killed


def test_a_dropped_postgresql_connection_is_retried_once_when_nothing_was_committed(pg_app, pg_url):
    app, name, unit, token = pg_app
    # Hold the unit's row, so the move waits inside its transaction, then drop the app's connections.
    blocker = psycopg2.connect(app.config["DATABASE_URL"].replace(f"&application_name={name}", ""))
    cursor = blocker.cursor()
    cursor.execute("SELECT id FROM unit WHERE id = %s FOR UPDATE", (unit.id,))
    result = {}

    def move():
        client = app.test_client()
        result["response"] = client.post("/api/moves", json={"unit": unit.lpn, "to": "A-01-1", "client_scan_id": "x1"},
                                         headers={"Authorization": f"Bearer {token}"})

    thread = threading.Thread(target=move)
    thread.start()
    until_a_lock_is_waited_for(pg_url, name)
    assert _terminate(pg_url, name) >= 1
    time.sleep(0.5)
    blocker.rollback()  # the retried move may now go on
    thread.join(20)
    blocker.close()
    response = result["response"]
    assert response.status_code == 201, response.get_data(as_text=True)
    with db.connection_context():
        assert Unit.get_by_id(unit.id).location.code == "A-01-1"
        assert Entry.select().where(Entry.unit == unit.id, Entry.kind == "move").count() == 1
