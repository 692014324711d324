"""API tokens as an admin sees them: whose, named what, last used when; revoked one by one, or all of
a person's at once when a reset after a suspected compromise should end them too."""
import datetime

from ...store.db import FAULTS
from ...store.models import ApiToken, User, utcnow
from ..errors import NotFound
from . import security_log
from .permissions import authorize

# Writing the last use on every API call would make each one a write: once a minute is enough to see
# whether a token is still in use.
TOUCH_EVERY = datetime.timedelta(minutes=1)


def touch(token):
    """Note that `token` (an ApiToken row) was used now. Best effort: a database that cannot write at
    the moment (a full disk) must not refuse a read-only API call."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    try:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
    except FAULTS:  # the call itself goes on; its last use is a hint, not a record
        pass


def active_by_user(people):
    """{user id: [their unrevoked tokens, newest first]} for the people page."""
    ids = [person.id for person in people]
    found = {}
    if not ids:
        return found
    for token in (ApiToken.select().where(ApiToken.user.in_(ids), ApiToken.revoked_at.is_null())
                  .order_by(ApiToken.id.desc())):
        found.setdefault(token.user_id, []).append(token)
    return found


def end_all(user, actor=None, address=""):
    """Revoke every token of `user` (inside the caller's transaction); returns how many."""
    count = (ApiToken.update(revoked_at=utcnow())
             .where(ApiToken.user == user.id, ApiToken.revoked_at.is_null()).execute())
    if count:
        security_log.record("tokens_revoked", actor=actor, subject=user, address=address, detail=f"{count} token(s)")
    return count


def revoke(admin, token_id, address=""):
    """An admin revokes one token; returns its owner."""
    authorize(admin, "manage_users")
    token = ApiToken.get_or_none(ApiToken.id == token_id, ApiToken.revoked_at.is_null())
    if token is None:
        raise NotFound("No such API token (revoked already?).")
    ApiToken.update(revoked_at=utcnow()).where(ApiToken.id == token.id).execute()
    owner = User.get_by_id(token.user_id)
    security_log.record("tokens_revoked", actor=admin, subject=owner, address=address,
                        detail=f"token {token.id} {token.name}"[:200])
    return owner
