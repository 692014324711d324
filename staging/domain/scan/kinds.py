"""What a scan that does not fit the mode is, said so the operator knows what to do instead, and
where a pallet is, as the panel names it. Shared by the scan modes (modes, counting)."""
from ...store.models import Unit
from ..errors import Invalid
from ..words import part_label
from .state import HINTS


def here(unit):
    return unit.location.code if unit.location_id else "nowhere"


def wrong_kind(meaning, state):
    hint = HINTS[state.mode]
    if meaning.kind == "work_order":
        return Invalid("{code} is a work order: switch to Load to load material for it. {hint}",
                       code=meaning.text, hint=hint)
    if meaning.kind == "gs1":
        return supplier_label(meaning.obj, hint)
    if meaning.kind == "location":
        return Invalid("{code} is a location. {hint}", code=meaning.text, hint=hint)
    return Invalid("That does not fit here. {hint}", hint=hint)


def supplier_label(label, hint):
    """A supplier's label outside Receive: once its part and lot were received, it names our pallets."""
    if label.part is not None and label.lot:
        same = Unit.select(Unit.lpn).where(Unit.part == label.part, Unit.lot == label.lot, Unit.status != "empty")
        ours = [lpn for (lpn,) in same.order_by(Unit.id).limit(3).tuples()]
        if ours:
            return Invalid("That is the supplier's label of {part}, lot {lot}, received as {units}: scan our pallet "
                           "label instead. {hint}", part=part_label(label.part), lot=label.lot, units=ours, hint=hint)
    return Invalid("That is a supplier label we have not received: switch to Receive. {hint}", hint=hint)
