"""Plant set-up (issue 15): who changed which master data (master_change), settings kept in the
database (setting), a user's language, a part's standard pack, shelf life and active flag, a
unit's expiry date.

Every location gets its barcode here when it had none (the demo registered only places that
hold units): `flask check` now reports a location that cannot be scanned."""
from peewee import *

REGISTER_LOCATIONS = """
INSERT INTO barcode (code, entity, entity_id, source, created_at)
SELECT l.code, 'location', l.id, 'own', CURRENT_TIMESTAMP FROM location l
WHERE NOT EXISTS (SELECT 1 FROM barcode b WHERE b.entity = 'location' AND b.entity_id = l.id)
  AND NOT EXISTS (SELECT 1 FROM barcode b WHERE b.code = l.code)
"""


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class MasterChange(Model):
        user = ForeignKeyField(User, null=True)
        at = DateTimeField(index=True)
        kind = CharField(max_length=16)
        code = CharField(max_length=120)
        before = TextField(null=True)
        after = TextField(null=True)
        class Meta:
            database = db
            table_name = 'master_change'
            indexes = ((('kind', 'code'), False),)

    class Setting(Model):
        name = CharField(max_length=40, primary_key=True)
        value = TextField()
        class Meta:
            database = db
            table_name = 'setting'

    db.create_tables([MasterChange, Setting])
    migrator.migrate(
        migrator.add_column('user', 'language', CharField(max_length=8, default='')),
        migrator.add_column('part', 'pack_qty', DecimalField(max_digits=15, decimal_places=3, null=True)),
        migrator.add_column('part', 'shelf_life_days', IntegerField(null=True)),
        migrator.add_column('part', 'active', BooleanField(default=True)),
        migrator.add_column('unit', 'expires_on', DateField(null=True)),
    )
    db.execute_sql(REGISTER_LOCATIONS)


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('user', 'language'),
        migrator.drop_column('part', 'pack_qty'),
        migrator.drop_column('part', 'shelf_life_days'),
        migrator.drop_column('part', 'active'),
        migrator.drop_column('unit', 'expires_on'),
    )
    db.execute_sql('DROP TABLE setting')
    db.execute_sql('DROP TABLE master_change')
