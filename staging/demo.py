"""A demo plant for an empty database: what a new user clicks through after `make run`.

Its locations and parts are entered through the same set-up functions as the pages, imports and
CLI (by the first admin, recorded in the change history), a newer revision superseding the older;
everything after goes through the domain verbs, so the demo's ledger is as real (and as
checkable) as a plant's."""
import datetime
import random
from decimal import Decimal

from stdnum import ean

from .domain import codes, inventory, logbook, tasks
from .domain.inventory import Ctx
from .domain.people.badges import new_code as new_badge_code
from .domain.people.users import create_user
from .domain.scan import scanner_check
from .domain.setup import locations
from .domain.setup import parts as setup_parts
from .domain.tasks import places as line_side
from .store.db import db
from .store.models import Location, User, WorkOrder, WorkOrderLine, utcnow

RACKS = "ABCDEF"
BAYS, LEVELS = 8, 4

MACHINES = [
    ("M1", "Press 1"), ("M2", "Press 2"), ("M3", "Extruder 3"), ("M4", "Assembly 4"), ("M5", "Assembly 5"),
]

# number, revisions, description, uom, pallet quantity
MATERIALS = [
    ("RES-PP-100", "AB", "Polypropylene resin, natural", "kg", 1000),
    ("RES-PP-120", "A", "Polypropylene resin, black", "kg", 1000),
    ("RES-ABS-200", "AB", "ABS resin, grey", "kg", 800),
    ("RES-PE-310", "A", "HDPE resin", "kg", 900),
    ("MB-BLK-01", "A", "Masterbatch black", "kg", 25),
    ("MB-WHT-02", "A", "Masterbatch white", "kg", 25),
    ("STL-CL-150", "BC", "Steel coil 1.5 mm", "kg", 2400),
    ("STL-CL-200", "A", "Steel coil 2.0 mm", "kg", 2600),
    ("ALU-SH-080", "A", "Aluminium sheet 0.8 mm", "ea", 120),
    ("FST-M6-16", "CD", "Screw M6x16", "ea", 5000),
    ("FST-M8-20", "B", "Screw M8x20", "ea", 4000),
    ("FST-NUT-M6", "A", "Nut M6", "ea", 8000),
    ("FST-WSH-6", "A", "Washer 6 mm", "ea", 10000),
    ("GSK-220", "AB", "Gasket 220 mm", "ea", 600),
    ("ORG-45", "A", "O-ring 45 mm", "ea", 2000),
    ("CBL-HAR-7", "BC", "Cable harness 7-pin", "ea", 200),
    ("PCB-CTL-3", "DE", "Controller board", "ea", 150),
    ("LBL-RLL-100", "A", "Label roll 100x50", "ea", 40),
    ("BOX-600", "B", "Carton 600x400x400", "ea", 250),
    ("BOX-400", "A", "Carton 400x300x200", "ea", 400),
    ("FLM-STR-23", "A", "Stretch film 23 my", "roll", 36),
    ("PLT-EUR", "A", "Euro pallet", "ea", 15),
    ("TAP-50", "A", "Packing tape 50 mm", "roll", 72),
    ("INS-SHT-12", "A", "Insulation sheet", "ea", 300),
]

# product number, revision, description, machine, output station, lines: (part, rev, qty)
PRODUCTS = [
    ("HSG-100", "C", "Housing, front", "M1", "OUT-1",
     [("RES-PP-100", "B", 2400), ("MB-BLK-01", "A", 60)]),
    ("BRK-220", "B", "Bracket, steel", "M2", "OUT-1",
     [("STL-CL-150", "C", 4800), ("FST-M6-16", "D", 4000)]),
    ("PIP-310", "A", "Pipe 32 mm", "M3", "OUT-2",
     [("RES-PE-310", "A", 1800), ("MB-WHT-02", "A", 40)]),
    ("CTL-500", "E", "Controller unit", "M4", "OUT-2",
     [("PCB-CTL-3", "E", 300), ("CBL-HAR-7", "C", 300), ("FST-M6-16", "D", 1200), ("BOX-400", "A", 300)]),
    ("CVR-120", "B", "Cover, grey", "M5", "OUT-2",
     [("RES-ABS-200", "B", 1600), ("GSK-220", "B", 400), ("BOX-600", "B", 100)]),
]

# Badges are generated per plant (printed from the labels page): a fixed demo badge would be a
# known credential for a lead on every installation that kept the demo.
PEOPLE = [
    ("lena", "lead", "Lena Lead"),
    ("sam", "stager", "Sam Stager"),
    ("olga", "operator", "Olga Operator"),
    ("omar", "operator", "Omar Operator"),
]

SCRAP_REASONS = ["Damaged by forklift", "Wet packaging", "Contaminated", "Wrong colour"]


def build_locations(admin):
    def _loc(code, name, kind, parent=None, holds=True, capacity=None):
        # Areas get their barcode too: scanned, they say they are no place for a pallet.
        return locations.save(admin, {"code": code, "name": name, "kind": kind, "parent": parent.code if parent else "",
                                      "capacity": "" if capacity is None else str(capacity), "sort_order": code,
                                      "holds_units": "yes" if holds else "no"})[0]

    dock = _loc("DOCK", "Receiving dock", "receiving", holds=False)
    for i in (1, 2):
        _loc(f"RCV-{i}", f"Dock door {i}", "receiving", dock)
    store = _loc("WH", "Warehouse", "storage", holds=False)
    for rack in RACKS:
        rack_loc = _loc(f"R-{rack}", f"Rack {rack}", "storage", store, holds=False)
        for bay in range(1, BAYS + 1):
            for level in range(1, LEVELS + 1):
                _loc(f"{rack}-{bay:02d}-{level}", f"Rack {rack} bay {bay} level {level}", "storage",
                     rack_loc, capacity=2)
    floor = _loc("FLOOR", "Production floor", "staging", holds=False)
    for i in range(1, 9):
        _loc(f"LANE-{i}", f"Staging lane {i}", "staging", floor, capacity=6)
    for code, name in MACHINES:
        _loc(code, name, "machine", floor)
    for i in (1, 2):
        _loc(f"OUT-{i}", f"Output station {i}", "output", floor)
    _loc("QC-HOLD", "QC hold cage", "qc_hold")
    _loc("SCRAP", "Scrap bins", "scrap")
    ship = _loc("SHIP", "Shipping", "shipping", holds=False)
    for i in (1, 2):
        _loc(f"SHIP-{i}", f"Shipping door {i}", "shipping", ship)


def gtin_of(number):
    """The demo supplier's GTIN-14 of a material (a made-up company prefix, a right check digit), so
    Receive finds the part on a supplier's GS1-128 label."""
    index = next(i for i, m in enumerate(MATERIALS) if m[0] == number)
    body = f"0401234500{index + 1:03d}"
    return body + ean.calc_check_digit(body)


def supplier_label(number, lot="S-4711", quantity=None):
    """A demo supplier's GS1-128 element string for a material (GTIN, lot, quantity), in the
    parenthesised form a label prints under its bars."""
    _, _, _, uom, pallet = next(m for m in MATERIALS if m[0] == number)
    qty = quantity if quantity is not None else pallet
    amount = f"(30){int(qty)}" if uom != "kg" else f"(3100){int(qty):06d}"
    return f"(01){gtin_of(number)}(10){lot}{amount}"


# The command sheet's scanner-check barcode is a GS1-128 label (GS1's example GTIN, a lot, a serial):
# in the demo it is also this part's case label, so Receive has a supplier label to scan from the
# first printout (it carries no quantity: the panel asks for it).
SHEET_LABEL_PART = "PCB-CTL-3"


def build_parts(admin):
    found = {}
    for number, revisions, description, uom, _ in MATERIALS:
        gtins = f"{gtin_of(number)} {scanner_check.GTIN_ELEMENT[2:]}" if number == SHEET_LABEL_PART else gtin_of(number)
        for older, rev in zip(" " + revisions, revisions):  # a later revision supersedes the one before
            found[number, rev] = setup_parts.save(admin, {"number": number, "revision": rev, "description": description,
                                                          "uom": uom, "supersedes": older.strip(), "gtin": gtins})[0]
    for number, rev, description, *_ in PRODUCTS:
        found[number, rev] = setup_parts.save(admin, {"number": number, "revision": rev, "description": description,
                                                      "uom": "ea"})[0]
    return found


def build_work_orders(parts, now):
    orders = []
    for i, (number, rev, _, machine, output, lines) in enumerate(PRODUCTS):
        for j, status in enumerate(("running", "released")):
            wo = WorkOrder.create(
                number=f"WO-{24100 + i * 2 + j}", part=parts[number, rev], quantity=Decimal(1200 - 400 * j),
                machine=Location.get(code=machine), output_station=Location.get(code=output),
                status=status, due_at=now + datetime.timedelta(hours=8 + 8 * j))
            codes.register(wo, wo.number)
            for part, prev, qty in lines:
                WorkOrderLine.create(work_order=wo, part=parts[part, prev], quantity=Decimal(qty) / (1 + j))
            orders.append(wo)
    return orders


def seed(rng=None, now=None, calendar=None, rules=None):
    """Fill an empty database with the demo plant, and with `calendar` its stations' shift logs;
    the first admin (first_start.prepare makes one before) enters its master data; `rules`: the
    plant's staging-task rules. Returns the number of locations."""
    rng = rng or random.Random(7)
    now = now or utcnow()
    admin = User.select().where(User.role == "admin", User.active).order_by(User.id).first()
    with db.atomic():
        build_locations(admin)
        parts = build_parts(admin)
        orders = build_work_orders(parts, now)
        people = {name: create_user(name, role, display_name=display, badge=new_badge_code())
                  for name, role, display in PEOPLE}
        line_side_places(admin)
        _history(rng, now, parts, orders, people)
        _produce(rng, now, orders, people)
        if calendar is not None:
            _logbook(rng, now, people, calendar)
    # The tasks of the first start at once, not after the background job's first look: a newcomer
    # opens Tasks on the handheld right after `make run`.
    tasks.refresh(rules or tasks.DEFAULT, now)
    return Location.select().count()


def line_side_places(admin):
    """Each machine's staging lane in front of it (M1: LANE-1 ...): where its orders' material goes,
    so shortages become staging tasks. LANE-6 to LANE-8 stay free lanes."""
    for i, (machine, _) in enumerate(MACHINES, start=1):
        line_side.add_place(admin, machine, f"LANE-{i}")


def lane_of(wo):
    return Location.get(code=f"LANE-{[m for m, _ in MACHINES].index(wo.machine.code) + 1}")


def _history(rng, now, parts, orders, people):
    """Three days of receipts, put-away, staging, loading, consumption and the odd mishap."""
    bins = list(Location.select().where(Location.kind == "storage", Location.holds_units))
    free_bins = [b for b in bins for _ in range(2)]
    rng.shuffle(free_bins)
    clock = now - datetime.timedelta(days=3)
    step = 0.65  # minutes per unit of work, so that three days hold it all
    materials = [(n, r, q) for n, revs, _, _, q in MATERIALS for r in revs]

    def ctx(who, minutes):
        nonlocal clock
        clock = min(clock + datetime.timedelta(minutes=minutes * step), now)
        return Ctx(people[who], device=f"TC52-{rng.randint(1, 6):02d}", at=clock)

    def receive(number, rev, qty):
        part = parts[number, rev]
        return inventory.receive(ctx("sam", rng.uniform(1, 6)), part, qty,
                                 lot=f"L{rng.randint(24000, 24999)}-{rng.randint(1, 9)}").unit

    _supply_orders(rng, orders, free_bins, materials, ctx, receive)
    _fill_racks(rng, free_bins, materials, ctx, receive)
    # Today's deliveries, still on the dock.
    for _ in range(6):
        number, rev, qty = rng.choice(materials)
        receive(number, rev, qty)


def _supply_orders(rng, orders, free_bins, materials, ctx, receive):
    """Material the running and next orders need: staged in their machine's lane, and loaded on the
    running ones; the rest still short (staging tasks)."""
    for wo in orders:
        lane = lane_of(wo)
        for line in wo.lines:
            per_pallet = next(q for n, r, q in materials if (n, r) == (line.part.number, line.part.revision))
            pallets = min(3, max(1, int(line.quantity / per_pallet) + rng.randint(0, 1)))
            for k in range(pallets):
                unit = receive(line.part.number, line.part.revision, per_pallet)
                inventory.move(ctx("omar", rng.uniform(2, 10)), unit, free_bins.pop())
                if wo.status == "running" and k == 0:
                    inventory.load(ctx("olga", rng.uniform(20, 90)), unit, wo.machine, wo)
                    used = (Decimal(per_pallet) * Decimal(rng.randint(10, 60)) / 100).quantize(Decimal(1))
                    inventory.consume(ctx("olga", rng.uniform(30, 120)), unit, used)
                elif lane.capacity and lane.units.count() < lane.capacity:
                    inventory.stage(ctx("omar", rng.uniform(10, 60)), unit, lane, wo)


def _fill_racks(rng, free_bins, materials, ctx, receive):
    """Stock in the racks, with the odd split, scrap and QC hold."""
    while len(free_bins) > 8:
        number, rev, qty = rng.choice(materials)
        unit = receive(number, rev, qty)
        inventory.move(ctx("omar", rng.uniform(1, 8)), unit, free_bins.pop())
        roll = rng.random()
        if roll < 0.08:
            inventory.split(ctx("omar", rng.uniform(1, 5)), unit, (Decimal(qty) / 4).quantize(Decimal(1)),
                            free_bins.pop())
        elif roll < 0.12:
            inventory.scrap(ctx("olga", rng.uniform(1, 5)), unit, (Decimal(qty) / 10).quantize(Decimal(1)),
                            reason=rng.choice(SCRAP_REASONS))
        elif roll < 0.14:
            inventory.move(ctx("lena", rng.uniform(1, 5)), unit, "QC-HOLD")


def _produce(rng, now, orders, people):
    """The running orders' first output pallets (their genealogy: what was consumed for them), so
    Trace finds where a lot went; one of them already shipped."""
    for wo in orders:
        if wo.status != "running":
            continue
        at = now - datetime.timedelta(minutes=rng.randint(20, 90))
        unit = inventory.produce(Ctx(people["olga"], device="TC52-01", at=at), wo,
                                 Decimal(rng.choice((40, 60, 80)))).unit
        if wo.machine.code == "M1":
            inventory.move(Ctx(people["omar"], device="TC52-02", at=at + datetime.timedelta(minutes=10)),
                           unit, "SHIP-1")


NOTES = [("downtime", "Mould change", 35), ("downtime", "Waiting for material", 20),
         ("quality", "Short shots on cavity 2, adjusted hold pressure", None),
         ("note", "Handover: next lot of resin is staged in the lane", None)]


def _logbook(rng, now, people, cal):
    """The recent shifts' logs, written and submitted by the lead, as a plant that keeps its
    logbook has them; the last finished shift of one machine is left open (overdue), and one
    safety issue waits for acknowledgement, so both show on the floor board."""
    stations = list(Location.select().where(Location.kind.in_(logbook.STATIONS), Location.holds_units)
                    .order_by(Location.code))
    finished = [r for r in cal.recent(now, 6) if r[3] + cal.grace < now]
    for i, (day, shift, start, end) in enumerate(finished):
        for station in stations:
            if i == 0 and station.code == "M5":
                continue  # nobody signed it off: overdue
            notes = rng.sample(NOTES, rng.randint(0, 2))
            if i == len(finished) - 1 and station == stations[0]:
                notes.append(("safety", "Pallet wrap hanging into the walkway at the lane", None))
            for kind, text, minutes in notes:
                logbook.add_note(people["olga"], station, day, shift.name, kind, text, cal, minutes,
                                 now=start + (end - start) * rng.uniform(0.2, 0.9))
            logbook.submit(people["lena"], station, day, shift.name, cal, now=end + datetime.timedelta(minutes=10))
