"""A real HTTP receiver on this machine for webhook tests: records every request it gets, and can be
told to fail for a while (answer 500, or drop the connection without an answer)."""
import base64
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.requests = []  # (headers dict, body bytes) of every request, answered or not
        self.mode = "ok"  # ok: 204; fail: 500; drop: close without answering
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                mode = receiver.mode
                with receiver.changed:
                    receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, mode))
                    receiver.changed.notify_all()
                if mode == "drop":
                    self.close_connection = True
                    return
                status = 204 if mode == "ok" else 500
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def delivered(self):
        """The events answered 2xx, in arrival order (parsed bodies)."""
        return [json.loads(body) for _, body, mode in list(self.requests) if mode == "ok"]

    def wait_for(self, predicate, timeout=30):
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self), timeout)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def verify(secret, headers, body):
    """The receiver's side of Standard Webhooks, written from the spec (not from our sender)."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return any(hmac.compare_digest(f"v1,{expected}", sig) for sig in headers["webhook-signature"].split(" "))
