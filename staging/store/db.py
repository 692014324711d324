"""The connection: one DatabaseProxy, bound at run time to SQLite or PostgreSQL from DATABASE_URL.

Owns the connection lifecycle (per request), write transactions, and migrations."""
import fcntl
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from peewee import DatabaseProxy, InterfaceError, OperationalError, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import parse as parse_url
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
        database = _Postgres(**parse_url(url.replace("postgres://", "postgresql://", 1)))
    else:
        raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {scheme}://")
    return database


# --- faults: a full disk, a dropped connection -------------------------------------------------------
FAULTS = (OperationalError, InterfaceError)  # the database failed, not the request
_writes = threading.local()  # whether this thread's request may have committed something


class _Postgres(PostgresqlDatabase):
    """PostgreSQL that notes when a request may have committed: peewee runs in autocommit mode, so a
    write outside a transaction commits at once, and a transaction at its COMMIT. Until then a
    request whose connection was dropped can safely run again (see init_app)."""

    def execute_sql(self, sql, params=None):
        if not self.in_transaction() and not sql.lstrip().upper().startswith(("SELECT", "SHOW")):
            _writes.done = True
        return super().execute_sql(sql, params)

    def commit(self):
        _writes.done = True  # set first: a COMMIT that fails may still have committed
        return super().commit()


def connection_lost(err):
    """Whether `err` came from a connection the server dropped (PostgreSQL restarted, or an admin's
    pg_terminate_backend): the connection object says so itself."""
    conn = getattr(db.obj._state, "conn", None) if db.obj is not None else None
    return is_postgres() and isinstance(err, FAULTS) and conn is not None and bool(getattr(conn, "closed", 0))


# What a full disk says: SQLite "database or disk is full", or "disk I/O error" when the WAL or its
# index cannot grow; PostgreSQL "No space left on device".
DISK_FULL_WORDS = ("full", "disk i/o error", "no space left")


def disk_full(err):
    text = str(err).lower()
    return isinstance(err, OperationalError) and any(words in text for words in DISK_FULL_WORDS)


def reconnect():
    """Drop the dead connection (its transaction state with it) and open a fresh one."""
    _drop()
    db.connect()


def _drop():
    state = db.obj._state
    try:
        state.conn.close()
    except Exception:  # already closed by the server: nothing to close
        pass
    state.reset()


def health():
    """None when the database answers and can write; else what is wrong, in words. The write is a
    table created and rolled back: it needs a free page, as every real write does."""
    try:
        db.execute_sql("SELECT 1").fetchone()
    except FAULTS as err:
        return f"the database does not answer: {err}"
    if is_sqlite():
        free = _free_bytes(db.obj.database)
        if free is not None and free < 1024 * 1024:
            return "the disk of the database is full"
    try:
        with write_transaction():
            db.execute_sql("CREATE TABLE health_probe (x INTEGER)")
            raise _Probed
    except _Probed:
        return None
    except FAULTS as err:
        return f"the database cannot write: {err}"


class _Probed(Exception):
    """Rolls the probe back."""


def _free_bytes(path):
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    try:
        stats = os.statvfs(Path(path).parent)
    except OSError:
        return None
    return stats.f_bavail * stats.f_frsize


def bind(database):
    db.initialize(database)
    return database


def is_sqlite():
    return isinstance(db.obj, SqliteDatabase)


def is_postgres():
    return isinstance(db.obj, PostgresqlDatabase)


# SQLite has one writer at a time. Writers queue for it here instead of sleeping in SQLite's busy
# handler (1, 2, 5, 10 ... 100 ms steps), which wakes them late and ruins the p99: threads of one
# process on a lock, processes (gunicorn workers) on an flock of a file next to the database.
_WRITE_LOCK = threading.Lock()
_LOCK_FILES = {}  # (pid, database path) -> fd; per pid: a forked worker must not share its parent's


def _lock_file():
    path = db.obj.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    key = (os.getpid(), path)
    if key not in _LOCK_FILES:
        # One open at a time (tests switch databases): safe to close the others here, since only
        # the holder of _WRITE_LOCK (the caller) ever holds an flock in this process.
        for other in list(_LOCK_FILES):
            fd = _LOCK_FILES.pop(other)
            if fd is not None:
                os.close(fd)
        try:
            _LOCK_FILES[key] = os.open(f"{path}-writer", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            _LOCK_FILES[key] = None  # a read-only directory: SQLite's own locking still holds
    return _LOCK_FILES[key]


def _flock(fd, deadline):
    """Take the cross-process writer lock, polling finely until `deadline` (then go on without it:
    BEGIN IMMEDIATE waits and fails as it always did)."""
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.0005)


class _WriteTransaction:
    def __init__(self):
        self.held = False
        self.fd = None
        self.tx = None

    def __enter__(self):
        if not is_sqlite():
            self.tx = db.atomic()
            return self.tx.__enter__()
        if not db.in_transaction():  # nested: the outer transaction may hold SQLite's lock already
            # Bounded like the busy timeout; past it, BEGIN IMMEDIATE waits and fails as before.
            deadline = time.monotonic() + (db.obj.timeout or 10)
            self.held = _WRITE_LOCK.acquire(timeout=db.obj.timeout or 10)
            fd = _lock_file() if self.held else None
            if fd is not None and _flock(fd, deadline):
                self.fd = fd
        self.tx = db.atomic("IMMEDIATE")
        try:
            return self.tx.__enter__()
        except BaseException:
            self._release()
            raise

    def __exit__(self, *exc):
        try:
            return self.tx.__exit__(*exc)
        except OperationalError as err:
            if exc[1] is not None and "no transaction is active" in str(err):
                # SQLite rolled back by itself (a full disk does that): report why, not the rollback.
                raise exc[1] from None
            raise
        finally:
            self._release()

    def _release(self):
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            self.fd = None
        if self.held:
            self.held = False
            _WRITE_LOCK.release()


def write_transaction():
    """A transaction for read-check-write work.

    SQLite: BEGIN IMMEDIATE takes the write lock up front; a DEFERRED transaction that reads
    and then writes fails at once with "database is locked" when another writer got in first.
    PostgreSQL: an ordinary transaction; the domain locks the rows it changes (FOR UPDATE)."""
    return _WriteTransaction()


def migrate():
    """Apply pending migrations; returns their names. Safe to call on every start."""
    with db.connection_context():
        return Runner(db.obj, str(MIGRATIONS)).up()


def init_app(app):
    bind(open_database(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT"]))

    @app.before_request
    def _connect():
        _writes.done = False
        try:
            db.connect(reuse_if_open=True)
        except FAULTS:
            # A page that needs no database (the sign-in page) still answers; the first query of
            # any other connects again and meets the fault's own answer (errors.py: 503).
            pass

    dispatch = app.dispatch_request

    def dispatch_request():
        # A connection PostgreSQL dropped mid-request: run the view once more on a fresh one, if
        # nothing can have been committed yet; otherwise the error handler answers 503.
        try:
            return dispatch()
        except FAULTS as err:
            if getattr(_writes, "done", True) or not connection_lost(err):
                raise
            reconnect()
            return dispatch()

    app.dispatch_request = dispatch_request

    @app.teardown_request
    def _close(exc):
        if db.is_closed():
            return
        try:
            db.close()
        except FAULTS:  # a dropped connection, or one left inside a failed transaction
            _drop()


def locked(query, of=None):
    """SELECT ... FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the lock.
    `of`: the model whose rows to lock, when the query outer-joins others (PostgreSQL refuses
    FOR UPDATE on the nullable side of an outer join)."""
    if not is_postgres():
        return query
    return query.for_update(of=of) if of is not None else query.for_update()


# --- the scan path's statements, compiled once -----------------------------------------------------
# peewee builds a statement's SQL again on every execution: 0.2-0.5 ms for a join or an insert,
# many times what SQLite takes to run it. A move runs a handful of them per scan, so the verbs'
# hot statements are compiled once per engine and only their parameters change.

def _marker(value, n):
    return -(10 ** 12) - n if isinstance(value, int) else f"\x00prepared-{n}"


class Rows:
    """Peewee's cursor wrapper for a compiled SELECT's results, its reading of the result's columns
    learnt once: peewee works out again for every cursor which column goes to which model of a
    join (about 0.3 ms for the unit with its part and location), though the statement is the same."""

    def __init__(self, query):
        self.query, self.shape = query, None

    def __call__(self, cursor):
        rows = self.query._get_cursor_wrapper(cursor)
        if self.shape is None:
            before = dict(vars(rows))
            rows.initialize()
            self.shape = {k: v for k, v in vars(rows).items() if k not in before or before[k] is not v}
        else:
            rows.__dict__.update(self.shape)
        rows.initialized = True
        return rows


class Prepared:
    """A SELECT built by `build(*markers)` once per engine and argument count, then run with the
    call's arguments in the markers' places. Returns peewee's cursor wrapper (model instances)."""

    def __init__(self, build):
        self.build, self.compiled = build, {}

    def __call__(self, *args):
        key = (type(db.obj), len(args), tuple(type(a) for a in args))
        hit = self.compiled.get(key)
        if hit is None:
            markers = [_marker(a, n) for n, a in enumerate(args)]
            query = self.build(*markers)
            sql, params = query.sql()
            hit = self.compiled[key] = (Rows(query), sql, params, [params.index(m) for m in markers])
        rows, sql, params, slots = hit
        params = list(params)
        for slot, value in zip(slots, args):
            params[slot] = value
        return rows(db.execute_sql(sql, params))


_WRITES = {}


def _columns(model, names):
    return [model._meta.fields[name] for name in names]


def _insert_sql(model, names, returning):
    key = ("insert", type(db.obj), model, names, returning)
    sql = _WRITES.get(key)
    if sql is None:
        fields = _columns(model, names)
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        marks = ", ".join([db.obj.param] * len(fields))
        sql = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
        if returning:
            sql += f' RETURNING "{model._meta.primary_key.column_name}"'
        sql = _WRITES[key] = sql
    return sql


def _insert_names(model):
    return tuple(f.name for f in model._meta.sorted_fields if f is not model._meta.primary_key)


def insert(instance):
    """INSERT a new model instance (defaults applied by its constructor); sets and returns its id."""
    model = type(instance)
    names = _insert_names(model)
    sql = _insert_sql(model, names, is_postgres())
    data = instance.__data__
    cursor = db.execute_sql(sql, [model._meta.fields[n].db_value(data.get(n)) for n in names])
    instance.id = cursor.fetchone()[0] if is_postgres() else cursor.lastrowid
    instance._dirty.clear()
    return instance.id


def insert_many(instances):
    """INSERT new instances of one model as one prepared statement run over all their rows (a bulk
    import's chunk). Their ids are not read back: the caller looks them up by a unique code."""
    if not instances:
        return
    model = type(instances[0])
    names = _insert_names(model)
    fields = [model._meta.fields[n] for n in names]
    rows = [[f.db_value(instance.__data__.get(f.name)) for f in fields] for instance in instances]
    cursor = db.cursor()
    cursor.executemany(_insert_sql(model, names, False), rows)
    cursor.close()


def update(instance, names):
    """UPDATE only the named fields of a saved model instance."""
    model = type(instance)
    names = tuple(names)
    key = ("update", type(db.obj), model, names)
    sql = _WRITES.get(key)
    if sql is None:
        pk, param = model._meta.primary_key, db.obj.param
        sets = ", ".join(f'"{f.column_name}" = {param}' for f in _columns(model, names))
        sql = _WRITES[key] = f'UPDATE "{model._meta.table_name}" SET {sets} WHERE "{pk.column_name}" = {param}'
    data = instance.__data__
    db.execute_sql(sql, [model._meta.fields[n].db_value(data.get(n)) for n in names] + [instance.id])
