"""The daily logbook: per station (machine or output station) and shift, the shift's moves,
loads, consumption and waste at that station (from the ledger, an indexed time range), plus
what people add: downtime, safety issues (flagged to leads until acknowledged), quality notes.
A lead submits the log at the end of the shift; then it is locked.

Shifts are plant-local wall-clock times; a shift may cross midnight. Windows are computed with
zoneinfo, so a shift spanning a daylight-saving change is an hour shorter or longer."""
import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from peewee import JOIN, fn

from ..store.db import write_transaction
from ..store.models import Entry, Location, LogNote, Part, Setting, ShiftLog, Unit, User, utcnow
from . import log_notes
from .errors import Forbidden, Invalid, NotFound
from .logseal import seal
from .machines.states import stops
from .people.permissions import authorize

UTC = datetime.timezone.utc
ZERO = Decimal("0")
SHIFT = re.compile(r"^\s*([\w .-]{1,32}?)\s*=\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
STATIONS = ("machine", "output")
SINCE = "shifts.since"  # Setting: when the plant's shifts and zone now in force took effect (naive UTC, ISO)


@dataclass(frozen=True)
class Shift:
    name: str
    start: datetime.time
    end: datetime.time

    @property
    def crosses_midnight(self):
        return self.end <= self.start

    def __str__(self):
        return f"{self.name} {self.start:%H:%M}–{self.end:%H:%M}"


def parse_shifts(text):
    """"Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00" -> [Shift, ...]."""
    shifts = []
    for part in (text or "").split(","):
        if not part.strip():
            continue
        m = SHIFT.match(part)
        if not m:
            raise ValueError(f"SHIFTS: “{part.strip()}” is not NAME=HH:MM-HH:MM")
        name, h1, m1, h2, m2 = m.groups()
        try:
            shifts.append(Shift(name.strip(), datetime.time(int(h1), int(m1)), datetime.time(int(h2), int(m2))))
        except ValueError:
            raise ValueError(f"SHIFTS: “{part.strip()}” has an impossible time") from None
    if not shifts:
        raise ValueError("SHIFTS names no shift")
    if len({s.name for s in shifts}) != len(shifts):
        raise ValueError("SHIFTS names a shift twice")
    return shifts


def parse_go_live(text, zone):
    """GO_LIVE in plant time, "2026-11-02" or "2026-11-02 06:00", as naive UTC."""
    try:
        value = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"GO_LIVE: “{text}” is not a date (2026-11-02) or date and time (2026-11-02 06:00)") from None
    return _utc(value, zone)


def _utc(local_naive, zone):
    return local_naive.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


@dataclass
class Calendar:
    """The plant's shifts and time zone."""
    shifts: list
    zone: ZoneInfo
    grace: datetime.timedelta = datetime.timedelta(hours=1)
    # When the plant started using this (naive UTC): no shift log is owed for a shift that ended
    # before. None: from the plant's first recorded activity (the ledger's first entry).
    go_live: datetime.datetime = None

    @classmethod
    def from_settings(cls, shifts, zone, grace_minutes=60, go_live=None):
        zone = ZoneInfo(zone) if isinstance(zone, str) else zone
        if isinstance(go_live, str):
            go_live = parse_go_live(go_live, zone)
        return cls(parse_shifts(shifts) if isinstance(shifts, str) else list(shifts), zone,
                   datetime.timedelta(minutes=grace_minutes), go_live)

    @classmethod
    def from_config(cls, config):
        return cls.from_settings(config["SHIFTS"], config["PLANT_TIMEZONE"], config["LOG_GRACE_MINUTES"],
                                 config.get("GO_LIVE") or None)

    def live_since(self):
        """The go-live moment (naive UTC), or None while the plant has recorded nothing."""
        if self.go_live is not None:
            return self.go_live
        return Entry.select(fn.MIN(Entry.at)).scalar()

    def owed(self, end, live, start=None):
        """Whether a log is owed for a shift ending at `end`: only once the plant was live, and (given its
        start) for a shift of the calendar in force then: a change of shifts applies from the next shift."""
        if start is not None and start < self.since():
            return False
        return live is not None and end > live

    def since(self):
        """When the shifts and zone now in force took effect (naive UTC); the dawn of time when never changed."""
        if not hasattr(self, "_since"):
            text = Setting.select(Setting.value).where(Setting.name == SINCE).scalar()
            try:
                self._since = datetime.datetime.fromisoformat(text) if text else datetime.datetime.min
            except ValueError:
                self._since = datetime.datetime.min
        return self._since

    def next_start(self, now=None):
        """When a change of shifts or zone made now takes effect: the end of the shift running now."""
        now = now or utcnow()
        running = self.at(now)
        return self.window(*running)[1] if running else now

    def shift(self, name):
        for s in self.shifts:
            if s.name == name:
                return s
        raise NotFound("No shift “{shift}”: the shifts are {shifts}.", shift=name,
                       shifts=', '.join(s.name for s in self.shifts))

    def window(self, day, shift):
        """Start and end (naive UTC) of a shift starting on the plant-local date `day`."""
        shift = shift if isinstance(shift, Shift) else self.shift(shift)
        end_day = day + datetime.timedelta(days=1) if shift.crosses_midnight else day
        return (_utc(datetime.datetime.combine(day, shift.start), self.zone),
                _utc(datetime.datetime.combine(end_day, shift.end), self.zone))

    def at(self, moment):
        """(day, shift) covering a naive-UTC moment, or None when no shift covers it."""
        local = moment.replace(tzinfo=UTC).astimezone(self.zone).date()
        for day in (local, local - datetime.timedelta(days=1)):
            for s in self.shifts:
                start, end = self.window(day, s)
                if start <= moment < end:
                    return day, s
        return None

    def today(self, now=None):
        return (now or utcnow()).replace(tzinfo=UTC).astimezone(self.zone).date()

    def recent(self, now=None, count=6):
        """The last `count` shifts that have started, newest first, as (day, shift, start, end)."""
        now = now or utcnow()
        out = []
        day = self.today(now) + datetime.timedelta(days=1)
        while len(out) < count and day > self.today(now) - datetime.timedelta(days=count + 2):
            for s in sorted(self.shifts, key=lambda s: s.start, reverse=True):
                start, end = self.window(day, s)
                if start <= now:
                    out.append((day, s, start, end))
            day -= datetime.timedelta(days=1)
        out.sort(key=lambda r: r[2], reverse=True)
        return out[:count]

    def local(self, moment):
        return moment.replace(tzinfo=UTC).astimezone(self.zone)


# --- one log ------------------------------------------------------------------------------------------

@dataclass
class Usage:
    part: Part
    consumed: Decimal = ZERO
    wasted: Decimal = ZERO
    reasons: dict = field(default_factory=lambda: defaultdict(lambda: ZERO))


@dataclass
class LogView:
    station: Location
    day: datetime.date
    shift: Shift
    start: datetime.datetime
    end: datetime.datetime
    log: ShiftLog | None
    entries: list
    notes: list
    overdue: bool
    counts: dict = field(default_factory=dict)  # moves in, moves out, loads, unloads
    usage: list = field(default_factory=list)
    snapshot: dict | None = None  # what the lead submitted
    started: bool = True
    stops: list = field(default_factory=list)  # a machine's stopped minutes per state and reason (its states)

    @property
    def submitted(self):
        return self.log is not None and self.log.submitted_at is not None

    @property
    def downtime(self):
        return sum(n.minutes or 0 for n in self.notes if n.kind == "downtime")

    def summary(self):
        return {"counts": self.counts,
                "usage": [{"part": u.part.label, "uom": u.part.uom, "consumed": str(u.consumed),
                           "wasted": str(u.wasted)} for u in self.usage],
                "entries": len(self.entries), "downtime_minutes": self.downtime, "machine_stops": self.stops}


def station(code):
    loc = Location.get_or_none(Location.code == code)
    if loc is None or loc.kind not in STATIONS:
        raise NotFound("No machine or output station “{code}”.", code=code)
    return loc


def _entries(loc, start, end):
    """Ledger rows into, out of or at the station in the window: an indexed range on `at`."""
    From, To = Location.alias(), Location.alias()
    return list(Entry.select(Entry, Unit, Part, From, To, User)
                .join(Unit, on=(Entry.unit == Unit.id)).join(Part)
                .switch(Entry).join(From, JOIN.LEFT_OUTER, on=(Entry.from_location == From.id), attr="from_location")
                .switch(Entry).join(To, JOIN.LEFT_OUTER, on=(Entry.to_location == To.id), attr="to_location")
                .switch(Entry).join(User, JOIN.LEFT_OUTER)
                .where(Entry.at >= start, Entry.at < end,
                       (Entry.to_location == loc) | (Entry.from_location == loc))
                .order_by(Entry.at, Entry.id))


def _shift_of(loc, day, shift_name, cal):
    """(shift, start, end, log): a log keeps the window and zone it was opened under, whatever the plant's
    shifts are now; a shift without a log is the calendar's."""
    log = ShiftLog.get_or_none(ShiftLog.station == loc, ShiftLog.day == day, ShiftLog.shift == str(shift_name)[:32])
    if log is not None and log.starts_at is not None:
        zone = ZoneInfo(log.zone) if log.zone else cal.zone
        start, end = log.starts_at, log.ends_at
        local = [moment.replace(tzinfo=UTC).astimezone(zone).time() for moment in (start, end)]
        return Shift(log.shift, local[0], local[1]), start, end, log
    shift = cal.shift(shift_name)
    start, end = cal.window(day, shift)
    return shift, start, end, log


def view(loc, day, shift_name, cal, now=None):
    now = now or utcnow()
    shift, start, end, log = _shift_of(loc, day, shift_name, cal)
    notes = list(LogNote.select().where(LogNote.log == log).order_by(LogNote.at)) if log else []
    entries = _entries(loc, start, end) if start <= now else []
    v = LogView(loc, day, shift, start, end, log, entries, notes,
                overdue=(log is None or log.submitted_at is None) and now > end + cal.grace
                and cal.owed(end, cal.live_since(), None if log is not None and log.starts_at else start),
                started=start <= now)
    counts = defaultdict(int)
    usage = {}
    for e in entries:
        arrived = e.to_location_id == loc.id and e.from_location_id != loc.id
        left = e.from_location_id == loc.id and e.to_location_id != loc.id
        if e.kind in ("consume", "scrap"):
            u = usage.setdefault(e.unit.part_id, Usage(e.unit.part))
            amount = -e.delta  # a correction's reversing row is negative here
            if e.kind == "consume":
                u.consumed += amount
            else:
                u.wasted += amount
                u.reasons[e.reason if not e.reverses_id else "corrections"] += amount
        elif arrived:
            counts["loads" if e.kind == "load" else "in"] += 1
        elif left:
            counts["unloads" if e.kind == "unload" else "out"] += 1
        else:
            counts[e.kind] += 1
    v.counts = dict(counts)
    v.usage = sorted(usage.values(), key=lambda u: u.part.label)
    v.stops = stops(loc.id, start, min(end, now)) if loc.kind == "machine" else []
    if log is not None and log.snapshot:
        v.snapshot = json.loads(log.snapshot)
    return v


def _log(loc, day, shift, cal):
    """The shift's log; a new one keeps the window and zone of the calendar in force as it is opened."""
    start, end = cal.window(day, shift)
    log, _ = ShiftLog.get_or_create(station=loc, day=day, shift=shift.name,
                                    defaults={"starts_at": start, "ends_at": end, "zone": cal.zone.key})
    return log


def _check_open(log, shift, day):
    if log.submitted_at is not None:
        raise Invalid("The {shift} log of {day} was submitted: it is locked.", shift=shift.name, day=f'{day:%Y-%m-%d}')


def add_note(user, loc, day, shift_name, kind, text, cal, minutes=None, now=None):
    """Add downtime, a safety issue, a quality note or a remark to a shift's log."""
    authorize(user, "log_note")
    now = now or utcnow()
    shift, start, _, _ = _shift_of(loc, day, shift_name, cal)
    kind, text, minutes = log_notes.read(kind, text, minutes)
    if start > now:
        raise Invalid("The {shift} shift of {day} has not started yet.", shift=shift.name, day=f'{day:%Y-%m-%d}')
    with write_transaction():
        log = _log(loc, day, shift, cal)
        _check_open(log, shift, day)
        return LogNote.create(log=log, kind=kind, text=text, minutes=minutes, user=user, at=now)


def submit(user, loc, day, shift_name, cal, now=None):
    """A lead signs the log off at the end of the shift; from then on it is locked."""
    authorize(user, "submit_log")
    now = now or utcnow()
    shift, _, end, _ = _shift_of(loc, day, shift_name, cal)
    if now < end - datetime.timedelta(hours=1):
        raise Invalid("The {shift} shift runs until {time}: submit its log at the end of the shift.", shift=shift.name,
                      time=f'{cal.local(end):%H:%M}')
    with write_transaction():
        log = _log(loc, day, shift, cal)
        _check_open(log, shift, day)
        summary = view(loc, day, shift.name, cal, now).summary()
        log.submitted_at, log.submitted_by, log.snapshot = now, user, json.dumps(summary)
        log.seal = seal(log)
        log.save()
        return log


def acknowledge(user, note_id, now=None):
    """A lead has seen a safety issue (allowed after the log is locked: it is not an edit)."""
    authorize(user, "acknowledge")
    with write_transaction():
        note = LogNote.get_or_none(LogNote.id == note_id)
        if note is None or note.kind != "safety":
            raise NotFound("No such safety issue.")
        if note.user_id == user.id:  # four eyes: the one who reported it is not the one who checks
            raise Forbidden("You reported this safety issue: another lead must acknowledge it.")
        if note.acknowledged_at is None:
            note.acknowledged_at, note.acknowledged_by = now or utcnow(), user
            note.save()
        return note


def open_safety():
    """Safety issues no lead has acknowledged yet, oldest first."""
    return list(LogNote.select(LogNote, ShiftLog, Location).join(ShiftLog).join(Location)
                .where(LogNote.kind == "safety", LogNote.acknowledged_at.is_null())
                .order_by(LogNote.at))


@dataclass
class Cell:
    day: datetime.date
    shift: Shift
    state: str  # submitted, open (running or within grace), overdue, before (go-live: none owed)
    notes: int = 0


def overview(cal, now=None, count=6):
    """Every station against the last `count` shifts: submitted, open or overdue."""
    now = now or utcnow()
    recent = cal.recent(now, count)
    stations = list(Location.select().where(Location.kind.in_(STATIONS), Location.holds_units,
                                            Location.active).order_by(Location.sort_key, Location.code))
    days = {r[0] for r in recent}
    logs = {(log.station_id, log.day, log.shift): log for log in
            ShiftLog.select().where(ShiftLog.day.in_(list(days)))} if days else {}
    notes = defaultdict(int)
    if logs:
        for log_id in LogNote.select(LogNote.log).where(LogNote.log.in_([lg.id for lg in logs.values()])).tuples():
            notes[log_id[0]] += 1
    rows, live = [], cal.live_since()
    for st in stations:
        cells = []
        for day, shift, start, end in recent:
            log = logs.get((st.id, day, shift.name))
            if log is not None and log.submitted_at is not None:
                state = "submitted"
            elif not cal.owed(end, live, start if log is None or not log.starts_at else None):
                state = "before"
            elif now > end + cal.grace:
                state = "overdue"
            else:
                state = "open"
            cells.append(Cell(day, shift, state, notes[log.id] if log else 0))
        rows.append((st, cells))
    return recent, rows


def earlier_logs(cal, now=None, days=7):
    """Logs of the last `days` days kept under shifts the plant no longer has (renamed or removed), newest
    first: they stay readable under the shift they were opened under."""
    now = now or utcnow()
    names = [s.name for s in cal.shifts]
    return list(ShiftLog.select(ShiftLog, Location).join(Location)
                .where(ShiftLog.day >= cal.today(now) - datetime.timedelta(days=days), ShiftLog.shift.not_in(names))
                .order_by(ShiftLog.day.desc(), ShiftLog.starts_at.desc(), Location.code))


def overdue_count(cal, now=None, count=6):
    _, rows = overview(cal, now, count)
    return sum(1 for _, cells in rows for c in cells if c.state == "overdue")
