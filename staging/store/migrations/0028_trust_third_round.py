"""Trust, third round.

The change history no longer holds badge codes: a person's badge is recorded as "issued". Rows
written before held the code itself, readable by every lead; this masks them.

login_failure.kind: password, PIN and badge failures are counted apart (wrong passwords must not
lock a person's badge and PIN); login_failure.device now holds a device's signed key.

scan.digest: what a scan asked for, so a client_scan_id sent again with other content, or by another
person, is refused instead of answered with the first move.

api_token.last_used_at: the people page shows when each token was last used."""
import json

from peewee import *


def up(migrator, db):
    # Nullable: on SQLite a NOT NULL column is added by rebuilding the table, which leaves free pages
    # behind (and takes the time of a copy of the scan table).
    migrator.migrate(migrator.add_column("login_failure", "kind", CharField(max_length=16, null=True)),
                     migrator.add_column("scan", "digest", CharField(max_length=64, null=True)),
                     migrator.add_column("api_token", "last_used_at", DateTimeField(null=True)))
    rows = db.execute_sql('SELECT id, "before", "after" FROM master_change WHERE kind = ' + db.param, ("user",))
    for row_id, before, after in list(rows.fetchall()):
        masked = [_masked(before), _masked(after)]
        if masked != [before, after]:
            db.execute_sql(f'UPDATE master_change SET "before" = {db.param}, "after" = {db.param} WHERE id = {db.param}',
                           (*masked, row_id))


def _masked(text):
    if not text:
        return text
    values = json.loads(text)
    if isinstance(values, dict) and values.get("badge") not in (None, "", "issued", "reissued"):
        values["badge"] = "issued"
        return json.dumps(values)
    return text


def down(migrator, db):
    migrator.migrate(migrator.drop_column("login_failure", "kind"), migrator.drop_column("scan", "digest"),
                     migrator.drop_column("api_token", "last_used_at"))  # the badge codes are gone on purpose
