"""Kanban cards: a lead prints cards for a line-side place, each saying a part, its revision and a
quantity. One card, or a loop of several (two-bin: two cards; n-card loops: n), each numbered
"card 1 of 2". Scanning a card calls it (calls.py); it is back in the loop when that call is done."""
from dataclasses import dataclass

from ...store.db import locked, write_transaction
from ...store.models import Call, KanbanCard, LineSidePlace, Location, Part, Sequence, utcnow
from .. import codes
from ..errors import Invalid, NotFound
from ..people.permissions import authorize
from ..quantities import parse_quantity
from ..words import Words

MAX_LOOP = 20  # cards in one loop: beyond, the line holds more bins than anyone counts
OPEN = ("waiting", "tasked")


def line_side_place(code):
    """The place a card names: an active staging location that is a machine's line-side place
    (a task needs the machine it stages for)."""
    text = codes.clean(code).upper()
    if not text:
        raise Invalid("Name the line-side place the card calls material to.")
    place = Location.get_or_none(Location.code == text)
    if place is None:
        raise NotFound("No location “{code}”.", code=codes.shown(text))
    if place.kind != "staging" or not place.holds_units or not place.active:
        raise Invalid("{location} is not a staging lane or bin: a card calls material to a line-side place.",
                      location=place.code)
    if not LineSidePlace.select().where(LineSidePlace.place == place).exists():
        raise Invalid("{location} is no machine's line-side place: add it to a machine under Line-side places "
                      "first.", location=place.code)
    return place


def _count(value):
    text = str(value if value is not None else "1").strip() or "1"
    if not text.isdigit() or not 1 <= int(text) <= MAX_LOOP:
        raise Invalid("A loop has 1 to {most} cards, not “{count}”.", most=MAX_LOOP, count=codes.shown(text)[:20])
    return int(text)


def _part(number, revision):
    number, revision = codes.clean(number).upper(), codes.clean(revision).upper()
    if not number:
        raise Invalid("Name the part the card calls: its number and revision.")
    found = Part.get_or_none(Part.number == number, Part.revision == revision)
    if found is None:
        raise NotFound("No part “{number}” rev {revision}.", number=codes.shown(number), revision=codes.shown(revision)
                       or "-")
    return found


def _new_codes(count):
    """`count` card codes from the kanban sequence, skipping codes that name something else."""
    Sequence.insert(name="kanban", value=0).on_conflict_ignore().execute()
    seq = locked(Sequence.select().where(Sequence.name == "kanban")).get()
    found = []
    while len(found) < count:
        seq.value += 1
        code = f"KB{seq.value:06d}"
        if not codes.taken(code):
            found.append(code)
    Sequence.update(value=seq.value).where(Sequence.name == "kanban").execute()
    return found


def make_loop(user, place, part, revision, quantity, count=1):
    """A loop of `count` cards calling `quantity` of a part to a line-side place: the new cards."""
    authorize(user, "manage_tasks")
    place = line_side_place(place)
    part = _part(part, revision)
    qty = parse_quantity(quantity, what=Words("Quantity"))
    count = _count(count)
    now = utcnow()
    with write_transaction():
        made = []
        for number, code in enumerate(_new_codes(count), start=1):
            card = KanbanCard.create(code=code, place=place, part=part, quantity=qty, loop=made[0].code if made
                                     else code, number=number, count=count, created_by=user, created_at=now)
            codes.register(card, code)
            made.append(card)
    return made


def get(code):
    """The card a code names."""
    text = codes.clean(code).upper()
    card = (KanbanCard.select(KanbanCard, Part, Location).join(Part).switch(KanbanCard).join(Location)
            .where(KanbanCard.code == text).first()) if text else None
    if card is None:
        raise NotFound("No kanban card “{code}”.", code=codes.shown(text))
    return card


def retire(user, code):
    """Take the loop of card `code` out of use (its cards scan as retired); an open call goes on."""
    authorize(user, "manage_tasks")
    card = get(code)
    with write_transaction():
        KanbanCard.update(active=False).where(KanbanCard.loop == card.loop).execute()
    return card


@dataclass
class CardView:
    card: KanbanCard
    call: Call | None  # its open call (waiting or tasked), or None: in the loop

    @property
    def called(self):
        return self.call is not None


def listing(place=None, limit=500):
    """Active cards (of one place, or all) by loop and number, each with its open call."""
    query = (KanbanCard.select(KanbanCard, Part, Location).join(Part).switch(KanbanCard).join(Location)
             .where(KanbanCard.active))
    if place:
        query = query.where(Location.code == codes.clean(place).upper())
    cards = list(query.order_by(Location.code, KanbanCard.loop, KanbanCard.number).limit(limit))
    open_calls = {c.card_id: c for c in Call.select().where(Call.state.in_(OPEN),
                                                            Call.card.in_([c.id for c in cards]))} if cards else {}
    return [CardView(c, open_calls.get(c.id)) for c in cards]


def line_side_places():
    """The places cards may call material to: machines' line-side places, by code."""
    return list(Location.select().join(LineSidePlace, on=(LineSidePlace.place == Location.id))
                .where(Location.active, Location.kind == "staging").distinct().order_by(Location.code))
