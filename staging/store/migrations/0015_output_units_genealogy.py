"""Output pallets and traceability (issue 17): finished goods become units (output_unit says which
work order made each, and its produce ledger row), genealogy says what each was made from, and a
part may backflush its bill of material (its standard pack, Produce's default quantity, is
set-up's pack_qty)."""
from peewee import *


def up(migrator, db):
    def table(name):
        class Ref(Model):
            class Meta:
                database = db
                table_name = name
        return Ref

    Unit, Location, Part, User, WorkOrder, Entry = (
        table(n) for n in ("unit", "location", "part", "user", "work_order", "ledger"))

    migrator.migrate(
        migrator.add_column("part", "backflush", BooleanField(default=False)),
    )

    class OutputUnit(Model):
        unit = ForeignKeyField(Unit, unique=True)
        work_order = ForeignKeyField(WorkOrder, on_delete='CASCADE')
        machine = ForeignKeyField(Location, null=True)
        quantity = DecimalField(max_digits=15, decimal_places=3)
        entry = ForeignKeyField(Entry)
        user = ForeignKeyField(User, null=True)
        at = DateTimeField()
        class Meta:
            database = db
            table_name = 'output_unit'

    class Genealogy(Model):
        output = ForeignKeyField(Unit)
        input = ForeignKeyField(Unit)
        part = ForeignKeyField(Part)
        lot = CharField(max_length=40, default='', index=True)
        quantity = DecimalField(max_digits=15, decimal_places=3)
        supplier_lot = CharField(max_length=40, default='')
        sscc = CharField(max_length=20, default='')
        machine = ForeignKeyField(Location, null=True)
        user = ForeignKeyField(User, null=True)
        at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'genealogy'
            indexes = ((('output', 'input'), True),)

    db.create_tables([OutputUnit, Genealogy])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "genealogy"')
    db.execute_sql('DROP TABLE IF EXISTS "output_unit"')
    migrator.migrate(
        migrator.drop_column("part", "backflush"),
    )
