"""Opening stock: the pallets already in the plant at go-live, booked through inventory's
`opening` verb (its own ledger kind, dated at go-live), never as receipts."""
import datetime

from peewee import JOIN

from ...store.db import Prepared
from ...store.models import Location, Unit, utcnow
from .. import codes, inventory
from ..errors import Invalid
from ..quantities import parse_quantity
from ..words import Words
from . import fields, parts

_UNIT = Prepared(lambda lpn: Unit.select(Unit, Location).join(Location, JOIN.LEFT_OUTER)
                 .where(Unit.lpn == lpn).limit(1))


def _same(unit, part, quantity, location, lot):
    return (unit.part_id == part.id and unit.quantity == quantity and unit.lot == lot
            and unit.location is not None and unit.location.code == location)


def book(user, values, go_live=None):
    """Book one pallet of opening stock. Returns (unit, "created" | "unchanged"): a pallet booked
    before with the same values is left alone (a re-import books nothing twice)."""
    part = parts.find(values.get("part"), values.get("revision"))
    quantity = parse_quantity(values.get("quantity"))
    location = codes.normalise(values.get("location") or "")
    if not location:
        raise Invalid("Location is missing.")
    lot = fields.text(values, "lot", Words("Lot"), max_length=40)
    lpn = codes.normalise(values.get("lpn") or "")
    if lpn:
        existing = next(iter(_UNIT(lpn)), None)
        if existing is not None:
            if _same(existing, part, quantity, location, lot):
                return existing, "unchanged"
            raise Invalid("Pallet {unit} is already in the plant with other values: change it with a move or a count "
                          "adjustment, not by importing it again.", unit=lpn)
    received = fields.date(values, "received", Words("Received"))
    expires = fields.date(values, "expiry", Words("Expiry"))
    if expires is None and received and part.shelf_life_days:
        expires = received + datetime.timedelta(days=part.shelf_life_days)
    at = go_live or utcnow()
    received_at = datetime.datetime.combine(received, datetime.time()) if received else None
    result = inventory.opening(inventory.Ctx(user, device="import", at=at), part, quantity, location,
                               lot=lot, lpn=lpn or None, received=received_at, expires_on=expires)
    return result.unit, "created"


def go_live_at(text, zone):
    """Go-live as typed (2025-01-01, or with a time, in plant time `zone`) as naive UTC; None: now."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise Invalid("Go-live must be a date like 2025-01-01 (or 2025-01-01 06:00), not “{text}”.",
                      text=text[:20]) from None
    return value.replace(tzinfo=zone).astimezone(datetime.timezone.utc).replace(tzinfo=None)
