"""Imports are repeatable: the rows of opening stock an import booked (file, line and content), so
that the same file again books nothing twice. A shift log keeps the shift window and time zone it
was opened under, and a seal of its content when it was locked (a later settings change cannot
rewrite it; `flask check` compares the seal)."""
from peewee import *


def up(migrator, db):
    class ImportedRow(Model):
        kind = CharField(max_length=16)
        digest = CharField(max_length=64, index=True)
        filename = CharField(max_length=200, default='')
        line = IntegerField()
        lpn = CharField(max_length=40)
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'imported_row'

    db.create_tables([ImportedRow])
    migrator.migrate(
        migrator.add_column('shift_log', 'starts_at', DateTimeField(null=True)),
        migrator.add_column('shift_log', 'ends_at', DateTimeField(null=True)),
        migrator.add_column('shift_log', 'zone', CharField(max_length=64, null=True)),
        migrator.add_column('shift_log', 'seal', CharField(max_length=64, null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('shift_log', 'seal'),
        migrator.drop_column('shift_log', 'zone'),
        migrator.drop_column('shift_log', 'ends_at'),
        migrator.drop_column('shift_log', 'starts_at'),
    )
    db.execute_sql('DROP TABLE IF EXISTS "imported_row"')
