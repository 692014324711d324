"""The outbox: one row per change the plant's other systems (an ERP, an MES) may want to hear of,
written in the same transaction as the change, so an event exists exactly when its change does."""
from peewee import BigIntegerField, CharField, DateTimeField, TextField

from .core import BaseModel, utcnow


class Event(BaseModel):
    # The CloudEvents id (a uuid4): stable, so a receiver told twice knows it is the same event.
    key = CharField(max_length=36, unique=True)
    # The writing transaction's id, for the feed's commit order (as the ledger's, migration 0029):
    # a trigger stamps it on PostgreSQL; SQLite writes one transaction at a time and keeps 0.
    txid = BigIntegerField(default=0)
    type = CharField(max_length=64)
    subject = CharField(max_length=160)  # what it is about: an LPN, a work order, a code
    time = DateTimeField(default=utcnow)  # naive UTC
    data = TextField()  # JSON

    class Meta:
        table_name = "event"
        indexes = ((("txid", "id"), False),)
