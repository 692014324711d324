"""Webhook subscriptions as an admin sees them: add one (its secret shown once), list them with how
their deliveries stand, delete, rotate the secret, replay dead events."""
import json
from urllib.parse import urlsplit

from peewee import fn

from ...store.db import is_postgres, write_transaction
from ...store.models import Event, Webhook, WebhookDelivery, utcnow
from .. import events
from ..errors import Invalid, NotFound
from ..people.permissions import authorize
from . import signing

URL_MAX = 2000
WAITING_SHOWN = 1000  # the backlog is counted up to here ("1000+")


def head_cursor():
    """The feed's cursor after its newest committed event: a new subscription hears what happens from
    now on, not the plant's whole past. Built as events.page builds its cursors ("txid-id", commit
    order). On PostgreSQL a change whose transaction is still running as the subscription is made
    may be left out: it happened as the receiver was being added, not after."""
    query = Event.select(Event.id, Event.txid)
    query = query.order_by(Event.txid.desc(), Event.id.desc()) if is_postgres() else query.order_by(Event.id.desc())
    row = query.first()
    return f"{row.txid}-{row.id}" if row else None


def checked_url(url):
    url = (url or "").strip()
    if not url:
        raise Invalid("Give the receiver's address (https://...).")
    parts = urlsplit(url)
    if len(url) > URL_MAX or parts.scheme not in ("http", "https") or not parts.hostname or any(
            c.isspace() for c in url):
        raise Invalid("“{url}” is not a web address a webhook can be sent to: it starts with https:// "
                      "(or http://) and names a host.", url=url[:80])
    try:
        parts.port  # noqa: B018 (a port that is no number raises here)
    except ValueError:
        raise Invalid("“{url}” has a port that is not a number.", url=url[:80]) from None
    return url


def add(user, url, types):
    """A new subscription; returns it, its secret in it (the only time it is shown)."""
    authorize(user, "webhooks")
    url = checked_url(url)
    names = events.parse_types(list(types or [])) or []
    with write_transaction():
        return Webhook.create(kind="http", url=url, types=json.dumps(names) if names else "",
                              secret=signing.new_secret(), created_by=user, cursor=head_cursor())


def find(user, webhook_id):
    authorize(user, "webhooks")
    sub = Webhook.get_or_none((Webhook.id == webhook_id) & (Webhook.kind == "http"))
    if sub is None:
        raise NotFound("There is no webhook {id}.", id=webhook_id)
    return sub


def remove(user, webhook_id):
    sub = find(user, webhook_id)
    with write_transaction():
        WebhookDelivery.delete().where(WebhookDelivery.webhook == sub.id).execute()
        sub.delete_instance()
    return sub


def rotate(user, webhook_id):
    """A new secret, at once: deliveries from now on are signed with it. Returns the subscription."""
    sub = find(user, webhook_id)
    sub.secret = signing.new_secret()
    with write_transaction():
        Webhook.update(secret=sub.secret).where(Webhook.id == sub.id).execute()
    return sub


def replay(user, webhook_id, event_key=None):
    """Dead events (all, or the one with this CloudEvents id) go out again now. Returns how many."""
    sub = find(user, webhook_id)
    query = WebhookDelivery.update(dead=False, attempts=0, since=utcnow(), next_attempt_at=utcnow()).where(
        WebhookDelivery.webhook == sub.id, WebhookDelivery.dead == True)  # noqa: E712
    if event_key is not None:
        event = Event.get_or_none(Event.key == str(event_key))
        if event is None or not WebhookDelivery.select().where(
                WebhookDelivery.webhook == sub.id, WebhookDelivery.event == event.id,
                WebhookDelivery.dead == True).exists():  # noqa: E712
            raise NotFound("Event {event} is not on this webhook's dead list.", event=str(event_key)[:40])
        query = query.where(WebhookDelivery.event == event.id)
    with write_transaction():
        return query.execute()


def dead_list(user, webhook_id, limit=200):
    sub = find(user, webhook_id)
    return list(WebhookDelivery.select(WebhookDelivery, Event).join(Event).where(
        WebhookDelivery.webhook == sub.id, WebhookDelivery.dead == True).order_by(  # noqa: E712
        Event.id).limit(limit))


def types_of(sub):
    return json.loads(sub.types) if sub.types else []


def listing(user, kind="http"):
    """Every webhook (or MQTT broker: kind "mqtt") with how it stands: last success, failing since,
    waiting and dead counts."""
    authorize(user, "webhooks")
    subs = list(Webhook.select().where(Webhook.kind == kind).order_by(Webhook.id))
    counts = {(row.webhook_id, row.dead): row.n for row in WebhookDelivery.select(
        WebhookDelivery.webhook, WebhookDelivery.dead, fn.COUNT(WebhookDelivery.id).alias("n")).group_by(
        WebhookDelivery.webhook, WebhookDelivery.dead)}
    for sub in subs:
        backlog, _ = events.page(sub.cursor, limit=WAITING_SHOWN, types=types_of(sub) or None)
        sub.waiting = len(backlog) + counts.get((sub.id, False), 0)
        sub.waiting_capped = len(backlog) >= WAITING_SHOWN
        sub.dead_count = counts.get((sub.id, True), 0)
        sub.type_list = types_of(sub)
    return subs
