"""The commands other parts rely on: create-user, create-token, check, init-db."""
from decimal import Decimal

from staging.domain import inventory, logbook
from staging.store.models import Location, ShiftLog, Unit, User, WorkOrderTotals


def test_create_user_and_token_then_use_it(runner, client):
    result = runner.invoke(args=["create-user", "ops", "--role", "operator", "--password", "long-enough"])
    assert result.exit_code == 0, result.output
    user = User.get(User.username == "ops")
    assert user.role == "operator" and user.password_hash and "long-enough" not in user.password_hash
    result = runner.invoke(args=["create-token", "--user", "ops"])
    token = result.output.strip().splitlines()[-1]
    assert result.exit_code == 0 and token.startswith("stg_")
    assert client.get("/api/locations", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_create_user_refuses_a_bad_role_or_short_password(runner):
    assert runner.invoke(args=["create-user", "x", "--role", "boss", "--password", "long-enough"]).exit_code != 0
    result = runner.invoke(args=["create-user", "x", "--role", "lead", "--password", "short"])
    assert result.exit_code == 1 and "at least 8 characters" in result.output


def test_token_for_an_unknown_user(runner):
    result = runner.invoke(args=["create-token", "--user", "ghost"])
    assert result.exit_code == 1 and "No user ghost" in result.output


def test_check_passes_on_a_good_ledger_and_fails_on_tampering(runner, web_plant):
    unit = web_plant.receive(qty="10")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0 and "agree" in result.output
    Unit.update(quantity=Decimal("11")).where(Unit.id == unit.id).execute()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1 and f"{unit.lpn}: quantity is 11" in result.output


def test_check_fails_when_work_order_totals_disagree_with_the_ledger(runner, web_plant):
    plant = web_plant
    unit = plant.receive(qty="50")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), unit, "30")
    inventory.scrap(plant.ctx(), unit, "5", reason="Wet")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0 and "agree" in result.output, result.output
    # The stock stays right: only the totals are off.
    WorkOrderTotals.update(consumed=Decimal("31")).where(
        WorkOrderTotals.work_order == plant.wo, WorkOrderTotals.part == plant.resin_b).execute()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert (f"work order {plant.wo.id} part {plant.resin_b.id}: totals say 31" in result.output
            and "the ledger 30" in result.output), result.output


def test_init_db_seeds_a_demo_plant_once_with_a_generated_admin_password(runner, app):
    app.config["SEED_DEMO"] = True
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "sign in as  admin  with password" in result.output
    kinds = {loc.kind for loc in Location.select()}
    units = Unit.select().count()
    machines = Location.select().where(Location.kind == "machine").count()
    assert kinds == {"receiving", "storage", "staging", "machine", "output", "qc_hold", "scrap", "shipping"}
    assert units >= 200 and machines >= 4
    # a logbook kept as a plant keeps it: one log late, one safety issue open
    assert logbook.overdue_count(logbook.Calendar.from_config(app.config)) == 1
    assert len(logbook.open_safety()) == 1
    assert ShiftLog.select().where(ShiftLog.submitted_at.is_null(False)).count() >= 20
    again = runner.invoke(args=["init-db"])
    assert "password" not in again.output
    assert Unit.select().count() == units
    assert runner.invoke(args=["check"]).exit_code == 0
