"""Work orders on several machines, consumed/wasted totals per work order and part, output
records, and the shift logbook (issue 5).

Totals are backfilled from the ledger once, here; from now on the consume, scrap and correct
verbs keep them in the same transaction as their ledger rows."""
from peewee import *

BACKFILL = """
INSERT INTO work_order_totals (work_order_id, part_id, consumed, wasted)
SELECT l.work_order_id, u.part_id,
       SUM(CASE WHEN l.kind = 'consume' THEN -l.delta ELSE 0 END),
       SUM(CASE WHEN l.kind = 'scrap' THEN -l.delta ELSE 0 END)
FROM ledger l JOIN unit u ON u.id = l.unit_id
WHERE l.kind IN ('consume', 'scrap') AND l.work_order_id IS NOT NULL
GROUP BY l.work_order_id, u.part_id
"""


def up(migrator, db):
    class Location(Model):
        class Meta:
            database = db
            table_name = 'location'

    class Part(Model):
        class Meta:
            database = db
            table_name = 'part'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class WorkOrder(Model):
        class Meta:
            database = db
            table_name = 'work_order'

    class ShiftLog(Model):
        station = ForeignKeyField(Location)
        day = DateField()
        shift = CharField(max_length=32)
        submitted_at = DateTimeField(null=True)
        submitted_by = ForeignKeyField(User, null=True)
        snapshot = TextField(null=True)
        class Meta:
            database = db
            table_name = 'shift_log'
            indexes = ((('station', 'day', 'shift'), True),)
    db.create_tables([ShiftLog])

    class LogNote(Model):
        log = ForeignKeyField(ShiftLog, on_delete='CASCADE')
        kind = CharField(max_length=16)
        text = TextField()
        minutes = IntegerField(null=True)
        user = ForeignKeyField(User, null=True)
        at = DateTimeField()
        acknowledged_at = DateTimeField(index=True, null=True)
        acknowledged_by = ForeignKeyField(User, null=True)
        class Meta:
            database = db
            table_name = 'log_note'
    db.create_tables([LogNote])

    class OutputRecord(Model):
        work_order = ForeignKeyField(WorkOrder, on_delete='CASCADE')
        machine = ForeignKeyField(Location, null=True)
        good = DecimalField(max_digits=15, decimal_places=3, default=0)
        rejected = DecimalField(max_digits=15, decimal_places=3, default=0)
        note = CharField(max_length=200, default='')
        user = ForeignKeyField(User, null=True)
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'output_record'
    db.create_tables([OutputRecord])

    class WorkOrderMachine(Model):
        work_order = ForeignKeyField(WorkOrder, on_delete='CASCADE')
        machine = ForeignKeyField(Location)
        class Meta:
            database = db
            table_name = 'work_order_machine'
            indexes = ((('work_order', 'machine'), True),)
    db.create_tables([WorkOrderMachine])

    class WorkOrderTotals(Model):
        work_order = ForeignKeyField(WorkOrder, on_delete='CASCADE')
        part = ForeignKeyField(Part)
        consumed = DecimalField(max_digits=15, decimal_places=3, default=0)
        wasted = DecimalField(max_digits=15, decimal_places=3, default=0)
        class Meta:
            database = db
            table_name = 'work_order_totals'
            indexes = ((('work_order', 'part'), True),)
    db.create_tables([WorkOrderTotals])
    db.execute_sql(BACKFILL)


def down(migrator, db):
    migrator.migrate(migrator.drop_table('work_order_totals'))
    migrator.migrate(migrator.drop_table('work_order_machine'))
    migrator.migrate(migrator.drop_table('output_record'))
    migrator.migrate(migrator.drop_table('log_note'))
    migrator.migrate(migrator.drop_table('shift_log'))
