"""Staging tasks: shortages on the lines become tasks naming the pallet to bring, an operator
claims the next one on the handheld, and the stage verb finishes it.

rules     the plant's settings (horizon, over-staging allowed, claim time)
places    a machine's line-side places, a work order's own lane, line-side min/max (kanban)
picking   which pallets: first expiry first out, else first in first out, then the nearest
planner   shortages -> tasks; `sync` follows the ledger, touching only the parts that moved; `refresh`
          also looks at all orders now and then: the background job's (refresher, off the request path)
queue     the next task, claim, release; a lead's reorder, assign and cancel
cards     kanban cards: a lead's loops of printed cards for a line-side place
calls     a card scanned calls its quantity: a task at once, or a call waiting for stock
doing     taking a pallet for a task and staging it at the task's place
views     what the desk pages show: shortages with their tasks, people, the pick list per zone"""
from . import calls, cards, places, refresher
from .doing import Done, complete, fitting, move, take
from .picking import LIVE, candidates, choose
from .planner import recompute, refresh, sync
from .queue import assign, cancel, claim, for_machine, get, holds, listing, naming, release, to_top
from .queue import next_for as _next_for
from .rules import DEFAULT, Rules
from .views import MachineTasks, Shortage, TaskList, pick_list, shortages_of, task_list

__all__ = [
    "calls", "cards", "places", "Done", "complete", "fitting", "move", "take", "LIVE", "candidates", "choose",
    "recompute", "sync",
    "refresh", "refresher",
    "assign", "cancel", "claim", "for_machine", "get", "holds", "listing", "naming", "release", "to_top", "Rules",
    "DEFAULT", "next_for", "open_tasks", "pick_list", "MachineTasks", "Shortage", "TaskList", "task_list",
    "shortages_of",
]


def next_for(user, rules=DEFAULT, now=None):
    """The next task for this operator, with the tasks brought up to date first."""
    sync(rules, now)
    return _next_for(user, now)


def open_tasks(rules=DEFAULT, machine=None, person=None):
    """The live tasks in queue order (brought up to date first)."""
    sync(rules)
    return listing(machine=machine, person=person)

