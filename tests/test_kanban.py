"""Kanban cards and calls on SQLite and PostgreSQL: a lead's cards refuse an unknown part or place
and a bad quantity; a call makes its staging task at once, naming the pallet the picking rules choose
(first expiry first out); with no stock it waits, visible, and gets its task when stock arrives; the
task done, the call is done and the card back in its loop; a second scan of an open card is refused
in words; the planner's look at everything keeps the call's task; `check` holds throughout."""
import datetime
import threading
import uuid

import pytest

from staging.domain import codes, inventory, promises, tasks
from staging.domain.errors import Conflict, Forbidden, Invalid, NotFound
from staging.domain.inventory import Ctx
from staging.domain.people.users import create_user
from staging.store.db import db
from staging.store.models import Call, KanbanCard, LineSidePlace, StagingTask, UnitExpiry, utcnow

from .plant import loc

RULES = tasks.Rules()
TODAY = datetime.date.today()


@pytest.fixture
def line(plant):
    """M1's lane L-M1 (a line-side place), a staging lane that is no machine's, screws in no order."""
    plant.lane_m1 = loc("L-M1", "staging")
    LineSidePlace.create(machine=plant.machine, place=plant.lane_m1, kind="lane")
    return plant


def receive(plant, qty="100", at="A-01-1", part=None):
    return inventory.receive(plant.ctx("stager"), part or plant.screw, qty, at, lot="L").unit


def ctx(plant, role="operator"):
    return Ctx(plant.users[role], device="hh-1", scan_id=uuid.uuid4().hex)


def card(plant, qty="40", count=1):
    return tasks.cards.make_loop(plant.lead, "L-M1", "FST-M6", "C", qty, count)


def call(plant, made, role="operator"):
    return tasks.calls.call(ctx(plant, role), made.code, RULES)


def test_a_lead_makes_a_loop_of_numbered_cards_that_scan_as_cards(line):
    made = card(line, "40", count=2)
    assert [(c.number, c.count, c.loop) for c in made] == [(1, 2, made[0].code), (2, 2, made[0].code)]
    assert codes.resolve(made[1].code).kind == "card"
    assert [v.card.code for v in tasks.cards.listing()] == [c.code for c in made]
    assert promises.broken() == []


@pytest.mark.parametrize("place, part, rev, qty, count, error, words", [
    ("L-M9", "FST-M6", "C", "40", 1, NotFound, "No location"),
    ("A-01-1", "FST-M6", "C", "40", 1, Invalid, "not a staging lane"),
    ("LANE-1", "FST-M6", "C", "40", 1, Invalid, "no machine's line-side place"),
    ("L-M1", "NOPE-1", "A", "40", 1, NotFound, "No part"),
    ("L-M1", "FST-M6", "Z", "40", 1, NotFound, "No part"),
    ("L-M1", "FST-M6", "C", "0", 1, Invalid, "more than zero"),
    ("L-M1", "FST-M6", "C", "-5", 1, Invalid, "negative"),
    ("L-M1", "FST-M6", "C", "lots", 1, Invalid, "must be a number"),
    ("L-M1", "FST-M6", "C", "40", "0", Invalid, "1 to 20 cards"),
    ("L-M1", "FST-M6", "C", "40", "21", Invalid, "1 to 20 cards"),
])
def test_a_card_with_an_unknown_part_or_place_or_a_bad_quantity_is_refused(line, place, part, rev, qty, count,
                                                                             error, words):
    with pytest.raises(error) as refused:
        tasks.cards.make_loop(line.lead, place, part, rev, qty, count)
    assert words in str(refused.value)
    assert KanbanCard.select().count() == 0


def test_only_a_lead_makes_cards(line):
    with pytest.raises(Forbidden):
        tasks.cards.make_loop(line.operator, "L-M1", "FST-M6", "C", "40")


def test_a_call_makes_its_task_at_once_naming_the_first_expiring_pallet(line):
    later = receive(line, "40")
    sooner = receive(line, "40", at="A-01-2")
    UnitExpiry.create(unit=later, expires_on=TODAY + datetime.timedelta(days=30))
    UnitExpiry.create(unit=sooner, expires_on=TODAY + datetime.timedelta(days=3))
    [made] = card(line, "40")
    called = call(line, made)
    assert called.call.state == "tasked"
    task = called.task
    assert (task.kind, task.unit_id, task.to_location_id, task.quantity, task.work_order_id) == (
        "call", sooner.id, line.lane_m1.id, 40, None)
    assert [t.id for t in tasks.listing()] == [task.id]  # in the queue, without any look at the orders
    assert promises.broken() == []


def test_a_call_with_no_stock_waits_visibly_and_gets_its_task_when_stock_arrives(line):
    [made] = card(line, "40")
    called = call(line, made)
    assert (called.call.state, called.task) == ("waiting", None)
    [view] = tasks.calls.listing()
    assert (view.card.code, view.call.state) == (made.code, "waiting")
    assert tasks.cards.listing()[0].called
    unit = receive(line, "40")
    tasks.sync(RULES)  # what every page showing tasks does: it follows the ledger's moved parts
    after = Call.get_by_id(called.call.id)
    assert after.state == "tasked"
    assert StagingTask.get_by_id(after.task_id).unit_id == unit.id
    assert promises.broken() == []


def test_the_task_done_finishes_the_call_and_the_card_is_back_in_its_loop(line):
    unit = receive(line, "40")
    [made] = card(line, "40")
    called = call(line, made)
    worker = ctx(line)
    tasks.claim(worker.user, called.task.id, RULES)
    done = tasks.complete(worker, unit.lpn, "L-M1", RULES)
    assert done.task.state == "done"
    assert Call.get_by_id(called.call.id).state == "done"
    assert not tasks.cards.listing()[0].called
    receive(line, "40")
    again = call(line, made)  # back in the loop: it can be called again
    assert again.call.state == "tasked"
    assert promises.broken() == []


def test_a_second_scan_of_an_open_card_is_refused_in_words(line):
    receive(line, "40")
    [made] = card(line, "40")
    first = call(line, made)
    with pytest.raises(Conflict) as refused:
        call(line, made)
    assert f"Card {made.code} is called already: task {first.task.id}" in str(refused.value)
    assert Call.select().count() == 1
    [other] = card(line, "40")
    call(line, other)  # waits: the only pallet is the first call's
    with pytest.raises(Conflict, match="waits for stock"):
        call(line, other)


def test_the_same_scan_twice_calls_once(line):
    receive(line, "40")
    [made] = card(line, "40")
    scan = ctx(line)
    first = tasks.calls.call(scan, made.code, RULES)
    again = tasks.calls.call(scan, made.code, RULES)
    assert (again.call.id, again.replayed) == (first.call.id, True)
    assert Call.select().count() == 1


def test_the_planners_look_at_everything_keeps_the_call_task(line):
    receive(line, "40")
    receive(line, "500", part=line.resin_b)  # an order's shortage on the same machine, too
    [made] = card(line, "40")
    called = call(line, made)
    tasks.refresh(RULES)  # the background job's full look
    tasks.refresh(RULES, now=utcnow() + datetime.timedelta(hours=1))
    assert StagingTask.get_by_id(called.task.id).state == "open"
    assert Call.get_by_id(called.call.id).state == "tasked"
    assert promises.broken() == []


def test_a_held_pallet_is_replaced_and_a_cancelled_task_gets_another_pallet(line):
    first = receive(line, "40")
    second = receive(line, "40", at="A-01-2")
    third = receive(line, "40", at="RCV-1")
    [made] = card(line, "40")
    called = call(line, made)
    assert called.task.unit_id == first.id
    inventory.hold(line.ctx("lead"), first.lpn, "QC")
    tasks.sync(RULES)
    now_call = Call.get_by_id(called.call.id)
    assert StagingTask.get_by_id(now_call.task_id).unit_id == second.id
    tasks.cancel(line.lead, now_call.task_id, RULES)  # a lead: not this pallet
    last = Call.get_by_id(called.call.id)
    assert (last.state, StagingTask.get_by_id(last.task_id).unit_id) == ("tasked", third.id)
    assert promises.broken() == []


def test_a_card_scanned_on_the_handheld_in_any_mode_calls_it(line):
    from staging.domain.scan import scanning
    from staging.domain.scan.state import State
    receive(line, "40")
    [made] = card(line, "40")
    worker = ctx(line)
    state, outcome = scanning.step(worker, State(mode="CONSUME", user_id=worker.user.id), made.code)
    assert outcome.tone == "ok" and "Called" in str(outcome.title)
    assert state.mode == "CONSUME"
    state, outcome = scanning.step(ctx(line), state, made.code)
    assert outcome.tone == "bad" and "called already" in str(outcome.detail)


def test_check_names_a_call_that_says_tasked_without_a_task_and_a_card_called_twice(line):
    [made] = card(line, "40")
    first = call(line, made)
    Call.update(state="tasked").where(Call.id == first.call.id).execute()
    Call.create(card=made, part=made.part_id, state="waiting")
    problems = [p for name, p in promises.broken() if name == "kanban_calls"]
    assert problems == [f"call {first.call.id} (card {made.code}, tasked): names no task",
                        f"card {made.code}: 2 open calls"]


def test_six_handhelds_scanning_one_card_at_once_call_it_once(line):
    receive(line, "40")
    receive(line, "40", at="A-01-2")
    [made] = card(line, "40")
    people = [create_user(f"hand{i}", "operator") for i in range(6)]
    db.close()
    results, barrier = [None] * 6, threading.Barrier(6)

    def scan(i):
        with db.connection_context():
            barrier.wait()
            try:
                results[i] = tasks.calls.call(Ctx(people[i], device=f"hh-{i}", scan_id=uuid.uuid4().hex),
                                              made.code, RULES)
            except Conflict as err:
                results[i] = err
    threads = [threading.Thread(target=scan, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.connect(reuse_if_open=True)
    assert sum(isinstance(r, Conflict) for r in results) == 5
    assert Call.select().count() == 1 and StagingTask.select().where(StagingTask.kind == "call").count() == 1
    assert promises.broken() == []


def test_a_retired_loop_calls_nothing_and_leaves_the_list(line):
    receive(line, "40")
    made = card(line, "40", count=2)
    tasks.cards.retire(line.lead, made[1].code)
    with pytest.raises(Invalid, match="no longer in use"):
        call(line, made[0])
    assert tasks.cards.listing() == [] and Call.select().count() == 0
    with pytest.raises(Forbidden):
        tasks.cards.retire(line.operator, made[0].code)
