"""Idempotency keys: every POST (and PUT, PATCH) of the API may carry an Idempotency-Key; the key is
claimed before the request runs and its answer kept for a day, so a client's retry gets the first
answer again and never does the work twice. Unique per user and key."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class IdempotencyKey(Model):
        key = CharField(max_length=255)
        user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
        request = CharField(max_length=300)
        body_hash = CharField(max_length=64)
        status = IntegerField(null=True)
        response = TextField(null=True)
        content_type = CharField(max_length=100, null=True)
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = 'idempotency_key'
            indexes = ((('user', 'key'), True),)

    db.create_tables([IdempotencyKey])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "idempotency_key"')
