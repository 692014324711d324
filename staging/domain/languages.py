"""The languages the app is shipped complete in (catalogs in staging/translations), by their own
names: a person's setting (users.language) is one of these, or "" to follow the browser."""
from . import codes
from .errors import Invalid

SHIPPED = {"en": "English", "de": "Deutsch", "es": "Español", "pl": "Polski"}


def checked(value):
    """A person's language as typed in a form, an import or the CLI: a shipped code, or "" (the browser's)."""
    language = str(value or "").strip().lower().replace("_", "-")
    if language and language not in SHIPPED:
        raise Invalid("Language “{language}” is not one of: {choices}.", language=codes.shown(language[:20]),
                      choices=", ".join(SHIPPED))
    return language
