"""Kanban over the API and on the leads' page (test client): POST /api/kanban-cards answers 201 with
the card's code, POST /api/calls 201 with the call, its state and its task, which GET /api/tasks
lists with its card; a refused card says why and writes nothing, on the API and on the page."""
from staging.domain import inventory
from staging.domain.people.users import create_token
from staging.store.models import Call, KanbanCard, LineSidePlace

from .plant import loc
from .webutil import csrf_token, login


def bearer(user):
    return {"Authorization": "Bearer " + create_token(user)}


def line(plant):
    LineSidePlace.create(machine=plant.machine, place=loc("L-M1", "staging"), kind="lane")


def test_a_lead_makes_cards_and_a_call_makes_a_task_the_api_lists_with_its_card(client, web_plant):
    line(web_plant)
    unit = inventory.receive(web_plant.ctx("stager"), web_plant.screw, "40", "A-01-1").unit
    made = client.post("/api/kanban-cards", json={"place": "L-M1", "part": "FST-M6", "revision": "C",
                                                  "quantity": 40, "cards": 2}, headers=bearer("lead1"))
    assert made.status_code == 201, made.json
    code = made.json["code"]
    assert [c["number"] for c in made.json["cards"]] == [1, 2]
    assert made.json["label"].endswith(f"/labels/cards/{code}.pdf")
    called = client.post("/api/calls", json={"card": code, "client_scan_id": "c-1"}, headers=bearer("operator1"))
    assert called.status_code == 201, called.json
    assert called.json["state"] == "tasked"
    task = called.json["task"]
    assert (task["kind"], task["card"], task["unit"], task["to"], task["qty"]) == ("call", code, unit.lpn, "L-M1", 40)
    listed = client.get("/api/tasks", headers=bearer("operator1")).json
    assert [(t["id"], t["kind"], t["card"]) for t in listed] == [(task["id"], "call", code)]
    again = client.post("/api/calls", json={"card": code, "client_scan_id": "c-1"}, headers=bearer("operator1"))
    assert (again.status_code, again.json["call"]) == (201, called.json["call"])
    twice = client.post("/api/calls", json={"card": code}, headers=bearer("operator1"))
    assert twice.status_code == 409 and "called already" in twice.json["detail"]
    cards = client.get("/api/kanban-cards", headers=bearer("operator1")).json
    assert [(c["code"] == code, c["called"]) for c in cards] == [(True, True), (False, False)]
    assert client.get(f"/labels/cards/{code}.pdf?loop=1", headers=bearer("lead1")).data.startswith(b"%PDF")


def test_refused_cards_and_calls_say_why_and_write_nothing(client, web_plant):
    line(web_plant)
    for body, status, words in [
        ({"place": "NOPE", "part": "FST-M6", "revision": "C", "quantity": 5}, 404, "No location"),
        ({"place": "L-M1", "part": "NOPE", "revision": "C", "quantity": 5}, 404, "No part"),
        ({"place": "L-M1", "part": "FST-M6", "revision": "C", "quantity": "0"}, 422, "more than zero"),
        ({"place": "L-M1", "part": "FST-M6", "revision": "C", "quantity": "x"}, 422, "must be a number"),
    ]:
        answer = client.post("/api/kanban-cards", json=body, headers=bearer("lead1"))
        assert answer.status_code == status and words in answer.json["detail"], answer.json
    operator = client.post("/api/kanban-cards", json={"place": "L-M1", "part": "FST-M6", "revision": "C",
                                                      "quantity": 5}, headers=bearer("operator1"))
    assert operator.status_code == 403
    unknown = client.post("/api/calls", json={"card": "KB999999"}, headers=bearer("operator1"))
    assert unknown.status_code == 404 and "No kanban card" in unknown.json["detail"]
    assert KanbanCard.select().count() == 0 and Call.select().count() == 0


def test_the_page_refuses_a_bad_card_in_words_and_keeps_what_was_typed(client, web_plant):
    line(web_plant)
    login(client, "lead1")
    token = csrf_token(client, "/kanban")
    page = client.post("/kanban", data={"place": "L-M1", "part": "FST-M6", "revision": "C", "quantity": "-2",
                                        "cards": "2", "csrf_token": token})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "cannot be negative" in text and 'value="FST-M6"' in text
    assert KanbanCard.select().count() == 0
    made = client.post("/kanban", data={"place": "L-M1", "part": "FST-M6", "revision": "C", "quantity": "40",
                                        "cards": "2", "csrf_token": token}, follow_redirects=True)
    assert made.status_code == 200 and "card 2 of 2" in made.get_data(as_text=True)


def test_the_task_list_says_which_kanban_card_a_task_brings_material_for(client, web_plant):
    from staging.domain import tasks
    from staging.domain.inventory import Ctx
    line(web_plant)
    inventory.receive(web_plant.ctx("stager"), web_plant.screw, "40", "A-01-1")
    [card] = tasks.cards.make_loop(web_plant.lead, "L-M1", "FST-M6", "C", "40")
    tasks.calls.call(Ctx(web_plant.operator), card.code, tasks.Rules())
    login(client, "lead1")
    page = client.get("/tasks").get_data(as_text=True)
    assert f'kanban card {card.code}</a> on <a href="/machines/M1">M1</a>' in page
