"""The domain verbs, on SQLite and on PostgreSQL: every stock change and every refusal."""
import threading
from decimal import Decimal

import pytest

from staging.domain import inventory
from staging.domain.errors import Conflict, Forbidden, Invalid, NotFound
from staging.domain.inventory import ledger
from staging.store.models import Entry, Scan, Unit

from .plant import until_a_lock_is_waited_for


def entries():
    return Entry.select().count()


def fresh(unit):
    return Unit.get_by_id(unit.id)


def test_receive_creates_a_unit_on_the_dock_with_its_ledger_row(plant):
    result = inventory.receive(plant.ctx("stager"), plant.resin_b, "250.5", lot="L-77")
    unit = fresh(result.unit)
    assert unit.lpn.startswith("P") and unit.location.code == "RCV-1"
    assert unit.quantity == Decimal("250.5") and unit.status == "stock" and unit.lot == "L-77"
    entry = result.entry
    assert (entry.kind, entry.from_location, entry.to_location.code, entry.delta) == \
        ("receive", None, "RCV-1", Decimal("250.5"))
    assert entry.user.username == "stager1" and entry.device == "test-device"
    assert ledger.verify() == []


def test_each_received_unit_gets_its_own_lpn(plant):
    lpns = {plant.receive().lpn for _ in range(3)}
    assert len(lpns) == 3


def test_move_changes_location_and_writes_the_ledger(plant):
    unit = plant.receive()
    result = inventory.move(plant.ctx(), unit.lpn, "A-01-1", expected_from="RCV-1")
    assert fresh(unit).location.code == "A-01-1"
    assert (result.entry.kind, result.entry.from_location.code, result.entry.to_location.code) == \
        ("move", "RCV-1", "A-01-1")
    assert [e.kind for e in ledger.history(unit)] == ["receive", "move"]
    assert ledger.verify() == []


def test_scanned_codes_are_case_and_suffix_tolerant(plant):
    unit = plant.receive()
    inventory.move(plant.ctx(), unit.lpn.lower() + "\r\n", " a-01-1\t")
    assert fresh(unit).location.code == "A-01-1"


@pytest.mark.parametrize("unit_code, to, message", [
    ("P999999", "A-01-1", "No pallet or tote with the code “P999999”"),
    (None, "NOWHERE-9", "No location with the code “NOWHERE-9”"),
])
def test_unknown_codes_are_refused_and_nothing_is_written(plant, unit_code, to, message):
    unit = plant.receive()
    before = entries()
    with pytest.raises(NotFound) as err:
        inventory.move(plant.ctx(), unit_code or unit.lpn, to)
    assert message in err.value.message
    assert entries() == before and fresh(unit).location.code == "RCV-1"


def test_a_unit_moved_by_someone_else_is_a_conflict(plant):
    unit = plant.receive()
    inventory.move(plant.ctx(), unit.lpn, "A-01-1")
    before = entries()
    with pytest.raises(Conflict) as err:
        inventory.move(plant.ctx(), unit.lpn, "LANE-1", expected_from="RCV-1")
    assert "is no longer at RCV-1: it is at A-01-1" in err.value.message
    assert entries() == before and fresh(unit).location.code == "A-01-1"


@pytest.mark.parametrize("to, words", [
    ("A-01-3", "A-01-3 is closed"),
    ("R-A", "not a place to put a pallet"),
    ("SCRAP", "Scrapping needs a reason"),
    ("RCV-1", "is already at RCV-1"),
])
def test_places_that_cannot_take_the_unit(plant, to, words):
    unit = plant.receive()
    before = entries()
    with pytest.raises(Invalid) as err:
        inventory.move(plant.ctx(), unit.lpn, to)
    assert words in err.value.message
    assert entries() == before


def test_a_full_location_takes_no_more(plant):
    first, second = plant.receive(), plant.receive()
    inventory.move(plant.ctx(), first.lpn, "A-01-2")
    with pytest.raises(Invalid, match=r"A-01-2 is full \(1 of 1\)"):
        inventory.move(plant.ctx(), second.lpn, "A-01-2")
    assert fresh(second).location.code == "RCV-1"


@pytest.mark.parametrize("qty, words", [
    ("-5", "cannot be negative"), ("0", "more than zero"), ("NaN", "must be a number"),
    ("abc", "must be a number"), ("1e12", "must be a number"), ("1000000000000", "too large"),
    ("1.0001", "at most 3 decimals"),
    ("", "missing"), (float("inf"), "must be a number"),
])
def test_bad_quantities_are_refused(plant, qty, words):
    unit = plant.receive()
    before = entries()
    with pytest.raises(Invalid, match=words):
        inventory.split(plant.ctx(), unit.lpn, qty)
    with pytest.raises(Invalid, match=words):
        inventory.receive(plant.ctx("stager"), plant.resin_b, qty)
    assert entries() == before


def test_cannot_take_more_than_a_unit_holds(plant):
    unit = plant.receive(qty="10")
    inventory.load(plant.ctx(), unit.lpn, "M1")
    before = entries()
    with pytest.raises(Invalid, match="holds only 10 kg"):
        inventory.split(plant.ctx(), unit.lpn, "11")
    with pytest.raises(Invalid, match="holds only 10 kg"):
        inventory.consume(plant.ctx(), unit.lpn, "10.5")
    assert entries() == before and fresh(unit).quantity == 10


@pytest.mark.parametrize("role, verb, words", [
    ("operator", "adjust", "only a lead or above may adjust counts"),
    ("operator", "receive", "only a stager or above may receive material"),
    ("stager", "adjust", "only a lead or above"),
])
def test_roles_are_enforced_by_the_domain(plant, role, verb, words):
    unit = plant.receive()
    before = entries()
    with pytest.raises(Forbidden, match=words):
        if verb == "adjust":
            inventory.adjust(plant.ctx(role), unit.lpn, "5", reason="count")
        else:
            inventory.receive(plant.ctx(role), plant.resin_b, "5")
    assert entries() == before


def test_nobody_signed_in_may_do_anything(plant):
    unit = plant.receive()
    with pytest.raises(Forbidden, match="Sign in first"):
        inventory.move(inventory.Ctx(None), unit.lpn, "A-01-1")


def test_an_inactive_user_is_refused(plant):
    unit = plant.receive()
    plant.operator.active = False
    plant.operator.save()
    with pytest.raises(Forbidden):
        inventory.move(plant.ctx(), unit.lpn, "A-01-1")


def test_the_same_client_scan_id_records_once(plant):
    unit = plant.receive()
    first = inventory.move(plant.ctx(scan_id="scan-1"), unit.lpn, "A-01-1", expected_from="RCV-1")
    before = entries()
    again = inventory.move(plant.ctx(scan_id="scan-1"), unit.lpn, "A-01-1", expected_from="RCV-1")
    assert again.replayed and not first.replayed
    assert again.entry.id == first.entry.id
    assert entries() == before and Scan.select().count() == 1
    assert ledger.verify() == []


def test_a_scan_id_reused_for_another_action_is_refused(plant):
    unit = plant.receive()
    inventory.move(plant.ctx(scan_id="scan-2"), unit.lpn, "A-01-1")
    with pytest.raises(Conflict, match="already used for a move"):
        inventory.split(plant.ctx(scan_id="scan-2"), unit.lpn, "5")


def test_a_refused_scan_does_not_burn_its_id(plant):
    unit = plant.receive()
    with pytest.raises(Invalid):
        inventory.move(plant.ctx(scan_id="scan-3"), unit.lpn, "A-01-3")  # closed
    result = inventory.move(plant.ctx(scan_id="scan-3"), unit.lpn, "A-01-1")
    assert not result.replayed and fresh(unit).location.code == "A-01-1"


def test_split_makes_a_new_unit_with_its_own_lpn(plant):
    unit = plant.receive(qty="100", lot="L-9")
    inventory.move(plant.ctx(), unit.lpn, "A-01-1")
    result = inventory.split(plant.ctx(), unit.lpn, "30", "LANE-1")
    new = fresh(result.unit)
    assert new.lpn != unit.lpn and new.split_from_id == unit.id
    assert (new.quantity, new.lot, new.part_id, new.location.code) == (30, "L-9", unit.part_id, "LANE-1")
    assert fresh(unit).quantity == 70 and fresh(unit).location.code == "A-01-1"
    assert sorted(e.delta for e in result.entries) == [-30, 30]
    assert ledger.verify() == []


def test_splitting_everything_is_a_move(plant):
    unit = plant.receive(qty="10")
    with pytest.raises(Invalid, match="move the whole unit instead"):
        inventory.split(plant.ctx(), unit.lpn, "10")


def test_stage_for_a_work_order_checks_part_and_revision(plant):
    right = plant.receive(plant.resin_b)
    old_rev = plant.receive(plant.resin_a)
    other = plant.receive(plant.screw)
    before = entries()
    with pytest.raises(Invalid, match="Wrong revision: .* is RES-100 rev A; WO-1 needs rev B"):
        inventory.stage(plant.ctx(), old_rev.lpn, "LANE-1", "WO-1")
    with pytest.raises(Invalid, match="Wrong part: WO-1 does not need FST-M6"):
        inventory.stage(plant.ctx(), other.lpn, "LANE-1", "WO-1")
    assert entries() == before
    inventory.stage(plant.ctx(), right.lpn, "LANE-1", "WO-1")
    staged = fresh(right)
    assert (staged.status, staged.work_order.number, staged.location.code) == ("staged", "WO-1", "LANE-1")


def test_load_unload_and_consume(plant):
    unit = plant.receive(qty="100")
    inventory.load(plant.ctx(), unit.lpn, "M1")
    loaded = fresh(unit)
    assert (loaded.status, loaded.work_order.number) == ("loaded", "WO-1")  # the machine's running order
    inventory.consume(plant.ctx(), unit.lpn, "40")
    assert fresh(unit).quantity == 60
    inventory.unload(plant.ctx(), unit.lpn, "A-01-1")
    back = fresh(unit)
    assert (back.status, back.work_order, back.location.code) == ("stock", None, "A-01-1")
    with pytest.raises(Invalid, match="not loaded on a machine"):
        inventory.consume(plant.ctx(), unit.lpn)
    inventory.move(plant.ctx(), unit.lpn, "M1")  # a move onto a machine is a load
    inventory.consume(plant.ctx(), unit.lpn)
    used = fresh(unit)
    assert (used.quantity, used.status, used.location) == (0, "empty", None)
    assert [e.kind for e in ledger.history(unit)] == ["receive", "load", "consume", "unload", "load", "consume"]
    with pytest.raises(Invalid, match="is empty"):
        inventory.move(plant.ctx(), unit.lpn, "A-01-1")
    assert ledger.verify() == []


def test_wrong_material_cannot_be_loaded(plant):
    unit = plant.receive(plant.resin_a)
    with pytest.raises(Invalid, match="Wrong revision"):
        inventory.load(plant.ctx(), unit.lpn, "M1")
    assert fresh(unit).location.code == "RCV-1"


def test_a_unit_on_qc_hold_cannot_go_onto_a_machine(plant):
    unit = plant.receive()
    inventory.move(plant.ctx(), unit.lpn, "QC-HOLD")
    inventory.move(plant.ctx(), unit.lpn, "A-01-1")
    assert fresh(unit).status == "hold"  # the hold travels with the unit
    with pytest.raises(Invalid, match="on QC hold"):
        inventory.load(plant.ctx(), unit.lpn, "M1")


def test_scrap_needs_a_reason(plant):
    unit = plant.receive(qty="20")
    with pytest.raises(Invalid, match="Give a reason"):
        inventory.scrap(plant.ctx(), unit.lpn, "5", reason="  ")
    inventory.scrap(plant.ctx(), unit.lpn, "5", reason="Damaged by forklift")
    assert fresh(unit).quantity == 15
    assert ledger.history(unit)[-1].reason == "Damaged by forklift"


def test_adjust_a_count(plant):
    unit = plant.receive(qty="20")
    result = inventory.adjust(plant.ctx("lead"), unit.lpn, "18", reason="Cycle count")
    assert result.entry.delta == -2 and fresh(unit).quantity == 18
    with pytest.raises(Invalid, match="nothing to adjust"):
        inventory.adjust(plant.ctx("lead"), unit.lpn, "18", reason="Cycle count")
    assert ledger.verify() == []


def test_the_ledger_check_finds_state_changed_behind_its_back(plant):
    unit = plant.receive(qty="20")
    inventory.move(plant.ctx(), unit.lpn, "A-01-1")
    assert ledger.verify() == []
    Unit.update(quantity=Decimal("25")).where(Unit.id == unit.id).execute()
    Unit.update(location=plant.bin2).where(Unit.id == unit.id).execute()
    problems = ledger.verify()
    assert any("quantity is 25" in p for p in problems)
    assert any("location is" in p for p in problems)


def test_two_operators_moving_one_pallet_at_once_exactly_one_wins(plant, database):
    for _ in range(5):
        unit = plant.receive()
        barrier = threading.Barrier(2)
        outcomes = []

        def operator(to, barrier=barrier, unit=unit, outcomes=outcomes):
            barrier.wait()
            try:
                inventory.move(plant.ctx(), unit.lpn, to, expected_from="RCV-1")
                outcomes.append("moved")
            except Conflict:
                outcomes.append("conflict")
            finally:
                database.close()

        threads = [threading.Thread(target=operator, args=(to,)) for to in ("A-01-1", "LANE-1")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["conflict", "moved"]
        assert Entry.select().where(Entry.unit == unit.id, Entry.kind == "move").count() == 1
    assert ledger.verify() == []


def test_the_same_scan_sent_twice_at_once_records_once(plant, database):
    unit = plant.receive()
    barrier = threading.Barrier(2)
    results = []

    def send():
        barrier.wait()
        try:
            results.append(inventory.move(plant.ctx(scan_id="dup-1"), unit.lpn, "A-01-1"))
        finally:
            database.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 2 and results[0].entry.id == results[1].entry.id
    assert Entry.select().where(Entry.unit == unit.id, Entry.kind == "move").count() == 1


def test_a_move_that_waited_for_another_writer_records_where_the_pallet_really_was(plant, database, database_url):
    """Another writer moves the pallet while our move waits for the lock: our ledger row must say
    it came from where that writer put it (PostgreSQL once said "from nowhere" here)."""
    import sqlite3
    import time

    import psycopg2
    unit = plant.receive()
    if database_url.startswith("sqlite"):
        other = sqlite3.connect(database.obj.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        mark = "?"
    else:
        other = psycopg2.connect(database_url)
        mark = "%s"
    other.cursor().execute(f"UPDATE unit SET location_id = {mark} WHERE id = {mark}", (plant.lane.id, unit.id))
    done = []

    def forklift():
        try:
            done.append(inventory.move(plant.ctx(), unit.lpn, "A-01-1"))
        finally:
            database.close()

    thread = threading.Thread(target=forklift)
    thread.start()
    if database_url.startswith("sqlite"):
        time.sleep(0.5)  # let it block on the other writer's lock
        other.execute("COMMIT")
    else:
        until_a_lock_is_waited_for(database_url)
        other.commit()
    thread.join()
    other.close()
    assert done[0].entry.from_location_id == plant.lane.id
    assert Entry.get_by_id(done[0].entry.id).from_location_id == plant.lane.id


@pytest.mark.parametrize("kind,status", [("teleport", None), ("move", "lost")])
def test_the_ledger_takes_only_its_own_kinds_and_statuses(plant, kind, status):
    # models.LEDGER_KINDS and UNIT_STATUSES are what replay and reports understand: a verb that
    # wrote anything else would leave rows nobody can read, so the one writer refuses them.
    unit = plant.receive()
    before = Entry.select().count()

    @inventory.verb("move")
    def rogue(book, unit_ref):
        book.record(inventory._unit(unit_ref), kind, status=status)

    with pytest.raises(ValueError):
        rogue(plant.ctx(), unit.lpn)
    assert Entry.select().count() == before
    assert Unit.get_by_id(unit.id).status == "stock"
