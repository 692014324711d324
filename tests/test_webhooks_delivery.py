"""Webhook delivery against a real HTTP receiver on this machine, on SQLite and PostgreSQL: every
event arrives signed, a receiver that was down gets everything once it is back, events retried past
the horizon go to the dead list and come back on replay, two delivery threads never send one event
at once, and a new thread (a restart) picks up where the last one stopped."""
import json
import os
import time

import pytest

from staging.domain import events
from staging.domain.webhooks import Rules, delivery, subscriptions, worker
from staging.store.db import write_transaction
from staging.store.models import Webhook, WebhookDelivery

from .receiver import Receiver, verify

FAST = dict(schedule=(0.05, 0.1, 0.2), timeout=2, poll_seconds=0.02)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def admin(plant):
    return plant.users["admin"]


def emit(n, start=0, type="unit.moved"):
    keys = []
    for i in range(start, start + n):
        with write_transaction():
            keys.append(events.emit(type, f"P{i:08d}", {"to": "A-01-2", "n": i}).key)
    return keys


def drain(deliverer, until, timeout=60):
    """Run delivery passes in this thread until `until()` holds."""
    deadline = time.monotonic() + timeout
    while not until():
        assert time.monotonic() < deadline, "deliveries did not finish in time"
        deliverer.run_once()
        time.sleep(0.01)


def test_every_event_arrives_once_in_order_and_signed(admin, receiver):
    sub = subscriptions.add(admin, receiver.url, [])
    assert sub.secret.startswith("whsec_") and len(subscriptions.signing.key_of(sub.secret)) >= 24
    keys = emit(5)
    deliverer = worker.Deliverer(Rules(**FAST))
    drain(deliverer, lambda: len(receiver.delivered()) == 5)
    assert [e["id"] for e in receiver.delivered()] == keys
    for headers, body, _ in receiver.requests:
        assert verify(sub.secret, headers, body)
        assert headers["webhook-id"] == json.loads(body)["id"]
        assert headers["content-type"] == "application/cloudevents+json"
        assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    deliverer.run_once()
    assert len(receiver.requests) == 5  # nothing twice
    assert Webhook.get_by_id(sub.id).last_success_at is not None


def test_only_the_types_asked_for_are_sent(admin, receiver):
    subscriptions.add(admin, receiver.url, ["task.done"])
    emit(2)
    wanted = emit(1, type="task.done")
    deliverer = worker.Deliverer(Rules(**FAST))
    drain(deliverer, lambda: len(receiver.delivered()) == 1)
    deliverer.run_once()
    assert [e["id"] for e in receiver.delivered()] == wanted


def test_a_new_subscription_hears_from_now_on(admin, receiver):
    emit(3)
    subscriptions.add(admin, receiver.url, [])
    later = emit(1, start=3)
    drain(worker.Deliverer(Rules(**FAST)), lambda: len(receiver.delivered()) == 1)
    assert [e["id"] for e in receiver.delivered()] == later


@pytest.mark.parametrize("down", ["fail", "drop"])
def test_a_receiver_down_for_a_while_gets_everything_in_order_once_back(admin, receiver, down):
    sub = subscriptions.add(admin, receiver.url, [])
    receiver.mode = down
    keys = emit(4)
    deliverer = worker.Deliverer(Rules(**FAST))
    drain(deliverer, lambda: len(receiver.requests) >= 3)  # the first event, tried again and again
    failing = Webhook.get_by_id(sub.id)
    assert failing.failing_since is not None and failing.attempts >= 2 and failing.last_error
    assert {headers["webhook-id"] for headers, *_ in receiver.requests} == {keys[0]}  # head of line
    receiver.mode = "ok"
    drain(deliverer, lambda: len(receiver.delivered()) == 4)
    assert [e["id"] for e in receiver.delivered()] == keys
    back = Webhook.get_by_id(sub.id)
    assert back.failing_since is None and back.attempts == 0
    assert WebhookDelivery.select().count() == 0


def test_past_the_horizon_events_go_to_the_dead_list_and_replay_sends_them(admin, receiver):
    sub = subscriptions.add(admin, receiver.url, [])
    receiver.mode = "fail"
    keys = emit(3)
    rules = Rules(dead_after_hours=0.3 / 3600, **FAST)  # 0.3 s
    deliverer = worker.Deliverer(rules)
    drain(deliverer, lambda: WebhookDelivery.select().where(WebhookDelivery.dead == True).count() == 3)  # noqa: E712
    dead = subscriptions.dead_list(admin, sub.id)
    assert [d.event.key for d in dead] == keys and all(d.last_status == 500 for d in dead)
    listed = {s.id: s for s in subscriptions.listing(admin)}[sub.id]
    assert (listed.dead_count, listed.waiting) == (3, 0)

    receiver.mode = "ok"
    assert subscriptions.replay(admin, sub.id, keys[1]) == 1
    drain(deliverer, lambda: len(receiver.delivered()) == 1)
    assert [e["id"] for e in receiver.delivered()] == [keys[1]]
    assert subscriptions.replay(admin, sub.id) == 2
    drain(deliverer, lambda: len(receiver.delivered()) == 3)
    assert sorted(e["id"] for e in receiver.delivered()) == sorted(keys)
    assert WebhookDelivery.select().count() == 0
    later = emit(1, start=10)
    drain(deliverer, lambda: len(receiver.delivered()) == 4)
    assert receiver.delivered()[-1]["id"] == later[0]


def test_two_delivery_threads_never_send_one_event_at_once(admin, receiver, database):
    subscriptions.add(admin, receiver.url, [])
    keys = emit(60)
    rules = Rules(**FAST)
    threads = [worker.Deliverer(rules).start(), worker.Deliverer(rules).start()]
    try:
        assert receiver.wait_for(lambda r: len(r.delivered()) >= 60)
        time.sleep(0.3)  # let a duplicate, if any, arrive
    finally:
        for job in threads:
            job.stop()
    assert [e["id"] for e in receiver.delivered()] == keys


def test_a_restart_loses_nothing(admin, receiver):
    sub = subscriptions.add(admin, receiver.url, [])
    keys = emit(3)
    first = worker.Deliverer(Rules(**FAST))
    drain(first, lambda: len(receiver.delivered()) == 3)
    first.stop()
    # Killed between a 2xx and its commit: the lease stays taken and the cursor where it was.
    with write_transaction():
        Webhook.update(claimed_by="gone:1:dead", claimed_until=delivery.utcnow()).where(
            Webhook.id == sub.id).execute()
    more = emit(3, start=3)
    second = worker.Deliverer(Rules(**FAST))
    drain(second, lambda: len(receiver.delivered()) == 6)
    assert [e["id"] for e in receiver.delivered()] == keys + more


def test_the_background_thread_delivers_and_stops(admin, receiver):
    subscriptions.add(admin, receiver.url, [])
    job = worker.ensure_running(lambda: Rules(**FAST))
    try:
        assert worker.ensure_running(lambda: Rules(**FAST)) is job  # one per process
        keys = emit(2)
        assert receiver.wait_for(lambda r: len(r.delivered()) == 2)
        assert [e["id"] for e in receiver.delivered()] == keys
    finally:
        worker.stop()
    assert not job.thread.is_alive()


def test_a_write_wakes_the_delivery_only_where_there_is_somewhere_to_deliver(admin, receiver):
    # A plant without webhooks must not pay a delivery round (a connection of its own) for every
    # API move; one with a webhook gets each event at once, not at the next poll.
    rounds = []

    class Counting(worker.Deliverer):
        def run_once(self):
            rounds.append(self.delivering)
            return super().run_once()

    slow_poll = Rules(**{**FAST, "poll_seconds": 30})
    job = worker._DELIVERERS.running.setdefault(os.getpid(), Counting(slow_poll).start())
    try:
        assert wait(lambda: len(rounds) == 1 and not job.delivering)
        for _ in range(5):
            worker.wake()
        time.sleep(0.3)
        assert len(rounds) == 1  # nobody to deliver to: the writes woke nothing
        subscriptions.add(admin, receiver.url, [])
        job.wake()  # what the next poll would do
        assert wait(lambda: len(rounds) == 2 and job.delivering)
        emit(1)
        worker.wake()  # the write's own wake: a round now, long before the next poll
        assert wait(lambda: len(rounds) >= 3)
    finally:
        worker.stop()


def wait(condition, seconds=5):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


def test_only_admins_manage_webhooks(plant, receiver):
    from staging.domain.errors import Forbidden, Invalid
    with pytest.raises(Forbidden):
        subscriptions.add(plant.users["lead"], receiver.url, [])
    for bad in ("", "ftp://example.com/x", "not a url", "https://", "http://host:port/x"):
        with pytest.raises(Invalid):
            subscriptions.add(plant.users["admin"], bad, [])
    with pytest.raises(Invalid):
        subscriptions.add(plant.users["admin"], receiver.url, ["unit.teleported"])
    assert Webhook.select().count() == 0


def test_check_names_a_dead_event_the_feed_would_send_again(admin, receiver):
    from staging.domain.promises import webhook_deliveries
    sub = subscriptions.add(admin, receiver.url, ["unit.moved"])
    receiver.mode = "fail"
    emit(2)
    deliverer = worker.Deliverer(Rules(dead_after_hours=0, **FAST))
    drain(deliverer, lambda: WebhookDelivery.select().count() == 2)
    assert webhook_deliveries.broken() == []
    with write_transaction():  # the cursor put back before its dead events: they would go out twice
        Webhook.update(cursor=None, secret="").where(Webhook.id == sub.id).execute()
    problems = webhook_deliveries.broken()
    assert len(problems) == 3 and "no signing secret" in problems[0]
    assert all("sent twice" in p for p in problems[1:])
