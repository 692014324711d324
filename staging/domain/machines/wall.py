"""What a wall screen shows, read in a few queries whatever the size of the plant: the floor board,
each machine's state, the open andon calls, the staging tasks waiting per machine, and the
maintenance and calibration due or overdue."""
from dataclasses import dataclass, field

from peewee import fn

from ...store.models import StagingTask, utcnow
from .. import logbook, workorders
from . import andon, states, upkeep

WAITING = ("open", "claimed")


@dataclass
class Wall:
    board: object
    states: dict  # machine location id -> {"state", "reason", "since", "by"}
    calls: list
    tasks: dict  # machine location id -> tasks waiting
    due: list
    tools: list  # tools and gauges past their calibration date
    safety: list = field(default_factory=list)
    overdue_logs: int = 0
    now: object = None

    @property
    def tasks_waiting(self):
        return sum(self.tasks.values())


def tasks_waiting():
    return dict(StagingTask.select(StagingTask.machine, fn.COUNT(StagingTask.id))
                .where(StagingTask.state.in_(WAITING)).group_by(StagingTask.machine).tuples())


def view(cal, horizon_hours=4, now=None):
    now = now or utcnow()
    due = upkeep.due(now=now)
    planned = {d.plan.tool_id for d in due if d.plan.tool_id}
    return Wall(board=workorders.board(now=now, horizon_hours=horizon_hours), states=states.by_machine(),
                calls=andon.open_calls(), tasks=tasks_waiting(), due=due,
                tools=[t for t in upkeep.tools_overdue(now) if t.id not in planned],
                safety=logbook.open_safety(), overdue_logs=logbook.overdue_count(cal, now), now=now)
