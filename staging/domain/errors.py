"""Domain errors: what the floor can get wrong, in words an operator understands.

Each carries the HTTP status the API answers with; the scan page shows the message big and red."""


class DomainError(Exception):
    status = 422
    title = "Refused"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


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
