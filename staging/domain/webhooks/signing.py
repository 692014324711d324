"""Standard Webhooks signatures (https://www.standardwebhooks.com/): a receiver checks a delivery with
any of that project's libraries, or in a few lines of its own (README, "Connecting your ERP").

The secret is `whsec_` + base64 of random bytes; the HMAC key is those bytes (the base64 after the
prefix, decoded). The signed content is `{webhook-id}.{webhook-timestamp}.{body}`, exactly the bytes
sent, and `webhook-signature` is `v1,` + base64 of its HMAC-SHA256."""
import base64
import hashlib
import hmac
import secrets

PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64


def new_secret():
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def key_of(secret):
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret, msg_id, timestamp, body: bytes):
    signed = f"{msg_id}.{int(timestamp)}.".encode() + body
    digest = hmac.new(key_of(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret, msg_id, timestamp, body: bytes):
    """The three headers of one delivery attempt."""
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(timestamp)),
            "webhook-signature": signature(secret, msg_id, timestamp, body)}
