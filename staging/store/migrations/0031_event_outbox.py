"""The outbox: one row per change other systems (an ERP, an MES) may want to hear of, written in
the change's own transaction. Each row keeps the id of the transaction that wrote it, stamped by a
trigger as the ledger's is (0029), so the event feed pages in commit order on PostgreSQL and never
skips an event whose transaction commits late. SQLite keeps txid 0 and pages by id.

Ledger rows written before the outbox have no events (the feed starts now; /api/ledger has the
history): the last of them is noted in the setting `events.since_ledger`, and the promise that
every ledger row has its event (promises/events.py) counts only the rows after it."""
from peewee import *


def _postgres(db):
    return isinstance(db, PostgresqlDatabase)


def up(migrator, db):
    class Event(Model):
        key = CharField(max_length=36, unique=True)
        txid = BigIntegerField(default=0)
        type = CharField(max_length=64)
        subject = CharField(max_length=160)
        time = DateTimeField()
        data = TextField()
        class Meta:
            database = db
            table_name = 'event'
            indexes = ((('txid', 'id'), False),)

    db.create_tables([Event])
    # Only a plant with a ledger needs the note: with none, every row to come owes its event.
    db.execute_sql("INSERT INTO setting (name, value) SELECT 'events.since_ledger', "
                   "CAST(MAX(id) AS TEXT) FROM ledger HAVING COUNT(*) > 0")
    if _postgres(db):
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION event_stamp_txid() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN NEW.txid := pg_current_xact_id()::text::bigint; RETURN NEW; END $$")
        db.execute_sql('CREATE TRIGGER "event_stamp_txid" BEFORE INSERT ON "event" '
                       "FOR EACH ROW EXECUTE FUNCTION event_stamp_txid()")


def down(migrator, db):
    if _postgres(db):
        db.execute_sql('DROP TRIGGER IF EXISTS "event_stamp_txid" ON "event"')
        db.execute_sql("DROP FUNCTION IF EXISTS event_stamp_txid()")
    db.execute_sql('DROP TABLE IF EXISTS "event"')
    db.execute_sql("DELETE FROM setting WHERE name = 'events.since_ledger'")
