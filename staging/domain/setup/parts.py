"""Parts: create, change (description, unit of measure, GTIN, standard pack, shelf life), retire."""
from peewee import fn
from stdnum import ean

from ...store import db
from ...store.db import Prepared, write_transaction
from ...store.models import Part
from .. import codes
from ..errors import Conflict, Invalid, NotFound
from ..permissions import authorize
from ..quantities import parse_quantity
from ..words import Words
from . import audit, fields

FIELDS = ("number", "revision", "description", "uom", "gtin", "pack_qty", "shelf_life_days", "active")
PART_NUMBER = codes.OWN_CODE


# Opening stock looks a part up per pallet: compiled once (see store.db.Prepared).
_PART = Prepared(lambda number, revision: Part.select().where(Part.number == number, Part.revision == revision)
                 .limit(1))


def find(number, revision=""):
    found = next(iter(_PART(codes.normalise(number or ""), codes.normalise(revision or ""))), None)
    if found is None:
        raise NotFound(f"No part “{codes.shown(number or '')}” rev {codes.shown(revision or '') or '-'}.")
    return found


def _key(values):
    number = codes.normalise(values.get("number") or "")
    if not PART_NUMBER.match(number):
        raise Invalid(f"“{codes.shown(number)}” is not a part number: up to 40 letters, digits and - . / _."
                      if number else "Part number is missing.")
    revision = codes.normalise(values.get("revision") or "")
    if len(revision) > 16 or not revision.isprintable():
        raise Invalid("A revision is at most 16 characters.")
    return number, revision


def _gtin(values, existing, number):
    if "gtin" not in values and existing is not None:
        return existing.gtin
    gtin = str(values.get("gtin") or "").strip().replace(" ", "")
    if gtin.endswith(".0"):
        gtin = gtin[:-2]
    if not gtin:
        return None
    if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14) or not ean.is_valid(gtin):
        raise Invalid(f"GTIN “{codes.shown(gtin)}” is not valid: 8, 12, 13 or 14 digits with a right "
                      "check digit.")
    other = (Part.select().where(Part.gtin == gtin, Part.number != number).first())
    if other is not None:
        raise Invalid(f"GTIN {gtin} is already part {other.label}'s.")
    return gtin


def _read(values, existing, number):
    def keep(name, default):
        return (getattr(existing, name) if existing is not None else default)
    pack = str(values.get("pack_qty") or "").strip()
    return {
        "description": fields.text(values, "description", "Description", max_length=200,
                                   default=keep("description", "")),
        "uom": fields.text(values, "uom", "Unit of measure", max_length=8, default=keep("uom", "ea")),
        "gtin": _gtin(values, existing, number),
        "pack_qty": parse_quantity(pack, what=Words("Standard pack")) if pack else (
            None if "pack_qty" in values else keep("pack_qty", None)),
        "shelf_life_days": fields.whole(values, "shelf_life_days", "Shelf life (days)", minimum=1)
        if "shelf_life_days" in values else keep("shelf_life_days", None),
        "active": fields.flag(values, "active", "Active", keep("active", True)),
    }


def save(user, values):
    """Create the part number+revision, or change it. Returns (part, "created"|"updated"|"unchanged")."""
    authorize(user, "master_data")
    number, revision = _key(values)
    with write_transaction():
        existing = next(iter(_PART(number, revision)), None)
        new = _read(values, existing, number)
        before = audit.snapshot(existing, FIELDS)
        part = existing or Part(number=number, revision=revision)
        for name, value in new.items():
            setattr(part, name, value)
        if existing is None:
            db.insert(part)  # compiled once: an import adds thousands
        else:
            part.save()
        after = audit.snapshot(part, FIELDS)
        audit.record(user, "part", part.label, before, after)
    return part, "created" if before is None else "updated" if before != after else "unchanged"


def deactivate(user, number, revision=""):
    part = find(number, revision)
    return save(user, {"number": part.number, "revision": part.revision, "active": "no"})[0]


def listing(search="", page=1, per_page=50):
    query = Part.select()
    search = " ".join(str(search or "").split())[:40]
    if search:
        query = query.where(Part.number.contains(search.upper()) | Part.description.contains(search)
                            | (Part.gtin == search))
    total = query.count()
    rows = list(query.order_by(Part.number, Part.revision).paginate(max(1, page), per_page))
    return rows, total


def count():
    return Part.select(fn.COUNT(Part.id)).scalar()


def create(user, values):
    """A new part only (the API's POST): an existing number and revision is a conflict."""
    number, revision = _key(values)
    if Part.select().where(Part.number == number, Part.revision == revision).exists():
        raise Conflict(f"There is already a part {number}{' rev ' + revision if revision else ''}: change it instead.")
    return save(user, values)[0]


def change(user, number, revision, values):
    """Change the given fields of an existing part (the API's PATCH)."""
    part = find(number, revision)
    return save(user, {**values, "number": part.number, "revision": part.revision})[0]
