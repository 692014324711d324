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


@dataclass
class BoardPage:
    """The tiles of one page of the floor board (machines, then output stations) on a screen nobody
    scrolls, with the whole floor's counts; `number` is 0-based, `first`..`last` 1-based."""
    machines: list
    stations: list
    counts: dict
    number: int
    pages: int
    first: int
    last: int
    tiles: int

    @property
    def next(self):
        return (self.number + 1) % self.pages


def page_of(board, number, per_page):
    """Page `number` of the board (any number: it wraps around, so each poll of a TV can ask for the
    next) with at most `per_page` tiles."""
    tiles, per_page = len(board.machines) + len(board.stations), max(1, per_page)
    pages = max(1, -(-tiles // per_page))
    number = number % pages
    start, end = number * per_page, min(tiles, (number + 1) * per_page)
    held = len(board.machines)
    return BoardPage(board.machines[start:end], board.stations[max(0, start - held):max(0, end - held)],
                     board.counts, number, pages, start + 1 if tiles else 0, end, tiles)


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
