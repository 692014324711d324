"""Which language a request is answered in, and saying the domain's Words in it.

The reader's language: the signed-in person's own (users.language, set on the people page, by
`create-user --language`, or the import), else what the browser asks for (Accept-Language), else
the plant's. Catalogs live in staging/translations/<lang>/LC_MESSAGES/messages.po; `make setup`
compiles them to .mo (not committed). tests/test_translations.py checks nothing is left out.
"""
from flask import current_app, g, request
from flask_babel import Babel, get_locale, gettext

from ..domain.errors import DomainError
from ..domain.words import Words

# The languages shipped complete, in their own names (the language picker shows these).
LANGUAGES = {"en": "English", "de": "Deutsch", "es": "Español", "pl": "Polski"}

# Extraction keywords beyond Babel's defaults: Words and the domain's errors take their template first.
EXTRACT_KEYWORDS = ["lazy_gettext", "Words", "DomainError", "NotFound", "Conflict", "Invalid", "Forbidden",
                    "SignInFailed", "TooManyAttempts"]


def select_locale():
    user = g.get("user")
    chosen = getattr(user, "language", None)
    if chosen in LANGUAGES:
        return chosen
    asked = request.accept_languages.best_match(LANGUAGES)
    return asked or plant_language()


def plant_language():
    """The plant's language (labels, signed-out pages with no Accept-Language): PLANT_LOCALE's."""
    language = current_app.config.get("PLANT_LOCALE", "en").split("_")[0].split("-")[0]
    return language if language in LANGUAGES else "en"


def say(text):
    """Words, a DomainError or a plain str, in the reader's language."""
    if isinstance(text, DomainError):
        text = text.words
    if isinstance(text, Words):
        return text.render(gettext)
    return text


def init_app(app):
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/translations"))
    Babel(app, locale_selector=select_locale)
    app.add_template_global(say, "say")
    app.add_template_global(LANGUAGES, "LANGUAGES")

    @app.context_processor
    def language():
        return {"language": str(get_locale())}
