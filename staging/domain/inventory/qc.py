"""Corrections of recorded consumption or waste, and QC holds (issue 5)."""
from ...store.db import locked
from ...store.models import Entry, Unit
from .. import codes
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..quantities import fmt_qty, parse_quantity
from ..words import Words
from ..workorders import count_usage
from .lookups import _unit
from .machinery import STATUS_AT, _reason, verb
from .produce import CORRECTED, correct_genealogy

CORRECTABLE = ("consume", "scrap")


@verb("correct")
def correct(book, entry_id, new_quantity, reason):
    """Change a recorded consumption or waste quantity: a reversing entry (the same kind, the
    opposite delta, `reverses` pointing at the original) and, unless the new quantity is zero, a
    new entry with it. The original row stays as it was. Returns the unit."""
    reason = _reason(reason)
    try:
        original = Entry.get_or_none(Entry.id == int(entry_id))
    except (TypeError, ValueError):
        original = None
    if original is None:
        raise NotFound("No ledger entry {entry}.", entry=codes.shown(str(entry_id)))
    if original.kind not in CORRECTABLE or original.reverses_id is not None:
        raise Invalid("Only a recorded consumption or waste can be corrected.")
    if Entry.select().where(Entry.reverses == original).exists():
        raise Invalid("Entry {entry} was already corrected or undone: correct the newer entry.", entry=original.id)
    new_quantity = parse_quantity(new_quantity, allow_zero=True, what=Words("Corrected quantity"))
    if new_quantity == original.quantity:
        raise Invalid("Entry {entry} already says {quantity}: nothing to correct.", entry=original.id,
                      quantity=fmt_qty(new_quantity))
    unit = locked(Unit.select().where(Unit.id == original.unit_id)).get()
    if unit.status != "empty" and unit.work_order_id != original.work_order_id:
        raise Conflict("{unit} is now used for another work order: correct it by hand.", unit=unit.lpn)
    # Used up: what comes back reappears where it was used.
    back_to = original.from_location if unit.status == "empty" else book.KEEP
    back = book.record(unit, original.kind, to=back_to, delta=-original.delta, reverses=original,
                       reason=f"Correction of entry {original.id}: {reason}"[:200],
                       work_order=original.work_order_id)
    count_usage(back, unit.part_id)
    if new_quantity > 0:
        again = book.record(unit, original.kind, delta=-new_quantity, work_order=original.work_order_id,
                            reason=original.reason if original.kind == "scrap" else f"{CORRECTED}{reason}"[:200])
        count_usage(again, unit.part_id)
    if original.kind == "consume":
        correct_genealogy(unit, original, new_quantity)
    return unit


@verb("hold", scanned=("unit_ref",))
def hold(book, unit_ref, reason):
    """Put a unit on QC hold where it stands: it cannot be loaded until a lead releases it."""
    unit = _unit(unit_ref)
    reason = _reason(reason)
    if unit.status == "hold":
        raise Invalid("{unit} is already on QC hold.", unit=unit.lpn)
    book.record(unit, "hold", quantity=unit.quantity, status="hold", reason=reason)
    return unit


@verb("release_hold", scanned=("unit_ref",))
def release(book, unit_ref, reason, four_eyes=False):
    """Release a QC hold: the unit takes the status of where it stands (in the QC cage: stock).
    four_eyes (a plant setting): whoever put it on hold may not release it."""
    unit = _unit(unit_ref)
    reason = _reason(reason)
    if unit.status != "hold":
        raise Invalid("{unit} is not on QC hold.", unit=unit.lpn)
    if four_eyes and _held_by(unit) == book.ctx.user.id:
        raise Forbidden("You put {unit} on QC hold: someone else must release it (four-eyes rule).", unit=unit.lpn)
    kind = unit.location.kind if unit.location else "storage"
    status = "stock" if kind in ("qc_hold", "scrap") else STATUS_AT.get(kind, "stock")
    book.record(unit, "release", quantity=unit.quantity, status=status, reason=reason)
    return unit


def _held_by(unit):
    """Who put the unit on hold: the user of the entry that turned its status to hold (a hold,
    or a move into the QC cage), found walking back from its latest entry."""
    holder = None
    for entry in Entry.select(Entry.status, Entry.user).where(Entry.unit == unit).order_by(Entry.id.desc()):
        if entry.status != "hold":
            break
        holder = entry.user_id
    return holder
