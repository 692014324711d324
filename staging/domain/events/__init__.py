"""The outbox and its feed: what changed in the plant, as CloudEvents 1.0, for an ERP or MES.

`emit` writes an event in the caller's transaction, so an event exists exactly when its change
committed (no change without its event, no event for a change rolled back). `page` reads them in
commit order behind an opaque cursor, as the ledger feed does (inventory/ledger.py): on PostgreSQL
only rows older than every transaction still running, in (txid, id) order, so a follower never
skips an event whose transaction commits late and never gets one twice; on SQLite (one writer at a
time) by id. Delivery (webhooks, MQTT) reads the same rows."""
import json
import re
import uuid

from peewee import SQL, Tuple

from ...store import db
from ...store.db import is_postgres
from ...store.models import Event, utcnow
from ..errors import Invalid
from .catalog import BY_LEDGER_KIND, TYPES
from .line import andon_event, kanban_event, machine_state_event, maintenance_event
from .planning import master_data_event, task_events, work_order_event
from .stock import ledger_event

__all__ = ["emit", "emit_many", "page", "cloudevent", "configure", "source", "TYPES", "BY_LEDGER_KIND",
           "MAX_LIMIT", "settle_restored_rows", "ledger_event", "task_events", "work_order_event", "master_data_event",
           "machine_state_event", "andon_event", "kanban_event", "maintenance_event"]

MAX_LIMIT = 1000
_CURSOR = re.compile(r"^(\d{1,19})-(\d{1,19})$")  # "txid-id" of the last event handed out
_source = ["urn:staging:plant"]


def configure(plant_name):
    """Name the plant the events come from (CloudEvents `source`): urn:staging:<plant name>."""
    slug = re.sub(r"[^a-z0-9]+", "-", (plant_name or "").lower()).strip("-")
    _source[0] = "urn:staging:" + (slug or "plant")


def source():
    return _source[0]


def _dumps(data):
    return json.dumps(data, default=str, separators=(",", ":"), ensure_ascii=False)


def _event(type, subject, data, at=None):
    return Event(key=str(uuid.uuid4()), type=type, subject=str(subject)[:160], time=at or utcnow(),
                 data=_dumps(data))


def emit(type, subject, data, at=None):
    """Write an event in the current transaction (the change's own). `at`: when the change happened
    (an offline scan: when scanned; None: now). Returns the event."""
    event = _event(type, subject, data, at)
    db.insert(event)
    return event


def emit_many(events):
    """Write many events as one statement (a bulk import's chunk): [(type, subject, data[, at])]."""
    db.insert_many([_event(*event) for event in events])


def cloudevent(row):
    """An Event row as a CloudEvents 1.0 JSON object."""
    return {
        "specversion": "1.0", "id": row.key, "source": source(), "type": row.type, "subject": row.subject,
        "time": row.time.isoformat(timespec="microseconds") + "Z", "datacontenttype": "application/json",
        "data": json.loads(row.data),
    }


def parse_cursor(after):
    """(txid, id) of the last event handed out; (None, 0) for the start. Refuses what no page gave."""
    if after is None or after == "":
        return None, 0
    match = _CURSOR.match(str(after))
    if not match:
        raise Invalid("“{cursor}” is not a cursor of the event feed: pass the previous answer's “next”, "
                      "or nothing to start from the beginning.", cursor=str(after)[:40])
    return int(match.group(1)), int(match.group(2))


def _cursor(row):
    return f"{row.txid}-{row.id}"


def parse_types(types):
    """The types asked for, as a list (None: all). Refuses a type the plant never announces."""
    if types is None or types == "" or types == []:
        return None
    names = [t.strip() for t in (types.split(",") if isinstance(types, str) else types) if t.strip()]
    unknown = [t for t in names if t not in TYPES]
    if unknown:
        raise Invalid("The feed has no event type {types}: choose from {known}.", types=", ".join(unknown)[:80],
                      known=", ".join(TYPES))
    return names or None


def page(after=None, limit=100, types=None):
    """Events after the cursor `after` (None or "": from the start), oldest first, at most `limit`.
    Returns (CloudEvents dicts, next cursor). With nothing new, next is `after` itself."""
    txid, last = parse_cursor(after)
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise Invalid("limit is a whole number from 1 to {most}.", most=MAX_LIMIT)
    names = parse_types(types)
    rows = _rows(txid, last, limit, names)
    following = _cursor(rows[-1]) if rows else (after or "")
    return [cloudevent(row) for row in rows], following


def settle_restored_rows():
    """After a pg_restore into another server, as the ledger's (inventory.ledger): events carrying
    transaction ids beyond this server's come first, in id order (txid 0). Returns how many."""
    if not is_postgres():
        return 0
    beyond = SQL("pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
    return Event.update(txid=0).where(Event.txid >= beyond).execute()


def _rows(txid, last, limit, names):
    query = Event.select()
    if names:
        query = query.where(Event.type.in_(names))
    if not is_postgres():
        return list(query.where(Event.id > last).order_by(Event.id).limit(limit))
    query = query.where(Event.txid < SQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))
    if txid is not None:
        query = query.where(Tuple(Event.txid, Event.id) > Tuple(txid, last))
    return list(query.order_by(Event.txid, Event.id).limit(limit))
