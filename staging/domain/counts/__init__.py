"""The count program: plans (which locations, due when), counting on the handheld (entries, blind),
review and booking (tolerance, recount, a lead's approval; the one stock path, ledger kind `count`),
count classes and tolerances, and inventory record accuracy."""
from . import accuracy, classes, entries, plans, review, view
from .entries import Counted, begin, enter, next_task
from .plans import plan
from .review import approve, submit

__all__ = ["accuracy", "classes", "entries", "plans", "review", "view", "Counted", "begin", "enter", "next_task",
           "plan", "approve", "submit"]
