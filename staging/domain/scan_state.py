"""What the scan page holds between scans (State, kept in the session) and what it shows (Outcome,
and the amber panel for what is pending)."""
from dataclasses import asdict, dataclass, field

from . import codes
from .scan_commands import MODES, REASONS

MAX_COUNTED = 150  # units one count remembers (the state travels in the session cookie)

HINTS = {
    "MOVE": "Scan a pallet, then where it goes. Or a location, then several pallets.",
    "LOAD": "Scan a machine or its work order, then the material.",
    "UNLOAD": "Scan a pallet on a machine, then where it goes back to.",
    "CONSUME": "Scan a pallet on a machine, then type how much was used.",
    "WASTE": "Scan a pallet, a reason from the sheet, then type how much.",
    "RECEIVE": "Scan the supplier's GS1 label (GTIN, lot, quantity).",
    "COUNT": "Scan a location, then every pallet on it, then DONE.",
    "PRODUCE": "Scan the work order or its output station, then each pallet's quantity.",
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
    counted: list = field(default_factory=list)  # Count: LPNs scanned so far
    after_refusal: bool = False  # the last scan was refused while nothing was pending

    @classmethod
    def load(cls, data):
        """From the session: untrusted shape, so keep only what fits."""
        state = cls()
        if not isinstance(data, dict):
            return state
        for name in ("mode", "at", "unit", "unit_from", "target", "work_order", "reason", "label"):
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
        return bool(self.unit or self.target or self.work_order or self.reason or self.label)

    def clear(self):
        return State(mode=self.mode, user_id=self.user_id)

    def awaiting_quantity(self):
        return (self.mode in ("CONSUME", "WASTE") and bool(self.unit)) or \
            (self.mode == "RECEIVE" and bool(self.label)) or (self.mode == "PRODUCE" and bool(self.work_order))


@dataclass
class Outcome:
    """What the operator sees: plain data, so it can wait in the session for the next page."""
    tone: str  # ok (green, done), bad (red, refused, nothing written), wait (amber), info
    title: str  # a few words: "P000123 → M4"
    detail: str = ""
    code: str = ""  # what was scanned, shown (escaped) back
    ask: str = ""  # "qty" when a quantity is wanted
    lpn: str = ""  # a new unit whose label to print
    missing: list = field(default_factory=list)  # Count: expected, not scanned
    unexpected: list = field(default_factory=list)  # Count: scanned, not expected here
    choices: list = field(default_factory=list)  # several codes in one photo: which one?
    sign_in: int | None = None  # user id a badge scan signs in
    sign_out: bool = False
    replayed: bool = False  # the verb had already recorded this scan id

    def dump(self):
        return asdict(self)


def _waiting(state, prefix=""):
    """The amber panel for what is pending."""
    if state.mode == "WASTE" and state.unit and not state.reason:
        title, detail = f"{state.unit}: why?", "Scan a reason from the command sheet."
    elif state.awaiting_quantity():
        what = state.unit or (state.work_order if state.mode == "PRODUCE" else "the label")
        title = f"{what}: how much?"
        detail = {"CONSUME": "Type the quantity used, or All.",
                  "WASTE": f"Type the quantity wasted ({_reason_label(state.reason)}), or All.",
                  "RECEIVE": "This label has no quantity: type it.",
                  "PRODUCE": "Type the quantity on this pallet, or Standard pack."}[state.mode]
        return Outcome("wait", title, f"{prefix} {detail}".strip(), ask="qty")
    elif state.unit:
        title = f"{state.unit}: where to?"
        detail = {"LOAD": "Scan the machine or its work order."}.get(state.mode, "Scan the location.")
    elif state.target:
        target = f"{state.work_order} on {state.target}" if state.work_order else state.target
        title = f"{target}: scan pallets"
        detail = "Scan each pallet, then DONE."
    elif state.label:
        title, detail = "Supplier label", "Scan the item label too."
    else:
        title, detail = state.mode.title(), HINTS[state.mode]
    return Outcome("wait", title, f"{prefix} {detail}".strip())


def _reason_label(code):
    return dict(REASONS).get(code, code)

