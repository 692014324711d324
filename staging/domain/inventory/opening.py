"""The opening balance: a pallet that was in the plant before the tracker, booked once at go-live.

Not a receipt: its own ledger kind, so receiving reports and the dock never see it, and dated at
go-live (Ctx.at), so the ledger starts where the plant did."""
from ...store import db
from ...store.db import Prepared
from ...store.models import Barcode, Part, Unit, utcnow
from .. import codes
from ..errors import Invalid
from ..quantities import ZERO, parse_quantity
from ..words import Words
from .lookups import _check_can_take, _location, new_lpn
from .machinery import STATUS_AT, verb


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
