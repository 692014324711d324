"""The locations' version: one row whose stamp changes whenever a location is added, changed or
removed, in the same transaction as the change. The inventory page keeps the tree's shape (who is
below whom, capacities) per process and reads this one row to know whether it is still right,
instead of reading every location on every request.

Triggers stamp it, so every path that writes locations (the setup pages, imports, the demo plant,
scripts, bulk inserts) bumps it and none can forget. The stamp is random rather than a counter: two
databases (or two fresh schemas in one) never share a stamp for different trees."""
import uuid

from peewee import PostgresqlDatabase

EVENTS = ("INSERT", "UPDATE", "DELETE")


def up(migrator, db):
    db.execute_sql('CREATE TABLE IF NOT EXISTS "locations_version" ("id" INTEGER NOT NULL PRIMARY KEY, '
                   '"stamp" VARCHAR(32) NOT NULL)')
    db.execute_sql(f'INSERT INTO "locations_version" ("id", "stamp") VALUES (1, {db.param})', (uuid.uuid4().hex,))
    if isinstance(db, PostgresqlDatabase):
        # Once per statement: a bulk insert of thousands of bins bumps the row once.
        db.execute_sql(
            "CREATE OR REPLACE FUNCTION locations_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN UPDATE locations_version SET stamp = md5(random()::text || clock_timestamp()::text) "
            "WHERE id = 1; RETURN NULL; END $$")
        for event in EVENTS:
            db.execute_sql(f'CREATE TRIGGER "location_{event.lower()}_version" AFTER {event} ON "location" '
                           "FOR EACH STATEMENT EXECUTE FUNCTION locations_version_bump()")
        return
    for event in EVENTS:  # SQLite has row triggers only
        db.execute_sql(f'CREATE TRIGGER IF NOT EXISTS "location_{event.lower()}_version" AFTER {event} ON "location" '
                       "BEGIN UPDATE locations_version SET stamp = hex(randomblob(16)) WHERE id = 1; END")


def down(migrator, db):
    for event in EVENTS:
        if isinstance(db, PostgresqlDatabase):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "location_{event.lower()}_version" ON "location"')
        else:
            db.execute_sql(f'DROP TRIGGER IF EXISTS "location_{event.lower()}_version"')
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("DROP FUNCTION IF EXISTS locations_version_bump()")
    db.execute_sql('DROP TABLE IF EXISTS "locations_version"')
