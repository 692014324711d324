"""The line's events (a machine's state, an andon call's steps) began after its states and calls
did (0037, 0038): the rows already written have none. Where the events begin is noted, as 0031 did
for the ledger, so `check`'s promise that every state and call has its events counts only the rows
after it (promises/line_events.py)."""

SINCE = (("events.since_machine_state", "machine_state"), ("events.since_andon_call", "andon_call"))


def up(migrator, db):
    for name, table in SINCE:
        db.execute_sql(f"INSERT INTO setting (name, value) SELECT '{name}', CAST(MAX(id) AS TEXT) FROM {table} "
                       "HAVING COUNT(*) > 0")


def down(migrator, db):
    for name, _ in SINCE:
        db.execute_sql(f"DELETE FROM setting WHERE name = '{name}'")
