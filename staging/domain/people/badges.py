"""Badges and PINs. No Flask here.

A badge is what a person scans to sign in on a shared handheld. Generated codes carry 66 random
bits, so one cannot be guessed; but a plant may use its existing ID cards (short numbers), and then
a badge only names its holder. So for roles above operator (stager, lead, admin) a badge is
followed by a PIN, throttled like a password. Operators keep one-scan sign-in.

Only an admin sees or prints anyone's badge; a user may print their own. Reissuing a badge
revokes the old code at once and ends the holder's sessions."""
import re
import secrets

from werkzeug.security import generate_password_hash

from ...store.db import write_transaction
from ...store.models import Barcode, User
from .. import codes
from ..errors import Forbidden, Invalid, NotFound, SignInFailed
from ..setup import audit
from . import passwords, security_log, throttle, tokens
from .permissions import authorize, can

BADGE_DIGITS = 20  # log2(10**20) = 66.4 random bits
PIN_LENGTHS = (4, 12)
PIN_METHOD = "scrypt"  # as passwords (tests lower it)


def new_code():
    """A fresh badge code: B and 20 random digits (Code 128 packs digits two to a symbol)."""
    while True:
        code = "B" + str(secrets.randbelow(10 ** BADGE_DIGITS)).zfill(BADGE_DIGITS)
        if not codes.taken(code):
            return code


def needs_pin(user):
    """Roles above operator confirm a badge with a PIN."""
    return user.role != "operator"


def may_see(viewer, subject):
    """An admin sees every badge; anyone else only their own."""
    return viewer is not None and viewer.active and (viewer.id == subject.id or can(viewer, "manage_users"))


def holder(viewer, ref):
    """The user whose badge `ref` (a user name or a badge code) names, if the viewer may see it;
    anything else is as missing as a user that never was (no hint that a code exists)."""
    ref = codes.clean(ref)
    user = User.get_or_none(User.username == ref) if ref else None
    if user is None and ref:
        user = User.get_or_none(User.badge == codes.normalise(ref))
    if user is None or not may_see(viewer, user) or not user.badge:
        raise NotFound("No such badge that you may print (an admin prints other people's).")
    return user


def check_batch(viewer, usernames):
    """A batch of badge labels (`usernames`: the form's text): an admin's for anyone, else only the
    viewer's own."""
    if can(viewer, "manage_users"):
        return
    names = [n for n in re.split(r"[\s,;]+", str(usernames or "")) if n]
    if viewer is None or set(names) != {viewer.username}:
        raise Forbidden("Only an admin prints other people's badges. Enter your own user name to "
                        "reprint yours.")


def reissue(admin, username, address="", device="", end_tokens=False):
    """A new badge code for the user: the old one stops working at once, and so do their sessions
    (and, with end_tokens, their API tokens: a lost badge may mean more was lost).
    Returns the new code (shown to the admin to print)."""
    authorize(admin, "manage_users")
    with write_transaction():
        user = _user(username)
        Barcode.delete().where(Barcode.entity == "user", Barcode.entity_id == user.id).execute()
        code = new_code()
        User.update(badge=code, session_gen=User.session_gen + 1).where(User.id == user.id).execute()
        codes.register(user, code)
        security_log.record("badge_reissued", actor=admin, subject=user, address=address, device=device)
        if end_tokens:
            tokens.end_all(user, actor=admin, address=address)
        # The history says that a badge was issued, never its code (leads read the history).
        audit.record(admin, "user", user.username, {"badge": "issued" if user.badge else None},
                     {"badge": "reissued" if user.badge else "issued"})
    return code


def set_pin(actor, username, pin, address=""):
    """Set a user's PIN: an admin for anyone (a reset), a user for themselves."""
    user = _user(username)
    if actor is None or actor.id != user.id:
        authorize(actor, "manage_users")
    pin = str(pin or "").strip()
    low, high = PIN_LENGTHS
    if not (pin.isdigit() and pin.isascii() and low <= len(pin) <= high):
        raise Invalid("A PIN is {low} to {high} digits.", low=low, high=high)
    User.update(pin_hash=generate_password_hash(pin, PIN_METHOD)).where(User.id == user.id).execute()
    throttle.succeeded(user.username)
    security_log.record("pin_set", actor=actor, subject=user, address=address,
                        detail="reset by an admin" if actor.id != user.id else "own")


def _user(username):
    user = User.get_or_none(User.username == str(username or ""))
    if user is None:
        raise NotFound("No user {user}.", user=codes.shown(username or ''))
    return user


# --- signing in with a badge ---------------------------------------------------------------------

def shape(code):
    """A code's shape: digits as 9, letters as A, the rest as is (B0412... -> A999...)."""
    return "".join("9" if ch.isdigit() else "A" if ch.isalpha() else ch for ch in code)


def badge_shaped(text):
    """Could this unknown code be someone's badge? Only codes shaped like a badge of this plant
    count as guesses: a pallet or location label scanned by mistake at the sign-in page never does,
    so a careless shift cannot lock out every correct badge behind one address."""
    if not text or len(text) > 64:
        return False
    wanted = shape(text)
    return any(shape(badge) == wanted
               for (badge,) in User.select(User.badge).where(User.badge.is_null(False)).tuples())


def sign_in(code, address, device="", limits=None, device_name=""):
    """The active user whose badge was scanned. A badge-shaped code that names nobody counts as a
    failure from that address and that device; past the limits every badge waits there."""
    limits = limits or {}
    with throttle.turn("", device or address):
        throttle.check("", address, device=device, per_address=limits.get("per_address"),
                       per_device=limits.get("per_device"), kind="badge")
        text = codes.clean(code)
        meaning = codes.resolve(text) if text.isprintable() else None
        if meaning is not None and meaning.kind == "badge" and meaning.obj.active:
            if not needs_pin(meaning.obj):
                security_log.record("sign_in", subject=meaning.obj, address=address, device=device_name,
                                    detail="badge")
            return meaning.obj
        note_failure(text, address, device, meaning, device_name)
        raise SignInFailed("That badge is not known here, or switched off.")


def note_failure(text, address, device, meaning=None, device_name=""):
    """Count a failed badge scan when it could have been a badge (see badge_shaped): against the
    device (its signed key), or the address when the client has none."""
    if not text.isprintable():
        return False  # no badge holds a control character
    meaning = meaning or codes.resolve(text)
    if meaning is not None and meaning.kind not in ("unknown", "badge"):
        return False  # a pallet, place, work order, command or GS1 label: a slip, not a guess
    if meaning.kind == "badge" or badge_shaped(text):
        throttle.failed("", address, device=device, kind="badge")
        security_log.record("badge_failed", address=address, device=device_name)
        return True
    return False


def check_pin(user_id, pin, address, limits=None, device=""):
    """The user a badge named, once their PIN is right: throttled per user and address like a
    password (SignInFailed, TooManyAttempts)."""
    limits = limits or {}
    if not isinstance(user_id, int):  # no badge scanned, or over two minutes ago
        raise SignInFailed("Scan your badge first, then type your PIN within two minutes.")
    user = User.get_or_none(User.id == user_id)
    name = user.username if user is not None else ""
    with throttle.turn(name, address):
        throttle.check(name, address, per_username=limits.get("per_username"),
                       per_address=limits.get("per_address"), device=device,
                       per_device=limits.get("per_device"), kind="pin")
        ok = passwords.check(user.pin_hash if user and user.active and user.pin_hash else passwords.DUMMY,
                             str(pin or ""))
        if not ok or user is None or not user.active or not user.pin_hash:
            throttle.failed(name, address, device=device, kind="pin")
            security_log.record("pin_failed", subject=name, address=address)
            if user is not None and user.pin_hash:
                raise SignInFailed("Wrong PIN.")
            raise SignInFailed("No PIN is set for this badge: ask an admin to set one, or sign in with your password.")
        throttle.succeeded(name)
        security_log.record("sign_in", subject=user, address=address, detail="badge and PIN")
        return user


def hand_over(user_id, address, device="", limits=None, device_name=""):
    """A badge scanned on the scan page (the scan page resolved it): the handheld is handed over
    unless this device or address is locked out for guessing. Returns the user."""
    limits = limits or {}
    throttle.check("", address, device=device, per_address=limits.get("per_address"),
                   per_device=limits.get("per_device"), kind="badge")
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.active:
        raise SignInFailed("That badge is switched off.")
    if not needs_pin(user):
        security_log.record("sign_in", subject=user, address=address, device=device_name,
                            detail="badge on the scan page")
    return user
