"""Tools and gauges (calibration), planned maintenance and what was done, andon calls, wall screens."""
from peewee import *

TABLES = ("screen", "andon_call", "maintenance_done", "maintenance_plan", "tool")


def _stub(db, name):
    class Stub(Model):
        class Meta:
            database = db
            table_name = name
    return Stub


def up(migrator, db):
    Location, User, LogNote = (_stub(db, n) for n in ("location", "user", "log_note"))

    class Tool(Model):
        code = CharField(max_length=40, unique=True)
        name = CharField(max_length=120)
        kind = CharField(max_length=8, default='tool', constraints=[Check("kind IN ('tool','gauge')")])
        machine = ForeignKeyField(Location, null=True, on_delete='SET NULL')
        calibration_due = DateTimeField(null=True)
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'tool'

    class MaintenancePlan(Model):
        machine = ForeignKeyField(Location, null=True, on_delete='CASCADE')
        tool = ForeignKeyField(Tool, null=True, on_delete='CASCADE')
        kind = CharField(max_length=12, default='maintenance',
                         constraints=[Check("kind IN ('maintenance','calibration')")])
        name = CharField(max_length=120)
        every_days = IntegerField(null=True, constraints=[Check("every_days IS NULL OR every_days > 0")])
        every_running_hours = IntegerField(null=True, constraints=[
            Check("every_running_hours IS NULL OR every_running_hours > 0")])
        last_done_at = DateTimeField(null=True)
        next_due = DateTimeField(null=True, index=True)
        created_at = DateTimeField()
        active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'maintenance_plan'

    class MaintenanceDone(Model):
        plan = ForeignKeyField(MaintenancePlan, on_delete='CASCADE')
        by = ForeignKeyField(User)
        at = DateTimeField()
        notes = TextField(default='')
        next_due = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'maintenance_done'
            indexes = ((('plan', 'at'), False),)

    class AndonCall(Model):
        kind = CharField(max_length=8, constraints=[Check("kind IN ('safety','quality','material')")])
        place = ForeignKeyField(Location)
        by = ForeignKeyField(User)
        at = DateTimeField(index=True)
        client_scan_id = CharField(max_length=64, null=True, unique=True)
        acknowledged_by = ForeignKeyField(User, null=True)
        acknowledged_at = DateTimeField(null=True)
        closed_by = ForeignKeyField(User, null=True)
        closed_at = DateTimeField(null=True, index=True)
        what_was_done = TextField(default='')
        note = ForeignKeyField(LogNote, null=True, on_delete='SET NULL')
        class Meta:
            database = db
            table_name = 'andon_call'

    class Screen(Model):
        name = CharField(max_length=80)
        token_hash = CharField(max_length=64, unique=True)
        created_by = ForeignKeyField(User, null=True)
        created_at = DateTimeField()
        revoked_at = DateTimeField(null=True)
        last_seen_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'screen'

    db.create_tables([Tool, MaintenancePlan, MaintenanceDone, AndonCall, Screen])


def down(migrator, db):
    for table in TABLES:
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
