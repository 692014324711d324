"""Plant time: times are stored as naive UTC and shown, typed and reported in the plant's time zone
(PLANT_TIMEZONE), on the plant's calendar of shifts (SHIFTS). Every view and template goes through here.
Day and month names come in the reader's language (Babel): a strftime format with %a, %A, %b or %B is
written with the reader's locale; numbers-only formats (a datetime-local field's) stay as they are."""
import datetime
import re
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from flask import current_app, has_request_context
from flask_babel import get_locale

from ..domain import logbook

UTC = datetime.timezone.utc


def zone():
    # ZoneInfo keeps one instance per key: no need to cache it here.
    return ZoneInfo(current_app.config["PLANT_TIMEZONE"])


def calendar():
    """The plant's shifts, parsed once per app from SHIFTS and PLANT_TIMEZONE."""
    cal = current_app.extensions.get("staging.calendar")
    if cal is None:
        cal = current_app.extensions["staging.calendar"] = logbook.Calendar.from_config(current_app.config)
    return cal


# strftime directives as CLDR pattern fields (babel.dates); anything else is quoted as a literal.
CLDR = {"Y": "yyyy", "m": "MM", "d": "dd", "H": "HH", "M": "mm", "S": "ss", "a": "EEE", "A": "EEEE",
        "b": "MMM", "B": "MMMM", "y": "yy", "e": "d", "%": "%"}
NAMED = re.compile(r"%[aAbB]")


def local(value, fmt="%Y-%m-%d %H:%M"):
    """Stored UTC, shown in the plant's time zone ("" for no time)."""
    if value is None:
        return ""
    return written(value.replace(tzinfo=UTC).astimezone(zone()), fmt)


def day(value, fmt="%a %d %b %Y"):
    """A plant day (a date), its names in the reader's language."""
    return written(value, fmt) if value is not None else ""


def written(value, fmt):
    """strftime, with day and month names in the reader's language."""
    if not NAMED.search(fmt) or not has_request_context():
        return value.strftime(fmt)
    if isinstance(value, datetime.datetime):
        return format_datetime(value, _pattern(fmt), tzinfo=value.tzinfo, locale=get_locale())
    return format_date(value, _pattern(fmt), locale=get_locale())


def _pattern(fmt):
    parts = re.split(r"(%.)", fmt)
    return "".join(CLDR.get(p[1], "") if p.startswith("%") and len(p) == 2 else
                   ("'" + p.replace("'", "''") + "'" if p else "") for p in parts)


def to_utc(value):
    """A naive plant-local time (a datetime-local field) as naive UTC, the way it is stored."""
    return value.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def init_app(app):
    app.add_template_filter(local, "local")
    app.add_template_filter(day, "day")
