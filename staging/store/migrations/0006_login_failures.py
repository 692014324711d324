"""Failed sign-ins, kept in the database so the login throttle holds across workers and hosts (issue 6)."""
from peewee import *


def up(migrator, db):
    class LoginFailure(Model):
        username = CharField(max_length=64, default='')
        address = CharField(max_length=64, default='')
        at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'login_failure'
            indexes = ((('username', 'at'), False), (('address', 'at'), False))
    db.create_tables([LoginFailure])


def down(migrator, db):
    db.execute_sql('DROP TABLE login_failure')
