"""Users, passwords, badges and API tokens. No Flask here either."""
import hashlib
import secrets

from werkzeug.security import generate_password_hash

from ...store.db import Prepared, write_transaction
from ...store.models import ROLES, ApiToken, User, utcnow
from .. import codes, languages
from ..errors import Forbidden, Invalid, NotFound, SignInFailed
from ..words import Words
from . import badges, passwords, security_log, throttle
from .permissions import authorize

PASSWORD_METHOD = "scrypt"  # werkzeug's default; tests lower the cost


def create_user(username, role, password=None, *, display_name="", badge=None, language=""):
    username = (username or "").strip()
    if not username or len(username) > 64 or not username.isprintable():
        raise Invalid("A user name is 1 to 64 printable characters.")
    if role not in ROLES:
        raise Invalid("Role must be one of: {roles}.", roles=', '.join(ROLES))
    if password is not None and len(password) < 8:
        raise Invalid("A password needs at least 8 characters.")
    language = languages.checked(language)
    if role in ("lead", "admin") and not password and not badge:
        # No default password, and no lead/admin who can never sign in: say how they will.
        raise Invalid("A {role} needs a password (--password) or a badge to sign in.", role=role)
    with write_transaction():
        if User.select().where(User.username == username).exists():
            raise Invalid("There is already a user {user}.", user=username)
        user = User.create(username=username, role=role, display_name=display_name or username,
                           password_hash=generate_password_hash(password, PASSWORD_METHOD) if password else None,
                           badge=codes.check_own_code(badge, Words("badge code")) if badge else None,
                           language=language)
        if badge:
            codes.register(user, badge)
    return user


def set_password(user, password):
    """A new password; every session of the user ends (a stolen cookie with it)."""
    if len(password or "") < 8:
        raise Invalid("A password needs at least 8 characters.")
    if len(password) > 200:
        raise Invalid("A password has at most 200 characters.")
    user.password_hash = generate_password_hash(password, PASSWORD_METHOD)
    User.update(password_hash=user.password_hash, session_gen=User.session_gen + 1).where(User.id == user.id).execute()
    user.session_gen = User.get_by_id(user.id).session_gen
    throttle.succeeded(user.username)  # a new password lifts a lock-out on that name at once
    return user.session_gen


def change_own_password(user, current, new, repeat, address=""):
    """The signed-in user changes their password: the current one first (a session left open on a
    shared desk must not be enough), then the new one twice. Ends the user's other sessions;
    returns the new session generation for the session that made the change."""
    if user is None or not user.active:
        raise Forbidden("Sign in first.")
    if not user.password_hash or not _check(user.password_hash, current or ""):
        throttle.failed(user.username, address)
        raise Invalid("Your current password is not right.")
    if (new or "") != (repeat or ""):
        raise Invalid("The two new passwords differ: type the same one twice.")
    if new == current:
        raise Invalid("The new password is the one you have: choose another.")
    generation = set_password(user, new)
    security_log.record("password_changed", actor=user, subject=user, address=address)
    return generation


# --- sessions ---------------------------------------------------------------------------------------

def session_user(user_id, generation):
    """The active user a session names, if the session is still of their current generation."""
    user = User.get_or_none(User.id == user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or user.session_gen != generation:
        return None
    return user


def end_sessions(user, address="", reason="sign_out"):
    """End every session of the user, on every worker and host (they check the generation)."""
    if user is None:
        return
    User.update(session_gen=User.session_gen + 1).where(User.id == user.id).execute()
    if reason:
        security_log.record(reason, actor=user, subject=user, address=address)


def set_role(admin, username, role, address=""):
    authorize(admin, "manage_users")
    if role not in ROLES:
        raise Invalid("Role must be one of: {roles}.", roles=', '.join(ROLES))
    user = _named(username)
    if user.id == admin.id:
        raise Invalid("You cannot change your own role: ask another admin.")
    old = user.role
    User.update(role=role, session_gen=User.session_gen + 1).where(User.id == user.id).execute()
    security_log.record("role_changed", actor=admin, subject=user, address=address, detail=f"{old} -> {role}")


def set_active(admin, username, active, address=""):
    authorize(admin, "manage_users")
    user = _named(username)
    if user.id == admin.id:
        raise Invalid("You cannot switch yourself off.")
    User.update(active=bool(active), session_gen=User.session_gen + 1).where(User.id == user.id).execute()
    security_log.record("activated" if active else "deactivated", actor=admin, subject=user, address=address)


def set_language(actor, username, language, *, own=False):
    """A person's language ("" follows the browser): one's own (own=True, the account page), or anyone's
    for an admin (the People page, where even one's own row is an admin's change)."""
    user = _named(username)
    if not (own and user.id == actor.id):
        authorize(actor, "manage_users")
    user.language = languages.checked(language)
    User.update(language=user.language).where(User.id == user.id).execute()
    return user


def users_for(admin):
    authorize(admin, "manage_users")
    return list(User.select().order_by(User.username))


def _named(username):
    user = User.get_or_none(User.username == str(username or ""))
    if user is None:
        raise NotFound("No user {user}.", user=codes.shown(username or ''))
    return user


def authenticate(username, password):
    """The active user with this name and password, or None (same answer for either mistake)."""
    username = (username or "").strip()
    if not username.isprintable() or len(username) > 64:
        username = ""  # no user has such a name (and PostgreSQL refuses NUL in a query)
    user = User.get_or_none(User.username == username) if username else None
    if user is None or not user.active or not user.password_hash:
        _check(_DUMMY, password or "")  # same time as a real check
        return None
    return user if _check(user.password_hash, password or "") else None


_check, _DUMMY = passwords.check, passwords.DUMMY


def sign_in(username, password, address, limits=None, device=""):
    """The user for a name and password, through the login throttle: SignInFailed for a wrong
    name or password, TooManyAttempts (checked first, so even the right password waits).
    `device`: the device's signed key ("" for a client without one), see throttle."""
    with throttle.turn(username, address):
        throttle.check(username, address, device=device, **(limits or {}))
        user = authenticate(username, password)
        if user is None:
            throttle.failed(username, address, device=device)
            security_log.record("sign_in_failed", subject=username, address=address)
            raise SignInFailed("Wrong user name or password.")
        throttle.succeeded(username)
        security_log.record("sign_in", subject=user, address=address, detail="password")
        return user


def badge_sign_in(code, address, limits=None, device=""):
    """The user whose badge was scanned (see badges.sign_in)."""
    return badges.sign_in(code, address, device, limits)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(username, name=""):
    """A new API token for the user; only its hash is stored, so this is the one time it is seen."""
    user = User.get_or_none(User.username == username)
    if user is None:
        raise NotFound("No user {user}.", user=username)
    token = "stg_" + secrets.token_urlsafe(32)
    ApiToken.create(user=user, token_hash=_hash(token), name=name)
    security_log.record("token_created", subject=user, detail=str(name or "")[:200])
    return token


# Every API request runs this: compiled once (peewee would build the join's SQL each time).
_TOKEN = Prepared(lambda token_hash: ApiToken.select(ApiToken, User).join(User)
                  .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_null()).limit(1))


def user_for_token(token):
    row = next(iter(_TOKEN(_hash(token or ""))), None)
    if row is None or not row.user.active:
        return None
    return row.user


def token_row(token):
    """The unrevoked ApiToken row of a token (for noting its use), or None."""
    return next(iter(_TOKEN(_hash(token or ""))), None)


def revoke_tokens(username):
    user = User.get_or_none(User.username == username)
    if user is None:
        raise NotFound("No user {user}.", user=username)
    count = (ApiToken.update(revoked_at=utcnow())
             .where(ApiToken.user == user, ApiToken.revoked_at.is_null()).execute())
    security_log.record("tokens_revoked", subject=user, detail=f"{count} token(s)")
    return count
