"""One thing by the code a page, a URL or an API call names it by, or NotFound in words an operator
understands. The web layer turns NotFound into its 404 page or problem+json: no view looks rows up
itself.

A finder matches the stored code as given (cleaned of scanner suffixes and stray whitespace); it
does not resolve supplier barcodes: that is codes.find's job, for what was scanned."""
from ..store.models import (
    LOCATION_KINDS,
    LOG_NOTE_KINDS,
    WORK_ORDER_STATUSES,
    Location,
    Part,
    Unit,
    User,
    WorkOrder,
    utcnow,
)
from . import codes
from .errors import NotFound

# The vocabularies the pages offer in their filters and forms, and the clock every stored time
# is on: the views take them from the domain, not from the store.
__all__ = ["LOCATION_KINDS", "LOG_NOTE_KINDS", "WORK_ORDER_STATUSES", "utcnow", "unit", "location", "machine",
           "work_order", "part", "active_user", "locations", "is_unit", "is_location"]


def unit(lpn):
    found = Unit.get_or_none(Unit.lpn == codes.clean(lpn))
    if found is None:
        raise NotFound("No pallet or tote with the code “{code}”.", code=codes.shown(lpn))
    return found


def location(code):
    found = Location.get_or_none(Location.code == codes.clean(code))
    if found is None:
        raise NotFound("No location with the code “{code}”.", code=codes.shown(code))
    return found


def machine(code):
    """A location of kind machine: another kind of location with this code is not one."""
    found = Location.get_or_none(Location.code == codes.clean(code), Location.kind == "machine")
    if found is None:
        raise NotFound("No machine with the code “{code}”.", code=codes.shown(code))
    return found


def work_order(number):
    """Work order numbers are upper case (the ERP import and the form normalise them)."""
    found = WorkOrder.get_or_none(WorkOrder.number == codes.normalise(number or ""))
    if found is None:
        raise NotFound("No work order “{number}”.", number=codes.shown(number or ''))
    return found


def part(number, revision):
    found = Part.get_or_none(Part.number == codes.normalise(number or ""),
                             Part.revision == codes.normalise(revision or ""))
    if found is None:
        raise NotFound("No part “{number}” rev {revision}.", number=codes.shown(number or ''),
                       revision=codes.shown(revision or '') or '-')
    return found


def active_user(user_id):
    """The user a session names, or None when that user is gone or deactivated: not an error,
    the session is simply signed out."""
    found = User.get_or_none(User.id == user_id)
    return found if found is not None and found.active else None


def locations():
    """Every location, in the plant's order."""
    return list(Location.select().order_by(Location.sort_key, Location.code))


def is_unit(row):
    return isinstance(row, Unit)


def is_location(row):
    return isinstance(row, Location)
