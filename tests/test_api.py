"""The JSON API contract from DESIGN.md: shapes, status codes, tokens, idempotent moves."""
from urllib.parse import urlsplit

import pytest

from staging.domain.people.users import create_token
from staging.store.models import Entry


@pytest.fixture
def auth(web_plant):
    return {"Authorization": "Bearer " + create_token("operator1")}


def count_entries():
    return Entry.select().count()


def test_the_api_needs_a_token(client, web_plant):
    response = client.get("/api/locations")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert "Bearer" in response.json["detail"]
    assert client.get("/api/locations", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_locations_list_every_location_with_its_kind_and_parent(client, web_plant, auth):
    rows = client.get("/api/locations", headers=auth).json
    by_code = {row["code"]: row for row in rows}
    assert by_code["A-01-1"] == {**by_code["A-01-1"], "name": "A-01-1", "kind": "storage", "parent": "R-A"}
    assert by_code["M1"]["kind"] == "machine" and by_code["M1"]["parent"] is None
    assert {row["kind"] for row in rows} <= {"receiving", "storage", "staging", "machine", "output",
                                            "qc_hold", "scrap", "shipping"}


def test_a_location_lists_its_units(client, web_plant, auth):
    unit = web_plant.receive(qty="12.5", lot="L-1")
    body = client.get("/api/locations/RCV-1", headers=auth).json
    assert body["code"] == "RCV-1" and body["kind"] == "receiving"
    assert body["units"] == [{**body["units"][0], "lpn": unit.lpn, "part": "RES-100", "revision": "B",
                              "qty": 12.5, "uom": "kg", "lot": "L-1", "location": "RCV-1"}]
    missing = client.get("/api/locations/NOPE", headers=auth)
    assert missing.status_code == 404 and "NOPE" in missing.json["detail"]


def test_a_unit_with_its_history(client, web_plant, auth):
    unit = web_plant.receive()
    client.post("/api/moves", json={"unit": unit.lpn, "to": "A-01-1"}, headers=auth)
    body = client.get(f"/api/units/{unit.lpn}", headers=auth).json
    assert (body["lpn"], body["location"], body["qty"], body["status"]) == (unit.lpn, "A-01-1", 100, "stock")
    assert [(h["kind"], h["from"], h["to"], h["by"]) for h in body["history"]] == [
        ("receive", None, "RCV-1", "stager1"), ("move", "RCV-1", "A-01-1", "operator1")]
    assert client.get("/api/units/P404404", headers=auth).status_code == 404


def test_post_a_move(client, web_plant, auth):
    unit = web_plant.receive()
    response = client.post("/api/moves", headers=auth, json={
        "unit": unit.lpn, "to": "LANE-1", "from": "RCV-1", "client_scan_id": "abc-1"})
    assert response.status_code == 201
    move = response.json
    assert (move["unit"], move["from"], move["to"], move["kind"], move["client_scan_id"], move["by"]) == \
        (unit.lpn, "RCV-1", "LANE-1", "move", "abc-1", "operator1")


def test_the_same_client_scan_id_is_the_same_move(client, web_plant, auth):
    unit = web_plant.receive()
    body = {"unit": unit.lpn, "to": "LANE-1", "from": "RCV-1", "client_scan_id": "abc-2"}
    first = client.post("/api/moves", headers=auth, json=body)
    before = count_entries()
    again = client.post("/api/moves", headers=auth, json=body)
    assert again.status_code == 201 and again.json["id"] == first.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_entries() == before


@pytest.mark.parametrize("body, status, words", [
    ({"unit": "P999999", "to": "LANE-1"}, 404, "No pallet or tote"),
    ({"unit": "{lpn}", "to": "NOWHERE"}, 404, "No location"),
    ({"unit": "{lpn}", "to": "LANE-1", "from": "A-01-1"}, 409, "Someone moved it"),
    ({"unit": "{lpn}"}, 422, "“to” is required"),
    ({"unit": 5, "to": "LANE-1"}, 422, "must be a string"),
    ({"unit": "{lpn}", "to": "A-01-3"}, 422, "closed"),
    ({"unit": "{lpn}", "to": "LANE-1", "client_scan_id": "x" * 65}, 422, "client_scan_id"),
])
def test_refused_moves_say_why_and_write_nothing(client, web_plant, auth, body, status, words):
    unit = web_plant.receive()
    body = {k: (v.format(lpn=unit.lpn) if isinstance(v, str) else v) for k, v in body.items()}
    before = count_entries()
    response = client.post("/api/moves", headers=auth, json=body)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json" and words in response.json["detail"]
    assert count_entries() == before


def test_a_move_onto_a_machine_is_the_load_check(client, web_plant, auth):
    """POST /api/moves to a machine goes through the one material check of every load."""
    old_rev, good = web_plant.receive(part=web_plant.resin_a), web_plant.receive(qty="600")
    before = count_entries()
    refused = client.post("/api/moves", headers=auth, json={"unit": old_rev.lpn, "to": "M1"})
    assert refused.status_code == 422 and refused.json["title"] == "Wrong material"
    assert "M1 needs rev B (WO-1)" in refused.json["detail"] and count_entries() == before
    by_operator = client.post("/api/moves", headers=auth,
                              json={"unit": old_rev.lpn, "to": "M1", "override_reason": "Trial"})
    assert by_operator.status_code == 403 and count_entries() == before
    lead = {"Authorization": "Bearer " + create_token("lead1")}
    overridden = client.post("/api/moves", headers=lead,
                             json={"unit": old_rev.lpn, "to": "M1", "override_reason": "Trial run"})
    assert overridden.status_code == 201 and overridden.json["reason"] == "Override: Trial run"
    assert overridden.json["warning"] is True
    loaded = client.post("/api/moves", headers=auth, json={"unit": good.lpn, "to": "M1"}).json
    assert (loaded["work_order"], loaded["warning"]) == ("WO-1", True)
    assert "100 kg more than it needs" in loaded["note"]


def test_a_body_that_is_not_json_is_refused(client, web_plant, auth):
    response = client.post("/api/moves", headers=auth, data="unit=P1", content_type="text/plain")
    assert response.status_code == 422 and "JSON object" in response.json["detail"]
    for path in ("/api/moves", "/api/receipts", "/api/units/P1/split"):  # a form post: not a 500
        response = client.post(path, headers=auth, data={"unit": "P1", "to": "A-01-1"})
        assert response.status_code == 422 and "JSON object" in response.json["detail"], path


def test_a_revoked_token_no_longer_works(client, web_plant, auth):
    from staging.domain.people.users import revoke_tokens
    revoke_tokens("operator1")
    assert client.get("/api/locations", headers=auth).status_code == 401


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok"


def test_receive_through_the_api_needs_a_stager(client, web_plant, auth):
    body = {"part": "RES-100", "revision": "B", "quantity": "12.5", "lot": "L-9", "client_scan_id": "r-1"}
    assert client.post("/api/receipts", headers=auth, json=body).status_code == 403  # operator1
    stager = {"Authorization": "Bearer " + create_token("stager1")}
    first = client.post("/api/receipts", headers=stager, json=body)
    assert first.status_code == 201
    assert (first.json["location"], first.json["qty"], first.json["lot"]) == ("RCV-1", 12.5, "L-9")
    again = client.post("/api/receipts", headers=stager, json=body)
    assert again.json["lpn"] == first.json["lpn"]  # the same scan id: the same unit, not a second one
    missing = client.post("/api/receipts", headers=stager, json={**body, "part": "NOPE", "client_scan_id": "r-2"})
    assert missing.status_code == 404


def test_work_orders_and_what_is_staged_per_machine(client, web_plant, auth):
    from staging.domain import inventory
    unit = web_plant.receive(qty="200")
    inventory.stage(web_plant.ctx(), unit.lpn, "LANE-1", "WO-1")
    orders = client.get("/api/work-orders", headers=auth).json
    assert [o["number"] for o in orders] == ["WO-1"] and orders[0]["machine"] == "M1"
    detail = client.get("/api/work-orders/WO-1", headers=auth).json
    assert detail["lines"] == [{"part": "RES-100", "revision": "B", "uom": "kg", "required": 500, "staged": 200,
                                "loaded": 0, "consumed": 0, "wasted": 0, "short": 300}]
    staged = client.get("/api/machines/M1/staged", headers=auth).json
    assert staged["machine"] == "M1" and staged["work_orders"][0]["lines"][0]["staged"] == 200
    assert client.get("/api/machines/RCV-1/staged", headers=auth).status_code == 404
    assert client.get("/api/work-orders?status=nonsense", headers=auth).status_code == 422


def test_the_ledger_a_page_at_a_time(client, web_plant, auth):
    units = [web_plant.receive() for _ in range(5)]
    first = client.get("/api/ledger?limit=2", headers=auth).json
    second = client.get(f"/api/ledger?limit=2&after={first['next']}", headers=auth).json
    third = client.get(f"/api/ledger?limit=2&after={second['next']}", headers=auth).json
    seen = [e["unit"] for page in (first, second, third) for e in page["entries"]]
    assert seen == [u.lpn for u in units] and third["next"] is None
    mine = client.get(f"/api/ledger?unit={units[3].lpn}", headers=auth).json
    assert [e["unit"] for e in mine["entries"]] == [units[3].lpn]
    bad = client.get("/api/ledger?limit=0", headers=auth)
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json" and "limit" in bad.json["detail"]


def test_split_a_unit_through_the_api(client, web_plant, auth):
    unit = web_plant.receive(qty="100")
    body = {"quantity": "20", "to": "LANE-1", "client_scan_id": "split-1"}
    response = client.post(f"/api/units/{unit.lpn}/split", headers=auth, json=body)
    assert response.status_code == 201
    new = response.json
    assert (new["qty"], new["location"], new["split_from"], new["part"]) == (20, "LANE-1", unit.lpn, "RES-100")
    assert new["lpn"] != unit.lpn and new["label"].endswith(f"/labels/units/{new['lpn']}.pdf")
    again = client.post(f"/api/units/{unit.lpn}/split", headers=auth, json=body)
    assert again.json["lpn"] == new["lpn"] and again.headers["Idempotent-Replayed"] == "true"
    assert client.get(f"/api/units/{unit.lpn}", headers=auth).json["qty"] == 80
    # The operator who split it may fetch its label (any other label needs a stager).
    label = client.get(urlsplit(new["label"]).path, headers=auth)
    assert label.status_code == 200 and label.mimetype == "application/pdf"
    assert client.get(f"/labels/units/{unit.lpn}.pdf", headers=auth).status_code == 403
    before = count_entries()
    for bad, status, words in (({"quantity": "80"}, 422, "move the whole unit"),
                               ({"quantity": "-1"}, 422, ""), ({"quantity": "5", "to": "NOPE"}, 404, "No location"),
                               ({"quantity": "5", "from": "A-01-1"}, 409, "Someone moved it")):
        refused = client.post(f"/api/units/{unit.lpn}/split", headers=auth, json=bad)
        assert refused.status_code == status and words in refused.json["detail"]
    assert count_entries() == before
    assert client.post("/api/units/P404404/split", headers=auth, json={"quantity": "1"}).status_code == 404
