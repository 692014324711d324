"""Staging tasks (issue 16): each machine's line-side places, a work order's own lane, line-side
min/max per part and place (kanban), shelf life per part and a pallet's own expiry (FEFO), the
tasks themselves, and how far they have followed the ledger."""
from peewee import *

TABLES = ("task_sync", "staging_task", "unit_expiry", "line_side_stock", "work_order_lane",
          "line_side_place")


def _stub(db, name):
    class Stub(Model):
        class Meta:
            database = db
            table_name = name
    return Stub


def _qty(**kwargs):
    return DecimalField(max_digits=15, decimal_places=3, auto_round=True, **kwargs)


def up(migrator, db):
    Location, Part, Unit, User, WorkOrder = (_stub(db, n) for n in ("location", "part", "unit", "user", "work_order"))

    class LineSidePlace(Model):
        machine = ForeignKeyField(Location, on_delete='CASCADE')
        place = ForeignKeyField(Location, on_delete='CASCADE')
        kind = CharField(max_length=8, default='lane', constraints=[Check("kind IN ('lane','bin')")])
        sort_key = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'line_side_place'
            indexes = ((('machine', 'place'), True),)

    class WorkOrderLane(Model):
        work_order = ForeignKeyField(WorkOrder, on_delete='CASCADE', unique=True)
        place = ForeignKeyField(Location)
        class Meta:
            database = db
            table_name = 'work_order_lane'

    class LineSideStock(Model):
        place = ForeignKeyField(Location, on_delete='CASCADE')
        part = ForeignKeyField(Part, on_delete='CASCADE')
        minimum = _qty(constraints=[Check('minimum >= 0')])
        maximum = _qty(constraints=[Check('maximum > 0')])
        class Meta:
            database = db
            table_name = 'line_side_stock'
            indexes = ((('place', 'part'), True),)


    class UnitExpiry(Model):
        unit = ForeignKeyField(Unit, on_delete='CASCADE', unique=True)
        expires_on = DateField()
        class Meta:
            database = db
            table_name = 'unit_expiry'

    class StagingTask(Model):
        kind = CharField(max_length=8, default='order')
        work_order = ForeignKeyField(WorkOrder, null=True, on_delete='CASCADE')
        machine = ForeignKeyField(Location)
        part = ForeignKeyField(Part)
        unit = ForeignKeyField(Unit, null=True)
        from_location = ForeignKeyField(Location, null=True)
        to_location = ForeignKeyField(Location)
        quantity = _qty()
        whole = BooleanField(default=True)
        state = CharField(max_length=10, default='open',
                          constraints=[Check("state IN ('open','claimed','done','cancelled')")])
        claimed_by = ForeignKeyField(User, null=True)
        claim_expires_at = DateTimeField(null=True)
        assigned_to = ForeignKeyField(User, null=True)
        rank = IntegerField(null=True)
        due_at = DateTimeField(null=True)
        priority = IntegerField(default=9)
        note = CharField(max_length=200, default='')
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'staging_task'
            indexes = ((('state', 'machine'), False), (('state', 'part'), False), (('unit', 'state'), False))

    class TaskSync(Model):
        name = CharField(max_length=16, primary_key=True)
        last_entry = IntegerField(default=0)
        full_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'task_sync'

    db.create_tables([LineSidePlace, WorkOrderLane, LineSideStock, UnitExpiry, StagingTask, TaskSync])
    # The stock of one part: without it, "pallets of this part in stock" walks every stock unit.
    db.execute_sql('CREATE INDEX IF NOT EXISTS "unit_part_id_status" ON "unit" ("part_id", "status")')


def down(migrator, db):
    db.execute_sql('DROP INDEX IF EXISTS "unit_part_id_status"')
    for table in TABLES:
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
