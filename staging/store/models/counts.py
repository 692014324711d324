"""Counts: what a lead planned (Count), one task per location to count (CountTask), what counters
entered (CountEntry), the comparison per pallet (CountLine, which names the ledger row that booked
its difference) and a part's count class where a lead set it by hand (PartCountClass)."""
from peewee import BooleanField, CharField, Check, DateField, DateTimeField, ForeignKeyField, IntegerField

from .core import BaseModel, Entry, Location, Part, Quantity, Unit, User, utcnow

COUNT_STATUSES = ("open", "closed")
COUNT_TASK_STATES = ("open", "counting", "recount", "approval", "done")
COUNT_LINE_STATES = ("open", "ok", "booked", "recount", "approval")
COUNT_CLASSES = ("A", "B", "C")


class Count(BaseModel):
    """A count a lead planned: which locations (its tasks), due by when, blind or not."""
    kind = CharField(max_length=16)  # locations, area, part, stale, class
    scope = CharField(max_length=200, default="")  # what was asked for, in words
    blind = BooleanField(default=True)
    status = CharField(max_length=8, default="open", constraints=[Check("status IN ('open','closed')")])
    due_on = DateField(null=True)
    created_by = ForeignKeyField(User, null=True, backref="+")
    created_at = DateTimeField(default=utcnow)
    closed_at = DateTimeField(null=True)


class CountTask(BaseModel):
    """One location of a count: counted by one or more people, submitted, maybe recounted, done."""
    count = ForeignKeyField(Count, backref="tasks", on_delete="CASCADE")
    location = ForeignKeyField(Location, backref="+")
    state = CharField(max_length=10, default="open", index=True, constraints=[
        Check("state IN ('open','counting','recount','approval','done')")])
    started_at = DateTimeField(null=True)  # the first scan of this round: moves after it are moves
    claimed_by = ForeignKeyField(User, null=True, backref="+")
    claim_expires_at = DateTimeField(null=True)
    due_on = DateField(null=True)
    done_at = DateTimeField(null=True, index=True)

    class Meta:
        table_name = "count_task"
        indexes = ((("count", "location"), True), (("location", "done_at"), False))


class CountEntry(BaseModel):
    """One pallet counted by one person: a unit in the books, or a find (part, lot) that is not."""
    count = ForeignKeyField(Count, backref="entries", on_delete="CASCADE")
    task = ForeignKeyField(CountTask, backref="entries", on_delete="CASCADE")
    round = IntegerField(default=1)  # 1: the count, 2: the recount
    unit = ForeignKeyField(Unit, null=True, backref="+")
    part = ForeignKeyField(Part, backref="+")
    lot = CharField(max_length=40, default="")
    quantity = Quantity(constraints=[Check("quantity >= 0")])
    # What the books said of this pallet here when it was scanned (null: not here then).
    expected = Quantity(null=True)
    replaced = BooleanField(default=False)  # counted again: the later entry counts
    user = ForeignKeyField(User, backref="+")
    client_scan_id = CharField(max_length=64, null=True, unique=True)
    at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "count_entry"
        indexes = ((("task", "round"), False),)


class CountLine(BaseModel):
    """A pallet of a submitted location: expected as of its scan, counted, recounted; a difference
    booked names its ledger row (entry), which is how `check` ties every count row to its count."""
    count = ForeignKeyField(Count, backref="lines", on_delete="CASCADE")
    task = ForeignKeyField(CountTask, backref="lines", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, null=True, backref="+")
    part = ForeignKeyField(Part, backref="+")
    lot = CharField(max_length=40, default="")
    expected = Quantity(null=True)  # null: not in the books here (a find, or a pallet from elsewhere)
    counted = Quantity(null=True)
    recounted = Quantity(null=True)
    variance = Quantity(default=0)  # what is booked: (recounted or counted) - expected
    state = CharField(max_length=10, default="open", constraints=[
        Check("state IN ('open','ok','booked','recount','approval')")])
    moved = BooleanField(default=False)  # moved in or out after the count of its location began
    within = BooleanField(default=True)  # the first count was within the plant's tolerance
    entry = ForeignKeyField(Entry, null=True, unique=True, backref="+")
    approved_by = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow, index=True)  # when its location was submitted (accuracy by week)

    class Meta:
        table_name = "count_line"
        indexes = ((("task", "state"), False),)


class PartCountClass(BaseModel):
    """A part's count class set by a lead; without a row, the class comes from its movement."""
    part = ForeignKeyField(Part, backref="+", unique=True, on_delete="CASCADE")
    klass = CharField(max_length=1, constraints=[Check("klass IN ('A','B','C')")])

    class Meta:
        table_name = "part_count_class"
