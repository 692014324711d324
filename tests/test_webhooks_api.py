"""The webhooks' API and the admins' page through the app: admins only, bad addresses refused in
words, the secret shown once, the dead list replayed."""
import datetime
import time

import pytest

from staging.domain import events
from staging.domain.people.users import create_token
from staging.domain.webhooks import Rules, worker
from staging.store.db import write_transaction
from staging.store.models import Webhook, WebhookDelivery

from .receiver import Receiver, verify
from .webutil import csrf_token, login


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def auth(user):
    return {"Authorization": f"Bearer {create_token(user)}"}


def test_an_admin_subscribes_lists_rotates_and_deletes(client, web_plant, receiver):
    admin = auth("admin1")
    answer = client.post("/api/webhooks", json={"url": receiver.url, "types": ["unit.moved"]}, headers=admin)
    assert answer.status_code == 201
    made = answer.json
    assert made["url"] == receiver.url and made["types"] == ["unit.moved"] and made["secret"].startswith("whsec_")
    listed = client.get("/api/webhooks", headers=admin).json
    assert [(w["id"], w["waiting"], w["dead"], w["failing_since"]) for w in listed] == [(made["id"], 0, 0, None)]
    assert "secret" not in listed[0]

    rotated = client.post(f"/api/webhooks/{made['id']}/rotate", headers=admin).json
    assert rotated["secret"] != made["secret"] and rotated["secret"].startswith("whsec_")
    with write_transaction():
        key = events.emit("unit.moved", "P00000001", {"to": "A-01-2"}).key
    worker.Deliverer(Rules(schedule=(0.05,), timeout=2)).run_once()
    (headers, body, _), = receiver.requests
    assert headers["webhook-id"] == key and verify(rotated["secret"], headers, body)
    assert not verify(made["secret"], headers, body)

    assert client.delete(f"/api/webhooks/{made['id']}", headers=admin).status_code == 204
    assert client.get("/api/webhooks", headers=admin).json == []
    assert client.delete(f"/api/webhooks/{made['id']}", headers=admin).status_code == 404


@pytest.mark.parametrize("body", [{"url": "ftp://erp.example.com/in"}, {"url": "erp.example.com"},
                                  {"url": "https://erp.example.com/in", "types": ["unit.teleported"]}])
def test_a_bad_subscription_is_refused_in_words(client, web_plant, body):
    answer = client.post("/api/webhooks", json=body, headers=auth("admin1"))
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert answer.json["detail"]
    assert Webhook.select().count() == 0


def test_only_admins(client, web_plant, receiver):
    lead = auth("lead1")
    assert client.post("/api/webhooks", json={"url": receiver.url}, headers=lead).status_code == 403
    assert client.get("/api/webhooks", headers=lead).status_code == 403
    assert client.post("/api/webhooks", json={"url": receiver.url}).status_code == 401


def test_replay_over_the_api(client, web_plant, receiver):
    admin = auth("admin1")
    made = client.post("/api/webhooks", json={"url": receiver.url}, headers=admin).json
    receiver.mode = "fail"
    with write_transaction():
        keys = [events.emit("unit.moved", f"P{i}", {}).key for i in range(2)]
    rules = Rules(schedule=(0.01,), dead_after_hours=0, timeout=2)
    deliverer = worker.Deliverer(rules)
    while WebhookDelivery.select().count() < 2:
        deliverer.run_once()
    assert client.get("/api/webhooks", headers=admin).json[0]["dead"] == 2
    receiver.mode = "ok"
    one = client.post(f"/api/webhooks/{made['id']}/replay", json={"event": keys[0]}, headers=admin)
    assert one.json == {"replayed": 1}
    again = client.post(f"/api/webhooks/{made['id']}/replay", json={"event": keys[0]}, headers=admin)
    assert again.status_code == 404
    assert client.post(f"/api/webhooks/{made['id']}/replay", json={}, headers=admin).json == {"replayed": 1}
    deadline = time.monotonic() + 30
    while len(receiver.delivered()) < 2 and time.monotonic() < deadline:  # a round may find one not yet due
        deliverer.run_once()
    assert sorted(e["id"] for e in receiver.delivered()) == sorted(keys)


def test_the_page_refuses_a_bad_address_and_shows_the_secret_once(client, web_plant):
    login(client, "admin1")
    token = csrf_token(client, "/admin/webhooks")
    refused = client.post("/admin/webhooks", data={"url": "not an address", "csrf_token": token})
    assert refused.status_code == 422 and "is not a web address" in refused.text
    made = client.post("/admin/webhooks", data={"url": "https://erp.example.com/in", "types": ["unit.moved"],
                                                  "csrf_token": token})
    assert made.status_code == 201
    secret = Webhook.get().secret
    assert secret in made.text
    assert secret not in client.get("/admin/webhooks").text
    assert secret not in client.get(f"/admin/webhooks/{Webhook.get().id}").text


def test_the_page_is_for_admins(client, web_plant):
    login(client, "lead1")
    assert client.get("/admin/webhooks").status_code == 403


def test_the_webhooks_are_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert {"post", "get"} <= set(paths["/api/webhooks"])
    assert "delete" in paths["/api/webhooks/{webhook_id}"]
    assert "post" in paths["/api/webhooks/{webhook_id}/rotate"] and "post" in paths["/api/webhooks/{webhook_id}/replay"]
    created = paths["/api/webhooks"]["post"]["responses"]
    assert {"201", "403", "422"} <= set(created)


def test_the_page_shows_how_the_mqtt_broker_stands(client, web_plant):
    Webhook.create(kind="mqtt", url="mqtt://broker.plant.local:1883/site-1", last_error="no connection",
                   failing_since=datetime.datetime(2026, 12, 7, 9, 0))
    login(client, "admin1")
    page = client.get("/admin/webhooks").text
    assert "mqtt://broker.plant.local:1883/site-1" in page and "no connection" in page
    assert client.get("/api/webhooks", headers=auth("admin1")).json == []  # the API lists webhooks only


def test_a_subscription_sent_again_with_its_idempotency_key_is_made_once_and_its_secret_is_not_kept(
        client, web_plant):
    """An integration retries the POST after a lost answer: one subscription, and the secret lives only
    in the first answer (the kept answers are plain rows for a day)."""
    from staging.store.models import IdempotencyKey
    admin = {**auth("admin1"), "Idempotency-Key": "erp-setup-1"}
    first = client.post("/api/webhooks", json={"url": "https://erp.example.com/in"}, headers=admin)
    again = client.post("/api/webhooks", json={"url": "https://erp.example.com/in"}, headers=admin)
    assert first.status_code == 201 and first.json["secret"].startswith("whsec_")
    assert again.status_code == 409 and "GET /api/webhooks lists what it made" in again.json["detail"]
    assert Webhook.select().count() == 1
    assert not [row for row in IdempotencyKey.select() if first.json["secret"] in (row.response or "")]
