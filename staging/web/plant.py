"""Plant time: times are stored as naive UTC and shown, typed and reported in the plant's time zone
(PLANT_TIMEZONE), on the plant's calendar of shifts (SHIFTS). Every view and template goes through here."""
import datetime
from zoneinfo import ZoneInfo

from flask import current_app

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


def local(value, fmt="%Y-%m-%d %H:%M"):
    """Stored UTC, shown in the plant's time zone ("" for no time)."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(zone()).strftime(fmt)


def to_utc(value):
    """A naive plant-local time (a datetime-local field) as naive UTC, the way it is stored."""
    return value.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def init_app(app):
    app.add_template_filter(local, "local")
