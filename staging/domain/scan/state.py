"""What the scan page holds between scans (State, kept in the session) and what it shows (Outcome,
and the amber panel for what is pending)."""
from dataclasses import asdict, dataclass, field

from ...store.models import WorkOrder
from .. import codes, words
from ..words import Words, joined
from .commands import MODE_NAMES, MODES, REASONS

MAX_COUNTED = 150  # units one count remembers (the state travels in the session cookie)

HINTS = {
    "MOVE": Words("Scan a pallet, then where it goes. Or a location, then several pallets."),
    "LOAD": Words("Scan a machine or its work order, then the material."),
    "UNLOAD": Words("Scan a pallet on a machine, then where it goes back to."),
    "SPLIT": Words("Scan a pallet, type how much to take off it, then scan where the part goes."),
    "CONSUME": Words("Scan a pallet on a machine, then type how much was used."),
    "WASTE": Words("Scan a pallet, a reason from the sheet, then type how much."),
    "RECEIVE": Words("Scan the supplier's GS1 label (GTIN, lot, quantity)."),
    "COUNT": Words("Scan a location, then every pallet on it, then DONE."),
    "TASKS": Words("Scan the pallet of the task shown, then the place it goes to."),
    "PRODUCE": Words("Scan the work order or its output station, then each pallet's quantity."),
}


@dataclass
class State:
    mode: str = "MOVE"
    user_id: int | None = None
    at: str = ""  # ISO time of the last scan that set something pending
    unit: str = ""  # pending pallet (LPN)
    unit_from: str = ""  # where that pallet was when scanned: a move names where it was believed
    target: str = ""  # pending location code (sticky)
    work_order: str = ""  # Load: the work order scanned instead of its machine
    reason: str = ""  # Waste: reason code
    label: str = ""  # Receive: the supplier label still missing a quantity or item
    split_qty: str = ""  # Split: how much to take off the pending pallet
    checking: str = ""  # Receive: a label whose values wait for a confirming scan (a lot may hide more)
    undo: str = ""  # the ledger entry id a first Undo asked about; a second Undo reverses it
    counted: list = field(default_factory=list)  # Count: LPNs scanned so far
    since: str = ""  # Count: ISO time the count of `target` began (what moved after is said as moved)
    after_refusal: bool = False  # the last scan was refused while nothing was pending
    refused: str = ""  # the load just refused as wrong material: "LPN|MACHINE|WO|FROM|ISO time"
    machine: str = ""  # the machine scanned last, for a state command: "CODE|ISO time" (machine_state)
    down_for: str = ""  # Down was scanned for this machine ("CODE|ISO time"): its reason is asked for

    @classmethod
    def load(cls, data):
        """From the session: untrusted shape, so keep only what fits."""
        state = cls()
        if not isinstance(data, dict):
            return state
        for name in ("mode", "at", "unit", "unit_from", "target", "work_order", "reason", "label", "refused",
                     "split_qty", "undo", "checking", "since", "machine", "down_for"):
            value = data.get(name)
            if isinstance(value, str) and len(value) <= codes.MAX_SCAN + 1:
                setattr(state, name, value)
        if isinstance(data.get("user_id"), int):
            state.user_id = data["user_id"]
        state.after_refusal = data.get("after_refusal") is True
        counted = data.get("counted")
        if isinstance(counted, list):
            state.counted = [c for c in counted if isinstance(c, str)][:MAX_COUNTED]
        if state.mode not in MODES:
            state.mode = "MOVE"
        return state

    def dump(self):
        return asdict(self)

    @property
    def pending(self):
        # Waste's reason alone is not pending: it stays for the next pallets until changed.
        return bool(self.unit or self.target or self.work_order or self.label or self.checking)

    def clear(self):
        # The machine scanned last stays: a state command may follow whatever the mode did with it.
        return State(mode=self.mode, user_id=self.user_id, machine=self.machine)

    def standard_pack(self):
        """Produce: the standard pack of the order's product (None: it has none, so no button offers it)."""
        if self.mode != "PRODUCE" or not self.work_order:
            return None
        wo = WorkOrder.get_or_none(WorkOrder.number == self.work_order)
        return wo.part.pack_qty if wo is not None and wo.part_id else None

    def wants_reason(self):
        return self.mode == "WASTE" and bool(self.unit) and not self.reason

    def awaiting_quantity(self):
        # Waste asks in one order: the pallet, its reason, then how much (the reason is kept for
        # the next pallets until another is scanned).
        return (self.mode == "CONSUME" and bool(self.unit)) or \
            (self.mode == "WASTE" and bool(self.unit) and bool(self.reason)) or \
            (self.mode == "SPLIT" and bool(self.unit) and not self.split_qty) or \
            (self.mode == "RECEIVE" and bool(self.label)) or \
            (self.mode == "PRODUCE" and bool(self.work_order))


@dataclass
class Outcome:
    """What the operator sees: plain data (its sentences Words), so it can wait in the session for
    the next page and be said in the language of whoever reads it."""
    tone: str  # ok (green, done), bad (red, refused, nothing written), wait (amber), info
    title: Words | str  # a few words: "P000123 → M4"
    detail: Words | str = ""
    code: str = ""  # what was scanned, shown (escaped) back
    ask: str = ""  # "qty" when a quantity is wanted
    lpn: str = ""  # a new unit whose label to print
    missing: list = field(default_factory=list)  # Count: expected, not scanned
    unexpected: list = field(default_factory=list)  # Count: scanned, not expected here
    choices: list = field(default_factory=list)  # several codes in one photo: which one?
    sign_in: int | None = None  # user id a badge scan signs in
    sign_out: bool = False
    replayed: bool = False  # the verb had already recorded this scan id
    facts: list = field(default_factory=list)  # lines (Words) saying what a scanned pallet is (unit_facts)
    confirm: bool = False  # Undo asks: the panel offers the confirming tap
    override: list = field(default_factory=list)  # [(code, label)]: a lead may load it anyway
    reasons: list = field(default_factory=list)  # Down asks why: the plant's down reasons, tapped by number

    def dump(self):
        data = asdict(self)
        data["title"], data["detail"] = words.dump(self.title), words.dump(self.detail)
        data["facts"] = [words.dump(line) for line in self.facts]
        data["override"] = [(code, words.dump(label)) for code, label in self.override]
        return data

    @classmethod
    def load(cls, data):
        """From the session (as `dump` wrote it)."""
        outcome = cls(**data)
        outcome.title, outcome.detail = words.load(outcome.title), words.load(outcome.detail)
        outcome.facts = [words.load(line) for line in outcome.facts]
        outcome.override = [(code, words.load(label)) for code, label in outcome.override]
        return outcome

    def add(self, *sentences):
        """The detail with more sentences after it."""
        self.detail = joined(self.detail, *sentences)
        return self


def mode_name(mode):
    return MODE_NAMES.get(mode, mode.title())


def _waiting(state, prefix=""):
    """The amber panel for what is pending."""
    if state.mode == "WASTE" and state.unit and not state.reason:
        title, detail = Words("{unit}: why?", unit=state.unit), Words("Scan a reason from the command sheet.")
    elif state.awaiting_quantity():
        what = state.unit or (state.work_order if state.mode == "PRODUCE" else Words("the label"))
        title = Words("{what}: how much?", what=what)
        detail = {"CONSUME": Words("Type the quantity used, or All."),
                  "WASTE": Words("Type the quantity wasted ({reason}), or All.", reason=_reason_label(state.reason)),
                  "SPLIT": Words("Type how much to take off it."),
                  "RECEIVE": Words("This label has no quantity: type it."),
                  "PRODUCE": Words("Type the quantity on this pallet, or Standard pack.")}[state.mode]
        return Outcome("wait", title, joined(prefix, detail), ask="qty")
    elif state.unit and state.split_qty:
        title = Words("Take {qty} off {unit}", qty=state.split_qty, unit=state.unit)
        detail = Words("Scan where the part taken goes.")
    elif state.unit:
        title = Words("{unit}: where to?", unit=state.unit)
        detail = Words("Scan the machine or its work order.") if state.mode == "LOAD" else Words("Scan the location.")
    elif state.target:
        target = Words("{work_order} on {target}", work_order=state.work_order, target=state.target) \
            if state.work_order else state.target
        title = Words("{target}: scan pallets", target=target)
        detail = Words("Scan each pallet, then DONE.")
    elif state.checking:
        title, detail = Words("Check the label"), Words("Scan it again (or Done) to take its values, or CANCEL.")
    elif state.label:
        title, detail = Words("Supplier label"), Words("Scan the item label too.")
    else:
        title, detail = mode_name(state.mode), HINTS[state.mode]
    return Outcome("wait", title, joined(prefix, detail))


def _reason_label(code):
    return dict(REASONS).get(code, code)



STATUS_WORDS = {"stock": Words("In stock"), "staged": Words("Staged"), "loaded": Words("Loaded"),
                "output": Words("Output"), "hold": Words("ON QC HOLD"), "shipping": Words("Shipping"),
                "empty": Words("Empty")}


def unit_facts(unit):
    """What a pallet is, for the operator to check before moving it: part, revision, quantity,
    lot; where it is, its status and its work order (two short lines for a 360 px panel)."""
    part = unit.part
    lot = Words("lot {lot}", lot=unit.lot) if unit.lot else Words("no lot")
    where = Words("At {location}", location=unit.location.code) if unit.location_id else Words("Nowhere")
    order = Words("for {work_order}", work_order=unit.work_order.number) if unit.work_order_id \
        else Words("no work order")
    return [Words("{part} rev {revision} · {qty} {uom} · {lot}", part=part.number, revision=part.revision or "—",
                  qty=unit.quantity, uom=part.uom, lot=lot),
            Words("{where} · {status} · {order}", where=where, status=STATUS_WORDS.get(unit.status, unit.status),
                  order=order)]
