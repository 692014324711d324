"""The queue of staging tasks: the next one for an operator, claiming (one holder at a time, until
the claim expires), releasing, and what a lead does: reorder, assign, cancel.

A claim is one conditional UPDATE (`... WHERE state = 'open' OR the claim expired`) whose row
count says who won: two operators asking at once cannot both hold a task, on SQLite or PostgreSQL.

While a machine is down or in maintenance its tasks are paused: listed (marked `paused`), never
offered as the next task, and a claim is refused; they come back as they were when it runs again."""
from peewee import JOIN, fn

from ...store.db import write_transaction
from ...store.models import Location, Part, StagingTask, Unit, User, WorkOrder, utcnow
from ..errors import Conflict, Invalid, NotFound
from ..machines import states as machine_states
from ..people.permissions import authorize, can
from .picking import LIVE
from .planner import LEAD_CANCEL, recompute
from .rules import DEFAULT

Machine, From, To, Holder, Assignee = (Location.alias(), Location.alias(), Location.alias(), User.alias(),
                                       User.alias())


def _query():
    return (StagingTask.select(StagingTask, Part, Unit, WorkOrder, Machine, From, To, Holder, Assignee)
            .join(Part, on=(StagingTask.part == Part.id), attr="part")
            .switch(StagingTask).join(Unit, JOIN.LEFT_OUTER, on=(StagingTask.unit == Unit.id), attr="unit")
            .switch(StagingTask).join(WorkOrder, JOIN.LEFT_OUTER, on=(StagingTask.work_order == WorkOrder.id),
                                      attr="work_order")
            .switch(StagingTask).join(Machine, on=(StagingTask.machine == Machine.id), attr="machine")
            .switch(StagingTask).join(From, JOIN.LEFT_OUTER, on=(StagingTask.from_location == From.id),
                                      attr="from_location")
            .switch(StagingTask).join(To, on=(StagingTask.to_location == To.id), attr="to_location")
            .switch(StagingTask).join(Holder, JOIN.LEFT_OUTER, on=(StagingTask.claimed_by == Holder.id),
                                      attr="claimed_by")
            .switch(StagingTask).join(Assignee, JOIN.LEFT_OUTER, on=(StagingTask.assigned_to == Assignee.id),
                                      attr="assigned_to"))


def _in_order(query):
    """A lead's order first, then due time, then the machine's state (running before released)."""
    far = "9999-12-31 00:00:00"
    return query.order_by(fn.COALESCE(StagingTask.rank, 2 ** 30), fn.COALESCE(StagingTask.due_at, far),
                          StagingTask.priority, StagingTask.id)


def listing(machine=None, person=None, states=LIVE, limit=500):
    """Tasks in queue order; `machine` a code, `person` a user name (holding or assigned)."""
    query = _query().where(StagingTask.state.in_(states))
    if machine:
        query = query.where(Machine.code == str(machine).strip().upper())
    if person:
        query = query.where((Holder.username == person) | (Assignee.username == person))
    return _marked(list(_in_order(query).limit(limit)))


def _marked(found):
    """Each task with `paused`: its machine is down or in maintenance (one query for all of them)."""
    paused = machine_states.paused_machines() if found else set()
    for task in found:
        task.paused = task.machine_id in paused
    return found


def for_machine(machine_id):
    """A machine's tasks, live and finished lately (the machine page shows them per shortage)."""
    return _marked(list(_in_order(_query().where(StagingTask.machine == machine_id)).limit(200)))


def get(task_id):
    try:
        task = _query().where(StagingTask.id == int(task_id)).first()
    except (TypeError, ValueError):
        task = None
    if task is None:
        raise NotFound("No staging task {task}.", task=str(task_id)[:20])
    task.paused = machine_states.is_paused(task.machine_id)
    return task


def naming(unit_id):
    """The live task that names this pallet, if one does."""
    return _query().where(StagingTask.unit == unit_id, StagingTask.state.in_(LIVE)).first()


def holds(user, now=None):
    """The task this operator holds now (claimed, not expired), or None."""
    now = now or utcnow()
    # The id first, from the task table alone: building the nine-table SELECT is what costs here.
    found = (StagingTask.select(StagingTask.id).where(
        StagingTask.state == "claimed", StagingTask.claimed_by == user, StagingTask.claim_expires_at > now,
        _not_paused()).order_by(StagingTask.id).limit(1).scalar())
    return get(found) if found else None


def next_for(user, now=None):
    """The task this operator should do next: the one they hold, else the first free one (open, or
    its claim expired) that is not assigned to someone else."""
    now = now or utcnow()
    mine = holds(user, now)
    if mine is not None:
        return mine
    free = (StagingTask.state == "open") | ((StagingTask.state == "claimed") & (StagingTask.claim_expires_at <= now))
    mine_or_nobody = StagingTask.assigned_to.is_null() | (StagingTask.assigned_to == user)
    found = _in_order(StagingTask.select(StagingTask.id).where(free, mine_or_nobody, _not_paused())).limit(1).scalar()
    return get(found) if found else None


def _not_paused():
    paused = machine_states.paused_machines()
    return StagingTask.machine.not_in(paused) if paused else StagingTask.id.is_null(False)


def claim(user, task_id, rules, now=None):
    """Claim a task for this operator (and let go of any other they held). Conflict when another holds
    it, or when its machine is down or in maintenance."""
    authorize(user, "stage")
    now = now or utcnow()
    task = get(task_id)
    if task.paused:
        raise paused_refusal(task)
    with write_transaction():
        won = StagingTask.update(
            state="claimed", claimed_by=user, claim_expires_at=now + rules.claim_ttl, updated_at=now,
        ).where(
            StagingTask.id == task.id,
            (StagingTask.state == "open") | ((StagingTask.state == "claimed") & (
                (StagingTask.claim_expires_at <= now) | (StagingTask.claimed_by == user))),
            StagingTask.assigned_to.is_null() | (StagingTask.assigned_to == user),
        ).execute()
        if won == 1:
            StagingTask.update(state="open", claimed_by=None, claim_expires_at=None, updated_at=now).where(
                StagingTask.claimed_by == user, StagingTask.state == "claimed", StagingTask.id != task.id).execute()
    if won != 1:
        raise _not_yours(get(task.id), user)
    return get(task.id)


class Paused(Conflict):
    """A task of a machine that is down or in maintenance: not taken until it runs again."""
    title = "Task paused"


def paused_refusal(task):
    now = machine_states.current(task.machine) or {"state": "down", "reason": ""}
    if now["state"] == "down":
        return Paused("{machine} is down ({reason}): its staging is paused until it runs again. Take the next task.",
                        machine=task.machine.code, reason=now["reason"])
    return Paused("{machine} is in maintenance: its staging is paused until it runs again. Take the next task.",
                    machine=task.machine.code)


def _not_yours(task, user):
    if task.state in ("done", "cancelled"):
        return Conflict("Task {task} is {state}: take the next one.", task=task.id, state=task.state)
    if task.assigned_to_id and task.assigned_to_id != user.id:
        return Conflict("Task {task} is assigned to {person}: take the next one.", task=task.id,
                        person=task.assigned_to)
    return Conflict("Task {task} is taken by {person}: take the next one.", task=task.id, person=task.claimed_by)


def release(user, task_id, now=None):
    """Give a claimed task back to the queue: its holder, or a lead for anyone."""
    authorize(user, "stage")
    now = now or utcnow()
    task = get(task_id)
    with write_transaction():
        query = StagingTask.update(state="open", claimed_by=None, claim_expires_at=None, updated_at=now).where(
            StagingTask.id == task.id, StagingTask.state == "claimed")
        if not _is_lead(user):
            query = query.where(StagingTask.claimed_by == user)
        done = query.execute()
    if done != 1:
        if task.state == "claimed" and task.claimed_by_id != user.id:
            raise Conflict("Task {task} is held by {person}, not you.", task=task.id, person=task.claimed_by)
        raise Invalid("Task {task} is {state}, not claimed: nothing to release.", task=task.id, state=task.state)
    return get(task.id)


def _is_lead(user):
    return can(user, "manage_tasks")


def _lead_change(user, task_id, **changes):
    authorize(user, "manage_tasks")
    task = get(task_id)
    with write_transaction():
        done = StagingTask.update(updated_at=utcnow(), **changes).where(
            StagingTask.id == task.id, StagingTask.state.in_(LIVE)).execute()
    if done != 1:
        raise Invalid("Task {task} is {state}: it cannot be changed any more.", task=task.id, state=task.state)
    return get(task.id)


def cancel(user, task_id, rules=DEFAULT):
    """Not this pallet for this line: the task goes, and another pallet is looked for at once."""
    task = _lead_change(user, task_id, state="cancelled", claimed_by=None, claim_expires_at=None,
                        note=f"{LEAD_CANCEL}{user}."[:200])
    recompute(rules, machines=[task.machine_id], parts={task.part_id})
    return task


def assign(user, task_id, username):
    """Give a task to one person (empty: to anyone again). A claim by someone else is let go."""
    username = str(username or "").strip()
    person = None
    if username:
        person = User.get_or_none((User.username == username) & User.active)
        if person is None:
            raise NotFound("No active user “{user}”.", user=username[:40])
    task = get(task_id)
    changes = {"assigned_to": person}
    if person is not None and task.claimed_by_id not in (None, person.id):
        changes.update(state="open", claimed_by=None, claim_expires_at=None)
    return _lead_change(user, task_id, **changes)


def to_top(user, task_id):
    """First in the queue, before every other task."""
    top = StagingTask.select(fn.MIN(StagingTask.rank)).where(StagingTask.state.in_(LIVE)).scalar()
    return _lead_change(user, task_id, rank=(top if top is not None else 0) - 1)

