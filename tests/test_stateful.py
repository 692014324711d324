"""The floor where features meet, driven at random: hypothesis' rule-based state machine runs the
domain's verbs (receive, move, stage, load, unload, split, consume, waste, adjust, undo, correct, produce,
ship, return, hold and release), the staging tasks (claim, finish, release), kanban calls (call a card,
finish its task), labels printed on a network printer whose paper runs out and comes back (a real TCP
peer), andon calls (called, acknowledged, closed) and maintenance done, and the master data
(work-order status, part fields, location capacity) in any order, by several people on several
devices. A refusal (DomainError) writes nothing; after every step every promise of `check`
(staging/domain/promises) holds. On SQLite and PostgreSQL.

The normal run stays within about a minute for both databases; `HYPOTHESIS_PROFILE=long` runs
many more and longer sequences.

KNOWN_DEFECTS may list, by key and with what is wrong, a defect found and not yet fixed: the
rules step around exactly that case while its key is listed. Delete the key with the fix."""
import os
import shutil
import tempfile
import time
import uuid
from decimal import Decimal

import psycopg2
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from staging.domain import codes, counts, inventory, logbook, promises, tasks
from staging.domain.errors import DomainError
from staging.domain.inventory import Ctx
from staging.domain.machines import andon, upkeep
from staging.domain.machines import states as machine_states
from staging.domain.setup import locations, parts
from staging.domain.workorders import OPEN_STATUSES, drafts, inbound, lines_of, machines_of
from staging.media import labels, printqueue
from staging.store.db import bind, db, migrate, open_database
from staging.store.models import (
    AndonCall,
    Call,
    Count,
    Entry,
    Event,
    Genealogy,
    KanbanCard,
    LineSidePlace,
    Location,
    LogNote,
    MachineState,
    MaintenanceDone,
    MaintenancePlan,
    OutputUnit,
    Part,
    Printer,
    PrintJob,
    Scan,
    StagingTask,
    Unit,
    User,
    WorkOrder,
    WorkOrderLine,
    WorkOrderTotals,
)

from .plant import Plant, loc
from .printer_peer import PrinterPeer

KNOWN_DEFECTS = {}  # none known now: every rule drives its case

RULES = tasks.Rules()
PEOPLE = ("operator1", "operator2", "stager1", "lead1")
DEVICES = ("hh-1", "hh-2", "desk")
PLACES = ("RCV-1", "A-01-1", "A-01-2", "LANE-1", "L-M1", "M1", "M2", "QC-HOLD", "OUT-1", "NOPE")
ORDER_STATUSES = ("planned", "released", "running", "done", "closed")
quantities = st.one_of(st.decimals(min_value=Decimal("0.5"), max_value=Decimal("400"), places=1),
                       st.sampled_from(["0", "-3", "abc", ""]))
CALENDAR = logbook.Calendar.from_settings("Early=06:00-14:00,Late=14:00-22:00,Night=22:00-06:00", "Europe/Berlin")
PROFILES = {
    "default": settings(max_examples=12, stateful_step_count=30, deadline=None,
                        suppress_health_check=list(HealthCheck)),
    "long": settings(max_examples=300, stateful_step_count=60, deadline=None,
                     suppress_health_check=list(HealthCheck)),
}
PROFILE = PROFILES[os.environ.get("HYPOTHESIS_PROFILE", "default")]


def known(defect):
    return defect in KNOWN_DEFECTS


def footprint():
    """What a refusal must leave as it was."""
    return (Entry.select().count(), Unit.select().count(), Scan.select().count(), Genealogy.select().count(),
            MachineState.select().count(),
            OutputUnit.select().count(), list(WorkOrderTotals.select(WorkOrderTotals.consumed, WorkOrderTotals.wasted)
                                              .order_by(WorkOrderTotals.id).tuples()),
            AndonCall.select().where(AndonCall.closed_at.is_null()).count(), LogNote.select().count(),
            MaintenanceDone.select().count())


_PEER = []


def floor_printer():
    """One printer peer for the whole run: the worlds' printer points at its port."""
    if not _PEER:
        _PEER.append(PrinterPeer())
    return _PEER[0]


def build_world():
    """The test plant, an output station, a shipping door, a lane L-M1 in front of M1, a second
    operator, and two orders on M1 (WO-1 running on resin, WO-2 released on screws), with stock; a
    kanban loop of two cards at L-M1 for the old resin revision, with a pallet of it."""
    plant = Plant()
    station = loc("OUT-1", "output")
    loc("SHIP-1", "shipping")
    LineSidePlace.create(machine=plant.machine, place=loc("L-M1", "staging"), kind="lane")
    WorkOrder.update(output_station=station).where(WorkOrder.id == plant.wo.id).execute()
    User.create(username="operator2", role="operator")
    second = WorkOrder.create(number="WO-2", part=plant.product, quantity=50, machine=plant.machine,
                              output_station=station, status="released")
    codes.register(second, second.number)
    WorkOrderLine.create(work_order=second, part=plant.screw, quantity=Decimal("200"))
    # A two-bin kanban loop at M1's lane of the old resin revision no order needs, with stock of it.
    tasks.cards.make_loop(plant.lead, "L-M1", "RES-100", "A", "50", 2)
    plant.receive(part=plant.resin_a, qty="120")
    from staging.media import printing
    printing.save_printer(plant.users["admin"], "Floor Zebra", "127.0.0.1", floor_printer().port, serves="R-A")
    for _ in range(3):  # more than the orders are short of: some pallets are no task's
        plant.receive(qty="300")
        plant.receive(part=plant.screw, qty="150")
    return plant


class SqliteFloors:
    """A SQLite file per example, copied from one built once (migrating takes half a second)."""

    def __init__(self):
        self.folder = tempfile.mkdtemp(prefix="stateful-")
        bind(open_database(f"sqlite:///{self.folder}/template.db"))
        migrate()
        db.connect(reuse_if_open=True)
        self.plant = build_world()
        db.close()
        self.count = 0

    def begin(self):
        self.count += 1
        path = f"{self.folder}/floor-{self.count}.db"
        shutil.copy(f"{self.folder}/template.db", path)
        bind(open_database(f"sqlite:///{path}"))
        db.connect(reuse_if_open=True)
        return self.plant

    def end(self):
        db.close()

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresFloors:
    """One fresh schema for the test, migrated once; every example empties its tables first."""

    def __init__(self, pg_url):
        self.schema = "s_" + uuid.uuid4().hex[:12]
        self.admin = psycopg2.connect(pg_url)
        self.admin.autocommit = True
        self.admin.cursor().execute(f'CREATE SCHEMA "{self.schema}"')
        sep = "&" if "?" in pg_url else "?"
        bind(open_database(f"{pg_url}{sep}options=-csearch_path%3D{self.schema}"))
        migrate()

    def begin(self):
        db.connect(reuse_if_open=True)
        tables = [t for t in db.get_tables() if t != "schema_migration"]
        db.execute_sql(f"TRUNCATE {', '.join(f'{chr(34)}{t}{chr(34)}' for t in tables)} RESTART IDENTITY CASCADE")
        return build_world()

    def end(self):
        db.close()

    def close(self):
        db.close()
        self.admin.cursor().execute(f'DROP SCHEMA "{self.schema}" CASCADE')
        self.admin.close()


class Floor(RuleBasedStateMachine):
    """One plant per example (build_world), in the database the test chose (`floors`)."""
    floors = None

    def __init__(self):
        super().__init__()
        self.plant = type(self).floors.begin()
        floor_printer().jobs.clear()
        floor_printer().set()

    def teardown(self):
        type(self).floors.end()

    # --- who, what --------------------------------------------------------------------------------

    def ctx(self, person, device):
        return Ctx(User.get(User.username == person), device=device, scan_id=uuid.uuid4().hex)

    def unit(self, index, *statuses, free=False):
        """A unit, mostly one in a state where the verb can work (statuses), so sequences reach
        deep (load, consume, produce, correct) in few steps; any unit when none is. `free`: not a
        task's pallet, while a task's changing pallet is a known defect (the rules step around it)."""
        query = Unit.select().order_by(Unit.id)
        if free and known("task_pallet_changes"):
            query = query.where(Unit.id.not_in(StagingTask.select(StagingTask.unit).where(
                StagingTask.state.in_(tasks.LIVE), StagingTask.unit.is_null(False))))
        units = list(query.where(Unit.status.in_(statuses))) if statuses else []
        units = units or list(Unit.select().order_by(Unit.id))
        return units[index % len(units)]

    def order(self, index):
        orders = list(WorkOrder.select().order_by(WorkOrder.id))
        return orders[index % len(orders)]

    def attempt(self, action, *args, **kwargs):
        """Do it; a refusal must write nothing."""
        before = footprint()
        try:
            return action(*args, **kwargs)
        except DomainError:
            assert footprint() == before, f"{getattr(action, '__name__', action)} refused but wrote"
            return None

    def tasked(self, unit):
        """Whether a live task names this pallet, while that defect is known."""
        return known("task_pallet_changes") and StagingTask.select().where(
            StagingTask.unit == unit.id, StagingTask.state.in_(tasks.LIVE)).exists()

    def inside_an_output(self, unit):
        """Whether consumption of this unit already went into an output pallet."""
        return Genealogy.select().where(Genealogy.input == unit.id).exists()

    # --- stock verbs --------------------------------------------------------------------------------

    @rule(part=st.sampled_from(["resin_b", "resin_a", "screw"]), qty=quantities, at=st.sampled_from(PLACES))
    def receive(self, part, qty, at):
        self.attempt(inventory.receive, self.ctx("stager1", "desk"), getattr(self.plant, part), qty, at, lot="L")

    @rule(i=st.integers(0, 30), to=st.sampled_from(PLACES), who=st.sampled_from(PEOPLE),
          device=st.sampled_from(DEVICES), believed=st.booleans())
    def move(self, i, to, who, device, believed):
        unit = self.unit(i)
        if to == "QC-HOLD" and self.tasked(unit):
            return
        expected = unit.location.code if believed and unit.location_id else None
        self.attempt(inventory.move, self.ctx(who, device), unit.lpn, to, expected)

    @rule(i=st.integers(0, 30), lane=st.sampled_from(["LANE-1", "L-M1"]), o=st.integers(0, 3))
    def stage(self, i, lane, o):
        self.attempt(inventory.stage, self.ctx("stager1", "desk"), self.unit(i, "stock").lpn, lane, self.order(o))

    @rule(i=st.integers(0, 30), machine=st.sampled_from(["M1", "M2"]), o=st.one_of(st.none(), st.integers(0, 3)),
          who=st.sampled_from(PEOPLE), device=st.sampled_from(DEVICES))
    def load(self, i, machine, o, who, device):
        order, unit = None if o is None else self.order(o), self.unit(i, "stock", "staged", free=True)
        self.attempt(inventory.load, self.ctx(who, device), unit.lpn, machine, order)

    @rule(i=st.integers(0, 30), to=st.sampled_from(["A-01-1", "LANE-1", "QC-HOLD"]))
    def unload(self, i, to):
        unit = self.unit(i, "loaded")
        if not (to == "QC-HOLD" and self.tasked(unit)):
            self.attempt(inventory.unload, self.ctx("operator1", "hh-1"), unit.lpn, to)

    @rule(i=st.integers(0, 30), qty=quantities, to=st.sampled_from(PLACES + (None,)), who=st.sampled_from(PEOPLE))
    def split(self, i, qty, to, who):
        unit = self.unit(i)
        if not self.tasked(unit):
            self.attempt(inventory.split, self.ctx(who, "hh-2"), unit.lpn, qty, to)

    @rule(i=st.integers(0, 30), qty=st.one_of(st.none(), quantities), o=st.one_of(st.none(), st.integers(0, 3)),
          who=st.sampled_from(PEOPLE), device=st.sampled_from(DEVICES))
    def consume(self, i, qty, o, who, device):
        order, unit = None if o is None else self.order(o), self.unit(i, "loaded", free=True)
        if not self.tasked(unit):
            self.attempt(inventory.consume, self.ctx(who, device), unit.lpn, qty, order)

    @rule(i=st.integers(0, 30), qty=st.one_of(st.none(), quantities), reason=st.sampled_from(["Wet", "", "Spilled"]))
    def waste(self, i, qty, reason):
        unit = self.unit(i, "loaded", "stock", "staged", free=True)
        if not self.tasked(unit):
            self.attempt(inventory.scrap, self.ctx("operator1", "hh-1"), unit.lpn, qty, reason=reason)

    @rule(i=st.integers(0, 30), counted=st.sampled_from(["0", "10", "99.5", "x"]))
    def adjust(self, i, counted):
        unit = self.unit(i)
        if not self.tasked(unit):
            self.attempt(inventory.adjust, self.ctx("lead1", "desk"), unit.lpn, counted, reason="counted")

    @rule(i=st.integers(0, 30), to=st.sampled_from(["L-M1", "LANE-1", "A-01-2"]), who=st.sampled_from(PEOPLE))
    def move_by_api(self, i, to, who):
        """A move from the API or an offline replay: a task's pallet to its place finishes the task."""
        unit = self.unit(i)
        self.attempt(tasks.move, self.ctx(who, "hh-2"), unit.lpn, to, RULES)

    @rule(who=st.sampled_from(PEOPLE), device=st.sampled_from(DEVICES))
    def undo(self, who, device):
        ctx = self.ctx(who, device)
        try:
            last = inventory.last_change(ctx)
        except DomainError:
            last = None
        if known("undo_into_output") and last is not None and last.kind in ("consume", "scrap") \
                and self.inside_an_output(last.unit):
            return
        self.attempt(inventory.undo, ctx)

    @rule(n=st.integers(0, 10), qty=st.sampled_from(["0", "1", "12.5", "abc"]))
    def correct(self, n, qty):
        entries = list(Entry.select().where(Entry.kind.in_(inventory.CORRECTABLE)).order_by(Entry.id.desc()).limit(11))
        if not entries:
            return
        entry = entries[n % len(entries)]
        if known("undo_into_output") and self.inside_an_output(entry.unit):
            return
        self.attempt(inventory.correct, self.ctx("lead1", "desk"), entry.id, qty, "recounted")

    @precondition(lambda self: not known("produce"))
    @rule(o=st.integers(0, 3), qty=quantities)
    def produce(self, o, qty):
        self.attempt(inventory.produce, self.ctx("operator1", "hh-1"), self.order(o), qty)

    @rule(i=st.integers(0, 30))
    def ship(self, i):
        unit = self.unit(i, "output", "stock")
        if not self.tasked(unit):
            self.attempt(inventory.move, self.ctx("operator2", "hh-2"), unit.lpn, "SHIP-1")

    @rule(i=st.integers(0, 30), to=st.sampled_from(["A-01-1", "QC-HOLD", "OUT-1", "M1"]))
    def return_shipped(self, i, to):
        self.attempt(inventory.return_shipped, self.ctx("lead1", "desk"), self.unit(i, "shipped").lpn, to, "came back")

    @rule(i=st.integers(0, 30), who=st.sampled_from(["lead1", "operator1"]))
    def hold(self, i, who):
        unit = self.unit(i)
        if not self.tasked(unit):
            self.attempt(inventory.hold, self.ctx(who, "desk"), unit.lpn, "QC")

    @rule(i=st.integers(0, 30))
    def release(self, i):
        self.attempt(inventory.release, self.ctx("lead1", "desk"), self.unit(i, "hold").lpn, "QC ok")

    # --- staging tasks ------------------------------------------------------------------------------

    @rule(who=st.sampled_from(["operator1", "operator2"]))
    def claim_task(self, who):
        user = self.ctx(who, "hh-1").user
        task = tasks.next_for(user, RULES)
        if task is not None:
            self.attempt(tasks.claim, user, task.id, RULES)

    @rule(who=st.sampled_from(["operator1", "operator2"]), other=st.booleans())
    def finish_task(self, who, other):
        ctx = self.ctx(who, "hh-1" if who == "operator1" else "hh-2")
        task = tasks.holds(ctx.user)
        if task is None:
            return
        unit = self.plant.receive(part=task.part, qty="50") if other else task.unit
        if unit is None or (known("partial_task_refused_stage_keeps_split") and not task.whole):
            return
        self.attempt(tasks.complete, ctx, unit, task.to_location, RULES)

    @rule(who=st.sampled_from(["operator1", "operator2", "lead1"]))
    def release_task(self, who):
        task = StagingTask.select().where(StagingTask.state == "claimed").first()
        if task is not None:
            self.attempt(tasks.release, self.ctx(who, "desk").user, task.id)

    # --- kanban calls -------------------------------------------------------------------------------

    @rule(n=st.integers(0, 1), who=st.sampled_from(PEOPLE))
    def call_card(self, n, who):
        card = KanbanCard.select().order_by(KanbanCard.id)[n]
        self.attempt(tasks.calls.call, self.ctx(who, "hh-1"), card.code, RULES)

    @rule(who=st.sampled_from(["operator1", "operator2"]))
    def finish_call(self, who):
        made = Call.select().where(Call.state == "tasked").order_by(Call.id).first()
        if made is None:
            return
        ctx = self.ctx(who, "hh-2")
        task = self.attempt(tasks.claim, ctx.user, made.task_id, RULES)
        if task is not None and task.unit_id is not None:
            self.attempt(tasks.complete, ctx, task.unit.lpn, task.to_location, RULES)

    # --- labels on a printer whose paper runs out ----------------------------------------------------

    @rule(i=st.integers(0, 30), who=st.sampled_from(PEOPLE))
    def print_label(self, i, who):
        unit = self.unit(i)
        self.attempt(printqueue.print_to, User.get(User.username == who), "Floor Zebra",
                     labels.unit_labels([unit.lpn], labels.Settings()), timeout=2)

    @rule(out=st.booleans())
    def paper(self, out):
        floor_printer().set(paper_out=out)

    @rule()
    def background_sender(self):
        printqueue.dispatch(Printer.get(Printer.name == "Floor Zebra"), timeout=2, answer_timeout=0.5)

    # --- andon and maintenance -----------------------------------------------------------------------

    @rule(kind=st.sampled_from(["safety", "quality", "material", "fire"]), at=st.sampled_from(PLACES),
          who=st.sampled_from(PEOPLE))
    def andon_call(self, kind, at, who):
        self.attempt(andon.call, self.ctx(who, "hh-1").user, kind, at, CALENDAR, client_scan_id=uuid.uuid4().hex)

    @rule(n=st.integers(0, 5), who=st.sampled_from(["lead1", "operator1"]), what=st.sampled_from(["", "Fixed"]),
          close=st.booleans())
    def andon_answer(self, n, who, what, close):
        calls = list(AndonCall.select().order_by(AndonCall.id))
        if calls:
            user, call = self.ctx(who, "desk").user, calls[n % len(calls)]
            if close:
                self.attempt(andon.close, user, call.id, what, CALENDAR)
            else:
                self.attempt(andon.acknowledge, user, call.id)

    @rule(who=st.sampled_from(["lead1", "operator1"]), notes=st.sampled_from(["", "Greased"]))
    def maintenance_done(self, who, notes):
        plan = MaintenancePlan.select().first() or upkeep.add_plan(self.plant.lead, "Grease",
                                                                   machine=self.plant.machine, every_days="30")
        self.attempt(upkeep.record_done, self.ctx(who, "desk").user, plan.id, notes, CALENDAR)

    # --- machine states -----------------------------------------------------------------------------

    @rule(machine=st.sampled_from(["M1", "M2"]), state=st.sampled_from(machine_states.STATES + ("asleep",)),
          reason=st.sampled_from(["", "Breakdown", "2", "coffee"]), who=st.sampled_from(PEOPLE))
    def set_machine_state(self, machine, state, reason, who):
        """A machine down or in maintenance pauses its tasks: listed as paused, offered to nobody, and a
        claim of one is refused without writing."""
        self.attempt(machine_states.set_state, self.ctx(who, "hh-1").user, machine, state, reason, device="hh-1")
        paused = machine_states.paused_machines()
        for task in tasks.open_tasks(RULES):
            assert task.paused == (task.machine_id in paused)
            if task.paused and task.state == "open":
                before = StagingTask.get_by_id(task.id).state
                self.attempt(tasks.claim, self.ctx("operator2", "hh-2").user, task.id, RULES)
                assert StagingTask.get_by_id(task.id).state == before  # refused: still not claimed
        for person in ("operator1", "operator2"):
            offered = tasks.next_for(User.get(User.username == person), RULES)
            assert offered is None or offered.machine_id not in paused

    # --- counts -------------------------------------------------------------------------------------

    @rule(who=st.sampled_from(PEOPLE), place=st.sampled_from(["A-01-1", "LANE-1", "RCV-1", "A-01-2"]),
          i=st.integers(0, 30), qty=st.sampled_from(["0", "1", "50", "99.5", "300", "x"]), again=st.booleans(),
          submit=st.booleans())
    def count_location(self, who, place, i, qty, again, submit):
        """Plan a count of the place unless one is live, count what is there (and maybe one from
        elsewhere), maybe submit: differences within tolerance book themselves, the rest wait."""
        task = counts.entries.live_task(Location.get(Location.code == place))
        count_id = task.count_id if task is not None else getattr(
            self.attempt(counts.plan, self.plant.lead, "locations", locations=[place]), "id", None)
        if count_id is None:
            return
        user = self.ctx(who, "hh-1").user
        here = list(Unit.select().where(Unit.location == Location.get(Location.code == place).id).order_by(Unit.id))
        for unit in here[:2] + [self.unit(i)]:
            self.attempt(counts.enter, user, count_id, place, qty if here and unit is here[0] else "50", unit=unit.lpn,
                         replace=again)
        if submit:
            self.attempt(counts.submit, user, count_id, place)

    @rule(who=st.sampled_from(["lead1", "operator1", "admin1"]))
    def count_approve(self, who):
        count = Count.select().where(Count.status == "open").order_by(Count.id.desc()).first()
        if count is not None:
            self.attempt(counts.approve, self.ctx(who, "desk").user, count.id)

    # --- master data ------------------------------------------------------------------------------

    @rule(o=st.integers(0, 3), status=st.sampled_from(ORDER_STATUSES))
    def order_status(self, o, status):
        wo = self.order(o)
        if status not in OPEN_STATUSES and known("order_ends_with_material") and (
                Unit.select().where(Unit.work_order == wo, Unit.status.in_(("staged", "loaded"))).exists()
                or StagingTask.select().where(StagingTask.work_order == wo,
                                              StagingTask.state.in_(tasks.LIVE)).exists()):
            return
        fields = {"product": wo.part.number, "product_rev": wo.part.revision, "quantity": str(wo.quantity),
                  "machines": " ".join(m.code for m in machines_of(wo)),
                  "output_station": wo.output_station.code if wo.output_station_id else "", "status": status,
                  "due": ""}
        lines = [{"part": ln.part.number, "revision": ln.part.revision, "quantity": str(ln.quantity),
                  "uom": ln.part.uom} for ln in lines_of(wo)]
        self.attempt(drafts.save, self.plant.lead, fields, lines, "UTC", wo)

    @rule(o=st.integers(0, 3), keep=st.booleans(), qty=st.sampled_from(["1", "250", "0"]),
          status=st.sampled_from(ORDER_STATUSES), new_part=st.booleans())
    def order_sent_by_erp(self, o, keep, qty, status, new_part):
        """PUT /api/work-orders/{number}: the order replaced whole, its used lines kept or not."""
        wo = self.order(o)
        lines = [{"part": "NEW-PART" if new_part else "FST-M6", "revision": "C", "quantity": qty}]
        if keep:
            lines += [{"part": ln.part.number, "revision": ln.part.revision, "quantity": str(ln.quantity)}
                      for ln in lines_of(wo) if (ln.part.number, ln.part.revision) != ("FST-M6", "C")]
        order = {"product": wo.part.number, "product_rev": wo.part.revision, "quantity": "10",
                 "machines": [m.code for m in machines_of(wo)], "status": status, "lines": lines,
                 "output_station": wo.output_station.code if wo.output_station_id else None}
        self.attempt(inbound.replace, self.plant.lead, wo.number, order, "UTC")

    @rule(part=st.sampled_from(["resin_b", "screw", "product"]), pack=st.sampled_from(["", "50", "x"]),
          life=st.sampled_from(["", "1", "30"]))
    def part_fields(self, part, pack, life):
        p = Part.get_by_id(getattr(self.plant, part).id)
        self.attempt(parts.save, self.plant.users["admin"], {"number": p.number, "revision": p.revision,
                                                              "pack_qty": pack, "shelf_life_days": life})

    @rule(code=st.sampled_from(["A-01-1", "A-01-2", "LANE-1", "L-M1"]), capacity=st.sampled_from(["", "1", "3", "0"]))
    def location_capacity(self, code, capacity):
        self.attempt(locations.save, self.plant.users["admin"], {"code": code, "capacity": capacity})

    # --- what must always hold ----------------------------------------------------------------------

    @invariant()
    def every_label_sent_once(self):
        # What reached the printer is exactly the labels of the jobs marked sent: none lost, none twice.
        sent = sum(len(j.codes.split("\n")) for j in PrintJob.select().where(PrintJob.state == "sent"))
        peer, deadline = floor_printer(), time.monotonic() + 5
        while peer.labels() < sent and time.monotonic() < deadline:  # the last job's bytes still on the way
            time.sleep(0.01)
        assert peer.labels() == sent

    @invariant()
    def every_promise_holds(self):
        tasks.sync(RULES)  # as every page that shows tasks does, and `check`
        assert promises.broken() == []

    @invariant()
    def every_ledger_row_is_announced_once(self):
        # The promise finds a row without its event; this finds one announced twice.
        assert Event.select().where(Event.type.startswith("unit.")).count() == Entry.select().count()


def drive(floors):
    Floor.floors = floors
    try:
        run_state_machine_as_test(Floor, settings=PROFILE)
    finally:
        floors.close()


def test_the_floor_keeps_every_promise_on_sqlite():
    drive(SqliteFloors())


def test_the_floor_keeps_every_promise_on_postgres(pg_url):
    drive(PostgresFloors(pg_url))
