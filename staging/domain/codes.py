"""What a scanned string means, decided in one place; new codes and their rules.

A scan is untrusted text: it is cleaned here, looked up with one indexed query, and shown
back (escaped by the templates) when it means nothing."""
import re
from dataclasses import dataclass
from decimal import Decimal

from peewee import JOIN
from stdnum import ean

from ..store.db import Prepared
from ..store.models import Barcode, KanbanCard, Location, Part, PartGtin, Tool, Unit, User, WorkOrder
from .errors import Invalid
from .scan.commands import ANDON, COMMANDS, MACHINE_COMMANDS, OVERRIDES, REASONS
from .words import Words

MAX_SCAN = 200
# Our own codes: letters, digits and - . / _ (what Code 128 prints cleanly and a wedge types
# the same on every keyboard layout).
OWN_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,39}$")
ENTITY_MODELS = {"unit": Unit, "location": Location, "user": User, "work_order": WorkOrder, "card": KanbanCard,
                 "tool": Tool}


def clean(text):
    """What the scanner typed, without the suffix (CR, LF, Tab) and stray whitespace."""
    if text is None:
        return ""
    # NUL is in no code of ours, and PostgreSQL refuses it in a query: keep it visible, not fatal.
    text = str(text).strip(" \t\r\n").replace("\x00", "\ufffd")
    return text[: MAX_SCAN + 1]


def shown(ref):
    """A code as we may quote it in a message: printable, and not a page long."""
    text = ref if isinstance(ref, str) else str(getattr(ref, "code", ref))
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= 60 else text[:57] + "..."


def normalise(code):
    return clean(code).upper()


def lookup(code):
    """(entity, id) for a code, or None."""
    row = (Barcode.select(Barcode.entity, Barcode.entity_id)
           .where(Barcode.code == normalise(code)).tuples().first())
    return row


@dataclass(frozen=True)
class Known:
    """A scanned code already looked up. A verb looks its codes up before its write transaction
    begins: a barcode, once registered, always names the same thing, so the lock is not needed."""
    text: str
    entity: str | None = None
    id: int | None = None
    location: object = None  # the Location row, when the code names one

    def __str__(self):
        return self.text


_LOOK_UP = Prepared(lambda *codes: (
    Barcode.select(Barcode.code, Barcode.entity, Barcode.entity_id, Location)
    .join(Location, JOIN.LEFT_OUTER, on=((Barcode.entity == "location") & (Location.id == Barcode.entity_id)),
          attr="location_row")
    .where(Barcode.code.in_(codes))))


def look_up_all(*refs):
    """{ref: Known} for the strings among refs, with the rows of locations, in one indexed query;
    other refs are left out."""
    texts = {ref: normalise(ref) for ref in refs if isinstance(ref, str) and ref != ""}
    if not texts:
        return {}
    found = {}
    for row in _LOOK_UP(*sorted(set(texts.values()))):
        location = row.location_row if row.entity == "location" and row.location_row.id else None
        found[row.code] = (row.entity, row.entity_id, location)
    return {ref: Known(ref, *found.get(code, (None, None, None))) for ref, code in texts.items()}


def unit_id(code):
    if isinstance(code, Known):
        return code.id if code.entity == "unit" else None
    hit = lookup(code)
    return hit[1] if hit and hit[0] == "unit" else None


def location_id(code):
    if isinstance(code, Known):
        return code.id if code.entity == "location" else None
    hit = lookup(code)
    return hit[1] if hit and hit[0] == "location" else None


def find_location(code):
    if isinstance(code, Known) and code.location is not None:
        return code.location
    found = location_id(code)
    return Location.get_or_none(Location.id == found) if found else None


def find(code):
    """The entity a code names (a Unit, Location, User, WorkOrder), or None."""
    hit = lookup(code)
    if not hit:
        return None
    return ENTITY_MODELS[hit[0]].get_or_none(ENTITY_MODELS[hit[0]].id == hit[1])


def taken(code):
    return Barcode.select().where(Barcode.code == normalise(code)).exists()


def taken_of(codes):
    """Which of `codes` (normalised) are in use, in one indexed query per thousand."""
    codes, found = list(codes), set()
    for start in range(0, len(codes), 1000):
        chunk = codes[start:start + 1000]
        found.update(code for (code,) in Barcode.select(Barcode.code).where(Barcode.code.in_(chunk)).tuples())
    return found


def check_own_code(code, what="code"):
    code = normalise(code)
    if not OWN_CODE.match(code):
        raise Invalid("“{code}” is not a valid {what}: use up to 40 letters, digits and - . / _ , starting with a "
                      "letter or digit.", code=shown(code), what=what)
    return code


def new_unit_code(code):
    code = check_own_code(code, Words("pallet code"))
    if taken(code):
        raise Invalid("The code {code} is already in use.", code=code)
    return code


ENTITY_OF = {Unit: "unit", Location: "location", User: "user", WorkOrder: "work_order", KanbanCard: "card",
             Tool: "tool"}


def register(obj, code, source="own"):
    """Make `code` name `obj` when scanned."""
    code = normalise(code)
    if not code:
        return None
    existing = Barcode.get_or_none(Barcode.code == code)
    if existing is not None:
        if (existing.entity, existing.entity_id) == (ENTITY_OF[type(obj)], obj.id):
            return existing
        raise Invalid("The barcode {code} already names another {kind}.", code=shown(code),
                      kind=existing.entity.replace('_', ' '))
    return Barcode.create(code=code, entity=ENTITY_OF[type(obj)], entity_id=obj.id, source=source)


@dataclass
class GS1:
    """What a supplier's GS1 element string says (any part may be missing)."""
    sscc: str | None = None
    gtin: str | None = None  # 14 digits, from AI 01 (the item) or 02 (the items on a pallet)
    lot: str = ""
    quantity: object = None  # Decimal, from AI 30/37 (count) or 310x (net kg)
    uom: str = ""
    part: object = None  # our Part with that GTIN, if any
    unit: object = None  # our Unit already registered under that SSCC, if any
    hidden: str = ""  # what the lot's end could be instead, when no GS ended it (issue 12)


# The end of a lot that no GS separator ended, read as another element: a count (30, 37), a net
# weight (310n) or a date (11 production, 13 packaging, 15 best before, 17 expiry).
_HIDDEN = re.compile(r"(?P<ai>30|37)(?P<v>\d{1,8})|(?P<w>310[0-5])(?P<kg>\d{6})|(?P<d>1[1357])(?P<date>\d{6})")
_HIDDEN_WORDS = {"30": "a quantity", "37": "a count", "11": "a production date", "13": "a packaging date",
                 "15": "a best-before date", "17": "an expiry date"}


# A GTIN or SSCC element first: a GS1 string from a wedge that sends no symbology identifier.
_GS1_START = re.compile(r"^(0[12]\d{14}|00\d{18})")


def hidden_element(lot):
    """The longest end of `lot` that reads as another GS1 element, said in words, or "".
    A wedge that drops GS turns lot LOT46 + quantity (30)10 into lot LOT463010."""
    for start in range(1, len(lot)):
        match = _HIDDEN.fullmatch(lot[start:])
        if match:
            ai = match["ai"] or match["w"] or match["d"]
            value = match["v"] or match["kg"] or match["date"]
            words = "a net weight in kg" if ai.startswith("310") else _HIDDEN_WORDS[ai]
            return (f"the lot “{lot}” may end in {words} (AI {ai}, value {value}) that lost its "
                    "GS separator")
    return ""


@dataclass
class Meaning:
    kind: str  # unit, location, work_order, badge, card (a kanban card), tool, command, gs1, unknown
    text: str
    obj: object = None  # the Unit/Location/WorkOrder/User; for a command its payload; for gs1 a GS1


GS = "\x1d"
SYMBOLOGY_IDS = ("]C1", "]E0", "]E4", "]d2", "]Q3", "]e0")


def resolve(text):
    """What a scan means, decided here and only here: commands, then our own codes (one indexed
    lookup), then GS1 element strings; anything else is unknown."""
    text = clean(text)
    if not text:
        return Meaning("unknown", text)
    command = _command(text)
    if command:
        return Meaning("command", text, command)
    obj = find(text) if len(text) <= MAX_SCAN else None
    if obj is not None:
        kind = {"unit": "unit", "location": "location", "user": "badge", "work_order": "work_order",
                "card": "card", "tool": "tool"}[
            ENTITY_OF[type(obj)]]
        return Meaning(kind, text, obj)
    gs1 = parse_gs1(text)
    if gs1 is not None:
        _attach(gs1)
        if gs1.unit is not None:  # a supplier's pallet we received before: it is that unit
            return Meaning("unit", text, gs1.unit)
        return Meaning("gs1", text, gs1)
    return Meaning("unknown", text)


def _command(text):
    payload = text.upper()
    if not payload.startswith("CMD:"):
        return None
    known = ({p for p, _ in COMMANDS} | {f"CMD:REASON:{code}" for code, _ in REASONS}
             | {f"CMD:OVERRIDE:{code}" for code, _ in OVERRIDES} | {f"CMD:{code}" for code, _ in ANDON}
             | {f"CMD:MACHINE:{code}" for code, _ in MACHINE_COMMANDS})
    return payload if payload in known else None


def parse_gs1(text):
    """A GS1 element string (with or without a symbology identifier, GS separators, or in the
    parenthesised human-readable form) as GS1, or None when it is not one we can use.
    Pure parsing; resolve() looks up the part and unit."""
    raw = text.strip()
    marked = raw[:3] in SYMBOLOGY_IDS or GS in raw
    if not raw.startswith("("):
        body = raw[3:] if raw[:3] in SYMBOLOGY_IDS else raw
        if not body.isdigit() and not marked and not _GS1_START.match(body):
            return None  # plain text of ours, not a GS1 string
    # Imported at the first GS1 code: its tables take 17 MB in every worker of a plant that has none.
    from biip import ParseError
    from biip import parse as parse_element_string
    from biip.gs1_messages import GS1Message
    try:
        if raw.startswith("("):
            message = GS1Message.parse_hri(raw)
        else:
            message = parse_element_string(raw).gs1_message
    except (ParseError, ValueError):
        return None
    if message is None:
        return _plain_gtin(raw)
    elements = {e.ai.ai: e for e in message.element_strings}
    if not marked and not raw.startswith("(") and not ({"00", "01", "02"} & elements.keys()):
        # Plain digits that only happen to look like AIs (an EAN-13 reads as AI 400...).
        return _plain_gtin(raw)
    gs1 = _from_elements(elements)
    if gs1 is not None and gs1.lot and GS not in raw and not raw.startswith("("):
        gs1.hidden = hidden_element(gs1.lot)  # the lot ran to the end: it may have swallowed more
    return gs1


def _from_elements(elements):
    """What we use of a GS1 message's elements (by AI): SSCC, GTIN, lot and quantity."""
    gs1 = GS1()
    if "00" in elements:
        gs1.sscc = elements["00"].value
    for ai in ("01", "02"):
        if ai in elements:
            gs1.gtin = elements[ai].value.zfill(14)
            break
    if "10" in elements:
        gs1.lot = elements["10"].value
    for ai, element in elements.items():
        if ai in ("30", "37"):
            gs1.quantity, gs1.uom = Decimal(int(element.value)), "ea"
        elif ai.startswith("310") and element.decimal is not None:
            gs1.quantity, gs1.uom = element.decimal, "kg"
    return gs1 if gs1.sscc or gs1.gtin else None


def _part_by_main_gtin(gtin):
    short = gtin.lstrip("0")
    forms = {short.zfill(n) for n in (8, 12, 13, 14) if len(short) <= n}
    return Part.select().where(Part.gtin.in_(forms)).order_by(Part.superseded_by.is_null(False), Part.id).first()


def _plain_gtin(raw):
    """An EAN/UPC scan (8, 12, 13 or 14 digits with a valid check digit) names an item."""
    if raw.isdigit() and len(raw) in (8, 12, 13, 14) and ean.is_valid(raw):
        return GS1(gtin=raw.zfill(14))
    return None


def _attach(gs1):
    if gs1.gtin:
        # Parts may keep their GTIN as 8, 12, 13 or 14 digits: look for every form of it.
        # Any of a part's GTINs (part_gtin, 14 digits: a case's, a pallet's); a part whose GTIN was
        # set on the row alone, as typed, is found too.
        # Revisions sharing a GTIN: the current one (not superseded) first.
        gs1.part = (Part.select().join(PartGtin).where(PartGtin.gtin == gs1.gtin)
                    .order_by(Part.superseded_by.is_null(False), Part.id).first()
                    or _part_by_main_gtin(gs1.gtin))
    if gs1.sscc:
        found = find("00" + gs1.sscc)
        gs1.unit = found if isinstance(found, Unit) else None
