"""Counting a location: the next count task for a counter (claimed by one, lapsing like staging
tasks), starting a location, and entering what was found on it. Blind: nothing here tells the
counter what the books expect; the expected quantity is kept with the entry, for the comparison."""
import datetime

from ...store.db import locked, write_transaction
from ...store.models import Count, CountEntry, CountTask, Location, Part, Unit, utcnow
from .. import codes
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..inventory import clean_scan_id
from ..people.permissions import authorize
from ..quantities import fmt_qty, parse_quantity

CLAIM = datetime.timedelta(minutes=15)  # a claimed location nobody counted goes back to the list
LIVE = ("open", "counting", "recount")
GONE = ("empty", "shipped", "shipping")


class Counted(Conflict):
    """The pallet was counted here already in this round: the counter is asked whether to replace it."""
    title = "Counted already"


def round_of(task):
    return 2 if task.state == "recount" else 1


def counted_by(task, round_no):
    """The ids of the people who entered something on this location in that round."""
    return {u for (u,) in CountEntry.select(CountEntry.user).distinct()
            .where(CountEntry.task == task, CountEntry.round == round_no).tuples()}


def next_task(user, now=None):
    """The count task this person should do next: one they hold, else the first due that nobody
    else holds (a recount only to someone who did not count that location), or None."""
    now = now or utcnow()
    query = (CountTask.select(CountTask, Location, Count).join(Location).switch(CountTask).join(Count)
             .where(CountTask.state.in_(LIVE), Count.status == "open")
             .order_by(CountTask.due_on, CountTask.count, Location.sort_key, Location.code))
    held = query.where(CountTask.claimed_by == user, CountTask.claim_expires_at > now).first()
    if held is not None:
        return held
    free = query.where((CountTask.claimed_by.is_null()) | (CountTask.claim_expires_at <= now)
                       | (CountTask.claimed_by == user))
    for task in free.limit(50):
        if task.state != "recount" or user.id not in counted_by(task, 1):
            return task
    return None


def live_task(location, count_id=None):
    """The task of a count not yet done at this location (the newest), or None."""
    query = (CountTask.select().join(Count).where(CountTask.location == location, CountTask.state.in_(LIVE),
                                                  Count.status == "open"))
    if count_id is not None:
        query = query.where(CountTask.count == count_id)
    return query.order_by(CountTask.id.desc()).first()


def task_of(count_id, location_code):
    location = Location.get_or_none(Location.code == str(location_code or "").strip())
    if location is None:
        raise NotFound("There is no location {location}.", location=str(location_code or "")[:40] or "—")
    task = CountTask.get_or_none(CountTask.count == count_id, CountTask.location == location)
    if task is None:
        raise NotFound("Count {count} does not cover {location}.", count=count_id, location=location.code)
    return task


def start(user, task, now):
    """The counter begins (or joins) the count of a location: claimed by them for a while; the
    first scan of a round is when moves start to count as moves. Inside a write transaction."""
    if task.state not in LIVE:
        raise Conflict("{location} was counted and submitted already in count {count}.",
                       location=task.location.code, count=task.count_id)
    if task.state == "recount" and user.id in counted_by(task, 1):
        raise Forbidden("{location} needs a recount by someone who did not count it: ask a colleague.",
                        location=task.location.code)
    if task.state == "open":
        task.state, task.started_at = "counting", now
    elif task.state == "recount" and task.started_at is None:
        task.started_at = now
    task.claimed_by, task.claim_expires_at = user, now + CLAIM
    task.save()
    return task


def begin(user, count_id, location_code, now=None):
    """Start counting a location of a count (the handheld's location scan)."""
    authorize(user, "count")
    with write_transaction():
        task = locked(CountTask.select().where(CountTask.id == task_of(count_id, location_code).id)).get()
        return start(user, task, now or utcnow())


def enter(user, count_id, location_code, quantity, *, unit="", part="", revision="", lot="",
          client_scan_id=None, replace=False, now=None):
    """One pallet counted: a unit in the books (`unit`: its LPN or any code of it), or a find
    (`part`, `revision`, `lot`). Returns the CountEntry; the same client scan id again returns it."""
    authorize(user, "count")
    scan_id = clean_scan_id(client_scan_id)
    quantity = parse_quantity(quantity, allow_zero=True)
    now = now or utcnow()
    if scan_id:
        prior = CountEntry.get_or_none(CountEntry.client_scan_id == scan_id)
        if prior is not None:
            if prior.user_id != user.id:
                raise Conflict("Scan id {scan} was already used by someone else: nothing was done. Send a new id.",
                               scan=scan_id)
            return prior
    pallet, found_part = _what(unit, part, revision)
    with write_transaction():
        task = locked(CountTask.select().where(CountTask.id == task_of(count_id, location_code).id)).get()
        start(user, task, now)
        round_no = round_of(task)
        expected = None
        if pallet is not None:
            _once(task, round_no, pallet, replace)
            if pallet.location_id == task.location_id and pallet.status not in GONE:
                expected = pallet.quantity
        return CountEntry.create(count=task.count_id, task=task, round=round_no, unit=pallet,
                                 part=pallet.part_id if pallet else found_part, lot=pallet.lot if pallet else lot[:40],
                                 quantity=quantity, expected=expected, user=user, client_scan_id=scan_id, at=now)


def _what(unit, part, revision):
    if unit:
        hit = codes.lookup(str(unit).strip())
        if not hit or hit[0] != "unit":
            raise NotFound("“{code}” is not a pallet we know: count it as a find (part, revision, lot).",
                           code=codes.shown(str(unit)))
        return Unit.get_by_id(hit[1]), None
    number = str(part or "").strip()
    if not number:
        raise Invalid("Name the pallet (its label), or for a pallet not in the books its part, revision and lot.")
    found = Part.get_or_none(Part.number == number, Part.revision == str(revision or "").strip())
    if found is None:
        raise NotFound("There is no part {part} rev {revision}.", part=number[:40],
                       revision=str(revision or "").strip()[:16] or "—")
    return None, found.id


def _once(task, round_no, pallet, replace):
    """One pallet counted twice in a round is asked about: replaced only when the counter says so."""
    before = (CountEntry.select().where(CountEntry.task == task, CountEntry.round == round_no,
                                        CountEntry.unit == pallet, CountEntry.replaced == False)  # noqa: E712
              .order_by(CountEntry.id.desc()).first())
    if before is None:
        return
    if not replace:
        raise Counted("{unit} was counted here already ({qty} by {user}). Count it again to replace that, or "
                      "scan the next pallet.", unit=pallet.lpn, qty=fmt_qty(before.quantity),
                      user=before.user.username)
    CountEntry.update(replaced=True).where(CountEntry.task == task, CountEntry.round == round_no,
                                           CountEntry.unit == pallet).execute()


def offer(user, now):
    """The next count task for this person, held for them for a while (None: nothing to count)."""
    if user is None or not user.active:
        return None
    with write_transaction():
        task = next_task(user, now)
        if task is not None and (task.claimed_by_id != user.id or task.claim_expires_at <= now):
            task.claimed_by, task.claim_expires_at = user, now + CLAIM
            task.save()
    return task
