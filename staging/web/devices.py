"""A device's identity for the sign-in throttle: a random key the server signs and hands out with a
successful sign-in, kept in a cookie for a year.

A client picks its own headers and its own device name (the `device` cookie the scan page shows,
which names ledger rows); neither may decide whose guesses count against whom. Only a key this
server signed does: it marks a device where someone has signed in before. Such a device is held to
its own failures; a client without one (a stranger, a script, a new device) is counted with the
other unknown clients at its address. See domain/people/throttle.py."""
import secrets

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "device_key"
AGE = 365 * 24 * 3600


def _signer():
    return URLSafeSerializer(current_app.secret_key, salt="device-key")


def _read():
    value = request.cookies.get(COOKIE, "")
    if not value or len(value) > 200:
        return ""
    try:
        key = _signer().loads(value)
    except BadSignature:
        return ""
    return key if isinstance(key, str) and key.isalnum() and len(key) <= 32 else ""


def key():
    """This request's device key, "" when it carries no valid one."""
    return g.get("device_key", "")


def remember():
    """A sign-in succeeded here: from now on this device is known (a new key, unless it has one)."""
    if not key():
        g.device_key = secrets.token_hex(8)
        g.device_key_new = True


def init_app(app):
    @app.before_request
    def read_device_key():
        g.device_key = _read()

    @app.after_request
    def give_device_key(response):
        if g.get("device_key_new"):
            response.set_cookie(COOKIE, _signer().dumps(g.device_key), max_age=AGE, httponly=True,
                                samesite="Lax", secure=request.is_secure)
        return response
