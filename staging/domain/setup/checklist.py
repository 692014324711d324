"""A new plant's checklist (what is set up, what is not), and the check that everything that
should scan has its barcode."""
from dataclasses import dataclass

from peewee import JOIN

from ...store.models import Barcode, Entry, Location, Part, Printer, Unit, User, WorkOrder
from ..words import Words


@dataclass
class Step:
    key: str
    title: Words
    count: int
    what: Words  # what the count counts, in words (the page says them in the reader's language)
    import_kind: str = ""  # the import that fills it, if any

    @property
    def done(self):
        return self.count > 0


def steps():
    """The steps of setting up a plant, in the order a plant does them."""
    return [
        Step("locations", Words("Locations"), Location.select().where(Location.holds_units).count(),
             Words("places that hold units"), "locations"),
        Step("parts", Words("Parts"), Part.select().count(), Words("parts"), "parts"),
        Step("people", Words("People"), User.select().where(User.active, User.role != "admin").count(),
             Words("people besides admins"), "users"),
        Step("printers", Words("Printers"), Printer.select().where(Printer.active).count(),
             Words("label printers")),
        Step("stock", Words("Opening stock"), Entry.select().where(Entry.kind == "opening").count(),
             Words("pallets booked at go-live"), "stock"),
        Step("work_orders", Words("Work orders"), WorkOrder.select().count(), Words("work orders")),
    ]


def begun():
    """Whether the plant has its first master data: places that hold units, parts, and people
    besides admins. Until then an admin signing in lands on the checklist."""
    return (Location.select().where(Location.holds_units).exists() and Part.select().exists()
            and User.select().where(User.active, User.role != "admin").exists())


def _without(model, entity, code_field=None, where=None):
    """Rows of `model` with no barcode naming them (their codes)."""
    query = (model.select(code_field).join(Barcode, JOIN.LEFT_OUTER, on=(
        (Barcode.entity == entity) & (Barcode.entity_id == model.id))).where(Barcode.id.is_null()))
    if where is not None:
        query = query.where(where)
    return [code for (code,) in query.tuples()]


def missing_barcodes():
    """One line per location, unit, work order or badge that cannot be scanned."""
    found = [f"location {c}: no barcode" for c in _without(Location, "location", Location.code)]
    found += [f"unit {c}: no barcode" for c in _without(Unit, "unit", Unit.lpn)]
    found += [f"work order {c}: no barcode" for c in _without(WorkOrder, "work_order", WorkOrder.number)]
    badges = (User.select(User.username, User.badge).join(Barcode, JOIN.LEFT_OUTER, on=(
        (Barcode.entity == "user") & (Barcode.entity_id == User.id) & (Barcode.code == User.badge)))
        .where(User.badge.is_null(False), Barcode.id.is_null()).tuples())
    found += [f"user {name}: badge {badge} has no barcode" for name, badge in badges]
    return found
