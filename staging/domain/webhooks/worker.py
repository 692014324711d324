"""The background job that delivers events: a thread in each app process (started from the first
request, as the staging tasks' refresher is, for the same reasons: see tasks/refresher.py) looks at
every subscription a few times a second and sends what is due. Threads in other processes and on
other hosts do the same; the subscription's lease (delivery.claim) lets one of them send at a time."""
import atexit
import logging
import os
import socket
import threading
import uuid

from ...store.db import db, is_postgres, write_transaction
from ...store.models import Webhook, utcnow
from . import delivery
from .senders import HttpSender, MqttSender, MqttTarget
from .subscriptions import head_cursor

log = logging.getLogger(__name__)


class Deliverer:
    def __init__(self, rules):
        self.rules = rules
        self.holder = f"{socket.gethostname()[:18]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.mqtt = MqttTarget(rules.mqtt_url) if rules.mqtt_url else None
        self.mqtt_ready = False
        self.senders = {}  # subscription id -> (url, secret, sender)
        self._stop = threading.Event()
        self._wake = threading.Event()  # set when this process has just written (see wake())
        self.thread = None

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
            sent, now = 0, utcnow()
            for sub in Webhook.select().where(Webhook.active == True).order_by(Webhook.id):  # noqa: E712
                if sub.kind == "mqtt" and (self.mqtt is None or sub.url != self.mqtt.shown):
                    continue  # another broker, or none configured in this process
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
            return sent

    def _loop(self):
        while not self._stop.is_set():
            try:
                sent = self.run_once()
            except Exception:  # a failed look (database away, a receiver's odd answer) must not end the job
                log.exception("events: a delivery pass failed; trying again")
                sent = 0
            if not sent:
                self._wake.wait(self.rules.poll)
                self._wake.clear()

    def start(self):
        self.thread = threading.Thread(target=self._loop, name="event-delivery", daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self._stop.set()
        self._wake.set()
        if self.thread is not None:
            self.thread.join(timeout=30)
        for *_, sender in self.senders.values():
            sender.close()


_RUNNING = {}  # pid -> Deliverer: a forked child starts its own


def ensure_running(rules_of):
    """Start this process's job unless it runs already (cheap: called at the start of every request)."""
    pid = os.getpid()
    job = _RUNNING.get(pid)
    if job is None or not job.thread.is_alive():
        with _START:
            job = _RUNNING.get(pid)
            if job is None or not job.thread.is_alive():
                job = _RUNNING[pid] = Deliverer(rules_of()).start()
                # A worker that exits in order (gunicorn's restart, SIGTERM) hands its lease back at
                # once, rather than leaving the next holder to wait for it to run out.
                atexit.register(stop)
    return job


def wake():
    """A request of this process may have committed events: look now rather than at the next poll
    (events written by other processes wait at most WEBHOOK_POLL_SECONDS)."""
    job = _RUNNING.get(os.getpid())
    if job is not None:
        job._wake.set()


def stop():
    job = _RUNNING.pop(os.getpid(), None)
    if job is not None:
        job.stop()


_START = threading.Lock()
