"""The step a queued scan belongs to. The scan page's state lives in the session; when the session
is lost (expired, signed out elsewhere) a half-done move ("P000119: where to?") would go with it,
and the location scanned next would start a new move. So every panel carries its pending state,
signed by the server (data-step), and the page's script sends it with the first scan it queues
after that panel: a fresh session of the same person picks the step up again, so the scan
completes the move it was made for. Signed, so a page cannot invent a state; a person's own only."""
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..domain.scan import scanning


def _signer():
    return URLSafeSerializer(current_app.secret_key, salt="scan-step")


def token(state):
    """The pending state as a signed token for the panel ('' when nothing is pending)."""
    return _signer().dumps(state.dump()) if state.pending else ""


def resumed(value, user, current):
    """The state to scan in: the step `value` carried, when this session has nothing pending of its
    own (its pending step was lost with the old session) and the step is this person's; else
    `current`. An old step expires like any pending scan (scanning's own ten minutes)."""
    if not value or current.pending or user is None:
        return current
    try:
        data = _signer().loads(str(value)[:4000])
    except BadSignature:
        return current
    state = scanning.State.load(data)
    if state.user_id != user.id or not state.pending:
        return current
    return state
