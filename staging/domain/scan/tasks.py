"""The scan page's Tasks mode: the next staging task in big letters; scanning its pallet claims it
(another pallet of the same part and revision is accepted, and said so); scanning its place
stages it there through the stage verb and shows the next task.

Registered in scan_modes.MODE_STEPS; scanning asks `entered` and `prompt` for the panel."""
from ...store.models import Scan, User
from .. import tasks
from ..errors import Conflict, Invalid
from ..words import Words, joined, part_label
from .state import HINTS, Outcome

RULES = [tasks.DEFAULT]  # the plant's settings, put here once by the web layer when the app starts


def configure(rules):
    RULES[0] = rules


def _next_words(task):
    """A task as the panel shows it: the title (pallet → place) and the rest in words."""
    what = dict(qty=task.quantity, uom=task.part.uom, part=part_label(task.part),
                where=task.from_location.code if task.from_location_id else "—")
    if task.work_order_id:
        what.update(work_order=task.work_order.number, machine=task.machine.code)
        words = Words("{qty} {uom} {part}, from {where}, for {work_order} on {machine}.", **what) if task.whole \
            else Words("Take {qty} {uom} {part} off it, from {where}, for {work_order} on {machine}.", **what)
    else:
        what.update(machine=task.machine.code)
        words = Words("{qty} {uom} {part}, from {where}, line-side stock of {machine}.", **what) if task.whole \
            else Words("Take {qty} {uom} {part} off it, from {where}, line-side stock of {machine}.", **what)
    return f"{task.unit.lpn if task.unit_id else task.part.number} → {task.to_location.code}", words


def _next(user, now, before=""):
    task = tasks.next_for(user, RULES[0], now)
    if task is None:
        return Outcome("info", Words("No task now"),
                       joined(before, Words("Nothing is short on the lines: wait, or switch mode.")))
    title, words = _next_words(task)
    mine = task.state == "claimed" and task.claimed_by_id == user.id
    return Outcome("info", Words("Next: {task}", task=title), joined(
        before, words, Words("Yours: bring it.") if mine else Words("Scan the pallet to take the task.")))


def move(ctx, lpn, target, expected_from):
    """Move mode's move: the tasks' move, so a task's pallet brought to its place completes the task
    exactly as in Tasks mode (and as over the API): one path."""
    return tasks.move(ctx, lpn, target, RULES[0], expected_from=expected_from)


def entered(ctx, mode):
    """Switching to Tasks: the next task for this operator (None for the other modes: their hint)."""
    return _next(ctx.user, ctx.at) if mode == "TASKS" else None


def prompt(state):
    """The panel on a page load in Tasks mode (nothing pending): the next task."""
    user = User.get_or_none(User.id == state.user_id) if state.user_id else None
    return _next(user, None) if user is not None else Outcome("info", Words("Tasks"), HINTS["TASKS"])


def step(ctx, state, meaning):
    if meaning.kind == "unit":
        return _pallet(ctx, state, meaning.obj)
    if meaning.kind == "location":
        return _place(ctx, state, meaning.obj)
    raise Invalid("In Tasks, scan the pallet of the task, then its place. {next_task}.",
                  next_task=_next(ctx.user, ctx.at).title)


def _task_for(ctx, unit):
    """The task this pallet does: the one that names it, else the one the operator holds or is
    next, when the pallet fits it (same part and revision, free to bring)."""
    named = tasks.naming(unit.id)
    if named is not None:
        return named, ""
    task = tasks.holds(ctx.user, ctx.at) or tasks.next_for(ctx.user, RULES[0], ctx.at)
    if task is None:
        raise Invalid("{unit} is not wanted by any task: nothing is short on the lines.", unit=unit.lpn)
    if unit.part_id != task.part_id:
        raise Invalid("{unit} is not wanted by any task. The next task: {next_task}.", unit=unit.lpn,
                      next_task=_next_words(task)[0])
    tasks.fitting(task, unit)
    return task, task.unit.lpn if task.unit_id else ""


def _pallet(ctx, state, unit):
    try:
        task, instead = _task_for(ctx, unit)
        task = tasks.claim(ctx.user, task.id, RULES[0], ctx.at)
    except Conflict as err:  # another operator holds it (or its machine stopped): say so, and offer the next task
        said = TaskPaused if err.title == "Task paused" else TaskTaken
        raise said("{taken} {offer}", taken=err.words, offer=_offer(ctx)) from err
    task = tasks.take(task, unit, ctx.at)
    state = state.clear()
    state.unit, state.unit_from = unit.lpn, unit.location.code if unit.location_id else ""
    state.target = task.to_location.code
    state.work_order = task.work_order.number if task.work_order_id else ""
    title, words = _next_words(task)
    said = Words("Instead of {unit}: same part and revision, accepted.", unit=instead) if instead else ""
    place = task.to_location.code
    return state, Outcome("wait", Words("{task}: scan {location}", task=title, location=place), joined(
        said, Words("Task {number} is yours.", number=task.id), words, Words("Then scan {location}.", location=place)))


class TaskTaken(Conflict):
    title = "Task taken"


class TaskPaused(Conflict):
    title = "Task paused"


def _offer(ctx):
    task = tasks.next_for(ctx.user, RULES[0], ctx.at)
    if task is None:
        return Words("No other task now.")
    title, words = _next_words(task)
    return joined(Words("Next for you: {task}.", task=title), words, Words("Scan the pallet to take the task."))


def _place(ctx, state, place):
    prior = Scan.get_or_none(Scan.client_scan_id == ctx.scan_id) if ctx.scan_id else None
    if prior is not None and prior.action == "stage":  # this scan was recorded before (a retry)
        return state.clear(), Outcome("ok", Words("Staged at {location}", location=place.code),
                                      Words("Recorded already."), replayed=True)
    if not state.unit:
        raise Invalid("Scan the pallet first. {next_task}.", next_task=_next(ctx.user, ctx.at).title)
    done = tasks.complete(ctx, state.unit, place, RULES[0], expected_from=state.unit_from or None)
    said = Words("{unit} was split off {whole}: print its label.", unit=done.unit.lpn, whole=state.unit) \
        if done.new_lpn else ""
    staged = dict(unit=done.unit.lpn, location=place.code)
    staged = Words("{unit} → {location} done: staged for {work_order}.", work_order=done.task.work_order.number,
                   **staged) if done.task.work_order_id else \
        Words("{unit} → {location} done: staged as line-side stock.", **staged)
    after = _next(ctx.user, ctx.at, joined(staged, said))
    return state.clear(), Outcome("ok", after.title, after.detail, lpn=done.new_lpn, replayed=done.replayed)
