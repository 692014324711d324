"""Lookups inside a verb's transaction: the unit (locked), a location, a work order, and the
checks that the unit is where the operator believed and that a location can take it."""
import functools

from peewee import JOIN

from ...store.db import Prepared, Rows, db, is_postgres, locked
from ...store.models import Entry, Location, Part, Sequence, Unit, WorkOrder
from .. import codes
from ..errors import Conflict, Invalid, NotFound
from ..words import Words
from . import whereabouts


def _unit_with_part_and_place(unit_id):
    return (Unit.select(Unit, Part, Location).join(Part).switch(Unit)
            .join(Location, JOIN.LEFT_OUTER).where(Unit.id == unit_id))


_UNIT = Prepared(_unit_with_part_and_place)


@functools.cache
def _locked_unit_sql():
    """PostgreSQL: the same SELECT, its unit row locked in a subquery of its own. A joined SELECT ...
    FOR UPDATE that waited for another mover re-checks only the locked row: its outer-joined
    location came back NULL (the ledger then said the pallet came from nowhere). Locked in the
    subquery, the newest row comes out first and is joined after, in one round trip."""
    query = _unit_with_part_and_place(0)
    sql, _ = query.sql()
    source = 'FROM "unit" AS "t1"'
    assert source in sql, sql
    return Rows(query), sql.replace(source, 'FROM (SELECT * FROM "unit" WHERE "id" = %s FOR UPDATE) AS "t1"', 1)


def _locked_unit(unit_id):
    rows, sql = _locked_unit_sql()
    return rows(db.execute_sql(sql, [unit_id, unit_id]))


def _unit(ref, lock=True):
    """The unit named by an LPN (or any of its barcodes), locked for this transaction, with its
    part and location in the same query (the verbs and the answer need them; its work order, which
    most pallets in stock have none of, only when asked for)."""
    unit_id = ref.id if isinstance(ref, Unit) else codes.unit_id(ref)
    found = _locked_unit if lock and is_postgres() else _UNIT
    unit = next(iter(found(unit_id)), None) if unit_id else None
    if unit is None:
        raise NotFound("No pallet or tote with the code “{code}”.", code=codes.shown(ref))
    if unit.status == "empty":
        raise Invalid("{unit} is empty: it was consumed or scrapped.", unit=unit.lpn)
    if unit.status == "shipped":  # it left the plant: only a lead's correction brings it back
        raise Invalid("{unit} was shipped: a lead must return it from shipping first.", unit=unit.lpn)
    return unit


def _location(ref):
    location = ref if isinstance(ref, Location) else codes.find_location(ref)
    if location is None:
        raise NotFound("No location with the code “{code}”.", code=codes.shown(ref))
    return location


def _work_order(ref):
    if ref is None or isinstance(ref, WorkOrder):
        return ref
    wo = WorkOrder.get_or_none(WorkOrder.number == str(ref).strip())
    if wo is None:
        raise NotFound("No work order “{number}”.", number=codes.shown(ref))
    return wo


def _check_where(unit, expected_from):
    """The operator said where the unit was; if someone moved it since, refuse."""
    if expected_from is None or expected_from == "":
        return
    expected_id = expected_from.id if isinstance(expected_from, Location) else codes.location_id(expected_from)
    if expected_id is None:
        raise NotFound("No location with the code “{code}”.", code=codes.shown(expected_from))
    if unit.location_id != expected_id:
        expected = _location(expected_from)
        where = unit.location.code if unit.location else Words("nowhere")
        raise Conflict("{unit} is no longer at {location}: it is at {where}. Someone moved it. Scan it again where it "
                       "is.", unit=unit.lpn, location=expected.code, where=where)


def _check_can_take(location, unit, kinds=None):
    _check_place(location, unit, kinds)
    if location.capacity is not None:
        _check_room(location, Unit.select().where(Unit.location == location).count())


def _check_place(location, unit, kinds=None):
    """Whether `location` is a place `unit` may go, its room aside."""
    if not location.active:
        raise Invalid("{location} is closed: put it somewhere else.", location=location.code)
    if not location.holds_units:
        raise Invalid("{location} is {location_name}, not a place to put a pallet: scan the label of a bin, lane, "
                      "machine or station.", location=location.code, location_name=location.name)
    if kinds and location.kind not in kinds:
        raise Invalid("{location} is a {kind} location; this needs a {kinds} location.", location=location.code,
                      kind=location.kind.replace("_", " "), kinds=" or ".join(k.replace("_", " ") for k in kinds))
    if unit.location_id == location.id:
        raise Invalid("{unit} is already at {location}.", unit=unit.lpn, location=location.code)


def _check_room(location, held):
    """Refuse one more unit on `location` when the `held` units already on it fill its capacity."""
    if location.capacity is not None and held >= location.capacity:
        near = whereabouts.nearest_with_room(location)  # read only when refusing: a full place is rare
        if near is not None:
            raise Invalid("{location} is full ({held} of {capacity}). {nearby} has room.",
                          location=location.code, held=held, capacity=location.capacity, nearby=near.code)
        raise Invalid("{location} is full ({held} of {capacity}).", location=location.code, held=held,
                      capacity=location.capacity)


def _next(name, fmt):
    Sequence.insert(name=name, value=0).on_conflict_ignore().execute()
    seq = locked(Sequence.select().where(Sequence.name == name)).get()
    while True:
        seq.value += 1
        code = fmt.format(seq.value)
        if not codes.taken(code):
            break
    Sequence.update(value=seq.value).where(Sequence.name == name).execute()
    return code


def new_lpn():
    return _next("lpn", "P{:06d}")


def new_lpns(count):
    """`count` new LPNs at once (a bulk opening): the sequence moves once, codes in use are skipped."""
    Sequence.insert(name="lpn", value=0).on_conflict_ignore().execute()
    seq = locked(Sequence.select().where(Sequence.name == "lpn")).get()
    found = []
    while len(found) < count:
        wanted = [f"P{seq.value + n:06d}" for n in range(1, count - len(found) + 1)]
        seq.value += len(wanted)
        taken = codes.taken_of(wanted)
        found += [code for code in wanted if code not in taken]
    Sequence.update(value=seq.value).where(Sequence.name == "lpn").execute()
    return found


def made_by(user, lpn):
    """Whether `user` made this unit: received it, produced it, or split it off. Whoever made a
    pallet labels it at once (an operator after Produce or a split on the floor), without the
    stager's right to print any label."""
    if user is None:
        return False
    made = Entry.select().join(Unit, on=(Entry.unit == Unit.id)).where(
        Unit.lpn == str(lpn), Entry.user == user,
        Entry.kind.in_(("receive", "produce")) | ((Entry.kind == "split") & (Entry.delta > 0)))
    return made.exists()


split_off_by = made_by  # the first name of it, when only a split could make a unit on the floor
