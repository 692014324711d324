"""The background job that delivers events: a thread in each app process (started from the first
request, for the reasons in domain/background.py) looks at every subscription a few times a second
and sends what is due. Threads in other processes and on
other hosts do the same; the subscription's lease (delivery.claim) lets one of them send at a time."""
import atexit
import os
import socket
import uuid

from ...store.db import db, is_postgres, write_transaction
from ...store.models import Webhook, utcnow
from ..background import Job, PerProcess
from . import delivery
from .senders import HttpSender, MqttSender, MqttTarget
from .subscriptions import head_cursor


class Deliverer(Job):
    name = "event-delivery"

    def __init__(self, rules):
        super().__init__()
        self.rules = rules
        self.holder = f"{socket.gethostname()[:18]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.mqtt = MqttTarget(rules.mqtt_url) if rules.mqtt_url else None
        self.mqtt_ready = False
        self.senders = {}  # subscription id -> (url, secret, sender)
        # Whether the last round found a subscription this process delivers to. Without one, a write
        # does not wake the thread: a round costs a connection of its own, which would double an API
        # move's cost in a plant with no webhooks; the next poll finds a new subscription anyway.
        self.delivering = True

    def _sender(self, sub):
        known = self.senders.get(sub.id)
        if known and known[:2] == (sub.url, sub.secret):
            return known[2]
        if known:
            known[2].close()
        sender = (MqttSender(self.mqtt, self.rules.timeout) if sub.kind == "mqtt"
                  else HttpSender(sub.url, sub.secret, self.rules.timeout))
        self.senders[sub.id] = (sub.url, sub.secret, sender)
        return sender

    def _ensure_mqtt(self):
        """The broker's own subscription row (one per broker address, shared by every process)."""
        with write_transaction():
            if is_postgres():  # two processes starting at once must not both add it
                db.execute_sql('LOCK TABLE "webhook" IN SHARE ROW EXCLUSIVE MODE')
            if not Webhook.select().where(Webhook.kind == "mqtt", Webhook.url == self.mqtt.shown).exists():
                Webhook.create(kind="mqtt", url=self.mqtt.shown, cursor=head_cursor())
        self.mqtt_ready = True

    def run_once(self):
        """One look at every subscription, on a connection of this thread's own. Returns how many
        events went out."""
        with db.connection_context():
            if self.mqtt and not self.mqtt_ready:
                self._ensure_mqtt()
            sent, now, delivering = 0, utcnow(), False
            for sub in Webhook.select().where(Webhook.active == True).order_by(Webhook.id):  # noqa: E712
                if sub.kind == "mqtt" and (self.mqtt is None or sub.url != self.mqtt.shown):
                    continue  # another broker, or none configured in this process
                delivering = True
                if sub.claimed_until and sub.claimed_until > now and sub.claimed_by != self.holder:
                    continue
                if not delivery.has_work(sub, now):
                    continue
                claimed = delivery.claim(sub.id, self.holder, self.rules)
                if claimed is None:
                    continue
                try:
                    sent += delivery.run(claimed, self._sender(claimed), self.holder, self.rules) or 0
                finally:
                    delivery.release(sub.id, self.holder)
            self.delivering = delivering
            return sent

    def pause(self):
        return self.rules.poll

    def stop(self):
        super().stop()
        for *_, sender in self.senders.values():
            sender.close()


def _started(rules_of):
    # A worker that exits in order (gunicorn's restart, SIGTERM) hands its lease back at once, rather
    # than leaving the next holder to wait for it to run out.
    atexit.register(stop)
    return Deliverer(rules_of())


_DELIVERERS = PerProcess(_started)
ensure_running = _DELIVERERS.ensure  # (rules_of) -> this process's job
stop = _DELIVERERS.stop


def wake():
    """A request of this process may have committed events: look now rather than at the next poll
    (events written by other processes wait at most WEBHOOK_POLL_SECONDS)."""
    job = _DELIVERERS.current()
    if job is not None and job.delivering:
        job.wake()
