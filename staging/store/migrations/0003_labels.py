"""Label printers, background label jobs and the print history (issue 3)."""
from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Printer(Model):
        name = CharField(unique=True, max_length=40)
        host = CharField(max_length=120)
        port = IntegerField(default=9100)
        dpi = IntegerField(default=203)
        size = CharField(max_length=16, default='4x6')
        active = BooleanField(default=True)
        created_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'printer'
    db.create_tables([Printer])

    class LabelJob(Model):
        user = ForeignKeyField(User)
        kind = CharField(max_length=16)
        size = CharField(max_length=16)
        output = CharField(max_length=16)
        printer = ForeignKeyField(Printer, null=True, on_delete='SET NULL')
        sheet = CharField(max_length=16, default='')
        dpi = IntegerField(default=203)
        selection = TextField(default='')
        total = IntegerField(default=0)
        done = IntegerField(default=0)
        status = CharField(max_length=16, default='queued')
        error = TextField(default='')
        result = BlobField(null=True)
        created_at = DateTimeField()
        updated_at = DateTimeField()
        class Meta:
            database = db
            table_name = 'label_job'
    db.create_tables([LabelJob])

    class LabelPrint(Model):
        kind = CharField(max_length=16)
        code = CharField(max_length=120)
        user = ForeignKeyField(User, null=True)
        printer = ForeignKeyField(Printer, null=True, on_delete='SET NULL')
        output = CharField(max_length=16)
        size = CharField(max_length=16)
        reprint = BooleanField(default=False)
        job = ForeignKeyField(LabelJob, null=True, on_delete='SET NULL')
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'label_print'
            indexes = ((('kind', 'code'), False),)
    db.create_tables([LabelPrint])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('label_print'))
    migrator.migrate(migrator.drop_table('label_job'))
    migrator.migrate(migrator.drop_table('printer'))
