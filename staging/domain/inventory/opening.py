"""The opening balance: a pallet that was in the plant before the tracker, booked once at go-live.

Not a receipt: its own ledger kind, so receiving reports and the dock never see it, and dated at
go-live (Ctx.at), so the ledger starts where the plant did."""
import datetime
from dataclasses import dataclass

from peewee import fn

from ...store import db
from ...store.db import Prepared, write_transaction
from ...store.models import Barcode, Part, Unit, utcnow
from .. import codes
from ..errors import DomainError, Invalid
from ..people.permissions import authorize
from ..quantities import ZERO, parse_quantity
from ..words import Words
from .lookups import _check_can_take, _check_place, _check_room, _location, new_lpn, new_lpns
from .machinery import STATUS_AT, _Book, verb


@verb("opening", scanned=("at",))
def opening(book, part, quantity, at, *, lot="", lpn=None, received=None, expires_on=None):
    """A pallet already at `at`: its existing label (`lpn`) is kept when given, else a new LPN."""
    quantity = parse_quantity(quantity)
    if not isinstance(part, Part):
        raise Invalid("Opening stock needs a part.")
    location = _location(at)
    lpn = _free(lpn) if lpn else new_lpn()
    unit = Unit(lpn=lpn, part=part, lot=str(lot or "").strip()[:40], quantity=ZERO, status="stock",
                location=None, expires_on=expires_on, created_at=received or book.ctx.at or utcnow())
    _check_can_take(location, unit, kinds=tuple(STATUS_AT))  # anywhere a pallet stands, not scrap
    # Compiled INSERTs, as book.record's: an opening import books tens of thousands of pallets.
    db.insert(unit)
    db.insert(Barcode(code=lpn, entity="unit", entity_id=unit.id, source="own"))
    book.record(unit, "opening", to=location, delta=quantity)
    return unit


_TAKEN = Prepared(lambda code: Barcode.select(Barcode.id).where(Barcode.code == code).limit(1))


def _free(lpn):
    """The pallet's existing label, when no other thing has that code (codes.new_unit_code, compiled)."""
    lpn = codes.check_own_code(lpn, Words("pallet code"))
    if next(iter(_TAKEN(lpn)), None) is not None:
        raise Invalid("The code {unit} is already in use.", unit=lpn)
    return lpn


@dataclass
class Pallet:
    """One pallet of opening stock for `opening_many`: as `opening` takes it."""
    part: Part
    quantity: object  # as typed; checked by parse_quantity
    at: str  # the location's code
    lot: str = ""
    lpn: str | None = None  # its existing label, kept; None: a new LPN
    received: datetime.datetime | None = None
    expires_on: datetime.date | None = None


def opening_many(ctx, pallets):
    """Book many pallets of opening stock in one write transaction (an import's chunk of a
    thousand): each checked as `opening` checks it, the good ones written together with one ledger
    row each (_Book.open_units). Returns, per pallet in order, its Unit or the DomainError that
    refused it (nothing written for that pallet)."""
    authorize(ctx.user, "opening")
    known = codes.look_up_all(*{p.at for p in pallets if isinstance(p.at, str)})
    with write_transaction():
        book = _Book(ctx, None)
        results = [None] * len(pallets)
        units = _new_units(book, pallets, results)
        placed = _placed(pallets, units, known, results)
        good = [n for n in range(len(pallets)) if results[n] is None]
        book.open_units([placed[n] for n in good])
        db.insert_many([Barcode(code=placed[n][0].lpn, entity="unit", entity_id=placed[n][0].id, source="own")
                        for n in good])
        for n in good:
            results[n] = placed[n][0]
        return results


def _new_units(book, pallets, results):
    """The unsaved units: existing labels checked (valid, not in use, once in the chunk), new LPNs for the rest."""
    given = {}
    for n, pallet in enumerate(pallets):
        if pallet.lpn:
            try:
                given[n] = codes.check_own_code(pallet.lpn, Words("pallet code"))
            except DomainError as err:
                results[n] = err
    taken, seen = codes.taken_of(given.values()), set()
    for n, lpn in given.items():
        if lpn in taken or lpn in seen:
            results[n] = Invalid("The code {unit} is already in use.", unit=lpn)
        seen.add(lpn)
    fresh = iter(new_lpns(sum(1 for p in pallets if not p.lpn)))
    created = book.ctx.at or utcnow()
    return [Unit(lpn=given.get(n) or next(fresh), part=p.part, lot=str(p.lot or "").strip()[:40], quantity=ZERO,
                 status="stock", location=None, expires_on=p.expires_on, created_at=p.received or created)
            if not p.lpn or n in given else None for n, p in enumerate(pallets)]


def _placed(pallets, units, known, results):
    """(unit, location, quantity) per pallet; a pallet refused (no such place, closed, full, bad
    quantity) gets its error in `results`. Room counts what this chunk has put there already."""
    locations = {k.location.id: k.location for k in known.values() if k.location is not None}
    held = dict(Unit.select(Unit.location, fn.COUNT(Unit.id)).where(Unit.location.in_(
        [i for i, loc in locations.items() if loc.capacity is not None])).group_by(Unit.location).tuples())
    placed = {}
    for n, (pallet, unit) in enumerate(zip(pallets, units)):
        if results[n] is not None:
            continue
        try:
            if not isinstance(pallet.part, Part):
                raise Invalid("Opening stock needs a part.")
            quantity = parse_quantity(pallet.quantity)
            location = _location(known.get(pallet.at, pallet.at))
            _check_place(location, unit, kinds=tuple(STATUS_AT))  # anywhere a pallet stands, not scrap
            _check_room(location, held.get(location.id, 0))
        except DomainError as err:
            results[n] = err
            continue
        held[location.id] = held.get(location.id, 0) + 1
        placed[n] = (unit, location, quantity)
    return placed
