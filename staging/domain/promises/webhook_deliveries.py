"""Every webhook can be delivered to and owes nothing twice: an HTTP webhook has a signing secret, its
cursor is one the event feed reads, and every event on its dead list or waiting to be replayed is one
of the types it asked for and lies behind its cursor (an event ahead of it would also come through
the feed: sent twice). A waiting one has its next attempt set."""
import json

from ...store.models import Event, Webhook, WebhookDelivery
from .. import events
from ..errors import Invalid

PROMISE = "every webhook has a secret and a readable cursor, and owes each dead or replayed event once"


def broken():
    found, cursors = [], {}
    for sub in Webhook.select().order_by(Webhook.id):
        name = f"webhook {sub.id} ({sub.kind} {sub.url})"
        if sub.kind == "http" and not sub.secret.startswith("whsec_"):
            found.append(f"{name}: no signing secret")
        try:
            cursors[sub.id] = events.parse_cursor(sub.cursor)
        except Invalid:
            found.append(f"{name}: cursor {sub.cursor!r} is not one the event feed reads")
    subs = {sub.id: sub for sub in Webhook.select()}
    rows = (WebhookDelivery.select(WebhookDelivery, Event.id, Event.txid, Event.type, Event.key).join(Event)
            .order_by(WebhookDelivery.id))
    for owed in rows:
        sub, event = subs[owed.webhook_id], owed.event
        name = f"webhook {sub.id}, event {event.key} ({event.type})"
        types = json.loads(sub.types) if sub.types else None
        if types and event.type not in types:
            found.append(f"{name}: a type the webhook did not ask for")
        if sub.id in cursors:
            txid, last = cursors[sub.id]
            if txid is None or (event.txid, event.id) > (txid, last):
                found.append(f"{name}: ahead of the webhook's cursor {sub.cursor}, so it would be sent twice")
        if not owed.dead and owed.next_attempt_at is None:
            found.append(f"{name}: waiting for replay with no next attempt")
    return found
