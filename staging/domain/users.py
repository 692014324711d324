"""Users, passwords, badges and API tokens. No Flask here either."""
import hashlib
import secrets
import threading

from werkzeug.security import check_password_hash, generate_password_hash

from ..store.db import Prepared, write_transaction
from ..store.models import ROLES, ApiToken, User, utcnow
from . import codes, throttle
from .errors import Invalid, NotFound, SignInFailed

PASSWORD_METHOD = "scrypt"  # werkzeug's default; tests lower the cost


def create_user(username, role, password=None, *, display_name="", badge=None):
    username = (username or "").strip()
    if not username or len(username) > 64 or not username.isprintable():
        raise Invalid("A user name is 1 to 64 printable characters.")
    if role not in ROLES:
        raise Invalid(f"Role must be one of: {', '.join(ROLES)}.")
    if password is not None and len(password) < 8:
        raise Invalid("A password needs at least 8 characters.")
    if role in ("lead", "admin") and not password and not badge:
        # No default password, and no lead/admin who can never sign in: say how they will.
        raise Invalid(f"A {role} needs a password (--password) or a badge to sign in.")
    with write_transaction():
        if User.select().where(User.username == username).exists():
            raise Invalid(f"There is already a user {username}.")
        user = User.create(username=username, role=role, display_name=display_name or username,
                           password_hash=generate_password_hash(password, PASSWORD_METHOD) if password else None,
                           badge=codes.check_own_code(badge, "badge code") if badge else None)
        if badge:
            codes.register(user, badge)
    return user


def set_password(user, password):
    if len(password) < 8:
        raise Invalid("A password needs at least 8 characters.")
    user.password_hash = generate_password_hash(password, PASSWORD_METHOD)
    user.save()
    throttle.succeeded(user.username)  # a new password lifts a lock-out on that name at once


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


# scrypt takes 32 MB per check: four threads signing in at once pushed a worker from 60 to 200 MB.
# One check at a time per process (two cores gain nothing from more anyway).
_HASHING = threading.Lock()


def _check(password_hash, password):
    with _HASHING:
        return check_password_hash(password_hash, password)


_DUMMY = generate_password_hash("not-a-password")


def sign_in(username, password, address, limits=None):
    """The user for a name and password, through the login throttle: SignInFailed for a wrong
    name or password, TooManyAttempts (checked first, so even the right password waits)."""
    with throttle.turn(username, address):
        throttle.check(username, address, **(limits or {}))
        user = authenticate(username, password)
        if user is None:
            throttle.failed(username, address)
            raise SignInFailed("Wrong user name or password.")
        throttle.succeeded(username)
        return user


def badge_sign_in(code, address, limits=None):
    """The user whose badge was scanned; a wrong badge counts as a failure from that address."""
    with throttle.turn("", address):
        throttle.check("", address, **(limits or {}))
        text = codes.clean(code)
        meaning = codes.resolve(text) if text.isprintable() else None
        if meaning is None or meaning.kind != "badge" or not meaning.obj.active:
            throttle.failed("", address)
            raise SignInFailed("That badge is not known here, or switched off.")
        return meaning.obj


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(username, name=""):
    """A new API token for the user; only its hash is stored, so this is the one time it is seen."""
    user = User.get_or_none(User.username == username)
    if user is None:
        raise NotFound(f"No user {username}.")
    token = "stg_" + secrets.token_urlsafe(32)
    ApiToken.create(user=user, token_hash=_hash(token), name=name)
    return token


# Every API request runs this: compiled once (peewee would build the join's SQL each time).
_TOKEN = Prepared(lambda token_hash: ApiToken.select(ApiToken, User).join(User)
                  .where(ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_null()).limit(1))


def user_for_token(token):
    row = next(iter(_TOKEN(_hash(token or ""))), None)
    if row is None or not row.user.active:
        return None
    return row.user


def revoke_tokens(username):
    user = User.get_or_none(User.username == username)
    if user is None:
        raise NotFound(f"No user {username}.")
    return (ApiToken.update(revoked_at=utcnow())
            .where(ApiToken.user == user, ApiToken.revoked_at.is_null()).execute())
