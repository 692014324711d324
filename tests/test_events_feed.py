"""The event feed (the outbox): every change writes its CloudEvent in its own transaction, and a
follower passing the cursor back gets every event once, in commit order, on SQLite and PostgreSQL."""
import pytest

from staging.domain import events
from staging.domain.errors import Invalid
from staging.store.db import write_transaction


def test_an_emitted_event_reads_back_as_a_cloudevent_once(database):
    with write_transaction():
        first = events.emit("unit.moved", "P00000001", {"to": "A-01-2", "quantity": "5"})
        events.emit("task.done", "17", {"task": 17})
    page, following = events.page(None)
    assert [e["id"] for e in page] == [first.key, page[1]["id"]]
    cloud = page[0]
    assert cloud["specversion"] == "1.0" and cloud["type"] == "unit.moved" and cloud["subject"] == "P00000001"
    assert cloud["source"].startswith("urn:staging:") and cloud["datacontenttype"] == "application/json"
    assert cloud["time"].endswith("Z") and cloud["data"] == {"to": "A-01-2", "quantity": "5"}
    assert events.page(following) == ([], following)
    only, _ = events.page(None, types="task.done")
    assert [e["type"] for e in only] == ["task.done"]


def test_a_rolled_back_change_leaves_no_event(database):
    with pytest.raises(RuntimeError):
        with write_transaction():
            events.emit("unit.moved", "P00000001", {})
            raise RuntimeError("the change failed")
    assert events.page(None) == ([], "")


@pytest.mark.parametrize("after", ["tuesday", "1", "-1-2", "1-2-3"])
def test_a_cursor_no_page_gave_is_refused(database, after):
    with pytest.raises(Invalid, match="not a cursor"):
        events.page(after)


def test_postgres_stamps_each_event_with_its_transaction(pg_schema_url):
    from staging.store.db import bind, db, migrate, open_database
    from staging.store.models import Event
    bind(open_database(pg_schema_url))
    migrate()
    with write_transaction():
        events.emit("unit.moved", "P1", {})
        events.emit("unit.moved", "P2", {})
    with write_transaction():
        events.emit("unit.moved", "P3", {})
    stamps = [e.txid for e in Event.select().order_by(Event.id)]
    assert stamps[0] == stamps[1] < stamps[2] and stamps[0] > 0
    db.close()
