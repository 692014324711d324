"""Who may do what: one table, checked by every domain verb (the one choke point)."""
from ...store.models import ROLES
from ..errors import Forbidden
from ..words import Words

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
    "webhooks": "admin",  # where the plant's events go, and the secrets that sign them
    "andon": "operator",  # call for help at a machine or place
    "answer_andon": "lead",  # acknowledge and close a call
    "maintain": "lead",  # record maintenance or a calibration done
    "plan_maintenance": "lead",  # tools, gauges and maintenance plans
    "manage_screens": "admin",  # wall screens and their links
    "machine_state": "operator",
    "count": "operator",  # enter a count, submit a location: differences within tolerance book themselves
    "plan_counts": "lead",
    "approve_count": "lead",
}

ACTION_WORDS = {
    "adjust": Words("adjust counts"),
    "receive": Words("receive material"),
    "manage_users": Words("manage users"),
    "work_orders": Words("change work orders"),
    "print_labels": Words("print labels"),
    "set_up_printers": Words("set up printers"),
    "hold": Words("put material on QC hold"),
    "release_hold": Words("release a QC hold"),
    "correct": Words("correct recorded quantities"),
    "override_load": Words("load material no open work order needs"),
    "report_output": Words("report output"),
    "produce": Words("report output"),
    "return_shipped": Words("return shipped goods"),
    "log_note": Words("write in the logbook"),
    "submit_log": Words("submit a shift log"),
    "acknowledge": Words("acknowledge safety issues"),
    "master_data": Words("change locations and parts"),
    "opening": Words("book opening stock"),
    "settings": Words("change the plant's settings"),
    "manage_tasks": Words("reorder, assign or cancel staging tasks"),
    "webhooks": Words("manage webhooks"),
    "andon": Words("call for help"),
    "answer_andon": Words("acknowledge and close andon calls"),
    "maintain": Words("record maintenance done"),
    "plan_maintenance": Words("plan maintenance and calibration"),
    "manage_screens": Words("manage wall screens"),
    "machine_state": Words("set a machine's state"),
    "count": Words("count stock"),
    "plan_counts": Words("plan counts"),
    "approve_count": Words("approve a count"),
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
        raise Forbidden("{user} is {role}; only {needed} or above may {action}.", user=user.username,
                        role=ROLE_WITH_ARTICLE[user.role], needed=ROLE_WITH_ARTICLE[need],
                        action=ACTION_WORDS.get(action, action))


# "an operator", "a lead": the role as the refusal says it (a translator picks the article).
ROLE_WITH_ARTICLE = {"operator": Words("an operator"), "stager": Words("a stager"), "lead": Words("a lead"),
                     "admin": Words("an admin")}
