"""Where features meet in the domain: output pallets and the machine page, undo and genealogy,
closing an order, printing what one made, QC holds and staging, tasks and splits, returns and
recall holds; each with the promise `check` keeps about it. On SQLite and PostgreSQL."""
from decimal import Decimal

import pytest

from staging.domain import inventory, tasks, trace, workorders
from staging.domain.errors import Forbidden, Invalid
from staging.domain.inventory import Ctx, ledger
from staging.domain.promises import closed_orders, genealogy, open_tasks, own_output
from staging.media import printing
from staging.store.models import Entry, StagingTask, Unit, WorkOrder, WorkOrderTotals

from . import test_tasks
from .test_output import made_from, outputs
from .test_tasks import RULES, live, receive


@pytest.fixture
def line(plant):
    """The test plant with M1's lane and bins near and far (tests/test_tasks.py)."""
    return test_tasks.line.__wrapped__(plant)


def draft_fields(wo, status):
    return {"number": wo.number, "product": wo.part.number, "product_rev": wo.part.revision,
            "quantity": str(wo.quantity), "machines": wo.machine.code, "status": status,
            "output": wo.output_station.code if wo.output_station_id else ""}


def close(plant, status="closed"):
    lines = [{"part": lv.part.number, "revision": lv.part.revision, "quantity": str(lv.quantity)}
             for lv in workorders.lines_of(plant.wo)]
    wo = WorkOrder.get_by_id(plant.wo.id)
    return workorders.save(plant.lead, draft_fields(wo, status), lines, "UTC", existing=wo)


# --- an order's own output is not its input -------------------------------------------------------------

def test_an_orders_own_output_is_not_wrong_material_also_after_it_ships(plant):
    outputs(plant)
    inventory.stage(plant.ctx(), plant.receive(qty="500"), "LANE-1", plant.wo)
    made = inventory.produce(plant.ctx(), "WO-1", "40").unit
    view = workorders.machine_view(plant.machine)
    assert view.wrong == [] and view.state == "ok", view.reasons
    assert made.id not in {uv.unit.id for o in view.orders for uv in o.units}
    (board_m1,) = [m for m in workorders.board().machines if m.machine.code == "M1"]
    assert board_m1.state == "ok" and board_m1.reasons == []
    inventory.move(plant.ctx(), made, "SHIP-1")
    view = workorders.machine_view(plant.machine)
    assert view.wrong == [] and view.state == "ok", view.reasons
    assert own_output.broken() == []


# --- undo after an output pallet ----------------------------------------------------------------------

def test_undo_of_consumption_already_in_an_output_pallet_is_refused_and_the_genealogy_holds(plant):
    outputs(plant)
    unit = plant.receive(qty="500", lot="L42")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), unit, "50")
    made = inventory.produce(plant.ctx("lead"), "WO-1", "10").unit
    with pytest.raises(Invalid, match=f"already in output pallet {made.lpn}: Undo cannot take it back"):
        inventory.last_change(plant.ctx())  # what the handheld asks before it offers the undo
    with pytest.raises(Invalid, match=f"already in output pallet {made.lpn}"):
        inventory.undo(plant.ctx())
    assert Unit.get_by_id(unit.id).quantity == 450 and not Entry.select().where(Entry.kind == "undo").exists()
    assert made_from(made) == {(unit.lpn, "L42", Decimal("50"))}
    assert genealogy.broken() == []


def test_undo_before_the_output_pallet_still_works(plant):
    outputs(plant)
    unit = plant.receive(qty="500", lot="L42")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), unit, "50")
    inventory.undo(plant.ctx())
    inventory.consume(plant.ctx(), unit, "40")
    made = inventory.produce(plant.ctx("lead"), "WO-1", "10").unit
    assert made_from(made) == {(unit.lpn, "L42", Decimal("40"))} and genealogy.broken() == []


@pytest.mark.parametrize("corrected", ["40", "65", "0"])
def test_a_leads_correction_after_the_output_pallet_corrects_its_genealogy(plant, corrected):
    outputs(plant)
    unit = plant.receive(qty="500", lot="L42")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    consumed = inventory.consume(plant.ctx(), unit, "50").entry
    first = inventory.produce(plant.ctx("lead"), "WO-1", "10").unit
    inventory.correct(plant.ctx("lead"), consumed.id, corrected, "scale was off")
    want = {(unit.lpn, "L42", Decimal(corrected))} if corrected != "0" else set()
    assert made_from(first) == want and genealogy.broken() == []
    inventory.consume(plant.ctx(), unit, "10")
    second = inventory.produce(plant.ctx("lead"), "WO-1", "10").unit
    assert made_from(first) == want and made_from(second) == {(unit.lpn, "L42", Decimal("10"))}
    assert genealogy.broken() == [] and ledger.verify() == []


def test_the_genealogy_promise_names_a_pallet_whose_consumption_was_taken_back_later(plant):
    """What the check says of data written before undo was refused here (an undo after the output)."""
    outputs(plant)
    unit = plant.receive(qty="500", lot="L42")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    consumed = inventory.consume(plant.ctx(), unit, "50").entry
    inventory.produce(plant.ctx("lead"), "WO-1", "10")
    Entry.create(unit=unit, kind="undo", delta=Decimal("50"), quantity=Decimal("50"), status="loaded",
                 work_order=plant.wo, reverses=consumed, user=plant.operator, to_location=plant.machine,
                 from_location=plant.machine)
    [problem] = genealogy.broken()
    assert f"lists 50 kg of {unit.lpn}" in problem and "nets 0 kg" in problem


# --- closing a work order -----------------------------------------------------------------------------

def test_closing_says_what_is_still_at_the_line_and_then_refuses_consumption(plant):
    loaded = plant.receive(qty="150")
    inventory.load(plant.ctx(), loaded, "M1", plant.wo)
    staged = plant.receive(qty="100")
    inventory.stage(plant.ctx(), staged, "LANE-1", plant.wo)
    wo = close(plant)
    assert wo.status == "closed" and wo.closed_at is not None
    assert [u.lpn for u in workorders.leftovers(wo)] == [staged.lpn, loaded.lpn]
    said = str(workorders.say_leftovers(wo, workorders.leftovers(wo)))
    assert f"{loaded.lpn} (loaded at M1)" in said and f"{staged.lpn} (staged at LANE-1)" in said
    with pytest.raises(Invalid, match="WO-1 is closed: nothing more can be consumed for it"):
        inventory.consume(plant.ctx(), loaded, "5")
    assert Unit.get_by_id(loaded.id).quantity == 150 and not WorkOrderTotals.select().exists()
    # A closed order has no shortages, on its page and in the API alike.
    assert [lv.short for lv in workorders.order_lines(wo)] == [0]
    assert [lv.remaining for lv in workorders.summary(wo).lines] == [0]
    inventory.unload(plant.ctx(), loaded, "A-01-1")
    assert [u.lpn for u in workorders.leftovers(wo)] == [staged.lpn]
    assert closed_orders.broken() == []


def test_the_closed_order_promise_names_consumption_after_the_close(plant):
    unit = plant.receive(qty="150")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), unit, "5")  # while open: fine
    close(plant)
    sneaked = Entry.create(unit=unit, kind="consume", delta=Decimal("-5"), quantity=Decimal("5"), status="loaded",
                           work_order=plant.wo, user=plant.operator)
    assert closed_orders.broken() == [
        f"ledger entry {sneaked.id}: {unit.lpn} consumed for work order WO-1, closed since "
        f"{WorkOrder.get_by_id(plant.wo.id).closed_at:%Y-%m-%d %H:%M:%S} UTC"]


def test_closing_ends_the_orders_tasks_at_once(line):
    receive(line, line.far)
    task = tasks.next_for(line.operator, RULES)
    tasks.claim(line.operator, task.id, RULES)
    close(line)
    assert live() == [] and tasks.get(task.id).note == "Work order WO-1 is closed."
    assert open_tasks.broken() == []
    with pytest.raises(Exception, match="is cancelled: take the next one"):
        tasks.claim(line.stager, task.id, RULES)


# --- whoever made a pallet prints its label --------------------------------------------------------------

@pytest.mark.parametrize("how", ["produce", "split", "receive"])
def test_whoever_made_a_pallet_may_print_its_label_and_no_other(plant, how):
    outputs(plant)
    other = plant.receive()
    if how == "produce":
        made = inventory.produce(plant.ctx(), "WO-1", "10").unit
        maker = plant.operator
    elif how == "split":
        made = inventory.split(plant.ctx(), plant.receive(qty="100"), "10").unit
        maker = plant.operator
    else:
        maker = plant.users["stager"]
        made = inventory.receive(Ctx(maker, device="d"), plant.resin_b, "5", None, lot="L9").unit
    assert printing.may_print(maker, "unit", made.lpn)
    assert printing.may_print(plant.operator, "unit", made.lpn) == (maker == plant.operator)
    assert not printing.may_print(plant.operator, "unit", other.lpn)  # the stager received that one


# --- QC hold never goes to a lane or a machine -----------------------------------------------------------

def test_a_held_pallet_is_refused_by_every_way_into_a_staging_lane(plant):
    unit = plant.receive()
    inventory.hold(plant.ctx(), unit, "Wet packaging")
    refusal = f"{unit.lpn} is on QC hold: held material does not go to a staging lane"
    with pytest.raises(Invalid, match=refusal):
        inventory.move(plant.ctx(), unit, "LANE-1")
    with pytest.raises(Invalid, match=refusal):
        inventory.stage(plant.ctx(), unit, "LANE-1", plant.wo)
    with pytest.raises(Invalid, match=refusal):
        inventory.split(plant.ctx(), unit, "10", "LANE-1")
    with pytest.raises(Invalid, match="QC hold"):
        inventory.load(plant.ctx(), unit, "M1", plant.wo)
    with pytest.raises(Forbidden):  # an operator's "override" is no override
        inventory.move(plant.ctx(), unit, "LANE-1", override="Needed now")
    assert Unit.get_by_id(unit.id).location_id == plant.dock.id
    assert Entry.select().where(Entry.unit == unit).count() == 2  # receive, hold
    moved = inventory.move(plant.ctx("lead"), unit, "LANE-1", override="QC says sample only, line waits").entry
    assert (moved.to_location.code, moved.status, moved.reason) == (
        "LANE-1", "hold", "Override: QC says sample only, line waits")


# --- a task follows its pallet -------------------------------------------------------------------------

def test_a_task_whose_pallet_was_split_below_its_quantity_is_replanned(line):
    big = receive(line, line.far, "2000", days_ago=2)
    tasks.sync(RULES)
    [task] = live()
    assert (task.unit_id, task.quantity, task.whole) == (big.id, 500, False)
    tasks.claim(line.operator, task.id, RULES)
    inventory.split(Ctx(line.stager, device="d"), big, "1930")  # 70 left on it
    tasks.sync(RULES)
    task = tasks.get(task.id)
    assert (task.unit_id, task.quantity, task.whole, task.state) == (big.id, 70, True, "claimed")
    rest = [t for t in live() if t.id != task.id]
    assert sum(t.quantity for t in rest) == 430 and all(t.unit_id != big.id for t in rest)
    assert open_tasks.broken() == []


def test_finishing_a_partial_task_into_a_full_lane_writes_nothing(line):
    """The part taken off and its staging are one step: a lane that is full refuses both."""
    big = receive(line, line.far, "2000")
    tasks.sync(RULES)
    [task] = live()
    assert not task.whole
    tasks.claim(line.operator, task.id, RULES)
    line.lane_m1.capacity = 1
    line.lane_m1.save()
    inventory.move(Ctx(line.stager, device="d"), receive(line, line.near, "10"), line.lane_m1)
    before = (Entry.select().count(), Unit.select().count(), big.quantity)
    with pytest.raises(Invalid, match="full"):
        tasks.doing.complete(Ctx(line.operator, device="hh"), big.lpn, line.lane_m1.code, RULES)
    assert (Entry.select().count(), Unit.select().count(), Unit.get_by_id(big.id).quantity) == before


def test_a_claimed_task_whose_pallet_goes_on_hold_is_cancelled(line):
    unit = receive(line, line.far)
    task = tasks.claim(line.operator, tasks.next_for(line.operator, RULES).id, RULES)
    inventory.hold(Ctx(line.lead, device="d"), unit, "Suspect")
    tasks.sync(RULES)
    assert tasks.get(task.id).state == "cancelled" and open_tasks.broken() == []


def test_the_task_promise_names_a_task_that_no_longer_fits_its_pallet(line):
    big = receive(line, line.far, "2000")
    tasks.sync(RULES)
    [task] = live()
    StagingTask.update(quantity=Decimal("2500")).where(StagingTask.id == task.id).execute()
    [problem] = open_tasks.broken()
    assert problem.startswith(f"task {task.id} (2500 kg") and f"unit {big.lpn} holds only 2000 kg" in problem


# --- a return from shipping under a recall ----------------------------------------------------------------

def test_a_shipped_pallet_of_a_lot_under_recall_comes_back_held(plant):
    outputs(plant)
    unit = plant.receive(qty="500", lot="L42")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), unit, "50")
    made = inventory.produce(plant.ctx(), "WO-1", "10").unit
    inventory.move(plant.ctx(), made, "SHIP-1")
    assert [p.shipped_at is not None for p in trace.downstream(lot="L42").outputs] == [True]
    held, _ = trace.hold_all(plant.ctx("lead"), "Supplier lot L42 failed test", lot="L42")
    assert held == [unit.lpn]  # the shipped pallet is not in the plant
    with pytest.raises(Invalid, match="comes back on QC hold .*does not go to a staging lane"):
        inventory.return_shipped(plant.ctx("lead"), made.lpn, "LANE-1", "customer sent it back")
    back = inventory.return_shipped(plant.ctx("lead"), made.lpn, "OUT-1", "customer sent it back")
    assert (back.unit.status, back.unit.location.code) == ("hold", "OUT-1") and "lot L42 is on hold" in back.note
    [place] = trace.downstream(lot="L42").outputs
    assert place.shipped_at is None and place.unit.status == "hold"
    assert ledger.verify() == []


def test_one_pallet_held_for_its_own_reason_is_no_hold_of_its_lot(plant):
    outputs(plant)
    used = plant.receive(qty="500", lot="L42")
    torn = plant.receive(qty="50", lot="L42")
    inventory.hold(plant.ctx(), torn, "Torn wrap")
    inventory.load(plant.ctx(), used, "M1", plant.wo)
    inventory.consume(plant.ctx(), used, "50")
    made = inventory.produce(plant.ctx(), "WO-1", "10").unit
    inventory.move(plant.ctx(), made, "SHIP-1")
    back = inventory.return_shipped(plant.ctx("lead"), made.lpn, "OUT-1", "truck left without it").unit
    assert back.status == "output"


def test_a_shipped_pallet_with_no_hold_comes_back_as_before(plant):
    outputs(plant)
    made = inventory.produce(plant.ctx(), "WO-1", "10").unit
    inventory.move(plant.ctx(), made, "SHIP-1")
    back = inventory.return_shipped(plant.ctx("lead"), made.lpn, "OUT-1", "truck left without it").unit
    assert back.status == "output"


