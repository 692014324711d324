"""Revisions that supersede older ones: part.superseded_by names the newer revision of the same
part number that replaces this one (receiving a GTIN shared by both books the newer)."""
from peewee import *


def up(migrator, db):
    class Part(Model):
        class Meta:
            database = db
            table_name = 'part'

    migrator.migrate(
        migrator.add_column('part', 'superseded_by_id', ForeignKeyField(Part, field=Part.id, null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('part', 'superseded_by_id'),
    )
