"""The API you can rely on: a client_scan_id answers with the first move only for the same person
asking for the same thing; odd bodies, missing CSRF and wrong methods get JSON in words."""
import pytest

from staging.domain.people.users import create_token
from staging.store.models import Entry

from .webutil import login, user


@pytest.fixture
def auth(web_plant):
    return {"Authorization": "Bearer " + create_token("operator1")}


def test_the_same_scan_id_and_content_gives_the_first_answer(client, web_plant, auth):
    unit = web_plant.receive()
    move = {"unit": unit.lpn, "to": "A-01-1", "client_scan_id": "scan-1"}
    first = client.post("/api/moves", headers=auth, json=move)
    again = client.post("/api/moves", headers=auth, json=move)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] and Entry.select().where(Entry.kind == "move").count() == 1


def test_a_scan_id_reused_for_another_unit_is_a_409_saying_so(client, web_plant, auth):
    unit, other = web_plant.receive(), web_plant.receive()
    assert client.post("/api/moves", headers=auth, json={"unit": unit.lpn, "to": "A-01-1",
                                                         "client_scan_id": "scan-2"}).status_code == 201
    for changed in ({"unit": other.lpn, "to": "A-01-1"}, {"unit": unit.lpn, "to": "A-01-2"}):
        response = client.post("/api/moves", headers=auth, json={**changed, "client_scan_id": "scan-2"})
        assert response.status_code == 409 and response.mimetype == "application/problem+json"
        assert "Scan id scan-2 was already used for another move: nothing was done" in response.json["detail"]
    assert other.location.code == "RCV-1" and Entry.select().where(Entry.kind == "move").count() == 1


def test_a_scan_id_reused_by_another_person_is_a_409_saying_so(client, web_plant, auth):
    unit = web_plant.receive()
    user("operator2", "operator")
    move = {"unit": unit.lpn, "to": "A-01-1", "client_scan_id": "scan-3"}
    assert client.post("/api/moves", headers=auth, json=move).status_code == 201
    response = client.post("/api/moves", json=move, headers={"Authorization": "Bearer " + create_token("operator2")})
    assert response.status_code == 409
    assert "Scan id scan-3 was already used by someone else" in response.json["detail"]


@pytest.fixture
def lead_token(web_plant):
    return {"Authorization": "Bearer " + create_token("lead1")}


@pytest.mark.parametrize("content_type", ["application/json", None])
def test_a_patch_whose_body_is_not_json_is_refused_and_changes_nothing(client, lead_token, content_type):
    before = client.get("/api/locations/A-01-1", headers=lead_token).json
    response = client.patch("/api/locations/A-01-1", data=b"\x00", headers=lead_token, content_type=content_type)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert response.json["detail"]
    assert client.get("/api/locations/A-01-1", headers=lead_token).json == before


def test_an_api_call_from_a_session_without_the_csrf_token_gets_problem_json(client, web_plant):
    login(client, "lead1")
    for path in ("/api/tasks/-1/claim", "/api/moves"):
        response = client.post(path, json={})
        assert response.status_code == 400 and response.mimetype == "application/problem+json"
        assert "Reload it and try again" in response.json["detail"]
    assert client.post("/login", data={"username": "x"}).mimetype == "text/html"  # pages keep their page


def test_a_405_says_which_methods_are_allowed_and_api_answers_are_json(client, web_plant, auth):
    response = client.delete("/api/moves", headers=auth)
    assert response.status_code == 405 and response.mimetype == "application/problem+json"
    assert "POST" in response.headers["Allow"]
    for path in ("/api/nothing-here", "/api/units/", "/api/tasks/-1/claim"):
        answer = client.get(path, headers=auth)
        assert answer.status_code >= 400 and answer.mimetype == "application/problem+json", path
