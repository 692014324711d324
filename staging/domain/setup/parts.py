"""Parts: create, change (description, unit of measure, GTINs, standard pack, shelf life), retire."""
import re

from peewee import fn
from stdnum import ean

from ...store import db
from ...store.db import Prepared, write_transaction
from ...store.models import Part, PartGtin
from .. import codes
from ..errors import Conflict, Invalid, NotFound
from ..people.permissions import authorize
from ..quantities import parse_quantity
from ..words import Words
from . import audit, fields, part_use

FIELDS = ("number", "revision", "description", "uom", "gtin", "pack_qty", "shelf_life_days", "unit_value", "active")
PART_NUMBER = codes.OWN_CODE


# Opening stock looks a part up per pallet: compiled once (see store.db.Prepared).
_PART = Prepared(lambda number, revision: Part.select().where(Part.number == number, Part.revision == revision)
                 .limit(1))


def find(number, revision=""):
    found = next(iter(_PART(codes.normalise(number or ""), codes.normalise(revision or ""))), None)
    if found is None:
        raise NotFound("No part “{number}” rev {revision}.", number=codes.shown(number or ''),
                       revision=codes.shown(revision or '') or '-')
    return found


def _number(values):
    number = codes.normalise(values.get("number") or "")
    if not PART_NUMBER.match(number):
        if number:
            raise Invalid("“{number}” is not a part number: up to 40 letters, digits and - . / _.",
                          number=codes.shown(number))
        raise Invalid("Part number is missing.")
    return number


def _revision(values):
    revision = codes.normalise(values.get("revision") or "")
    if len(revision) > 16 or not revision.isprintable():
        raise Invalid("A revision is at most 16 characters.")
    return revision


def _key(values, form=None):
    """The part's number and revision; with a `form`, refusals are kept there, each by its field."""
    if form is None:
        return _number(values), _revision(values)
    return form.read("number", _number, values), form.read("revision", _revision, values)


def _gtins(values, existing, number):
    """The part's GTINs as typed, first the main one (several: separated by spaces, commas or
    semicolons; a case GTIN and a pallet GTIN), or None: keep what it has."""
    if "gtin" not in values and existing is not None:
        return None
    found = {}
    for gtin in re.split(r"[\s,;|]+", str(values.get("gtin") or "").strip()):
        if gtin.endswith(".0"):  # a spreadsheet's number
            gtin = gtin[:-2]
        if not gtin:
            continue
        if not gtin.isdigit() or len(gtin) not in (8, 12, 13, 14) or not ean.is_valid(gtin):
            raise Invalid("GTIN “{gtin}” is not valid: 8, 12, 13 or 14 digits with a right check digit.",
                          gtin=codes.shown(gtin))
        found.setdefault(gtin.zfill(14), gtin)
    if found:
        other = (PartGtin.select(PartGtin, Part).join(Part).where(PartGtin.gtin.in_(list(found)), Part.number != number)
                 .first())
        if other is not None:
            raise Invalid("GTIN {gtin} is already part {part}'s.", gtin=found[other.gtin], part=other.part.label)
    return list(found.values())


def gtins_of(part):
    """Every GTIN of the part, in its 14-digit form, the main one first."""
    if part is None or part.id is None:
        return []
    return [g for (g,) in PartGtin.select(PartGtin.gtin).where(PartGtin.part == part).order_by(PartGtin.id).tuples()]


def _keep_gtins(part, gtins, had):
    """Make the part's GTIN rows what `gtins` says (None: as they are)."""
    if gtins is None:
        return had
    wanted = [g.zfill(14) for g in gtins]
    if wanted == had:
        return had
    if had:
        PartGtin.delete().where(PartGtin.part == part).execute()
    for gtin in wanted:
        db.insert(PartGtin(part=part, gtin=gtin))
    return wanted


def _pack(values, existing):
    pack = str(values.get("pack_qty") or "").strip()
    if pack:
        return parse_quantity(pack, what=Words("Standard pack"))
    return None if "pack_qty" in values or existing is None else existing.pack_qty


def _value(values, existing):
    value = str(values.get("unit_value") or "").strip()
    if value:
        return parse_quantity(value, allow_zero=True, what=Words("Value per unit"))
    return None if "unit_value" in values or existing is None else existing.unit_value


def _read(form, values, existing, number):
    """The part's new fields; a refused one is None, its refusal kept in `form` by its field."""
    def keep(name, default):
        return (getattr(existing, name) if existing is not None else default)
    return {
        "description": form.read("description", fields.text, values, "description", Words("Description"),
                                 max_length=200, default=keep("description", "")),
        "uom": form.read("uom", fields.text, values, "uom", Words("Unit of measure"), max_length=8,
                         default=keep("uom", "ea")),
        "gtins": form.read("gtin", _gtins, values, existing, number),
        "pack_qty": form.read("pack_qty", _pack, values, existing),
        "unit_value": form.read("unit_value", _value, values, existing),
        "shelf_life_days": form.read("shelf_life_days", fields.whole, values, "shelf_life_days",
                                     Words("Shelf life (days)"), minimum=1)
        if "shelf_life_days" in values else keep("shelf_life_days", None),
        "active": form.read("active", fields.flag, values, "active", Words("Active"), keep("active", True)),
    }


def save(user, values):
    """Create the part number+revision, or change it. Returns (part, "created"|"updated"|"unchanged")."""
    authorize(user, "master_data")
    form = fields.Form()
    number, revision = _key(values, form)
    with write_transaction():
        existing = next(iter(_PART(number, revision)), None) if number and revision is not None else None
        new = _read(form, values, existing, number)
        form.check()
        part_use.check(existing, new)
        had = gtins_of(existing)
        before = _snapshot(existing, had)
        part = existing or Part(number=number, revision=revision)
        gtins = new.pop("gtins")
        if gtins is not None:
            part.gtin = gtins[0] if gtins else None
        for name, value in new.items():
            setattr(part, name, value)
        if existing is None:
            db.insert(part)  # compiled once: an import adds thousands
        else:
            part.save()
        after = _snapshot(part, _keep_gtins(part, gtins, had))
        audit.record(user, "part", part.label, before, after)
        _supersede(user, part, values.get("supersedes"))
    return part, "created" if before is None else "updated" if before != after else "unchanged"


def _supersede(user, part, revision):
    try:
        _supersede_older(user, part, revision)
    except Invalid as err:
        raise fields.Refused.of({"supersedes": err.words}) from None


def _supersede_older(user, part, revision):
    """Mark the older `revision` of the part's number as superseded by `part` (empty: nothing to do)."""
    revision = codes.normalise(revision or "")
    if not revision:
        return
    old = next(iter(_PART(part.number, revision)), None)
    if old is None:
        raise Invalid("{number} has no revision {revision} to supersede.", number=part.number, revision=revision)
    if old.id == part.id or part.superseded_by_id == old.id:
        raise Invalid("Revision {new} cannot supersede revision {old}: {old} is the newer one or the same.",
                      new=part.revision or "-", old=revision)
    if old.superseded_by_id == part.id:
        return
    if old.superseded_by_id is not None:
        raise Invalid("{part} is already superseded by revision {newer}.", part=old.label,
                      newer=old.superseded_by.revision)
    old.superseded_by = part
    old.save(only=[Part.superseded_by])
    audit.record(user, "part", old.label, {"superseded_by": None}, {"superseded_by": part.label})


def current(part):
    """The revision that replaces `part` now (itself when none does), following the chain."""
    seen = {part.id}
    while part.superseded_by_id is not None and part.superseded_by_id not in seen:
        part = part.superseded_by
        seen.add(part.id)
    return part


def _snapshot(part, gtins):
    """The audited fields, with every GTIN of the part under "gtin"."""
    values = audit.snapshot(part, FIELDS)
    if values is not None:
        values["gtin"] = " ".join(gtins) or None
    return values


def deactivate(user, number, revision=""):
    part = find(number, revision)
    return save(user, {"number": part.number, "revision": part.revision, "active": "no"})[0]


def listing(search="", page=1, per_page=50):
    query = Part.select()
    search = " ".join(str(search or "").split())[:40]
    if search:
        by_gtin = PartGtin.select(PartGtin.part).where(PartGtin.gtin == search.zfill(14)[-14:])
        query = query.where(Part.number.contains(search.upper()) | Part.description.contains(search)
                            | (Part.gtin == search) | Part.id.in_(by_gtin))
    total = query.count()
    rows = list(query.order_by(Part.number, Part.revision).paginate(max(1, page), per_page))
    return rows, total


def count():
    return Part.select(fn.COUNT(Part.id)).scalar()


def create(user, values):
    """A new part only (the API's POST): an existing number and revision is a conflict."""
    number, revision = _key(values)
    if Part.select().where(Part.number == number, Part.revision == revision).exists():
        raise Conflict("There is already a part {part}: change it instead.",
                       part=f"{number} rev {revision}" if revision else number)
    return save(user, values)[0]


def change(user, number, revision, values):
    """Change the given fields of an existing part (the API's PATCH)."""
    part = find(number, revision)
    return save(user, {**values, "number": part.number, "revision": part.revision})[0]
