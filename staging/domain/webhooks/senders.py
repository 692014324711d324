"""How one event leaves the plant: an HTTP POST to a receiver (signed), or a QoS 1 publish to the
plant's MQTT broker. A sender answers each event with None (delivered: a 2xx, or the broker's PUBACK)
or why not (the status and a line of the answer, a timeout, a refused connection)."""
import http.client
import json
import ssl
import threading
import time
import uuid
from urllib.parse import quote, unquote, urlsplit

from . import signing

CONTENT_TYPE = "application/cloudevents+json"


class Failed:
    """Why a delivery did not happen: what the admin page and the API show."""

    def __init__(self, error, status=None):
        self.error, self.status = error[:500], status

    def __repr__(self):
        return f"Failed({self.error!r}, {self.status!r})"


def body_of(event):
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode()


class HttpSender:
    """POSTs to one receiver over a kept-alive connection (one per subscription and thread).
    http.client rather than requests: a third of the time per event, which is what bounds a
    subscription's rate (its events go one after the other)."""

    def __init__(self, url, secret, timeout):
        self.url, self.secret, self.timeout = url, secret, timeout
        parts = urlsplit(url)
        self.https, self.host, self.port = parts.scheme == "https", parts.hostname, parts.port
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.conn = None

    def _connection(self):
        if self.conn is None:
            if self.https:
                self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                        context=ssl.create_default_context())
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self.conn

    def _post(self, body, headers):
        conn = self._connection()
        try:
            conn.request("POST", self.path, body, headers)
            answer = conn.getresponse()
            return answer.status, answer.read(2000)
        except Exception:
            self.close()  # a half-used connection is never reused
            raise

    def send(self, event):
        body = body_of(event)
        headers = {"Content-Type": CONTENT_TYPE, "User-Agent": "staging-webhooks/1",
                   **signing.headers(self.secret, event["id"], time.time(), body)}
        try:
            try:
                status, text = self._post(body, headers)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The receiver closed a kept-alive connection between two events: once more, afresh.
                status, text = self._post(body, headers)
        except TimeoutError:
            return Failed(f"no answer within {self.timeout:g} s")
        except (OSError, http.client.HTTPException) as err:
            return Failed(f"could not send: {err.strerror or err}" if isinstance(err, OSError) and err.strerror
                          else f"could not send: {type(err).__name__}: {err}")
        if 200 <= status < 300:
            return None
        line = text.decode("utf-8", "replace").strip().splitlines()[0][:200] if text.strip() else ""
        return Failed(f"HTTP {status}" + (f": {line}" if line else ""), status)

    def send_all(self, events, deadline=None):
        """Each event in turn until one fails or the deadline (time.monotonic) passes: (how many were
        delivered, why the next was not)."""
        for done, event in enumerate(events):
            if done and deadline is not None and time.monotonic() > deadline:
                return done, None
            failed = self.send(event)
            if failed:
                return done, failed
        return len(events), None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class MqttTarget:
    """MQTT_URL read: mqtt[s]://[user:pass@]host[:port]/prefix."""

    def __init__(self, url):
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
            raise ValueError("MQTT_URL must look like mqtt://[user:pass@]host:port/prefix (mqtts:// for TLS)")
        self.tls = parts.scheme == "mqtts"
        self.host, self.port = parts.hostname, parts.port or (8883 if self.tls else 1883)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.prefix = parts.path.strip("/")
        # What the plant may see of it (the subscription row, the admin page): never the password.
        self.shown = f"{parts.scheme}://{self.host}:{self.port}/{self.prefix}"

    def topic(self, event):
        # The subject is a pallet's LPN, a location's code ...: quoted so a `/`, `+` or `#` in it can
        # neither add a level nor act as a wildcard for subscribers.
        subject = quote(str(event.get("subject") or "-"), safe="-_.~")
        return "/".join(p for p in (self.prefix, event["type"], subject) if p)


class MqttSender:
    """Publishes at QoS 1 and counts an event delivered only when the broker has acknowledged it."""

    def __init__(self, target, timeout):
        # Imported here: only a plant with MQTT_URL publishes, and every app process would carry the
        # client (6 MB) otherwise.
        import paho.mqtt.client as mqtt

        self.target, self.timeout = target, timeout
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=f"staging-{uuid.uuid4().hex[:12]}", protocol=mqtt.MQTTv311)
        if target.username:
            self.client.username_pw_set(target.username, target.password)
        if target.tls:
            self.client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
        self.connected = threading.Event()
        self.client.on_connect = lambda c, u, flags, rc, props=None: rc == 0 and self.connected.set()
        self.client.on_disconnect = lambda *args: self.connected.clear()
        self.started = False

    def _connect(self):
        if not self.started:
            self.client.connect_async(self.target.host, self.target.port, keepalive=30)
            self.client.loop_start()
            self.started = True
        return self.connected.wait(self.timeout)

    def send_all(self, events, deadline=None):
        if not self._connect():
            return 0, Failed(f"no connection to the broker at {self.target.host}:{self.target.port}")
        sent = [self.client.publish(self.target.topic(e), body_of(e), qos=1) for e in events]
        deadline = time.monotonic() + self.timeout
        for done, info in enumerate(sent):
            try:
                info.wait_for_publish(max(0.0, deadline - time.monotonic()))
            except (RuntimeError, ValueError) as err:
                return done, Failed(f"the broker did not take it: {err}")
            if not info.is_published():
                return done, Failed(f"the broker did not acknowledge within {self.timeout:g} s")
        return len(events), None

    def close(self):
        if self.started:
            self.client.disconnect()
            self.client.loop_stop()
