"""Consistent copies of a live SQLite database (the online backup API), and restoring one.

PostgreSQL plants use pg_dump / pg_restore (see README)."""
import sqlite3
from pathlib import Path

from .db import db, is_sqlite


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why in plain words."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _require_sqlite():
    if not is_sqlite():
        raise BackupError("backup and restore copy SQLite databases; on PostgreSQL use pg_dump and pg_restore.")


def backup(path):
    """Copy the live database to `path` while scans go on: the copy is taken in steps, each a
    consistent snapshot, and retried by SQLite until one complete pass sees no change."""
    _require_sqlite()
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already: choose a new file name.")
    path.parent.mkdir(parents=True, exist_ok=True)
    target = sqlite3.connect(path)
    try:
        db.connect(reuse_if_open=True)
        db.connection().backup(target, pages=256)
        _check(target, path)
    finally:
        target.close()
    return path


def restore(path):
    """Replace the current database's content with the backup at `path` (stop the app first)."""
    _require_sqlite()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check(source, path)
        db.connect(reuse_if_open=True)
        source.backup(db.connection())
    finally:
        source.close()


def _check(conn, path):
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
        has_schema = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'ledger'").fetchone()[0]
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{path} is not a usable SQLite database: {err}") from None
    if ok != "ok" or not has_schema:
        raise BackupError(f"{path} is not a backup of this app's database ({ok}).")
