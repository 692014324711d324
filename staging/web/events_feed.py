"""GET /api/events: the plant's events (CloudEvents) in commit order behind a cursor, with an
optional long poll. A route of the api blueprint: its token check and problem+json.

A long poll holds a worker thread while it waits, so a process keeps only a few at once; a
request beyond them is answered at once (Retry-After: 1), and the follower asks again. While it
waits it gives back its people-first turn (people_first.stepped_aside): it does no work then."""
import threading
import time

from flask import current_app, jsonify, request

from ..domain import events
from . import api, schemas_events
from .apispec import responses, spec
from .people_first import stepped_aside
from .schemas_events import MAX_WAIT

POLL_SECONDS = 0.25  # how often a waiting request looks again: one indexed query
WAITING_PER_PROCESS = 2  # of gunicorn's 8 threads: the rest stay for scans and pages
_waiting = threading.BoundedSemaphore(WAITING_PER_PROCESS)


@api.bp.get("/events")
@api.token_required
@spec.validate(query=schemas_events.EventsQuery, resp=responses(200, schemas_events.EventPage, 422), tags=["events"])
def feed(query: schemas_events.EventsQuery):
    """What happened in the plant, oldest first, as CloudEvents 1.0: pass `next` back as `after` for
    the next page. Never skips an event whose transaction commits late, never repeats one (at-least-
    once only across a receiver's own retries: dedupe by `id`). `wait` long-polls for news."""
    events.configure(current_app.config.get("PLANT_NAME"))
    found, following = events.page(query.after, query.limit, query.types)
    if found or not query.wait or not current_app.config.get("EVENTS_MAX_WAIT", MAX_WAIT):
        return jsonify(events=found, next=following)
    if not _waiting.acquire(blocking=False):
        response = jsonify(events=[], next=following)
        response.headers["Retry-After"] = "1"
        return response
    try:
        deadline = time.monotonic() + min(query.wait, current_app.config.get("EVENTS_MAX_WAIT", MAX_WAIT))
        with stepped_aside(request.environ):
            while not found and time.monotonic() < deadline:
                time.sleep(min(POLL_SECONDS, max(0.0, deadline - time.monotonic())))
                found, following = events.page(query.after, query.limit, query.types)
    finally:
        _waiting.release()
    return jsonify(events=found, next=following)


def register(app):
    events.configure(app.config.get("PLANT_NAME"))
