"""Printers say how they are and labels wait for them: a printer keeps what its host status (~HS)
said last and since when, how long a job may wait for it, and the lease of the one sender that talks
to it now. Every print to a printer is a stored job (print_job) until it is sent, fails or is
cancelled; a label print row names the job it came from."""
from peewee import *


def up(migrator, db):
    class Location(Model):
        class Meta:
            database = db
            table_name = 'location'

    class User(Model):
        class Meta:
            database = db
            table_name = 'user'

    class Printer(Model):
        class Meta:
            database = db
            table_name = 'printer'

    class PrintJob(Model):
        printer = ForeignKeyField(Printer, backref='print_jobs')
        user = ForeignKeyField(User, null=True, backref='+')
        kind = CharField(max_length=16)
        codes = TextField()
        copies = IntegerField(default=1)
        reprint = BooleanField(default=False)
        payload = BlobField()
        state = CharField(max_length=16, default='queued', index=True)
        attempts = IntegerField(default=0)
        error = TextField(default='')
        waited = TextField(default='')
        request = CharField(max_length=64, null=True, unique=True)
        created_at = DateTimeField()
        queued_at = DateTimeField()
        updated_at = DateTimeField()
        sent_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = 'print_job'
            indexes = ((('printer', 'state'), False),)

    db.create_tables([PrintJob])
    migrator.migrate(
        migrator.add_column('printer', 'status', CharField(max_length=16, default='unknown')),
        migrator.add_column('printer', 'status_since', DateTimeField(null=True)),
        migrator.add_column('printer', 'checked_at', DateTimeField(null=True)),
        migrator.add_column('printer', 'status_note', CharField(max_length=200, default='')),
        migrator.add_column('printer', 'timeout_minutes', IntegerField(default=30)),
        migrator.add_column('printer', 'lease_holder', CharField(max_length=64, null=True)),
        migrator.add_column('printer', 'lease_until', DateTimeField(null=True)),
        migrator.add_column('label_print', 'print_job_id', ForeignKeyField(PrintJob, field=PrintJob.id, null=True,
                                                                           on_delete='SET NULL')),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column('label_print', 'print_job_id'),
        *(migrator.drop_column('printer', name) for name in (
            'lease_until', 'lease_holder', 'timeout_minutes', 'status_note', 'checked_at', 'status_since', 'status')),
    )
    db.execute_sql('DROP TABLE IF EXISTS "print_job"')
