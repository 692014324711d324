"""Doing a task: the operator holds it, brings the pallet (or another of the same part and
revision, said so) and scans the place: the same stage verb as every other staging puts it there,
for the task's work order. A task that takes part of a pallet splits it first (the new pallet
needs its label). Then the task is done, and the line's shortage is looked at again."""
from dataclasses import dataclass

from ...store.db import write_transaction
from ...store.models import Scan, StagingTask, Unit, utcnow
from .. import codes, events, inventory
from ..errors import Conflict, Invalid, NotFound
from ..words import Words, part_label
from . import calls
from .picking import eligible
from .planner import recompute
from .queue import get, holds


@dataclass
class Done:
    task: StagingTask
    unit: Unit  # the pallet that was staged
    new_lpn: str = ""  # a pallet split off for the task: print its label
    instead: str = ""  # the suggested pallet, when another was brought
    replayed: bool = False


def fitting(task, ref):
    """The scanned pallet, if it may do this task: the suggested one, or another of the same part
    and revision that may be brought (not held, not staged, not meant for an order)."""
    unit_id = ref.id if isinstance(ref, Unit) else codes.unit_id(ref)
    unit = Unit.get_or_none(Unit.id == unit_id) if unit_id else None
    if unit is None:
        raise NotFound("No pallet or tote with the code “{code}”.", code=codes.shown(ref))
    if unit.id == task.unit_id:
        if unit.status == "staged" and unit.location_id == task.to_location_id:
            raise Invalid("{unit} is already at {location}.", unit=unit.lpn, location=task.to_location.code)
        return unit
    if unit.part_id != task.part_id:
        if task.unit_id:
            raise Invalid("{unit} is {part}; this task needs {needed}. Bring {wanted}.", unit=unit.lpn,
                          part=part_label(unit.part), needed=part_label(task.part), wanted=task.unit.lpn)
        raise Invalid("{unit} is {part}; this task needs {needed}. Bring a pallet of it.", unit=unit.lpn,
                      part=part_label(unit.part), needed=part_label(task.part))
    if not eligible(unit, task.part_id):
        where = unit.location.code if unit.location_id else Words("nowhere")
        why = Words("on QC hold") if unit.status == "hold" else (
            Words("meant for {order}", order=unit.work_order.number) if unit.work_order_id
            else Words("{status} at {location}", status=unit.status, location=where))
        instead = task.unit.lpn if task.unit_id else Words("another")
        raise Invalid("{unit} cannot be brought: it is {why}. Bring {instead}.", unit=unit.lpn, why=why,
                      instead=instead)
    taken = StagingTask.select().where(StagingTask.unit == unit, StagingTask.state.in_(("open", "claimed")),
                                       StagingTask.id != task.id).first()
    if taken is not None and taken.state == "claimed":
        raise Conflict("{unit} is the pallet of task {task}, taken by {person}.", unit=unit.lpn, task=taken.id,
                       person=taken.claimed_by)
    return unit


def take(task, unit, now=None):
    """The operator brings `unit` for their task: the task names it from now on (the pallet it
    replaces goes back to the others, and a task that had suggested this one picks another)."""
    if unit.id == task.unit_id:
        return task
    now = now or utcnow()
    with write_transaction():
        StagingTask.update(unit=None, updated_at=now).where(
            StagingTask.unit == unit, StagingTask.state == "open", StagingTask.id != task.id).execute()
        StagingTask.update(unit=unit, from_location=unit.location_id, updated_at=now,
                           quantity=unit.quantity if task.whole else task.quantity).where(
            StagingTask.id == task.id).execute()
    return get(task.id)


def complete(ctx, unit_ref, place_ref, rules, expected_from=None):
    """The operator scanned the place for the task they hold, with `unit_ref` in hand."""
    task = holds(ctx.user, ctx.at)
    if task is None:
        raise Invalid("You hold no task now: scan the pallet of the next task first.")
    place = codes.find_location(place_ref) if not hasattr(place_ref, "code") else place_ref
    if place is None or place.id != task.to_location_id:
        shown = place.code if place is not None else codes.shown(place_ref)
        raise Invalid("{code} is not where this goes: take it to {location}.", code=shown,
                      location=task.to_location.code)
    unit = fitting(task, unit_ref)
    suggested = task.unit.lpn if task.unit_id and task.unit_id != unit.id else ""
    new_lpn, wo = "", task.work_order_id and task.work_order
    with write_transaction():  # the part taken off and its staging: both or neither (a full lane refuses both)
        if not task.whole and unit.quantity > task.quantity:
            split_ctx = inventory.Ctx(ctx.user, ctx.device, f"{ctx.scan_id}:take" if ctx.scan_id else None, ctx.at)
            unit = inventory.split(split_ctx, unit, task.quantity).unit
            new_lpn = unit.lpn
        result = inventory.stage(ctx, unit, place, wo or None, expected_from=expected_from or None)
        _finish(ctx, task, result.unit, rules)
    return Done(get(task.id), result.unit, new_lpn, suggested, result.replayed)


def move(ctx, unit_ref, to_ref, rules, expected_from=None, override=None):
    """A move from anywhere (the API): when it brings a task's pallet, or another that fits, to the
    task's place, it is that task's staging (the stage verb, for the task's work order) and the task
    is done; any other move is an ordinary move, with not one statement more than before (the codes
    are looked up here, once, instead of in the verb)."""
    known = codes.look_up_all(unit_ref, to_ref, expected_from)
    unit_ref, to_ref, expected_from = (known.get(r, r) if isinstance(r, str) else r
                                       for r in (unit_ref, to_ref, expected_from))
    place = to_ref if hasattr(to_ref, "kind") else codes.find_location(to_ref)
    if place is None or place.kind != "staging":
        return inventory.move(ctx, unit_ref, to_ref, expected_from=expected_from, override=override)
    prior = Scan.get_or_none(Scan.client_scan_id == ctx.scan_id) if ctx.scan_id else None
    if prior is not None and prior.action == "stage":  # a retry of a move that staged: the same answer
        return inventory.stage(ctx, unit_ref, place, None, expected_from=expected_from)
    task = _arriving(ctx.user, unit_ref, place, ctx.at or utcnow())
    if task is None:
        result = inventory.move(ctx, unit_ref, place, expected_from=expected_from, override=override)
        _tell(result, _meant_elsewhere(result.unit, place), warn=True)
        return result
    result = inventory.stage(ctx, unit_ref, place, task.work_order if task.work_order_id else None,
                             expected_from=expected_from)
    _finish(ctx, task, result.unit, rules)
    _tell(result, Words("Task {task} is done.", task=task.id))
    return result


def _meant_elsewhere(unit, place):
    """A task's pallet put down in another lane: the move stands (the ledger follows the pallet),
    the task keeps the pallet, from here now, and the operator is told where it still has to go."""
    task = StagingTask.select().where(StagingTask.unit == unit.id, StagingTask.state.in_(("open", "claimed")),
                                      StagingTask.to_location != place.id).first()
    if task is None:
        return None
    return Words("{unit} is the pallet of task {task}, which goes to {lane}: the task stays open, from {here} now. "
                 "Take it on to {lane} to finish it.", unit=unit.lpn, task=task.id, lane=task.to_location.code,
                 here=place.code)


def _tell(result, words, warn=False):
    """Add to the verb's note (the panel and the API show it; `warn`: amber)."""
    if words is not None:
        result.note = f"{result.note} {words}".strip()
        result.warn = result.warn or warn


def _arriving(user, unit_ref, to_ref, now):
    """The live task this move does: the one naming this pallet and place, else one of the same
    part to that place that the mover holds or nobody does (the pallet then becomes its pallet)."""
    unit_id = unit_ref.id if isinstance(unit_ref, Unit) else codes.unit_id(unit_ref)
    place_id = to_ref.id
    if not unit_id or not place_id:
        return None
    live = StagingTask.select().where(StagingTask.to_location == place_id, StagingTask.state.in_(("open", "claimed")))
    named = live.where(StagingTask.unit == unit_id).first()
    if named is not None:
        return named
    unit = Unit.get_or_none(Unit.id == unit_id)
    if unit is None:
        return None
    free = (StagingTask.state == "open") | (StagingTask.claimed_by == user) | (StagingTask.claim_expires_at <= now)
    task = live.where(StagingTask.part == unit.part_id, free).order_by(StagingTask.id).first()
    if task is None or not eligible(unit, task.part_id):
        return None
    return task  # it names this pallet once the stage verb has put it there (_finish): a refusal writes nothing


def _finish(ctx, task, unit, rules):
    now = ctx.at or utcnow()
    with write_transaction():
        StagingTask.update(state="done", unit=unit, claim_expires_at=None, updated_at=now,
                           note=f"{unit.lpn} staged by {ctx.user}."[:200]).where(StagingTask.id == task.id).execute()
        events.emit_many(events.task_events("task.done", [task.id], by=ctx.user))
        calls.task_done(task.id, now)  # a kanban call's task: the card is back in its loop
        recompute(rules, machines=[task.machine_id], parts={task.part_id}, now=now)
