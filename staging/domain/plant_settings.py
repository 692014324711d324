"""The plant's settings: what each one is for, its value now, and an admin changing it.

The environment (staging/config.py) gives the defaults. A change made on the settings page is
stored in the database (table `setting`, one row per changed setting) in one transaction with
its audit record and a new version row; every app process reads the rows through `Stored`,
which re-reads them only when the version changed, so a change takes effect without a restart
in every gunicorn worker. Deployment settings (the database, cookies, the proxy) stay read only.
"""
import re
import threading
import time
import uuid
import zoneinfo

from babel import Locale, UnknownLocaleError

from ..store.db import write_transaction
from ..store.models import Setting
from . import languages, readings
from .errors import Invalid
from .logbook import SINCE, Calendar, parse_shifts
from .machines.states import REASON_MAX, parse_reasons
from .people.permissions import authorize
from .setup import audit
from .words import Words

VERSION = "_version"  # the row whose value changes with every save
DIGITS = re.compile(r"\d+")


def _plain(value):
    text = " ".join(value.split())
    if len(text) > 80 or not text.isprintable():  # empty: an unnamed plant (page titles name none)
        raise Invalid("The plant's name is at most 80 printable characters (empty: no name).")
    return text, text


def _zone(value):
    text = value.strip()
    if text not in _zones():
        raise Invalid("“{value}” is not a time zone: write it like Europe/Berlin or America/Chicago.",
                      value=text[:40])
    return text, text


def _zones():
    return zoneinfo.available_timezones()


def _locale(value):
    """One of the languages the app is shipped in (a country may follow: de_CH writes CSV the Swiss way);
    a language without catalogs would leave labels and signed-out pages in English while saying otherwise."""
    text = value.strip().replace("-", "_")
    try:
        locale = Locale.parse(text)
    except (ValueError, TypeError, UnknownLocaleError):
        locale = None
    if locale is None or locale.language not in languages.SHIPPED:
        raise Invalid("“{value}” is not one of the plant's languages: choose {choices}.", value=text[:20],
                      choices=", ".join(f"{name} ({code})" for code, name in languages.SHIPPED.items())) from None
    return text, text


def locale_choices(current):
    """The languages an admin chooses the plant's from: the shipped ones, and the one set now."""
    choices = list(languages.SHIPPED.items())
    if current and current not in languages.SHIPPED:
        choices.append((current, current))
    return choices


def _shifts(value):
    try:
        shifts = parse_shifts(value)
    except ValueError:
        raise Invalid("The shifts “{value}” are not valid: write NAME=HH:MM-HH:MM, separated by commas, each name "
                      "once (Early=06:00-14:00,Late=14:00-22:00).", value=value.strip()[:120]) from None
    text = ",".join(f"{s.name}={s.start:%H:%M}-{s.end:%H:%M}" for s in shifts)
    return text, text


def _down_reasons(value):
    try:
        reasons = parse_reasons(value)
    except ValueError:
        raise Invalid("Write the down reasons separated by commas, each at most {max} characters "
                      "(No material, Breakdown, Tooling).", max=REASON_MAX) from None
    text = ", ".join(reasons)
    return text, text


def _go_live(value):
    text = value.strip()
    if not text:
        return "", ""
    try:  # typed the reader's way (02.11.2026) too; stored as ISO, which every reader of GO_LIVE takes
        moment = readings.moment(text)
    except Invalid:
        raise Invalid("Go-live “{value}” is not a date (2026-11-02) or a date and time (2026-11-02 06:00).",
                      value=text[:30]) from None
    stored = f"{moment:%Y-%m-%d}" if len(text) <= 10 else f"{moment:%Y-%m-%d %H:%M}"
    return stored, stored


def _prefix(value):
    text = value.strip()
    if text and not (DIGITS.fullmatch(text) and 6 <= len(text) <= 12):
        raise Invalid("The GS1 company prefix is 6 to 12 digits, or empty; not “{value}”.", value=text[:20])
    return text, text


def _flag(value):
    text = value.strip().lower()
    if text not in ("on", "off"):
        raise Invalid("Write on or off, not “{value}”.", value=text[:20])
    return text, text == "on"


def _whole(lowest, highest):
    def parse(value):
        text = value.strip()
        if not DIGITS.fullmatch(text) or not lowest <= int(text) <= highest:
            raise Invalid("Write a whole number from {lowest} to {highest}, not “{value}”.",
                          lowest=lowest, highest=highest, value=text[:20])
        return str(int(text)), int(text)
    return parse


def _number(lowest, highest):
    def parse(value):
        text = value.strip().replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is None or not re.fullmatch(r"\d+(\.\d+)?", text) or not lowest <= number <= highest:
            raise Invalid("Write a number from {lowest} to {highest}, not “{value}”.",
                          lowest=lowest, highest=highest, value=text[:20])
        return _number_text(number), number
    return parse


def _number_text(number):
    return str(int(number)) if float(number).is_integer() else str(number)


# (setting, what it does, how a typed value is read: text -> (stored text, value)), in the order an
# admin looks for them. None: read only, from the environment.
SETTINGS = (
    ("PLANT_NAME", Words("The plant's name, in page titles and on labels."), _plain),
    ("PLANT_TIMEZONE", Words("Times are stored in UTC and shown in this zone."), _zone),
    ("PLANT_LOCALE", Words("The plant's language; CSV exports use its field separator and decimal mark."), _locale),
    ("SHIFTS", Words("The shifts, in plant time: NAME=HH:MM-HH:MM, separated by commas."), _shifts),
    ("LOG_GRACE_MINUTES", Words("A shift log not submitted this long after its shift is overdue."), _whole(0, 1440)),
    ("GO_LIVE", Words("Shifts that ended before owe no log (empty: the first recorded activity)."), _go_live),
    ("FLOOR_HORIZON_HOURS", Words("The floor board is green when what is due within this many hours is staged."),
     _number(0.5, 168)),
    ("TASK_OVERSTAGE_PERCENT", Words("Staging tasks may bring this much more than a work order needs."),
     _number(0, 100)),
    ("TASK_CLAIM_MINUTES", Words("A claimed staging task goes back to the list after this many minutes."),
     _whole(1, 480)),
    ("DOWN_REASONS", Words("Why a machine can be down, separated by commas; the handheld numbers them in this order."),
     _down_reasons),
    ("QC_RELEASE_FOUR_EYES", Words("Whoever put a unit on QC hold may not release it."), _flag),
    ("GS1_COMPANY_PREFIX", Words("Set: unit labels carry a GS1-128 SSCC-18 too."), _prefix),
    ("PRINTER_TIMEOUT", Words("Seconds to wait for a network label printer."), _number(1, 60)),
    ("DESK_IDLE_MINUTES", Words("A desk session ends after this many minutes without a request."), _whole(1, 1440)),
    ("LOGIN_MAX_FAILURES_PER_USER", Words("Failed sign-ins (15 minutes) before that user name must wait."),
     _whole(1, 1000)),
    ("LOGIN_MAX_FAILURES_PER_ADDRESS", Words("Failed sign-ins (15 minutes) before that address must wait."),
     _whole(1, 1000)),
    ("SESSION_COOKIE_SECURE", Words("Session cookie only over HTTPS."), None),
    ("TRUST_PROXY", Words("Client address and scheme from X-Forwarded-* (behind a reverse proxy)."), None),
    ("SCAN_OFFLINE", Words("The scan page keeps working offline (its service worker)."), None),
    ("DATABASE_URL", Words("The database (its password is not shown)."), None),
)
EDITABLE = {name: parse for name, _, parse in SETTINGS if parse is not None}


class Row:
    """A setting as the settings page shows it."""

    def __init__(self, name, what, value, editable):
        self.name, self.what, self.value, self.editable = name, what, value, editable
        self.flag = EDITABLE.get(name) is _flag
        self.choices = locale_choices(value) if EDITABLE.get(name) is _locale else None


def shown(user, config):
    """The settings for the settings page, editable ones first. Admins only."""
    authorize(user, "settings")
    rows = [Row(name, what, _text(name, config.get(name)), parse is not None) for name, what, parse in SETTINGS]
    return [row for row in rows if row.editable] + [row for row in rows if not row.editable]


def _text(name, value):
    if value is True or value is False:
        return "on" if value else "off"
    if value is None:
        return ""
    if isinstance(value, float):
        return _number_text(value)
    if name == "DATABASE_URL":
        return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:•••@", str(value))
    return str(value)


class Refused(Invalid):
    """Some typed values are not valid; `fields` says why, per setting. Nothing was saved."""

    def __init__(self, fields):
        super().__init__(Words("{count} of the settings are not valid. Nothing was saved.", count=len(fields)))
        self.fields = fields


def save(user, typed, config):
    """Store what an admin typed (setting name -> text) where it differs from the value now, with
    an audit record each, in one transaction. Returns the names changed. Refused: nothing saved."""
    authorize(user, "settings")
    values, problems = {}, {}
    for name, parse in EDITABLE.items():
        if name in typed:
            try:
                values[name] = parse(str(typed[name]))[0]
            except Invalid as err:
                problems[name] = err
    if problems:
        raise Refused(problems)
    changed = {name: text for name, text in values.items() if text != _text(name, config.get(name))}
    if not changed:
        return []
    with write_transaction():
        for name, text in changed.items():
            Setting.insert(name=name, value=text).on_conflict(
                conflict_target=[Setting.name], update={Setting.value: text}).execute()
            audit.record(user, "setting", name, {"value": _text(name, config.get(name))}, {"value": text})
        if {"SHIFTS", "PLANT_TIMEZONE"} & set(changed):
            _shifts_change_from_next_shift(config)
        version = uuid.uuid4().hex
        Setting.insert(name=VERSION, value=version).on_conflict(
            conflict_target=[Setting.name], update={Setting.value: version}).execute()
    _saved_here()
    return sorted(changed)


def _shifts_change_from_next_shift(config):
    """New shifts or a new zone apply from the next shift: the one running now keeps its window, and
    shifts of the new calendar that began before owe no log (logbook.Calendar.owed)."""
    before = Calendar.from_settings(config.get("SHIFTS") or "Day=00:00-00:00", config.get("PLANT_TIMEZONE") or "UTC")
    since = before.next_start().isoformat(" ")
    Setting.insert(name=SINCE, value=since).on_conflict(
        conflict_target=[Setting.name], update={Setting.value: since}).execute()


def stored():
    """The stored settings as values (name -> value); a row that no longer reads is left out."""
    values = {}
    for row in Setting.select().where(Setting.name != VERSION):
        parse = EDITABLE.get(row.name)
        try:
            if parse is not None:
                values[row.name] = parse(row.value)[1]
        except Invalid:
            continue
    return values


_generation = [0]  # bumped by a save in this process: its caches re-read at once
_lock = threading.Lock()


def _saved_here():
    with _lock:
        _generation[0] += 1


class Stored:
    """The stored settings as one process sees them. `changed()` reads the version row at most once
    every `every` seconds (at once after a save in this process) and all rows only when it moved:
    other processes see a change within `every` seconds, with one primary-key read per interval."""

    def __init__(self, every=1.0):
        self.every = every
        self.version = self.generation = object()
        self.checked_at = float("-inf")
        self.values = {}

    def changed(self):
        now = time.monotonic()
        if self.generation == _generation[0] and now - self.checked_at < self.every:
            return False
        self.checked_at, self.generation = now, _generation[0]
        version = Setting.select(Setting.value).where(Setting.name == VERSION).scalar()
        if version == self.version:
            return False
        self.version, self.values = version, stored()
        return True
