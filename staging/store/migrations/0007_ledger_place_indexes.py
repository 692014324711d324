"""The ledger's place indexes end in the entry id (issue 7): "the latest entries into or out of a
location" (machine and location pages) reads the newest few rows of one place in index order. On
PostgreSQL an index on the place alone cannot give id order, and the planner walked the primary
key backwards instead, filtering a million rows; SQLite's index carries the rowid anyway."""
from peewee import *

PLACES = ("to_location_id", "from_location_id")


def up(migrator, db):
    for column in PLACES:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "entry_{column}_id" ON "ledger" ("{column}", "id")')
        db.execute_sql(f'DROP INDEX IF EXISTS "entry_{column}"')


def down(migrator, db):
    for column in PLACES:
        db.execute_sql(f'CREATE INDEX IF NOT EXISTS "entry_{column}" ON "ledger" ("{column}")')
        db.execute_sql(f'DROP INDEX IF EXISTS "entry_{column}_id"')
