"""An existing plant's database upgrades in place on the next start, without losing a row."""
from playhouse.migrations import Runner

from staging.domain import inventory
from staging.domain.inventory import Ctx, ledger
from staging.store.db import MIGRATIONS, bind, db, migrate, open_database
from staging.store.models import Location, Unit, User


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
