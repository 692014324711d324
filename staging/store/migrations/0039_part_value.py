"""A part's value per unit of measure (in the plant's currency), where the plant gives one: a count's
difference is shown in money as well as in units."""
from peewee import DecimalField


def up(migrator, db):
    migrator.migrate(migrator.add_column('part', 'unit_value', DecimalField(max_digits=15, decimal_places=3,
                                                                            null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('part', 'unit_value'))
