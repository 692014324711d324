"""Fixtures: a temporary SQLite file per test (WAL, as in production), the same domain tests on
the real PostgreSQL server (a fresh schema per test), a Flask app and client, a live server
for Chromium, and the test plant in either (`plant` for the domain, `web_plant` for the app)."""
import contextlib
import os
import shutil
import threading
import uuid
from pathlib import Path

import psycopg2
import pytest
from werkzeug.serving import make_server

from staging import create_app
from staging.domain.people import users
from staging.store.db import bind, db, migrate, open_database

from .plant import Plant

# Hashing passwords at full strength makes every test plant take a second; the algorithm is the same.
users.PASSWORD_METHOD = "pbkdf2:sha256:1000"

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
TESTDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "testdata"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]


def shared_photos():
    """The real barcode photos in ../shared/testdata: absent only outside CI (then the test skips)."""
    photos = sorted((TESTDATA / "photos").glob("*/*.png"))
    if not photos:
        if IN_CI:
            pytest.fail(f"{TESTDATA / 'photos'} is missing, and CI=true: these tests must run.")
        pytest.skip(f"no test photos at {TESTDATA / 'photos'}")
    return photos


def _pg_available():
    try:
        psycopg2.connect(PG_URL, connect_timeout=3).close()
        return True
    except psycopg2.OperationalError:
        return False


@pytest.fixture(scope="session")
def pg_url():
    if not _pg_available():
        if IN_CI:
            pytest.fail(f"PostgreSQL at {PG_URL} does not answer, and CI=true: these tests must run.")
        pytest.skip(f"no PostgreSQL at {PG_URL}")
    return PG_URL


def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'staging.db'}"


# Migrating takes 0.1 s on SQLite and 0.6 s on PostgreSQL, for each of two thousand tests: each test
# process migrates once, then every test starts from a copy (SQLite: the file; PostgreSQL: the
# statements the migrations ran, replayed in one round trip). test_migrations.py proves the copy is
# the migrated schema.
@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("migrated") / "staging.db"
    database = open_database(f"sqlite:///{path}")
    bind(database)
    migrate()
    database.close()  # the last connection closed: the WAL is checkpointed into the file
    return path


def migrated_sqlite_url(tmp_path, template):
    shutil.copyfile(template, tmp_path / "staging.db")
    return sqlite_url(tmp_path)


@contextlib.contextmanager
def fresh_schema(pg_url):
    """A URL whose connections live in a fresh schema, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = psycopg2.connect(pg_url)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options=-csearch_path%3D{schema}"
    finally:
        db.close()
        admin.cursor().execute(f'DROP SCHEMA "{schema}" CASCADE')
        admin.close()


@pytest.fixture(scope="session")
def migration_script(pg_url):
    """The statements migrating an empty PostgreSQL schema runs, with their values in place."""
    ran, quoting = [], psycopg2.connect(pg_url)
    with fresh_schema(pg_url) as url:
        database = open_database(url)
        execute = database.execute_sql

        def recording(sql, params=None):
            if not sql.lstrip().upper().startswith(("SELECT", "SHOW", "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
                                                    "RELEASE")):
                ran.append(quoting.cursor().mogrify(sql, params).decode())
            return execute(sql, params)

        database.execute_sql = recording
        bind(database)
        migrate()
    quoting.close()
    return ";\n".join(ran)


@pytest.fixture
def pg_schema_url(pg_url):
    with fresh_schema(pg_url) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """An empty database: no tables yet."""
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def database(request, database_url):
    """The domain's database, migrated and empty, on SQLite and on PostgreSQL."""
    if database_url.startswith("sqlite:///"):
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), database_url[len("sqlite:///"):])
    else:
        with psycopg2.connect(database_url) as connection:
            connection.cursor().execute(request.getfixturevalue("migration_script"))
        connection.close()
    bind(open_database(database_url))
    migrate()
    db.connect(reuse_if_open=True)
    yield db
    db.close()


@pytest.fixture(autouse=True)
def no_background_job_outlives_its_test():
    """Set up before a test's other fixtures, so torn down after them (the live server and the browser
    page are gone by then): every background job of this process stops. One left running goes on with
    the next test's database (the binding is global): it took a webhook's lease from under a later test,
    and its logged tracebacks (formatted with ast, in its thread) broke the main thread's ast.parse."""
    yield
    from staging.domain.tasks import refresher
    from staging.domain.webhooks import worker
    from staging.media import printsender
    for stop in (worker.stop, printsender.stop, refresher.stop):
        stop()


@pytest.fixture
def plant(database):
    """The test plant (tests/plant.py) in the domain's database, on SQLite and on PostgreSQL."""
    return Plant()


@pytest.fixture
def app(tmp_path, migrated_sqlite):
    """The app on a fresh SQLite file. The test's thread holds a connection for the whole test, so
    test bodies query without opening one. Requests through the test client run in this thread:
    they reuse it and close it when they end, as in production; the test's next query opens it
    again (peewee's autoconnect). The live server's threads have connections of their own."""
    app = create_app({"TESTING": True, "DATABASE_URL": migrated_sqlite_url(tmp_path, migrated_sqlite),
                      "SECRET_KEY": "test", "SEED_DEMO": False, "VALIDATE_RESPONSES": True})
    migrate()
    database = db.obj
    database.connect(reuse_if_open=True)
    yield app
    # A test may have bound another app's database meanwhile (create_app binds): close both.
    for bound in {database, db.obj}:
        if not bound.is_closed():
            bound.close()


@pytest.fixture
def web_plant(app):
    """The test plant (tests/plant.py) in the app's database."""
    return Plant()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on a free loopback port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright's own browser download is not reachable from here.
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}
