"""What a scanned string means, decided in one place; new codes and their rules.

A scan is untrusted text: it is cleaned here, looked up with one indexed query, and shown
back (escaped by the templates) when it means nothing."""
import re
from dataclasses import dataclass

from .errors import Invalid
from .models import Barcode, Location, Unit, User, WorkOrder

MAX_SCAN = 200
# Our own codes: letters, digits and - . / _ (what Code 128 prints cleanly and a wedge types
# the same on every keyboard layout).
OWN_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,39}$")
ENTITY_MODELS = {"unit": Unit, "location": Location, "user": User, "work_order": WorkOrder}


def clean(text):
    """What the scanner typed, without the suffix (CR, LF, Tab) and stray whitespace."""
    if text is None:
        return ""
    text = str(text).strip(" \t\r\n")
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


def unit_id(code):
    hit = lookup(code)
    return hit[1] if hit and hit[0] == "unit" else None


def find_location(code):
    hit = lookup(code)
    return Location.get_or_none(Location.id == hit[1]) if hit and hit[0] == "location" else None


def find(code):
    """The entity a code names (a Unit, Location, User, WorkOrder), or None."""
    hit = lookup(code)
    if not hit:
        return None
    return ENTITY_MODELS[hit[0]].get_or_none(ENTITY_MODELS[hit[0]].id == hit[1])


def taken(code):
    return Barcode.select().where(Barcode.code == normalise(code)).exists()


def check_own_code(code, what="code"):
    code = normalise(code)
    if not OWN_CODE.match(code):
        raise Invalid(f"“{shown(code)}” is not a valid {what}: use up to 40 letters, digits "
                      "and - . / _ , starting with a letter or digit.")
    return code


def new_unit_code(code):
    code = check_own_code(code, "pallet code")
    if taken(code):
        raise Invalid(f"The code {code} is already in use.")
    return code


ENTITY_OF = {Unit: "unit", Location: "location", User: "user", WorkOrder: "work_order"}


def register(obj, code, source="own"):
    """Make `code` name `obj` when scanned."""
    code = normalise(code)
    if not code:
        return None
    existing = Barcode.get_or_none(Barcode.code == code)
    if existing is not None:
        if (existing.entity, existing.entity_id) == (ENTITY_OF[type(obj)], obj.id):
            return existing
        raise Invalid(f"The barcode {shown(code)} already names another {existing.entity.replace('_', ' ')}.")
    return Barcode.create(code=code, entity=ENTITY_OF[type(obj)], entity_id=obj.id, source=source)


@dataclass
class Meaning:
    kind: str  # unit, location, work_order, badge, unknown
    text: str
    obj: object = None


def resolve(text):
    """What a scan means."""
    text = clean(text)
    obj = find(text) if text else None
    if obj is None:
        return Meaning("unknown", text)
    kind = {"unit": "unit", "location": "location", "user": "badge", "work_order": "work_order"}[
        ENTITY_OF[type(obj)]]
    return Meaning(kind, text, obj)
