"""Several GTINs per part (a case GTIN and a pallet GTIN): part_gtins holds every GTIN of a part in
its 14-digit form, which is what a GS1 scan carries. part.gtin stays: the part's first GTIN as
typed. Every part's GTIN so far gets its row here."""
from peewee import *

COPY_GTINS = """
INSERT INTO part_gtins (part_id, gtin)
SELECT id, SUBSTR('00000000000000' || gtin, -14, 14) FROM part WHERE gtin IS NOT NULL AND gtin <> ''
"""
COPY_GTINS_PG = """
INSERT INTO part_gtins (part_id, gtin)
SELECT id, LPAD(gtin, 14, '0') FROM part WHERE gtin IS NOT NULL AND gtin <> ''
"""


def up(migrator, db):
    class Part(Model):
        class Meta:
            database = db
            table_name = 'part'

    class PartGtin(Model):
        part = ForeignKeyField(Part, on_delete='CASCADE')
        gtin = CharField(max_length=14, index=True)
        class Meta:
            database = db
            table_name = 'part_gtins'  # not part_gtin: the index on part.gtin has that name
            indexes = ((('part', 'gtin'), True),)

    db.create_tables([PartGtin])
    db.execute_sql(COPY_GTINS_PG if isinstance(db, PostgresqlDatabase) else COPY_GTINS)


def down(migrator, db):
    db.execute_sql('DROP TABLE part_gtins')
