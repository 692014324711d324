"""Webhook subscriptions (and the MQTT broker's own row), each with its place in the event feed and
its delivery lease, and the events a subscription could not deliver (its dead list) or was asked to
send again (replayed)."""
from peewee import *


def _stub(db, name):
    class Stub(Model):
        class Meta:
            database = db
            table_name = name
    return Stub


def up(migrator, db):
    User, Event = _stub(db, "user"), _stub(db, "event")

    class Webhook(Model):
        kind = CharField(max_length=8, default='http', constraints=[Check("kind IN ('http','mqtt')")])
        url = CharField(max_length=2000)
        types = TextField(default='')
        secret = CharField(max_length=100, default='')
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        created_at = DateTimeField()
        active = BooleanField(default=True)
        cursor = TextField(null=True)
        claimed_by = CharField(max_length=40, default='')
        claimed_until = DateTimeField(null=True)
        last_success_at = DateTimeField(null=True)
        failing_since = DateTimeField(null=True)
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(null=True)
        last_error = TextField(default='')
        last_status = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'webhook'

    class WebhookDelivery(Model):
        webhook = ForeignKeyField(Webhook, on_delete='CASCADE')
        event = ForeignKeyField(Event, on_delete='CASCADE')
        dead = BooleanField(default=True)
        since = DateTimeField()
        attempts = IntegerField(default=0)
        next_attempt_at = DateTimeField(null=True)
        last_error = TextField(default='')
        last_status = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'webhook_delivery'
            indexes = ((('webhook', 'event'), True), (('webhook', 'dead', 'next_attempt_at'), False))

    db.create_tables([Webhook, WebhookDelivery])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "webhook_delivery"')
    db.execute_sql('DROP TABLE IF EXISTS "webhook"')
