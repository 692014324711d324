"""People: create (through users.create_user), change role, display name and language, switch off,
reset a password. Badges themselves (reissue) belong to users.py."""
from ...store.db import write_transaction
from ...store.models import ROLES, User
from .. import codes, languages
from ..errors import Invalid, NotFound
from ..people import tokens, users
from ..people.permissions import authorize
from ..words import Words
from . import audit, fields

FIELDS = ("username", "display_name", "role", "badge", "language", "active")
LANGUAGES = ("", *languages.SHIPPED)  # "": follow the browser


def snapshot(person):
    """A person's audited fields. The badge is recorded as issued, never as its code: the change
    history is read by leads, and a badge's code signs its holder in."""
    values = audit.snapshot(person, FIELDS)
    if values is not None and values.get("badge"):
        values["badge"] = "issued"
    return values


def find(username):
    found = User.get_or_none(User.username == str(username or "").strip())
    if found is None:
        raise NotFound("No user “{user}”.", user=codes.shown(username or ''))
    return found


def _language(values, existing):
    if "language" not in values:
        return existing.language if existing else ""
    return languages.checked(values.get("language"))


def _check_badge(badge, user):
    """A badge must name nobody and nothing else: a clear refusal, not a database error."""
    if not badge:
        return None
    badge = codes.check_own_code(badge, Words("badge code"))
    hit = codes.lookup(badge)
    if hit and hit != ("user", user.id if user else None):
        owner = User.get_or_none(User.id == hit[1]) if hit[0] == "user" else None
        if owner:
            raise Invalid("Badge {badge} is already {user}'s.", badge=badge, user=owner.username)
        raise Invalid("The code {badge} already names a {kind}: choose another badge.", badge=badge,
                      kind=hit[0].replace("_", " "))
    return badge


def _role(values, default=""):
    role = fields.text(values, "role", Words("Role"), required=not default, default=default).lower()
    if role not in ROLES:
        raise Invalid("Role must be one of: {roles}.", roles=', '.join(ROLES))
    return role


def _password(password):
    if password and len(password) < 8:
        raise Invalid("A password needs at least 8 characters.")
    if password and len(password) > 200:
        raise Invalid("A password has at most 200 characters.")
    return password


def _create(form, values, password):
    username = form.read("username", fields.text, values, "username", Words("User name"), required=True,
                         max_length=64)
    role = form.read("role", _role, values)
    password = form.read("password", _password, password)
    badge = form.read("badge", _check_badge, values.get("badge"), None)
    display_name = form.read("display_name", fields.text, values, "display_name", Words("Display name"))
    language = form.read("language", _language, values, None)
    if not password and not badge and "password" not in form.problems and "badge" not in form.problems:
        form.refuse("password", Words("{user} would have no way to sign in: give a password or a badge.",
                                      user=username or "-"))
    form.check()
    person = users.create_user(username, role, password or None, badge=badge, display_name=display_name)
    person.language = language
    person.save()
    return person


def save(user, values, password=None):
    """Create the user named values["username"], or change role, display name, language, active
    and (only when it has none) badge. Returns (user, "created" | "updated" | "unchanged").
    Refused (fields.Refused): every field that is wrong, each by its name; nothing saved."""
    authorize(user, "manage_users")
    form = fields.Form()
    username = form.read("username", fields.text, values, "username", Words("User name"), required=True,
                         max_length=64)
    with write_transaction():
        existing = User.get_or_none(User.username == username) if username else None
        before = snapshot(existing)
        person = _create(form, values, password) if existing is None else _update(form, user, existing, values)
        after = snapshot(person)
        audit.record(user, "user", username, before, after)
    return person, "created" if before is None else "updated" if before != after else "unchanged"


def _new_badge(values, person):
    badge = codes.normalise(values.get("badge") or "")
    if badge and person.badge and badge != person.badge:
        raise Invalid("{user} already has badge {badge}: reissue it from the badge page.", user=person.username,
                      badge=person.badge)
    return _check_badge(badge, person) if badge and not person.badge else None


def _update(form, user, person, values):
    role = form.read("role", _role, values, person.role)
    active = form.read("active", fields.flag, values, "active", Words("Active"), person.active)
    if person.id == user.id and active is False:
        form.refuse("active", Words("You cannot switch yourself off."))
    if person.role == "admin" and role and (role != "admin" or active is False) and _last_admin(person):
        form.refuse("role" if role != "admin" else "active",
                    Words("{user} is the last active admin: make another admin first.", user=person.username))
    badge = form.read("badge", _new_badge, values, person)
    display_name = form.read("display_name", fields.text, values, "display_name", Words("Display name"),
                             default=person.display_name)
    language = form.read("language", _language, values, person)
    form.check()
    if badge:
        person.badge = badge
        codes.register(person, badge)
    person.role, person.active, person.display_name, person.language = role, active, display_name, language
    person.save()
    if not active:
        users.revoke_tokens(person.username)
    return person


def _last_admin(person):
    return not User.select().where(User.role == "admin", User.active, User.id != person.id).exists()


def deactivate(user, username):
    return save(user, {"username": find(username).username, "active": "no"})[0]


def reset_password(user, username, password, end_tokens=False):
    """A new password; with end_tokens (the form's default) the person's API tokens end too: a reset
    after a suspected compromise must not leave a script running under a stolen token."""
    authorize(user, "manage_users")
    person = find(username)
    if person.id == user.id:  # a reset ends one's own sessions too: it would sign the admin out mid-task
        raise Invalid("Change your own password on your account page: it asks for the current one first.")
    with write_transaction():
        users.set_password(person, password or "")
        audit.record(user, "user", person.username, {"password": "old"}, {"password": "reset"})
        if end_tokens:
            tokens.end_all(person, actor=user)
    return person


def listing(search="", include_inactive=True):
    query = User.select()
    search = " ".join(str(search or "").split())[:40]
    if search:
        query = query.where(User.username.contains(search) | User.display_name.contains(search))
    if not include_inactive:
        query = query.where(User.active)
    return list(query.order_by(User.active.desc(), User.username).limit(500))
