"""Sign-in throttling: too many failed sign-ins for one user name, or from one address, and further
attempts are refused for a while. The failures live in the database, so every gunicorn worker and
every host behind the load balancer counts the same ones. No Flask here."""
import datetime
import math
import threading

from ...store.db import write_transaction
from ...store.models import LoginFailure, utcnow
from ..errors import TooManyAttempts

WINDOW = datetime.timedelta(minutes=15)
# Who counts against whom. A known device (one that carries the server-signed key a sign-in gave
# it, see web/devices.py) is held to its own failures only: guesses from elsewhere, and a stranger
# typing a named person's password six times, never lock out the handhelds and desks people use.
# Clients without a key (a stranger's, a new device) share the address's count: a plant's NAT puts
# every unknown client of a shift behind one address, but the known handhelds carry on.
# Per user name: guessing one person's password or PIN (each its own count: wrong passwords never
# lock the badge and PIN). Per address (unknown clients) or per device (known): across names.
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20
MAX_PER_DEVICE = 10
KINDS = ("password", "pin", "badge")


def _name(username):
    # Stored and compared as typed, trimmed and cut to the column: a 10,000-character or
    # control-character name is still a failure to count, never an error.
    return "".join(ch for ch in str(username or "").strip() if ch.isprintable())[:64]


# Guesses at one name (or, for badges, from one address) take turns in a process: checked,
# verified and counted one at a time, so a burst of parallel requests cannot all pass the check
# before the first is counted. Across gunicorn workers each can still have one in flight at once.
# Waiting, not refusing: honest sign-ins of one shared account at shift start just queue.
_TURNS = [threading.Lock() for _ in range(64)]


def turn(username, address):
    """The lock an attempt holds from its check until it is counted (or forgiven)."""
    name = _name(username)
    return _TURNS[hash(name or "@" + (address or "")) % len(_TURNS)]


def check(username, address, now=None, *, per_username=None, per_address=None, device="", per_device=None,
          kind="password"):
    """Raise TooManyAttempts when this name (for this kind of sign-in), this device (a known one) or
    this address (an unknown client) has failed too often lately. `device` is the device's signed
    key, "" for a client without one."""
    now = now or utcnow()
    since = now - WINDOW
    limits = []
    name, key = _name(username), _name(device)
    if name:
        limits.append((_by_name(name, kind) & (LoginFailure.device == key), per_username or MAX_PER_USERNAME))
    if key:
        limits.append((LoginFailure.device == key, per_device or MAX_PER_DEVICE))
    elif address:
        limits.append(((LoginFailure.address == address[:64]) & (LoginFailure.device == ""),
                       per_address or MAX_PER_ADDRESS))
    wait = None
    for where, limit in limits:
        # The limit-th most recent failure in the window: the refusal ends when it ages out.
        row = (LoginFailure.select(LoginFailure.at).where(where, LoginFailure.at > since)
               .order_by(LoginFailure.at.desc()).offset(limit - 1).limit(1).first())
        if row is not None:
            until = row.at + WINDOW
            wait = until if wait is None else max(wait, until)
    if wait is not None:
        minutes = max(1, math.ceil((wait - now).total_seconds() / 60))
        if minutes == 1:
            raise TooManyAttempts("Too many failed sign-ins; try again in 1 minute.")
        raise TooManyAttempts("Too many failed sign-ins; try again in {minutes} minutes.", minutes=minutes)


def _by_name(name, kind):
    # Rows from before kinds were kept are password failures.
    if kind == "password":
        return (LoginFailure.username == name) & ((LoginFailure.kind == kind) | (LoginFailure.kind == "")
                                                  | LoginFailure.kind.is_null())
    return (LoginFailure.username == name) & (LoginFailure.kind == kind)


def failed(username, address, now=None, device="", kind="password"):
    """Count a failed sign-in; old ones are dropped on the way (the window is all we look at)."""
    now = now or utcnow()
    with write_transaction():
        LoginFailure.delete().where(LoginFailure.at <= now - WINDOW).execute()
        LoginFailure.create(username=_name(username), address=(address or "")[:64], device=_name(device),
                            kind=kind, at=now)


def succeeded(username):
    """A right password forgives that name's earlier typos (not the address's: one good account
    must not reset the count for guesses at the others)."""
    name = _name(username)
    if name:
        LoginFailure.delete().where(LoginFailure.username == name).execute()
