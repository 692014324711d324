"""The counts' API: plan (lead and above), read blind (no expected below lead), enter, submit,
approve (403 for someone who entered), problem+json refusals, all in the OpenAPI document."""
import pytest

from staging.domain import inventory, promises
from staging.domain.people.users import create_token, create_user
from staging.store.models import Entry, Unit


@pytest.fixture
def floor(web_plant):
    plant = web_plant
    plant.p1 = plant.receive(qty="100", lot="L1")
    plant.p2 = plant.receive(qty="40", lot="L2")
    for unit in (plant.p1, plant.p2):
        inventory.move(plant.ctx(), unit, "A-01-1")
    create_user("ole", "operator", "password-123")
    plant.tokens = {name: {"Authorization": "Bearer " + create_token(name)}
                    for name in ("operator1", "ole", "stager1", "lead1", "admin1")}
    return plant


def test_the_whole_count_through_the_api(client, floor):
    t = floor.tokens
    made = client.post("/api/counts", json={"locations": ["A-01-1"]}, headers=t["lead1"])
    assert made.status_code == 201
    count = made.get_json()
    assert count["status"] == "open" and count["locations"] == ["A-01-1"]
    url = f"/api/counts/{count['id']}"
    first = client.post(f"{url}/entries", json={"location": "A-01-1", "unit": floor.p1.lpn, "quantity": "99,5",
                                                "client_scan_id": "c-1"}, headers=t["operator1"])
    assert first.status_code == 201 and first.get_json()["quantity"] == 99.5
    again = client.post(f"{url}/entries", json={"location": "A-01-1", "unit": floor.p1.lpn, "quantity": "99,5",
                                                "client_scan_id": "c-1"}, headers=t["operator1"])
    assert again.get_json()["id"] == first.get_json()["id"]
    twice = client.post(f"{url}/entries", json={"location": "A-01-1", "unit": floor.p1.lpn, "quantity": 80},
                        headers=t["ole"])
    assert twice.status_code == 409 and floor.p1.lpn in twice.get_json()["detail"]
    assert client.post(f"{url}/entries", json={"location": "A-01-1", "unit": floor.p2.lpn, "quantity": 20},
                       headers=t["ole"]).status_code == 201
    seen = client.get(url, headers=t["operator1"]).get_json()
    assert [line["expected"] for line in seen["lines"]] == [None, None]  # blind: absent, not hidden
    assert sorted(line["expected"] for line in client.get(url, headers=t["lead1"]).get_json()["lines"]) == [40, 100]
    submitted = client.post(f"{url}/submit", json={"location": "A-01-1"}, headers=t["operator1"])
    assert submitted.get_json() == {"location": "A-01-1", "state": "recount"}
    states = {line["unit"]: line["state"] for line in client.get(url, headers=t["lead1"]).get_json()["lines"]}
    assert states == {floor.p1.lpn: "booked", floor.p2.lpn: "recount"}
    assert client.post(f"{url}/entries", json={"location": "A-01-1", "unit": floor.p2.lpn, "quantity": 20},
                       headers=t["stager1"]).status_code == 201
    assert client.post(f"{url}/submit", json={"location": "A-01-1"}, headers=t["stager1"]).get_json()["state"] \
        == "approval"
    refused = client.post(f"{url}/approve", headers=t["operator1"])
    assert refused.status_code == 403
    approved = client.post(f"{url}/approve", headers=t["lead1"])
    assert approved.status_code == 200 and approved.get_json()["status"] == "closed"
    line = {ln["unit"]: ln for ln in approved.get_json()["lines"]}[floor.p2.lpn]
    assert (line["expected"], line["counted"], line["recounted"], line["variance"], line["state"]) == (
        40, 20, 20, -20, "booked")
    assert Unit.get_by_id(floor.p2.id).quantity == 20
    assert Entry.select().where(Entry.kind == "count").count() == 2
    assert promises.broken() == []


def test_a_lead_who_entered_gets_403_on_approve(client, floor):
    t = floor.tokens
    count = client.post("/api/counts", json={"area": "R-A", "blind": False}, headers=t["lead1"]).get_json()
    assert count["locations"] == ["A-01-1", "A-01-2"]
    url = f"/api/counts/{count['id']}"
    client.post(f"{url}/entries", json={"location": "A-01-1", "part": "RES-100", "revision": "B", "lot": "N1",
                                        "quantity": "5"}, headers=t["lead1"])
    client.post(f"{url}/submit", json={"location": "A-01-1"}, headers=t["lead1"])
    client.post(f"{url}/entries", json={"location": "A-01-1", "part": "RES-100", "revision": "B", "lot": "N1",
                                        "quantity": "5"}, headers=t["ole"])
    client.post(f"{url}/submit", json={"location": "A-01-1"}, headers=t["ole"])
    assert client.post(f"{url}/approve", headers=t["lead1"]).status_code == 403
    assert client.post(f"{url}/approve", headers=t["admin1"]).status_code == 200
    lines = client.get(url, headers=t["operator1"]).get_json()["lines"]
    assert 100 in [line["expected"] for line in lines]  # not blind: operators see it


def test_bad_count_requests_are_refused(client, floor):
    t = floor.tokens
    assert client.post("/api/counts", json={"locations": ["A-01-1"]}, headers=t["operator1"]).status_code == 403
    assert client.post("/api/counts", json={"locations": ["NOPE"]}, headers=t["lead1"]).status_code == 404
    assert client.post("/api/counts", json={}, headers=t["lead1"]).status_code == 422
    assert client.post("/api/counts", json={"locations": ["A-01-1"], "area": "R-A"},
                       headers=t["lead1"]).status_code == 422
    count = client.post("/api/counts", json={"locations": ["A-01-1"]}, headers=t["lead1"]).get_json()
    url = f"/api/counts/{count['id']}"
    bad = client.post(f"{url}/entries", json={"location": "A-01-1", "unit": floor.p1.lpn, "quantity": "-3"},
                      headers=t["operator1"])
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"
    assert client.post(f"{url}/entries", json={"location": "A-01-2", "unit": floor.p1.lpn, "quantity": "3"},
                       headers=t["operator1"]).status_code == 404
    assert client.post(f"{url}/submit", json={"location": "A-01-1"}, headers=t["operator1"]).status_code == 422
    assert client.get("/api/counts/999", headers=t["lead1"]).status_code == 404


def test_the_counts_are_in_the_openapi_document(client, floor):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path in ("/api/counts", "/api/counts/{count_id}", "/api/counts/{count_id}/entries",
                 "/api/counts/{count_id}/submit", "/api/counts/{count_id}/approve"):
        assert path in paths, path


def test_the_tolerance_per_class_is_set_on_the_settings_page_and_counts_follow_it(client, floor):
    from staging.domain.counts import classes

    from .webutil import csrf_token, login
    login(client, "admin1")
    token = csrf_token(client, "/settings")
    refused = client.post("/settings", data={"csrf_token": token, "COUNT_TOLERANCE_A_PERCENT": "lots"})
    assert refused.status_code == 422 and "Write a number from 0 to 100" in refused.get_data(as_text=True)
    assert client.post("/settings", data={"csrf_token": token, "COUNT_TOLERANCE_A_PERCENT": "60"}).status_code == 303
    client.get("/counts")  # the next request of any process reads the stored settings
    assert classes.tolerance("A").percent == 60
    t = floor.tokens
    count = client.post("/api/counts", json={"locations": ["A-01-1"]}, headers=t["lead1"]).get_json()
    url = f"/api/counts/{count['id']}"
    for unit, qty in ((floor.p1, 50), (floor.p2, 40)):  # half of a class A pallet: within 60 %
        client.post(f"{url}/entries", json={"location": "A-01-1", "unit": unit.lpn, "quantity": qty},
                    headers=t["operator1"])
    assert client.post(f"{url}/submit", json={"location": "A-01-1"}, headers=t["operator1"]).get_json()["state"] \
        == "done"
    assert Unit.get_by_id(floor.p1.id).quantity == 50
    classes.configure({})  # the defaults again, for the tests after this one in this process
