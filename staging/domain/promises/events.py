"""Every change has its event: each ledger row is announced by one event of the feed, written in
the row's own transaction (staging/domain/events). Rows from before the outbox began have none
(the setting `events.since_ledger`, noted by migration 0031) and are not counted.

One pass over each table: the ledger ids the events name are read by the database's own JSON
function and matched as a set (a hashed or indexed anti-join), never row by row."""
from peewee import Expression, fn

from ...store.db import is_postgres
from ...store.models import Entry, Event, Setting, Unit

PROMISE = "every ledger row has its event, and every stock event names a ledger row"
SINCE = "events.since_ledger"
SHOWN = 20  # a few named rows say enough; the count says the rest


def named_in_data(key):
    """The number an event's data holds under `key` (a ledger row's id, an andon call's), in SQL."""
    if is_postgres():
        return Expression(Event.data.cast("json"), "->>", key).cast("bigint")
    return fn.json_extract(Event.data, f"$.{key}")


def _stock_events():
    named = named_in_data("id")
    return Event.select(named).where(Event.type.startswith("unit."), named.is_null(False))


def broken():
    since = int(Setting.select(Setting.value).where(Setting.name == SINCE).scalar() or 0)
    missing = (Entry.select(Entry.id, Entry.kind, Unit.lpn).join(Unit, on=(Entry.unit == Unit.id))
               .where(Entry.id > since, Entry.id.not_in(_stock_events())).order_by(Entry.id).tuples())
    problems = [f"ledger entry {entry_id} ({kind} of {lpn}): no event announces it"
                for entry_id, kind, lpn in missing.limit(SHOWN + 1)]
    stray = (Event.select(Event.key, Event.type, Event.subject, named_in_data("id"))
             .where(Event.type.startswith("unit."), named_in_data("id").not_in(Entry.select(Entry.id)))
             .order_by(Event.id).limit(SHOWN + 1).tuples())
    problems += [f"event {key} ({type} of {subject}): names ledger entry {entry}, which does not exist"
                 for key, type, subject, entry in stray]
    return problems
