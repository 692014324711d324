"""When a work order stopped taking material (its status became done or closed; null while it is
open): consumption recorded after it breaks a promise `check` keeps, so the moment is kept."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('work_order', 'closed_at', DateTimeField(null=True)),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('work_order', 'closed_at'),
    )
