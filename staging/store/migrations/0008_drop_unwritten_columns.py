"""Columns nothing writes any more: scan.unit (a scan's unit is its ledger rows' unit; only rows
from before issue 7 filled it) and api_token.last_used_at (never written: recording every use
would add a write to every API request). Older scans' units stay on their ledger rows."""
from peewee import *
from playhouse.migrate import SqliteMigrator


def up(migrator, db):
    # SQLite's own DROP COLUMN refuses a column with a foreign key: rebuild the table instead.
    rebuild = {"legacy": True} if isinstance(migrator, SqliteMigrator) else {}
    migrator.migrate(
        migrator.drop_column("scan", "unit_id", **rebuild),
        migrator.drop_column("api_token", "last_used_at", **rebuild),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.add_column("scan", "unit_id", IntegerField(null=True)),
        migrator.add_column("api_token", "last_used_at", DateTimeField(null=True)),
    )
