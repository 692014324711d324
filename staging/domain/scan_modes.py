"""What a scan does in each mode of the scan page (MODE_STEPS), and the typed quantity that
finishes a Consume, a Waste or a Receive. Writes only through the inventory verbs."""
import datetime
from decimal import Decimal

from peewee import fn

from ..store.models import Entry, Location, Unit, WorkOrderLine
from . import codes, inventory, scan_produce
from .errors import Conflict, Invalid
from .quantities import fmt_qty, parse_quantity
from .scan_state import HINTS, MAX_COUNTED, Outcome, _reason_label, _waiting

CLOCK_SLACK = datetime.timedelta(seconds=2)  # app hosts' clocks differ a little


def _pallet(ctx, meaning):
    """A scanned unit; refused when it is empty, or when someone changed it after the scan (a
    scan replayed from a handheld's offline queue arrives late, with the time it was made)."""
    unit = meaning.obj
    if unit.status == "empty":
        raise Invalid(f"{unit.lpn} is empty: it was used up or wasted.")
    if ctx.at is not None:
        latest = Entry.select().where(Entry.unit == unit).order_by(Entry.id.desc()).first()
        if latest is not None and latest.at > ctx.at + CLOCK_SLACK:
            who = latest.user.username if latest.user_id else "someone"
            raise Conflict(f"{unit.lpn} was changed after you scanned it ({latest.kind} by {who}, "
                           f"now at {_here(unit)}): scan it again where it is.")
    return unit


def _here(unit):
    return unit.location.code if unit.location_id else "nowhere"


class _Orphan(Invalid):
    title = "Not used"


def _pair(ctx, state, meaning, perform, target_ok):
    """Two-scan modes: a pallet then its target, or a target then several pallets."""
    if meaning.kind == "unit":
        unit = _pallet(ctx, meaning)
        if state.target:
            outcome = perform(ctx, unit.lpn, state, None)
            return state, outcome
        state = state.clear()
        state.unit, state.unit_from = unit.lpn, _here(unit)
        return state, _waiting(state)
    target = target_ok(meaning, state)
    if state.after_refusal and not state.unit:
        raise _Orphan(f"{target[0].code} was not used: the scan before it was refused. "
                      f"Scan the pallet again, then {target[0].code}.")
    if state.unit:
        outcome = perform(ctx, state.unit, _with_target(state, target), state.unit_from)
        return state.clear(), outcome
    state = _with_target(state.clear(), target)
    return state, _waiting(state)


def _with_target(state, target):
    location, work_order = target
    state.target, state.work_order = location.code, work_order.number if work_order else ""
    return state


def _location_target(kinds, words):
    def check(meaning, state):
        if meaning.kind == "location":
            location = meaning.obj
            if not location.holds_units:
                raise Invalid(f"{location.code} is {location.name}, not a place to put a pallet: "
                              "scan the label of a bin, lane, machine or station.")
            if kinds and location.kind not in kinds:
                raise Invalid(f"{location.code} is a {location.kind.replace('_', ' ')} location: {words}")
            return location, None
        raise _wrong_kind(meaning, state)
    return check


def _wrong_kind(meaning, state):
    what = {"work_order": f"{meaning.text} is a work order: switch to Load to load material for it.",
            "gs1": "That is a supplier label we have not received: switch to Receive.",
            "location": f"{meaning.text} is a location."}.get(meaning.kind, "That does not fit here.")
    return Invalid(f"{what} {HINTS[state.mode]}")


def _move(ctx, lpn, state, expected_from):
    result = inventory.move(ctx, lpn, state.target, expected_from=expected_from or None)
    return _moved(result, state)


def _moved(result, state):
    entry = result.entry
    title = f"{result.unit.lpn} → {entry.to_location.code}"
    detail = {"load": "Loaded.", "unload": "Unloaded.", "move": "Moved.", "stage": "Staged.",
              "ship": "Shipped."}.get(entry.kind, "")
    if state.target and not state.unit:
        detail += f" Next pallet for {state.target}, or DONE."
    return Outcome("ok", title, detail.strip(), replayed=result.replayed)


def _unload(ctx, lpn, state, expected_from):
    result = inventory.unload(ctx, lpn, state.target, expected_from=expected_from or None)
    return _moved(result, state)


def _load(ctx, lpn, state, expected_from):
    result = inventory.load(ctx, lpn, state.target, state.work_order or None,
                            expected_from=expected_from or None)
    outcome = _moved(result, state)
    note = supply_note(result.unit)
    if note:
        outcome.detail = f"{note} {outcome.detail}"
    return outcome


def _load_target(meaning, state):
    if meaning.kind == "work_order":
        wo = meaning.obj
        if wo.machine_id is None:
            raise Invalid(f"Work order {wo.number} has no machine: scan the machine instead.")
        return wo.machine, wo
    if meaning.kind == "location" and meaning.obj.kind == "machine":
        return meaning.obj, None
    if meaning.kind == "location":
        raise Invalid(f"{meaning.obj.code} is not a machine. In Load, scan a machine or its work order; "
                      "to put a pallet elsewhere, switch to Move.")
    raise _wrong_kind(meaning, state)


def supply_note(unit):
    """How much of the unit's part its work order now has on hand, against what it needs."""
    if not unit.work_order_id:
        return ""
    wo = unit.work_order
    need = (WorkOrderLine.select(fn.SUM(WorkOrderLine.quantity))
            .where(WorkOrderLine.work_order == wo, WorkOrderLine.part == unit.part_id).scalar())
    if not need:
        return ""
    have = (Unit.select(fn.SUM(Unit.quantity))
            .where(Unit.work_order == wo, Unit.part == unit.part_id, Unit.status.in_(("staged", "loaded")))
            .scalar()) or Decimal(0)
    uom = unit.part.uom
    text = f"{wo.number} has {fmt_qty(Decimal(have))} of {fmt_qty(Decimal(need))} {uom} {unit.part.number}"
    if have > need:
        text += f" ({fmt_qty(Decimal(have) - Decimal(need))} {uom} more than it needs)"
    return text + "."


def _move_mode(ctx, state, meaning):
    return _pair(ctx, state, meaning, _move, _location_target(None, ""))


def _unload_mode(ctx, state, meaning):
    if meaning.kind == "unit" and not state.target:
        unit = _pallet(ctx, meaning)
        if not unit.location_id or unit.location.kind != "machine":
            raise Invalid(f"{unit.lpn} is not on a machine (it is at {_here(unit)}): "
                          "to move it, switch to Move.")
    return _pair(ctx, state, meaning, _unload, _location_target(
        ("storage", "staging", "receiving", "qc_hold"), "a pallet from a machine goes back to "
        "storage, a staging lane, receiving or QC hold."))


def _load_mode(ctx, state, meaning):
    return _pair(ctx, state, meaning, _load, _load_target)


def _consume_mode(ctx, state, meaning):
    if meaning.kind != "unit":
        raise _wrong_kind(meaning, state)
    unit = _pallet(ctx, meaning)
    if not unit.location_id or unit.location.kind != "machine":
        raise Invalid(f"{unit.lpn} is not loaded on a machine (it is at {_here(unit)}), "
                      "so nothing of it can be used up.")
    state = state.clear()
    state.unit = unit.lpn
    outcome = _waiting(state)
    outcome.detail = f"{fmt_qty(unit.quantity)} {unit.part.uom} on {unit.location.code}. " + outcome.detail
    return state, outcome


def _waste_mode(ctx, state, meaning):
    if meaning.kind != "unit":
        raise _wrong_kind(meaning, state)
    unit = _pallet(ctx, meaning)
    reason = state.reason
    state = state.clear()
    state.unit, state.reason = unit.lpn, reason
    outcome = _waiting(state)
    outcome.detail = f"{fmt_qty(unit.quantity)} {unit.part.uom} on it. " + outcome.detail
    return state, outcome


def _quantity(ctx, state, text):
    if not state.awaiting_quantity():
        raise Invalid("No quantity is wanted now: scan a pallet first.")
    if state.mode == "PRODUCE":
        return scan_produce.quantity(ctx, state, text)
    text = str(text).strip()
    everything = text.upper() == "ALL"
    if state.mode == "RECEIVE":
        if everything:
            raise Invalid("Type the quantity received.")
        label = _label(state.label)
        if label is None:
            raise Invalid("Scan the supplier label again.")
        return _receive(ctx, state, label, parse_quantity(text))
    qty = None if everything else parse_quantity(text)
    if state.mode == "CONSUME":
        result = inventory.consume(ctx, state.unit, qty)
        verb = "Used"
    else:
        if not state.reason:
            raise Invalid("Scan a reason from the command sheet first.")
        result = inventory.scrap(ctx, state.unit, qty, reason=_reason_label(state.reason))
        verb = "Wasted"
    entry, unit = result.entry, result.unit
    left = f"{fmt_qty(unit.quantity)} {unit.part.uom} left." if unit.quantity else f"{unit.lpn} is now empty."
    return state.clear(), Outcome("ok", f"{verb} {fmt_qty(entry.quantity)} {unit.part.uom} of {unit.lpn}",
                                  left, replayed=result.replayed)


def _receive_mode(ctx, state, meaning):
    if meaning.kind == "unit":
        raise Invalid(f"{meaning.text} is already received: it is {meaning.obj.lpn}, at {_here(meaning.obj)}.")
    if meaning.kind == "location":
        target = _location_target(("receiving", "storage", "staging", "qc_hold"),
                                  "receive onto a dock, a bin, a lane or QC hold.")(meaning, state)
        state = _with_target(state, target)
        return state, Outcome("wait", f"Receiving onto {state.target}", HINTS["RECEIVE"])
    if meaning.kind != "gs1":
        raise _wrong_kind(meaning, state)
    label = meaning.obj
    if state.label:  # a pallet's SSCC label and its item label, scanned one after the other
        label = _merge(_label(state.label), label)
    if label.gtin is None or label.quantity is None:
        state.label = _combined_text(state.label, meaning.text)
        if label.gtin is None:
            return state, Outcome("wait", f"Pallet {label.sscc}", "Now scan the item label (GTIN, lot, quantity).")
        _part(label)
        return state, _waiting(state)
    return _receive(ctx, state, label, label.quantity)


def _label(text):
    meaning = codes.resolve(text)
    return meaning.obj if meaning.kind == "gs1" else None


def _merge(first, second):
    if first is None:
        return second
    for name in ("sscc", "gtin", "lot", "quantity", "uom", "part", "unit"):
        if not getattr(second, name) and getattr(first, name):
            setattr(second, name, getattr(first, name))
    return second


def _combined_text(previous, text):
    # Both labels, kept as one parenthesised element string so resolve() reads them as one.
    labels = [label for label in (_label(t) for t in (previous, text) if t) if label is not None]
    merged = labels[0]
    for label in labels[1:]:
        merged = _merge(merged, label)
    parts = []
    if merged.sscc:
        parts.append(f"(00){merged.sscc}")
    if merged.gtin:
        parts.append(f"(01){merged.gtin}")
    if merged.lot:
        parts.append(f"(10){merged.lot}")
    if merged.quantity is not None:
        parts.append(f"(30){int(merged.quantity)}" if merged.uom == "ea" else
                     f"(3103){int(merged.quantity * 1000):06d}")
    return "".join(parts)


def _part(label):
    if label.part is None:
        raise Invalid(f"GTIN {label.gtin} is not one of our parts: ask a lead to add it to the part.")
    return label.part


def _receive(ctx, state, label, qty):
    part = _part(label)
    if label.uom and label.uom != part.uom:
        raise Invalid(f"The label counts in {label.uom}, but {part.number} is kept in {part.uom}.")
    barcodes = [("00" + label.sscc, "sscc")] if label.sscc else []
    result = inventory.receive(ctx, part, qty, state.target or None, lot=label.lot, barcodes=barcodes)
    unit = result.unit
    keep = state.clear()
    if state.target:
        keep.target = state.target
    return keep, Outcome("ok", f"Received {unit.lpn}",
                         f"{fmt_qty(unit.quantity)} {part.uom} {part.label}"
                         + (f", lot {unit.lot}" if unit.lot else "") + f", on {_here(unit)}. Print its label.",
                         lpn=unit.lpn, replayed=result.replayed)


def _count_mode(ctx, state, meaning):
    if meaning.kind == "location":
        if state.target:
            raise Invalid(f"Still counting {state.target}: scan DONE first, or CANCEL.")
        location = meaning.obj
        state = state.clear()
        state.target = location.code
        expected = Unit.select().where(Unit.location == location).count()
        return state, Outcome("wait", f"Counting {location.code}",
                              f"{expected} pallet{'s' if expected != 1 else ''} expected. Scan each, then DONE.")
    if meaning.kind != "unit":
        raise _wrong_kind(meaning, state)
    if not state.target:
        raise Invalid("Scan the location you are counting first.")
    unit = meaning.obj
    if unit.lpn not in state.counted:
        if len(state.counted) >= MAX_COUNTED:
            raise Invalid(f"A count takes at most {MAX_COUNTED} pallets: scan DONE.")
        state.counted.append(unit.lpn)
    here = unit.location_id and unit.location.code == state.target
    return state, Outcome(
        "wait" if here else "bad", f"{unit.lpn} {'✓' if here else 'not expected here'}",
        f"{len(state.counted)} scanned at {state.target}." if here else
        f"The system has it at {_here(unit)}. {len(state.counted)} scanned; counting goes on.")


def _finish_count(state):
    location = Location.get_or_none(Location.code == state.target)
    expected = {u.lpn for u in Unit.select(Unit.lpn).where(Unit.location == location)} if location else set()
    counted = set(state.counted)
    missing, unexpected = sorted(expected - counted), sorted(counted - expected)
    ok = not missing and not unexpected
    outcome = Outcome("ok" if ok else "bad", f"{state.target}: {'all there' if ok else 'differences'}",
                      f"{len(counted & expected)} of {len(expected)} found."
                      + ("" if ok else " A lead corrects the stock; nothing was changed."),
                      missing=missing[:30], unexpected=unexpected[:30])
    return state.clear(), outcome


MODE_STEPS = {
    "MOVE": _move_mode, "LOAD": _load_mode, "UNLOAD": _unload_mode, "CONSUME": _consume_mode,
    "WASTE": _waste_mode, "RECEIVE": _receive_mode, "COUNT": _count_mode, "PRODUCE": scan_produce.step,
}
