"""A staging task done by an ordinary move (Move mode, the API): the task's pallet brought to its
place completes it; put down in another lane on the way, the move stands, the task stays open with
the same pallet (from that lane now) and the operator is told where it still goes (amber)."""
from decimal import Decimal

from staging.domain import inventory, tasks
from staging.domain.inventory import Ctx
from staging.domain.scan import tasks as scan_tasks
from staging.store.models import LineSidePlace, StagingTask, Unit

from .plant import loc

RULES = tasks.Rules(overstage=Decimal("0.10"))


def test_a_task_pallet_put_in_another_lane_keeps_its_task_then_completes_it_at_its_lane(plant):
    lane_m1 = loc("L-M1", "staging")
    LineSidePlace.create(machine=plant.machine, place=lane_m1, kind="lane")
    pallet = inventory.receive(Ctx(plant.stager), plant.resin_b, "500", plant.bin1).unit
    task = tasks.next_for(plant.operator, RULES)
    assert task.unit_id == pallet.id

    elsewhere = scan_tasks.move(Ctx(plant.operator, scan_id="m-1"), pallet.lpn, "LANE-1", pallet.location.code)
    assert elsewhere.warn and Unit.get_by_id(pallet.id).location_id == plant.lane.id
    assert f"task {task.id}, which goes to L-M1: the task stays open, from LANE-1 now" in elsewhere.note
    tasks.sync(RULES)
    kept = tasks.get(task.id)
    assert (kept.state, kept.unit_id, kept.from_location_id) == ("open", pallet.id, plant.lane.id), kept.note

    done = scan_tasks.move(Ctx(plant.operator, scan_id="m-2"), pallet.lpn, "L-M1", "LANE-1")
    assert not done.warn and done.entry.kind == "stage" and f"Task {task.id} is done." in done.note
    assert tasks.get(task.id).state == "done"
    staged = Unit.get_by_id(pallet.id)
    assert (staged.location_id, staged.status, staged.work_order_id) == (lane_m1.id, "staged", plant.wo.id)
    assert StagingTask.select().where(StagingTask.state.in_(tasks.LIVE)).count() == 0
    assert inventory.ledger.verify() == []
