"""What the plant keeps beside the stock: shift logs, label printing, sign-in failures and
security events, master-data changes and settings."""
from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .core import BaseModel, Location, User, utcnow

LOG_NOTE_KINDS = ("downtime", "safety", "quality", "note")
NOTE_MAX = 2000  # characters of a log note: a shift's story, not a document


class ShiftLog(BaseModel):
    """The logbook of one station for one shift; locked once a lead submits it."""
    station = ForeignKeyField(Location, backref="shift_logs")
    day = DateField()  # the plant-local date the shift starts on
    shift = CharField(max_length=32)
    submitted_at = DateTimeField(null=True)
    submitted_by = ForeignKeyField(User, null=True, backref="+")
    snapshot = TextField(null=True)  # JSON: the automatic part as it stood when submitted
    # The window (naive UTC) and time zone the log was opened under: a later change of the plant's
    # shifts or zone applies from the next shift and never moves this one.
    starts_at = DateTimeField(null=True)
    ends_at = DateTimeField(null=True)
    zone = CharField(max_length=64, null=True)
    seal = CharField(max_length=64, null=True)  # sha256 of what was locked (logbooks' promise)

    class Meta:
        indexes = ((("station", "day", "shift"), True),)


class LogNote(BaseModel):
    """What people add to a shift log: downtime, a safety issue, a quality note."""
    log = ForeignKeyField(ShiftLog, backref="notes", on_delete="CASCADE")
    kind = CharField(max_length=16)
    text = TextField()  # at most NOTE_MAX characters (the domain refuses more)
    minutes = IntegerField(null=True)  # downtime
    user = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow)
    acknowledged_at = DateTimeField(null=True, index=True)
    acknowledged_by = ForeignKeyField(User, null=True, backref="+")


class Printer(BaseModel):
    """A label printer on the network, by name: ZPL over raw TCP (port 9100)."""
    name = CharField(max_length=40, unique=True)
    host = CharField(max_length=120)
    port = IntegerField(default=9100)
    dpi = IntegerField(default=203)
    size = CharField(max_length=16, default="4x6")  # the media loaded: 4x6, 4x2, 100x50
    # The place it serves: a new unit's label there, or anywhere below it, prints here at once.
    serves = ForeignKeyField(Location, null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    # What its host status (~HS) said last: one of PRINTER_STATES, since when, when last asked, and
    # in words why it does not print (the connection error, "buffer full"), "" when it prints.
    status = CharField(max_length=16, default="unknown")
    status_since = DateTimeField(null=True)
    checked_at = DateTimeField(null=True)
    status_note = CharField(max_length=200, default="")
    timeout_minutes = IntegerField(default=30)  # a job waiting longer fails and says so
    # Who sends to it now: one process (of any host) at a time holds the lease, so a job is sent
    # by one sender only and the printer's jobs go out in order.
    lease_holder = CharField(max_length=64, null=True)
    lease_until = DateTimeField(null=True)

    def __str__(self):
        return self.name


PRINTER_STATES = ("ready", "paper_out", "ribbon_out", "head_open", "paused", "offline", "unknown")
PRINT_JOB_STATES = ("queued", "sending", "sent", "failed", "cancelled")


class PrintJob(BaseModel):
    """Labels for one printer, kept until sent: queued while the printer cannot print, sending while
    one sender has it on the wire, then sent, failed (with why) or cancelled."""
    printer = ForeignKeyField(Printer, backref="print_jobs")
    user = ForeignKeyField(User, null=True, backref="+")
    kind = CharField(max_length=16)  # unit, location
    codes = TextField()  # the codes on the labels, one per line
    copies = IntegerField(default=1)
    reprint = BooleanField(default=False)  # a person printed these again: the labels say REPRINT
    payload = BlobField()  # the ZPL, rendered when asked for (the printer's size and resolution)
    state = CharField(max_length=16, default="queued", index=True)
    attempts = IntegerField(default=0)
    error = TextField(default="")  # why it waits or failed, in words; "" once sent
    waited = TextField(default="")  # why it had to wait, kept once sent: the history of a late label
    request = CharField(max_length=64, null=True, unique=True)  # the caller's id: the same request once
    created_at = DateTimeField(default=utcnow)
    queued_at = DateTimeField(default=utcnow)  # since when it waits (a retry waits anew)
    updated_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("printer", "state"), False),)


class LabelJob(BaseModel):
    """A batch of labels rendered in the background; progress lives here so any worker can report it."""
    user = ForeignKeyField(User, backref="+")
    kind = CharField(max_length=16)
    size = CharField(max_length=16)
    output = CharField(max_length=16)  # pdf, zpl, printer
    printer = ForeignKeyField(Printer, null=True, backref="jobs", on_delete="SET NULL")
    sheet = CharField(max_length=16, default="")
    dpi = IntegerField(default=203)
    selection = TextField(default="")  # what was asked for, in words
    total = IntegerField(default=0)
    done = IntegerField(default=0)
    status = CharField(max_length=16, default="queued")  # queued, rendering, sending, done, failed
    error = TextField(default="")
    result = BlobField(null=True)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class LabelPrint(BaseModel):
    """Who printed which label, when, where: the history behind reprints."""
    kind = CharField(max_length=16)  # unit, location, badge, commands
    code = CharField(max_length=120)  # the LPN, location code or badge on the label
    user = ForeignKeyField(User, null=True, backref="+")
    printer = ForeignKeyField(Printer, null=True, backref="+", on_delete="SET NULL")
    output = CharField(max_length=16)  # printer, zpl, pdf
    size = CharField(max_length=16)
    reprint = BooleanField(default=False)
    # A file or print page made is not a print: printed only when sent to a printer, or confirmed.
    printed = BooleanField(default=False)
    job = ForeignKeyField(LabelJob, null=True, backref="prints", on_delete="SET NULL")
    print_job = ForeignKeyField(PrintJob, null=True, backref="prints", on_delete="SET NULL")
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("kind", "code"), False),)


class LoginFailure(BaseModel):
    """A failed sign-in: counted per user name and per address by every worker and host alike."""
    username = CharField(max_length=64, default="")  # "" for a badge scan
    address = CharField(max_length=64, default="")
    device = CharField(max_length=64, default="")  # the device's signed key; "" for a client without one
    kind = CharField(max_length=16, null=True, default="")  # password, pin or badge (none: a password, from before)
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = ((("username", "at"), False), (("address", "at"), False))


class MasterChange(BaseModel):
    """Who changed which master data (a location, part, person, setting), when, from what to what.
    before/after are JSON objects of the fields; before is null for a creation."""
    user = ForeignKeyField(User, null=True, backref="+")
    at = DateTimeField(default=utcnow, index=True)
    kind = CharField(max_length=16)  # location, part, user, setting
    code = CharField(max_length=120)
    before = TextField(null=True)
    after = TextField(null=True)

    class Meta:
        indexes = ((("kind", "code"), False),)


class Setting(BaseModel):
    """A plant setting changed on the settings page; the environment gives the defaults."""
    name = CharField(max_length=40, primary_key=True)
    value = TextField()


SECURITY_EVENTS = (
    "sign_in", "sign_in_failed", "badge_failed", "pin_failed", "sign_out", "password_changed",
    "badge_reissued", "pin_set", "role_changed", "deactivated", "activated", "token_created",
    "tokens_revoked", "throttled", "scans_dropped",
)


class SecurityEvent(BaseModel):
    """Who signed in, failed, or changed someone's access: kept for an admin to read and export."""
    at = DateTimeField(default=utcnow, index=True)
    kind = CharField(max_length=32, index=True)
    actor = CharField(max_length=64, default="")  # who did it ("" when nobody signed in)
    subject = CharField(max_length=64, default="")  # whose access it concerns
    address = CharField(max_length=64, default="")
    device = CharField(max_length=64, default="")
    detail = CharField(max_length=200, default="")
