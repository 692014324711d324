"""The connection: one DatabaseProxy, bound at run time to SQLite or PostgreSQL from DATABASE_URL.

Owns the connection lifecycle (per request), write transactions, and migrations."""
from pathlib import Path
from urllib.parse import urlparse

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect as connect_url
from playhouse.migrations import Runner

db = DatabaseProxy()

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",  # safe with WAL: a crash loses no committed transaction's integrity
    "cache_size": -64000,
}


def open_database(url, busy_timeout=10.0):
    """Build the peewee database for a URL (sqlite:///path, postgresql://...)."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        path = url[len("sqlite:///"):]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        database = SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=busy_timeout)
    elif scheme in ("postgres", "postgresql"):
        database = connect_url(url.replace("postgres://", "postgresql://", 1))
    else:
        raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {scheme}://")
    return database


def bind(database):
    db.initialize(database)
    return database


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def is_postgres():
    return isinstance(db.obj, PostgresqlDatabase)


def write_transaction():
    """A transaction for read-check-write work.

    SQLite: BEGIN IMMEDIATE takes the write lock up front; a DEFERRED transaction that reads
    and then writes fails at once with "database is locked" when another writer got in first.
    PostgreSQL: an ordinary transaction; the domain locks the rows it changes (FOR UPDATE)."""
    if is_sqlite():
        return db.atomic("IMMEDIATE")
    return db.atomic()


def migrate():
    """Apply pending migrations; returns their names. Safe to call on every start."""
    with db.connection_context():
        return Runner(db.obj, str(MIGRATIONS)).up()


def init_app(app):
    bind(open_database(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT"]))

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()


def locked(query):
    """SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the lock."""
    return query.for_update() if is_postgres() else query
