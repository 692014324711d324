"""Where the plant's events go: webhook subscriptions (and the MQTT broker, a subscription of its own
kind), each with its place in the event feed, and the events that could not be delivered."""
from peewee import BooleanField, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .core import BaseModel, User, utcnow
from .events import Event

WEBHOOK_KINDS = ("http", "mqtt")


class Webhook(BaseModel):
    """One receiver of events. Its cursor is its place in the feed (staging/domain/events): every event
    before it was delivered or put on its dead list. Deliveries take turns by lease, so two app
    processes (or hosts) never send the same subscription's events at once."""
    kind = CharField(max_length=8, default="http", constraints=[Check("kind IN ('http','mqtt')")])
    url = CharField(max_length=2000)
    types = TextField(default="")  # JSON list of event types; empty: every type
    secret = CharField(max_length=100, default="")  # whsec_...; empty for MQTT
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    active = BooleanField(default=True)
    cursor = TextField(null=True)  # the feed's cursor (opaque); null: from the feed's beginning
    claimed_by = CharField(max_length=40, default="")  # the delivery thread holding the lease
    claimed_until = DateTimeField(null=True)
    last_success_at = DateTimeField(null=True)
    failing_since = DateTimeField(null=True)  # the first failure since the last success
    attempts = IntegerField(default=0)  # failed attempts at the event at its cursor
    next_attempt_at = DateTimeField(null=True)
    last_error = TextField(default="")
    last_status = IntegerField(null=True)


class WebhookDelivery(BaseModel):
    """An event a subscription owes outside its cursor's order: dead (retried past the horizon, kept
    until someone replays it), or waiting (replayed, to be sent again)."""
    webhook = ForeignKeyField(Webhook, backref="deliveries", on_delete="CASCADE")
    event = ForeignKeyField(Event, backref="+", on_delete="CASCADE")
    dead = BooleanField(default=True)
    since = DateTimeField(default=utcnow)  # dead since, or waiting since (replayed)
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(null=True)
    last_error = TextField(default="")
    last_status = IntegerField(null=True)

    class Meta:
        table_name = "webhook_delivery"
        indexes = ((("webhook", "event"), True), (("webhook", "dead", "next_attempt_at"), False))
