"""Maintenance follows what was done: a plan's last time done is its latest job, and a plan every N
days falls due N days after it (a tool's calibration date with it)."""
import datetime

from peewee import fn

from ...store.models import MaintenanceDone, MaintenancePlan, Tool

PROMISE = ("maintenance: each plan is for one machine or tool, its last done is its latest job, and its next "
           "due follows that by its interval (a tool's calibration date too)")


def broken():
    problems = []
    latest = dict(MaintenanceDone.select(MaintenanceDone.plan, fn.MAX(MaintenanceDone.at))
                  .group_by(MaintenanceDone.plan).tuples())
    tools = {t.id: t for t in Tool.select()}
    for plan in MaintenancePlan.select():
        if (plan.machine_id is None) == (plan.tool_id is None):
            problems.append(f"plan {plan.id}: for {'both a machine and a tool' if plan.machine_id else 'nothing'}")
        if latest.get(plan.id) != plan.last_done_at:
            problems.append(f"plan {plan.id}: last done {plan.last_done_at}, latest job {latest.get(plan.id)}")
        if plan.every_days and plan.last_done_at is not None:
            expected = plan.last_done_at + datetime.timedelta(days=plan.every_days)
            if plan.next_due != expected:
                problems.append(f"plan {plan.id}: next due {plan.next_due}, {plan.every_days} days after last done "
                                f"is {expected}")
        tool = tools.get(plan.tool_id)
        if tool is not None and plan.active and plan.every_days and tool.calibration_due != plan.next_due:
            problems.append(f"tool {tool.code}: calibration due {tool.calibration_due}, its plan {plan.id} says "
                            f"{plan.next_due}")
    return problems
