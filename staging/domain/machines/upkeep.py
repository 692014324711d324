"""Maintenance and calibration: each machine's planned maintenance (every so many days or running
hours, the hours counted from the machine's states), each tool's and gauge's calibration due date,
what is due or overdue now, and who did what when (the history per machine). Recording a job done
sets when it is due next, and notes it in the station's shift log."""
import datetime
from dataclasses import dataclass

from peewee import JOIN

from ...store.db import write_transaction
from ...store.models import TOOL_KINDS, Barcode, Location, MaintenanceDone, MaintenancePlan, Tool, User, utcnow
from .. import codes, events
from ..errors import Invalid, NotFound
from ..people.permissions import authorize
from ..words import Words
from . import station_log

SOON = datetime.timedelta(days=7)  # due within a week: shown, in amber, before it is overdue
SOON_HOURS = 0.9  # an hours plan with 90 % of its hours run is due soon
NOTES_MAX = 2000


# --- what is planned ---------------------------------------------------------------------------

def add_tool(user, code, name, kind="tool", machine=None, calibration_due=None):
    """A tool or gauge with its own label (the code is registered: scanning it names the tool)."""
    authorize(user, "plan_maintenance")
    code = codes.check_own_code(code, Words("tool code"))
    name = str(name or "").strip()[:120]
    if not name:
        raise Invalid("Give the tool a name.")
    if kind not in TOOL_KINDS:
        raise Invalid("A tool is one of: {kinds}.", kinds=", ".join(TOOL_KINDS))
    with write_transaction():
        if codes.taken(code):
            raise Invalid("The code {code} is already in use.", code=code)
        tool = Tool.create(code=code, name=name, kind=kind, machine=machine, calibration_due=calibration_due)
        Barcode.create(code=code, entity="tool", entity_id=tool.id)
        return tool


def _every(value, what):
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= 100000:
        raise Invalid("Every how many {what}: a whole number from 1 to 100000.", what=what)
    return int(text)


def add_plan(user, name, machine=None, tool=None, every_days=None, every_running_hours=None, now=None):
    """Planned work on a machine, or a tool's or gauge's calibration (every N days): first due one
    interval from now, or as the tool's calibration date says."""
    authorize(user, "plan_maintenance")
    name = str(name or "").strip()[:120]
    days, hours = _every(every_days, Words("days")), _every(every_running_hours, Words("running hours"))
    if not name:
        raise Invalid("Say what is to be done (like “Grease the spindle”).")
    if (days is None) == (hours is None):
        raise Invalid("Give either every how many days or every how many running hours, not both.")
    if (machine is None) == (tool is None):
        raise Invalid("A plan is for one machine or one tool.")
    if tool is not None and hours is not None:
        raise Invalid("A tool's calibration is every so many days.")
    now = now or utcnow()
    due = None
    if days is not None:
        due = tool.calibration_due if tool is not None and tool.calibration_due else now + datetime.timedelta(days=days)
    with write_transaction():
        plan = MaintenancePlan.create(machine=machine, tool=tool, name=name, every_days=days,
                                      every_running_hours=hours, next_due=due, created_at=now,
                                      kind="calibration" if tool is not None else "maintenance")
        if tool is not None and tool.calibration_due != due:
            Tool.update(calibration_due=due).where(Tool.id == tool.id).execute()
        return plan


def tool(code):
    found = codes.lookup(code)
    item = Tool.get_or_none(Tool.id == found[1]) if found and found[0] == "tool" else None
    if item is None:
        raise NotFound("No tool or gauge “{code}”.", code=codes.shown(code))
    return item


def calibration_overdue(item, now=None):
    return item.calibration_due is not None and item.calibration_due < (now or utcnow())


# --- what is due -------------------------------------------------------------------------------

@dataclass
class Due:
    plan: MaintenancePlan
    where: Location | None  # the machine it is for (a tool's: where it is kept)
    state: str  # overdue, soon, ok
    due_at: datetime.datetime | None = None  # days plans
    hours_run: float | None = None  # running-hours plans: hours since last done
    hours_left: float | None = None

    @property
    def what(self):
        return self.plan.tool.name if self.plan.tool_id else self.plan.name


def _running_hours(machine, since):
    from . import states  # the machine's states say when it ran
    return float(states.running_hours(machine, since))


def _judge(plan, now):
    where = plan.machine if plan.machine_id else (plan.tool.machine if plan.tool.machine_id else None)
    if plan.every_days is not None:
        due = plan.tool.calibration_due if plan.tool_id else plan.next_due
        state = "ok" if due is None else ("overdue" if due < now else ("soon" if due < now + SOON else "ok"))
        return Due(plan, where, state, due_at=due)
    run = _running_hours(plan.machine, plan.last_done_at or plan.created_at)
    left = plan.every_running_hours - run
    state = "overdue" if left <= 0 else ("soon" if run >= plan.every_running_hours * SOON_HOURS else "ok")
    return Due(plan, where, state, hours_run=round(run, 1), hours_left=round(left, 1))


_ORDER = {"overdue": 0, "soon": 1, "ok": 2}


def plans(machine=None, now=None):
    """Every active plan judged (overdue, soon, ok), most urgent first; of one machine (its own and
    those of the tools kept there) when given."""
    Kept = Location.alias()
    query = (MaintenancePlan.select(MaintenancePlan, Location, Tool, Kept)
             .join(Location, JOIN.LEFT_OUTER, on=(MaintenancePlan.machine == Location.id))
             .switch(MaintenancePlan).join(Tool, JOIN.LEFT_OUTER)
             .join(Kept, JOIN.LEFT_OUTER, on=(Tool.machine == Kept.id), attr="machine")
             .where(MaintenancePlan.active))
    if machine is not None:
        query = query.where((MaintenancePlan.machine == machine) | (Tool.machine == machine))
    now = now or utcnow()
    judged = [_judge(plan, now) for plan in query]
    return sorted(judged, key=lambda d: (_ORDER[d.state], d.due_at or datetime.datetime.max, d.plan.id))


def due(machine=None, now=None):
    """Plans overdue or due soon (for the machine page, the floor board, the wall screen)."""
    return [d for d in plans(machine, now) if d.state != "ok"]


def tools_overdue(now=None):
    """Tools and gauges whose calibration date has passed, with or without a plan."""
    return list(Tool.select().where(Tool.active, Tool.calibration_due < (now or utcnow()))
                .order_by(Tool.calibration_due))


def counts(now=None):
    """(overdue, due soon): plans, and tools past their calibration date that have no plan."""
    now = now or utcnow()
    judged = due(now=now)
    planned = {d.plan.tool_id for d in judged if d.plan.tool_id}
    loose = [t for t in tools_overdue(now)
             if t.id not in planned and not t.plans.where(MaintenancePlan.active).exists()]
    return sum(d.state == "overdue" for d in judged) + len(loose), sum(d.state == "soon" for d in judged)


# --- what was done -----------------------------------------------------------------------------

def record_done(user, plan_id, notes, cal, now=None):
    """A lead records the plan's work done now: it is due again one interval later."""
    authorize(user, "maintain")
    notes = str(notes or "").strip()
    if not notes:
        raise Invalid("Write what was done (parts changed, readings taken).")
    if len(notes) > NOTES_MAX:
        raise Invalid("That is {length} characters: notes have at most {most}.", length=len(notes), most=NOTES_MAX)
    now = now or utcnow()
    with write_transaction():
        plan = MaintenancePlan.get_or_none(MaintenancePlan.id == plan_id, MaintenancePlan.active) \
            if str(plan_id).isdigit() else None
        if plan is None:
            raise NotFound("No such maintenance plan.")
        next_due = now + datetime.timedelta(days=plan.every_days) if plan.every_days else None
        done = MaintenanceDone.create(plan=plan, by=user, at=now, notes=notes, next_due=next_due)
        plan.last_done_at, plan.next_due = now, next_due
        plan.save()
        if plan.tool_id:
            Tool.update(calibration_due=next_due).where(Tool.id == plan.tool_id).execute()
        where = plan.machine if plan.machine_id else plan.tool.machine
        events.emit(*events.maintenance_event(done, plan, where))
        if where is not None:
            what = plan.tool.name if plan.tool_id else plan.name
            station_log.write(where, "note", f"Maintenance done: {what} by {user}." + (f" {notes}" if notes else ""),
                              user, cal, now)
        return done


def history(machine, limit=50):
    """What was done on a machine and its tools, newest first."""
    return list(MaintenanceDone.select(MaintenanceDone, MaintenancePlan, User, Tool)
                .join(MaintenancePlan).join(Tool, JOIN.LEFT_OUTER)
                .switch(MaintenanceDone).join(User)
                .where((MaintenancePlan.machine == machine) | (Tool.machine == machine))
                .order_by(MaintenanceDone.at.desc(), MaintenanceDone.id.desc()).limit(limit))
