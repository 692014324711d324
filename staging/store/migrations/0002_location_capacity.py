"""Locations may limit how many units they take (a staging lane holds four pallets)."""
from peewee import *

def up(migrator, db):
    migrator.migrate(migrator.add_column('location', 'capacity', IntegerField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column('location', 'capacity'))
