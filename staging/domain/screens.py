"""Wall screens: a TV on the floor showing the board without anyone signed in. Each screen has its
own token, in the link it opens (/wall/<token>); only its sha256 is kept, in a table of its own, so
a screen's token is never an API token and opens nothing but its screen. An admin lists the screens
and revokes one (a TV stolen, a link posted where it should not be)."""
import datetime
import hashlib
import secrets

from peewee import JOIN

from ..store.db import FAULTS, write_transaction
from ..store.models import Screen, User, utcnow
from .errors import Forbidden, Invalid, NotFound
from .people import security_log
from .people.permissions import authorize

PREFIX = "wall_"
SEEN_EVERY = datetime.timedelta(minutes=1)  # a screen polls every few seconds: note it once a minute


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create(name, admin=None):
    """A new screen; returns (screen, token). The token is shown once, here, and never stored."""
    if admin is not None:
        authorize(admin, "manage_screens")
    name = str(name or "").strip()
    if not name or len(name) > 80:
        raise Invalid("Name the screen (like “Hall 2 by the door”), in at most 80 characters.")
    token = PREFIX + secrets.token_urlsafe(24)
    with write_transaction():
        screen = Screen.create(name=name, token_hash=_hash(token), created_by=admin, created_at=utcnow())
    security_log.record("token_created", actor=admin, detail=f"wall screen {screen.id} {name}"[:200])
    return screen, token


def screen_for(token):
    """The screen a token opens. Unknown: NotFound; revoked: Forbidden."""
    token = str(token or "")
    found = Screen.get_or_none(Screen.token_hash == _hash(token)) if token.startswith(PREFIX) else None
    if found is None:
        raise NotFound("No such wall screen.")
    if found.revoked_at is not None:
        raise Forbidden("This wall screen was switched off by an admin.")
    return found


def seen(screen, now=None):
    """Note that the screen asked for its page (best effort, at most once a minute)."""
    now = now or utcnow()
    if screen.last_seen_at is not None and now - screen.last_seen_at < SEEN_EVERY:
        return
    try:
        Screen.update(last_seen_at=now).where(Screen.id == screen.id).execute()
    except FAULTS:
        pass


def listed(admin):
    authorize(admin, "manage_screens")
    return list(Screen.select(Screen, User).join(User, on=(Screen.created_by == User.id), join_type=JOIN.LEFT_OUTER,
                                                 attr="created_by")
                .order_by(Screen.revoked_at.is_null(False), Screen.id.desc()))


def revoke(admin, screen_id, now=None):
    authorize(admin, "manage_screens")
    with write_transaction():
        found = Screen.get_or_none(Screen.id == screen_id) if str(screen_id).isdigit() else None
        if found is None:
            raise NotFound("No such wall screen.")
        if found.revoked_at is None:
            found.revoked_at = now or utcnow()
            found.save()
    security_log.record("tokens_revoked", actor=admin, detail=f"wall screen {found.id} {found.name}"[:200])
    return found
