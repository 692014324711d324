"""Domain errors: what the floor can get wrong, in words an operator understands.

Each carries the HTTP status the API answers with; the scan page shows the message big and red.
An error keeps its sentence as Words (a template and values), so the web layer says it in the
reader's language: `raise Invalid("{unit} is on hold.", unit=unit.code)`. `err.message` is the
English sentence (logs, CLI); the web layer uses `i18n.say(err)`."""
from .words import Words


class DomainError(Exception):
    status = 422
    title = "Refused"

    def __init__(self, message, **values):
        self.words = message if isinstance(message, Words) else Words(message, **values)
        self.message = str(self.words)
        super().__init__(self.message)


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    """The world changed under the operator: someone else moved or used it."""
    status = 409
    title = "Conflict"


class Invalid(DomainError):
    status = 422
    title = "Invalid"


class Forbidden(DomainError):
    status = 403
    title = "Not allowed"


class SignInFailed(DomainError):
    status = 401
    title = "Not signed in"


class TooManyAttempts(DomainError):
    """Sign-ins refused for a while after too many failures (the login throttle)."""
    status = 429
    title = "Too many attempts"
