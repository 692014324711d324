"""A printer serves a place (issue 12): labels made for units there, or anywhere below it (a hall,
an area, a station), print on it at once: a split's new part on the handheld, an output pallet."""
from peewee import *


def up(migrator, db):
    class Location(Model):
        class Meta:
            database = db
            table_name = 'location'

    migrator.migrate(
        migrator.add_column('printer', 'serves_id', ForeignKeyField(Location, field=Location.id, null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('printer', 'serves_id'),
    )
