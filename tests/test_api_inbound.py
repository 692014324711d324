"""Work orders sent in by another system (PUT and PATCH /api/work-orders/{number}) under the ERP
import's rules, and POSTs made safe to retry with an Idempotency-Key: on SQLite and PostgreSQL."""
import datetime
import json
import threading
import urllib.error
import urllib.request
from decimal import Decimal

import pytest
from werkzeug.serving import make_server

from staging import create_app
from staging.domain import idempotency, inventory, tasks
from staging.domain.errors import Conflict
from staging.domain.people.users import create_token
from staging.store.db import db, migrate
from staging.store.models import (
    Entry,
    IdempotencyKey,
    Part,
    StagingTask,
    Unit,
    WorkOrder,
    WorkOrderLine,
    utcnow,
)

from .plant import Plant, loc


class Api:
    """The app's test client with a lead's bearer token (leads may import work orders)."""

    def __init__(self, app, plant):
        self.client, self.plant = app.test_client(), plant
        self.headers = {"Authorization": "Bearer " + create_token("lead1")}

    def send(self, method, path, body=None, role_token=None, **headers):
        auth = {"Authorization": "Bearer " + role_token} if role_token else self.headers
        return self.client.open("/api" + path, method=method, json=body, headers={**auth, **headers})


@pytest.fixture
def api(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test", "SEED_DEMO": False,
                      "VALIDATE_RESPONSES": True, "PLANT_TIMEZONE": "UTC"})
    migrate()
    db.connect(reuse_if_open=True)
    plant = Plant()
    loc("OUT-1", "output")
    yield Api(app, plant)
    db.close()


def order(**changes):
    body = {"product": "HSG-1", "revision": "A", "quantity": 200, "machines": ["M1", "M2"],
            "output_station": "OUT-1", "status": "released", "due_at": "2026-03-31T14:00:00Z",
            "lines": [{"part": "RES-100", "revision": "B", "quantity": "750.5", "uom": "kg"},
                      {"part": "FST-M6", "revision": "C", "quantity": 800}]}
    return {**body, **changes}


def lines_of(number):
    return sorted((line.part.label, line.quantity) for line in
                  WorkOrderLine.select().join(WorkOrder).where(WorkOrder.number == number))


# --- PUT: create or replace ---------------------------------------------------------------------------------

def test_put_creates_a_work_order_with_its_material_and_machines(api):
    answer = api.send("PUT", "/work-orders/wo-77", order())
    assert answer.status_code == 201, answer.json
    body = answer.json
    assert (body["number"], body["product"], body["revision"], body["quantity"], body["status"], body["machine"],
            body["output_station"]) == ("WO-77", "HSG-1", "A", 200, "released", "M1", "OUT-1")
    assert body["due_at"] == "2026-03-31T14:00:00Z"
    assert [(line["part"], line["revision"], line["required"]) for line in body["lines"]] == [
        ("RES-100", "B", 750.5), ("FST-M6", "C", 800)]
    assert lines_of("WO-77") == [("FST-M6 rev C", Decimal("800")), ("RES-100 rev B", Decimal("750.5"))]
    assert api.send("GET", "/work-orders/WO-77").json["lines"] == body["lines"]


def test_put_again_replaces_the_order_whole(api):
    api.send("PUT", "/work-orders/WO-77", order())
    answer = api.send("PUT", "/work-orders/WO-77", order(quantity=50, machines=["M2"], status="running",
                                                        lines=[{"part": "RES-100", "revision": "A", "quantity": 3}]))
    assert answer.status_code == 200, answer.json
    assert (answer.json["quantity"], answer.json["machine"], answer.json["status"]) == (50, "M2", "running")
    assert lines_of("WO-77") == [("RES-100 rev A", Decimal("3"))]
    assert WorkOrder.select().where(WorkOrder.number == "WO-77").count() == 1


def test_a_due_date_without_an_offset_is_plant_time(api):
    api.client.application.config["PLANT_TIMEZONE"] = "Europe/Berlin"
    answer = api.send("PUT", "/work-orders/WO-78", order(due_at="2026-07-01T08:00:00"))
    assert answer.json["due_at"] == "2026-07-01T06:00:00Z"


@pytest.mark.parametrize("changes, words", [
    ({"lines": [{"part": "NOPE-1", "quantity": 5}]}, "NOPE-1: no such part"),
    ({"product": "NEW-PRODUCT"}, "NEW-PRODUCT rev A: no such part"),
    ({"lines": [{"part": "RES-100", "revision": "B", "quantity": 0}]}, "lines[0]: Quantity of RES-100 must be more "
                                                                       "than zero"),
    ({"lines": [{"part": "RES-100", "revision": "B", "quantity": "lots"}]}, "must be a number, not “lots”"),
    ({"quantity": -3}, "quantity: Quantity cannot be negative"),
    ({"machines": ["LANE-1"]}, "“LANE-1” is not a machine"),
    ({"lines": [{"part": "RES-100", "revision": "B", "quantity": 1, "uom": "ea"}]}, "is counted in kg, not ea"),
    ({"status": "finished"}, "status"),
])
def test_a_refused_order_says_why_and_writes_nothing(api, changes, words):
    answer = api.send("PUT", "/work-orders/WO-79", order(**changes))
    assert answer.status_code == 422, answer.json
    assert answer.mimetype == "application/problem+json"
    assert words in answer.json["detail"]
    assert not WorkOrder.select().where(WorkOrder.number == "WO-79").exists()
    assert not Part.select().where(Part.number.in_(("NOPE-1", "NEW-PRODUCT"))).exists()


def test_a_bad_status_word_names_the_words_there_are(api):
    detail = api.send("PUT", "/work-orders/WO-79", order(status="finished")).json["detail"]
    assert "planned" in detail and "closed" in detail


def test_unknown_parts_are_created_only_when_asked(api):
    answer = api.send("PUT", "/work-orders/WO-80", order(lines=[{"part": "NEW-9", "revision": "x", "quantity": 5,
                                                                 "uom": "m"}], create_parts=True))
    assert answer.status_code == 201, answer.json
    assert Part.get(Part.number == "NEW-9").uom == "m" and lines_of("WO-80") == [("NEW-9 rev X", Decimal("5"))]


def test_a_closed_order_is_not_replaced(api):
    api.plant.wo.status = "closed"
    api.plant.wo.save()
    answer = api.send("PUT", "/work-orders/WO-1", order())
    assert answer.status_code == 409
    assert "WO-1 is closed" in answer.json["detail"]
    assert lines_of("WO-1") == [("RES-100 rev B", Decimal("500"))]


def consume_on_wo1(plant, qty="40"):
    unit = plant.receive(qty="100")
    inventory.move(plant.ctx(), unit.lpn, "M1")
    inventory.consume(plant.ctx(), unit.lpn, qty, work_order="WO-1")
    return unit


def test_a_started_order_keeps_the_material_it_has_used(api):
    consume_on_wo1(api.plant)
    answer = api.send("PUT", "/work-orders/WO-1", order(lines=[{"part": "FST-M6", "revision": "C", "quantity": 5}]))
    assert answer.status_code == 409, answer.json
    assert "WO-1 has already used RES-100 rev B" in answer.json["detail"]
    assert lines_of("WO-1") == [("RES-100 rev B", Decimal("500"))]
    # Its quantity may change, and material may be added: the consumption stays where it was.
    kept = api.send("PUT", "/work-orders/WO-1", order(lines=[{"part": "RES-100", "revision": "B", "quantity": 60},
                                                             {"part": "FST-M6", "revision": "C", "quantity": 5}]))
    assert kept.status_code == 200, kept.json
    line = next(line for line in kept.json["lines"] if line["part"] == "RES-100")
    assert (line["required"], line["consumed"]) == (60, 40)


def test_an_order_that_made_output_keeps_its_product(api):
    from staging.domain import workorders
    workorders.report_output(api.plant.lead, api.plant.wo, "10", "0", "")
    answer = api.send("PUT", "/work-orders/WO-1", order(product="RES-100", revision="A"))
    assert answer.status_code == 422, answer.json
    assert "has already reported output of HSG-1 rev A" in answer.json["detail"]


def test_only_who_may_import_work_orders_may_send_them(api):
    operator = create_token("operator1")
    answer = api.send("PUT", "/work-orders/WO-81", order(), role_token=operator)
    assert answer.status_code == 403
    assert not WorkOrder.select().where(WorkOrder.number == "WO-81").exists()
    assert api.send("PATCH", "/work-orders/WO-1", {"status": "done"}, role_token=operator).status_code == 403


# --- PATCH: status, due date, quantity ----------------------------------------------------------------------

def test_patch_changes_the_status_and_keeps_the_rest(api):
    answer = api.send("PATCH", "/work-orders/WO-1", {"status": "released", "quantity": "120"})
    assert answer.status_code == 200, answer.json
    assert (answer.json["status"], answer.json["quantity"], answer.json["machine"]) == ("released", 120, "M1")
    assert lines_of("WO-1") == [("RES-100 rev B", Decimal("500"))]


def test_closing_through_the_api_ends_the_orders_open_tasks(api):
    tasks.places.add_place(api.plant.lead, "M1", "LANE-1")
    inventory.move(api.plant.ctx(), api.plant.receive(qty="600"), "A-01-1")
    tasks.recompute(tasks.DEFAULT, machines=[api.plant.machine.id])
    live = StagingTask.select().where(StagingTask.work_order == api.plant.wo, StagingTask.state.in_(("open",
                                                                                                      "claimed")))
    assert live.count() > 0
    answer = api.send("PATCH", "/work-orders/WO-1", {"status": "closed"})
    assert answer.status_code == 200
    assert live.count() == 0
    assert WorkOrder.get(WorkOrder.number == "WO-1").closed_at is not None


def test_a_null_status_or_quantity_leaves_it_as_it_is(api):
    answer = api.send("PATCH", "/work-orders/WO-1", {"status": None, "quantity": None, "due_at": "2026-05-04"})
    assert (answer.json["status"], answer.json["quantity"]) == ("running", 100)


def test_patch_clears_and_sets_the_due_date(api):
    assert api.send("PATCH", "/work-orders/WO-1", {"due_at": "2026-05-04"}).json["due_at"] == "2026-05-04T00:00:00Z"
    assert api.send("PATCH", "/work-orders/WO-1", {"due_at": None}).json["due_at"] is None


@pytest.mark.parametrize("body, status, words", [
    ({"status": "finished"}, 422, "status"),
    ({"quantity": 0}, 422, "Quantity must be more than zero"),
    ({"product": "X"}, 422, "“product” is not a field of this request"),
])
def test_a_refused_patch_says_why_and_changes_nothing(api, body, status, words):
    answer = api.send("PATCH", "/work-orders/WO-1", body)
    assert answer.status_code == status, answer.json
    assert words in answer.json["detail"]
    wo = WorkOrder.get(WorkOrder.number == "WO-1")
    assert (wo.status, wo.quantity) == ("running", Decimal("100"))


def test_patch_of_an_unknown_order_is_404(api):
    answer = api.send("PATCH", "/work-orders/WO-404", {"status": "done"})
    assert answer.status_code == 404 and "WO-404" in answer.json["detail"]


# --- Idempotency-Key ----------------------------------------------------------------------------------------

def receipt(**changes):
    return {"part": "RES-100", "revision": "B", "quantity": "25", "lot": "L-9", **changes}


def units_of_lot(lot="L-9"):
    return Unit.select().where(Unit.lot == lot).count()


def test_a_retry_with_the_same_key_gets_the_first_answer_and_writes_once(api):
    first = api.send("POST", "/receipts", receipt(), **{"Idempotency-Key": "rcv-0001"})
    assert first.status_code == 201, first.json
    again = api.send("POST", "/receipts", {"quantity": "25", "lot": "L-9", "revision": "B", "part": "RES-100"},
                     **{"Idempotency-Key": "rcv-0001"})  # the same body, its keys in another order
    assert again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert units_of_lot() == 1
    assert api.send("POST", "/receipts", receipt(), **{"Idempotency-Key": "rcv-0002"}).status_code == 201
    assert units_of_lot() == 2  # a new key is a new receipt


def test_the_same_key_with_another_body_is_refused(api):
    api.send("POST", "/receipts", receipt(), **{"Idempotency-Key": "rcv-0003"})
    other = api.send("POST", "/receipts", receipt(quantity="26"), **{"Idempotency-Key": "rcv-0003"})
    assert other.status_code == 409
    assert "already used for another request (POST /api/receipts, with another body)" in other.json["detail"]
    elsewhere = api.send("POST", "/moves", {"unit": "P1", "to": "A-01-1"}, **{"Idempotency-Key": "rcv-0003"})
    assert elsewhere.status_code == 409
    assert units_of_lot() == 1


def test_a_refusal_is_an_answer_too(api):
    """A refused request wrote nothing; its retry is refused the same way (it is the same request)."""
    first = api.send("POST", "/receipts", receipt(part="NOPE"), **{"Idempotency-Key": "rcv-0004"})
    assert first.status_code == 404
    again = api.send("POST", "/receipts", receipt(part="NOPE"), **{"Idempotency-Key": "rcv-0004"})
    assert (again.status_code, again.json) == (404, first.json)


def test_keys_are_each_users_own(api):
    api.send("POST", "/receipts", receipt(), **{"Idempotency-Key": "shared-key"})
    stager = create_token("stager1")
    theirs = api.send("POST", "/receipts", receipt(), role_token=stager, **{"Idempotency-Key": "shared-key"})
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert units_of_lot() == 2


def test_a_key_works_with_a_moves_client_scan_id(api):
    unit = api.plant.receive()
    move = {"unit": unit.lpn, "to": "A-01-1", "from": "RCV-1", "client_scan_id": "hh-1"}
    first = api.send("POST", "/moves", move, **{"Idempotency-Key": "move-1"})
    by_key = api.send("POST", "/moves", move, **{"Idempotency-Key": "move-1"})
    by_scan_id = api.send("POST", "/moves", move, **{"Idempotency-Key": "move-2"})  # the handheld's id decides
    assert first.status_code == by_key.status_code == by_scan_id.status_code == 201
    assert first.json["id"] == by_key.json["id"] == by_scan_id.json["id"]
    assert Entry.select().where(Entry.unit == unit.id, Entry.kind == "move").count() == 1


def test_put_and_patch_honour_the_key(api):
    first = api.send("PUT", "/work-orders/WO-90", order(), **{"Idempotency-Key": "wo-90"})
    api.send("PATCH", "/work-orders/WO-90", {"status": "running"})
    again = api.send("PUT", "/work-orders/WO-90", order(), **{"Idempotency-Key": "wo-90"})
    assert (again.status_code, again.json) == (201, first.json)
    assert WorkOrder.get(WorkOrder.number == "WO-90").status == "running"  # the retry did not undo the change


def test_a_bad_key_is_refused(api):
    answer = api.send("POST", "/receipts", receipt(), **{"Idempotency-Key": "x" * 256})
    assert answer.status_code == 422 and "Idempotency-Key" in answer.json["detail"]
    assert units_of_lot() == 0


def test_keys_are_forgotten_after_a_day(api):
    api.send("POST", "/receipts", receipt(), **{"Idempotency-Key": "old-key"})
    IdempotencyKey.update(created_at=utcnow() - datetime.timedelta(hours=25)).execute()
    assert idempotency.sweep() == 1
    assert api.send("POST", "/receipts", receipt(), **{"Idempotency-Key": "old-key"}).status_code == 201
    assert units_of_lot() == 2


@pytest.fixture
def served(api):
    """The api fixture's app over real HTTP, threads as gunicorn's, with a view that holds its
    answer until the test lets it go."""
    app = api.client.application
    app.config["IDEMPOTENCY_WAIT_SECONDS"] = 0.3
    # No API turns here: after a person's request earlier in this process they would keep the second
    # request behind the first, and the test is about the key, not the turns.
    app.wsgi_app.api_turns = None
    held = {"go": threading.Event(), "entered": threading.Semaphore(0), "runs": 0}

    def slow():
        held["runs"] += 1
        held["entered"].release()
        held["go"].wait(60)  # the test lets it go; on a loaded machine the second request may take a while
        return {"done": held["runs"]}, 201

    app.add_url_rule("/api/slow", "api.slow", slow, methods=["POST"])  # on the api blueprint's hooks
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", held, api.headers
    held["go"].set()
    server.shutdown()


def post(url, body, headers):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={**headers, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read()), dict(err.headers)


def test_while_the_first_is_being_answered_the_same_key_waits_then_is_told(served):
    base, held, auth = served
    headers = {**auth, "Idempotency-Key": "slow-1"}
    first = {}
    thread = threading.Thread(target=lambda: first.update(answer=post(base + "/api/slow", {"n": 1}, headers)))
    thread.start()
    assert held["entered"].acquire(timeout=10)
    status, body, _ = post(base + "/api/slow", {"n": 1}, headers)
    assert status == 409 and "still being answered" in body["detail"]
    held["go"].set()
    thread.join(10)
    assert first["answer"][:2] == (201, {"done": 1})
    status, body, answer_headers = post(base + "/api/slow", {"n": 1}, headers)
    assert (status, body, answer_headers["Idempotent-Replayed"]) == (201, {"done": 1}, "true")
    assert held["runs"] == 1


def test_identical_requests_at_once_run_once(served, api):
    base, _, auth = served
    headers = {**auth, "Idempotency-Key": "burst-1"}
    start = threading.Barrier(4)
    answers = []

    def send():
        start.wait(10)
        answers.append(post(base + "/api/receipts", receipt(lot="L-BURST"), headers))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    made = {body["lpn"] for status, body, _ in answers if status == 201}
    assert len(answers) == 4 and len(made) == 1, answers
    assert all(status == 201 or (status == 409 and "still being answered" in body["detail"])
               for status, body, _ in answers)
    db.connect(reuse_if_open=True)
    assert units_of_lot("L-BURST") == 1


def test_the_document_names_the_header_on_every_operation_that_takes_it(client):
    doc = client.get("/api/openapi.json").json
    header = doc["components"]["parameters"]["IdempotencyKey"]
    assert (header["in"], header["name"]) == ("header", "Idempotency-Key")
    ref = {"$ref": "#/components/parameters/IdempotencyKey"}
    writes = [(path, method, op) for path, ops in doc["paths"].items() for method, op in ops.items()
              if method in ("post", "put", "patch")]
    assert {("/api/moves", "post"), ("/api/work-orders/{number}", "put"),
            ("/api/work-orders/{number}", "patch")} <= {(path, method) for path, method, _ in writes}
    assert all(ref in op["parameters"] and "409" in op["responses"] for _, _, op in writes)
    assert not any(ref in op.get("parameters", []) for ops in doc["paths"].values() for method, op in ops.items()
                   if method == "get")


def test_the_same_new_order_sent_twice_at_once_is_one_order(served, api):
    base, _, auth = served
    start = threading.Barrier(2)
    answers = []

    def send():
        request = urllib.request.Request(base + "/api/work-orders/WO-95", data=json.dumps(order()).encode(),
                                         method="PUT", headers={**auth, "Content-Type": "application/json"})
        start.wait(10)
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                answers.append(response.status)
        except urllib.error.HTTPError as err:
            answers.append((err.code, err.read()))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answers) == [200, 201]
    db.connect(reuse_if_open=True)
    assert WorkOrder.select().where(WorkOrder.number == "WO-95").count() == 1


def test_a_request_that_failed_frees_its_key(api):
    """A server error wrote nothing (its transaction rolled back): the retry runs, it is not told the error again."""
    app = api.client.application
    calls = []

    def breaks_once():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return {"done": len(calls)}, 201

    app.add_url_rule("/api/flaky", "api.flaky", breaks_once, methods=["POST"])
    with pytest.raises(RuntimeError):  # TESTING lets the error through, as a worker's crash
        api.send("POST", "/flaky", {"n": 1}, **{"Idempotency-Key": "flaky-1"})
    assert IdempotencyKey.select().count() == 0
    answer = api.send("POST", "/flaky", {"n": 1}, **{"Idempotency-Key": "flaky-1"})
    assert (answer.status_code, answer.json) == (201, {"done": 2})


def test_a_key_left_claimed_by_a_dead_worker_is_taken_over_later(api):
    user = api.plant.lead.id
    claimed = idempotency.claim(user, "dead-1", "POST /api/receipts", "h" * 64)
    assert isinstance(claimed, int)  # its worker died before it answered: the row stays claimed
    with pytest.raises(Conflict, match="still being answered"):
        idempotency.claim(user, "dead-1", "POST /api/receipts", "h" * 64, wait_seconds=0)
    IdempotencyKey.update(created_at=utcnow() - idempotency.STALE - datetime.timedelta(seconds=1)).execute()
    assert idempotency.claim(user, "dead-1", "POST /api/receipts", "h" * 64, wait_seconds=0) == claimed
