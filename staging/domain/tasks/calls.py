"""Kanban calls: a card scanned (or POST /api/calls) calls its quantity to its place. The staging
task is made at once, here, by the same picking rules as every other task (first expiry first out,
else first in first out, then the nearest), never by waiting for the planner's look at all orders.
With no pallet to bring, the call waits, visible, and is tried again when stock of its part moves
(the sync that follows the ledger passes the parts that moved: one indexed read of the waiting calls
of those parts) or at the background job's full look. When its task is done, so is the call, and the
card is back in its loop. A card with an open call cannot be called again: one bin, one call.

The planner leaves these tasks alone (kind "call": not an order's, not a min/max level's); what the
planner does for its own tasks, `follow` does for these: a pallet that arrived finishes the call, one
gone on hold or used up is replaced, and a changed pallet changes what the task says to take."""
from dataclasses import dataclass

from peewee import JOIN

from ...store.db import locked, write_transaction
from ...store.models import Call, KanbanCard, LineSidePlace, Location, Part, StagingTask, Unit, User, utcnow
from .. import events
from ..errors import Conflict, Invalid
from ..people.permissions import authorize
from .cards import OPEN, get
from .picking import choose, close, still_on_its_way, taken_units
from .rules import LEAD_CANCEL

KIND = "call"  # the staging task's kind
UNUSABLE = ("hold", "empty", "shipping", "shipped")


@dataclass
class Called:
    call: Call
    card: KanbanCard
    task: StagingTask | None  # None: the call waits for stock
    replayed: bool = False  # the same scan id called before: that call, not a second one


def call(ctx, code, rules, now=None):
    """Call the card `code` names: its task at once, or a waiting call. Conflict when it is called already."""
    authorize(ctx.user, "stage")
    now = now or ctx.at or utcnow()
    card = get(code)
    if ctx.scan_id:
        prior = Call.get_or_none(Call.client_scan_id == ctx.scan_id)
        if prior is not None:
            return _called(prior, replayed=True)
    if not card.active:
        raise Invalid("Card {card} is no longer in use.", card=card.code)
    with write_transaction():
        locked(KanbanCard.select().where(KanbanCard.id == card.id)).get()  # two scans of one card: one call
        open_call = Call.select().where(Call.card == card.id, Call.state.in_(OPEN)).first()
        if open_call is not None:
            raise _already(card, open_call)
        made = Call.create(card=card, part=card.part_id, state="waiting", at=now, by=ctx.user,
                           client_scan_id=ctx.scan_id or None)
        events.emit(*events.kanban_event(made, card, _task(rules, made, card, now)))
    return _called(Call.get_by_id(made.id))


def _already(card, open_call):
    if open_call.state == "tasked" and open_call.task_id:
        return Conflict("Card {card} is called already: task {task} brings {qty} {uom} {part} to {place}. "
                        "It is back in the loop when that is done.", card=card.code, task=open_call.task_id,
                        qty=card.quantity, uom=card.part.uom, part=card.part.label, place=card.place.code)
    return Conflict("Card {card} is called already and waits for stock of {part}: a task appears when some "
                    "arrives.", card=card.code, part=card.part.label)


def _called(made, replayed=False):
    card = get(KanbanCard.select(KanbanCard.code).where(KanbanCard.id == made.card_id).scalar())
    task = StagingTask.get_or_none(StagingTask.id == made.task_id) if made.task_id else None
    return Called(made, card, task, replayed)


def _task(rules, made, card, now):
    """Give a call its task: the best pallet of the part for the card's place, or none (it waits)."""
    place = Location.get_by_id(card.place_id)
    machine = (LineSidePlace.select(LineSidePlace.machine).where(LineSidePlace.place == place.id)
               .order_by(LineSidePlace.id).scalar())
    exclude = taken_units(card.part_id) | _refused(card)
    picks = choose(card.part_id, place, card.quantity, now.date(), rules.overstage, exclude=exclude)
    if not picks or machine is None:
        if made.state != "waiting" or made.task_id is not None:
            Call.update(state="waiting", task=None).where(Call.id == made.id).execute()
        return None
    pick = picks[0]  # one card, one task: a smaller first pallet brings what it holds
    task = StagingTask.create(kind=KIND, work_order=None, machine=machine, part=card.part_id, unit=pick.unit.id,
                              from_location=pick.unit.location_id, to_location=place, quantity=pick.quantity,
                              whole=pick.whole, due_at=made.at, priority=0, created_at=now, updated_at=now,
                              note=f"Kanban card {card.code}.")
    Call.update(state="tasked", task=task).where(Call.id == made.id).execute()
    events.emit_many(events.task_events("task.created", [task.id]))
    return task


def _refused(card):
    """Pallets a lead took off this card's calls (cancelled their task): not suggested for it again."""
    return {u for (u,) in StagingTask.select(StagingTask.unit).where(
        StagingTask.kind == KIND, StagingTask.to_location == card.place_id, StagingTask.part == card.part_id,
        StagingTask.state == "cancelled", StagingTask.note.startswith(LEAD_CANCEL)).tuples() if u}


def task_done(task_id, now=None):
    """The task was done (its pallet staged at the place): its call is done, the card back in its loop.
    In the caller's write transaction."""
    Call.update(state="done", done_at=now or utcnow()).where(Call.task == task_id, Call.state == "tasked").execute()


def follow(rules, parts=None, now=None):
    """The open calls of these parts (None: all): a waiting one gets a task when there is stock now; a
    tasked one follows its task (done, cancelled by a lead, its pallet arrived, gone or changed)."""
    now = now or utcnow()
    query = Call.select().where(Call.state.in_(OPEN))
    if parts is not None:
        if not parts:
            return
        query = query.where(Call.part.in_(list(parts)))
    open_calls = list(query.order_by(Call.id))
    if not open_calls:
        return
    with write_transaction():
        for made in open_calls:
            if made.state == "waiting" or _needs_task_again(made, now):
                _task(rules, made, KanbanCard.get_by_id(made.card_id), now)


def _needs_task_again(made, now):
    """Whether a tasked call needs another task: its task was cancelled, or its pallet can no longer
    be brought. A task done, or whose pallet arrived another way, finishes the call."""
    task = StagingTask.get_or_none(StagingTask.id == made.task_id)
    if task is None or task.state == "cancelled":
        return True
    if task.state == "done":
        task_done(task.id, now)
        return False
    unit = Unit.get_or_none(Unit.id == task.unit_id) if task.unit_id else None
    if unit is not None and unit.location_id == task.to_location_id:  # staged there another way
        close(task, "done", f"{unit.lpn} arrived at {Location.get_by_id(task.to_location_id).code}.", now)
        task_done(task.id, now)
        return False
    if task.state == "claimed" and task.claim_expires_at and task.claim_expires_at > now and (
            unit is None or unit.status not in UNUSABLE):
        _follow_quantity(task, unit, now)
        return False  # someone is on the way: leave it to them
    if unit is None or not still_on_its_way(unit, task.part_id):
        why = "is on QC hold" if unit is not None and unit.status == "hold" else "is no longer available"
        close(task, "cancelled", f"{unit.lpn if unit else 'Its pallet'} {why}: another was chosen.", now)
        return True
    _follow_quantity(task, unit, now)
    if unit.location_id != task.from_location_id:
        StagingTask.update(from_location=unit.location_id).where(StagingTask.id == task.id).execute()
    return False


def _follow_quantity(task, unit, now):
    """The pallet changed (split, adjusted, partly used): a whole pallet is what it holds now, part of
    one no more than it holds."""
    if unit is None or unit.quantity <= 0:
        return
    whole = task.whole or unit.quantity <= task.quantity
    quantity = unit.quantity if whole else task.quantity
    if (whole, quantity) != (task.whole, task.quantity):
        StagingTask.update(whole=whole, quantity=quantity, updated_at=now).where(StagingTask.id == task.id).execute()


@dataclass
class CallView:
    call: Call  # with .card (and its part and place), .task, .by
    card: KanbanCard


def listing(states=OPEN, limit=200):
    """Calls in these states, newest first, with their cards (for the leads' page)."""
    rows = (Call.select(Call, KanbanCard, Part, Location, User)
            .join(KanbanCard, on=(Call.card == KanbanCard.id))
            .join(Part, on=(KanbanCard.part == Part.id)).switch(KanbanCard)
            .join(Location, on=(KanbanCard.place == Location.id)).switch(Call)
            .join(User, JOIN.LEFT_OUTER, on=(Call.by == User.id), attr="by")
            .where(Call.state.in_(list(states))).order_by(Call.id.desc()).limit(limit))
    return [CallView(c, c.card) for c in rows]


def cards_of(task_ids):
    """task id -> the code of the kanban card whose call it does, for these tasks."""
    ids = list(task_ids)
    if not ids:
        return {}
    return dict(Call.select(Call.task, KanbanCard.code).join(KanbanCard, on=(Call.card == KanbanCard.id))
                .where(Call.task.in_(ids)).tuples())
