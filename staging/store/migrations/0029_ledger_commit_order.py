"""The ledger feed in commit order: each row keeps the id of the transaction that wrote it.

PostgreSQL takes a row's serial id at insert time, but transactions commit in another order: a
follower of `id > cursor` never goes back for a row that commits after a higher id was read. With
the writing transaction's id per row, a page may include only rows older than every transaction
still running (`pg_snapshot_xmin`), in (txid, id) order: a row committing late always sorts after
every row already handed out. A trigger stamps the id, so every insert path (the verbs, the bulk
opening's executemany, scripts) writes it and none can forget or forge it.

SQLite has one writer at a time, so ids are handed out in commit order there: txid stays 0 and the
feed keeps following ids. Rows written before this migration get 0: all committed long ago, they
come first, in id order, as the feed gave them before."""
from peewee import PostgresqlDatabase


def _postgres(db):
    return isinstance(db, PostgresqlDatabase)


def up(migrator, db):
    if not _postgres(db):
        db.execute_sql('ALTER TABLE "ledger" ADD COLUMN "txid" INTEGER NOT NULL DEFAULT 0')
        return
    db.execute_sql('ALTER TABLE "ledger" ADD COLUMN "txid" BIGINT NOT NULL DEFAULT 0')
    db.execute_sql(
        "CREATE OR REPLACE FUNCTION ledger_stamp_txid() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.txid := pg_current_xact_id()::text::bigint; RETURN NEW; END $$")
    db.execute_sql('CREATE TRIGGER "ledger_stamp_txid" BEFORE INSERT ON "ledger" '
                   "FOR EACH ROW EXECUTE FUNCTION ledger_stamp_txid()")
    db.execute_sql('CREATE INDEX IF NOT EXISTS "entry_txid_id" ON "ledger" ("txid", "id")')


def down(migrator, db):
    if _postgres(db):
        db.execute_sql('DROP TRIGGER IF EXISTS "ledger_stamp_txid" ON "ledger"')
        db.execute_sql("DROP FUNCTION IF EXISTS ledger_stamp_txid()")
        db.execute_sql('DROP INDEX IF EXISTS "entry_txid_id"')
    migrator.migrate(migrator.drop_column("ledger", "txid"))
