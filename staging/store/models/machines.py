"""What a machine is doing: running, idle, down (with a reason), changeover, maintenance."""
from peewee import CharField, Check, DateTimeField, ForeignKeyField

from .core import BaseModel, Location, User, utcnow

MACHINE_STATES = ("running", "idle", "down", "changeover", "maintenance")


class MachineState(BaseModel):
    """A machine's states as an append-only history: each row holds from `since` until the next row of
    the same machine; the latest row is the state now. Never updated or deleted (the downtime in a
    locked logbook was counted from these rows)."""
    machine = ForeignKeyField(Location, backref="+", on_delete="CASCADE")
    state = CharField(max_length=12, constraints=[
        Check("state IN ('running','idle','down','changeover','maintenance')")])
    reason = CharField(max_length=80, default="")  # down: one of the plant's down reasons
    since = DateTimeField(default=utcnow)
    by = ForeignKeyField(User, null=True, backref="+")
    device = CharField(max_length=64, null=True)  # the handheld it was set on, if any

    class Meta:
        table_name = "machine_state"
        indexes = ((("machine", "id"), False), (("machine", "since"), False), (("since",), False))
