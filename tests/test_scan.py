"""The scan page's state machine (staging/scanning.py) and what a scan means (codes.resolve), on
SQLite and PostgreSQL: every mode, every command, refusals that write nothing, replays that
record once."""
import datetime
from decimal import Decimal

import pytest

from staging.domain import codes
from staging.domain.inventory import Ctx, ledger
from staging.domain.scan.scanning import State, step
from staging.store.models import Entry, Unit

GTIN = "09501101530003"


@pytest.fixture
def plant(plant):
    """The test plant with a GTIN on resin rev B."""
    plant.resin_b.gtin = GTIN
    plant.resin_b.save()
    return plant


class Operator:
    """Scans like the page does: one call per scan, state carried from one to the next."""

    def __init__(self, user, at=None):
        self.user, self.state, self.n, self.at = user, State(), 0, at

    def scan(self, code=None, qty=None, scan_id=None):
        self.n += 1
        ctx = Ctx(self.user, device="HH-TEST", scan_id=scan_id or f"{self.user.username}-{self.n}", at=self.at)
        self.state, outcome = step(ctx, self.state, code=code, qty=qty)
        return outcome


def fresh(unit):
    return Unit.get_by_id(unit.id)


def entries():
    return Entry.select().count()


@pytest.fixture
def op(plant):
    return Operator(plant.operator)


# --- what a scan means ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "]C10109501101530003" "10LOT-7\x1d" "3712",   # symbology identifier, GS after the lot
    "0109501101530003" "10LOT-7\x1d" "3712",      # no identifier
    "(01)09501101530003(10)LOT-7(37)12",            # the human-readable form
])
def test_a_gs1_element_string_names_part_lot_and_quantity(plant, text):
    meaning = codes.resolve(text)
    assert meaning.kind == "gs1"
    label = meaning.obj
    assert (label.gtin, label.lot, label.quantity, label.part) == (GTIN, "LOT-7", Decimal(12), plant.resin_b)


def test_net_weight_and_sscc_are_read():
    label = codes.parse_gs1("]C1" "00012345678901234560" "0109501101530003" "3102002550")
    assert label.sscc == "012345678901234560" and label.quantity == Decimal("25.50") and label.uom == "kg"


def test_scans_resolve_to_units_locations_orders_badges_and_commands(plant):
    unit = plant.receive()
    plant.operator.badge = "B-77"
    codes.register(plant.operator, "B-77")
    assert codes.resolve(unit.lpn.lower() + "\r\n").obj == unit
    assert codes.resolve("A-01-1").kind == "location"
    assert codes.resolve("WO-1").kind == "work_order"
    assert codes.resolve("B-77").obj == plant.operator and codes.resolve("B-77").kind == "badge"
    assert codes.resolve("cmd:mode:load").obj == "CMD:MODE:LOAD"
    assert codes.resolve("CMD:REASON:WET").kind == "command"
    for text in ("CMD:FORMAT-DISK", "168901", "<b>x</b>", ""):
        assert codes.resolve(text).kind == "unknown"


# --- move ---------------------------------------------------------------------------------------------

def test_move_unit_then_location(plant, op):
    unit = plant.receive()
    first = op.scan(unit.lpn)
    assert first.tone == "wait" and entries() == 1
    done = op.scan("A-01-1")
    assert done.tone == "ok" and done.title == f"{unit.lpn} → A-01-1"
    assert fresh(unit).location.code == "A-01-1"
    entry = Entry.select().order_by(Entry.id.desc()).first()
    assert (entry.user.username, entry.device, entry.scan.client_scan_id) == ("operator1", "HH-TEST", "operator1-2")
    assert not op.state.pending


def test_put_away_location_then_several_units(plant, op):
    units = [plant.receive() for _ in range(3)]
    assert op.scan("A-01-1").tone == "wait"
    for unit in units:
        assert op.scan(unit.lpn).tone == "ok"
    assert {fresh(u).location.code for u in units} == {"A-01-1"}
    assert op.scan("CMD:DONE").tone == "ok" and not op.state.pending
    assert ledger.verify() == []


def test_a_refused_second_scan_writes_nothing_and_keeps_the_first(plant, op):
    unit = plant.receive()
    op.scan(unit.lpn)
    before = entries()
    refused = op.scan("A-01-3")  # closed
    assert refused.tone == "bad" and "closed" in refused.detail
    assert entries() == before and op.state.unit == unit.lpn
    assert op.scan("A-01-1").tone == "ok"


def test_a_pallet_moved_by_someone_else_in_between_is_a_conflict(plant, op):
    unit = plant.receive()
    op.scan(unit.lpn)
    other = Operator(plant.lead)
    other.scan(unit.lpn), other.scan("LANE-1")
    before = entries()
    outcome = op.scan("A-01-1")
    assert outcome.tone == "bad" and "no longer at RCV-1" in outcome.detail
    assert entries() == before and fresh(unit).location.code == "LANE-1"


def test_the_same_scan_id_twice_records_once(plant, op):
    unit = plant.receive()
    op.scan(unit.lpn)
    pending = State.load(op.state.dump())
    op.scan("A-01-1", scan_id="retry-1")
    before = entries()
    op.state = pending  # the response was lost: the page sends the same scan again
    again = op.scan("A-01-1", scan_id="retry-1")
    assert again.tone == "ok" and again.replayed and entries() == before


def test_unknown_barcode_is_refused_with_its_text(plant, op):
    outcome = op.scan("<img src=x>")
    assert outcome.tone == "bad" and outcome.title == "Unknown barcode"
    assert "<img src=x>" in outcome.detail and outcome.code == "<img src=x>"


def test_a_pending_scan_expires_and_belongs_to_its_user(plant):
    unit = plant.receive()
    start = datetime.datetime(2030, 1, 1, 8, 0)
    op = Operator(plant.operator, at=start)
    op.scan(unit.lpn)
    op.at = start + datetime.timedelta(minutes=11)
    outcome = op.scan("A-01-1")
    assert outcome.tone == "wait" and op.state.target == "A-01-1" and not op.state.unit
    assert "dropped" in outcome.detail and fresh(unit).location.code == "RCV-1"
    lead = Operator(plant.lead)
    lead.state = op.state
    lead.scan(unit.lpn)  # not put away to the operator's pending location
    assert fresh(unit).location.code == "RCV-1" and lead.state.unit == unit.lpn


def test_switching_mode_drops_what_was_pending(plant, op):
    unit = plant.receive()
    op.scan(unit.lpn)
    op.scan("CMD:MODE:LOAD")
    assert op.state.mode == "LOAD" and not op.state.pending


# --- load ---------------------------------------------------------------------------------------------

def test_load_machine_then_units_checks_the_work_order(plant, op):
    good, old_rev, screw = plant.receive(), plant.receive(part=plant.resin_a), plant.receive(part=plant.screw)
    op.scan("CMD:MODE:LOAD")
    assert op.scan("M1").tone == "wait"
    loaded = op.scan(good.lpn)
    assert loaded.tone == "ok" and fresh(good).status == "loaded" and fresh(good).work_order.number == "WO-1"
    assert "Counts for WO-1: 100 kg RES-100 on hand for 500 kg still needed" in loaded.detail
    before = entries()
    wrong = op.scan(old_rev.lpn)
    assert wrong.tone == "bad" and "Wrong revision" in wrong.detail and "needs rev B (WO-1)" in wrong.detail
    unneeded = op.scan(screw.lpn)
    assert unneeded.tone == "bad" and "FST-M6 rev C; M1 needs RES-100 rev B (WO-1)" in unneeded.detail
    assert entries() == before and fresh(old_rev).location.code == "RCV-1"


@pytest.mark.parametrize("first", ["machine", "pallet"])
def test_every_way_onto_a_machine_is_checked(plant, op, first):
    """Load by machine (either order), Move onto a machine, and a late replay: one check."""
    screw = plant.receive(part=plant.screw)
    for mode, codes_in_order in (("LOAD", ["M1", screw.lpn]), ("MOVE", [screw.lpn, "M1"])):
        op.scan("CMD:MODE:" + mode)
        if first == "pallet":
            codes_in_order = codes_in_order[::-1] if mode == "LOAD" else codes_in_order
        outcomes = [op.scan(code) for code in codes_in_order]
        assert outcomes[-1].tone == "bad" and outcomes[-1].title == "Wrong material"
        assert "A lead can load it anyway" in outcomes[-1].detail and outcomes[-1].override == []
        assert fresh(screw).location.code == "RCV-1"
    replayed = Operator(plant.operator, at=datetime.datetime.now(datetime.UTC).replace(tzinfo=None))
    replayed.scan(screw.lpn)
    assert replayed.scan("M1").title == "Wrong material" and fresh(screw).location.code == "RCV-1"
    assert op.scan("CMD:OVERRIDE:TRIAL").title == "Not allowed"  # an operator cannot override
    assert fresh(screw).location.code == "RCV-1"


def test_load_by_work_order_is_the_same_check(plant, op):
    screw = plant.receive(part=plant.screw)
    op.scan("CMD:MODE:LOAD"), op.scan("WO-1")
    refused = op.scan(screw.lpn)
    assert refused.title == "Wrong material" and "M1 needs RES-100 rev B (WO-1)" in refused.detail
    assert fresh(screw).location.code == "RCV-1"


def test_a_machine_with_no_open_order_takes_nothing(plant, op):
    unit = plant.receive()
    op.scan(unit.lpn)
    refused = op.scan("M2")
    assert refused.tone == "bad" and "M2 has no open work order" in refused.detail


def test_over_supply_is_amber(plant, op):
    unit = plant.receive(qty="700")
    op.scan(unit.lpn)
    outcome = op.scan("M1")
    assert outcome.tone == "wait" and "200 kg more than it needs" in outcome.detail
    assert fresh(unit).status == "loaded"


def test_a_lead_overrides_a_refused_load_with_a_reason(plant):
    lead = Operator(plant.lead)
    screw = plant.receive(part=plant.screw)
    lead.scan("CMD:MODE:LOAD"), lead.scan("M1")
    refused = lead.scan(screw.lpn)
    assert refused.tone == "bad" and ("TRIAL", "Trial run") in [tuple(o) for o in refused.override]
    done = lead.scan("CMD:OVERRIDE:TRIAL")
    assert done.tone == "wait" and done.title == f"{screw.lpn} → M1" and "Loaded by override" in done.detail
    entry = Entry.select().order_by(Entry.id.desc()).get()
    assert (entry.kind, entry.reason, entry.user_id) == ("load", "Override: Trial run", plant.lead.id)
    assert lead.state.target == "M1"  # the machine stays for the next pallet
    again = lead.scan("CMD:OVERRIDE:TRIAL")
    assert again.tone == "bad" and "Nothing to override" in again.detail


def test_load_by_work_order_and_unit_first(plant, op):
    unit = plant.receive()
    op.scan("CMD:MODE:LOAD")
    op.scan(unit.lpn)
    assert op.scan("WO-1").title == f"{unit.lpn} → M1"
    other = plant.receive()
    op.scan("WO-1")
    assert op.state.target == "M1" and op.state.work_order == "WO-1"
    assert op.scan(other.lpn).tone == "ok" and fresh(other).work_order.number == "WO-1"


def test_load_refuses_a_location_that_is_not_a_machine(plant, op):
    op.scan("CMD:MODE:LOAD")
    outcome = op.scan("A-01-1")
    assert outcome.tone == "bad" and "not a machine" in outcome.detail


# --- unload, consume, waste -------------------------------------------------------------------------

def loaded(plant, op):
    unit = plant.receive()
    op.scan("CMD:MODE:LOAD"), op.scan("M1"), op.scan(unit.lpn), op.scan("CMD:DONE")
    return unit


def test_unload_back_to_storage(plant, op):
    unit = loaded(plant, op)
    op.scan("CMD:MODE:UNLOAD")
    assert op.scan(unit.lpn).tone == "wait"
    assert op.scan("A-01-1").tone == "ok"
    unit = fresh(unit)
    assert unit.location.code == "A-01-1" and unit.status == "stock" and unit.work_order is None
    stored = plant.receive()
    op.scan("CMD:MODE:UNLOAD")
    refused = op.scan(stored.lpn)
    assert refused.tone == "bad" and "not on a machine" in refused.detail


def test_consume_a_quantity_at_the_machine(plant, op):
    unit = loaded(plant, op)
    op.scan("CMD:MODE:CONSUME")
    asked = op.scan(unit.lpn)
    assert asked.ask == "qty"
    assert op.scan(qty="40").title == f"Used 40 kg of {unit.lpn}"
    assert fresh(unit).quantity == Decimal(60)
    op.scan(unit.lpn)
    assert op.scan("20").tone == "ok"  # a quantity typed in the scan field
    op.scan(unit.lpn)
    op.scan(qty="all")
    assert fresh(unit).status == "empty"
    assert ledger.verify() == []


def test_consume_refuses_too_much_and_units_off_the_machine(plant, op):
    unit = loaded(plant, op)
    op.scan("CMD:MODE:CONSUME")
    op.scan(unit.lpn)
    before = entries()
    assert "holds only 100" in op.scan(qty="150").detail and entries() == before
    stored = plant.receive()
    assert "not loaded on a machine" in op.scan(stored.lpn).detail


def test_waste_with_a_scanned_reason(plant, op):
    unit = plant.receive()
    op.scan("CMD:MODE:WASTE")
    op.scan(unit.lpn)
    assert op.scan(qty="5").tone == "bad"  # no reason yet
    assert op.scan("CMD:REASON:DAMAGED").ask == "qty"
    done = op.scan(qty="5")
    assert done.tone == "ok" and fresh(unit).quantity == Decimal(95)
    entry = Entry.select().order_by(Entry.id.desc()).first()
    assert (entry.kind, entry.reason, entry.quantity) == ("scrap", "Damaged", Decimal(5))


def test_reason_codes_only_in_waste_mode(plant, op):
    assert op.scan("CMD:REASON:WET").tone == "bad"


# --- receive ------------------------------------------------------------------------------------------

def test_receive_from_a_gs1_label(plant):
    stager = Operator(plant.stager)
    stager.scan("CMD:MODE:RECEIVE")
    outcome = stager.scan("]C1" "00012345678901234560" "0109501101530003" "10L-9\x1d" "3102004000")
    assert outcome.tone == "ok" and outcome.lpn
    unit = Unit.get(Unit.lpn == outcome.lpn)
    assert (unit.part, unit.lot, unit.quantity, unit.location.code) == (plant.resin_b, "L-9", Decimal(40), "RCV-1")
    again = stager.scan("00012345678901234560")  # the pallet's SSCC now names our unit
    assert again.tone == "bad" and outcome.lpn in again.detail


def test_receive_asks_for_a_missing_quantity_and_a_missing_item(plant):
    stager = Operator(plant.stager)
    stager.scan("CMD:MODE:RECEIVE")
    assert stager.scan("00012345678901234560").tone == "wait"  # SSCC only: the item label next
    assert stager.scan("(01)09501101530003(10)L-1").ask == "qty"
    done = stager.scan(qty="12")
    assert done.tone == "ok"
    assert codes.resolve("00012345678901234560").obj.lpn == done.lpn


def test_receive_refuses_unknown_items_and_operators(plant, op):
    stager = Operator(plant.stager)
    stager.scan("CMD:MODE:RECEIVE")
    assert "not one of our parts" in stager.scan("(01)04006381333931(30)5").detail
    assert "counts in ea, but RES-100 is kept in kg" in stager.scan("(01)09501101530003(30)5").detail
    op.scan("CMD:MODE:RECEIVE")
    before = entries()
    refused = op.scan("(01)09501101530003(3102)000500")
    assert refused.tone == "bad" and refused.title == "Not allowed" and entries() == before


# --- count --------------------------------------------------------------------------------------------

def test_count_shows_missing_and_unexpected_and_changes_nothing(plant, op):
    here = [plant.receive(at="A-01-1"), plant.receive(at="A-01-1")]
    elsewhere = plant.receive()
    before = entries()
    op.scan("CMD:MODE:COUNT")
    op.scan("A-01-1")
    assert op.scan(here[0].lpn).tone == "wait"
    assert op.scan(elsewhere.lpn).tone == "bad"
    result = op.scan("CMD:DONE")
    assert result.missing == [here[1].lpn] and result.unexpected == [elsewhere.lpn]
    assert entries() == before and fresh(elsewhere).location.code == "RCV-1"


# --- undo and sign-out --------------------------------------------------------------------------------

def test_undo_reverses_my_last_move(plant, op):
    unit = plant.receive()
    op.scan(unit.lpn), op.scan("A-01-1")
    before = entries()
    asked = op.scan("CMD:UNDO")
    assert (asked.tone, asked.title, asked.confirm) == ("wait", "Undo this?", True)
    assert f"Your move of {unit.lpn} to A-01-1: it goes back to RCV-1." in asked.detail
    assert entries() == before and fresh(unit).location.code == "A-01-1"
    outcome = op.scan("CMD:UNDO")
    assert outcome.tone == "ok" and fresh(unit).location.code == "RCV-1"
    undo = Entry.select().order_by(Entry.id.desc()).first()
    assert undo.kind == "undo" and undo.reverses.kind == "move" and undo.user == plant.operator
    assert op.scan("CMD:UNDO").tone == "bad"  # nothing left of mine
    assert ledger.verify() == []


def test_undo_of_a_consumption_restores_the_quantity(plant, op):
    unit = loaded(plant, op)
    op.scan("CMD:MODE:CONSUME"), op.scan(unit.lpn), op.scan(qty="all")
    assert fresh(unit).status == "empty"
    assert "the 100 kg used come back to it" in op.scan("CMD:UNDO").detail
    op.scan("CMD:UNDO")
    unit = fresh(unit)
    assert (unit.quantity, unit.status, unit.location.code) == (Decimal(100), "loaded", "M1")
    assert ledger.verify() == []


def test_undo_refuses_when_someone_moved_it_since_or_it_is_too_late(plant):
    unit = plant.receive()
    start = datetime.datetime(2030, 1, 1, 8, 0)
    op = Operator(plant.operator, at=start)
    op.scan(unit.lpn), op.scan("A-01-1")
    lead = Operator(plant.lead, at=start)
    lead.scan(unit.lpn), lead.scan("LANE-1")
    op.scan("CMD:UNDO")
    assert "changed since" in op.scan("CMD:UNDO").detail
    other = plant.receive()
    op.scan(other.lpn), op.scan("A-01-1")
    op.at = start + datetime.timedelta(minutes=6)
    late = op.scan("CMD:UNDO")  # already refused when asked
    assert late.tone == "bad" and "more than 5 minutes" in late.detail
    assert fresh(other).location.code == "A-01-1"


def test_badge_and_sign_out_commands(plant, op):
    plant.lead.badge = "B-9"
    codes.register(plant.lead, "B-9")
    outcome = op.scan("B-9")
    assert outcome.sign_in == plant.lead.id and op.state.user_id == plant.lead.id
    assert op.scan("CMD:SIGNOUT").sign_out


# --- scans replayed late from a handheld's offline queue ----------------------------------------------

def test_a_location_after_a_refused_pallet_does_not_start_a_put_away(plant, op):
    unit, other = plant.receive(), plant.receive()
    assert op.scan("TORN-LABEL").tone == "bad"
    skipped = op.scan("A-01-1")  # it belonged to the refused scan
    assert skipped.tone == "bad" and "was not used" in skipped.detail and not op.state.pending
    op.scan(other.lpn)
    assert op.scan("LANE-1").tone == "ok"
    assert fresh(other).location.code == "LANE-1" and fresh(unit).location.code == "RCV-1"
    assert op.scan("A-01-1").tone == "wait"  # and again: a put-away as usual


def test_a_pallet_changed_after_the_scan_was_made_is_a_conflict(plant):
    unit = plant.receive()
    scanned = Entry.select().order_by(Entry.id.desc()).first().at + datetime.timedelta(seconds=5)
    Operator(plant.lead, at=scanned + datetime.timedelta(minutes=1)).scan(unit.lpn)
    lead = Operator(plant.lead, at=scanned + datetime.timedelta(minutes=1))
    lead.scan(unit.lpn), lead.scan("LANE-1")
    offline = Operator(plant.operator, at=scanned)  # scanned before the lead's move, sent after it
    before = entries()
    outcome = offline.scan(unit.lpn)
    assert outcome.tone == "bad" and "changed after you scanned it" in outcome.detail
    assert "LANE-1" in outcome.detail
    assert offline.scan("A-01-1").tone == "bad" and entries() == before


def test_a_pallet_scan_says_what_the_pallet_is(plant, op):
    pallet = plant.receive(qty="12.5", lot="LOT-77")
    outcome = op.scan(pallet.lpn)
    assert outcome.facts == ["RES-100 rev B · 12.5 kg · lot LOT-77", "At RCV-1 · In stock · no work order"]
    op.scan("CMD:MODE:WASTE")
    assert op.scan(pallet.lpn).facts[0] == "RES-100 rev B · 12.5 kg · lot LOT-77"


# --- split: part of a pallet --------------------------------------------------------------------------

def test_split_on_the_scan_page(plant, op):
    pallet = plant.receive(qty="100")
    op.scan("CMD:MODE:SPLIT")
    asked = op.scan(pallet.lpn)
    assert asked.ask == "qty" and asked.title == f"{pallet.lpn}: how much?"
    assert op.scan(qty="all").title == "Refused" and op.scan(qty="100").tone == "bad"
    assert op.scan("LANE-1").tone == "bad"  # no quantity yet: nothing written
    before = entries()
    where_to = op.scan("20,5")  # a quantity scanned or typed into the scan field, decimal comma
    assert where_to.tone == "wait" and where_to.title == f"Take 20.5 off {pallet.lpn}" and entries() == before
    done = op.scan("LANE-1")
    new = Unit.select().order_by(Unit.id.desc()).get()
    assert done.tone == "ok" and done.title == f"{new.lpn}: 20.5 kg → LANE-1" and done.lpn == new.lpn
    assert (fresh(pallet).quantity, new.quantity, new.location.code, new.split_from_id) == (
        Decimal("79.5"), Decimal("20.5"), "LANE-1", pallet.id)
    assert [e.kind for e in ledger.history(new)] == ["split"]


def test_split_onto_a_machine_is_a_checked_load(plant, op):
    screws = plant.receive(part=plant.screw, qty="100")
    op.scan("CMD:MODE:SPLIT"), op.scan(screws.lpn), op.scan("20")
    before = Unit.select().count(), entries()
    refused = op.scan("M1")
    assert refused.title == "Wrong material" and (Unit.select().count(), entries()) == before
    resin = plant.receive(qty="100")
    op.scan(resin.lpn), op.scan("30")
    loaded = op.scan("M1")
    new = Unit.select().order_by(Unit.id.desc()).get()
    assert loaded.tone == "ok" and "Counts for WO-1" in loaded.detail
    assert (new.status, new.work_order_id, [e.kind for e in ledger.history(new)]) == (
        "loaded", plant.wo.id, ["split", "load"])



def test_undo_covers_this_devices_last_change_and_asks_first(plant, op):
    a, b = plant.receive(), plant.receive()
    op.scan(a.lpn), op.scan("A-01-1")
    op.scan(b.lpn)  # a pallet scanned after: Undo is about the last recorded change, not this scan
    asked = op.scan("CMD:UNDO")
    assert a.lpn in asked.detail and "A-01-1" in asked.detail
    assert op.scan("LANE-1").title == f"{b.lpn} → LANE-1"  # another scan: the undo is dropped
    assert op.scan("CMD:UNDO").title == "Undo this?" and fresh(b).location.code == "LANE-1"
    other_device = step(  # the same user on another handheld
        Ctx(plant.operator, device="HH-OTHER", scan_id="x-1"), State(), code="CMD:UNDO")[1]
    assert other_device.tone == "bad" and "Nothing of yours to undo on this device" in other_device.detail
    op.scan("CMD:UNDO")
    assert fresh(b).location.code == "RCV-1" and fresh(a).location.code == "A-01-1"


# --- GS1 labels from a wedge that drops GS ---------------------------------------------------------------

def test_a_pending_label_takes_only_a_quantity_or_a_command(plant):
    op = Operator(plant.stager)
    op.scan("CMD:MODE:RECEIVE")
    assert op.scan("]C10109501101530003" "10LOT46\x1d").ask == "qty"  # no quantity on it
    before = entries()
    for other in ("09501101530003", "A-01-1", "]C10109501101530003" "10LOT47\x1d" "3010", "hello"):
        refused = op.scan(other)
        assert refused.tone == "bad" and ("was not used" in refused.detail or "not a quantity" in refused.detail)
    assert entries() == before
    done = op.scan("12")
    unit = Unit.select().order_by(Unit.id.desc()).get()
    assert done.tone == "ok" and (unit.lot, unit.quantity) == ("LOT46", Decimal(12))


def test_a_lot_that_may_hide_a_quantity_is_shown_for_confirmation(plant):
    op = Operator(plant.stager)
    op.scan("CMD:MODE:RECEIVE")
    dropped_gs = "]C10109501101530003" "10LOT46" "3010"  # LOT46 + (30)10, the GS lost
    check = op.scan(dropped_gs)
    assert check.tone == "wait" and check.title == "Check the label"
    assert "may end in a quantity (AI 30, value 10)" in check.detail
    assert check.facts == ["GTIN 09501101530003 · RES-100 rev B", "Lot LOT463010 · no quantity"]
    assert Unit.select().count() == 0
    assert op.scan("09501101530003").tone == "bad"  # a plain EAN is not merged into it
    assert op.scan("CMD:CANCEL").title == "Cancelled"
    op.scan(dropped_gs)
    asked = op.scan(dropped_gs)  # scanned again: confirmed as read, and now it wants a quantity
    assert asked.ask == "qty"
    op.scan("10")
    unit = Unit.select().order_by(Unit.id.desc()).get()
    assert (unit.lot, unit.quantity) == ("LOT463010", Decimal(10))
