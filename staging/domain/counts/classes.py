"""Count classes and tolerances. A part's class comes from its movement on the ledger over the
last 90 days (the parts that make the first 80% of the movement are A, the next 15% B, the rest C)
unless a lead set it by hand; the class says how often a rolling plan counts the part's places and
how large a difference may book itself (the plant's tolerance per class, on the settings page)."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from ...store.db import write_transaction
from ...store.models import COUNT_CLASSES, Entry, Part, PartCountClass, Unit, utcnow
from ..errors import Invalid, NotFound
from ..people.permissions import authorize

WINDOW = datetime.timedelta(days=90)
EVERY = {"A": 30, "B": 91, "C": 365}  # days between counts in a rolling plan: monthly, quarterly, yearly
SHARES = (("A", Decimal("0.80")), ("B", Decimal("0.95")))  # cumulative share of movement up to the class


@dataclass(frozen=True)
class Tolerance:
    percent: Decimal
    floor: Decimal  # an absolute number of units: small quantities get at least this much slack

    def allows(self, expected, found):
        slack = max(self.floor, (expected or Decimal(0)) * self.percent / 100)
        return abs((found or Decimal(0)) - (expected or Decimal(0))) <= slack


DEFAULTS = {"A": Tolerance(Decimal(2), Decimal(1)), "B": Tolerance(Decimal(5), Decimal(2)),
            "C": Tolerance(Decimal(10), Decimal(5))}
TOLERANCES = dict(DEFAULTS)  # the plant's, put here by the web layer from its settings


def configure(config):
    """The tolerances from the plant's settings (COUNT_TOLERANCE_A_PERCENT, ..._A_UNITS, ...)."""
    for klass in COUNT_CLASSES:
        default = DEFAULTS[klass]
        percent = config.get(f"COUNT_TOLERANCE_{klass}_PERCENT", default.percent)
        floor = config.get(f"COUNT_TOLERANCE_{klass}_UNITS", default.floor)
        TOLERANCES[klass] = Tolerance(Decimal(str(percent)), Decimal(str(floor)))


def by_movement(now=None):
    """part id -> class from the ledger's movement (quantity moved, in any kind) over 90 days."""
    since = (now or utcnow()) - WINDOW
    moved = (Entry.select(Unit.part, fn.SUM(Entry.quantity)).join(Unit, on=(Entry.unit == Unit.id))
             .where(Entry.at >= since).group_by(Unit.part).tuples())
    ranked = sorted(((Decimal(total or 0), part) for part, total in moved), reverse=True)
    everything = sum(total for total, _ in ranked) or Decimal(1)
    classes, running = {}, Decimal(0)
    for total, part in ranked:
        before = running / everything
        running += total
        classes[part] = next((klass for klass, share in SHARES if before < share), "C")
    return classes


def of_parts(now=None):
    """part id -> class, a lead's choice over the movement's; parts that did not move are C."""
    classes = by_movement(now)
    classes.update(PartCountClass.select(PartCountClass.part, PartCountClass.klass).tuples())
    return classes


def of_part(part_id, classes=None):
    if classes is not None:
        return classes.get(part_id, "C")
    chosen = PartCountClass.select(PartCountClass.klass).where(PartCountClass.part == part_id).scalar()
    return chosen or by_movement().get(part_id, "C")


def set_class(user, part_number, revision, klass):
    """A lead sets a part's class by hand ("" : back to its movement's)."""
    authorize(user, "plan_counts")
    part = Part.get_or_none(Part.number == part_number, Part.revision == (revision or ""))
    if part is None:
        raise NotFound("There is no part {part} rev {revision}.", part=part_number, revision=revision or "—")
    klass = (klass or "").strip().upper()
    if klass and klass not in COUNT_CLASSES:
        raise Invalid("A count class is A, B or C, not “{value}”.", value=klass[:10])
    with write_transaction():
        PartCountClass.delete().where(PartCountClass.part == part).execute()
        if klass:
            PartCountClass.create(part=part, klass=klass)
    return part


def chosen():
    """[(part, class)] set by hand, by part number."""
    return [(row.part, row.klass) for row in PartCountClass.select(PartCountClass, Part).join(Part)
            .order_by(Part.number, Part.revision)]


def tolerance(klass):
    return TOLERANCES.get(klass, DEFAULTS["C"])
