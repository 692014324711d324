"""The change history no longer holds badge codes: a person's badge is recorded as "issued". Rows
written before held the code itself, readable by every lead; this masks them."""
import json

from peewee import *


def up(migrator, db):
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
    pass  # the codes are gone on purpose
