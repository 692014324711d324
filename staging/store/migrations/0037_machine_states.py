"""Machine states: each machine's history of running, idle, down (with a reason), changeover and
maintenance, one row per change; the latest row is the state now."""
from peewee import *

TABLE = "machine_state"


def _stub(db, name):
    class Stub(Model):
        class Meta:
            database = db
            table_name = name
    return Stub


def up(migrator, db):
    Location, User = _stub(db, "location"), _stub(db, "user")

    class MachineState(Model):
        machine = ForeignKeyField(Location, on_delete='CASCADE')
        state = CharField(max_length=12, constraints=[
            Check("state IN ('running','idle','down','changeover','maintenance')")])
        reason = CharField(max_length=80, default='')
        since = DateTimeField()
        by = ForeignKeyField(User, null=True)
        device = CharField(max_length=64, null=True)
        class Meta:
            database = db
            table_name = TABLE
            indexes = ((('machine', 'id'), False), (('machine', 'since'), False), (('since',), False))

    db.create_tables([MachineState])


def down(migrator, db):
    db.execute_sql(f'DROP TABLE IF EXISTS "{TABLE}"')
