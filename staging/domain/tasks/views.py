"""What the desk pages show: a machine's shortages with their tasks, the people a lead can assign
a task to, and the pick list per zone."""
from dataclasses import dataclass, field

from ...store.models import User
from .. import finders, workorders
from .calls import KIND as CALL
from .calls import cards_of
from .planner import sync
from .queue import for_machine, listing


@dataclass
class Shortage:
    work_order: object
    line: object  # workorders.LineView: required, staged, loaded, consumed, short
    tasks: list = field(default_factory=list)

    @property
    def covered(self):
        return self.line.short <= 0


@dataclass
class MachineTasks:
    machine: object
    shortages: list = field(default_factory=list)  # lines short now, or with tasks lately
    others: list = field(default_factory=list)  # line-side min/max tasks

    @property
    def live(self):
        return [t for s in self.shortages for t in s.tasks if t.state in ("open", "claimed")] + [
            t for t in self.others if t.state in ("open", "claimed")]


def shortages_of(code, rules):
    """A machine's material lines that are short, or that had tasks lately, each with its tasks."""
    machine = finders.machine(code)
    sync(rules)
    by_line = {}
    others = []
    for task in for_machine(machine.id):
        if task.work_order_id is None:
            others.append(task)
        else:
            by_line.setdefault((task.work_order_id, task.part_id), []).append(task)
    view = MachineTasks(machine, others=[t for t in others if t.state in ("open", "claimed")])
    for ov in workorders.machine_view(machine, horizon_hours=rules.horizon_hours).orders:
        for lv in ov.lines:
            found = by_line.get((ov.wo.id, lv.part.id), [])
            if lv.short > 0 or found:
                view.shortages.append(Shortage(ov.wo, lv, found[:12]))
    return view


@dataclass
class TaskList:
    tasks: list
    people: list  # who a lead can give a task to
    cards: dict = field(default_factory=dict)  # task id -> the kanban card it brings material for


def task_list(rules):
    """Every live task in queue order, the active people a lead can assign them to, and the kanban
    cards of the tasks that do a card's call."""
    sync(rules)
    found = listing()
    return TaskList(found, list(User.select().where(User.active).order_by(User.username)),
                    cards_of(t.id for t in found if t.kind == CALL))


def pick_list(rules):
    """Live tasks grouped by the area their pallet is in (its parent location): a printed pick
    list for plants without handhelds, one zone after the other."""
    sync(rules)
    zones = {}
    for task in listing():
        where = task.from_location
        zone = where.parent.code if where is not None and where.parent_id else (where.code if where else "—")
        zones.setdefault(zone, []).append(task)
    return sorted(zones.items())
