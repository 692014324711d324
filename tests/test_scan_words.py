"""The scan page's modes say what can succeed, in the order they ask (domain, SQLite and
PostgreSQL): Waste keeps its reason, refusals name only pallets that exist, Done after a refusal
points at Cancel, a received supplier label is named as received, an undone use reads as a use."""
from decimal import Decimal

from staging.domain.inventory import Ctx
from staging.domain.scan.scanning import State, step
from staging.store.models import Entry, Unit


class Operator:
    def __init__(self, user, at=None):
        self.user, self.state, self.n, self.at = user, State(), 0, at

    def scan(self, code=None, qty=None):
        self.n += 1
        ctx = Ctx(self.user, device="HH-WORDS", scan_id=f"{self.user.username}-w{self.n}", at=self.at)
        self.state, outcome = step(ctx, self.state, code=code, qty=qty)
        return outcome


def entries():
    return Entry.select().count()


def test_waste_asks_pallet_reason_quantity_in_that_order_and_keeps_the_reason(plant):
    op = Operator(plant.operator)
    first, second = plant.receive(), plant.receive()
    op.scan("CMD:MODE:WASTE")
    assert op.scan(first.lpn).title == f"{first.lpn}: why?"
    before = entries()
    early = op.scan(qty="5")  # a quantity before the reason: refused, and no box asks for one
    assert early.tone == "bad" and "first the reason" in early.detail and entries() == before
    assert not op.state.awaiting_quantity()
    assert op.scan("CMD:REASON:WET").ask == "qty"
    assert op.scan(qty="500").tone == "bad"  # too much: the reason stays, the quantity is asked again
    assert op.state.reason == "WET" and op.state.awaiting_quantity()
    assert op.scan(qty="5").tone == "ok"
    asked = op.scan(second.lpn)  # the next pallet, same reason: straight to how much
    assert asked.ask == "qty" and "Wet packaging" in asked.detail
    assert op.scan("3").tone == "ok"
    assert [e.reason for e in Entry.select().where(Entry.kind == "scrap")] == ["Wet packaging"] * 2
    assert op.scan("CMD:REASON:DAMAGED").tone == "wait" and op.state.reason == "DAMAGED"


def test_a_refused_split_onto_a_machine_names_the_pallet_scanned_not_a_new_one(plant):
    op = Operator(plant.operator)
    screws = plant.receive(part=plant.screw, qty="100")
    op.scan("CMD:MODE:SPLIT"), op.scan(screws.lpn), op.scan(qty="20")
    units_before, before = Unit.select().count(), entries()
    refused = op.scan("M1")
    assert refused.tone == "bad" and screws.lpn in refused.detail and "Nothing was split" in refused.detail
    assert not refused.override  # nothing a lead could override: no new pallet exists
    assert Unit.select().count() == units_before and entries() == before
    assert not any(code in str(refused.detail) for code in
                   {f"P{n:06d}" for n in range(1, 1000)} - {u.lpn for u in Unit.select()})


def test_done_after_a_refused_load_points_at_cancel(plant):
    op = Operator(plant.operator)
    screws = plant.receive(part=plant.screw)
    op.scan("CMD:MODE:LOAD"), op.scan(screws.lpn)
    assert op.scan("M1").tone == "bad"
    done = op.scan("CMD:DONE")
    assert done.title == f"{screws.lpn}: where to?"
    assert "Or Cancel: nothing more is written." in done.detail and "Not finished yet" not in done.detail


def test_a_received_supplier_label_is_named_as_received(plant):
    plant.resin_b.gtin = "09501101530003"
    plant.resin_b.save()
    stager = Operator(plant.stager)
    stager.scan("CMD:MODE:RECEIVE")
    received = stager.scan("(01)09501101530003(10)LOT-9(3102)004000")
    assert received.tone == "ok"
    stager.scan("CMD:MODE:MOVE")
    said = stager.scan("(01)09501101530003(10)LOT-9(3102)004000")
    assert said.tone == "bad" and "not received" not in said.detail
    assert received.lpn in said.detail


def test_undo_of_a_use_reads_as_a_use(plant):
    op = Operator(plant.operator)
    unit = plant.receive()
    op.scan("CMD:MODE:LOAD"), op.scan("M1"), op.scan(unit.lpn), op.scan("CMD:DONE")
    op.scan("CMD:MODE:CONSUME"), op.scan(unit.lpn), op.scan(qty="40")
    op.scan("CMD:UNDO")
    undone = op.scan("CMD:UNDO")
    assert undone.tone == "ok" and "→" not in undone.title
    assert str(undone.title) == f"Undone: use of 40 kg of {unit.lpn}"
    assert "100 kg" in undone.detail and Unit.get_by_id(unit.id).quantity == Decimal(100)


def test_standard_pack_is_offered_only_for_a_product_that_has_one(plant):
    producing = State(mode="PRODUCE", work_order="WO-1")
    assert producing.standard_pack() is None
    plant.product.pack_qty = Decimal(50)
    plant.product.save()
    assert producing.standard_pack() == Decimal(50)
    assert State(mode="PRODUCE").standard_pack() is None


def test_count_judges_each_pallet_as_of_when_it_was_scanned(plant):
    counter, driver = Operator(plant.operator), Operator(plant.lead)
    staying, leaving, arriving, lost = (plant.receive() for _ in range(4))
    for unit in (staying, leaving, lost):
        driver.scan(unit.lpn), driver.scan("A-01-1")
    driver.scan(arriving.lpn), driver.scan("LANE-1")
    counter.scan("CMD:MODE:COUNT"), counter.scan("A-01-1")
    assert counter.scan(staying.lpn).tone == "wait" and counter.scan(leaving.lpn).tone == "wait"
    driver.scan(leaving.lpn), driver.scan("LANE-1")  # taken away after it was counted here
    driver.scan(arriving.lpn), driver.scan("A-01-1")  # brought in while the count went on
    before = entries()
    done = counter.scan("CMD:DONE")
    assert done.missing == [lost.lpn] and done.unexpected == []
    assert f"{leaving.lpn} moved out to LANE-1" in done.detail and f"{arriving.lpn} moved in" in done.detail
    assert entries() == before
