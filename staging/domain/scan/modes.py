"""What a scan does in each mode of the scan page (MODE_STEPS), and the typed quantity that
finishes a Consume, a Waste or a Receive. Writes only through the inventory verbs."""
import datetime

from ...store.models import Entry, Unit, utcnow
from .. import codes, inventory
from ..errors import Conflict, Invalid
from ..quantities import fmt_qty, parse_quantity
from ..words import Words, joined, part_label
from . import counting
from . import produce as scan_produce
from . import tasks as scan_tasks
from .commands import OVERRIDES
from .kinds import here as _here
from .kinds import wrong_kind as _wrong_kind
from .labels import combined_text, label_facts, label_of, label_part, merge_labels
from .state import HINTS, Outcome, _reason_label, _waiting, unit_facts

CLOCK_SLACK = datetime.timedelta(seconds=2)  # app hosts' clocks differ a little


def _pallet(ctx, meaning):
    """A scanned unit; refused when it is empty, or when someone changed it after the scan (a
    scan replayed from a handheld's offline queue arrives late, with the time it was made)."""
    unit = meaning.obj
    if unit.status == "empty":
        raise Invalid("{unit} is empty: it was used up or wasted.", unit=unit.lpn)
    if ctx.at is not None:
        latest = Entry.select().where(Entry.unit == unit).order_by(Entry.id.desc()).first()
        if latest is not None and latest.at > ctx.at + CLOCK_SLACK:
            who = latest.user.username if latest.user_id else Words("someone")
            raise Conflict("{unit} was changed after you scanned it ({kind} by {who}, now at {location}): "
                           "scan it again where it is.",
                           unit=unit.lpn, kind=latest.kind, who=who, location=_here(unit))
    return unit


def _described(outcome, unit):
    """The panel after a pallet scan says what the pallet is; on QC hold, that first."""
    outcome.facts = unit_facts(unit)
    if unit.status == "hold":
        outcome.detail = joined(Words("{unit} is on QC hold: it stays on hold where it goes.", unit=unit.lpn),
                                outcome.detail)
    return outcome


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
        return state, _described(_waiting(state), unit)
    target = target_ok(meaning, state)
    if state.after_refusal and not state.unit:
        raise _Orphan("{code} was not used: the scan before it was refused. Scan the pallet again, then {code}.",
                      code=target[0].code)
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
                raise Invalid("{location} is {location_name}, not a place to put a pallet: scan the label of a bin, "
                              "lane, machine or station.", location=location.code, location_name=location.name)
            if kinds and location.kind not in kinds:
                raise Invalid("{location} is a {kind} location: {rule}", location=location.code,
                              kind=location.kind.replace("_", " "), rule=words)
            return location, None
        raise _wrong_kind(meaning, state)
    return check


def _move(ctx, lpn, state, expected_from):
    result = scan_tasks.move(ctx, lpn, state.target, expected_from or None)
    return _moved(result, state)


def _moved(result, state):
    """Green when done as asked; amber when done but worth a look (more than the work order
    needs, a pallet on QC hold, a lead's override): the note says why."""
    entry = result.entry
    title = f"{result.unit.lpn} → {entry.to_location.code}"
    detail = {"load": Words("Loaded."), "unload": Words("Unloaded."), "move": Words("Moved."),
              "stage": Words("Staged."), "ship": Words("Shipped.")}.get(entry.kind, "")
    more = Words("Next pallet for {location}, or DONE.", location=state.target) \
        if state.target and not state.unit else ""
    return Outcome("wait" if result.warn else "ok", title, joined(detail, result.note, more), replayed=result.replayed)


def _unload(ctx, lpn, state, expected_from):
    result = inventory.unload(ctx, lpn, state.target, expected_from=expected_from or None)
    return _moved(result, state)


def _load(ctx, lpn, state, expected_from):
    result = inventory.load(ctx, lpn, state.target, state.work_order or None,
                            expected_from=expected_from or None)
    return _moved(result, state)


def override_load(ctx, state, code, ttl):
    """A lead's CMD:OVERRIDE:<reason> right after a load refused as wrong material: the same load
    again, with the reason on its ledger entry (the verb checks the lead's role)."""
    try:
        lpn, machine, wo, where, at = state.refused.split("|")
        fresh = (ctx.at or utcnow()) - datetime.datetime.fromisoformat(at) <= ttl
    except ValueError:
        fresh = False
    if not fresh:
        raise Invalid("Nothing to override: a lead overrides a load refused as wrong material, "
                      "right after the refusal. Scan the machine and the pallet again.")
    result = inventory.load(ctx, lpn, machine, wo or None, expected_from=where or None,
                            override=dict(OVERRIDES)[code])
    keep = state.clear() if state.unit else state  # a machine scanned first stays for more pallets
    return keep, _moved(result, keep)


def _load_target(meaning, state):
    if meaning.kind == "work_order":
        wo = meaning.obj
        if wo.machine_id is None:
            raise Invalid("Work order {order} has no machine: scan the machine instead.", order=wo.number)
        return wo.machine, wo
    if meaning.kind == "location" and meaning.obj.kind == "machine":
        return meaning.obj, None
    if meaning.kind == "location":
        raise Invalid("{location} is not a machine. In Load, scan a machine or its work order; to put a pallet "
                      "elsewhere, switch to Move.", location=meaning.obj.code)
    raise _wrong_kind(meaning, state)


def _move_mode(ctx, state, meaning):
    return _pair(ctx, state, meaning, _move, _location_target(None, ""))


def _unload_mode(ctx, state, meaning):
    if meaning.kind == "unit" and not state.target:
        unit = _pallet(ctx, meaning)
        if not unit.location_id or unit.location.kind != "machine":
            raise Invalid("{unit} is not on a machine (it is at {location}): to move it, switch to Move.",
                          unit=unit.lpn, location=_here(unit))
    return _pair(ctx, state, meaning, _unload, _location_target(
        ("storage", "staging", "receiving", "qc_hold"),
        Words("a pallet from a machine goes back to storage, a staging lane, receiving or QC hold.")))


def _load_mode(ctx, state, meaning):
    return _pair(ctx, state, meaning, _load, _load_target)


def _split_mode(ctx, state, meaning):
    """Part of a pallet: the pallet, how much (typed or scanned), then where the part goes."""
    if meaning.kind == "unit":
        unit = _pallet(ctx, meaning)
        state = state.clear()
        state.unit, state.unit_from = unit.lpn, _here(unit)
        return state, _described(_waiting(state), unit)
    if not state.unit:
        raise Invalid("Scan the pallet to take a part off first. {hint}", hint=HINTS['SPLIT'])
    if not state.split_qty:
        raise Invalid("First type how much to take off {unit}.", unit=state.unit)
    location, _ = _location_target(None, "")(meaning, state)
    result = inventory.split(ctx, state.unit, state.split_qty, location,
                             expected_from=state.unit_from if state.unit_from != "nowhere" else None)
    new, entry = result.unit, result.entry
    left = Unit.get(Unit.lpn == state.unit)
    detail = joined(Words("Taken off {unit}, which keeps {qty} {uom}.", unit=left.lpn, qty=left.quantity,
                          uom=new.part.uom),
                    Words("{unit} gets its own label.", unit=new.lpn), result.note)
    return state.clear(), Outcome("wait" if result.warn else "ok",
                                  Words("{unit}: {qty} {uom} → {location}", unit=new.lpn, qty=new.quantity,
                                        uom=new.part.uom, location=entry.to_location.code),
                                  detail, lpn=new.lpn, replayed=result.replayed)


def _split_quantity(state, text):
    if text.upper() == "ALL":
        raise Invalid("To take all of {unit}, use Move: a split leaves part of it behind.", unit=state.unit)
    qty = parse_quantity(text)
    unit = Unit.get_or_none(Unit.lpn == state.unit)
    if unit is not None and qty >= unit.quantity:
        raise Invalid("{unit} holds {quantity} {uom}: take less than that, or move the whole pallet.", unit=unit.lpn,
                      quantity=fmt_qty(unit.quantity), uom=unit.part.uom)
    state.split_qty = fmt_qty(qty)
    return state, _waiting(state)


def _consume_mode(ctx, state, meaning):
    if meaning.kind != "unit":
        raise _wrong_kind(meaning, state)
    unit = _pallet(ctx, meaning)
    if not unit.location_id or unit.location.kind != "machine":
        raise Invalid("{unit} is not loaded on a machine (it is at {location}), so nothing of it can be used up.",
                      unit=unit.lpn, location=_here(unit))
    state = state.clear()
    state.unit = unit.lpn
    return state, _described(_waiting(state), unit)


def _waste_mode(ctx, state, meaning):
    if meaning.kind != "unit":
        raise _wrong_kind(meaning, state)
    unit = _pallet(ctx, meaning)
    reason = state.reason
    state = state.clear()
    state.unit, state.reason = unit.lpn, reason
    return state, _described(_waiting(state), unit)


def _quantity(ctx, state, text):
    if state.wants_reason():
        raise Invalid("{unit}: first the reason (scan it from the command sheet, or tap it), then how much.",
                      unit=state.unit)
    if not state.awaiting_quantity():
        raise Invalid("No quantity is wanted now: scan a pallet first.")
    if state.mode == "PRODUCE":
        return scan_produce.quantity(ctx, state, text)
    text = str(text).strip()
    if state.mode == "SPLIT":
        return _split_quantity(state, text)
    if state.mode == "COUNT":
        return counting.count_tasks.quantity(ctx, state, text)
    everything = text.upper() == "ALL"
    if state.mode == "RECEIVE":
        if everything:
            raise Invalid("Type the quantity received.")
        label = label_of(state.label)
        if label is None:
            raise Invalid("Scan the supplier label again.")
        return _receive(ctx, state, label, parse_quantity(text))
    qty = None if everything else parse_quantity(text)
    if state.mode == "CONSUME":
        result = inventory.consume(ctx, state.unit, qty)
        done = Words("Used {qty} {uom} of {unit}", qty=None, uom="", unit="")
    else:
        result = inventory.scrap(ctx, state.unit, qty, reason=str(_reason_label(state.reason)))
        done = Words("Wasted {qty} {uom} of {unit}", qty=None, uom="", unit="")
    entry, unit = result.entry, result.unit
    done.values.update(qty=entry.quantity, uom=unit.part.uom, unit=unit.lpn)
    left = Words("{qty} {uom} left.", qty=unit.quantity, uom=unit.part.uom) if unit.quantity else \
        Words("{unit} is now empty.", unit=unit.lpn)
    keep = state.clear()
    keep.reason = state.reason  # the next pallet wasted for the same reason needs no new reason scan
    return keep, Outcome("ok", done, left, replayed=result.replayed)


def _receive_mode(ctx, state, meaning):
    _check_pending_label(state, meaning)
    if meaning.kind == "unit":
        raise Invalid("{code} is already received: it is {unit}, at {location}.", code=meaning.text,
                      unit=meaning.obj.lpn, location=_here(meaning.obj))
    if meaning.kind == "location":
        target = _location_target(("receiving", "storage", "staging", "qc_hold"),
                                  Words("receive onto a dock, a bin, a lane or QC hold."))(meaning, state)
        state = _with_target(state, target)
        return state, Outcome("wait", Words("Receiving onto {location}", location=state.target), HINTS["RECEIVE"])
    if meaning.kind != "gs1":
        raise _wrong_kind(meaning, state)
    label = meaning.obj
    if state.checking:  # the same label again: its values are confirmed
        state.checking = ""
        return _take_label(ctx, state, label, meaning.text)
    if label.hidden:
        state.checking = meaning.text
        return state, Outcome("wait", Words("Check the label"), Words(
            "Are these right? {doubt}. Right: scan the label again (or Done). Wrong: CANCEL, and have the scanner "
            "set to send GS.", doubt=label.hidden[0].upper() + label.hidden[1:]), facts=label_facts(label))
    return _take_label(ctx, state, label, meaning.text)


def _check_pending_label(state, meaning):
    """A label waiting for its quantity, or for its values to be confirmed, takes nothing else:
    merged with the next scan, a lot that swallowed its quantity would be received as read."""
    if state.checking and codes.clean(meaning.text) != codes.clean(state.checking):
        raise Invalid("“{code}” was not used: first confirm the label's values (scan it again, or Done), or CANCEL.",
                      code=codes.shown(meaning.text))
    pending = label_of(state.label) if state.label else None
    if pending is not None and pending.gtin is not None:
        raise Invalid("“{code}” was not used: the label of {gtin} still waits for its quantity. Type it, or CANCEL.",
                      code=codes.shown(meaning.text), gtin=pending.gtin)


def confirm_label(ctx, state):
    """Done while a label's values wait for confirmation: take them as read."""
    label = label_of(state.checking)
    if label is None:
        raise Invalid("Scan the supplier label again.")
    text, state.checking = state.checking, ""
    return _take_label(ctx, state, label, text)


def _take_label(ctx, state, label, text):
    if state.label:  # a pallet's SSCC label and its item label, scanned one after the other
        label = merge_labels(label_of(state.label), label)
    if label.gtin is None or label.quantity is None:
        state.label = combined_text(state.label, text)
        if label.gtin is None:
            return state, Outcome("wait", Words("Pallet {sscc}", sscc=label.sscc),
                                  Words("Now scan the item label (GTIN, lot, quantity)."))
        label_part(label)
        asked = _waiting(state)
        asked.facts = label_facts(label)  # which part and lot the typed quantity will be of
        return state, asked
    return _receive(ctx, state, label, label.quantity)


def _receive(ctx, state, label, qty):
    part = label_part(label)
    if label.uom and label.uom != part.uom:
        raise Invalid("The label counts in {label_uom}, but {part} is kept in {uom}.", label_uom=label.uom,
                      part=part.number, uom=part.uom)
    barcodes = [("00" + label.sscc, "sscc")] if label.sscc else []
    result = inventory.receive(ctx, part, qty, state.target or None, lot=label.lot, barcodes=barcodes)
    unit = result.unit
    keep = state.clear()
    if state.target:
        keep.target = state.target
    said = Words("{qty} {uom} {part}, lot {lot}, on {location}. Print its label.", lot=unit.lot) if unit.lot else \
        Words("{qty} {uom} {part}, on {location}. Print its label.")
    said.values.update(qty=unit.quantity, uom=part.uom, part=part_label(part), location=_here(unit))
    return keep, Outcome("ok", Words("Received {unit}", unit=unit.lpn), said, lpn=unit.lpn, replayed=result.replayed)


MODE_STEPS = {
    "MOVE": _move_mode, "LOAD": _load_mode, "UNLOAD": _unload_mode, "SPLIT": _split_mode, "CONSUME": _consume_mode,
    "WASTE": _waste_mode, "RECEIVE": _receive_mode, "COUNT": counting.step, "TASKS": scan_tasks.step,
    "PRODUCE": scan_produce.step,
}
