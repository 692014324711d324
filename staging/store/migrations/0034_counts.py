"""Counts: planned counts, a task per location, what counters entered, the lines compared and the
ledger rows (kind `count`) that booked their differences, and parts' count classes set by hand.
The ledger's kinds are not constrained in the database, so `count` needs no change there."""
from peewee import *

TABLES = ("part_count_class", "count_line", "count_entry", "count_task", "count")


def _stub(db, name):
    class Stub(Model):
        class Meta:
            database = db
            table_name = name
    return Stub


def _qty(**kwargs):
    return DecimalField(max_digits=15, decimal_places=3, auto_round=True, **kwargs)


def up(migrator, db):
    Location, Part, Unit, User, Ledger = (_stub(db, n) for n in ("location", "part", "unit", "user", "ledger"))

    class Count(Model):
        kind = CharField(max_length=16)
        scope = CharField(max_length=200, default='')
        blind = BooleanField(default=True)
        status = CharField(max_length=8, default='open', constraints=[Check("status IN ('open','closed')")])
        due_on = DateField(null=True)
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        closed_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'count'

    class CountTask(Model):
        count = ForeignKeyField(Count, on_delete='CASCADE')
        location = ForeignKeyField(Location)
        state = CharField(max_length=10, default='open', index=True, constraints=[
            Check("state IN ('open','counting','recount','approval','done')")])
        started_at = DateTimeField(null=True)
        claimed_by = ForeignKeyField(User, null=True)
        claim_expires_at = DateTimeField(null=True)
        due_on = DateField(null=True)
        done_at = DateTimeField(null=True, index=True)
        class Meta:
            database = db
            table_name = 'count_task'
            indexes = ((('count', 'location'), True), (('location', 'done_at'), False))

    class CountEntry(Model):
        count = ForeignKeyField(Count, on_delete='CASCADE')
        task = ForeignKeyField(CountTask, on_delete='CASCADE')
        round = IntegerField(default=1)
        unit = ForeignKeyField(Unit, null=True)
        part = ForeignKeyField(Part)
        lot = CharField(max_length=40, default='')
        quantity = _qty(constraints=[Check('quantity >= 0')])
        expected = _qty(null=True)
        replaced = BooleanField(default=False)
        user = ForeignKeyField(User)
        client_scan_id = CharField(max_length=64, null=True, unique=True)
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'count_entry'
            indexes = ((('task', 'round'), False),)

    class CountLine(Model):
        count = ForeignKeyField(Count, on_delete='CASCADE')
        task = ForeignKeyField(CountTask, on_delete='CASCADE')
        unit = ForeignKeyField(Unit, null=True)
        part = ForeignKeyField(Part)
        lot = CharField(max_length=40, default='')
        expected = _qty(null=True)
        counted = _qty(null=True)
        recounted = _qty(null=True)
        variance = _qty(default=0)
        state = CharField(max_length=10, default='open', constraints=[
            Check("state IN ('open','ok','booked','recount','approval')")])
        moved = BooleanField(default=False)
        within = BooleanField(default=True)
        entry = ForeignKeyField(Ledger, null=True, unique=True)
        approved_by = ForeignKeyField(User, null=True)
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'count_line'
            indexes = ((('task', 'state'), False),)

    class PartCountClass(Model):
        part = ForeignKeyField(Part, unique=True, on_delete='CASCADE')
        klass = CharField(max_length=1, constraints=[Check("klass IN ('A','B','C')")])
        class Meta:
            database = db
            table_name = 'part_count_class'

    db.create_tables([Count, CountTask, CountEntry, CountLine, PartCountClass])


def down(migrator, db):
    for table in TABLES:
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
