"""Opening stock: the pallets already in the plant at go-live, booked through inventory's
`opening` verb (its own ledger kind, dated at go-live), never as receipts."""
import datetime

from peewee import JOIN

from ...store.db import Prepared
from ...store.models import Location, Unit, utcnow
from .. import codes, inventory, readings
from ..errors import DomainError, Invalid
from ..quantities import parse_quantity
from ..words import Words
from . import fields, parts, repeat

CHUNK = 1000  # pallets per transaction of an opening-stock import

_UNIT = Prepared(lambda lpn: Unit.select(Unit, Location).join(Location, JOIN.LEFT_OUTER)
                 .where(Unit.lpn == lpn).limit(1))


def _same(unit, part, quantity, location, lot):
    return (unit.part_id == part.id and unit.quantity == quantity and unit.lot == lot
            and unit.location is not None and unit.location.code == location)


def book(user, values, go_live=None):
    """Book one pallet of opening stock. Returns (unit, "created" | "unchanged"): a pallet booked
    before with the same values is left alone (a re-import books nothing twice)."""
    lpn = codes.normalise(values.get("lpn") or "")
    pallet = _pallet(values, {lpn: next(iter(_UNIT(lpn)), None)} if lpn else {}, {})
    if isinstance(pallet, Unit):
        return pallet, "unchanged"
    result = inventory.opening(inventory.Ctx(user, device="import", at=go_live or utcnow()), pallet.part,
                               pallet.quantity, pallet.at, lot=pallet.lot, lpn=pallet.lpn,
                               received=pallet.received, expires_on=pallet.expires_on)
    return result.unit, "created"


def book_rows(user, rows, go_live=None, filename="", again=False):
    """An import's rows of opening stock, booked a chunk at a time through inventory.opening_many
    (one transaction, a few statements per chunk): each row gets its action and code, or its error.
    A row an import of this file booked before is not booked again (a row without an LPN: unless
    `again`), even when its pallet has moved or been used since."""
    ctx = inventory.Ctx(user, device="import", at=go_live or utcnow())
    found_parts = {}
    for start in range(0, len(rows), CHUNK):
        chunk = _skip_booked(filename, [row for row in rows[start:start + CHUNK] if not row.error], again)
        _book_chunk(ctx, chunk, found_parts)
        repeat.remember("stock", filename, [row for row in chunk if row.action == "created"])


def _skip_booked(filename, rows, again=False):
    """The rows still to book: a row booked by an earlier import of this file is marked as already
    imported, with the pallet it made. `again`: rows without an LPN are booked once more (a row with
    one names its pallet, which exists once)."""
    asked = [row for row in rows if not again or codes.normalise(row.values.get("lpn") or "")]
    before = repeat.booked_before("stock", filename, asked)
    for row in asked:
        if row.number in before:
            row.action, row.code = repeat.ALREADY, before[row.number]
    return [row for row in rows if row.action != repeat.ALREADY]


def _book_chunk(ctx, rows, found_parts):
    lpns = [codes.normalise(row.values.get("lpn") or "") for row in rows]
    existing = {unit.lpn: unit for unit in Unit.select(Unit, Location).join(Location, JOIN.LEFT_OUTER)
                .where(Unit.lpn.in_([lpn for lpn in lpns if lpn]))}
    pallets, booking = [], []
    for row in rows:
        try:
            pallet = _pallet(row.values, existing, found_parts)
        except DomainError as err:
            row.error = err.message
            continue
        if isinstance(pallet, Unit):
            row.action, row.code = repeat.ALREADY, pallet.lpn
        else:
            pallets.append(pallet)
            booking.append(row)
    for row, result in zip(booking, inventory.opening_many(ctx, pallets)):
        if isinstance(result, DomainError):
            row.error = result.message
        else:
            row.action, row.code = "created", result.lpn


def _part(values, found_parts):
    key = (str(values.get("part") or "").strip().upper(), str(values.get("revision") or "").strip().upper())
    if key not in found_parts:
        try:
            found_parts[key] = parts.find(values.get("part"), values.get("revision"))
        except DomainError as err:
            found_parts[key] = err
    if isinstance(found_parts[key], DomainError):
        raise found_parts[key]
    return found_parts[key]


def _check_place(code, found):
    """An area or rack named as a pallet's place, said for a file (not "scan a label"): the file's
    person corrects the location column. An unknown code is left to the booking, which says so."""
    key = ("location", code)
    if key not in found:
        found[key] = Location.get_or_none(Location.code == code)
    place = found[key]
    if place is not None and not place.holds_units:
        raise Invalid("{location} is {location_name}, which holds no pallets: name a bin, lane, machine or station "
                      "in the location column.", location=place.code, location_name=place.name)


def _pallet(values, existing, found_parts):
    """A row as an inventory.Pallet, or the Unit it names when that was booked before with the same
    values (`existing`: LPN -> Unit). Refused: a value is wrong, or the LPN is booked otherwise."""
    part = _part(values, found_parts)
    quantity = parse_quantity(values.get("quantity"))
    location = codes.normalise(values.get("location") or "")
    if not location:
        raise Invalid("Location is missing.")
    _check_place(location, found_parts)
    lot = fields.text(values, "lot", Words("Lot"), max_length=40)
    lpn = codes.normalise(values.get("lpn") or "")
    unit = existing.get(lpn) if lpn else None
    if unit is not None:
        if _same(unit, part, quantity, location, lot):
            return unit
        raise Invalid("Pallet {unit} is already in the plant with other values: change it with a move or a count "
                      "adjustment, not by importing it again.", unit=lpn)
    received = fields.date(values, "received", Words("Received"))
    expires = fields.date(values, "expiry", Words("Expiry"))
    if expires is None and received and part.shelf_life_days:
        expires = received + datetime.timedelta(days=part.shelf_life_days)
    received_at = datetime.datetime.combine(received, datetime.time()) if received else None
    return inventory.Pallet(part, quantity, location, lot=lot, lpn=lpn or None, received=received_at,
                            expires_on=expires)


def go_live_at(text, zone):
    """Go-live as typed (2025-01-01, or with a time, in plant time `zone`) as naive UTC; None: now."""
    text = str(text or "").strip()
    if not text:
        return None
    try:
        value = readings.moment(text)  # 2025-01-01 06:00, or the reader's way: 01.01.2025 06:00
    except Invalid:
        raise Invalid("Go-live must be a date like 2025-01-01 (or 2025-01-01 06:00), not “{text}”.",
                      text=text[:20]) from None
    return value.replace(tzinfo=zone).astimezone(datetime.timezone.utc).replace(tzinfo=None)
