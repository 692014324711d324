"""Kanban cards and their calls: a lead prints cards for a line-side place (part, revision,
quantity; one card or a loop of several), and scanning one calls that quantity there: a staging
task at once, or a call that waits, visible, until stock of the part arrives."""
from peewee import *

TABLES = ("kanban_call", "kanban_card")


def _stub(db, name):
    class Stub(Model):
        class Meta:
            database = db
            table_name = name
    return Stub


def up(migrator, db):
    Location, Part, User, StagingTask = (_stub(db, n) for n in ("location", "part", "user", "staging_task"))

    class KanbanCard(Model):
        code = CharField(max_length=40, unique=True)
        place = ForeignKeyField(Location)
        part = ForeignKeyField(Part)
        quantity = DecimalField(max_digits=15, decimal_places=3, auto_round=True,
                                constraints=[Check('quantity > 0')])
        loop = CharField(max_length=40, index=True)
        number = IntegerField(default=1)
        count = IntegerField(default=1)
        active = BooleanField(default=True)
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'kanban_card'

    class Call(Model):
        card = ForeignKeyField(KanbanCard)
        part = ForeignKeyField(Part)
        state = CharField(max_length=8, default='waiting',
                          constraints=[Check("state IN ('waiting','tasked','done')")])
        task = ForeignKeyField(StagingTask, null=True)
        at = DateTimeField()
        by = ForeignKeyField(User, null=True)
        client_scan_id = CharField(max_length=64, null=True, unique=True)
        done_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'kanban_call'
            indexes = ((('state', 'part'), False), (('card', 'state'), False), (('task',), False))

    db.create_tables([KanbanCard, Call])


def down(migrator, db):
    for table in TABLES:
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
