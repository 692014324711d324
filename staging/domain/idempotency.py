"""Requests that may be sent again: an integration that lost an answer (a timeout, a dropped
connection) retries with the same Idempotency-Key and gets the first answer back, and the work is
done once.

The key is claimed before the request runs, in a transaction of its own, under a unique index on
(user, key): of two identical requests at once, one inserts the row and runs; the other finds the
row and waits a little for its answer, else it is told the request is still under way (409). The
answer is stored when the request is done; an answer the server failed to give (5xx) is not kept,
and the key is free again: nothing was written, so a retry may run. A key is kept a day, and
swept away lazily by the claims themselves.

A worker that dies in the middle of a request leaves its key claimed with no answer: after
STALE, a retry takes the key over and runs (the request either committed nothing, or committed
what a move's client_scan_id would recognise)."""
import datetime
import hashlib
import json
import threading
import time
from dataclasses import dataclass

from peewee import IntegrityError

from ..store.db import write_transaction
from ..store.models import IdempotencyKey, utcnow
from .errors import Conflict

KEEP = datetime.timedelta(hours=24)
STALE = datetime.timedelta(minutes=5)  # far longer than any request may run (gunicorn's timeout: 30 s)
SWEEP_EVERY_SECONDS = 300
POLL_SECONDS = 0.05


@dataclass
class Answer:
    status: int
    body: str
    content_type: str


def fingerprint(data, is_json):
    """What "the same body" means: a JSON body's canonical form (the order of its keys and its
    spacing do not matter), anything else byte for byte."""
    if is_json:
        try:
            data = json.dumps(json.loads(data), sort_keys=True, separators=(",", ":")).encode()
        except ValueError:
            pass  # not JSON after all: its bytes
    return hashlib.sha256(data).hexdigest()


def claim(user, key, request, body_hash, wait_seconds=2.0):
    """The key for this request: its id when the caller is to run the request, or the stored
    Answer of the first one. Raises Conflict when the key was used for another request or body, or
    when the first one is still being answered after wait_seconds."""
    _sweep_now_and_then()
    give_up = time.monotonic() + wait_seconds
    while True:
        claimed = _insert(user, key, request, body_hash)
        if claimed is not None:
            return claimed
        row = IdempotencyKey.get_or_none(IdempotencyKey.user == user, IdempotencyKey.key == key)
        if row is None:
            continue  # swept or given up between the insert and the read: claim it again
        if row.created_at < utcnow() - KEEP:
            _forget(row)
            continue
        if (row.request, row.body_hash) != (request, body_hash):
            raise Conflict("This Idempotency-Key was already used for another request ({request}, with another "
                           "body): use a new key for a new request.", request=row.request)
        if row.status is not None:
            return Answer(row.status, row.response or "", row.content_type or "application/json")
        if row.created_at < utcnow() - STALE and _take_over(row):
            return row.id
        if time.monotonic() >= give_up:
            raise Conflict("The first request with this Idempotency-Key is still being answered: ask again in a "
                           "moment for its answer.")
        time.sleep(POLL_SECONDS)


def _insert(user, key, request, body_hash):
    try:
        with write_transaction():
            return IdempotencyKey.insert(user=user, key=key, request=request, body_hash=body_hash,
                                         created_at=utcnow()).execute()
    except IntegrityError:
        return None


def _forget(row):
    with write_transaction():
        (IdempotencyKey.delete()
         .where(IdempotencyKey.id == row.id, IdempotencyKey.created_at == row.created_at).execute())


def _take_over(row):
    """A claim whose worker died: the first retry to stamp it anew runs the request."""
    with write_transaction():
        return IdempotencyKey.update(created_at=utcnow()).where(
            IdempotencyKey.id == row.id, IdempotencyKey.status.is_null(),
            IdempotencyKey.created_at == row.created_at).execute() == 1


def keep(claimed, status, body, content_type):
    """The request's answer, for the retries to come."""
    with write_transaction():
        IdempotencyKey.update(status=status, response=body, content_type=content_type[:100]).where(
            IdempotencyKey.id == claimed).execute()


def give_up(claimed):
    """The request failed without an answer worth keeping: the key is free for a retry."""
    with write_transaction():
        IdempotencyKey.delete().where(IdempotencyKey.id == claimed, IdempotencyKey.status.is_null()).execute()


_swept = {"at": 0.0}
_sweeping = threading.Lock()


def _sweep_now_and_then():
    """Keys older than KEEP go, at most every few minutes per process: no job needed for it."""
    now = time.monotonic()
    if now - _swept["at"] < SWEEP_EVERY_SECONDS or not _sweeping.acquire(blocking=False):
        return
    try:
        _swept["at"] = now
        sweep()
    finally:
        _sweeping.release()


def sweep(now=None):
    """Forget the keys older than KEEP (and their answers). Returns how many went."""
    with write_transaction():
        return IdempotencyKey.delete().where(IdempotencyKey.created_at < (now or utcnow()) - KEEP).execute()
