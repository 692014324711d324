"""Who may do what: one table, checked by every domain verb (the one choke point)."""
from ..store.models import ROLES
from .errors import Forbidden

# The lowest role allowed each action; higher roles inherit.
REQUIRED_ROLE = {
    "move": "operator",
    "stage": "operator",
    "load": "operator",
    "unload": "operator",
    "consume": "operator",
    "scrap": "operator",
    "split": "operator",
    "undo": "operator",
    "receive": "stager",
    "print_labels": "stager",
    "adjust": "lead",
    "work_orders": "lead",
    "manage_users": "admin",
    "set_up_printers": "admin",
    "hold": "operator",
    "release_hold": "lead",
    "correct": "lead",
    "override_load": "lead",
    "report_output": "operator",
    "produce": "operator",
    "return_shipped": "lead",
    "log_note": "operator",
    "submit_log": "lead",
    "acknowledge": "lead",
    "master_data": "lead",  # locations and parts (plant set-up)
    "opening": "admin",  # opening stock, booked once at go-live
    "settings": "admin",
    "manage_tasks": "lead",
}

ACTION_WORDS = {
    "adjust": "adjust counts",
    "receive": "receive material",
    "manage_users": "manage users",
    "work_orders": "change work orders",
    "print_labels": "print labels",
    "set_up_printers": "set up printers",
    "hold": "put material on QC hold",
    "release_hold": "release a QC hold",
    "correct": "correct recorded quantities",
    "override_load": "load material no open work order needs",
    "report_output": "report output",
    "produce": "report output",
    "return_shipped": "return shipped goods",
    "log_note": "write in the logbook",
    "submit_log": "submit a shift log",
    "acknowledge": "acknowledge safety issues",
    "master_data": "change locations and parts",
    "opening": "book opening stock",
    "settings": "change the plant's settings",
    "manage_tasks": "reorder, assign or cancel staging tasks",
}


def can(user, action):
    if user is None or not user.active:
        return False
    return ROLES.index(user.role) >= ROLES.index(REQUIRED_ROLE[action])


def authorize(user, action):
    if user is None:
        raise Forbidden("Sign in first.")
    if not can(user, action):
        need = REQUIRED_ROLE[action]
        raise Forbidden(f"{user.username} is {_a(user.role)}; only {_a(need)} or above may "
                        f"{ACTION_WORDS.get(action, action)}.")


def _a(word):
    return ("an " if word[0] in "aeiou" else "a ") + word
