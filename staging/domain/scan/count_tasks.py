"""Count mode on a planned count: the next count task is offered; scanning its location starts (or
joins) the count there; each pallet is scanned and its quantity typed; a supplier's GS1 label counts
a pallet that is not in the books; DONE submits the location. Blind: the panel never says what the
books expect, nor whether a pallet is expected here."""
from ...store.models import CountEntry, CountLine, utcnow
from .. import counts
from ..errors import Invalid
from ..quantities import fmt_qty
from ..words import Words
from .kinds import wrong_kind as _wrong_kind
from .labels import label_facts, label_of, label_part
from .state import Outcome


def offer(user, at=None):
    """The panel of Count mode with nothing pending: the next count task, held for this person."""
    task = counts.entries.offer(user, at or utcnow())
    if task is None:
        return None
    due = task.due_on.isoformat() if task.due_on else "—"
    title = Words("Recount {location}", location=task.location.code) if task.state == "recount" \
        else Words("Next count: {location}", location=task.location.code)
    return Outcome("info", title, Words("Count {count}, due {date}. Go there and scan the location's label.",
                                        count=task.count_id, date=due))


def begin(ctx, state, location, task):
    task = counts.begin(ctx.user, task.count_id, location.code, ctx.at or utcnow())
    state = state.clear()
    state.target, state.count, state.since = location.code, str(task.count_id), (ctx.at or utcnow()).isoformat()
    title = Words("Recounting {location}", location=location.code) if task.state == "recount" \
        else Words("Counting {location}", location=location.code)
    return state, Outcome("wait", title, Words("Scan each pallet and type its quantity, then DONE."))


def step(ctx, state, meaning):
    if meaning.kind == "location":
        raise Invalid("Still counting {location}: scan DONE first, or CANCEL.", location=state.target)
    if state.unit or state.label:
        raise Invalid("{what} still waits for its quantity: type it, or CANCEL.", what=state.unit or Words("The label"))
    if meaning.kind == "gs1":
        return _label(ctx, state, meaning)
    if meaning.kind != "unit":
        raise _wrong_kind(meaning, state)
    unit = meaning.obj
    state.unit = unit.lpn
    before = _counted_before(state, unit)
    if before is not None:
        state.again = unit.lpn
        return state, Outcome("wait", Words("{unit} was counted already", unit=unit.lpn), Words(
            "{qty} by {user}. Type the quantity again to replace it, or CANCEL.", qty=fmt_qty(before.quantity),
            user=before.user.username), ask="qty")
    return state, Outcome("wait", Words("{unit}: how much?", unit=unit.lpn), Words(
        "Type the quantity on this pallet."), ask="qty")


def _counted_before(state, unit):
    task = counts.entries.task_of(int(state.count), state.target)
    return (CountEntry.select().where(CountEntry.task == task, CountEntry.round == counts.entries.round_of(task),
                                      CountEntry.unit == unit, CountEntry.replaced == False)  # noqa: E712
            .order_by(CountEntry.id.desc()).first())


def _label(ctx, state, meaning):
    """A supplier's pallet not in the books: its GS1 label names part and lot (and maybe quantity)."""
    label = meaning.obj
    part = label_part(label)
    if label.quantity is None:
        state.label = meaning.text
        return state, Outcome("wait", Words("{part}: how much?", part=part.number), Words(
            "Not in the books: type the quantity on this pallet."), ask="qty", facts=label_facts(label))
    return _found(ctx, state, part, label.lot or "", label.quantity)


def quantity(ctx, state, text):
    if state.label:
        label = label_of(state.label)
        if label is None:
            raise Invalid("Scan the supplier label again.")
        return _found(ctx, state, label_part(label), label.lot or "", text)
    entry = counts.enter(ctx.user, int(state.count), state.target, text, unit=state.unit,
                         client_scan_id=ctx.scan_id, replace=state.again == state.unit, now=ctx.at)
    lpn = state.unit
    state.unit = state.again = ""
    return state, Outcome("ok", Words("{unit}: {qty} {uom} counted", unit=lpn, qty=entry.quantity,
                                      uom=entry.part.uom), Words("Next pallet, or DONE."))


def _found(ctx, state, part, lot, qty):
    entry = counts.enter(ctx.user, int(state.count), state.target, qty, part=part.number, revision=part.revision,
                         lot=lot, client_scan_id=ctx.scan_id, now=ctx.at)
    state.label = ""
    return state, Outcome("ok", Words("New find: {qty} {uom} {part}", qty=entry.quantity, uom=part.uom,
                                      part=part.number), Words("Not in the books: counted. Next pallet, or DONE."))


def done(ctx, state):
    if state.unit or state.label:
        raise Invalid("{what} still waits for its quantity: type it, or CANCEL.", what=state.unit or Words("The label"))
    task = counts.submit(ctx.user, int(state.count), state.target, ctx.at or utcnow(), device=ctx.device)
    location = state.target
    booked = task.lines.where(CountLine.state == "booked").count()
    said = {"recount": Words("Differences beyond tolerance: a colleague recounts {location}.", location=location),
            "approval": Words("Differences wait for a lead's approval."),
            "done": Words("{count} differences within tolerance booked.", count=booked) if booked
            else Words("No differences.")}[task.state]
    return state.clear(), Outcome("ok" if task.state == "done" else "wait",
                                  Words("{location} counted", location=location), said)
