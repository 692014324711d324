"""Benchmark databases: the large plant, generated once per size and copied for each run (SQLite),
or generated into a fresh schema of the test server (PostgreSQL)."""
import contextlib
import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

import psycopg2

from staging.store.db import bind, db, migrate, open_database

from .plantgen import generate

HERE = Path(__file__).resolve().parent
PG_URL = os.environ.get("BENCH_DATABASE_URL", os.environ.get("TEST_DATABASE_URL",
                                                              "postgresql://postgres@127.0.0.1:5432/test"))
# "base" and "history" have the same current state as "quick" (same seed, units, work orders):
# only the length of the ledger differs, for the budgets on pages that must not grow with history.
SIZES = {"quick": dict(units=10_000, entries=100_000, work_orders=200),
         "full": dict(units=100_000, entries=1_000_000, work_orders=2_000),
         "base": dict(units=10_000, entries=10_000, work_orders=200),
         "history": dict(units=10_000, entries=1_000_000, work_orders=200),
         # Staging tasks (bench/tasks.py): 50 machines, 200 open orders; only the units differ.
         "tasks-5k": dict(units=5_000, entries=5_000, work_orders=400, machine_count=50, open_orders=200),
         "tasks-50k": dict(units=50_000, entries=50_000, work_orders=400, machine_count=50, open_orders=200),
         "tasks-500k": dict(units=500_000, entries=500_000, work_orders=400, machine_count=50, open_orders=200)}


# An app in the bench's own process: no background jobs (printers, tasks, events). They run on the
# database bound at the time, and the bench binds one plant after another in this process; the
# requests' own cost is what these suites measure (scanmove and keystroke run the app as `make run`).
IN_PROCESS = {"SEED_DEMO": False, "SECRET_KEY": "bench", "PRINT_SENDER_SECONDS": 0, "TASK_REFRESH_SECONDS": 0,
              "WEBHOOK_POLL_SECONDS": 0}


def open_url(url):
    return open_database(url)


def _template(size):
    path = HERE / "data" / f"plant-{size}.db"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        bind(open_database(f"sqlite:///{partial}"))
        migrate()
        print(f"generating the {size} plant: {generate(**SIZES[size])}", flush=True)
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        with sqlite3.connect(partial) as conn:
            conn.execute("PRAGMA journal_mode=delete")
        partial.rename(path)
    else:
        # A plant cached before a new migration: apply it once here, not to every copy.
        bind(open_database(f"sqlite:///{path}"))
        if migrate():
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            with sqlite3.connect(path) as conn:
                conn.execute("PRAGMA journal_mode=delete")
        db.close()
    return path


@contextlib.contextmanager
def plant(quick=False, postgres=False, size=None):
    """A database URL holding a freshly copied large plant; removed afterwards."""
    size = size or ("quick" if quick else "full")
    if postgres:
        schema = "bench_" + uuid.uuid4().hex[:10]
        admin = psycopg2.connect(PG_URL)
        admin.autocommit = True
        admin.cursor().execute(f'CREATE SCHEMA "{schema}"')
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
        try:
            bind(open_database(url))
            migrate()
            print(f"generating the {size} plant on PostgreSQL: {generate(**SIZES[size])}", flush=True)
            db.execute_sql("ANALYZE")
            db.close()
            yield url
        finally:
            db.close()
            admin.cursor().execute(f'DROP SCHEMA "{schema}" CASCADE')
            admin.close()
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "plant.db"
        shutil.copyfile(_template(size), copy)
        yield f"sqlite:///{copy}"
