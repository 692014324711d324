"""Staging tasks and line-side places, and what output pallets were made from."""
from peewee import (
    BooleanField,
    CharField,
    Check,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from .core import BaseModel, Entry, Location, Part, Quantity, Unit, User, WorkOrder, utcnow

# --- staging tasks: where material is staged, what to bring there, and line-side kanban ------------

LINE_SIDE_KINDS = ("lane", "bin")
TASK_STATES = ("open", "claimed", "done", "cancelled")


class LineSidePlace(BaseModel):
    """A machine's line-side place: a staging lane in front of it or a bin beside it."""
    machine = ForeignKeyField(Location, backref="+", on_delete="CASCADE")
    place = ForeignKeyField(Location, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=8, default="lane", constraints=[Check("kind IN ('lane','bin')")])
    sort_key = IntegerField(default=0)

    class Meta:
        indexes = ((("machine", "place"), True),)


class WorkOrderLane(BaseModel):
    """The lane a work order names for its material, instead of its machine's first lane."""
    work_order = ForeignKeyField(WorkOrder, backref="+", on_delete="CASCADE", unique=True)
    place = ForeignKeyField(Location, backref="+")


class LineSideStock(BaseModel):
    """Kanban without cards: below `minimum` at `place`, bring it up to `maximum`."""
    place = ForeignKeyField(Location, backref="+", on_delete="CASCADE")
    part = ForeignKeyField(Part, backref="+", on_delete="CASCADE")
    minimum = Quantity(constraints=[Check("minimum >= 0")])
    maximum = Quantity(constraints=[Check("maximum > 0")])

    class Meta:
        indexes = ((("place", "part"), True),)


class UnitExpiry(BaseModel):
    """A pallet's own expiry date, from its GS1 label (AI 17): before the part's shelf life."""
    unit = ForeignKeyField(Unit, backref="+", on_delete="CASCADE", unique=True)
    expires_on = DateField()


class StagingTask(BaseModel):
    """Bring a pallet (or part of one) from where it is to a line-side place. One operator holds a
    claim at a time, until it expires; `done` when a fitting pallet was staged at `to_location`."""
    kind = CharField(max_length=8, default="order")  # order: a work order's shortage; kanban: min/max
    work_order = ForeignKeyField(WorkOrder, null=True, backref="+", on_delete="CASCADE")
    machine = ForeignKeyField(Location, backref="+")
    part = ForeignKeyField(Part, backref="+")
    unit = ForeignKeyField(Unit, null=True, backref="+")  # the suggested pallet
    from_location = ForeignKeyField(Location, null=True, backref="+")
    to_location = ForeignKeyField(Location, backref="+")
    quantity = Quantity()  # how much to bring: all of the pallet, or what to take off it
    whole = BooleanField(default=True)  # False: take `quantity` off the pallet, leave the rest
    state = CharField(max_length=10, default="open",
                      constraints=[Check("state IN ('open','claimed','done','cancelled')")])
    claimed_by = ForeignKeyField(User, null=True, backref="+")
    claim_expires_at = DateTimeField(null=True)
    assigned_to = ForeignKeyField(User, null=True, backref="+")  # a lead gave it to this person
    rank = IntegerField(null=True)  # a lead's order; None: by due time and machine state
    due_at = DateTimeField(null=True)
    priority = IntegerField(default=9)  # the work order's state: running 0, released 1, planned 2
    note = CharField(max_length=200, default="")  # why it was cancelled, or which pallet did it
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "staging_task"
        indexes = ((("state", "machine"), False), (("state", "part"), False), (("unit", "state"), False))


class TaskSync(BaseModel):
    """How far the tasks have followed the ledger (the last entry id seen), and when orders were
    last looked at whole: the tasks are brought up to date from the entries after it."""
    name = CharField(max_length=16, primary_key=True)
    last_entry = IntegerField(default=0)
    full_at = DateTimeField(null=True)


class OutputUnit(BaseModel):
    """A finished-goods unit made for a work order (issue 17): the good output, one row per pallet."""
    unit = ForeignKeyField(Unit, unique=True, backref="+")
    work_order = ForeignKeyField(WorkOrder, backref="output_units", on_delete="CASCADE")
    machine = ForeignKeyField(Location, null=True, backref="+")
    quantity = Quantity()
    entry = ForeignKeyField(Entry, backref="+")  # its produce row: where the next output's genealogy starts
    user = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow)


class Genealogy(BaseModel):
    """What an output unit was made from: one row per input unit, written when it is produced."""
    output = ForeignKeyField(Unit, backref="made_from")
    input = ForeignKeyField(Unit, backref="went_into")
    part = ForeignKeyField(Part, backref="+")
    lot = CharField(max_length=40, default="", index=True)
    quantity = Quantity()
    supplier_lot = CharField(max_length=40, default="")  # the lot on the supplier's label, if received with one
    sscc = CharField(max_length=20, default="")  # the supplier's pallet code, if received with one
    machine = ForeignKeyField(Location, null=True, backref="+")
    user = ForeignKeyField(User, null=True, backref="+")  # who consumed it (last)
    at = DateTimeField(null=True)  # when it was consumed (last)

    class Meta:
        indexes = ((("output", "input"), True),)


# --- kanban cards: a printed card at a line-side place calls a quantity of a part ------------------

CALL_STATES = ("waiting", "tasked", "done")


class KanbanCard(BaseModel):
    """A printed card of a loop (`number` of `count`, two-bin or n-card): scanned, it calls
    `quantity` of `part` to `place`; back in the loop when its call is done."""
    code = CharField(max_length=40, unique=True)
    place = ForeignKeyField(Location, backref="+")
    part = ForeignKeyField(Part, backref="+")
    quantity = Quantity(constraints=[Check("quantity > 0")])
    loop = CharField(max_length=40, index=True)  # the loop's name: its first card's code
    number = IntegerField(default=1)  # card `number` of `count` in its loop
    count = IntegerField(default=1)
    active = BooleanField(default=True)
    created_by = ForeignKeyField(User, null=True, backref="+")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "kanban_card"


class Call(BaseModel):
    """A card scanned: waiting (no pallet to bring yet), tasked (its staging task is on its way), done
    (the task was done: the card is back in the loop). `part` repeats the card's, so waiting calls of a
    part are found by one indexed read when stock of it arrives."""
    card = ForeignKeyField(KanbanCard, backref="+")
    part = ForeignKeyField(Part, backref="+")
    state = CharField(max_length=8, default="waiting",
                      constraints=[Check("state IN ('waiting','tasked','done')")])
    task = ForeignKeyField(StagingTask, null=True, backref="+")
    at = DateTimeField(default=utcnow)
    by = ForeignKeyField(User, null=True, backref="+")
    client_scan_id = CharField(max_length=64, null=True, unique=True)  # the same scan twice calls once
    done_at = DateTimeField(null=True)

    class Meta:
        table_name = "kanban_call"
        indexes = ((("state", "part"), False), (("card", "state"), False), (("task",), False))
