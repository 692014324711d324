"""Sign-in you can trust (issue 14): a PIN for badges of roles above operator, a per-user session
generation (bumped to end every session of that user at once, on every worker and host), failed
badge scans counted per device, security events, and the ledger's arrival time next to the scan
time. Badge prints are keyed by user name from now on: the code is a secret, not a history key."""
from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column('user', 'pin_hash', CharField(max_length=255, null=True)),
        migrator.add_column('user', 'session_gen', IntegerField(default=0)),
        migrator.add_column('login_failure', 'device', CharField(max_length=64, default='')),
        migrator.add_column('ledger', 'recorded_at', DateTimeField(null=True)),
    )

    class SecurityEvent(Model):
        at = DateTimeField(index=True)
        kind = CharField(max_length=32, index=True)
        actor = CharField(max_length=64, default='')
        subject = CharField(max_length=64, default='')
        address = CharField(max_length=64, default='')
        device = CharField(max_length=64, default='')
        detail = CharField(max_length=200, default='')

        class Meta:
            database = db
            table_name = 'security_event'
    db.create_tables([SecurityEvent])
    # Earlier badge prints named the badge code; name the user instead (the code stays secret).
    db.execute_sql('UPDATE label_print SET code = (SELECT u.username FROM "user" u WHERE u.badge = '
                   'label_print.code) WHERE kind = \'badge\' AND code IN '
                   '(SELECT badge FROM "user" WHERE badge IS NOT NULL)')


def down(migrator, db):
    db.execute_sql('DROP TABLE security_event')
    migrator.migrate(
        migrator.drop_column('ledger', 'recorded_at'),
        migrator.drop_column('login_failure', 'device'),
        migrator.drop_column('user', 'session_gen'),
        migrator.drop_column('user', 'pin_hash'),
    )
