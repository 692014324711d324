"""The count program in the domain, on SQLite and PostgreSQL: plans, blind entries by several
counters, a pallet moved during the count, differences booked within tolerance or through a recount
and a lead's approval, every count row explained (check), accuracy per area and week."""
import datetime
from decimal import Decimal

import pytest

from staging.domain import counts, inventory, promises
from staging.domain.counts import classes
from staging.domain.errors import Conflict, Forbidden, Invalid, NotFound
from staging.domain.people.users import create_user
from staging.store.models import CountLine, Entry, PartCountClass, Unit

from .plant import loc


@pytest.fixture
def counted(plant):
    """Two pallets on A-01-1 and one on LANE-1, and a second operator and lead."""
    plant.p1 = plant.receive(qty="100", lot="L1")
    plant.p2 = plant.receive(qty="40", lot="L2")
    plant.p3 = plant.receive(qty="10", lot="L3")
    for unit, to in ((plant.p1, "A-01-1"), (plant.p2, "A-01-1"), (plant.p3, "LANE-1")):
        inventory.move(plant.ctx(), unit, to)
    plant.ole = create_user("ole", "operator", "password-123")
    plant.lea = create_user("lea", "lead", "password-123")
    return plant


def quantity(unit):
    return Unit.get_by_id(unit.id).quantity


def count_rows():
    return list(Entry.select().where(Entry.kind == "count").order_by(Entry.id))


def test_a_small_difference_books_itself_and_a_large_one_waits_for_recount_and_approval(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1", "LANE-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "99", unit=plant.p1.lpn)  # 1 off 100: within 2 % of A... or C
    counts.enter(plant.ole, count.id, "A-01-1", "20", unit=plant.p2.lpn)  # half of 40: beyond
    task = counts.submit(plant.operator, count.id, "A-01-1")
    assert task.state == "recount"
    assert quantity(plant.p1) == Decimal("99") and quantity(plant.p2) == Decimal("40")
    assert [(r.unit_id, r.delta, r.reason) for r in count_rows()] == [(plant.p1.id, Decimal("-1"), f"count {count.id}")]
    with pytest.raises(Forbidden):  # a recount by someone who counted it first
        counts.enter(plant.ole, count.id, "A-01-1", "20", unit=plant.p2.lpn)
    counts.enter(plant.stager, count.id, "A-01-1", "20", unit=plant.p2.lpn)
    assert counts.submit(plant.stager, count.id, "A-01-1").state == "approval"
    assert quantity(plant.p2) == Decimal("40")  # nothing booked before the approval
    with pytest.raises(Forbidden):
        counts.approve(plant.operator, count.id)  # not a lead
    counts.approve(plant.lea, count.id)
    assert quantity(plant.p2) == Decimal("20")
    line = CountLine.get(CountLine.unit == plant.p2)
    assert (line.expected, line.counted, line.recounted, line.variance, line.state) == (
        Decimal("40"), Decimal("20"), Decimal("20"), Decimal("-20"), "booked")
    assert promises.broken() == []


def test_a_lead_who_counted_may_not_approve(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["LANE-1"])
    counts.enter(plant.lea, count.id, "LANE-1", "2", unit=plant.p3.lpn)
    counts.submit(plant.lea, count.id, "LANE-1")
    counts.enter(plant.operator, count.id, "LANE-1", "2", unit=plant.p3.lpn)
    counts.submit(plant.operator, count.id, "LANE-1")
    with pytest.raises(Forbidden):
        counts.approve(plant.lea, count.id)
    counts.approve(plant.lead, count.id)
    assert quantity(plant.p3) == Decimal("2")


def test_a_pallet_moved_out_during_the_count_is_a_move_not_missing(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn)
    inventory.move(plant.ctx(), plant.p2, "LANE-1")  # a forklift takes it meanwhile
    task = counts.submit(plant.operator, count.id, "A-01-1")
    assert task.state == "done"
    moved = CountLine.get(CountLine.unit == plant.p2)
    assert (moved.moved, moved.state, moved.counted) == (True, "ok", None)
    assert count_rows() == [] and quantity(plant.p2) == Decimal("40")


def test_a_pallet_not_found_is_booked_out_only_on_approval(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn)
    counts.submit(plant.operator, count.id, "A-01-1")
    counts.enter(plant.ole, count.id, "A-01-1", "100", unit=plant.p1.lpn)
    assert counts.submit(plant.ole, count.id, "A-01-1").state == "approval"
    assert quantity(plant.p2) == Decimal("40")
    counts.approve(plant.lead, count.id)
    unit = Unit.get_by_id(plant.p2.id)
    assert (unit.quantity, unit.status, unit.location_id) == (Decimal("0"), "empty", None)
    assert promises.broken() == []


def test_a_find_becomes_a_new_pallet_after_recount_and_approval(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["LANE-1"])
    counts.enter(plant.operator, count.id, "LANE-1", "10", unit=plant.p3.lpn)
    counts.enter(plant.operator, count.id, "LANE-1", "7,5", part="RES-100", revision="B", lot="X9")
    counts.submit(plant.operator, count.id, "LANE-1")
    counts.enter(plant.ole, count.id, "LANE-1", "10", unit=plant.p3.lpn)
    counts.enter(plant.ole, count.id, "LANE-1", "7.5", part="RES-100", revision="B", lot="X9")
    counts.submit(plant.ole, count.id, "LANE-1")
    counts.approve(plant.lead, count.id)
    new = Unit.get(Unit.lot == "X9")
    assert (new.quantity, new.location.code, new.part_id) == (Decimal("7.5"), "LANE-1", plant.resin_b.id)
    assert promises.broken() == []


def test_one_pallet_counted_twice_is_asked_about_and_replaced_only_when_said(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn)
    with pytest.raises(counts.Counted):
        counts.enter(plant.ole, count.id, "A-01-1", "90", unit=plant.p1.lpn)
    counts.enter(plant.ole, count.id, "A-01-1", "100", unit=plant.p1.lpn, replace=True)
    counts.enter(plant.ole, count.id, "A-01-1", "40", unit=plant.p2.lpn)
    assert counts.submit(plant.ole, count.id, "A-01-1").state == "done"
    assert count_rows() == []


def test_the_same_client_scan_id_records_once(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    first = counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn, client_scan_id="s-1")
    again = counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn, client_scan_id="s-1")
    assert first.id == again.id
    with pytest.raises(Conflict):
        counts.enter(plant.ole, count.id, "A-01-1", "100", unit=plant.p1.lpn, client_scan_id="s-1")


def test_plans_by_area_part_staleness_and_class(counted):
    plant = counted
    area = counts.plan(plant.lead, "area", area="R-A")
    assert sorted(t.location.code for t in area.tasks) == ["A-01-1", "A-01-2"]  # A-01-3 is not active
    part = counts.plan(plant.lead, "part", part="RES-100")
    assert [t.location.code for t in part.tasks] == ["LANE-1"]  # A-01-1 is in the area count already
    stale = counts.plan(plant.lead, "stale", days=30)
    assert sorted(t.location.code for t in stale.tasks) == ["QC-HOLD", "RCV-1"]
    PartCountClass.create(part=plant.resin_b, klass="A")
    assert classes.of_part(plant.resin_b.id) == "A"
    with pytest.raises(Invalid):
        counts.plan(plant.lead, "class")  # stock places are all planned already


def test_plans_refuse_what_is_not_there(counted):
    plant = counted
    with pytest.raises(NotFound):
        counts.plan(plant.lead, "locations", locations=["NOPE"])
    with pytest.raises(Invalid):
        counts.plan(plant.lead, "locations", locations=["M1"])  # a machine is not counted
    with pytest.raises(Invalid):
        counts.plan(plant.lead, "stale", days=0)
    with pytest.raises(Forbidden):
        counts.plan(plant.operator, "locations", locations=["A-01-1"])
    past = datetime.date.today() - datetime.timedelta(days=2)
    with pytest.raises(Invalid):
        counts.plan(plant.lead, "locations", locations=["A-01-1"], due_on=past)


def test_blind_lines_have_no_expected_for_an_operator(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn)
    _, lines = counts.view.lines(plant.operator, count.id)
    assert {line.unit for line in lines} == {plant.p1.lpn, plant.p2.lpn}
    assert all(line.expected is None for line in lines)
    _, lines = counts.view.lines(plant.lead, count.id)
    assert {line.unit: line.expected for line in lines} == {plant.p1.lpn: Decimal("100"), plant.p2.lpn: Decimal("40")}


def test_accuracy_per_area_and_week_and_places_never_counted(counted):
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn)
    counts.enter(plant.operator, count.id, "A-01-1", "1", unit=plant.p2.lpn)
    counts.submit(plant.operator, count.id, "A-01-1")
    weeks = counts.accuracy.by_area_and_week()
    assert [(w.area, w.pallets, w.right, w.percent) for w in weeks] == [("R-A", 2, 1, 50.0)]
    (never, first), oldest = counts.accuracy.coverage()
    assert (never, oldest) == (5, []) and "A-01-1" in first  # in recount: not done yet
    lane = counts.plan(plant.lead, "locations", locations=["LANE-1"])
    counts.enter(plant.operator, lane.id, "LANE-1", "10", unit=plant.p3.lpn)
    counts.submit(plant.operator, lane.id, "LANE-1")
    (never, first), oldest = counts.accuracy.coverage()
    assert never == 4 and [code for code, _ in oldest] == ["LANE-1"]


def test_a_part_moving_most_is_class_a(counted):
    plant = counted
    moved = classes.by_movement()
    assert moved[plant.resin_b.id] == "A"
    assert classes.of_part(plant.screw.id) == "C"
    plant.screw_class = classes.set_class(plant.lead, "FST-M6", "C", "b")
    assert classes.of_part(plant.screw.id) == "B"
    with pytest.raises(Invalid):
        classes.set_class(plant.lead, "FST-M6", "C", "Z")
    loc("B-01", "storage")


# --- on the handheld: Count mode of the scan page ------------------------------------------------------

def test_count_mode_offers_the_next_task_and_counts_blind(counted):
    from tests.test_scan import Operator
    plant = counted
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    ann, ole = Operator(plant.operator), Operator(plant.ole)
    offered = ann.scan("CMD:MODE:COUNT")
    assert "A-01-1" in str(offered.title)
    assert "A-01-1" not in str(ole.scan("CMD:MODE:COUNT").title)  # held for Ann: nothing else to offer Ole
    started = ann.scan("A-01-1")
    assert ann.state.count == str(count.id) and "expected" not in str(started.detail)
    asked = ann.scan(plant.p1.lpn)
    assert asked.ask == "qty" and "100" not in str(asked.title) + str(asked.detail) and not asked.facts
    assert ann.scan(qty="99,5").tone == "ok"
    ole.scan("A-01-1")  # several counters on one location add up
    ole.scan(plant.p2.lpn)
    ole.scan(qty="40")
    again = ole.scan(plant.p1.lpn)
    assert "counted already" in str(again.title)
    ole.scan(qty="100")  # replaces Ann's 99.5
    done = ann.scan("CMD:DONE")
    assert "No differences" in str(done.detail)
    assert count_rows() == [] and ann.state.count == ""


def test_count_mode_refuses_bad_quantities_and_a_recount_by_the_first_counter(counted):
    from tests.test_scan import Operator
    plant = counted
    counts.plan(plant.lead, "locations", locations=["LANE-1"])
    ann = Operator(plant.operator)
    ann.scan("CMD:MODE:COUNT")
    ann.scan("LANE-1")
    ann.scan(plant.p3.lpn)
    refused = ann.scan(qty="-2")
    assert refused.tone == "bad" and "negative" in str(refused.detail)
    ann.scan(qty="3")
    assert "recount" in str(ann.scan("CMD:DONE").detail)
    again = ann.scan("LANE-1")
    assert again.tone == "bad" and "someone who did not count" in str(again.detail)


def test_count_mode_counts_a_supplier_pallet_from_its_gs1_label(counted):
    from tests.test_scan import Operator
    plant = counted
    plant.resin_b.gtin = "09501101530003"
    plant.resin_b.save()
    count = counts.plan(plant.lead, "locations", locations=["LANE-1"])
    ann = Operator(plant.operator)
    ann.scan("CMD:MODE:COUNT")
    ann.scan("LANE-1")
    found = ann.scan("(01)09501101530003(10)SUP-7(37)12")
    assert found.tone == "ok" and "New find" in str(found.title)
    asked = ann.scan("(01)09501101530003(10)SUP-8")  # no quantity on this label: asked for
    assert asked.ask == "qty"
    ann.scan(qty="3")
    ann.scan(plant.p3.lpn)
    ann.scan(qty="10")
    ann.scan("CMD:DONE")
    _, lines = counts.view.lines(plant.lead, count.id)
    assert sorted((line.lot, line.counted, line.state) for line in lines if line.unit is None) == [
        ("SUP-7", Decimal("12"), "recount"), ("SUP-8", Decimal("3"), "recount")]


def test_a_held_count_task_lapses_to_the_next_counter(counted):
    plant = counted
    counts.plan(plant.lead, "locations", locations=["A-01-1"])
    now = datetime.datetime(2030, 1, 1, 8, 0)
    held = counts.entries.offer(plant.operator, now)
    assert held.location.code == "A-01-1" and held.claimed_by_id == plant.operator.id
    assert counts.entries.offer(plant.ole, now + datetime.timedelta(minutes=5)) is None  # held by another
    lapsed = counts.entries.offer(plant.ole, now + datetime.timedelta(minutes=16))
    assert lapsed.id == held.id and lapsed.claimed_by_id == plant.ole.id


def test_a_difference_is_valued_where_the_part_has_a_value_and_never_shown_to_a_blind_counter(counted):
    plant = counted
    plant.resin_b.unit_value = Decimal("1.85")
    plant.resin_b.save()
    count = counts.plan(plant.lead, "locations", locations=["A-01-1"])
    counts.enter(plant.operator, count.id, "A-01-1", "100", unit=plant.p1.lpn)
    counts.enter(plant.operator, count.id, "A-01-1", "20", unit=plant.p2.lpn)  # 20 kg short: a recount
    counts.submit(plant.operator, count.id, "A-01-1")
    _, lines = counts.view.lines(plant.lea, count.id)
    assert {line.unit: line.value for line in lines} == {plant.p1.lpn: Decimal("0.00"),
                                                         plant.p2.lpn: Decimal("-37.00")}
    _, blind = counts.view.lines(plant.ole, count.id)
    assert {line.value for line in blind} == {None}
