"""One delivery pass for one subscription: take its lease, send what it owes, move its cursor.

Order and retries (head of line): a subscription's events go out in the feed's order, one after the
other. When one fails, the cursor stays on it and it is tried again after a growing pause (the
schedule, WEBHOOK_RETRY_SCHEDULE: within seconds at first, at most an hour apart); nothing after it
goes out meanwhile, so a receiver never sees a later change before an earlier one. Once the
subscription has been failing for the horizon (WEBHOOK_DEAD_AFTER_HOURS, 24) and the event is as old,
it goes to the subscription's dead list and the cursor moves on: every event gets the whole horizon of
retries, and a receiver that was down for days finds the newest day waiting and the rest dead, to be
replayed. Replayed events are sent beside the feed, out of its order (they are old by then).

Taking turns: several threads (gunicorn workers, hosts) may look at one subscription; only the one
holding its lease (claimed_by, claimed_until) sends. The lease is taken in a short transaction
(`FOR UPDATE SKIP LOCKED` on PostgreSQL, so a worker never waits for another's claim; SQLite's
IMMEDIATE transaction serialises claims) and not held during the HTTP call: a transaction open that
long would hold back the feed itself on PostgreSQL (its cursor may not pass a running transaction).
The cursor moves in the transaction that records the 2xx, and only while the lease is still this
thread's: a process killed between the 2xx and that commit leaves the cursor where it was, and the
next holder sends the event again with the same webhook-id (at least once)."""
import datetime
import json
import time

from ...store.db import is_postgres, write_transaction
from ...store.models import Event, Webhook, WebhookDelivery, utcnow
from .. import events


class Rules:
    """How deliveries are paced (from the app's config; the defaults are production's)."""

    def __init__(self, schedule=(5, 30, 120, 600, 1800, 3600), dead_after_hours=24.0, timeout=5.0,
                 lease_seconds=15.0, batch=100, poll_seconds=0.25, mqtt_url=""):
        self.schedule = [float(s) for s in schedule] or [5.0]
        self.dead_after = datetime.timedelta(hours=float(dead_after_hours))
        self.timeout, self.batch, self.poll = float(timeout), int(batch), float(poll_seconds)
        # Renewed at every commit; after a crash the next holder waits this long at most.
        self.lease = datetime.timedelta(seconds=max(float(lease_seconds), 3 * self.timeout))
        self.mqtt_url = mqtt_url or ""

    @classmethod
    def from_config(cls, config):
        schedule = [s for s in str(config.get("WEBHOOK_RETRY_SCHEDULE", "")).replace(" ", "").split(",") if s]
        return cls(schedule=schedule or (5, 30, 120, 600, 1800, 3600),
                   dead_after_hours=config.get("WEBHOOK_DEAD_AFTER_HOURS", 24),
                   timeout=config.get("WEBHOOK_TIMEOUT", 5), poll_seconds=config.get("WEBHOOK_POLL_SECONDS", 0.25),
                   mqtt_url=config.get("MQTT_URL", ""))

    def pause(self, attempts):
        """The pause after the `attempts`-th failure in a row."""
        return datetime.timedelta(seconds=self.schedule[min(attempts, len(self.schedule)) - 1])


def types_of(sub):
    return json.loads(sub.types) if sub.types else None


def has_work(sub, now):
    """Cheap and read-only: is there anything to send now (so a lease is worth taking)?"""
    if (WebhookDelivery.select().where(WebhookDelivery.webhook == sub.id, WebhookDelivery.dead == False,  # noqa: E712
                                       WebhookDelivery.next_attempt_at <= now).exists()):
        return True
    if sub.next_attempt_at and sub.next_attempt_at > now:
        return False
    found, _ = events.page(sub.cursor, limit=1, types=types_of(sub))
    return bool(found)


def claim(sub_id, holder, rules):
    """Take the subscription's lease (or renew this holder's). Its row, or None when another holds it."""
    now = utcnow()
    with write_transaction():
        query = Webhook.select().where(
            Webhook.id == sub_id, Webhook.active == True,  # noqa: E712
            Webhook.claimed_until.is_null() | (Webhook.claimed_until < now) | (Webhook.claimed_by == holder))
        if is_postgres():
            query = query.for_update("FOR UPDATE SKIP LOCKED")
        sub = query.first()
        if sub is None:
            return None
        Webhook.update(claimed_by=holder, claimed_until=now + rules.lease).where(Webhook.id == sub_id).execute()
    return sub


def release(sub_id, holder):
    with write_transaction():
        Webhook.update(claimed_by="", claimed_until=None).where(
            Webhook.id == sub_id, Webhook.claimed_by == holder).execute()


def _held(sub_id, holder):
    return (Webhook.id == sub_id) & (Webhook.claimed_by == holder)


def run(sub, sender, holder, rules, budget_seconds=2.0):
    """Send what `sub` owes for about `budget_seconds` (the lease is this holder's). Returns how many
    events went out; False when the lease was lost (another holder has it now)."""
    started = time.monotonic()
    sent = _replays(sub, sender, holder, rules, started + budget_seconds)
    if sent is False:
        return False
    while time.monotonic() - started < budget_seconds:
        now = utcnow()
        if sub.next_attempt_at and sub.next_attempt_at > now:
            break
        found, following = events.page(sub.cursor, limit=rules.batch, types=types_of(sub))
        if not found:
            break
        done, failed = sender.send_all(found, deadline=started + budget_seconds)
        if done:
            if done < len(found):  # the cursor after exactly `done` events: the same rows, in order
                _, following = events.page(sub.cursor, limit=done, types=types_of(sub))
            if not _delivered(sub, holder, following, rules):
                return False
            sent += done
        if failed:
            return sent if _failed(sub, holder, found[done:], failed, rules) else False
        if done < len(found):
            break
    return sent


def _delivered(sub, holder, cursor, rules):
    now = utcnow()
    changes = dict(cursor=cursor, last_success_at=now, failing_since=None, attempts=0, next_attempt_at=None,
                   last_error="", last_status=None, claimed_until=now + rules.lease)
    with write_transaction():
        if not Webhook.update(**changes).where(_held(sub.id, holder)).execute():
            return False
    for name, value in changes.items():
        setattr(sub, name, value)
    return True


def _failed(sub, holder, waiting, failed, rules):
    """The head event `waiting[0]` failed: retry later, or (past the horizon) put the events past it
    on the dead list and move the cursor beyond them."""
    now = utcnow()
    failing_since = sub.failing_since or now
    horizon = now - rules.dead_after
    old = []  # a stretch from the head: an event younger than the horizon keeps its retries
    if failing_since <= horizon:
        for event in waiting:
            if _time(event) > horizon:
                break
            old.append(event)
    changes = dict(failing_since=failing_since, last_error=failed.error, last_status=failed.status,
                   claimed_until=now + rules.lease)
    if old:
        _, cursor = events.page(sub.cursor, limit=len(old), types=types_of(sub))
        changes.update(cursor=cursor)
    else:
        changes.update(attempts=sub.attempts + 1, next_attempt_at=now + rules.pause(sub.attempts + 1))
    with write_transaction():
        if not Webhook.update(**changes).where(_held(sub.id, holder)).execute():
            return False
        if old:
            ids = Event.select(Event.id).where(Event.key.in_([e["id"] for e in old]))
            rows = [{"webhook": sub.id, "event": row.id, "dead": True, "since": now, "attempts": sub.attempts + 1,
                     "last_error": failed.error, "last_status": failed.status} for row in ids]
            WebhookDelivery.insert_many(rows).on_conflict_ignore().execute()
    for name, value in changes.items():
        setattr(sub, name, value)
    return True


def _time(event):
    return datetime.datetime.fromisoformat(event["time"].removesuffix("Z"))


def _replays(sub, sender, holder, rules, deadline):
    """Send the replayed events that are due, oldest first (until the deadline, time.monotonic): each
    delivered one leaves the list."""
    now = utcnow()
    due = list(WebhookDelivery.select(WebhookDelivery, Event).join(Event).where(
        WebhookDelivery.webhook == sub.id, WebhookDelivery.dead == False,  # noqa: E712
        WebhookDelivery.next_attempt_at <= now).order_by(Event.id).limit(rules.batch))
    sent = 0
    for owed in due:
        if sent and time.monotonic() > deadline:
            break
        done, failed = sender.send_all([events.cloudevent(owed.event)], deadline=None)
        now = utcnow()
        with write_transaction():
            if not Webhook.update(claimed_until=now + rules.lease).where(_held(sub.id, holder)).execute():
                return False
            if done:
                WebhookDelivery.delete().where(WebhookDelivery.id == owed.id).execute()
                Webhook.update(last_success_at=now).where(Webhook.id == sub.id).execute()
                sent += 1
                continue
            attempts = owed.attempts + 1
            dead = now - owed.since >= rules.dead_after
            WebhookDelivery.update(
                attempts=attempts, last_error=failed.error, last_status=failed.status, dead=dead,
                since=now if dead else owed.since,
                next_attempt_at=None if dead else now + rules.pause(attempts)).where(
                WebhookDelivery.id == owed.id).execute()
        break  # the receiver fails now: the rest wait for their own next attempt
    return sent
