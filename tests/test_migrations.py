"""An existing plant's database upgrades in place on the next start, without losing a row."""
import pytest
from playhouse.migrations import Runner

from staging.domain import inventory
from staging.domain.inventory import Ctx, ledger
from staging.store.db import MIGRATIONS, bind, db, migrate, open_database
from staging.store.models import Location, Unit, User

from .conftest import PG_URL, fresh_schema


def test_a_database_at_the_first_schema_upgrades_and_keeps_its_rows(database_url):
    bind(open_database(database_url))
    runner = Runner(db.obj, str(MIGRATIONS))
    assert runner.up(target="0001_initial") == ["0001_initial"]
    # Rows written by the previous version, in its own schema (no capacity column yet).
    db.execute_sql("INSERT INTO location (code, name, kind, parent_id, holds_units, active, sort_key) "
                   "VALUES ('RCV-1', 'Dock', 'receiving', NULL, %s, %s, 'RCV-1')" % (("true",) * 2
                   if "postgres" in database_url else ("1",) * 2))
    db.execute_sql("INSERT INTO \"user\" (username, display_name, role, active, created_at) "
                   "VALUES ('olga', 'Olga', 'operator', %s, '2026-01-01 08:00:00')"
                   % ("true" if "postgres" in database_url else "1"))
    assert "capacity" not in [c.name for c in db.get_columns("location")]

    applied = migrate()
    assert "0001_initial" not in applied and applied  # only what was missing
    assert "capacity" in [c.name for c in db.get_columns("location")]
    dock = Location.get(Location.code == "RCV-1")
    assert (dock.name, dock.kind, dock.capacity) == ("Dock", "receiving", None)
    olga = User.get(User.username == "olga")
    assert olga.role == "operator"
    assert migrate() == []  # the next start has nothing to do
    db.close()


def test_the_upgraded_database_works_with_the_domain(database_url):
    bind(open_database(database_url))
    Runner(db.obj, str(MIGRATIONS)).up(target="0001_initial")
    migrate()
    from tests.plant import Plant
    plant = Plant()
    unit = plant.receive()
    inventory.move(Ctx(plant.operator), unit.lpn, "A-01-2")
    assert Unit.get_by_id(unit.id).location.code == "A-01-2"
    assert ledger.verify() == []
    db.close()



SCHEMA_OF = {
    "postgres": """SELECT 'column', table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
                          || ' ' || coalesce(column_default, '')
                   FROM information_schema.columns WHERE table_schema = current_schema()
                   UNION ALL SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = current_schema()
                   UNION ALL SELECT 'constraint', conrelid::regclass || ' ' || pg_get_constraintdef(oid)
                   FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
                   UNION ALL SELECT 'row', name FROM schema_migration""",
    "sqlite": "SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL "
              "UNION ALL SELECT 'row', name FROM schema_migration",
}


def _schema(url, engine):
    bind(open_database(url))
    migrate()
    found = sorted(db.execute_sql(SCHEMA_OF[engine]).fetchall())
    db.close()
    return [tuple(str(v).replace(url.rsplit("%3D", 1)[-1], "SCHEMA") for v in row) for row in found]


@pytest.fixture
def another_database(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'another.db'}"
        return
    with fresh_schema(PG_URL) as url:
        yield url


def test_the_tests_copy_of_the_migrated_schema_is_the_migrated_schema(database, database_url, another_database):
    # Tests start from a copy of a database migrated once (tests/conftest.py): it must be the very schema
    # the migrations make, or two thousand tests would test something else.
    engine = "sqlite" if database_url.startswith("sqlite") else "postgres"
    copied = _schema(database_url, engine)
    assert copied == _schema(another_database, engine)
    assert len([row for row in copied if row[0] == "row"]) == len(list(MIGRATIONS.glob("0*.py")))
