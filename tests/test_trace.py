"""Trace both ways (issue 17), and holding what a bad lot went into, on SQLite and PostgreSQL."""
import pytest

from staging.domain import inventory, trace
from staging.domain.errors import Forbidden, Invalid, NotFound
from staging.store.models import Entry, Part, Unit, WorkOrder, WorkOrderLine

from .plant import loc
from .test_output import outputs


def run(plant, lot="L42", pallets=3):
    """Lot L42 consumed for WO-1, made into `pallets` output pallets; another lot made into one more
    pallet afterwards (it must not show up in L42's trace)."""
    outputs(plant)
    bad = plant.receive(qty="90", lot=lot)
    inventory.load(plant.ctx(), bad, "M1", plant.wo)
    made = []
    for _ in range(pallets):
        inventory.consume(plant.ctx(), bad, "30")
        made.append(inventory.produce(plant.ctx(), "WO-1", "10").unit)
    good = plant.receive(qty="50", lot="L77")
    inventory.load(plant.ctx(), good, "M1", plant.wo)
    inventory.consume(plant.ctx(), good, "50")
    other = inventory.produce(plant.ctx(), "WO-1", "10").unit
    return bad, made, other


def test_downstream_of_a_lot_finds_every_pallet_it_went_into_and_where_it_is(plant):
    bad, made, other = run(plant)
    inventory.move(plant.ctx(), made[0].lpn, "SHIP-1")
    found = trace.downstream(lot="L42")
    assert [p.unit.lpn for p in found.outputs] == [u.lpn for u in made]
    assert other.lpn not in {p.unit.lpn for p in found.outputs}
    assert [p.unit.lpn for p in found.consumed] == [bad.lpn]
    [shipped] = found.shipped
    assert shipped.unit.lpn == made[0].lpn and shipped.shipped_by == "operator1" and shipped.shipped_at
    assert {p.unit.lpn for p in found.in_plant} == {made[1].lpn, made[2].lpn}
    assert {p.location for p in found.in_plant} == {"OUT-1"}
    # The same answer from the received pallet itself.
    assert [p.unit.lpn for p in trace.downstream(lpn=bad.lpn).outputs] == [u.lpn for u in made]


def test_downstream_follows_splits_and_further_levels(plant):
    outputs(plant)
    received = plant.receive(qty="100", lot="L42")
    part = inventory.split(plant.ctx(), received, "40").unit
    inventory.load(plant.ctx(), part, "M1", plant.wo)
    inventory.consume(plant.ctx(), part)
    housing = inventory.produce(plant.ctx(), "WO-1", "10").unit
    # The housings go into an assembly on M2.
    assembly = Part.create(number="ASM-1", revision="A", description="Assembly")
    station2 = loc("OUT-2", "output")
    wo2 = WorkOrder.create(number="WO-2", part=assembly, quantity=10, machine=plant.machine2,
                           output_station=station2, status="running")
    WorkOrderLine.create(work_order=wo2, part=plant.product, quantity=10)
    inventory.load(plant.ctx(), housing, "M2", wo2)
    inventory.consume(plant.ctx(), housing, "10")
    top = inventory.produce(plant.ctx(), wo2, "5").unit
    assert [p.unit.lpn for p in trace.downstream(lot="L42").outputs] == [housing.lpn, top.lpn]
    up = trace.upstream(top.lpn)
    assert up.made.work_order.number == "WO-2" and up.lots == ["L42", "WO-1"]
    deepest = [i for i in up.inputs if i.row.lot == "L42"][0]
    assert deepest.into == housing.lpn and deepest.receipt.kind == "receive"
    assert deepest.receipt.to_location.code == "RCV-1" and deepest.row.machine.code == "M1"


def test_upstream_names_lots_suppliers_receipts_machines_and_operators(plant):
    outputs(plant)
    received = inventory.receive(plant.ctx("stager"), plant.resin_b, "60", lot="SUP-1",
                                 barcodes=[("00012345678901234560", "sscc")]).unit
    inventory.load(plant.ctx(), received, "M1", plant.wo)
    inventory.consume(plant.ctx(), received)
    out = inventory.produce(plant.ctx(), "WO-1", "12").unit
    up = trace.upstream(out.lpn)
    assert (up.made.work_order.number, up.made.user.username) == ("WO-1", "operator1")
    [only] = up.inputs
    assert (only.row.supplier_lot, only.row.sscc, only.row.quantity) == ("SUP-1", "012345678901234560", 60)
    assert (only.receipt.user.username, only.row.user.username, only.row.machine.code) == (
        "stager1", "operator1", "M1")
    assert only.place.unit.status == "empty"


def test_hold_all_holds_every_affected_unit_still_in_the_plant(plant):
    bad, made, other = run(plant, pallets=2)
    inventory.move(plant.ctx(), made[0].lpn, "SHIP-1")
    leftover = inventory.split(plant.ctx(), bad, "10").unit  # 30 kg of L42 still on M1, split off
    held, already = trace.hold_all(plant.ctx(scan_id="recall-1"), "Supplier lot L42 failed test", lot="L42")
    assert set(held) == {made[1].lpn, bad.lpn, leftover.lpn} and already == []
    for lpn in held:
        unit = Unit.get(Unit.lpn == lpn)
        assert unit.status == "hold"
        assert Entry.select().where(Entry.unit == unit, Entry.kind == "hold",
                                    Entry.reason == "Supplier lot L42 failed test").count() == 1
    assert Unit.get_by_id(other.id).status == "output"
    # Again: nothing held twice.
    assert trace.hold_all(plant.ctx(), "again", lot="L42")[0] == []


def test_trace_refusals(plant):
    run(plant, pallets=1)
    with pytest.raises(NotFound, match="No unit has the lot"):
        trace.downstream(lot="NOPE")
    with pytest.raises(NotFound):
        trace.upstream("P999999")
    with pytest.raises(Invalid, match="Give a reason"):
        trace.hold_all(plant.ctx(), "  ", lot="L42")
    with pytest.raises(Forbidden):
        trace.hold_all(inventory.Ctx(None), "bad", lot="L42")
    assert Entry.select().where(Entry.kind == "hold").count() == 0
