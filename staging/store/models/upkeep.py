"""What keeps the floor running beside the stock: tools and gauges with their calibration, planned
maintenance of machines and tools and what was done, andon calls from the floor, and the wall
screens that show it all."""
from peewee import BooleanField, CharField, Check, DateTimeField, ForeignKeyField, IntegerField, TextField

from .core import BaseModel, Location, User, utcnow
from .records import LogNote

TOOL_KINDS = ("tool", "gauge")
PLAN_KINDS = ("maintenance", "calibration")
ANDON_KINDS = ("safety", "quality", "material")


class Tool(BaseModel):
    """A tool or gauge with its own label; a gauge's calibration falls due on calibration_due."""
    code = CharField(max_length=40, unique=True)
    name = CharField(max_length=120)
    kind = CharField(max_length=8, default="tool", constraints=[Check("kind IN ('tool','gauge')")])
    machine = ForeignKeyField(Location, null=True, backref="+", on_delete="SET NULL")  # where it is kept
    calibration_due = DateTimeField(null=True)  # naive UTC; none: not calibrated
    active = BooleanField(default=True)

    def __str__(self):
        return self.name


class MaintenancePlan(BaseModel):
    """Planned work on a machine or a tool, every so many days or running hours. next_due is the
    date it falls due (None for a plan counted in running hours: that follows the machine's states)."""
    machine = ForeignKeyField(Location, null=True, backref="+", on_delete="CASCADE")
    tool = ForeignKeyField(Tool, null=True, backref="plans", on_delete="CASCADE")
    kind = CharField(max_length=12, default="maintenance",
                     constraints=[Check("kind IN ('maintenance','calibration')")])
    name = CharField(max_length=120)  # what is done: "Grease the spindle", "Calibrate"
    every_days = IntegerField(null=True, constraints=[Check("every_days IS NULL OR every_days > 0")])
    every_running_hours = IntegerField(null=True, constraints=[
        Check("every_running_hours IS NULL OR every_running_hours > 0")])
    last_done_at = DateTimeField(null=True)
    next_due = DateTimeField(null=True, index=True)
    created_at = DateTimeField(default=utcnow)
    active = BooleanField(default=True)


class MaintenanceDone(BaseModel):
    """One time a plan's work was done: who, when, what they noted, and when it is due next."""
    plan = ForeignKeyField(MaintenancePlan, backref="done", on_delete="CASCADE")
    by = ForeignKeyField(User, backref="+")
    at = DateTimeField(default=utcnow)
    notes = TextField(default="")
    next_due = DateTimeField(null=True)

    class Meta:
        indexes = ((("plan", "at"), False),)


class AndonCall(BaseModel):
    """A call for help from the floor (safety, quality, material) at a machine or place: raised by
    anyone, acknowledged and then closed by a lead, with what was done."""
    kind = CharField(max_length=8, constraints=[Check("kind IN ('safety','quality','material')")])
    place = ForeignKeyField(Location, backref="+")
    by = ForeignKeyField(User, backref="+")
    at = DateTimeField(default=utcnow, index=True)
    client_scan_id = CharField(max_length=64, null=True, unique=True)  # a replayed scan calls once
    acknowledged_by = ForeignKeyField(User, null=True, backref="+")
    acknowledged_at = DateTimeField(null=True)
    closed_by = ForeignKeyField(User, null=True, backref="+")
    closed_at = DateTimeField(null=True, index=True)
    what_was_done = TextField(default="")
    # The note it made in its station's shift log (none: a place below no machine or output station).
    note = ForeignKeyField(LogNote, null=True, backref="+", on_delete="SET NULL")


class Screen(BaseModel):
    """A wall screen: a TV showing the floor without anyone signed in. Its token (only the hash is
    kept) opens that screen and nothing else; an admin revokes it."""
    name = CharField(max_length=80)
    token_hash = CharField(max_length=64, unique=True)
    created_by = ForeignKeyField(User, null=True, backref="+")  # none: made on the server's console
    created_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)
    last_seen_at = DateTimeField(null=True)
