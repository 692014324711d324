"""Output pallets (issue 17): produce, its genealogy rule, backflush, good figures and shipping,
on SQLite and PostgreSQL."""
from decimal import Decimal

import pytest

from staging.domain import inventory, workorders
from staging.domain.errors import Forbidden, Invalid
from staging.domain.inventory import ledger
from staging.store.models import Entry, Genealogy, OutputUnit, Part, Unit, WorkOrder

from .plant import loc


def outputs(plant):
    """An output station and a shipping door for the test plant; WO-1 delivers to the station."""
    station = loc("OUT-1", "output")
    door = loc("SHIP-1", "shipping")
    WorkOrder.update(output_station=station).where(WorkOrder.id == plant.wo.id).execute()
    plant.wo = WorkOrder.get_by_id(plant.wo.id)
    return station, door


def made_from(unit):
    return {(g.input.lpn, g.lot, g.quantity) for g in Genealogy.select().where(Genealogy.output == unit)}


def test_produce_makes_a_unit_at_the_output_station_on_the_ledger(plant):
    outputs(plant)
    result = inventory.produce(plant.ctx(scan_id="p-1"), "WO-1", "40")
    unit = result.unit
    assert (unit.location.code, unit.status, unit.quantity, unit.part_id) == ("OUT-1", "output", 40, plant.product.id)
    assert unit.work_order_id == plant.wo.id and unit.lpn.startswith("P")
    assert [e.kind for e in ledger.history(unit)] == ["produce"]
    # The same scan id again: the same unit, nothing written twice.
    again = inventory.produce(plant.ctx(scan_id="p-1"), "WO-1", "40")
    assert again.replayed and again.unit.id == unit.id
    assert OutputUnit.select().count() == 1 and ledger.verify() == []


def test_good_figures_come_from_output_units(plant):
    outputs(plant)
    inventory.produce(plant.ctx(), plant.wo, "30")
    inventory.produce(plant.ctx(), plant.wo, "15")
    workorders.report_output(plant.operator, plant.wo, "0", "5", "short shots")
    s = workorders.summary(plant.wo)
    assert (s.good, s.rejected) == (45, 5)
    assert [o.quantity for o in s.units] == [15, 30]


def test_produce_refuses_what_cannot_be_made(plant):
    outputs(plant)
    with pytest.raises(Invalid, match="no standard pack"):
        inventory.produce(plant.ctx(), "WO-1")
    with pytest.raises(Invalid, match="must be a number"):
        inventory.produce(plant.ctx(), "WO-1", "lots")
    with pytest.raises(Invalid, match="not a .*output|output location"):
        inventory.produce(plant.ctx(), "WO-1", "5", station="A-01-1")
    WorkOrder.update(status="done").where(WorkOrder.id == plant.wo.id).execute()
    with pytest.raises(Invalid, match="WO-1 is done"):
        inventory.produce(plant.ctx(), "WO-1", "5")
    assert Unit.select().where(Unit.part == plant.product).count() == 0
    assert Entry.select().where(Entry.kind == "produce").count() == 0


def test_the_pack_qty_is_the_default_quantity(plant):
    outputs(plant)
    Part.update(pack_qty=Decimal("24")).where(Part.id == plant.product.id).execute()
    assert inventory.produce(plant.ctx(), "WO-1").unit.quantity == 24


def test_genealogy_is_what_was_consumed_since_the_previous_output(plant):
    outputs(plant)
    first = plant.receive(qty="100", lot="L42")
    second = plant.receive(qty="100", lot="L43")
    for unit in (first, second):
        inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), first, "30")
    inventory.consume(plant.ctx(), second, "10")
    one = inventory.produce(plant.ctx(), "WO-1", "10").unit
    inventory.consume(plant.ctx(), first, "20")
    two = inventory.produce(plant.ctx(), "WO-1", "10").unit
    three = inventory.produce(plant.ctx(), "WO-1", "10").unit  # nothing consumed since two
    assert made_from(one) == {(first.lpn, "L42", 30), (second.lpn, "L43", 10)}
    assert made_from(two) == {(first.lpn, "L42", 20)}
    assert made_from(three) == set()


def test_undone_consumption_is_not_an_input(plant):
    outputs(plant)
    unit = plant.receive(qty="100", lot="L42")
    inventory.load(plant.ctx(), unit, "M1", plant.wo)
    inventory.consume(plant.ctx(), unit, "30")
    inventory.undo(plant.ctx())
    assert made_from(inventory.produce(plant.ctx(), "WO-1", "10").unit) == set()


def test_genealogy_keeps_the_supplier_lot_and_sscc_through_a_split(plant):
    outputs(plant)
    received = inventory.receive(plant.ctx("stager"), plant.resin_b, "100", lot="SUP-9",
                                 barcodes=[("00012345678901234560", "sscc")]).unit
    part = inventory.split(plant.ctx(), received, "40").unit
    inventory.load(plant.ctx(), part, "M1", plant.wo)
    inventory.consume(plant.ctx(), part)
    out = inventory.produce(plant.ctx(), "WO-1", "8").unit
    row = Genealogy.get(Genealogy.output == out)
    assert (row.input_id, row.supplier_lot, row.sscc, row.quantity) == (part.id, "SUP-9", "012345678901234560", 40)
    assert (row.machine.code, row.user.username) == ("M1", "operator1")


def test_backflush_consumes_the_bill_of_material_from_loaded_units(plant):
    outputs(plant)
    Part.update(backflush=True).where(Part.id == plant.product.id).execute()
    older = plant.receive(qty="30", lot="L1")
    newer = plant.receive(qty="100", lot="L2")
    for unit in (older, newer):
        inventory.load(plant.ctx(), unit, "M1", plant.wo)
    # 500 kg for 100 pieces: 10 pieces take 50 kg, the older unit first.
    out = inventory.produce(plant.ctx(scan_id="bf-1"), "WO-1", "10").unit
    assert Unit.get_by_id(older.id).status == "empty" and Unit.get_by_id(newer.id).quantity == 80
    assert made_from(out) == {(older.lpn, "L1", 30), (newer.lpn, "L2", 20)}
    s = workorders.summary(plant.wo)
    assert s.lines[0].consumed == 50 and workorders.verify_totals() == []
    # A replay writes nothing more; too little loaded refuses and writes nothing.
    assert inventory.produce(plant.ctx(scan_id="bf-1"), "WO-1", "10").unit.id == out.id
    with pytest.raises(Invalid, match="only 80 kg is loaded"):
        inventory.produce(plant.ctx(), "WO-1", "20")
    assert Unit.get_by_id(newer.id).quantity == 80 and OutputUnit.select().count() == 1
    assert ledger.verify() == []


def test_moving_output_to_shipping_ships_it_and_only_a_lead_brings_it_back(plant):
    station, door = outputs(plant)
    unit = inventory.produce(plant.ctx(), "WO-1", "10").unit
    shipped = inventory.move(plant.ctx(), unit.lpn, "SHIP-1").entry
    assert (shipped.kind, shipped.status, shipped.user.username) == ("ship", "shipped", "operator1")
    with pytest.raises(Invalid, match="was shipped: a lead must return it"):
        inventory.move(plant.ctx(), unit.lpn, "OUT-1")
    with pytest.raises(Invalid, match="was shipped"):
        inventory.hold(plant.ctx(), unit.lpn, "bad lot")
    with pytest.raises(Forbidden):
        inventory.return_shipped(plant.ctx(), unit.lpn, "OUT-1", "truck left without it")
    back = inventory.return_shipped(plant.ctx("lead"), unit.lpn, "OUT-1", "truck left without it").unit
    assert (back.location.code, back.status) == ("OUT-1", "output")
    assert ledger.verify() == []


def test_a_held_pallet_is_not_shipped(plant):
    outputs(plant)
    unit = inventory.produce(plant.ctx(), "WO-1", "10").unit
    inventory.hold(plant.ctx(), unit.lpn, "check seal")
    with pytest.raises(Invalid, match="on QC hold: it cannot be shipped"):
        inventory.move(plant.ctx(), unit.lpn, "SHIP-1")
    assert Unit.get_by_id(unit.id).location.code == "OUT-1"


# --- API -------------------------------------------------------------------------------------------

@pytest.fixture
def auth(web_plant):
    from staging.domain.people.users import create_token
    outputs(web_plant)
    return {"Authorization": "Bearer " + create_token("operator1")}


def test_api_outputs_creates_a_unit_once_per_client_scan_id(client, web_plant, auth):
    body = {"work_order": "WO-1", "quantity": 12, "client_scan_id": "api-out-1"}
    first = client.post("/api/outputs", json=body, headers=auth)
    assert first.status_code == 201, first.json
    assert {k: first.json[k] for k in ("location", "work_order", "qty", "status")} == {
        "location": "OUT-1", "work_order": "WO-1", "qty": 12, "status": "output"}
    again = client.post("/api/outputs", json=body, headers=auth)
    assert again.status_code == 201 and again.json["lpn"] == first.json["lpn"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert OutputUnit.select().count() == 1


def test_api_outputs_refusals_are_problems(client, web_plant, auth):
    cases = [({"work_order": "NOPE", "quantity": 1}, 404), ({"work_order": "WO-1", "quantity": -3}, 422),
             ({"work_order": "WO-1", "quantity": True}, 422), ({"work_order": "WO-1"}, 422),
             ({"quantity": 1}, 422)]
    for body, status in cases:
        response = client.post("/api/outputs", json=body, headers=auth)
        assert response.status_code == status, (body, response.json)
        assert response.mimetype == "application/problem+json" and response.json["detail"]
    assert client.post("/api/outputs", json={"work_order": "WO-1", "quantity": 1}).status_code == 401
    assert OutputUnit.select().count() == 0


def test_api_traces_both_ways(client, web_plant, auth):
    lot_unit = web_plant.receive(qty="50", lot="L42")
    inventory.load(web_plant.ctx(), lot_unit, "M1", web_plant.wo)
    inventory.consume(web_plant.ctx(), lot_unit)
    made = client.post("/api/outputs", json={"work_order": "WO-1", "quantity": 5}, headers=auth).json
    client.post("/api/moves", json={"unit": made["lpn"], "to": "SHIP-1"}, headers=auth)
    down = client.get("/api/trace/downstream?lot=L42", headers=auth)
    assert down.status_code == 200, down.json
    [out] = down.json["outputs"]
    assert (out["lpn"], out["status"], out["location"]) == (made["lpn"], "shipped", "SHIP-1")
    assert out["shipped_at"] and out["shipped_by"] == "operator1" and down.json["shipped"] == [made["lpn"]]
    assert down.json["sources"][0]["status"] == "empty"
    assert client.get(f"/api/trace/downstream?lpn={lot_unit.lpn}", headers=auth).json["outputs"] == [out]
    up = client.get(f"/api/trace/upstream/{made['lpn']}", headers=auth)
    assert up.status_code == 200, up.json
    assert up.json["work_order"] == "WO-1" and up.json["lots"] == ["L42"]
    assert up.json["inputs"][0]["unit"]["lpn"] == lot_unit.lpn and up.json["inputs"][0]["quantity"] == 50
    assert client.get("/api/trace/downstream?lot=NOPE", headers=auth).status_code == 404
    assert client.get("/api/trace/downstream", headers=auth).status_code == 422
    assert client.get("/api/trace/upstream/NOPE", headers=auth).status_code == 404
    paths = client.get("/api/openapi.json").json["paths"]
    assert {"/api/outputs", "/api/trace/downstream", "/api/trace/upstream/{lpn}"} <= set(paths)


# --- the scan page's Produce mode --------------------------------------------------------------------

def test_produce_mode_scans_the_order_then_each_pallets_quantity(plant):
    from staging.domain.scan import scanning
    outputs(plant)
    Part.update(pack_qty=Decimal("24")).where(Part.id == plant.product.id).execute()
    state = scanning.State(user_id=plant.operator.id)

    def scan(code=None, qty=None, scan_id=None):
        nonlocal state
        state, outcome = scanning.step(plant.ctx(scan_id=scan_id), state, code=code, qty=qty)
        return outcome

    scan("CMD:MODE:PRODUCE")
    assert scan("A-01-1").tone == "bad"  # not a work order nor an output station
    asked = scan("WO-1")
    assert (asked.tone, asked.ask) == ("wait", "qty") and "Standard pack (24 ea)" in asked.detail
    first = scan("12", scan_id="s-1")
    assert first.tone == "ok" and first.lpn and first.ask == "qty"
    assert scan("12", scan_id="s-1").lpn == first.lpn  # a resent scan: the same pallet
    second = scan(qty="pack")
    assert Unit.get(Unit.lpn == second.lpn).quantity == 24
    assert scan(qty="all").tone == "bad"
    scan("CMD:DONE")
    assert scan("OUT-1").title == "WO-1: how much?"  # the station names its one running order
    assert OutputUnit.select().count() == 2


# --- the label at once, on the station's printer ----------------------------------------------------

@pytest.fixture
def station_printer(web_plant):
    """A printer on a real TCP socket, named like the output station OUT-1 (so it is that station's)."""
    from staging.media import printing

    from .test_labels import FakePrinter
    outputs(web_plant)
    fake = FakePrinter()
    printing.save_printer(web_plant.users["admin"], "OUT-1", "127.0.0.1", fake.port, 203, "4x6")
    yield fake
    fake.close()


def test_the_label_prints_at_once_on_the_stations_printer(client, web_plant, station_printer):
    from .test_scan_web import scan
    from .webutil import csrf_token, login
    login(client, "stager1")
    token = csrf_token(client, "/work-orders/WO-1")
    page = client.post("/outputs", data={"csrf_token": token, "work_order": "WO-1", "quantity": "6",
                                         "scan_id": "form-1"}, follow_redirects=True).get_data(as_text=True)
    lpn = Unit.get(Unit.part == web_plant.product.id).lpn
    assert "Label printed on OUT-1." in page and f"{lpn}.pdf" in page
    assert lpn.encode() in station_printer.wait(1)[0]
    # The handheld's Produce mode prints too; a resent form or scan prints nothing again.
    client.post("/outputs", data={"csrf_token": token, "work_order": "WO-1", "quantity": "6", "scan_id": "form-1"})
    token = csrf_token(client, "/scan")
    for code in ("CMD:MODE:PRODUCE", "WO-1"):
        scan(client, token, code, script=True)
    html = scan(client, token, "7", script=True, scan_id="hh-1").get_data(as_text=True)
    assert "Label printed on OUT-1." in html
    scan(client, token, "7", script=True, scan_id="hh-1")
    assert len(station_printer.wait(3, seconds=1)) == 2


def test_without_the_station_printer_the_pdf_is_offered_with_the_reason(client, web_plant, station_printer):
    from staging.media import printing

    from .test_labels import refused_port
    from .webutil import csrf_token, login
    login(client, "operator1")  # an operator prints the label of the pallet they made, at once
    token = csrf_token(client, "/work-orders/WO-1")
    page = client.post("/outputs", data={"csrf_token": token, "work_order": "WO-1", "quantity": "6"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Label printed on OUT-1." in page and len(station_printer.wait(1)) == 1
    station_printer.jobs.clear()
    printing.save_printer(web_plant.users["admin"], "OUT-1", "127.0.0.1", refused_port(), 203, "4x6")
    login(client, "stager1")
    token = csrf_token(client, "/work-orders/WO-1")
    page = client.post("/outputs", data={"csrf_token": token, "work_order": "WO-1", "quantity": "6"},
                       follow_redirects=True).get_data(as_text=True)
    # The label waits for the printer (it prints when the printer answers again); the PDF is offered now.
    assert "Label queued: OUT-1 does not answer (refused the connection)." in page and "the PDF is here now" in page
    assert OutputUnit.select().count() == 2
    assert station_printer.jobs == []
