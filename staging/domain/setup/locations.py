"""Locations: create, change, close, generate ranges of bins, and read them as a tree or a list."""
import re

from peewee import fn

from ...store import db
from ...store.db import Prepared, write_transaction
from ...store.models import LOCATION_KINDS, Barcode, Location, Unit
from .. import codes
from ..errors import Conflict, Invalid, NotFound
from ..people.permissions import authorize
from ..words import Words
from . import audit, fields

FIELDS = ("code", "name", "kind", "parent", "capacity", "active", "sort_key", "holds_units")
MAX_RANGE = 20000


# An import saves thousands of locations: its lookups are compiled once (see store.db.Prepared).
_BY_CODE = Prepared(lambda code: Location.select().where(Location.code == code).limit(1))
_BARCODE = Prepared(lambda code: Barcode.select().where(Barcode.code == code).limit(1))


def _by_code(code):
    return next(iter(_BY_CODE(code)), None)


def find(code):
    found = _by_code(codes.normalise(code))
    if found is None:
        raise NotFound("No location with the code “{code}”.", code=codes.shown(code))
    return found


def held(location):
    return Unit.select().where(Unit.location == location).count()


def _kind(values, existing):
    kind = fields.text(values, "kind", Words("Kind"), required=existing is None,
                       default=existing.kind if existing else "").lower()
    if kind not in LOCATION_KINDS:
        raise Invalid("Kind “{kind}” is not one of: {kinds}.", kind=codes.shown(kind), kinds=', '.join(LOCATION_KINDS))
    return kind


def _read(form, values, existing):
    """The new state of a location from a form or import row; unset optional fields keep theirs.
    A refused field is None, its refusal kept in `form`."""
    capacity = form.read("capacity", fields.whole, values, "capacity", Words("Capacity"), minimum=1)
    return {
        "name": form.read("name", fields.text, values, "name", Words("Name"), required=existing is None,
                          default=existing.name if existing else ""),
        "kind": form.read("kind", _kind, values, existing),
        "capacity": capacity if existing is None or "capacity" in values else existing.capacity,
        "active": form.read("active", fields.flag, values, "active", Words("Active"),
                            existing.active if existing else True),
        "holds_units": form.read("holds_units", fields.flag, values, "holds_units", Words("Holds units"),
                                 existing.holds_units if existing else True),
        "sort_key": form.read("sort_order", fields.text, values, "sort_order", Words("Sort order"), max_length=80,
                              default=existing.sort_key if existing else ""),
    }


def _parent(values, code, existing):
    if "parent" not in values and existing is not None:
        return existing.parent
    parent_code = codes.normalise(values.get("parent") or "")
    if not parent_code:
        return None
    if parent_code == code:
        raise Invalid("{code} cannot be its own parent.", code=code)
    parent = _by_code(parent_code)
    if parent is None:
        raise Invalid("The parent {parent} is not a location (add it first, or above this row in the file).",
                      parent=codes.shown(parent_code))
    ancestor = parent
    while existing is not None and ancestor.parent_id:  # a location under its own child would hang every tree
        ancestor = ancestor.parent
        if ancestor.code == code:
            raise Invalid("{parent} is inside {code}: it cannot be its parent.", parent=parent_code, code=code)
    return parent


def _check_capacity(location, new):
    """A capacity below what the location holds now would be broken at once: say so."""
    if location is None or not new["capacity"] or new["capacity"] == location.capacity:
        return
    count = held(location)
    if count > new["capacity"]:
        raise Invalid("{location} holds {count} units now: a capacity of {capacity} is less. Move units away "
                      "first, or set a capacity of at least {count}.", location=location.code, count=count,
                      capacity=new["capacity"])


def _check_emptying(location, new):
    """What cannot change while units stand on a location."""
    if location is None or (new["active"] and new["holds_units"] and new["kind"] == location.kind):
        return
    count = held(location)
    if count:
        if not new["active"]:
            change = Words("closed")
        elif not new["holds_units"]:
            change = Words("changed to hold no units")
        else:
            change = Words("changed from {kind} to {new_kind}", kind=location.kind, new_kind=new["kind"])
        if count == 1:
            raise Invalid("{location} holds 1 unit: it cannot be {change} until they are moved away.",
                          location=location.code, change=change)
        raise Invalid("{location} holds {count} units: it cannot be {change} until they are moved away.",
                      location=location.code, count=count, change=change)


def save(user, values):
    """Create the location with values["code"], or change the one with that code. Returns
    (location, "created" | "updated" | "unchanged")."""
    authorize(user, "master_data")
    form = fields.Form()
    code = form.read("code", codes.check_own_code, values.get("code") or "", Words("location code"))
    with write_transaction():
        existing = _by_code(code) if code else None
        new = _read(form, values, existing)
        new["parent"] = form.read("parent", _parent, values, code, existing)
        form.check()
        _check_emptying(existing, new)
        _check_capacity(existing, new)
        before = audit.snapshot(existing, FIELDS)
        location = existing or Location(code=code)
        for name, value in new.items():
            setattr(location, name, value)
        if existing is None:
            _insert_new(location)
        else:
            location.save()
            codes.register(location, code)
        after = audit.snapshot(location, FIELDS)
        audit.record(user, "location", code, before, after)
    return location, "created" if before is None else "updated" if before != after else "unchanged"


def _insert_new(location):
    """A new location and its barcode, by compiled INSERTs (what codes.register does, for a code
    checked free here)."""
    taken = next(iter(_BARCODE(location.code)), None)
    if taken is not None:
        raise fields.Refused.of({"code": Words("The barcode {location} already names another {kind}.",
                                            location=location.code, kind=taken.entity.replace('_', ' '))})
    db.insert(location)
    db.insert(Barcode(code=location.code, entity="location", entity_id=location.id, source="own"))


def deactivate(user, code):
    location = find(code)
    return save(user, {"code": location.code, "active": "no"})[0]


# --- ranges ---------------------------------------------------------------------------------------

def _span(text, label):
    """'A-F', '1-12' or 'A,B,D' as the list of values, numbers zero-padded to the widest."""
    text = str(text or "").strip().upper()
    if not text:
        return [None]
    items = []
    for part in re.split(r"\s*,\s*", text):
        match = re.fullmatch(r"([A-Z]|\d{1,4})\s*-\s*([A-Z]|\d{1,4})", part)
        if match:
            a, b = match.groups()
            if a.isdigit() != b.isdigit() or (a.isdigit() and int(a) > int(b)) or (a.isalpha() and a > b):
                raise Invalid("{field}: “{part}” is not a range like A-F or 1-12.", field=label, part=part)
            items += [str(n) for n in range(int(a), int(b) + 1)] if a.isdigit() else \
                [chr(c) for c in range(ord(a), ord(b) + 1)]
        elif re.fullmatch(r"[A-Z0-9]{1,4}", part):
            items.append(part)
        else:
            raise Invalid("{field}: “{part}” is not a range like A-F or 1-12.", field=label, part=part[:20])
    width = max(len(i) for i in items) if all(i.isdigit() for i in items) else 0
    return [i.zfill(width) for i in items]


def range_codes(prefix, racks, bays, levels):
    """The codes a range makes: PREFIX + rack-bay-level, e.g. A-01-1 ... F-12-4."""
    spans = [_span(racks, Words("Racks")), _span(bays, Words("Bays")), _span(levels, Words("Levels"))]
    if spans[0] == [None]:
        raise Invalid("Give the racks (A-F, or 1-3).")
    made = [[]]
    for span in spans:
        made = [done + [item] for done in made for item in span if item is not None] or made
    if len(made) > MAX_RANGE:
        raise Invalid("That is {count} locations: at most {most} at a time.", count=len(made), most=MAX_RANGE)
    prefix = codes.normalise(prefix or "")
    return [(prefix + "-".join(parts), " ".join(f"{word} {part}" for word, part in zip(("Rack", "bay", "level"),
                                                                                           parts)))
            for parts in made]


def generate(user, prefix, racks, bays, levels, *, kind="storage", parent="", capacity=""):
    """Create every bin of a range (all or nothing); refused when any code already exists."""
    authorize(user, "master_data")
    named = range_codes(prefix, racks, bays, levels)
    made = [code for code, _ in named]
    codes.check_own_code(made[0], Words("location code"))
    with write_transaction():
        taken = _taken(made)
        if taken:
            raise Invalid("{count} of these codes exist already ({codes}): nothing was created.", count=len(taken),
                          codes=", ".join(taken[:5]) + (" ..." if len(taken) > 5 else ""))
        for code, name in named:
            save(user, {"code": code, "name": name, "kind": kind, "parent": parent, "capacity": capacity,
                        "sort_order": code})
    return made


def _taken(made):
    found = set()
    for start in range(0, len(made), 500):
        chunk = made[start:start + 500]
        found |= {c for (c,) in Barcode.select(Barcode.code).where(Barcode.code.in_(chunk)).tuples()}
    return [c for c in made if c in found]


# --- reading ----------------------------------------------------------------------------------------

def children(parent=None):
    """One level of the tree: the locations under `parent` (None: the top), each with how many
    locations are under it, so the page can offer to open it."""
    Child = Location.alias()
    below = (Child.select(fn.COUNT(Child.id)).where(Child.parent == Location.id))
    query = Location.select(Location, below.alias("below"))
    query = query.where(Location.parent.is_null() if parent is None else Location.parent == parent)
    return list(query.order_by(Location.sort_key, Location.code).limit(1000))


def listing(search="", page=1, per_page=50, kind=""):
    """A page of locations matching `search` (code or name), and the total."""
    query = Location.select()
    search = " ".join(str(search or "").split())[:40]
    if search:
        query = query.where(Location.code.contains(search.upper()) | Location.name.contains(search))
    if kind in LOCATION_KINDS:
        query = query.where(Location.kind == kind)
    total = query.count()
    rows = list(query.order_by(Location.sort_key, Location.code).paginate(max(1, page), per_page))
    return rows, total


class Level:
    """One level of the tree: the location opened (None: the top), the way down to it, and what
    is directly under it."""

    def __init__(self, parent):
        self.parent = parent
        self.rows = children(parent)
        self.path = []
        node = parent
        while node is not None and node.parent_id and len(self.path) < 20:
            node = node.parent
            self.path.insert(0, node)


def level(code=None):
    return Level(find(code) if code else None)


def create(user, values):
    """A new location only (the API's POST): an existing code is a conflict, not an update."""
    if Location.select().where(Location.code == codes.normalise(values.get("code") or "")).exists():
        raise Conflict("There is already a location {code}: change it instead.", code=codes.normalise(values['code']))
    return save(user, values)[0]


def change(user, code, values):
    """Change the given fields of an existing location (the API's PATCH)."""
    return save(user, {**values, "code": find(code).code})[0]
