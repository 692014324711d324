"""The scan page's state machine: what one scan (or a typed quantity) does, given the mode and
what was scanned before. No Flask here: the view keeps the State between requests (in the
session) and renders the Outcome.

Every scan goes through `step`, online or replayed from a handheld's offline queue, in the order
it was scanned, so a queued scan means exactly what it would have meant online. Writes happen only
through the inventory verbs, with the scan's client id: a retried or replayed scan records once.
A pending first scan expires, belongs to one user, and is dropped by a mode switch or Cancel, so
a half-finished two-scan action is never applied to the wrong thing."""
import datetime
import re

from ...store.models import User, utcnow
from .. import codes, inventory, words
from ..errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from ..people.permissions import can
from ..words import Words
from ..workorders import WrongMaterial
from . import count_tasks, machine_state
from . import tasks as scan_tasks
from . import upkeep as scan_upkeep
from .commands import OVERRIDES, REASONS
from .counting import finish as _finish_count
from .modes import MODE_STEPS, _Orphan, _quantity, confirm_label, override_load
from .state import HINTS, Outcome, State, _waiting, mode_name

PENDING_TTL = datetime.timedelta(minutes=10)
REFUSED = {Invalid: Words("Refused"), NotFound: Words("Not found"), Conflict: Words("Changed meanwhile"),
           Forbidden: Words("Not allowed")}  # the red panel's few words
# The titles of the refusals the scan page knows by name (their class's title, in English).
TITLES = {"Unknown barcode": Words("Unknown barcode"), "Not used": Words("Not used"),
          "Wrong material": Words("Wrong material"), "Too many attempts": Words("Too many attempts"),
          "Not signed in": Words("Not signed in"), "Photo not read": Words("Photo not read"),
          "Task taken": Words("Task taken"), "Task paused": Words("Task paused")}
QUANTITY = re.compile(r"^\d{1,9}([.,]\d{1,3})?$")
TARGET_FIRST = {"MOVE", "LOAD", "UNLOAD", "RECEIVE"}  # a target scanned first stays for several


def now_of(ctx):
    return ctx.at or utcnow()


def prompt(state):
    """The panel for a page (re)load: what the current state waits for."""
    if state.mode == "COUNT" and state.count and not state.unit and not state.label:
        return Outcome("wait", Words("Counting {location}", location=state.target),
                       Words("Scan each pallet and type its quantity, then DONE."))
    if state.mode == "COUNT" and not state.pending and state.user_id:
        offered = _count_offer(state.user_id, None)
        if offered is not None:
            return offered
    if state.counted or (state.mode == "COUNT" and state.target and not state.count):
        return Outcome("wait", Words("Counting {location}", location=state.target),
                       Words("{count} scanned. Scan the next pallet, or DONE.", count=len(state.counted)))
    if state.down_for:
        asked = machine_state.prompt(state)
        if asked is not None:
            return asked
    if state.pending:
        return _waiting(state)
    if state.mode == "TASKS":  # the next task, not a hint
        return scan_tasks.prompt(state)
    return Outcome("info", mode_name(state.mode), HINTS[state.mode])


def _count_offer(user_id, at):
    user = User.get_or_none(User.id == user_id)
    return count_tasks.offer(user, at) if user is not None and user.active else None


def refused_title(err):
    """The red panel's few words for a refusal."""
    return REFUSED.get(type(err)) or TITLES.get(err.title) or Words("Refused")


def step(ctx, state, code=None, qty=None):
    """One scan (`code`) or one typed quantity (`qty`): returns (new State, Outcome)."""
    state, dropped = _fresh(ctx, state)
    before = State.load(state.dump())  # the steps may change `state` before they refuse
    before.after_refusal = False
    try:
        new, outcome = _step(ctx, state, code, qty)
        new.after_refusal, new.refused = False, ""
        if not outcome.confirm:  # any other scan than the confirming one drops an Undo asked for
            new.undo = ""
    except DomainError as err:
        # Refused: nothing was written, and the pending first scan stays for another try. A
        # refused first scan also stops the next location from starting a put-away: replayed from
        # the offline queue, that location belonged to the refused pallet, and the pallets after
        # it would go to the wrong place.
        new, outcome = before, Outcome("bad", refused_title(err), err.words)
        new.machine = state.machine  # a machine scanned and refused by the mode is still there for a state
        new.after_refusal = (not isinstance(err, (_Orphan, scan_upkeep.NoPlace)) and new.mode in TARGET_FIRST
                             and not new.pending)
        new.refused = _refused_load(ctx, err, outcome)
        new.undo = ""
    if not outcome.code and code is not None:
        outcome.code = codes.shown(codes.clean(code))
    if dropped and outcome.tone != "bad":
        outcome.add(dropped)
    if new.pending:
        new.at = now_of(ctx).isoformat()
    return new, outcome


def _refused_load(ctx, err, outcome):
    """A load refused as wrong material: remembered for a lead's override right after it, and
    the panel offers the override's reasons to a lead (and tells anyone else to fetch one)."""
    if not isinstance(err, WrongMaterial):
        return ""
    unit, machine, wo = err.unit, err.machine, err.work_order
    if can(ctx.user, "override_load"):
        outcome.override = list(OVERRIDES)
    else:
        outcome.add(Words("A lead can load it anyway: ask one to scan their badge here."))
    where = unit.location.code if unit.location_id else ""
    return "|".join((unit.lpn, machine.code, wo.number if wo else "", where, now_of(ctx).isoformat()))


def _fresh(ctx, state):
    """Drop a pending scan that is too old or someone else's."""
    if state.user_id != ctx.user.id:
        return State(mode=state.mode, user_id=ctx.user.id), ""
    if state.pending and state.at:
        try:
            then = datetime.datetime.fromisoformat(state.at)
        except ValueError:
            then = None
        if then is None or now_of(ctx) - then > PENDING_TTL:
            what = state.unit or state.target or state.work_order or Words("the first scan")
            return state.clear(), Words("(Your earlier scan of {what} was dropped: over 10 minutes old.)", what=what)
    return state, ""


def _step(ctx, state, code, qty):
    if qty is not None and code is None:
        return _quantity(ctx, state, qty)
    meaning = codes.resolve(code)
    if state.down_for:  # Down asked why: the typed reason, or anything else lets the question go
        if meaning.kind == "unknown":
            return machine_state.reason(ctx, state, meaning.text)
        state.down_for = ""
    if meaning.kind == "location":
        machine_state.remember(state, meaning.obj, now_of(ctx))
    if meaning.kind in ANY_MODE:
        return ANY_MODE[meaning.kind](ctx, state, meaning.obj)
    if meaning.kind == "unknown":
        if (state.awaiting_quantity() or state.wants_reason()) and (
                QUANTITY.match(meaning.text) or meaning.text.upper() == "ALL"):
            return _quantity(ctx, state, meaning.text)
        if state.checking:
            raise Invalid("“{code}” was not used: first confirm the label's values (scan it again, or Done), "
                          "or CANCEL.",
                          code=codes.shown(meaning.text))
        if state.awaiting_quantity():
            raise Invalid("“{code}” is not a quantity: {unit} waits for how much. Type it (like 20 or 20,5), "
                          "or CANCEL.",
                          code=codes.shown(meaning.text), unit=state.unit or Words("the label"))
        raise _Unknown(meaning.text)
    return _in_mode(ctx, state, meaning)


def _in_mode(ctx, state, meaning):
    if meaning.kind == "tool":  # a tool's label says what it is, whatever the mode; nothing changes
        return state, scan_upkeep.tool_seen(meaning.obj, now_of(ctx))
    return MODE_STEPS[state.mode](ctx, state, meaning)


def _badge(ctx, state, user):
    if not user.active:
        raise Invalid("The badge of {user} is switched off.", user=str(user))
    return State(mode=state.mode, user_id=user.id), signed_in(user)


def _card(ctx, state, card):
    return scan_tasks.call(ctx, state, card)


def signed_in(user):
    """The panel after a badge scan: who holds the handheld now."""
    return Outcome("ok", Words("Signed in: {name}", name=str(user)), Words("Scans are now recorded as yours."),
                   sign_in=user.id)


class _Unknown(Invalid):
    title = "Unknown barcode"

    def __init__(self, text):
        if text:
            super().__init__(Words("“{code}” is not a pallet, location, work order, badge or command we know.",
                                   code=codes.shown(text)))
        else:
            super().__init__(Words("The scan was empty."))


# --- commands --------------------------------------------------------------------------------------

def _command(ctx, state, payload):
    parts = payload.split(":")
    handler = _COMMANDS.get(parts[1])
    if handler is None:
        raise _Unknown(payload)
    return handler(ctx, state, parts[2] if len(parts) > 2 else "")


def _mode(ctx, state, mode):
    outcome = (scan_tasks.entered(ctx, mode) or (_count_offer(ctx.user.id, ctx.at) if mode == "COUNT" else None)
               or Outcome("info", mode_name(mode), HINTS[mode]))  # Tasks, Count: the next one
    return State(mode=mode, user_id=state.user_id), outcome


def _reason(ctx, state, code):
    if state.mode != "WASTE":
        raise Invalid("Reason codes are for Waste: switch to Waste first.")
    label = dict(REASONS)[code]
    state.reason = code
    if state.unit:
        return state, _waiting(state)
    return state, Outcome("wait", Words("Reason: {reason}", reason=label), Words("Now scan the pallet."))


def _override(ctx, state, code):
    return override_load(ctx, state, code, PENDING_TTL)


def _cancel(ctx, state, _):
    what = state.unit or state.target or (Words("the label") if state.label or state.checking else "")
    return state.clear(), Outcome("info", Words("Cancelled"), Words("{what} was not changed.", what=what)
                                  if what else Words("Nothing was pending."))


def _done(ctx, state, _):
    if state.checking:
        return confirm_label(ctx, state)
    if state.mode == "COUNT" and state.count:
        return count_tasks.done(ctx, state)
    if state.mode == "COUNT" and state.target:
        return _finish_count(state)
    if state.target:
        return state.clear(), Outcome("ok", Words("Done with {location}", location=state.target), HINTS[state.mode])
    if state.pending:  # nothing Done could finish: what is still asked for, or Cancel to let it go
        return state, _waiting(state).add(Words("Or Cancel: nothing more is written."))
    return state, Outcome("info", Words("Nothing to finish"), HINTS[state.mode])


def _undo(ctx, state, _):
    """The first Undo says what it would reverse and waits; a second Undo (tap or scan) does it."""
    if not state.undo:
        entry = inventory.last_change(ctx)
        state.undo = str(entry.id)
        return state, Outcome("wait", Words("Undo this?"), Words(
            "{change} Tap Undo again (or scan UNDO) to confirm; any other scan keeps it.",
            change=inventory.describe_undo(entry)), confirm=True)
    result = inventory.undo(ctx, state.undo)
    entry, unit = result.entry, result.unit
    kind = entry.reverses.kind
    where = entry.to_location.code if entry.to_location_id else Words("nowhere")
    if kind in ("consume", "scrap"):  # the quantity came back; the pallet did not go anywhere
        title = Words("Undone: {change} of {qty} {uom} of {unit}", change=words.change(kind),
                      qty=entry.reverses.quantity, uom=unit.part.uom, unit=unit.lpn)
        detail = Words("{unit} holds {qty} {uom} again, at {location}.", unit=unit.lpn, qty=unit.quantity,
                       uom=unit.part.uom, location=unit.location.code if unit.location_id else Words("nowhere"))
    else:
        title = Words("Undone: {unit} → {location}", unit=unit.lpn, location=where)
        detail = Words("Your {change} was reversed.", change=words.change(kind))
    return state.clear(), Outcome("ok", title, detail, replayed=result.replayed)


def _andon(kind):
    return lambda ctx, state, _: scan_upkeep.call(ctx, state, kind)


def _machine(ctx, state, code):
    return machine_state.command(ctx, state, code)


def _sign_out(ctx, state, _):
    return State(mode=state.mode), Outcome("info", Words("Signed out"), sign_out=True)


_COMMANDS = {"MODE": _mode, "REASON": _reason, "OVERRIDE": _override, "CANCEL": _cancel, "DONE": _done,
             "UNDO": _undo, "SIGNOUT": _sign_out, "MACHINE": _machine,
             "SAFETY": _andon("safety"), "QUALITY": _andon("quality"), "MATERIAL": _andon("material")}
# What a scan does in any mode: a command, a badge (the handheld changes hands), a kanban card (it
# calls its material).
ANY_MODE = {"command": _command, "badge": _badge, "card": _card}


def remember(recent, outcome, at, keep=8):
    """The last scans, newest first, as the page lists them (`at`: the time as shown)."""
    row = {"tone": outcome.tone, "title": words.dump(outcome.title), "code": outcome.code, "at": at}
    return ([row] + [r for r in (recent or []) if isinstance(r, dict)])[:keep]
